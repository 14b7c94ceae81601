//! The mailbox settings' buttons (admins): "test the connection" — log in over IMAP and open
//! the folder, connect and authenticate over SMTP, each side reported on its own with the
//! server's refusal — for a stored mailbox or for settings still being typed; and "read
//! now", one read of what is new.
use super::mailboxes::passwords;
use super::reader::read_once;
use crate::{audit, App, AppError, Principal};
use secrecy::SecretString;
use serde_json::json;
use vinculo_channels::email_transport::{
    self as transport, ImapCheck, ImapConfig, Security as TransportSecurity, SmtpConfig,
    TransportError,
};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::conversations::mailbox::{MailboxDraft, Security};
use vinculo_domain::ids::MailChannelId;
use vinculo_store::mail_channels as store;

/// What each side of a connection test answered.
#[derive(Debug)]
pub struct ConnectionReport {
    pub imap: Result<ImapCheck, TransportError>,
    pub smtp: Result<(), TransportError>,
}

impl ConnectionReport {
    pub fn ok(&self) -> bool {
        self.imap.is_ok() && self.smtp.is_ok()
    }
}

/// One server's settings, as both protocols need them.
struct Side<'a> {
    host: &'a str,
    port: u16,
    security: Security,
    username: &'a str,
    password: String,
}

fn security(s: Security) -> TransportSecurity {
    match s {
        Security::Tls => TransportSecurity::Tls,
        Security::StartTls => TransportSecurity::StartTls,
        Security::None => TransportSecurity::None,
    }
}

/// Tries both servers at once (an admin waits for the slower one, not for the sum).
async fn try_both(
    imap: Side<'_>,
    folder: &str,
    smtp: Side<'_>,
    ca: Option<&str>,
) -> ConnectionReport {
    let mut i = ImapConfig::new(imap.host, imap.username, SecretString::from(imap.password));
    i.port = imap.port;
    i.security = security(imap.security);
    i.folder = folder.to_owned();
    i.extra_ca_pem = ca.map(str::to_owned);
    let mut s = SmtpConfig::new(smtp.host, smtp.username, SecretString::from(smtp.password));
    s.port = smtp.port;
    s.security = security(smtp.security);
    s.extra_ca_pem = ca.map(str::to_owned);
    let (imap, smtp) = tokio::join!(transport::test_imap(&i), transport::test_smtp(&s));
    ConnectionReport { imap, smtp }
}

/// Tests a stored mailbox's settings.
pub async fn test_stored(
    app: &App,
    actor: &Principal,
    id: MailChannelId,
) -> Result<ConnectionReport, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut conn = app.db.conn().await?;
    let m = store::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("mailbox"))?;
    drop(conn);
    let (imap_password, smtp_password) = passwords(app, &m)?;
    fn side(s: &store::StoredServer, password: String) -> Side<'_> {
        Side {
            host: &s.host,
            port: s.port,
            security: s.security,
            username: &s.username,
            password,
        }
    }
    Ok(try_both(
        side(&m.imap, imap_password),
        &m.folder,
        side(&m.smtp, smtp_password),
        m.tls_ca_pem.as_deref(),
    )
    .await)
}

/// Tests settings as typed, before they are saved. Editing a stored mailbox (`stored`), a
/// password left blank is the stored one; a new mailbox needs both.
pub async fn test_draft(
    app: &App,
    actor: &Principal,
    stored: Option<MailChannelId>,
    draft: &MailboxDraft,
) -> Result<ConnectionReport, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let m = draft
        .validate(stored.is_none())
        .map_err(AppError::InvalidFields)?;
    let kept = match stored {
        Some(id) => {
            let mut conn = app.db.conn().await?;
            let record = store::get(&mut conn, actor.workspace_id, id)
                .await?
                .ok_or(AppError::NotFound("mailbox"))?;
            Some(passwords(app, &record)?)
        }
        None => None,
    };
    let (kept_imap, kept_smtp) = kept.unwrap_or_default();
    fn side(s: &vinculo_domain::conversations::mailbox::Server, kept: String) -> Side<'_> {
        Side {
            host: &s.host,
            port: s.port,
            security: s.security,
            username: &s.username,
            password: s.password.clone().unwrap_or(kept),
        }
    }
    Ok(try_both(
        side(&m.imap, kept_imap),
        &m.folder,
        side(&m.smtp, kept_smtp),
        m.tls_ca_pem.as_deref(),
    )
    .await)
}

/// Reads what is new in a mailbox now, once: how many messages came in. A failure is also
/// stored as the mailbox's last error, as the background reader's are. Audited: who asked,
/// and what the read left on the mailbox (when it last read, its error, how many it took).
pub async fn read_now(app: &App, actor: &Principal, id: MailChannelId) -> Result<usize, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    // Found (and in this workspace) before anything is dialled.
    let before = super::mailboxes::get(app, actor, id).await?;
    let outcome = read_once(app, (actor.workspace_id, id)).await;
    // A read stores what it takes a batch at a time, each batch in its own transaction (a
    // long read must not hold one open), so its entry follows in one of its own, with the
    // state the read left; the messages themselves are the interaction stream, not audited.
    let state = |m: &store::MailChannelRecord| {
        json!({
            "last_fetch_at": m.last_fetch_at.map(|t| t.to_string()),
            "last_error": m.last_error,
        })
    };
    let mut tx = app.db.begin().await?;
    if let Some(after) = store::get(&mut tx, actor.workspace_id, id).await? {
        let mut read = state(&after);
        if let Ok(n) = &outcome {
            read["messages_read"] = json!(n);
        }
        audit::record(
            &mut tx,
            actor,
            AuditAction::Update,
            "mail_channel",
            id,
            &state(&before),
            &read,
        )
        .await?;
    }
    tx.commit().await?;
    outcome
}

/// Keeps a mailbox's `last_error` in step with its background reader: each failure stored in
/// words, each round that worked clearing it and moving `last_fetch_at`. Runs until the
/// reader drops its end of the channel.
pub async fn record_reports(
    app: App,
    key: (vinculo_domain::ids::WorkspaceId, MailChannelId),
    mut reports: tokio::sync::mpsc::UnboundedReceiver<transport::WatchReport>,
) {
    while let Some(r) = reports.recv().await {
        let error = match &r {
            transport::WatchReport::Fetched => None,
            transport::WatchReport::Failed { message, .. } => Some(message.as_str()),
        };
        let stored = async {
            let mut tx = app.db.begin().await?;
            store::record_fetch(&mut tx, key.0, key.1, None, error, crate::now()).await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = stored {
            tracing::warn!(error = %e, "could not store how a mailbox's reading went");
        }
    }
}

/// A report channel for a mailbox's [`Watcher`](transport::Watcher), its reports stored by
/// [`record_reports`] on a task of their own.
pub fn reporting(
    app: &App,
    m: &store::MailChannelRecord,
) -> tokio::sync::mpsc::UnboundedSender<transport::WatchReport> {
    let (to, from) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(record_reports(app.clone(), (m.workspace_id, m.id), from));
    to
}
