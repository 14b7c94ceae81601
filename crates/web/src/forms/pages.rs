//! `/settings/forms` (admins): the workspace's web forms with their addresses and how many
//! submissions each had; the builder that creates and changes one, with the hosted page's
//! address, the snippet to embed it, and a preview; deleting.
use super::builder::{Builder, Errors};
use super::builder_view::{render as builder, Page};
use super::render::{form as draw, snippet, Drawing};
use super::texts::{texts, Texts};
use crate::pages::{csrf_field, ctx_error, layout, Ctx};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use uuid::Uuid;
use vinculo_app::conversations::mailboxes;
use vinculo_app::{forms, teams, AppError};
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::forms::Outcome;
use vinculo_domain::ids::FormId;
use vinculo_store::forms::FormRecord;

fn styles() -> Markup {
    html! { link rel="stylesheet" href={ "/assets/forms.css?v=" (crate::pages::ASSET_VERSION) }; }
}

fn status_of(failed: bool) -> StatusCode {
    if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

fn outcome_text(t: &Texts, o: Outcome) -> &'static str {
    match o {
        Outcome::Record => t.outcome_record,
        Outcome::Lead => t.outcome_lead,
        Outcome::Conversation { .. } => t.outcome_conversation,
    }
}

/// `GET /settings/forms`.
pub async fn list_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let all = match forms::list(&state.app, &ctx.principal).await {
        Ok(all) => all,
        Err(e) => return ctx_error(&ctx, e),
    };
    let (m, t) = (ctx.m, texts(ctx.lang));
    let body = html! {
        (styles())
        h1 { (t.title) }
        p class="muted" { (t.intro) }
        p { a class="button" href="/settings/forms/new" { "+ " (t.new_form) } }
        @if all.is_empty() { p class="muted" { (t.none) } } @else {
            div class="table-wrap" {
                table class="stack-phone web-forms" {
                    thead { tr { th { (t.name) } th { (t.address) } th { (t.outcome) } th { (t.submissions) } th { (m.actions) } } }
                    tbody {
                        @for (r, n) in &all {
                            tr {
                                td data-label=(t.name) { (r.form.name) @if !r.form.enabled { " " span class="badge off" { (t.off) } } }
                                td data-label=(t.address) { a href={ "/f/" (r.form.slug) } { "/f/" (r.form.slug) } }
                                td data-label=(t.outcome) { (outcome_text(t, r.form.outcome)) }
                                td data-label=(t.submissions) { (n) }
                                td data-label=(m.actions) { a href={ "/settings/forms/" (r.id) } { (t.edit) } }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(&ctx, t.title, body).into_response()
}

/// What the builder's selects offer.
async fn choices(
    state: &AppState,
    ctx: &Ctx,
) -> Result<
    (
        Vec<FieldDef>,
        Vec<vinculo_store::teams::Team>,
        Vec<vinculo_store::mail_channels::MailChannelRecord>,
    ),
    AppError,
> {
    let p = &ctx.principal;
    Ok((
        vinculo_app::customers::custom_fields(&state.app, p).await?,
        teams::list(&state.app, p).await?,
        mailboxes::list(&state.app, p).await?,
    ))
}

async fn render_new(state: &AppState, ctx: &Ctx, b: &Builder, errors: Option<Errors>) -> Response {
    let (defs, teams, mailboxes) = match choices(state, ctx).await {
        Ok(c) => c,
        Err(e) => return ctx_error(ctx, e),
    };
    let t = texts(ctx.lang);
    let failed = errors.is_some();
    let errors = errors.unwrap_or_default();
    let page = Page {
        defs: &defs,
        teams: &teams,
        mailboxes: &mailboxes,
        action: "/settings/forms",
        editing: false,
    };
    let body = html! {
        (styles())
        p class="small" { a href="/settings/forms" { "← " (t.back) } }
        h1 { (t.new_form) }
        section class="card" { (builder(ctx, t, b, &errors, &page)) }
    };
    (status_of(failed), layout(ctx, t.new_form, body)).into_response()
}

/// `GET /settings/forms/new`.
pub async fn new_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(e) = ctx.principal.require(
        vinculo_domain::auth::Area::Workspace,
        vinculo_domain::auth::Access::Write,
    ) {
        return ctx_error(&ctx, e);
    }
    render_new(&state, &ctx, &Builder::starter(ctx.lang), None).await
}

/// `POST /settings/forms`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let b = Builder::parse(&pairs);
    let (draft, rows) = b.draft();
    match forms::create(&state.app, &ctx.principal, &draft).await {
        Ok(r) => {
            Redirect::to(&format!("/settings/forms/{}?flash=form_created", r.id)).into_response()
        }
        Err(AppError::Forbidden) => ctx_error(&ctx, AppError::Forbidden),
        Err(e) => {
            let errors = Errors::of(&ctx, texts(ctx.lang), &e, &rows);
            render_new(&state, &ctx, &b, Some(errors)).await
        }
    }
}

/// Where the form lives: the hosted page, the snippet, a preview.
fn publish(state: &AppState, t: &Texts, r: &FormRecord, defs: &[FieldDef]) -> Markup {
    let base = super::api::base(state);
    let hosted = format!("{base}/f/{}", r.form.slug);
    let action = format!("/f/{}", r.form.slug);
    html! {
        section class="card" aria-labelledby="hosted-h" {
            h2 id="hosted-h" { (t.hosted) }
            p { a href=(hosted) id="hosted-url" target="_blank" rel="noopener" { (hosted) } }
            p class="hint" { (t.hosted_hint) }
        }
        section class="card" aria-labelledby="embed-h" {
            h2 id="embed-h" { (t.embed) }
            p class="hint" { (t.embed_hint) }
            textarea class="embed-code" id="embed-code" rows="12" readonly spellcheck="false" aria-labelledby="embed-h" { (snippet(&r.form, defs, &base)) }
        }
        section class="card" aria-labelledby="preview-h" {
            h2 id="preview-h" { (t.preview) }
            div class="form-preview" lang=(r.form.language) inert {
                h3 { (r.form.name) }
                (draw(&Drawing { form: &r.form, defs, action: &action, values: None, errors: &[], submission_id: None, embed: false }))
            }
        }
    }
}

async fn render_edit(
    state: &AppState,
    ctx: &Ctx,
    id: FormId,
    typed: Option<&Builder>,
    errors: Option<Errors>,
) -> Response {
    let loaded = async {
        let r = forms::get(&state.app, &ctx.principal, id).await?;
        Ok::<_, AppError>((r, choices(state, ctx).await?))
    }
    .await;
    let (r, (defs, teams, mailboxes)) = match loaded {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let t = texts(ctx.lang);
    let b = typed.cloned().unwrap_or_else(|| Builder::of(&r.form));
    let failed = errors.is_some();
    let errors = errors.unwrap_or_default();
    let action = format!("/settings/forms/{id}");
    let page = Page {
        defs: &defs,
        teams: &teams,
        mailboxes: &mailboxes,
        action: &action,
        editing: true,
    };
    let body = html! {
        (styles())
        p class="small" { a href="/settings/forms" { "← " (t.back) } }
        h1 { (r.form.name) }
        (publish(state, t, &r, &defs))
        section class="card" { (builder(ctx, t, &b, &errors, &page)) }
        form method="post" action={ (action) "/delete" } {
            (csrf_field(&ctx.csrf))
            button type="submit" class="danger" data-confirm=(t.delete_confirm) { (t.delete) }
        }
    };
    (status_of(failed), layout(ctx, &r.form.name, body)).into_response()
}

/// `GET /settings/forms/{id}`.
pub async fn edit_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    render_edit(&state, &ctx, FormId(id), None, None).await
}

/// `POST /settings/forms/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let id = FormId(id);
    let b = Builder::parse(&pairs);
    let (draft, rows) = b.draft();
    match forms::update(&state.app, &ctx.principal, id, &draft).await {
        Ok(_) => Redirect::to(&format!("/settings/forms/{id}?flash=saved")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => ctx_error(&ctx, e),
        Err(e) => {
            let errors = Errors::of(&ctx, texts(ctx.lang), &e, &rows);
            render_edit(&state, &ctx, id, Some(&b), Some(errors)).await
        }
    }
}

/// `POST /settings/forms/{id}/delete`.
pub async fn delete(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    match forms::delete(&state.app, &ctx.principal, FormId(id)).await {
        Ok(()) => Redirect::to("/settings/forms?flash=form_deleted").into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}

const BUILDER_JS: &str = include_str!("../assets/form-builder.js");

/// `/assets/form-builder.js`.
pub async fn builder_js() -> impl IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        BUILDER_JS,
    )
}
