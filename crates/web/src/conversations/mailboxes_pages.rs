//! `/settings/mailboxes` (admins): the connected mailboxes with when each was last read and
//! its last error, the form that connects one, editing and disconnecting.
use super::mailbox_form::{render as form, Errors, MailboxForm};
use super::texts::{texts, Texts};
use crate::pages::{csrf_field, ctx_error, layout, when, Ctx};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use uuid::Uuid;
use vinculo_app::conversations::mailboxes;
use vinculo_app::{teams, AppError};
use vinculo_domain::ids::MailChannelId;
use vinculo_store::mail_channels::{MailChannelRecord, StoredServer};

fn server(t: &Texts, s: &StoredServer) -> String {
    let security = match s.security.as_str() {
        "tls" => t.sec_tls,
        "starttls" => t.sec_starttls,
        _ => t.sec_none,
    };
    format!("{}:{} · {security}", s.host, s.port)
}

fn status_of(failed: bool) -> StatusCode {
    if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// The list; `notice` (a test's or a read's outcome) shown above it.
pub(super) async fn render_list(
    state: &AppState,
    ctx: &Ctx,
    f: &MailboxForm,
    errors: Option<Errors>,
    notice: Option<maud::Markup>,
) -> Response {
    let p = &ctx.principal;
    let data = async {
        let all = mailboxes::list(&state.app, p).await?;
        Ok::<_, AppError>((all, teams::list(&state.app, p).await?))
    }
    .await;
    let (all, teams) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let (m, t) = (ctx.m, texts(ctx.lang));
    let failed = errors.is_some();
    let errors = errors.unwrap_or_default();
    let body = html! {
        h1 { (t.mb_title) }
        p class="muted" { (t.mb_intro) }
        @if let Some(n) = &notice { (n) }
        @if all.is_empty() { p class="muted" { (t.mb_none) } } @else {
            div class="table-wrap" {
                table class="stack-phone mailboxes" {
                    thead { tr { th { (m.name) } th { (t.mb_address) } th { (t.mb_servers) } th { (t.mb_last_read) } th { (m.actions) } } }
                    tbody { @for mb in &all { (row(ctx, t, mb)) } }
                }
            }
        }
        // Folded once there are mailboxes: connecting another is the rarer task.
        details class="card connect" id="connect" open[all.is_empty() || failed] {
            summary { h2 { (t.mb_new) } }
            (form(ctx, t, f, &errors, &teams, "/settings/mailboxes", false))
        }
    };
    (status_of(failed), layout(ctx, t.mb_title, body)).into_response()
}

fn row(ctx: &Ctx, t: &Texts, mb: &MailChannelRecord) -> maud::Markup {
    let m = ctx.m;
    html! {
        tr {
            td data-label=(m.name) { (mb.name) @if !mb.enabled { " " span class="badge off" { (m.disabled) } } }
            td data-label=(t.mb_address) { (mb.address) }
            td data-label=(t.mb_servers) class="small" {
                "IMAP " (server(t, &mb.imap)) br; "SMTP " (server(t, &mb.smtp))
            }
            td data-label=(t.mb_last_read) {
                @match mb.last_fetch_at { Some(at) => (when(at)), None => span class="muted" { (t.mb_not_read) } }
                @if let Some(e) = &mb.last_error {
                    br; span class="field-error" { (t.mb_last_error) ": " (e) }
                }
            }
            td data-label=(m.actions) {
                a href={ "/settings/mailboxes/" (mb.id) } { (t.mb_edit) }
                (super::mailbox_checks::row_buttons(ctx, mb.id))
            }
        }
    }
}

pub async fn list_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    render_list(&state, &ctx, &MailboxForm::default(), None, None).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<MailboxForm>,
) -> Response {
    let (draft, team) = f.draft(false);
    match mailboxes::create(&state.app, &ctx.principal, &draft, team).await {
        Ok(_) => Redirect::to("/settings/mailboxes?flash=mailbox_connected").into_response(),
        Err(AppError::Forbidden) => ctx_error(&ctx, AppError::Forbidden),
        Err(e) => {
            let errors = Errors::of(&ctx, texts(ctx.lang), &e);
            render_list(&state, &ctx, &f, Some(errors), None).await
        }
    }
}

/// A mailbox's form; `notice` (a test's outcome) shown above it.
pub(super) async fn render_edit(
    state: &AppState,
    ctx: &Ctx,
    id: MailChannelId,
    typed: Option<&MailboxForm>,
    errors: Option<Errors>,
    notice: Option<maud::Markup>,
) -> Response {
    let p = &ctx.principal;
    let data = async {
        let mb = mailboxes::get(&state.app, p, id).await?;
        Ok::<_, AppError>((mb, teams::list(&state.app, p).await?))
    }
    .await;
    let (mb, teams) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let t = texts(ctx.lang);
    let f = typed.cloned().unwrap_or_else(|| MailboxForm::of(&mb));
    let failed = errors.is_some();
    let errors = errors.unwrap_or_default();
    let action = format!("/settings/mailboxes/{id}");
    let body = html! {
        p class="small" { a href="/settings/mailboxes" { "← " (t.mb_title) } }
        h1 { (mb.name) }
        @if let Some(n) = &notice { (n) }
        (super::mailbox_checks::last_read(ctx, &mb))
        section class="card" { (form(ctx, t, &f, &errors, &teams, &action, true)) }
        form method="post" action={ (action) "/delete" } {
            (csrf_field(&ctx.csrf))
            button type="submit" class="danger" data-confirm=(t.mb_delete_confirm) { (t.mb_delete) }
        }
    };
    (status_of(failed), layout(ctx, &mb.name, body)).into_response()
}

pub async fn edit_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    render_edit(&state, &ctx, MailChannelId(id), None, None, None).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<MailboxForm>,
) -> Response {
    let id = MailChannelId(id);
    let (draft, team) = f.draft(true);
    match mailboxes::update(&state.app, &ctx.principal, id, &draft, team).await {
        Ok(_) => Redirect::to("/settings/mailboxes?flash=saved").into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => ctx_error(&ctx, e),
        Err(e) => {
            let errors = Errors::of(&ctx, texts(ctx.lang), &e);
            render_edit(&state, &ctx, id, Some(&f), Some(errors), None).await
        }
    }
}

pub async fn delete(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    match mailboxes::delete(&state.app, &ctx.principal, MailChannelId(id)).await {
        Ok(()) => Redirect::to("/settings/mailboxes?flash=mailbox_deleted").into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}
