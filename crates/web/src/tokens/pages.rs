//! `/settings/tokens`: creating a token (its secret shown once, with a copy button), the
//! list with last use, and revoking.
use crate::pages::{csrf_field, ctx_error, form_error_with, layout, when, Ctx};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::{tokens, users, AppError};
use vinculo_domain::ids::{TokenId, UserId};

#[derive(Default)]
struct Notice {
    error: Option<String>,
    secret: Option<String>,
}

async fn render(state: &AppState, ctx: &Ctx, notice: Notice) -> Response {
    let m = ctx.m;
    let p = &ctx.principal;
    let data = async {
        let list = tokens::list(&state.app, p).await?;
        let members = users::list(&state.app, p, None, None, 200).await?.items;
        Ok::<_, AppError>((list, members))
    }
    .await;
    let (list, members) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let name_of = |id: UserId| {
        members
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    let body = html! {
        h1 { (m.tokens_title) }
        p class="muted" { (m.tokens_intro) }
        @if let Some(e) = &notice.error { div class="flash err" role="alert" { (e) } }
        @if let Some(secret) = &notice.secret {
            div class="flash warn" role="status" {
                p { strong { (m.token_created) } }
                div class="secret" { code id="new-token" { (secret) } button type="button" class="secondary small" data-copy="new-token" data-copied=(m.copied) hidden { (m.copy) } }
            }
        }
        section class="card" {
            h2 { (m.token_new) }
            form class="stack" method="post" action="/settings/tokens" {
                (csrf_field(&ctx.csrf))
                div class="row" {
                    label { (m.name) input type="text" name="name" required maxlength="80" placeholder="erp-sync"; }
                    label { (m.token_acts_as)
                        select name="user_id" {
                            @for u in members.iter().filter(|u| !u.disabled) { option value=(u.id) selected[u.id == p.user_id] { (u.name) " · " (u.email) } }
                        }
                    }
                }
                label { (m.token_scopes) span class="hint" { (m.token_scopes_hint) } input type="text" name="scopes" value="read" required list="scope-suggestions"; }
                datalist id="scope-suggestions" { option value="read"; option value="write"; option value="read,write"; option value="customers:read"; option value="customers:write"; }
                div { button type="submit" { (m.token_create) } }
            }
        }
        @if list.is_empty() { p class="muted" { (m.none_yet) } } @else {
            div class="table-wrap" {
                table class="stack-phone" {
                    thead { tr { th { (m.name) } th { (m.token_prefix) } th { (m.token_scopes) } th { (m.token_acts_as) } th { (m.created) } th { (m.token_last_used) } th { (m.status) } } }
                    tbody {
                        @for t in &list {
                            tr {
                                td data-label=(m.name) { (t.name) } td data-label=(m.token_prefix) { code { (t.prefix) "…" } } td data-label=(m.token_scopes) { (t.scopes) } td data-label=(m.token_acts_as) { (name_of(t.user_id)) }
                                td data-label=(m.created) { (when(t.created_at)) }
                                td data-label=(m.token_last_used) { @if let Some(u) = t.last_used_at { (when(u)) } @else { span class="muted" { (m.never) } } }
                                td data-label=(m.status) {
                                    @if let Some(r) = t.revoked_at { span class="badge off" title=(when(r)) { (m.revoked) } } @else {
                                        form method="post" action={ "/settings/tokens/" (t.id) "/revoke" } {
                                            (csrf_field(&ctx.csrf))
                                            button type="submit" class="danger small" data-confirm=(format!("{} {}?", m.token_revoke, t.name)) { (m.token_revoke) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let status = if notice.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    (status, layout(ctx, m.tokens_title, body)).into_response()
}

pub async fn tokens_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(e) = ctx.principal.require(
        vinculo_domain::auth::Area::Tokens,
        vinculo_domain::auth::Access::Read,
    ) {
        return ctx_error(&ctx, e);
    }
    render(&state, &ctx, Notice::default()).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    scopes: String,
    user_id: Option<Uuid>,
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<TokenForm>) -> Response {
    match tokens::create(
        &state.app,
        &ctx.principal,
        &f.name,
        &f.scopes,
        f.user_id.map(UserId),
    )
    .await
    {
        Ok(created) => {
            render(
                &state,
                &ctx,
                Notice {
                    secret: Some(created.secret),
                    ..Notice::default()
                },
            )
            .await
        }
        Err(AppError::Forbidden) => ctx_error(&ctx, AppError::Forbidden),
        Err(e) => {
            render(
                &state,
                &ctx,
                Notice {
                    error: Some(form_error_with(
                        ctx.m,
                        &e,
                        &[("name", ctx.m.err_token_name)],
                    )),
                    ..Notice::default()
                },
            )
            .await
        }
    }
}

pub async fn revoke(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    match tokens::revoke(&state.app, &ctx.principal, TokenId(id)).await {
        Ok(()) => Redirect::to("/settings/tokens?flash=token_revoked").into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}
