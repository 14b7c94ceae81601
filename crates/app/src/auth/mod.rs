//! Authentication: login with e-mail and password, browser sessions, logout, password
//! change, profile and workspace switching. First-run account creation is in `setup`,
//! API-token authentication in `token`.
mod setup;
mod token;

use crate::secrets::{hash_password, new_secret, sha256, verify_password};
use crate::{audit, now, App, AppError, Principal, Via};
use serde_json::json;
pub use setup::{create_account, needs_setup, parse_locale, NewAccount};
pub(crate) use token::TokenCache;
pub use token::{authenticate_token, TOKEN_PREFIX};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Password, PersonName, Role};
use vinculo_domain::ids::{UserId, WorkspaceId};
use vinculo_store::sessions::Session;
use vinculo_store::workspaces::Workspace;
use vinculo_store::{sessions, users, workspaces, Conn};

/// Prefix of session cookies' secrets.
pub const SESSION_PREFIX: &str = "vns_";

/// Hashes a password on a blocking thread (argon2id is deliberately slow).
pub async fn hash(app: &App, password: &Password) -> Result<String, AppError> {
    let p = password.expose().to_owned();
    let kib = app.config.password_memory_kib;
    tokio::task::spawn_blocking(move || hash_password(&p, kib))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)
}

async fn verify(phc: String, password: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A new browser session: the secret goes in the cookie, only its hash is stored.
pub struct NewSession {
    pub secret: String,
    pub principal: Principal,
}

/// Where a login request came from, for rate limiting and the session record.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Logs in with e-mail and password. Each login makes a brand-new session secret, so a
/// secret planted before login (session fixation) is never promoted.
pub async fn login(
    app: &App,
    email: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<NewSession, AppError> {
    let account = email.trim().to_lowercase();
    if let Some(wait) = app.login_limiter.check(&account, client.ip.as_deref()) {
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    app.login_limiter.attempt(client.ip.as_deref());
    let mut conn = app.db.conn().await?;
    let user = users::credentials_by_email(&mut conn, &account).await?;
    // Verify against a fixed hash when the account does not exist, so the time taken does
    // not reveal which e-mails have accounts.
    let phc = user
        .as_ref()
        .map_or_else(|| DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
    let ok = verify(phc, password.to_owned()).await? && user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        app.login_limiter.failed(&account);
        return Err(AppError::BadCredentials);
    };
    let memberships = workspaces::for_user(&mut conn, user.id).await?;
    drop(conn);
    let Some((ws, _role)) = memberships.into_iter().next() else {
        app.login_limiter.failed(&account);
        return Err(AppError::BadCredentials);
    };
    app.login_limiter.succeeded(&account);
    open_session(app, user.id, ws.id, client).await
}

/// Opens a session for a person who just accepted an invitation, in the invited workspace.
pub(crate) async fn login_after_invite(
    app: &App,
    invite: &vinculo_store::invites::Invite,
    client: &ClientInfo,
) -> Result<NewSession, AppError> {
    let mut conn = app.db.conn().await?;
    let user = users::credentials_by_email(&mut conn, &invite.email)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    drop(conn);
    open_session(app, user.id, invite.workspace_id, client).await
}

/// Starts a fresh session for a user in a workspace they belong to.
async fn open_session(
    app: &App,
    user_id: UserId,
    ws: WorkspaceId,
    client: &ClientInfo,
) -> Result<NewSession, AppError> {
    let secret = new_secret(SESSION_PREFIX);
    let token_hash = sha256(&secret);
    let at = now();
    let mut tx = app.db.begin().await?;
    sessions::insert(
        &mut tx,
        &Session {
            token_hash: token_hash.clone(),
            user_id,
            workspace_id: ws,
            created_at: at,
            last_seen_at: at,
            expires_at: at + app.config.session_idle,
            user_agent: client
                .user_agent
                .as_ref()
                .map(|s| s.chars().take(300).collect()),
            ip: client.ip.clone(),
        },
    )
    .await?;
    let principal = load_principal(&mut tx, user_id, ws, Via::Session { token_hash }).await?;
    tx.commit().await?;
    Ok(NewSession { secret, principal })
}

/// A valid argon2id hash of a random password, verified against for unknown accounts.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wt4qYjXw3lBqvX5C6pQ0vM7oT2s1n7E3tVQ1yq0n0Xo";

/// Loads the principal behind a session cookie, sliding its expiry forward when it has
/// been idle a while (not on every request: that would be a write per page view).
pub async fn authenticate_session(app: &App, secret: &str) -> Result<Principal, AppError> {
    let token_hash = sha256(secret);
    let at = now();
    let mut conn = app.db.conn().await?;
    let session = sessions::find(&mut conn, &token_hash, at)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let principal = load_principal(
        &mut conn,
        session.user_id,
        session.workspace_id,
        Via::Session {
            token_hash: token_hash.clone(),
        },
    )
    .await?;
    drop(conn);
    if at - session.last_seen_at > time::Duration::minutes(5) {
        let mut tx = app.db.begin().await?;
        sessions::touch(&mut tx, &token_hash, at, at + app.config.session_idle).await?;
        tx.commit().await?;
    }
    Ok(principal)
}

pub(super) async fn load_principal(
    conn: &mut Conn,
    user_id: UserId,
    ws_id: WorkspaceId,
    via: Via,
) -> Result<Principal, AppError> {
    let member = users::member(conn, ws_id, user_id)
        .await?
        .filter(|m| !m.disabled)
        .ok_or(AppError::Unauthenticated)?;
    let ws = workspaces::by_id(conn, ws_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let answers_calls =
        member.extension.is_some() || vinculo_store::teams::in_any(conn, ws_id, user_id).await?;
    Ok(Principal {
        user_id,
        user_name: member.name,
        email: member.email,
        locale: member.locale,
        workspace_id: ws.id,
        workspace_slug: ws.slug,
        workspace_name: ws.name,
        role: member.role,
        answers_calls,
        via,
        request_id: None,
    })
}

/// Ends the session behind this principal.
pub async fn logout(app: &App, principal: &Principal) -> Result<(), AppError> {
    if let Via::Session { token_hash } = &principal.via {
        let mut tx = app.db.begin().await?;
        sessions::delete(&mut tx, token_hash).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Changes the actor's own password after checking the current one; every other session
/// of the user ends, so a stolen session dies with the old password.
pub async fn change_password(
    app: &App,
    actor: &Principal,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let new = Password::parse(new).map_err(|e| AppError::invalid("new_password", e))?;
    let mut conn = app.db.conn().await?;
    let user = users::credentials_by_id(&mut conn, actor.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    drop(conn);
    if !verify(user.password_hash, current.to_owned()).await? {
        return Err(AppError::Invalid {
            field: "current_password",
            message: "the current password is not right".into(),
        });
    }
    let phc = hash(app, &new).await?;
    let mut tx = app.db.begin().await?;
    users::set_password(&mut tx, actor.user_id, &phc, now()).await?;
    let keep = match &actor.via {
        Via::Session { token_hash } => Some(token_hash.as_slice()),
        _ => None,
    };
    sessions::delete_for_user_except(&mut tx, actor.user_id, keep).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "user",
        actor.user_id,
        &json!({"password": "[redacted]"}),
        &json!({"password": "[redacted, changed]"}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Updates the actor's own name and language.
pub async fn update_profile(
    app: &App,
    actor: &Principal,
    name: &str,
    locale: Option<&str>,
) -> Result<(), AppError> {
    let name = PersonName::parse(name).map_err(|e| AppError::invalid("name", e))?;
    let locale = locale
        .filter(|l| !l.is_empty())
        .map(parse_locale)
        .transpose()?;
    let mut tx = app.db.begin().await?;
    users::set_profile(
        &mut tx,
        actor.user_id,
        name.as_str(),
        locale.as_deref(),
        now(),
    )
    .await?;
    let before = json!({"name": actor.user_name, "locale": actor.locale});
    let after = json!({"name": name.as_str(), "locale": locale});
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "user",
        actor.user_id,
        &before,
        &after,
    )
    .await?;
    tx.commit().await?;
    app.invalidate_principals();
    Ok(())
}

/// The workspaces the actor may switch to, with their role in each.
pub async fn my_workspaces(
    app: &App,
    actor: &Principal,
) -> Result<Vec<(Workspace, Role)>, AppError> {
    let mut conn = app.db.conn().await?;
    Ok(workspaces::for_user(&mut conn, actor.user_id).await?)
}

/// Moves a browser session to another workspace the user belongs to.
pub async fn switch_workspace(app: &App, actor: &Principal, slug: &str) -> Result<(), AppError> {
    let Via::Session { token_hash } = &actor.via else {
        return Err(AppError::State(
            "only browser sessions switch workspaces; a token belongs to one".into(),
        ));
    };
    let mut tx = app.db.begin().await?;
    let target = workspaces::for_user(&mut tx, actor.user_id)
        .await?
        .into_iter()
        .find(|(w, _)| w.slug == slug);
    let (ws, _) = target.ok_or(AppError::NotFound("workspace"))?;
    sessions::switch_workspace(&mut tx, token_hash, ws.id).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes expired sessions (run periodically by the server).
pub async fn purge_expired(app: &App) -> Result<u64, AppError> {
    let mut tx = app.db.begin().await?;
    let n = sessions::delete_expired(&mut tx, now()).await?;
    vinculo_store::idempotency::purge(&mut tx, now() - time::Duration::hours(24)).await?;
    tx.commit().await?;
    Ok(n)
}
