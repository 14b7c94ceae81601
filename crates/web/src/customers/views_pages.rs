//! Saved views on the list pages: a bar of the user's and the shared views above the list,
//! and a small form to save the filters and order in use under a name.
use crate::pages::{csrf_field, ctx_error, Ctx};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::customers;
use vinculo_domain::auth::Role;
use vinculo_store::customers::SavedView;

/// Where a list lives.
fn list_path(list: &str) -> &'static str {
    match list {
        "organizations" => "/organizations",
        _ => "/customers",
    }
}

/// The views bar: "All", each view (the one in use marked), and the save form. `query` is
/// the list's current query string without the cursor.
pub(super) fn views_bar(ctx: &Ctx, list: &str, views: &[SavedView], query: &str) -> Markup {
    let m = ctx.m;
    let path = list_path(list);
    let may_share = matches!(ctx.principal.role, Role::Admin | Role::Manager);
    let me = ctx.principal.user_id.0;
    html! {
        nav class="views row" aria-label=(m.views) {
            a class="badge" href=(path) aria-current=[query.is_empty().then_some("page")] { (m.view_all) }
            @for v in views {
                span class="view" {
                    a class="badge" href={ (path) "?" (v.query) } aria-current=[(v.query == query).then_some("page")] {
                        (v.name) @if v.shared { " ⇄" }
                    }
                    @if v.user_id == me || (v.shared && may_share) {
                        form method="post" action={ "/views/" (v.id) "/delete" } class="inline" {
                            (csrf_field(&ctx.csrf))
                            input type="hidden" name="list" value=(list);
                            button type="submit" class="link" aria-label={ (m.view_delete) ": " (v.name) } title=(m.view_delete) { "×" }
                        }
                    }
                }
            }
            @if !query.is_empty() && !views.iter().any(|v| v.query == query) {
                details class="dropdown save-view" {
                    summary { (m.view_save) }
                    form class="stack dropdown-body" method="post" action="/views" {
                        (csrf_field(&ctx.csrf))
                        input type="hidden" name="list" value=(list);
                        input type="hidden" name="query" value=(query);
                        label { (m.view_name) input type="text" name="name" maxlength="80" required; }
                        @if may_share { label class="check" { input type="checkbox" name="shared" value="true"; (m.view_shared) } }
                        button type="submit" { (m.save) }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct SaveForm {
    list: String,
    name: String,
    query: String,
    shared: Option<String>,
}

pub async fn save(State(state): State<AppState>, ctx: Ctx, Form(f): Form<SaveForm>) -> Response {
    let shared = f.shared.is_some();
    match customers::save_view(
        &state.app,
        &ctx.principal,
        &f.list,
        &f.name,
        &f.query,
        shared,
    )
    .await
    {
        Ok(v) => Redirect::to(&format!("{}?{}", list_path(&v.list), v.query)).into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    list: String,
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<DeleteForm>,
) -> Response {
    match customers::delete_view(&state.app, &ctx.principal, id).await {
        Ok(()) => Redirect::to(list_path(&f.list)).into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}
