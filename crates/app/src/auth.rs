//! Authentication: first-run setup, login with e-mail and password, browser sessions,
//! API-token authentication (cached), logout, password change and workspace switching.
use crate::secrets::{hash_password, new_secret, sha256, verify_password};
use crate::{audit, now, App, AppError, Principal, Via};
use serde_json::json;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Email, Password, PersonName, Role};
use vinculo_domain::ids::{UserId, WorkspaceId};
use vinculo_domain::workspaces::{parse_workspace_name, Slug};
use vinculo_store::sessions::Session;
use vinculo_store::users::NewUser;
use vinculo_store::workspaces::Workspace;
use vinculo_store::{sessions, tokens, users, workspaces, Conn};

/// Prefix of session cookies' secrets.
pub const SESSION_PREFIX: &str = "vns_";
/// Prefix of API tokens: recognisable in a leaked config file or a secret scanner.
pub const TOKEN_PREFIX: &str = "vnc_";
/// How long an API token's principal is cached. Bounds how stale a role change can be when
/// several processes share one database; within one process changes invalidate at once.
const TOKEN_CACHE_TTL: Duration = Duration::from_secs(30);

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

/// What creating a first admin (setup page, `vinculo user create`) needs.
pub struct NewAccount {
    pub workspace_name: String,
    pub workspace_slug: Option<String>,
    pub name: String,
    pub email: String,
    pub password: String,
    pub role: Role,
    pub locale: Option<String>,
    /// How the account is being created: `Via::Cli` for the console, `Via::Session` for the
    /// web setup page (the audit log names the actor accordingly).
    pub via: Via,
}

/// Whether anyone can log in yet. With no users, the server offers the setup page.
pub async fn needs_setup(app: &App) -> Result<bool, AppError> {
    let mut conn = app.db.conn().await?;
    Ok(users::count(&mut conn).await? == 0)
}

/// Creates a user in a workspace (creating the workspace when its slug is new), as the
/// operator does from the CLI and the setup page does for the first admin. An existing user
/// with that e-mail is added to the workspace with the role (their password is unchanged).
pub async fn create_account(
    app: &App,
    acct: NewAccount,
) -> Result<(Workspace, UserId, bool), AppError> {
    let email = Email::parse(&acct.email).map_err(|e| AppError::invalid("email", e))?;
    let name = PersonName::parse(if acct.name.trim().is_empty() {
        email.as_str()
    } else {
        &acct.name
    })
    .map_err(|e| AppError::invalid("name", e))?;
    let ws_name = parse_workspace_name(&acct.workspace_name)
        .map_err(|e| AppError::invalid("workspace_name", e))?;
    let slug = match &acct.workspace_slug {
        Some(s) => Slug::parse(s).map_err(|e| AppError::invalid("workspace_slug", e))?,
        None => Slug::from_name(&ws_name),
    };
    let locale = acct.locale.as_deref().map(parse_locale).transpose()?;
    let mut conn = app.db.conn().await?;
    let existing_user = users::credentials_by_email(&mut conn, email.as_str()).await?;
    drop(conn);
    let hash = match &existing_user {
        Some(_) => None,
        None => {
            let password =
                Password::parse(&acct.password).map_err(|e| AppError::invalid("password", e))?;
            Some(hash(app, &password).await?)
        }
    };
    let at = now();
    let mut tx = app.db.begin().await?;
    let ws = match workspaces::by_slug(&mut tx, slug.as_str()).await? {
        Some(ws) => ws,
        None => {
            let ws = Workspace {
                id: WorkspaceId::new(),
                slug: slug.to_string(),
                name: ws_name,
                default_locale: locale.clone().unwrap_or_else(|| "es".into()),
                created_at: at,
            };
            workspaces::insert(&mut tx, &ws).await?;
            ws
        }
    };
    let (user_id, created) = match (&existing_user, &hash) {
        (Some(u), _) => (u.id, false),
        (None, Some(h)) => {
            let id = UserId::new();
            users::insert(
                &mut tx,
                &NewUser {
                    id,
                    email: email.as_str(),
                    name: name.as_str(),
                    password_hash: h,
                    locale: locale.as_deref(),
                    at,
                },
            )
            .await?;
            (id, true)
        }
        (None, None) => return Err(AppError::Internal("password hash missing".into())),
    };
    if users::member(&mut tx, ws.id, user_id).await?.is_some() {
        return Err(AppError::Conflict {
            field: "email".into(),
        });
    }
    users::insert_membership(&mut tx, ws.id, user_id, acct.role, at).await?;
    let actor = Principal::new(
        (user_id, name.as_str(), email.as_str()),
        locale.clone(),
        &ws,
        acct.role,
        acct.via,
    );
    let after = json!({"email": email.as_str(), "name": name.as_str(), "role": acct.role.as_str()});
    audit::record(
        &mut tx,
        &actor,
        AuditAction::Create,
        "member",
        user_id,
        &json!(null),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok((ws, user_id, created))
}

/// Validates a UI language choice.
pub fn parse_locale(raw: &str) -> Result<String, AppError> {
    match raw.trim() {
        "es" | "en" => Ok(raw.trim().to_owned()),
        other => Err(AppError::invalid(
            "locale",
            format!("{other:?} is not a supported language (es, en)"),
        )),
    }
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

async fn load_principal(
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
    Ok(Principal {
        user_id,
        user_name: member.name,
        email: member.email,
        locale: member.locale,
        workspace_id: ws.id,
        workspace_slug: ws.slug,
        workspace_name: ws.name,
        role: member.role,
        via,
        request_id: None,
    })
}

/// Cached principals of API tokens, by the hash of the secret.
#[derive(Default)]
pub(crate) struct TokenCache {
    entries: RwLock<HashMap<Vec<u8>, (Principal, Instant)>>,
}

impl TokenCache {
    fn get(&self, hash: &[u8]) -> Option<Principal> {
        let map = self.entries.read().unwrap_or_else(|p| p.into_inner());
        map.get(hash)
            .filter(|(_, at)| at.elapsed() < TOKEN_CACHE_TTL)
            .map(|(p, _)| p.clone())
    }

    fn put(&self, hash: Vec<u8>, p: Principal) {
        let mut map = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.clear();
        }
        map.insert(hash, (p, Instant::now()));
    }

    pub(crate) fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// Loads the principal behind an `Authorization: Bearer` token. A miss reads the database
/// and records the token's last use (so `last_used_at` is accurate to the cache's TTL).
pub async fn authenticate_token(app: &App, secret: &str) -> Result<Principal, AppError> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Err(AppError::Unauthenticated);
    }
    let hash = sha256(secret);
    if let Some(p) = app.token_cache.get(&hash) {
        return Ok(p);
    }
    let mut conn = app.db.conn().await?;
    let token = tokens::find_live_by_hash(&mut conn, &hash)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let via = Via::Token {
        id: token.id,
        name: token.name.clone(),
        scopes: token.scopes.clone(),
    };
    let principal = load_principal(&mut conn, token.user_id, token.workspace_id, via).await?;
    drop(conn);
    let mut tx = app.db.begin().await?;
    tokens::touch(&mut tx, token.workspace_id, token.id, now()).await?;
    tx.commit().await?;
    app.token_cache.put(hash, principal.clone());
    Ok(principal)
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
