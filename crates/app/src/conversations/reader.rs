//! Reading connected mailboxes: every enabled mailbox gets a task that follows its folder
//! over IMAP (IDLE where the server has it, polling otherwise) and takes each new message
//! into the inbox ([`receive`](super::receive)), then stores how far it got.
//!
//! At least once, never twice: the folder's cursor (UIDVALIDITY, last UID) is stored only
//! after the messages before it were received, so a crash reads them again, and `receive`
//! recognises a message it holds by its Message-ID. A message that cannot be read (broken
//! beyond repair, or refused by validation) is logged and passed over rather than read
//! forever; a database error stops the batch, which is tried again.
//!
//! A batch is parsed on a blocking thread and taken in with [`receive_all`] (three
//! transactions for the batch, not two per message); [`read_once`] fetches and parses the next
//! batch while the current one is stored. Together they took reading a 10,000-message mailbox
//! from 590 to the figures in docs/performance.md ("Reading a mailbox").
use super::mailboxes::passwords;
use super::{receive_all, Attachment, Classified, InboundMessage};
use crate::{App, AppError, Principal, Via};
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use vinculo_channels::email::{self, Content, Kind, Limits};
use vinculo_channels::email_transport::{
    self as transport, Batch, Cursor, ImapConfig, Security as TransportSecurity, WatchOptions,
    Watcher,
};
use vinculo_domain::auth::Role;
use vinculo_domain::conversations::mailbox::Security;
use vinculo_domain::conversations::Channel;
use vinculo_domain::ids::{MailChannelId, UserId};
use vinculo_store::mail_channels::{self as store, MailChannelRecord};

/// How often the set of mailboxes to read is looked at again (one connected, changed or
/// disconnected meanwhile is picked up within this).
const RESCAN: Duration = Duration::from_secs(30);

/// Messages fetched (and taken in) at a time by [`read_once`]: the cursor is stored after each
/// batch, so a crash repeats at most this many.
pub const BATCH: usize = 100;

/// The mailbox reader acting in its workspace: an agent's rights, named after the mailbox.
async fn actor(app: &App, m: &MailChannelRecord) -> Result<Principal, AppError> {
    let mut conn = app.db.conn().await?;
    let ws = vinculo_store::workspaces::by_id(&mut conn, m.workspace_id)
        .await?
        .ok_or(AppError::NotFound("workspace"))?;
    Ok(Principal::new(
        (
            UserId(uuid::Uuid::nil()),
            &format!("mailbox {}", m.address),
            &m.address,
        ),
        None,
        &ws,
        Role::Agent,
        Via::Channel,
    ))
}

pub(super) fn security(s: Security) -> TransportSecurity {
    match s {
        Security::Tls => TransportSecurity::Tls,
        Security::StartTls => TransportSecurity::StartTls,
        Security::None => TransportSecurity::None,
    }
}

/// The IMAP settings of a stored mailbox, its password opened.
pub fn imap_config(app: &App, m: &MailChannelRecord) -> Result<ImapConfig, AppError> {
    let (password, _) = passwords(app, m)?;
    let mut c = ImapConfig::new(&m.imap.host, &m.imap.username, SecretString::from(password));
    c.port = m.imap.port;
    c.security = security(m.imap.security);
    c.folder = m.folder.clone();
    c.extra_ca_pem = m.tls_ca_pem.clone();
    Ok(c)
}

