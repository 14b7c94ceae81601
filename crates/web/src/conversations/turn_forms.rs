//! The assignment form's "whoever's turn it is in the team": the conversation goes to the
//! chosen team (or stays in its own) and to the member whose turn it is there.
use super::texts::texts;
use super::thread_pages::{render, Failed};
use super::tools_texts::tool_texts;
use crate::pages::{ctx_error, form_error, Ctx};
use crate::state::AppState;
use axum::response::{IntoResponse, Redirect, Response};
use vinculo_app::conversations::inbox;
use vinculo_app::AppError;
use vinculo_domain::ids::{ConversationId, TeamId};

/// Assigns by turn in `team` (the form's team field; blank: the conversation's own).
pub async fn by_turn(state: &AppState, ctx: &mut Ctx, id: ConversationId, team: &str) -> Response {
    let team = match team.trim() {
        "" => Ok(None),
        s => s.parse().map(|u| Some(TeamId(u))),
    };
    let result = match team {
        Ok(team) => inbox::assign_by_turn(&state.app, &ctx.principal, id, team)
            .await
            .map(drop),
        Err(_) => Err(AppError::invalid("team_id", "not a team")),
    };
    let message = match result {
        Ok(()) => return Redirect::to(&format!("/inbox/{id}?flash=assigned")).into_response(),
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden)) => return ctx_error(ctx, e),
        Err(AppError::Invalid {
            field: "assignee_id",
            ..
        }) => tool_texts(ctx.lang).turn_none.to_owned(),
        Err(AppError::Invalid {
            field: "team_id", ..
        }) => texts(ctx.lang).err_team.to_owned(),
        Err(e) => form_error(ctx.m, &e),
    };
    render(state, ctx, id, Some(Failed::message(message))).await
}
