//! A message arriving on a channel (read from a mailbox, for now) joins the shared inbox:
//!
//! 1. a message id the workspace already holds is answered as a duplicate (a mailbox read
//!    again after a crash, or the same message reaching two mailboxes);
//! 2. a bounce marks the reply it reports on as undeliverable and joins that reply's
//!    conversation; an automatic reply joins its conversation without reopening it; neither
//!    creates a customer nor counts as the customer writing. A list message is set aside;
//! 3. a customer's message is ingested as an `email` interaction (identity resolution by
//!    the From address; an unknown sender becomes a prospect), idempotent by its message id;
//! 4. it joins the conversation of a message it answers (In-Reply-To, References), else the
//!    one whose token its subject carries, else a new one; the conversation opens again;
//! 5. its attachments are stored with the interaction.
//!
//! Steps 3 and 4–5 are two transactions: a crash between them leaves the interaction and no
//! entry; the message is then read again (the reader advances only after `receive`
//! returns), 3 answers with the stored interaction, and 4–5 complete.
//!
//! A mailbox's reader hands over a batch at a time ([`receive_all`]): the duplicate check is
//! one statement for the batch, step 3 one ingest of all its customer messages (one
//! transaction), and steps 2, 4 and 5 one transaction for all of them, taken in order, so a
//! reply finds a conversation its batch opened. Per message that was two commits and a dozen
//! round trips to the database; it capped a 10,000-message mailbox at a few hundred messages
//! a second (docs/performance.md, "Reading a mailbox").
use crate::{AppError, Principal};
use serde_json::json;
use std::collections::HashMap;
use time::OffsetDateTime;
use vinculo_domain::conversations::{self as rules, Channel, Delivery, EntryKind, Status};
use vinculo_domain::ids::{AttachmentId, ConversationId, EntryId, InteractionId, MailChannelId};
use vinculo_domain::interactions::{IdentityDraft, InteractionDraft};
use vinculo_store::conversations::{self as store, NewConversation, NewEntry};

/// Characters of a text body kept on the interaction; the rest is cut with a note.
const MAX_TEXT: usize = 90_000;
/// Bytes of sanitised HTML kept; a larger body is shown as its text.
const MAX_HTML: usize = 500 * 1024;
/// The longest message id used as the interaction's event id as it is (longer: hashed).
const MAX_EVENT_ID: usize = 200;

/// What kind of message it is, as the channel's reader made out.
#[derive(Clone, Debug, PartialEq)]
pub enum Classified {
    Customer,
    AutoReply,
    /// A delivery report; the message id of what failed, when the report names it.
    Bounce {
        original_message_id: Option<String>,
        recipient: Option<String>,
        status: Option<String>,
    },
    /// A mailing list or bulk message: not a customer writing.
    List,
}

/// A file that came with the message. `data` is `None` when the reader refused it.
#[derive(Clone, Debug)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub content_id: Option<String>,
    pub inline: bool,
    pub data: Option<Vec<u8>>,
    pub refused: Option<String>,
}

/// A message as a channel's reader hands it over: parsed, its HTML already sanitised.
#[derive(Clone, Debug)]
pub struct InboundMessage {
    pub channel: Channel,
    pub mail_channel_id: Option<MailChannelId>,
    /// Without angle brackets. A reader synthesises one for a message that has none.
    pub message_id: String,
    /// The ids it answers: In-Reply-To first, then References newest first.
    pub answers: Vec<String>,
    pub from_address: String,
    pub from_name: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub date: Option<OffsetDateTime>,
    pub text: Option<String>,
    pub html: Option<String>,
    pub class: Classified,
    pub attachments: Vec<Attachment>,
}

/// What became of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// Joined (or opened) a conversation.
    Added {
        conversation_id: ConversationId,
        interaction_id: Option<InteractionId>,
        new_conversation: bool,
    },
    /// Already there.
    Duplicate { conversation_id: ConversationId },
    /// Not a customer message, and no conversation to keep it in.
    SetAside,
}

