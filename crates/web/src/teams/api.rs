//! `/api/v1/teams`.
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use vinculo_app::conversations::turns;
use vinculo_app::teams;
use vinculo_domain::ids::{TeamId, UserId};

#[derive(Serialize, ToSchema)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub member_count: i64,
    /// New conversations reaching the team without an agent go to its active members in
    /// turn (the one given one least recently first).
    pub assign_by_turn: bool,
    /// Present when one team is fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<TeamMember>>,
}

#[derive(Serialize, ToSchema)]
pub struct TeamMember {
    pub user_id: Uuid,
    pub name: String,
}

fn team_out(t: vinculo_store::teams::Team, members: Option<Vec<(UserId, String)>>) -> Team {
    Team {
        id: t.id.uuid(),
        name: t.name,
        member_count: t.member_count,
        assign_by_turn: t.assign_by_turn,
        members: members.map(|m| {
            m.into_iter()
                .map(|(id, name)| TeamMember {
                    user_id: id.uuid(),
                    name,
                })
                .collect()
        }),
    }
}

/// The workspace's teams, by name.
#[utoipa::path(get, path = "/teams", tag = "teams", responses((status = 200, body = Vec<Team>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_teams(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<Vec<Team>>, ApiError> {
    Ok(Json(
        teams::list(&state.app, &p)
            .await?
            .into_iter()
            .map(|t| team_out(t, None))
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    pub name: String,
    #[serde(default)]
    pub members: Vec<Uuid>,
    /// Assign new conversations by turn (off when left out).
    pub assign_by_turn: Option<bool>,
}

/// Creates a team (admins and managers).
#[utoipa::path(post, path = "/teams", tag = "teams", request_body = NewTeam,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = Team), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_team(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<NewTeam>,
) -> Result<(StatusCode, Json<Team>), ApiError> {
    let members: Vec<UserId> = body.members.into_iter().map(UserId).collect();
    let mut team = teams::create(&state.app, &p, &body.name, &members).await?;
    if let Some(on) = body.assign_by_turn {
        turns::set_team_by_turn(&state.app, &p, team.id, on).await?;
        team.assign_by_turn = on;
    }
    Ok((StatusCode::CREATED, Json(team_out(team, None))))
}

/// One team with its members.
#[utoipa::path(get, path = "/teams/{id}", tag = "teams", params(("id" = Uuid, Path)),
    responses((status = 200, body = Team), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_team(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Team>, ApiError> {
    let (team, members) = teams::get(&state.app, &p, TeamId(id)).await?;
    Ok(Json(team_out(team, Some(members))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamPatch {
    pub name: Option<String>,
    /// Replaces the member list when present.
    pub members: Option<Vec<Uuid>>,
    /// Turns assignment by turn on or off.
    pub assign_by_turn: Option<bool>,
}

/// Renames a team, replaces its members, or turns assignment by turn on or off.
#[utoipa::path(patch, path = "/teams/{id}", tag = "teams", params(("id" = Uuid, Path)), request_body = TeamPatch,
    responses((status = 200, body = Team), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn patch_team(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<TeamPatch>,
) -> Result<Json<Team>, ApiError> {
    let members: Option<Vec<UserId>> = body.members.map(|m| m.into_iter().map(UserId).collect());
    let mut team = teams::update(
        &state.app,
        &p,
        TeamId(id),
        body.name.as_deref(),
        members.as_deref(),
    )
    .await?;
    if let Some(on) = body.assign_by_turn {
        turns::set_team_by_turn(&state.app, &p, team.id, on).await?;
        team.assign_by_turn = on;
    }
    Ok(Json(team_out(team, None)))
}

/// Deletes a team (its members stay in the workspace).
#[utoipa::path(delete, path = "/teams/{id}", tag = "teams", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete_team(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    teams::delete(&state.app, &p, TeamId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
