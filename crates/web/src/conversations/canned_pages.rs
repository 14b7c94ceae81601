//! `/settings/canned-responses`: the canned responses an agent sees (the shared ones and
//! their own), creating, editing and deleting them; and on a conversation's page, the picker
//! that fills one in for it and puts it in the reply box (`app.js`), or without JavaScript
//! shows the filled-in text to copy (`/inbox/{id}/canned?canned=…`).
use super::tools_texts::{tool_texts, ToolTexts};
use crate::pages::{csrf_field, ctx_error, layout, Ctx};
use crate::problems::problem_text;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::conversations::canned;
use vinculo_app::{teams, AppError, Principal};
use vinculo_domain::conversations::canned::{CannedDraft, Placeholder};
use vinculo_domain::ids::{CannedResponseId, ConversationId, TeamId};
use vinculo_store::conversations::canned::CannedRecord;
use vinculo_store::teams::Team;

/// The fields as the browser sends them.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CannedForm {
    name: String,
    body: String,
    shortcut: String,
    shared: Option<String>,
    team: String,
}

impl CannedForm {
    fn draft(&self) -> CannedDraft {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        CannedDraft {
            name: some(&self.name),
            body: some(&self.body),
            shortcut: some(&self.shortcut),
            shared: Some(self.shared.is_some()),
            team_id: self.team.trim().parse().ok(),
        }
    }

    fn of(r: &CannedRecord) -> CannedForm {
        CannedForm {
            name: r.name.clone(),
            body: r.body.clone(),
            shortcut: r.shortcut.clone().unwrap_or_default(),
            shared: r.owner_id.is_none().then(|| "on".into()),
            team: r.team_id.map(|t| t.to_string()).unwrap_or_default(),
        }
    }
}

/// Each refused field's message, and one for the whole form.
#[derive(Default)]
struct Errors {
    fields: Vec<(String, String)>,
    form: Option<String>,
}

impl Errors {
    fn of(ctx: &Ctx, t: &ToolTexts, e: &AppError) -> Errors {
        let one = |field: &str, message: &str| Errors {
            fields: vec![(field.into(), message.into())],
            form: Some(t.cr_check.into()),
        };
        match e {
            AppError::InvalidFields(issues) => Errors {
                fields: issues
                    .iter()
                    .map(|i| (i.field.clone(), problem_text(ctx.m, &i.problem)))
                    .collect(),
                form: Some(t.cr_check.into()),
            },
            AppError::Conflict { .. } => one("name", t.cr_taken),
            AppError::Invalid {
                field: "shared", ..
            } => one("shared", t.cr_cannot_share),
            AppError::Invalid {
                field: "team_id", ..
            } => one("team", ctx.m.not_found_body),
            other => Errors {
                form: Some(crate::pages::form_error(ctx.m, other)),
                ..Errors::default()
            },
        }
    }

    fn on(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
    }
}

fn problem(errors: &Errors, name: &str) -> Markup {
    html! { @if let Some(e) = errors.on(name) { span class="field-error" id={ "err-" (name) } { (e) } } }
}

/// The form, posting to `action`.
fn form(ctx: &Ctx, f: &CannedForm, errors: &Errors, teams: &[Team], action: &str) -> Markup {
    let t = tool_texts(ctx.lang);
    let bad = |n: &str| errors.on(n).is_some();
    let may_share = canned::may_share(&ctx.principal);
    html! {
        form class="stack canned-form" method="post" action=(action) novalidate {
            (csrf_field(&ctx.csrf))
            @if let Some(e) = &errors.form { div class="flash err" role="alert" { (e) } }
            div class="row" {
                label class="grow" { (t.cr_name)
                    input type="text" name="name" value=(f.name) required maxlength="100" aria-invalid=[bad("name").then_some("true")] aria-describedby=[bad("name").then_some("err-name")];
                    (problem(errors, "name"))
                }
                label { (t.cr_shortcut)
                    input type="text" name="shortcut" value=(f.shortcut) maxlength="31" aria-invalid=[bad("shortcut").then_some("true")] aria-describedby=[bad("shortcut").then_some("err-shortcut")];
                    span class="hint" { (t.cr_shortcut_hint) }
                    (problem(errors, "shortcut"))
                }
            }
            label { (t.cr_body)
                textarea name="body" rows="8" required maxlength="10000" aria-invalid=[bad("body").then_some("true")] aria-describedby=[bad("body").then_some("err-body")] { (f.body) }
                span class="hint" { (t.cr_body_hint.replace("{list}", &placeholders())) }
                (problem(errors, "body"))
            }
            label { (t.cr_team)
                select name="team" {
                    option value="" { (t.cr_no_team) }
                    @for team in teams { option value=(team.id) selected[f.team == team.id.to_string()] { (team.name) } }
                }
                (problem(errors, "team"))
            }
            @if may_share {
                label class="check" { input type="checkbox" name="shared" value="on" checked[f.shared.is_some()]; (t.cr_shared) }
                span class="hint" { (t.cr_shared_hint) }
            }
            (problem(errors, "shared"))
            div { button type="submit" { (t.cr_create) } }
        }
    }
}