/// Takes a message into the inbox (see the module's comment for the steps).
pub async fn receive(
    app: &crate::App,
    actor: &Principal,
    msg: &InboundMessage,
) -> Result<Received, AppError> {
    receive_all(app, actor, std::slice::from_ref(msg))
        .await?
        .pop()
        .unwrap_or_else(|| Err(AppError::Internal("receive answered nothing".into())))
}

/// What became of each of `msgs`, in order: `Err(AppError::InvalidFields)` for a message
/// validation refused (the others go on). A database error fails the call, and none of the
/// messages' entries is stored (their interactions may be: taking them again completes them).
pub async fn receive_all(
    app: &crate::App,
    actor: &Principal,
    msgs: &[InboundMessage],
) -> Result<Vec<Result<Received, AppError>>, AppError> {
    let ws = actor.workspace_id;
    let known: HashMap<String, ConversationId> = {
        let ids: Vec<&str> = msgs.iter().map(|m| m.message_id.as_str()).collect();
        let mut conn = app.db.conn().await?;
        store::conversations_of_message_ids(&mut conn, ws, &ids)
            .await?
            .into_iter()
            .collect()
    };
    // Step 3 for every new customer message at once.
    let customer: Vec<&InboundMessage> = msgs
        .iter()
        .filter(|m| m.class == Classified::Customer && !known.contains_key(&m.message_id))
        .collect();
    let mut ingested = ingest(app, actor, &customer).await?.into_iter();
    let now = crate::now();
    let mut tx = app.db.begin().await?;
    let mut added: HashMap<&str, ConversationId> = HashMap::new();
    let mut out = Vec::with_capacity(msgs.len());
    for msg in msgs {
        if let Some(c) = known.get(&msg.message_id) {
            out.push(Ok(Received::Duplicate {
                conversation_id: *c,
            }));
            continue;
        }
        let interaction = match msg.class {
            Classified::Customer => ingested.next(),
            _ => None,
        };
        if let Some(c) = added.get(msg.message_id.as_str()) {
            // The same message twice in one batch: the second is the duplicate it would
            // have been one call later.
            out.push(Ok(Received::Duplicate {
                conversation_id: *c,
            }));
            continue;
        }
        let received = match (&msg.class, interaction) {
            (Classified::List, _) => Received::SetAside,
            (Classified::AutoReply, _) => {
                side_entry(&mut tx, ws, msg, EntryKind::AutoReply).await?
            }
            (Classified::Bounce { .. }, _) => {
                side_entry(&mut tx, ws, msg, EntryKind::Bounce).await?
            }
            (Classified::Customer, Some(Ok(ids))) => {
                add_inbound(&mut tx, actor, msg, ids, now).await?
            }
            (Classified::Customer, Some(Err(e))) => {
                out.push(Err(e));
                continue;
            }
            (Classified::Customer, None) => {
                return Err(AppError::Internal("ingest answered too few".into()))
            }
        };
        if let Received::Added {
            conversation_id, ..
        } = &received
        {
            added.insert(&msg.message_id, *conversation_id);
        }
        out.push(Ok(received));
    }
    tx.commit().await?;
    let mut told = std::collections::HashSet::new();
    for r in out.iter().flatten() {
        if let Received::Added {
            conversation_id, ..
        } = r
        {
            if told.insert(*conversation_id) {
                super::changed(app, ws, *conversation_id);
            }
        }
    }
    Ok(out)
}

