//! `/api/v1/canned-responses`: saved replies with placeholders, and
//! `/api/v1/conversations/{id}/canned-responses/{cid}`: one filled in for a conversation.
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
use vinculo_app::conversations::canned;
use vinculo_domain::conversations::canned::CannedDraft;
use vinculo_domain::ids::{CannedResponseId, ConversationId};
use vinculo_store::conversations::canned::CannedRecord;

/// A canned response as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedIn {
    pub name: Option<String>,
    /// The text, with placeholders such as `{{customer.given_name}}` (or
    /// `{{customer.given_name|cliente}}` with a fallback for an empty value).
    pub body: Option<String>,
    /// A word to find it by (`saludo`).
    pub shortcut: Option<String>,
    /// Shared with the whole workspace (managers and admins); private to the caller when
    /// false or left out.
    pub shared: Option<bool>,
    pub team_id: Option<Uuid>,
}

impl From<CannedIn> for CannedDraft {
    fn from(c: CannedIn) -> Self {
        CannedDraft {
            name: c.name,
            body: c.body,
            shortcut: c.shortcut,
            shared: c.shared,
            team_id: c.team_id,
        }
    }
}

/// A canned response.
#[derive(Serialize, ToSchema)]
pub struct CannedOut {
    pub id: Uuid,
    pub name: String,
    pub body: String,
    pub shortcut: Option<String>,
    /// Seen by the whole workspace; otherwise by its owner only.
    pub shared: bool,
    pub owner_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

fn canned_out(r: &CannedRecord) -> CannedOut {
    CannedOut {
        id: r.id.uuid(),
        name: r.name.clone(),
        body: r.body.clone(),
        shortcut: r.shortcut.clone(),
        shared: r.owner_id.is_none(),
        owner_id: r.owner_id.map(|u| u.uuid()),
        team_id: r.team_id.map(|t| t.uuid()),
        created_by: r.created_by.map(|u| u.uuid()),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// The canned responses the caller sees: the shared ones and their own, by name.
#[utoipa::path(get, path = "/canned-responses", tag = "inbox", responses((status = 200, body = Vec<CannedOut>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_canned(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<Vec<CannedOut>>, ApiError> {
    let all = canned::list(&state.app, &p).await?;
    Ok(Json(all.iter().map(canned_out).collect()))
}

/// Saves a canned response. Agents save private ones; managers and admins may share them.
/// An unknown placeholder or unbalanced braces are refused with their line and column.
#[utoipa::path(post, path = "/canned-responses", tag = "inbox", request_body = CannedIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = CannedOut), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_canned(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<CannedIn>,
) -> Result<(StatusCode, Json<CannedOut>), ApiError> {
    let r = canned::create(&state.app, &p, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(canned_out(&r))))
}

/// One canned response (another agent's private one is not found).
#[utoipa::path(get, path = "/canned-responses/{id}", tag = "inbox", params(("id" = Uuid, Path)),
    responses((status = 200, body = CannedOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_canned(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<CannedOut>, ApiError> {
    let r = canned::get(&state.app, &p, CannedResponseId(id)).await?;
    Ok(Json(canned_out(&r)))
}

/// Replaces a canned response: one's own, or a shared one (managers and admins).
#[utoipa::path(put, path = "/canned-responses/{id}", tag = "inbox", params(("id" = Uuid, Path)), request_body = CannedIn,
    responses((status = 200, body = CannedOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn put_canned(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CannedIn>,
) -> Result<Json<CannedOut>, ApiError> {
    let r = canned::update(&state.app, &p, CannedResponseId(id), &body.into()).await?;
    Ok(Json(canned_out(&r)))
}

/// Deletes a canned response: one's own, or a shared one (managers and admins).
#[utoipa::path(delete, path = "/canned-responses/{id}", tag = "inbox", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete_canned(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    canned::delete(&state.app, &p, CannedResponseId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A canned response filled in for a conversation.
#[derive(Serialize, ToSchema)]
pub struct RenderedOut {
    pub id: Uuid,
    pub name: String,
    /// The text with its placeholders filled in for the conversation's customer and the
    /// caller; a missing value is its fallback, or empty.
    pub text: String,
}

/// A canned response filled in for this conversation's customer and the calling agent.
#[utoipa::path(get, path = "/conversations/{id}/canned-responses/{cid}", tag = "inbox",
    params(("id" = Uuid, Path, description = "The conversation"), ("cid" = Uuid, Path, description = "The canned response")),
    responses((status = 200, body = RenderedOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn render_canned(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath((id, cid)): ApiPath<(Uuid, Uuid)>,
) -> Result<Json<RenderedOut>, ApiError> {
    let (r, text) =
        canned::render(&state.app, &p, ConversationId(id), CannedResponseId(cid)).await?;
    Ok(Json(RenderedOut {
        id: r.id.uuid(),
        name: r.name,
        text,
    }))
}
