//! `/api/v1/users` and `/api/v1/invites`.
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vinculo_app::users;
use vinculo_domain::auth::Role;
use vinculo_domain::ids::{InviteId, UserId};
use vinculo_store::invites::Invite;
use vinculo_store::users::Member;
use vinculo_store::Cursor;

#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// admin, manager, agent, sales, marketer or analyst.
    pub role: String,
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub joined_at: OffsetDateTime,
    /// The phone extension they answer calls on here: calls ringing on it pop on their page.
    pub extension: Option<String>,
}

impl From<Member> for User {
    fn from(m: Member) -> Self {
        User {
            id: m.id.uuid(),
            email: m.email,
            name: m.name,
            role: m.role.as_str().to_owned(),
            disabled: m.disabled,
            joined_at: m.joined_at,
            extension: m.extension,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub data: Vec<User>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only members with this role.
    pub role: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1 to 200 (default 50).
    pub limit: Option<u64>,
}

pub fn parse_cursor(raw: Option<&str>) -> Result<Option<Cursor>, ApiError> {
    raw.filter(|s| !s.is_empty())
        .map(|s| {
            Cursor::decode(s)
                .ok_or_else(|| ApiError::invalid("cursor", "not a cursor from a previous page"))
        })
        .transpose()
}

pub fn parse_role(raw: &str) -> Result<Role, ApiError> {
    raw.parse()
        .map_err(|e: vinculo_domain::auth::RoleError| ApiError::invalid("role", e.to_string()))
}

/// Members of the workspace, oldest account first.
#[utoipa::path(get, path = "/users", tag = "users", params(ListParams),
    responses((status = 200, body = UserList), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_users(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<UserList>, ApiError> {
    let role = q.role.as_deref().map(parse_role).transpose()?;
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let page = users::list(&state.app, &p, role, cursor, q.limit.unwrap_or(50)).await?;
    Ok(Json(UserList {
        next_cursor: page.next.map(Cursor::encode),
        data: page.items.into_iter().map(User::from).collect(),
    }))
}

/// One member.
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = User), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_user(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(users::get(&state.app, &p, UserId(id)).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub role: Option<String>,
    /// A disabled member cannot log in to this workspace; their sessions end.
    pub disabled: Option<bool>,
    /// The phone extension they answer calls on (`""` clears it). Members set their own;
    /// admins anyone's.
    pub extension: Option<String>,
}

/// Changes a member's role or disables them (admins), or the extension they answer calls on
/// (admins, or the member themselves).
#[utoipa::path(patch, path = "/users/{id}", tag = "users", params(("id" = Uuid, Path)), request_body = UserPatch,
    responses((status = 200, body = User), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn patch_user(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UserPatch>,
) -> Result<Json<User>, ApiError> {
    let role = body.role.as_deref().map(parse_role).transpose()?;
    if role.is_some() || body.disabled.is_some() {
        users::update_member(&state.app, &p, UserId(id), role, body.disabled).await?;
    }
    if let Some(ext) = body.extension.as_deref() {
        vinculo_app::telephony::set_extension(&state.app, &p, UserId(id), Some(ext)).await?;
    }
    Ok(Json(users::get(&state.app, &p, UserId(id)).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct InviteOut {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    /// pending, accepted, revoked or expired.
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    /// The link to send to the person; only in the answer to its creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_url: Option<String>,
}

pub fn invite_status(i: &Invite) -> &'static str {
    if i.accepted_at.is_some() {
        "accepted"
    } else if i.revoked_at.is_some() {
        "revoked"
    } else if i.expires_at <= OffsetDateTime::now_utc() {
        "expired"
    } else {
        "pending"
    }
}

fn invite_out(i: Invite, accept_url: Option<String>) -> InviteOut {
    InviteOut {
        status: invite_status(&i).to_owned(),
        id: i.id.uuid(),
        email: i.email,
        role: i.role.as_str().to_owned(),
        expires_at: i.expires_at,
        accept_url,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvite {
    pub email: String,
    pub role: String,
}

/// Invites a person by e-mail with a role (admins). The answer carries the link to send.
#[utoipa::path(post, path = "/invites", tag = "users", request_body = NewInvite,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = InviteOut), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_invite(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<NewInvite>,
) -> Result<(StatusCode, Json<InviteOut>), ApiError> {
    let role = parse_role(&body.role)?;
    let created = users::invite(&state.app, &p, &body.email, role).await?;
    let url = format!("{}/invite/{}", state.web.public_url, created.secret);
    Ok((
        StatusCode::CREATED,
        Json(invite_out(created.invite, Some(url))),
    ))
}

/// Invitations of the workspace, newest first.
#[utoipa::path(get, path = "/invites", tag = "users", responses((status = 200, body = Vec<InviteOut>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_invites(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<Vec<InviteOut>>, ApiError> {
    Ok(Json(
        users::list_invites(&state.app, &p)
            .await?
            .into_iter()
            .map(|i| invite_out(i, None))
            .collect(),
    ))
}

/// Withdraws a pending invitation.
#[utoipa::path(delete, path = "/invites/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke_invite(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    users::revoke_invite(&state.app, &p, InviteId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