/// Steps 4 and 5 of a customer's message whose interaction is stored.
async fn add_inbound(
    tx: &mut vinculo_store::Conn,
    actor: &Principal,
    msg: &InboundMessage,
    (interaction_id, customer_id): (InteractionId, vinculo_domain::ids::CustomerId),
    now: OffsetDateTime,
) -> Result<Received, AppError> {
    let ws = actor.workspace_id;
    let at = msg.date.filter(|d| *d <= now).unwrap_or(now);
    let (conversation_id, new_conversation) = match find_thread(tx, ws, msg).await? {
        Some(c) => (c, false),
        None => (open(tx, actor, msg, customer_id, at).await?, true),
    };
    let status = store::get(tx, ws, conversation_id)
        .await?
        .map_or(Status::Open, |c| {
            rules::status_after(c.status, EntryKind::Inbound)
        });
    store::add_entry(
        tx,
        ws,
        &NewEntry {
            id: EntryId::new(),
            conversation_id,
            kind: EntryKind::Inbound,
            interaction_id: Some(interaction_id),
            message_id: Some(&msg.message_id),
            author_id: None,
            body: None,
            delivery: None,
            at,
        },
    )
    .await?;
    store::touch(tx, ws, conversation_id, at, true, status).await?;
    store_attachments(tx, ws, interaction_id, &msg.attachments, now).await?;
    Ok(Received::Added {
        conversation_id,
        interaction_id: Some(interaction_id),
        new_conversation,
    })
}

/// The conversation a message answers: by the ids it replies to, else by its subject's token.
async fn find_thread(
    conn: &mut vinculo_store::Conn,
    ws: vinculo_domain::ids::WorkspaceId,
    msg: &InboundMessage,
) -> Result<Option<ConversationId>, AppError> {
    if let Some(c) = store::by_message_ids(conn, ws, &msg.answers).await? {
        return Ok(Some(c));
    }
    match rules::find_token(&msg.subject) {
        Some(token) => Ok(store::by_token(conn, ws, &token).await?),
        None => Ok(None),
    }
}

/// Opens a conversation for the customer's first message.
async fn open(
    conn: &mut vinculo_store::Conn,
    actor: &Principal,
    msg: &InboundMessage,
    customer_id: vinculo_domain::ids::CustomerId,
    at: OffsetDateTime,
) -> Result<ConversationId, AppError> {
    let id = ConversationId::new();
    let token = rules::token_for(id);
    let (team_id, assignee_id) =
        super::turns::route_new(conn, actor.workspace_id, msg.mail_channel_id).await?;
    let subject = if msg.subject.trim().is_empty() {
        "(sin asunto)".to_owned()
    } else {
        msg.subject.trim().chars().take(998).collect()
    };
    store::insert(
        conn,
        actor.workspace_id,
        &NewConversation {
            id,
            customer_id,
            channel: msg.channel,
            mail_channel_id: msg.mail_channel_id,
            subject: &subject,
            status: Status::Open,
            assignee_id,
            team_id,
            token: &token,
            at,
        },
    )
    .await?;
    Ok(id)
}

/// Ingests customers' messages as interactions, [`MAX_BATCH`](crate::interactions::MAX_BATCH)
/// to a call: for each, (its id, its customer), or the fields validation refused.
async fn ingest(
    app: &crate::App,
    actor: &Principal,
    msgs: &[&InboundMessage],
) -> Result<Vec<Result<(InteractionId, vinculo_domain::ids::CustomerId), AppError>>, AppError> {
    let mut out = Vec::with_capacity(msgs.len());
    for chunk in msgs.chunks(crate::interactions::MAX_BATCH) {
        let drafts: Vec<InteractionDraft> = chunk.iter().map(|m| draft(m)).collect();
        let answers = crate::interactions::ingest(app, actor, &drafts).await?;
        if answers.len() != drafts.len() {
            return Err(AppError::Internal("ingest answered too few".into()));
        }
        out.extend(answers.into_iter().map(|a| match a {
            Ok(i) => Ok((i.id, i.customer_id)),
            Err(issues) => Err(AppError::InvalidFields(issues)),
        }));
    }
    Ok(out)
}

