//! `/settings/teams`: the list of teams, creating one, and editing a team's members.
use crate::pages::{csrf_field, ctx_error, form_error_with, layout, Ctx};
use crate::state::AppState;
use axum::extract::{Path, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use uuid::Uuid;
use vinculo_app::conversations::turns;
use vinculo_app::{teams, users, AppError};
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::ids::{TeamId, UserId};
use vinculo_store::users::Member;

/// Member checkboxes; `checked` are ticked.
fn member_checks(ctx: &Ctx, members: &[Member], checked: &[UserId]) -> Markup {
    html! {
        fieldset {
            legend { (ctx.m.team_members) }
            div class="checks" {
                @for u in members.iter().filter(|u| !u.disabled) {
                    label class="check" { input type="checkbox" name="members" value=(u.id) checked[checked.contains(&u.id)]; (u.name) }
                }
            }
        }
    }
}

/// The "assign by turn" box.
fn by_turn_check(ctx: &Ctx, on: bool) -> Markup {
    let t = crate::conversations::tools_texts::tool_texts(ctx.lang);
    html! {
        label class="check" { input type="checkbox" name="assign_by_turn" value="on" checked[on]; (t.team_by_turn) }
        span class="hint" { (t.team_by_turn_hint) }
    }
}

/// Parses a form with repeated `members` fields (serde_urlencoded cannot collect repeats);
/// and whether "assign by turn" is ticked.
fn parse_team_form(bytes: &[u8]) -> (String, Vec<UserId>, bool) {
    let mut name = String::new();
    let mut members = Vec::new();
    let mut by_turn = false;
    for (k, v) in url::form_urlencoded::parse(bytes) {
        match &*k {
            "name" => name = v.into_owned(),
            "members" => members.extend(v.parse::<Uuid>().ok().map(UserId)),
            "assign_by_turn" => by_turn = true,
            _ => {}
        }
    }
    (name, members, by_turn)
}

async fn render_list(state: &AppState, ctx: &Ctx, error: Option<String>) -> Response {
    let m = ctx.m;
    let p = &ctx.principal;
    let data = async {
        let teams = teams::list(&state.app, p).await?;
        let members = if p.can(Area::Teams, Access::Write) {
            users::list(&state.app, p, None, None, 200).await?.items
        } else {
            Vec::new()
        };
        Ok::<_, AppError>((teams, members))
    }
    .await;
    let (teams, members) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let can_write = p.can(Area::Teams, Access::Write);
    let body = html! {
        h1 { (m.teams_title) }
        @if let Some(e) = &error { div class="flash err" role="alert" { (e) } }
        @if teams.is_empty() { p class="muted" { (m.none_yet) } } @else {
            div class="table-wrap" {
                table {
                    thead { tr { th { (m.name) } th { (m.team_members) } @if can_write { th { (m.actions) } } } }
                    tbody {
                        @for t in &teams {
                            tr {
                                td { (t.name) @if t.assign_by_turn { " " span class="badge" { (crate::conversations::tools_texts::tool_texts(ctx.lang).team_by_turn_badge) } } } td { (t.member_count) }
                                @if can_write { td { a href={ "/settings/teams/" (t.id) } { (m.team_edit) } } }
                            }
                        }
                    }
                }
            }
        }
        @if can_write {
            section class="card" {
                h2 { (m.team_new) }
                form class="stack" method="post" action="/settings/teams" {
                    (csrf_field(&ctx.csrf))
                    label { (m.name) input type="text" name="name" required maxlength="80"; }
                    (member_checks(ctx, &members, &[]))
                    (by_turn_check(ctx, false))
                    div { button type="submit" { (m.team_create) } }
                }
            }
        }
    };
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    (status, layout(ctx, m.teams_title, body)).into_response()
}

pub async fn teams_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    render_list(&state, &ctx, None).await
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, RawForm(bytes): RawForm) -> Response {
    let (name, members, by_turn) = parse_team_form(&bytes);
    let created = match teams::create(&state.app, &ctx.principal, &name, &members).await {
        Ok(team) if by_turn => turns::set_team_by_turn(&state.app, &ctx.principal, team.id, true)
            .await
            .map(drop),
        other => other.map(drop),
    };
    match created {
        Ok(()) => Redirect::to("/settings/teams?flash=team_created").into_response(),
        Err(AppError::Forbidden) => ctx_error(&ctx, AppError::Forbidden),
        Err(e) => {
            render_list(
                &state,
                &ctx,
                Some(form_error_with(ctx.m, &e, &[("name", ctx.m.err_team_name)])),
            )
            .await
        }
    }
}

async fn render_edit(state: &AppState, ctx: &Ctx, id: TeamId, error: Option<String>) -> Response {
    let m = ctx.m;
    let p = &ctx.principal;
    if let Err(e) = p.require(Area::Teams, Access::Write) {
        return ctx_error(ctx, e);
    }
    let data = async {
        let (team, team_members) = teams::get(&state.app, p, id).await?;
        let members = users::list(&state.app, p, None, None, 200).await?.items;
        Ok::<_, AppError>((team, team_members, members))
    }
    .await;
    let (team, team_members, members) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let checked: Vec<UserId> = team_members.iter().map(|(u, _)| *u).collect();
    let body = html! {
        p { a href="/settings/teams" { "← " (m.teams_title) } }
        h1 { (team.name) }
        @if let Some(e) = &error { div class="flash err" role="alert" { (e) } }
        section class="card" {
            form class="stack" method="post" action={ "/settings/teams/" (id) } {
                (csrf_field(&ctx.csrf))
                label { (m.name) input type="text" name="name" value=(team.name) required maxlength="80"; }
                (member_checks(ctx, &members, &checked))
                (by_turn_check(ctx, team.assign_by_turn))
                div { button type="submit" { (m.save) } }
            }
        }
        form method="post" action={ "/settings/teams/" (id) "/delete" } {
            (csrf_field(&ctx.csrf))
            button type="submit" class="danger" data-confirm=(format!("{}: {}?", m.delete, team.name)) { (m.delete) }
        }
    };
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    (status, layout(ctx, &team.name, body)).into_response()
}

pub async fn edit_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    render_edit(&state, &ctx, TeamId(id), None).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    RawForm(bytes): RawForm,
) -> Response {
    let (name, members, by_turn) = parse_team_form(&bytes);
    let saved = match teams::update(
        &state.app,
        &ctx.principal,
        TeamId(id),
        Some(&name),
        Some(&members),
    )
    .await
    {
        Ok(team) => turns::set_team_by_turn(&state.app, &ctx.principal, team.id, by_turn).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Redirect::to("/settings/teams?flash=saved").into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => ctx_error(&ctx, e),
        Err(e) => {
            render_edit(
                &state,
                &ctx,
                TeamId(id),
                Some(form_error_with(ctx.m, &e, &[("name", ctx.m.err_team_name)])),
            )
            .await
        }
    }
}

pub async fn delete(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    match teams::delete(&state.app, &ctx.principal, TeamId(id)).await {
        Ok(()) => Redirect::to("/settings/teams?flash=team_deleted").into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}
