//! Connecting mailboxes (admins): their settings, with the passwords sealed under the
//! instance's credentials key, audited without the passwords.
use crate::credentials::CredentialsKey;
use crate::{audit, now, App, AppError, Principal};
use serde_json::{json, Value};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::conversations::mailbox::{Mailbox, MailboxDraft};
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_domain::ids::{MailChannelId, TeamId};
use vinculo_store::mail_channels::{self as store, MailChannelRecord};
use vinculo_store::Conn;

/// Where a sealed password belongs: a copy on another row or field does not open.
pub fn seal_context(id: MailChannelId, which: &str) -> String {
    format!("mail_channel:{id}:{which}")
}

fn key(app: &App) -> Result<&CredentialsKey, AppError> {
    app.config.credentials.as_deref().ok_or_else(|| {
        AppError::State("this instance has no credentials key to keep mailbox passwords with: start it with `vinculo serve`".into())
    })
}

/// What the audit log keeps of a mailbox: everything but the passwords (an update says that
/// one changed, never what it is), the CA certificate as the SHA-256 of its text.
fn audited(m: &MailChannelRecord) -> Value {
    let ca = m.tls_ca_pem.as_deref().map(|pem| {
        let digest: String = crate::secrets::sha256(pem)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("sha256:{digest}")
    });
    json!({
        "name": m.name, "address": m.address,
        "imap": {"host": m.imap.host, "port": m.imap.port, "security": m.imap.security.as_str(), "username": m.imap.username},
        "folder": m.folder,
        "smtp": {"host": m.smtp.host, "port": m.smtp.port, "security": m.smtp.security.as_str(), "username": m.smtp.username},
        "delete_after_fetch": m.delete_after_fetch, "enabled": m.enabled,
        "team_id": m.team_id.map(|t| t.to_string()),
        "signature": m.signature, "tls_ca_pem": ca,
    })
}

/// The draft checked, and its team looked up in the actor's workspace (a team of another
/// workspace is as unknown as one that never was): every problem named at once.
async fn checked(
    conn: &mut Conn,
    actor: &Principal,
    draft: &MailboxDraft,
    team: Option<TeamId>,
    new: bool,
) -> Result<Mailbox, AppError> {
    let (mailbox, mut issues) = match draft.validate(new) {
        Ok(m) => (Some(m), Vec::new()),
        Err(issues) => (None, issues),
    };
    if let Some(t) = team {
        if vinculo_store::teams::get(conn, actor.workspace_id, t)
            .await?
            .is_none()
        {
            issues.push(FieldIssue::new(
                "team_id",
                Problem::NoSuchTeam(t.to_string()),
            ));
        }
    }
    match mailbox {
        Some(m) if issues.is_empty() => Ok(m),
        _ => Err(AppError::InvalidFields(issues)),
    }
}

/// Connects a mailbox. Its conversations go to `team` (none: unassigned).
pub async fn create(
    app: &App,
    actor: &Principal,
    draft: &MailboxDraft,
    team: Option<TeamId>,
) -> Result<MailChannelRecord, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let m = checked(&mut tx, actor, draft, team, true).await?;
    let key = key(app)?;
    let id = MailChannelId::new();
    let imap = key.seal(
        &seal_context(id, "imap"),
        m.imap.password.as_deref().unwrap_or(""),
    );
    let smtp = key.seal(
        &seal_context(id, "smtp"),
        m.smtp.password.as_deref().unwrap_or(""),
    );
    store::insert(
        &mut tx,
        actor.workspace_id,
        id,
        &m,
        &imap,
        &smtp,
        team,
        now(),
    )
    .await?;
    let stored = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("mailbox"))?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "mail_channel",
        id,
        &json!(null),
        &audited(&stored),
    )
    .await?;
    tx.commit().await?;
    app.mailboxes_changed.notify_one();
    Ok(stored)
}

/// Changes a mailbox; a password left out is kept. Pointing it at another server, user or
/// folder starts reading that one from its beginning.
pub async fn update(
    app: &App,
    actor: &Principal,
    id: MailChannelId,
    draft: &MailboxDraft,
    team: Option<TeamId>,
) -> Result<MailChannelRecord, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("mailbox"))?;
    let m = checked(&mut tx, actor, draft, team, false).await?;
    let key = key(app)?;
    let imap = match &m.imap.password {
        Some(p) => key.seal(&seal_context(id, "imap"), p),
        None => before.imap.sealed_password.clone(),
    };
    let smtp = match &m.smtp.password {
        Some(p) => key.seal(&seal_context(id, "smtp"), p),
        None => before.smtp.sealed_password.clone(),
    };
    let elsewhere = before.imap.host != m.imap.host
        || before.imap.port != m.imap.port
        || before.imap.username != m.imap.username
        || before.folder != m.folder;
    store::update(
        &mut tx,
        actor.workspace_id,
        id,
        &m,
        &imap,
        &smtp,
        team,
        elsewhere,
    )
    .await?;
    let after = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("mailbox"))?;
    let (mut b, mut a) = (audited(&before), audited(&after));
    for (field, given) in [
        ("imap_password", m.imap.password.is_some()),
        ("smtp_password", m.smtp.password.is_some()),
    ] {
        if given {
            b[field] = json!("[redacted]");
            a[field] = json!("[redacted, changed]");
        }
    }
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "mail_channel",
        id,
        &b,
        &a,
    )
    .await?;
    tx.commit().await?;
    app.mailboxes_changed.notify_one();
    Ok(after)
}

/// The workspace's mailboxes (admins).
pub async fn list(app: &App, actor: &Principal) -> Result<Vec<MailChannelRecord>, AppError> {
    actor.require(Area::Workspace, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(store::list(&mut conn, actor.workspace_id).await?)
}

pub async fn get(
    app: &App,
    actor: &Principal,
    id: MailChannelId,
) -> Result<MailChannelRecord, AppError> {
    actor.require(Area::Workspace, Access::Read)?;
    let mut conn = app.db.conn().await?;
    store::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("mailbox"))
}

/// Disconnects a mailbox; the conversations that came through it stay.
pub async fn delete(app: &App, actor: &Principal, id: MailChannelId) -> Result<(), AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("mailbox"))?;
    store::delete(&mut tx, actor.workspace_id, id).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Delete,
        "mail_channel",
        id,
        &audited(&before),
        &json!(null),
    )
    .await?;
    tx.commit().await?;
    app.mailboxes_changed.notify_one();
    Ok(())
}

/// A mailbox's passwords, opened: (IMAP, SMTP). For the reader and the sender only.
pub fn passwords(app: &App, m: &MailChannelRecord) -> Result<(String, String), AppError> {
    let key = key(app)?;
    let open = |which: &str, sealed: &[u8]| {
        key.open(&seal_context(m.id, which), sealed)
            .map_err(|e| AppError::State(e.to_string()))
    };
    Ok((
        open("imap", &m.imap.sealed_password)?,
        open("smtp", &m.smtp.sealed_password)?,
    ))
}
