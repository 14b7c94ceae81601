//! The mailbox settings' "Probar conexión" and "Leer ahora" (admins): a stored mailbox tested
//! or read from the list, the settings as typed tested from the form (a blank password is
//! the stored one). Each answers with the page again and the outcome on top, each side of
//! the test with the server's failure in plain words and its own words beside them.
use super::mailbox_form::{Errors, MailboxForm};
use super::mailboxes_pages::{render_edit, render_list};
use super::texts::texts;
use super::tools_texts::{tool_texts, transport_words, ToolTexts};
use crate::pages::{csrf_field, ctx_error, when, Ctx};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::conversations::checks::{self, ConnectionReport};
use vinculo_app::AppError;
use vinculo_channels::email_transport::TransportError;
use vinculo_domain::ids::MailChannelId;
use vinculo_store::mail_channels::MailChannelRecord;

/// A list row's buttons: test the stored settings, read now.
pub fn row_buttons(ctx: &Ctx, id: MailChannelId) -> Markup {
    let t = tool_texts(ctx.lang);
    html! {
        form class="inline" method="post" action={ "/settings/mailboxes/" (id) "/test?stored=1" } {
            (csrf_field(&ctx.csrf))
            button type="submit" class="secondary small" { (t.mb_test) }
        }
        form class="inline" method="post" action={ "/settings/mailboxes/" (id) "/read" } {
            (csrf_field(&ctx.csrf))
            button type="submit" class="secondary small" { (t.mb_read_now) }
        }
    }
}

/// When the mailbox was last read successfully, its last error, and "read now".
pub fn last_read(ctx: &Ctx, mb: &MailChannelRecord) -> Markup {
    let (t, it) = (tool_texts(ctx.lang), texts(ctx.lang));
    html! {
        p class="mailbox-state" {
            (t.mb_last_ok) ": "
            @match mb.last_fetch_at { Some(at) => (when(at)), None => span class="muted" { (it.mb_not_read) } }
            @if let Some(e) = &mb.last_error { br; span class="field-error" { (it.mb_last_error) ": " (e) } }
        }
        form method="post" action={ "/settings/mailboxes/" (mb.id) "/read" } {
            (csrf_field(&ctx.csrf))
            button type="submit" class="secondary" { (t.mb_read_now) }
        }
    }
}

fn side_failed(t: &ToolTexts, e: &TransportError) -> Markup {
    html! {
        span class="badge off" { (t.mb_test_failed) } " "
        span data-code=(e.code()) { (transport_words(t, e.code())) }
        br; span class="small muted" { (t.mb_server_says) ": " (e.to_string()) }
    }
}

/// A test's outcome, side by side.
fn report(ctx: &Ctx, r: &ConnectionReport, folder: &str) -> Markup {
    let t = tool_texts(ctx.lang);
    let it = texts(ctx.lang);
    html! {
        section class={ "card test-report " (if r.ok() { "ok" } else { "err" }) } role="status" id="test-report" {
            h2 { (t.mb_test_title) }
            dl class="facts" {
                dt { (it.mb_imap) }
                dd data-side="imap" {
                    @match &r.imap {
                        Ok(c) => { span class="badge ok" { (t.mb_test_ok) } " " (t.mb_test_imap_ok.replace("{folder}", folder).replace("{n}", &c.messages.to_string())) },
                        Err(e) => (side_failed(t, e)),
                    }
                }
                dt { (it.mb_smtp) }
                dd data-side="smtp" {
                    @match &r.smtp {
                        Ok(()) => { span class="badge ok" { (t.mb_test_ok) } " " (t.mb_test_smtp_ok) },
                        Err(e) => (side_failed(t, e)),
                    }
                }
            }
        }
    }
}

/// A read's outcome.
fn read_notice(ctx: &Ctx, outcome: &Result<usize, String>) -> Markup {
    let t = tool_texts(ctx.lang);
    html! {
        @match outcome {
            Ok(n) => div class="flash ok" role="status" id="read-report" { (t.mb_read_done.replace("{n}", &n.to_string())) },
            Err(why) => div class="flash err" role="alert" id="read-report" { (t.mb_read_failed.replace("{error}", why)) },
        }
    }
}

/// "Probar conexión" on the form of a new mailbox: the settings as typed.
pub async fn test_typed(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<MailboxForm>,
) -> Response {
    let (draft, _) = f.draft(false);
    match checks::test_draft(&state.app, &ctx.principal, None, &draft).await {
        Ok(r) => {
            let folder = draft.folder.clone().unwrap_or_else(|| "INBOX".into());
            let notice = report(&ctx, &r, &folder);
            render_list(&state, &ctx, &f, None, Some(notice)).await
        }
        Err(e @ AppError::Forbidden) => ctx_error(&ctx, e),
        Err(e) => {
            let errors = Errors::of(&ctx, texts(ctx.lang), &e);
            render_list(&state, &ctx, &f, Some(errors), None).await
        }
    }
}

#[derive(Deserialize)]
pub struct TestQuery {
    /// Set by the list's button: the stored settings, not a form's.
    #[serde(default)]
    stored: Option<String>,
}

/// "Probar conexión" on a stored mailbox: from the list, its stored settings; from its form,
/// the settings as typed (a blank password is the stored one).
pub async fn test_stored(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<TestQuery>,
    Form(f): Form<MailboxForm>,
) -> Response {
    let id = MailChannelId(id);
    let p = &ctx.principal;
    if q.stored.is_some() {
        let outcome = async {
            let mb = vinculo_app::conversations::mailboxes::get(&state.app, p, id).await?;
            Ok::<_, AppError>((checks::test_stored(&state.app, p, id).await?, mb.folder))
        }
        .await;
        return match outcome {
            Ok((r, folder)) => {
                let notice = report(&ctx, &r, &folder);
                render_list(&state, &ctx, &MailboxForm::default(), None, Some(notice)).await
            }
            Err(e) => ctx_error(&ctx, e),
        };
    }
    let (draft, _) = f.draft(true);
    match checks::test_draft(&state.app, p, Some(id), &draft).await {
        Ok(r) => {
            let folder = draft.folder.clone().unwrap_or_else(|| "INBOX".into());
            let notice = report(&ctx, &r, &folder);
            render_edit(&state, &ctx, id, Some(&f), None, Some(notice)).await
        }
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => ctx_error(&ctx, e),
        Err(e) => {
            let errors = Errors::of(&ctx, texts(ctx.lang), &e);
            render_edit(&state, &ctx, id, Some(&f), Some(errors), None).await
        }
    }
}

/// "Leer ahora": one read of what is new, its outcome above the list.
pub async fn read_now(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    let outcome = match checks::read_now(&state.app, &ctx.principal, MailChannelId(id)).await {
        Ok(n) => Ok(n),
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => return ctx_error(&ctx, e),
        Err(AppError::State(why)) => Err(why),
        Err(e) => Err(crate::pages::form_error(ctx.m, &e)),
    };
    let notice = read_notice(&ctx, &outcome);
    render_list(&state, &ctx, &MailboxForm::default(), None, Some(notice)).await
}