/// A parsed message as the inbox takes it.
pub fn inbound(m: &MailChannelRecord, raw: &[u8], parsed: email::Message) -> InboundMessage {
    let message_id = parsed.message_id.clone().unwrap_or_else(|| {
        // No Message-ID: one made from the bytes, so reading it again finds it again.
        let digest: String = Sha256::digest(raw)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{digest}@no-message-id.vinculo.invalid")
    });
    let mut answers = parsed.in_reply_to.clone();
    answers.extend(parsed.references.iter().rev().cloned());
    let (from_address, from_name) = match &parsed.from {
        Some(f) => (f.address.clone(), f.name.clone()),
        None => (String::new(), None),
    };
    let class = match &parsed.kind {
        // With no sender there is no one to tie it to, nor to answer.
        _ if from_address.is_empty() => Classified::List,
        Kind::Customer => Classified::Customer,
        Kind::AutoReply => Classified::AutoReply,
        Kind::List => Classified::List,
        Kind::Bounce(b) => Classified::Bounce {
            original_message_id: None,
            recipient: b.recipient.clone(),
            status: match (&b.status, &b.diagnostic) {
                (Some(s), Some(d)) => Some(format!("{s} {d}")),
                (s, d) => s.clone().or_else(|| d.clone()),
            },
        },
    };
    let attachments = parsed
        .attachments
        .iter()
        .map(|a| Attachment {
            filename: a.filename.clone().unwrap_or_else(|| "adjunto".into()),
            content_type: a.content_type.clone(),
            size: a.size as u64,
            content_id: a.content_id.clone(),
            inline: a.inline,
            data: a.bytes().map(<[u8]>::to_vec),
            // A code, not words: each page says it in its reader's language.
            refused: match &a.content {
                Content::Kept(_) => None,
                Content::Refused(email::Refusal::TooLarge { limit, .. }) => {
                    Some(format!("too_large:{limit}"))
                }
            },
        })
        .collect();
    InboundMessage {
        channel: Channel::Email,
        mail_channel_id: Some(m.id),
        message_id,
        answers,
        from_address,
        from_name,
        to: parsed.to.iter().map(|t| t.address.clone()).collect(),
        cc: parsed.cc.iter().map(|t| t.address.clone()).collect(),
        subject: parsed.subject.clone(),
        date: parsed.date,
        text: Some(parsed.text.clone()).filter(|t| !t.trim().is_empty()),
        html: parsed.html.clone(),
        class,
        attachments,
    }
}

/// A message over the size limit is not dropped: its header (sender, subject, thread) is
/// read and it joins the inbox with a note instead of its body, to be read on the server.
fn too_large(
    m: &MailChannelRecord,
    raw: &[u8],
    limits: &Limits,
    size: usize,
    limit: usize,
) -> Option<InboundMessage> {
    let header_end = raw
        .windows(4)
        .take(256 * 1024)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
        .or_else(|| {
            raw.windows(2)
                .take(256 * 1024)
                .position(|w| w == b"\n\n")
                .map(|at| at + 2)
        })?;
    let parsed = email::parse(&raw[..header_end], limits).ok()?;
    let mut msg = inbound(m, raw, parsed);
    let mb = |b: usize| b.div_ceil(1024 * 1024);
    msg.text = Some(format!(
        "[Este mensaje ocupa {} MB, más que el límite de {} MB: se guardaron su remitente y su \
         asunto, no su texto ni sus adjuntos. Está completo en el buzón del servidor de correo.]",
        mb(size),
        mb(limit)
    ));
    msg.html = None;
    msg.attachments.clear();
    Some(msg)
}

/// One fetched message as the inbox takes it (an oversized one by its header and a note).
fn read_one(m: &MailChannelRecord, raw: &[u8], limits: &Limits) -> Result<InboundMessage, String> {
    match email::parse(raw, limits) {
        Ok(parsed) => Ok(inbound(m, raw, parsed)),
        Err(email::ParseError::TooLarge { size, limit }) => too_large(m, raw, limits, size, limit)
            .ok_or_else(|| format!("{size} bytes, over the limit, and no header to read")),
        Err(e) => Err(e.to_string()),
    }
}

/// A fetched message, parsed: what the inbox takes, or why it cannot be read.
type Parsed = (u32, Result<InboundMessage, String>);

/// Parses a batch on a blocking thread: MIME, charsets and HTML sanitising are CPU work that
/// would otherwise hold the async thread (and the next fetch) for the whole batch.
async fn parse_batch(
    m: &MailChannelRecord,
    limits: &Limits,
    batch: Vec<(u32, Vec<u8>)>,
) -> Vec<Parsed> {
    let m = m.clone();
    let limits = limits.clone();
    let uids: Vec<u32> = batch.iter().map(|(uid, _)| *uid).collect();
    tokio::task::spawn_blocking(move || {
        batch
            .into_iter()
            .map(|(uid, raw)| (uid, read_one(&m, &raw, &limits)))
            .collect()
    })
    .await
    .unwrap_or_else(|e| {
        // A panic in the parser (a bug): every message of the batch is passed over as
        // unreadable rather than stopping the mailbox.
        uids.into_iter()
            .map(|uid| (uid, Err(e.to_string())))
            .collect()
    })
}

