//! `/api/v1/tokens`.
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;
use vinculo_app::tokens;
use vinculo_domain::ids::{TokenId, UserId};
use vinculo_store::tokens::ApiToken;

#[derive(Serialize, ToSchema)]
pub struct Token {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    pub prefix: String,
    /// Space-separated: `read`, `write`, `customers:read`, …
    pub scopes: String,
    /// The user the token acts as.
    pub user_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<OffsetDateTime>,
    /// The secret itself: only in the answer to its creation, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

fn token_out(t: ApiToken, secret: Option<String>) -> Token {
    Token {
        id: t.id.uuid(),
        name: t.name,
        prefix: t.prefix,
        scopes: t.scopes.to_string(),
        user_id: t.user_id.uuid(),
        created_at: t.created_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
        secret,
    }
}

/// Every token of the workspace, newest first (revoked ones too).
#[utoipa::path(get, path = "/tokens", tag = "tokens", responses((status = 200, body = Vec<Token>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<Vec<Token>>, ApiError> {
    Ok(Json(
        tokens::list(&state.app, &p)
            .await?
            .into_iter()
            .map(|t| token_out(t, None))
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    /// Comma- or space-separated scopes, e.g. `read` or `customers:write,sales:read`.
    pub scopes: String,
    /// The member the token acts as (default: the caller).
    pub user_id: Option<Uuid>,
}

/// Creates a token (admins). The secret is in this answer only.
#[utoipa::path(post, path = "/tokens", tag = "tokens", request_body = NewToken,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = Token), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<Token>), ApiError> {
    let created = tokens::create(
        &state.app,
        &p,
        &body.name,
        &body.scopes,
        body.user_id.map(UserId),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(token_out(created.token, Some(created.secret))),
    ))
}

/// Revokes a token at once.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "tokens", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    tokens::revoke(&state.app, &p, TokenId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
