//! API tokens: an admin creates a named token with scopes for a user of the workspace; the
//! secret is returned once and stored only as a hash; revoking takes effect at once.
use crate::auth::TOKEN_PREFIX;
use crate::secrets::{new_secret, sha256};
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area, Scopes};
use vinculo_domain::ids::{TokenId, UserId};
use vinculo_store::tokens::ApiToken;
use vinculo_store::{tokens, users};

/// A created token and its secret, which is never shown again.
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

/// Creates a token acting as `for_user` (defaults to the actor) with the given scopes.
pub async fn create(
    app: &App,
    actor: &Principal,
    name: &str,
    scopes: &str,
    for_user: Option<UserId>,
) -> Result<CreatedToken, AppError> {
    actor.require(Area::Tokens, Access::Write)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::Invalid {
            field: "name",
            message: "a token name is 1 to 80 characters".into(),
        });
    }
    let scopes = Scopes::parse(scopes).map_err(|e| AppError::invalid("scopes", e))?;
    let user = for_user.unwrap_or(actor.user_id);
    let secret = new_secret(TOKEN_PREFIX);
    let token = ApiToken {
        id: TokenId::new(),
        workspace_id: actor.workspace_id,
        user_id: user,
        name: name.to_owned(),
        prefix: secret.chars().take(TOKEN_PREFIX.len() + 6).collect(),
        scopes,
        created_by: actor.user_id,
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
    };
    let mut tx = app.db.begin().await?;
    if users::member(&mut tx, actor.workspace_id, user)
        .await?
        .is_none()
    {
        return Err(AppError::Invalid {
            field: "user_id",
            message: "not a member of this workspace".into(),
        });
    }
    tokens::insert(&mut tx, &token, &sha256(&secret)).await?;
    let after = json!({"name": token.name, "scopes": token.scopes.to_string(), "user_id": user.to_string(), "prefix": token.prefix});
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "api_token",
        token.id,
        &json!(null),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedToken { token, secret })
}

pub async fn list(app: &App, actor: &Principal) -> Result<Vec<ApiToken>, AppError> {
    actor.require(Area::Tokens, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(tokens::list(&mut conn, actor.workspace_id).await?)
}

pub async fn revoke(app: &App, actor: &Principal, id: TokenId) -> Result<(), AppError> {
    actor.require(Area::Tokens, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let token = tokens::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("token"))?;
    if !tokens::revoke(&mut tx, actor.workspace_id, id, now()).await? {
        return Err(AppError::State("this token is already revoked".into()));
    }
    // Revoked tokens stay listed (for the record): a change of state, not a deletion.
    let before = json!({"name": token.name, "revoked": false});
    let after = json!({"name": token.name, "revoked": true});
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "api_token",
        id,
        &before,
        &after,
    )
    .await?;
    tx.commit().await?;
    app.invalidate_principals();
    Ok(())
}