/// A customer's message as the interaction it becomes.
fn draft(msg: &InboundMessage) -> InteractionDraft {
    let event_id = if msg.message_id.len() <= MAX_EVENT_ID {
        msg.message_id.clone()
    } else {
        format!("sha256:{}", hex(&crate::secrets::sha256(&msg.message_id)))
    };
    let (text, cut) = cut_text(msg.text.as_deref());
    let html = msg.html.clone().filter(|h| h.len() <= MAX_HTML);
    InteractionDraft {
        channel: Some("email".into()),
        direction: Some("inbound".into()),
        kind: Some("message".into()),
        // A sender's clock ahead of ours is common: a Date in the future is the time of
        // receipt (the header is kept in the attributes), not a reason to refuse the message.
        occurred_at: msg.date.filter(|d| *d <= crate::now()).and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        }),
        subject: Some(msg.subject.chars().take(1_000).collect()),
        body: text,
        body_html: html,
        attributes: Some(json!({
            "message_id": msg.message_id,
            "date_header": msg.date.and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok()),
            "from": msg.from_address,
            "to": msg.to,
            "cc": msg.cc,
            "attachments": msg.attachments.len(),
            "text_cut": cut,
        })),
        customer: Some(IdentityDraft {
            email: Some(msg.from_address.clone()),
            name: msg.from_name.clone(),
            ..IdentityDraft::default()
        }),
        source: Some(msg.channel.as_str().into()),
        source_event_id: Some(event_id),
        ..InteractionDraft::default()
    }
}

/// The text kept (cut at [`MAX_TEXT`] characters with a note), and how many were cut.
fn cut_text(text: Option<&str>) -> (Option<String>, usize) {
    let Some(t) = text else { return (None, 0) };
    let total = t.chars().count();
    if total <= MAX_TEXT {
        return (Some(t.to_owned()), 0);
    }
    let mut kept: String = t.chars().take(MAX_TEXT).collect();
    let cut = total - MAX_TEXT;
    kept.push_str(&format!("\n\n[… {cut} caracteres más no se guardaron]"));
    (Some(kept), cut)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A bounce or an automatic reply: kept in the conversation of the reply it answers (a
/// bounce also marks that reply undeliverable); set aside when there is none.
async fn side_entry(
    tx: &mut vinculo_store::Conn,
    ws: vinculo_domain::ids::WorkspaceId,
    msg: &InboundMessage,
    kind: EntryKind,
) -> Result<Received, AppError> {
    let mut answers = msg.answers.clone();
    let mut failed = None;
    if let Classified::Bounce {
        original_message_id,
        recipient,
        status,
    } = &msg.class
    {
        if let Some(o) = original_message_id {
            answers.insert(0, o.clone());
        }
        failed = Some(
            [recipient.as_deref(), status.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": "),
        );
    }
    let Some(conversation_id) = store::by_message_ids(tx, ws, &answers).await? else {
        return Ok(Received::SetAside);
    };
    if let Some(reason) = &failed {
        for id in &answers {
            if let Some(e) = store::entry_by_message_id(tx, ws, id).await? {
                if e.kind == EntryKind::Outbound {
                    let reason = Some(reason.as_str()).filter(|r| !r.is_empty());
                    store::set_delivery(tx, ws, e.id, Delivery::Undeliverable, reason).await?;
                }
            }
        }
    }
    let body = msg
        .text
        .as_deref()
        .map(|t| t.chars().take(4_000).collect::<String>());
    store::add_entry(
        tx,
        ws,
        &NewEntry {
            id: EntryId::new(),
            conversation_id,
            kind,
            interaction_id: None,
            message_id: Some(&msg.message_id),
            author_id: None,
            body: body.as_deref(),
            delivery: None,
            at: crate::now(),
        },
    )
    .await?;
    Ok(Received::Added {
        conversation_id,
        interaction_id: None,
        new_conversation: false,
    })
}

pub(super) async fn store_attachments(
    conn: &mut vinculo_store::Conn,
    ws: vinculo_domain::ids::WorkspaceId,
    interaction: InteractionId,
    files: &[Attachment],
    at: OffsetDateTime,
) -> Result<(), AppError> {
    for f in files {
        vinculo_store::attachments::insert(
            conn,
            ws,
            &vinculo_store::attachments::NewAttachment {
                id: AttachmentId::new(),
                interaction_id: interaction,
                filename: &f.filename,
                content_type: &f.content_type,
                size: f.size,
                content_id: f.content_id.as_deref(),
                inline: f.inline,
                data: f.data.as_deref(),
                refused: f.refused.as_deref(),
                at,
            },
        )
        .await?;
    }
    Ok(())
}
