//! An agent's reply to a conversation, sent by e-mail from the mailbox it came in on.
//!
//! The reply is built once (its RFC 5322 bytes, under a Message-ID chosen here) and recorded
//! in one transaction: the outbound interaction on the customer's timeline, the entry in the
//! conversation (`queued`), its attachments, the outbox row holding the bytes and the audit
//! entry (recipients, size and files; never the text). Nothing is sent before that commit;
//! the sender (`sender`) hands the bytes to the SMTP server later, so a reply is never lost
//! and a retry is the same message (same Message-ID).
use super::receive::{store_attachments, Attachment};
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use vinculo_channels::email::{header_value, reply_ids};
use vinculo_channels::email_transport::reply::message_id;
use vinculo_channels::email_transport::{build_reply, BuildError};
use vinculo_channels::email_transport::{Attachment as MailFile, ReplyDraft as Mail};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::conversations::{self as rules, Delivery, EntryKind, StatusChange};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{ConversationId, EntryId, InteractionId, OutboxId, WorkspaceId};
use vinculo_domain::interactions::{IdentityDraft, InteractionDraft};
use vinculo_store::conversations::{self as store, ConversationRecord, NewEntry};
use vinculo_store::mail_channels::MailChannelRecord;

/// Characters in a reply's text.
pub const MAX_BODY: usize = 100_000;
/// Files on one reply, and their bytes together (what most mail servers still accept once
/// base64 has grown them by a third).
pub const MAX_FILES: usize = 10;
pub const MAX_FILE_BYTES: usize = 15 * 1024 * 1024;
/// Copies to others than the customer.
const MAX_CC: usize = 20;

/// A file an agent attaches.
#[derive(Clone, Debug)]
pub struct OutgoingFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What an agent writes.
#[derive(Clone, Debug, Default)]
pub struct ReplyDraft {
    pub body: String,
    /// Copies, as typed (`ana@example.com` or `Ana <ana@example.com>`).
    pub cc: Vec<String>,
    /// Replaces `Re: <the conversation's subject>`; the conversation's token is added.
    pub subject: Option<String>,
    /// The conversation's status once the reply is queued; `None` leaves it.
    pub status: Option<StatusChange>,
    pub files: Vec<OutgoingFile>,
}

/// A reply recorded and waiting in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub entry_id: EntryId,
    pub interaction_id: InteractionId,
    /// Without angle brackets, as stored.
    pub message_id: String,
    pub to: String,
}