/// Takes parsed messages into the inbox and stores the cursor after them. Errors of the
/// database fail the batch (it is read again); a message that cannot be taken is passed over.
async fn store_parsed(
    app: &App,
    actor: &Principal,
    m: &MailChannelRecord,
    parsed: Vec<Parsed>,
    cursor: Cursor,
) -> Result<usize, AppError> {
    let mut uids = Vec::with_capacity(parsed.len());
    let mut msgs = Vec::with_capacity(parsed.len());
    for (uid, read) in parsed {
        match read {
            Ok(msg) => {
                uids.push(uid);
                msgs.push(msg);
            }
            Err(e) => {
                tracing::warn!(mailbox = %m.address, uid, error = %e, "a message could not be read; passed over");
            }
        }
    }
    let mut taken = 0;
    for (uid, r) in uids.iter().zip(receive_all(app, actor, &msgs).await?) {
        match r {
            Ok(_) => taken += 1,
            Err(AppError::InvalidFields(issues)) => {
                tracing::warn!(mailbox = %m.address, uid, ?issues, "a message was refused; passed over");
            }
            Err(e) => return Err(e),
        }
    }
    let mut tx = app.db.begin().await?;
    let cursor = Some((cursor.uidvalidity, cursor.last_uid));
    store::record_fetch(&mut tx, m.workspace_id, m.id, cursor, None, crate::now()).await?;
    tx.commit().await?;
    Ok(taken)
}

/// Takes a fetched batch into the inbox and stores the cursor after it.
async fn store_batch(
    app: &App,
    actor: &Principal,
    m: &MailChannelRecord,
    batch: &Batch,
) -> Result<usize, AppError> {
    let raw = batch
        .messages
        .iter()
        .map(|f| (f.uid, f.raw.clone()))
        .collect();
    let parsed = parse_batch(m, &app.config.mail_limits, raw).await;
    store_parsed(app, actor, m, parsed, batch.cursor).await
}

/// Fetches and parses batch after batch into `out`, one batch ahead of the one being stored:
/// the IMAP server's work and the parsing overlap the database's.
async fn fetch_ahead(
    config: ImapConfig,
    m: MailChannelRecord,
    limits: Limits,
    mut cursor: Option<Cursor>,
    out: mpsc::Sender<Result<(Vec<Parsed>, Cursor), AppError>>,
) {
    let state = |e: transport::TransportError| AppError::State(e.to_string());
    let mut session = match transport::imap::connect(&config).await {
        Ok(s) => s,
        Err(e) => {
            let _ = out.send(Err(state(e))).await;
            return;
        }
    };
    loop {
        let batch = match transport::fetch_new(&mut session, &m.folder, cursor, BATCH).await {
            Ok(b) => b,
            Err(e) => {
                let _ = out.send(Err(state(e))).await;
                break;
            }
        };
        cursor = Some(batch.cursor);
        let more = batch.more;
        let raw = batch.messages.into_iter().map(|f| (f.uid, f.raw)).collect();
        let parsed = parse_batch(&m, &limits, raw).await;
        // The receiver is gone when storing failed: stop reading.
        if out.send(Ok((parsed, batch.cursor))).await.is_err() || !more {
            break;
        }
    }
    session.logout().await;
}