fn placeholders() -> String {
    Placeholder::ALL
        .iter()
        .map(|p| format!("{{{{{}}}}}", p.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn status_of(failed: bool) -> StatusCode {
    if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// Whether the actor may change a response (their own; a shared one if they share).
fn may_change(p: &Principal, r: &CannedRecord) -> bool {
    match r.owner_id {
        Some(o) => o == p.user_id,
        None => canned::may_share(p),
    }
}

async fn render_list(
    state: &AppState,
    ctx: &Ctx,
    f: &CannedForm,
    errors: Option<Errors>,
) -> Response {
    let p = &ctx.principal;
    let data = async {
        let all = canned::list(&state.app, p).await?;
        Ok::<_, AppError>((all, teams::list(&state.app, p).await?))
    }
    .await;
    let (all, teams) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let (m, t) = (ctx.m, tool_texts(ctx.lang));
    let failed = errors.is_some();
    let errors = errors.unwrap_or_default();
    let team_name = |id: Option<TeamId>| {
        id.and_then(|id| teams.iter().find(|t| t.id == id))
            .map(|t| t.name.as_str())
    };
    let body = html! {
        h1 { (t.cr_title) }
        p class="muted" { (t.cr_intro) }
        @if all.is_empty() { p class="muted" { (t.cr_none) } } @else {
            div class="table-wrap" {
                table class="stack-phone canned" {
                    thead { tr { th { (t.cr_name) } th { (t.cr_shortcut) } th { (t.cr_scope) } th { (t.cr_team) } th { (m.actions) } } }
                    tbody {
                        @for r in &all {
                            tr {
                                td data-label=(t.cr_name) { (r.name) }
                                td data-label=(t.cr_shortcut) { @if let Some(s) = &r.shortcut { code { "/" (s) } } }
                                td data-label=(t.cr_scope) { (if r.owner_id.is_none() { t.cr_everyone } else { t.cr_only_me }) }
                                td data-label=(t.cr_team) { (team_name(r.team_id).unwrap_or("")) }
                                td data-label=(m.actions) {
                                    @if may_change(p, r) { a href={ "/settings/canned-responses/" (r.id) } { (t.cr_edit) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        details class="card connect" id="new" open[all.is_empty() || failed] {
            summary { h2 { (t.cr_new) } }
            (form(ctx, f, &errors, &teams, "/settings/canned-responses"))
        }
    };
    (status_of(failed), layout(ctx, t.cr_title, body)).into_response()
}

pub async fn list_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    render_list(&state, &ctx, &CannedForm::default(), None).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<CannedForm>,
) -> Response {
    match canned::create(&state.app, &ctx.principal, &f.draft()).await {
        Ok(_) => Redirect::to("/settings/canned-responses?flash=canned_saved").into_response(),
        Err(AppError::Forbidden) => ctx_error(&ctx, AppError::Forbidden),
        Err(e) => {
            let errors = Errors::of(&ctx, tool_texts(ctx.lang), &e);
            render_list(&state, &ctx, &f, Some(errors)).await
        }
    }
}

async fn render_edit(
    state: &AppState,
    ctx: &Ctx,
    id: CannedResponseId,
    typed: Option<&CannedForm>,
    errors: Option<Errors>,
) -> Response {
    let p = &ctx.principal;
    let data = async {
        let r = canned::get(&state.app, p, id).await?;
        if !may_change(p, &r) {
            return Err(AppError::Forbidden);
        }
        Ok::<_, AppError>((r, teams::list(&state.app, p).await?))
    }
    .await;
    let (r, teams) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let t = tool_texts(ctx.lang);
    let f = typed.cloned().unwrap_or_else(|| CannedForm::of(&r));
    let failed = errors.is_some();
    let errors = errors.unwrap_or_default();
    let action = format!("/settings/canned-responses/{id}");
    let body = html! {
        p class="small" { a href="/settings/canned-responses" { "← " (t.cr_title) } }
        h1 { (r.name) }
        section class="card" { (form(ctx, &f, &errors, &teams, &action)) }
        form method="post" action={ (action) "/delete" } {
            (csrf_field(&ctx.csrf))
            button type="submit" class="danger" data-confirm=(t.cr_delete_confirm) { (t.cr_delete) }
        }
    };
    (status_of(failed), layout(ctx, &r.name, body)).into_response()
}

pub async fn edit_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    render_edit(&state, &ctx, CannedResponseId(id), None, None).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<CannedForm>,
) -> Response {
    let id = CannedResponseId(id);
    match canned::update(&state.app, &ctx.principal, id, &f.draft()).await {
        Ok(_) => Redirect::to("/settings/canned-responses?flash=canned_saved").into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => ctx_error(&ctx, e),
        Err(e) => {
            let errors = Errors::of(&ctx, tool_texts(ctx.lang), &e);
            render_edit(&state, &ctx, id, Some(&f), Some(errors)).await
        }
    }
}

pub async fn delete(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    match canned::delete(&state.app, &ctx.principal, CannedResponseId(id)).await {
        Ok(()) => Redirect::to("/settings/canned-responses?flash=canned_deleted").into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}

/// The responses for a conversation's picker (empty when they cannot be read: the picker
/// is a help, not worth failing the page for).
pub async fn for_picker(state: &AppState, p: &Principal) -> Vec<CannedRecord> {
    canned::list(&state.app, p).await.unwrap_or_default()
}

/// The picker on a conversation's page: a list of the responses (those of the
/// conversation's team first) and "Insert". With JavaScript the filled-in text goes into the
/// reply box at the cursor; without, the form opens the text on a page of its own.
pub fn picker(
    ctx: &Ctx,
    conversation: ConversationId,
    team: Option<TeamId>,
    all: &[CannedRecord],
) -> Markup {
    let t = tool_texts(ctx.lang);
    let mut sorted: Vec<&CannedRecord> = all.iter().collect();
    sorted.sort_by_key(|r| team.is_none() || r.team_id != team);
    html! {
        form class="canned-picker row card" method="get" action={ "/inbox/" (conversation) "/canned" }
            data-canned-picker={ "/api/v1/conversations/" (conversation) "/canned-responses/" } {
            label class="grow" { (t.cr_pick)
                select name="canned" required {
                    option value="" { (t.cr_pick_none) }
                    @for r in sorted {
                        option value=(r.id) data-shortcut=[r.shortcut.as_deref()] {
                            (r.name) @if let Some(s) = &r.shortcut { " (/" (s) ")" }
                        }
                    }
                }
            }
            div class="picker-actions" {
                button type="submit" class="secondary" { (t.cr_insert) }
                " " a class="small" href="/settings/canned-responses" { (t.cr_manage) }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct PickQuery {
    #[serde(default)]
    canned: String,
}

/// Without JavaScript: the chosen response filled in for the conversation, to copy.
pub async fn rendered_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<PickQuery>,
) -> Response {
    let t = tool_texts(ctx.lang);
    let back = format!("/inbox/{id}");
    let Ok(cid) = q.canned.trim().parse::<Uuid>() else {
        return Redirect::to(&back).into_response();
    };
    let rendered = canned::render(
        &state.app,
        &ctx.principal,
        ConversationId(id),
        CannedResponseId(cid),
    )
    .await;
    let (r, text) = match rendered {
        Ok(v) => v,
        Err(e) => return ctx_error(&ctx, e),
    };
    let body = html! {
        p class="small" { a href=(back) { "← " (t.cr_back) } }
        h1 { (t.cr_rendered_title) ": " (r.name) }
        section class="card stack" {
            label { (t.cr_rendered_hint)
                textarea id="canned-text" rows="10" readonly { (text) }
            }
        }
    };
    layout(&ctx, t.cr_rendered_title, body).into_response()
}