/// Records a reply and queues it for sending (see the module's comment).
pub async fn reply(
    app: &App,
    actor: &Principal,
    id: ConversationId,
    draft: &ReplyDraft,
) -> Result<Queued, AppError> {
    actor.require(Area::Service, Access::Write)?;
    let body = check_body(&draft.body)?;
    check_files(&draft.files)?;
    if draft.cc.len() > MAX_CC {
        return Err(AppError::invalid("cc", format!("at most {MAX_CC} copies")));
    }
    let ws = actor.workspace_id;
    let (conversation, mailbox, to, thread_ids) = {
        let mut conn = app.db.conn().await?;
        let conversation = store::get(&mut conn, ws, id)
            .await?
            .ok_or(AppError::NotFound("conversation"))?;
        let mailbox = mailbox_for(&mut conn, ws, &conversation).await?;
        let entries = store::entries(&mut conn, ws, id).await?;
        let to = recipient(&mut conn, ws, &conversation, &entries).await?;
        let thread_ids: Vec<String> = entries
            .iter()
            .filter(|e| matches!(e.kind, EntryKind::Inbound | EntryKind::Outbound))
            .filter_map(|e| e.message_id.clone())
            .collect();
        (conversation, mailbox, to, thread_ids)
    };
    let domain = mailbox
        .address
        .rsplit('@')
        .next()
        .unwrap_or("vinculo.invalid");
    let own_id = message_id(domain);
    let bare_id = own_id
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    let subject = subject(draft.subject.as_deref(), &conversation)?;
    let text = with_signature(&body, mailbox.signature.as_deref());
    let ids = match thread_ids.split_last() {
        Some((parent, earlier)) => reply_ids(Some(parent), earlier, &[]),
        None => Default::default(),
    };
    let mail = Mail {
        from: from_header(&mailbox),
        to: vec![to.clone()],
        cc: draft.cc.iter().map(|c| c.trim().to_owned()).collect(),
        subject: subject.clone(),
        text: text.clone(),
        html: None,
        in_reply_to: ids.in_reply_to_header(),
        references: ids.references.iter().map(|i| format!("<{i}>")).collect(),
        message_id: own_id,
        attachments: draft
            .files
            .iter()
            .map(|f| MailFile {
                filename: f.filename.clone(),
                content_type: f.content_type.clone(),
                bytes: f.bytes.clone(),
            })
            .collect(),
    };
    // Built first: it names the header at fault (a copy's line break is the `cc`'s).
    let bytes = build_reply(&mail).map_err(build_error)?;
    let recipients = mail.recipients().map_err(build_error)?;

    let interaction = InteractionDraft {
        channel: Some("email".into()),
        direction: Some("outbound".into()),
        kind: Some("message".into()),
        subject: Some(subject.clone()),
        body: Some(text),
        attributes: Some(json!({
            "message_id": bare_id,
            "from": mailbox.address,
            "to": [to],
            "cc": mail.cc,
            "attachments": draft.files.len(),
            "conversation_id": id.to_string(),
        })),
        customer: Some(IdentityDraft {
            id: Some(conversation.customer_id.to_string()),
            ..IdentityDraft::default()
        }),
        source: Some("email".into()),
        source_event_id: Some(bare_id.clone()),
        ..InteractionDraft::default()
    };
    let prepared = crate::interactions::prepare(app, actor, &interaction).await?;
    let at = now();
    let entry_id = EntryId::new();
    let mut tx = app.db.begin().await?;
    let ingested = crate::interactions::write_one(&mut tx, &prepared).await?;
    store::add_entry(
        &mut tx,
        ws,
        &NewEntry {
            id: entry_id,
            conversation_id: id,
            kind: EntryKind::Outbound,
            interaction_id: Some(ingested.id),
            message_id: Some(&bare_id),
            author_id: Some(actor.user_id),
            body: None,
            delivery: Some(Delivery::Queued),
            at,
        },
    )
    .await?;
    let files: Vec<Attachment> = draft
        .files
        .iter()
        .map(|f| Attachment {
            filename: f.filename.clone(),
            content_type: f.content_type.clone(),
            size: f.bytes.len() as u64,
            content_id: None,
            inline: false,
            data: Some(f.bytes.clone()),
            refused: None,
        })
        .collect();
    store_attachments(&mut tx, ws, ingested.id, &files, at).await?;
    vinculo_store::outbox::enqueue(
        &mut tx,
        ws,
        &vinculo_store::outbox::NewMail {
            id: OutboxId::new(),
            entry_id,
            mail_channel_id: mailbox.id,
            envelope_from: &mailbox.address,
            recipients: &recipients,
            message: &bytes,
            at,
        },
    )
    .await?;
    let (status, until) = match draft.status {
        Some(s) => s
            .apply(at)
            .map_err(|e| AppError::invalid("snoozed_until", e.to_string()))?,
        None => (
            rules::status_after(conversation.status, EntryKind::Outbound),
            conversation.snoozed_until,
        ),
    };
    store::touch(&mut tx, ws, id, at, false, status).await?;
    if until.is_some() {
        store::set_status(&mut tx, ws, id, status, until, at).await?;
    }
    store::mark_read(&mut tx, ws, id, actor.user_id, at).await?;
    // What an auditor needs of a reply: who wrote to whom, from which mailbox, when, its
    // size and files; the text itself stays on the customer's timeline.
    let audited = json!({
        "conversation_id": id.to_string(),
        "mail_channel_id": mailbox.id.to_string(),
        "from": mailbox.address,
        "to": to,
        "cc": mail.cc,
        "subject": subject,
        "length": body.chars().count(),
        "attachments": draft.files.len(),
        "message_id": bare_id,
    });
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "conversation_reply",
        entry_id,
        &json!(null),
        &audited,
    )
    .await?;
    let after = store::get(&mut tx, ws, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let status = |c: &ConversationRecord| {
        json!({
            "status": c.status.as_str(),
            "snoozed_until": c.snoozed_until.map(|t| t.to_string()),
        })
    };
    // Nothing is recorded when the reply left the status as it was.
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "conversation",
        id,
        &status(&conversation),
        &status(&after),
    )
    .await?;
    tx.commit().await?;
    crate::interactions::published(app, actor, &ingested);
    super::changed(app, ws, id);
    app.outbox_wake.notify_one();
    Ok(Queued {
        entry_id,
        interaction_id: ingested.id,
        message_id: bare_id,
        to,
    })
}

