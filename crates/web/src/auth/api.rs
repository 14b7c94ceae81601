//! `/api/v1/me`: who the caller is, their profile, password and workspaces.
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use vinculo_app::{auth, Principal, Via};
use vinculo_domain::auth::{Access, Area};

/// The caller: user, workspace, role, and what they may do.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    /// Preferred UI language (`es`, `en`), or null for the browser's.
    pub locale: Option<String>,
    pub workspace: WorkspaceRef,
    pub role: String,
    /// How the caller authenticated: `session` or `token`.
    pub auth: String,
    /// Scopes of the token, when authenticated by one.
    pub scopes: Option<String>,
    /// `area:access` pairs this caller is allowed, e.g. `users:read`.
    pub permissions: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkspaceRef {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

pub fn me_of(p: &Principal) -> Me {
    let mut permissions = Vec::new();
    for area in Area::ALL {
        for (access, name) in [(Access::Read, "read"), (Access::Write, "write")] {
            if p.can(area, access) {
                permissions.push(format!("{}:{name}", area.as_str()));
            }
        }
    }
    let (auth, scopes) = match &p.via {
        Via::Token { scopes, .. } => ("token", Some(scopes.to_string())),
        Via::Session { .. } => ("session", None),
        Via::Cli => ("cli", None),
        Via::Channel => ("channel", None),
    };
    Me {
        user_id: p.user_id.uuid(),
        name: p.user_name.clone(),
        email: p.email.clone(),
        locale: p.locale.clone(),
        workspace: WorkspaceRef {
            id: p.workspace_id.uuid(),
            slug: p.workspace_slug.clone(),
            name: p.workspace_name.clone(),
        },
        role: p.role.as_str().to_owned(),
        auth: auth.to_owned(),
        scopes,
        permissions,
    }
}

/// The authenticated caller.
#[utoipa::path(get, path = "/me", tag = "me",
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_me(ApiAuth(p): ApiAuth) -> Json<Me> {
    Json(me_of(&p))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    pub name: Option<String>,
    /// `es`, `en`, or empty string for the browser's language.
    pub locale: Option<String>,
}

/// Updates the caller's name and language.
#[utoipa::path(patch, path = "/me", tag = "me", request_body = ProfilePatch,
    responses((status = 200, body = Me), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn patch_me(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<ProfilePatch>,
) -> Result<Json<Me>, ApiError> {
    let name = body.name.unwrap_or_else(|| p.user_name.clone());
    let locale = match body.locale {
        Some(l) => Some(l),
        None => p.locale.clone(),
    };
    auth::update_profile(&state.app, &p, &name, locale.as_deref()).await?;
    let locale = locale.filter(|l| !l.is_empty());
    Ok(Json(me_of(&Principal {
        user_name: name.trim().to_owned(),
        locale,
        ..p
    })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 10 characters.
    pub new_password: String,
}

/// Changes the caller's password; their other sessions end.
#[utoipa::path(post, path = "/me/password", tag = "me", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn change_password(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    auth::change_password(&state.app, &p, &body.current_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MyWorkspace {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub role: String,
    pub current: bool,
}

/// The workspaces the caller belongs to.
#[utoipa::path(get, path = "/me/workspaces", tag = "me",
    responses((status = 200, body = Vec<MyWorkspace>)),
    security(("bearer" = []), ("session" = [])))]
pub async fn my_workspaces(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<Vec<MyWorkspace>>, ApiError> {
    let list = auth::my_workspaces(&state.app, &p).await?;
    Ok(Json(
        list.into_iter()
            .map(|(w, role)| MyWorkspace {
                current: w.id == p.workspace_id,
                id: w.id.uuid(),
                slug: w.slug,
                name: w.name,
                role: role.as_str().to_owned(),
            })
            .collect(),
    ))
}