/// Reads what is new in a mailbox now, once, to the end: the "read now" of the settings page,
/// and what tests drive. Returns the messages taken in; a failure is stored on the mailbox.
pub async fn read_once(
    app: &App,
    id_ws: (vinculo_domain::ids::WorkspaceId, MailChannelId),
) -> Result<usize, AppError> {
    let mut conn = app.db.conn().await?;
    let m = store::get(&mut conn, id_ws.0, id_ws.1)
        .await?
        .ok_or(AppError::NotFound("mailbox"))?;
    drop(conn);
    let actor = actor(app, &m).await?;
    let config = imap_config(app, &m)?;
    let cursor = m.cursor.map(|(uidvalidity, last_uid)| Cursor {
        uidvalidity,
        last_uid,
    });
    let (tx, mut rx) = mpsc::channel(1);
    let reader = tokio::spawn(fetch_ahead(
        config,
        m.clone(),
        app.config.mail_limits.clone(),
        cursor,
        tx,
    ));
    let outcome = async {
        let mut taken = 0;
        while let Some(next) = rx.recv().await {
            let (parsed, cursor) = next?;
            taken += store_parsed(app, &actor, &m, parsed, cursor).await?;
        }
        Ok::<usize, AppError>(taken)
    }
    .await;
    // Dropping the receiver stops the reader at its next batch; wait for its logout.
    drop(rx);
    let _ = reader.await;
    if let Err(e) = &outcome {
        let mut tx = app.db.begin().await?;
        store::record_fetch(
            &mut tx,
            m.workspace_id,
            m.id,
            None,
            Some(&e.to_string()),
            crate::now(),
        )
        .await?;
        tx.commit().await?;
    }
    outcome
}

/// What identifies how a mailbox is read: a change restarts its reader.
fn fingerprint(m: &MailChannelRecord) -> Vec<u8> {
    let mut h = Sha256::new();
    for part in [
        m.imap.host.as_bytes(),
        &m.imap.port.to_be_bytes(),
        m.imap.security.as_str().as_bytes(),
        m.imap.username.as_bytes(),
        &m.imap.sealed_password,
        m.folder.as_bytes(),
        m.tls_ca_pem.as_deref().unwrap_or("").as_bytes(),
        &[u8::from(m.delete_after_fetch)],
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().to_vec()
}

/// Follows one mailbox until told to stop.
async fn follow(app: App, m: MailChannelRecord, stop: oneshot::Receiver<()>) {
    let (actor, config) = match (actor(&app, &m).await, imap_config(&app, &m)) {
        (Ok(a), Ok(c)) => (a, c),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(mailbox = %m.address, error = %e, "cannot read this mailbox");
            if let Ok(mut tx) = app.db.begin().await {
                let _ = store::record_fetch(
                    &mut tx,
                    m.workspace_id,
                    m.id,
                    None,
                    Some(&e.to_string()),
                    crate::now(),
                )
                .await;
                let _ = tx.commit().await;
            }
            return;
        }
    };
    let options = WatchOptions {
        delete_after_fetch: m.delete_after_fetch,
        ..WatchOptions::default()
    };
    let cursor = m.cursor.map(|(uidvalidity, last_uid)| Cursor {
        uidvalidity,
        last_uid,
    });
    let mut watcher =
        Watcher::new(config, options, cursor).with_reports(super::checks::reporting(&app, &m));
    let (app_ref, actor_ref, m_ref) = (&app, &actor, &m);
    watcher
        .run(
            |batch| async move {
                store_batch(app_ref, actor_ref, m_ref, &batch)
                    .await
                    .map(drop)
            },
            async {
                let _ = stop.await;
            },
        )
        .await;
}

/// Starts the reader of every enabled mailbox, and keeps the set in step with the settings.
pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut running: HashMap<MailChannelId, (Vec<u8>, oneshot::Sender<()>)> = HashMap::new();
        loop {
            let enabled = match app.db.conn().await {
                Ok(mut conn) => store::enabled(&mut conn).await.map_err(AppError::from),
                Err(e) => Err(AppError::from(e)),
            };
            match enabled {
                Ok(list) => {
                    let wanted: HashMap<MailChannelId, Vec<u8>> =
                        list.iter().map(|m| (m.id, fingerprint(m))).collect();
                    // Stop the readers of mailboxes gone, disabled or changed (dropping the
                    // sender ends the watcher's wait).
                    running.retain(|id, (fp, _)| wanted.get(id) == Some(fp));
                    for m in list {
                        if running.contains_key(&m.id) {
                            continue;
                        }
                        let (tx, rx) = oneshot::channel();
                        running.insert(m.id, (fingerprint(&m), tx));
                        tokio::spawn(follow(app.clone(), m, rx));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot list the mailboxes to read"),
            }
            // A mailbox connected or changed in the settings is followed at once.
            tokio::select! {
                _ = app.mailboxes_changed.notified() => {}
                _ = tokio::time::sleep(RESCAN) => {}
            }
        }
    })
}