/// The address a reply to this conversation would go out from; `None` when the workspace
/// has no mailbox to send it (the page shows why instead of a reply box).
pub async fn sent_from(
    app: &App,
    actor: &Principal,
    id: ConversationId,
) -> Result<Option<String>, AppError> {
    actor.require(Area::Service, Access::Read)?;
    let ws = actor.workspace_id;
    let mut conn = app.db.conn().await?;
    let conversation = store::get(&mut conn, ws, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    match mailbox_for(&mut conn, ws, &conversation).await {
        Ok(m) => Ok(Some(m.address)),
        Err(AppError::Invalid { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sends again a reply that failed, bounced or is in doubt: the agent's decision, since the
/// customer may already have it, and audited as such. Its bytes (and Message-ID) are those
/// of the first attempt.
pub async fn resend(
    app: &App,
    actor: &Principal,
    id: ConversationId,
    entry: EntryId,
) -> Result<(), AppError> {
    actor.require(Area::Service, Access::Write)?;
    let ws = actor.workspace_id;
    let mut tx = app.db.begin().await?;
    let before = store::entries(&mut tx, ws, id)
        .await?
        .into_iter()
        .find(|e| e.id == entry && e.kind == EntryKind::Outbound)
        .ok_or(AppError::NotFound("reply"))?;
    if !vinculo_store::outbox::resend(&mut tx, ws, entry, now()).await? {
        return Err(AppError::invalid(
            "entry_id",
            "only a reply that failed, bounced or is in doubt can be sent again",
        ));
    }
    let delivery = |d: Option<Delivery>| d.map(Delivery::as_str);
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "conversation_reply",
        entry,
        &json!({"conversation_id": id.to_string(), "delivery": delivery(before.delivery)}),
        &json!({"conversation_id": id.to_string(), "delivery": Delivery::Queued.as_str()}),
    )
    .await?;
    tx.commit().await?;
    super::changed(app, ws, id);
    app.outbox_wake.notify_one();
    Ok(())
}

fn check_body(raw: &str) -> Result<String, AppError> {
    let body = raw.replace("\r\n", "\n").replace('\r', "\n");
    let body = body.trim_end();
    let chars = body.chars().count();
    if body.trim().is_empty() || chars > MAX_BODY {
        return Err(AppError::invalid(
            "body",
            format!("a reply has 1 to {MAX_BODY} characters"),
        ));
    }
    Ok(body.to_owned())
}

fn check_files(files: &[OutgoingFile]) -> Result<(), AppError> {
    if files.len() > MAX_FILES {
        return Err(AppError::invalid(
            "attachments",
            format!("at most {MAX_FILES} files on one reply"),
        ));
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    if total > MAX_FILE_BYTES {
        return Err(AppError::invalid(
            "attachments",
            format!(
                "the files come to {:.1} MB; a reply carries at most {} MB",
                total as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ),
        ));
    }
    for f in files {
        if f.filename.trim().is_empty() || f.filename.chars().count() > 255 {
            return Err(AppError::invalid(
                "attachments",
                "each file needs a name of at most 255 characters",
            ));
        }
    }
    Ok(())
}

/// The mailbox a conversation is answered from: its own, else (a web form's, or a mailbox
/// since removed) the workspace's first enabled one.
async fn mailbox_for(
    conn: &mut vinculo_store::Conn,
    ws: WorkspaceId,
    c: &ConversationRecord,
) -> Result<MailChannelRecord, AppError> {
    if let Some(m) = c.mail_channel_id {
        if let Some(m) = vinculo_store::mail_channels::get(conn, ws, m).await? {
            return Ok(m);
        }
    }
    vinculo_store::mail_channels::list(conn, ws)
        .await?
        .into_iter()
        .find(|m| m.enabled)
        .ok_or_else(|| {
            AppError::invalid(
                "mail_channel",
                "there is no mailbox to send this reply from: connect one in the settings",
            )
        })
}

/// Who the reply goes to: the address the customer last wrote from, else their primary
/// e-mail address.
async fn recipient(
    conn: &mut vinculo_store::Conn,
    ws: WorkspaceId,
    c: &ConversationRecord,
    entries: &[store::EntryRecord],
) -> Result<String, AppError> {
    let customer = vinculo_store::customers::get(conn, ws, c.customer_id).await?;
    // `"Lucía Pérez" <lucia@…>`: the name as the company knows the customer.
    let named = |address: &str| match customer.as_ref().map(|c| quoted(&c.display_name)) {
        Some(name) if !name.is_empty() => format!("\"{name}\" <{address}>"),
        _ => address.to_owned(),
    };
    let last_inbound = entries
        .iter()
        .rev()
        .filter(|e| e.kind == EntryKind::Inbound)
        .find_map(|e| e.interaction_id);
    if let Some(i) = last_inbound {
        if let Some(r) = vinculo_store::interactions::get(conn, ws, i).await? {
            if let Some(from) = r.attributes.get("from").and_then(|f| f.as_str()) {
                if !from.is_empty() {
                    return Ok(named(from));
                }
            }
        }
    }
    let customer = customer.as_ref().ok_or(AppError::NotFound("customer"))?;
    let emails = || customer.keys.iter().filter(|k| k.kind == KeyKind::Email);
    emails()
        .find(|k| k.primary)
        .or_else(|| emails().next())
        .map(|k| named(&k.display))
        .ok_or_else(|| {
            AppError::invalid(
                "to",
                "the customer has no e-mail address to send this reply to",
            )
        })
}

/// `Re: <subject> [#VC-…]`, or the agent's subject with the token; line breaks refused.
fn subject(typed: Option<&str>, c: &ConversationRecord) -> Result<String, AppError> {
    let typed = typed.map(str::trim).filter(|s| !s.is_empty());
    if let Some(s) = typed {
        header_value(s).map_err(|e| AppError::invalid("subject", e))?;
        if s.chars().count() > 500 {
            return Err(AppError::invalid(
                "subject",
                "a subject has at most 500 characters",
            ));
        }
    }
    let base = match typed {
        Some(s) => s.to_owned(),
        None => {
            // A stored subject came from a parsed header, but never trust it back into one.
            let s: String = c.subject.chars().filter(|ch| !ch.is_control()).collect();
            let lower = s.to_lowercase();
            if ["re:", "aw:", "r:", "sv:"]
                .iter()
                .any(|p| lower.starts_with(p))
            {
                s
            } else {
                format!("Re: {s}")
            }
        }
    };
    if rules::find_token(&base).is_some() {
        Ok(base)
    } else {
        Ok(format!("{base} [#{}]", c.token))
    }
}

/// The text, then the mailbox's signature under the usual `-- ` line.
fn with_signature(body: &str, signature: Option<&str>) -> String {
    match signature.map(str::trim).filter(|s| !s.is_empty()) {
        Some(sig) => format!("{body}\n\n-- \n{sig}\n"),
        None => format!("{body}\n"),
    }
}

/// `"Mailbox name" <address>`, the name quoted so a comma or a dot in it stays a name.
fn from_header(m: &MailChannelRecord) -> String {
    format!("\"{}\" <{}>", quoted(&m.name), m.address)
}

/// A display name as it can stand between quotes in a header: no controls, quotes or
/// backslashes.
fn quoted(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' || c == '\\' { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn build_error(e: BuildError) -> AppError {
    match e {
        BuildError::LineBreak { field } | BuildError::InvalidAddress { field, .. } => {
            AppError::invalid(field_name(field), e.to_string())
        }
        BuildError::InvalidContentType(_) => AppError::invalid("attachments", e.to_string()),
        BuildError::NoRecipient => AppError::invalid("to", e.to_string()),
        other => AppError::Internal(other.to_string()),
    }
}

/// The API's name of a field the mail builder complains about.
fn field_name(builder_field: &str) -> &'static str {
    match builder_field {
        "subject" => "subject",
        "cc" => "cc",
        "to" => "to",
        "from" => "mail_channel",
        _ => "attachments",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_follows_the_dash_dash_line() {
        assert_eq!(
            with_signature("Hola", Some(" Ana \n")),
            "Hola\n\n-- \nAna\n"
        );
        assert_eq!(with_signature("Hola", Some("  ")), "Hola\n");
    }

    #[test]
    fn a_body_is_trimmed_at_the_end_and_never_empty() {
        assert_eq!(
            check_body("Hola\r\nqué tal  \r\n").ok().as_deref(),
            Some("Hola\nqué tal")
        );
        assert!(check_body(" \n ").is_err());
    }
}
