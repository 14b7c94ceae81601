//! `/customers/duplicates`: the open suggestions that two customers are one, each with why
//! (the keys seen together, or the duplicate finder's score and its evidence field by field,
//! in the reader's language), a way to compare and merge them or to say they are not the
//! same; and, for admins and managers, a button that runs the duplicate finder now.
use crate::i18n::Msg;
use crate::pages::{csrf_field, ctx_error, layout, when, Ctx};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::customers::{self, duplicates};
use vinculo_app::AppError;
use vinculo_domain::auth::{Access, Area, Role};
use vinculo_domain::ids::SuggestionId;

/// What the page says after a scan (carried in the redirect's query).
#[derive(Deserialize, Default)]
pub struct ScanShown {
    suggested: Option<u64>,
    merged: Option<u64>,
}

/// Whether the user may run the duplicate finder (as `duplicates::scan` decides).
fn may_scan(ctx: &Ctx) -> bool {
    let p = &ctx.principal;
    p.can(Area::Customers, Access::Write) && matches!(p.role, Role::Admin | Role::Manager)
}

/// The open suggestions, each with the two customers, why, and a way to compare them.
pub async fn duplicates(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(shown): Query<ScanShown>,
) -> Response {
    let m = ctx.m;
    let p = &ctx.principal;
    let page = match vinculo_app::interactions::merge_suggestions(&state.app, p, None, 100).await {
        Ok(page) => page,
        Err(e) => return ctx_error(&ctx, e),
    };
    let mut rows = Vec::new();
    for s in page.items {
        let a = customers::get(&state.app, p, s.customer_a, None).await;
        let b = customers::get(&state.app, p, s.customer_b, None).await;
        if let (Ok(a), Ok(b)) = (a, b) {
            rows.push((s, a, b));
        }
    }
    let body = html! {
        div class="row spread" {
            h1 { (m.duplicates_title) }
            div class="row" {
                a href="/customers/merges" { (m.merges_title) }
                @if may_scan(&ctx) {
                    form method="post" action="/customers/duplicates/scan" {
                        (csrf_field(&ctx.csrf))
                        button type="submit" class="secondary" { (m.dup_scan) }
                    }
                }
            }
        }
        @if let Some(n) = shown.suggested {
            div class="flash ok" role="status" {
                (m.dup_scanned.replace("{n}", &n.to_string()))
                @if let Some(merged) = shown.merged.filter(|n| *n > 0) {
                    " " (m.dup_auto_merged.replace("{n}", &merged.to_string()))
                }
            }
        }
        @if rows.is_empty() { p class="muted" { (m.duplicates_none) } }
        @for (s, a, b) in &rows {
            div class="card stack" {
                p {
                    a href=(super::pages::page_url(a)) { (a.display_name) } " · " a href=(super::pages::page_url(b)) { (b.display_name) }
                }
                p class="muted small" {
                    @if s.reason == "duplicate_score" { (m.dup_score) } @else { (m.dup_shared) }
                    @if let Some(score) = s.score.or_else(|| s.evidence.get("score").and_then(|v| v.as_f64())) {
                        " · " (percent(score))
                    }
                    " · " (when(s.created_at))
                }
                @if let Some(keys) = s.evidence.get("keys").and_then(|k| k.as_array()) {
                    p class="small" { (m.dup_evidence) ": "
                        @for (i, k) in keys.iter().enumerate() {
                            @if i > 0 { ", " } (k.as_str().unwrap_or_default())
                        }
                    }
                }
                @if let Some(items) = s.evidence.get("evidence").and_then(|e| e.as_array()) {
                    ul class="evidence small" aria-label=(m.dup_evidence) {
                        @for e in items { (evidence(m, e)) }
                    }
                }
                div class="row actions" {
                    a class="button" href={ "/customers/merge?ids=" (a.id) "," (b.id) } { (m.compare) }
                    form method="post" action={ "/customers/duplicates/" (s.id) "/dismiss" } {
                        (csrf_field(&ctx.csrf))
                        button type="submit" class="secondary" { (m.not_the_same) }
                    }
                }
            }
        }
    };
    layout(&ctx, m.duplicates_title, body).into_response()
}

/// `0.987` → `98.7 %` (never a rounded-up `100 %`: the finder is never certain).
fn percent(p: f64) -> String {
    let tenths = (p.clamp(0.0, 1.0) * 1000.0).floor() / 10.0;
    format!("{tenths:.1} %")
}

/// One field's part in a score: ✓ for, ✗ against, the field, how alike, and both values.
fn evidence(m: &Msg, e: &serde_json::Value) -> Markup {
    let text = |k: &str| e.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    let weight = e.get("weight").and_then(|w| w.as_f64()).unwrap_or(0.0);
    let field = match text("field") {
        "given_name" => m.ev_given_name,
        "family_name" => m.ev_family_name,
        "email" => m.ev_email,
        "phone" => m.ev_phone,
        "address" => m.ev_address,
        "birthday" => m.ev_birthday,
        "organisation" => m.ev_organisation,
        other => return html! { li { (other) } },
    };
    let level = match text("level") {
        "exact" => m.ev_exact,
        "similar" => m.ev_similar,
        "partial" => m.ev_partial,
        "swapped" => m.ev_swapped,
        "same_local_part" => m.ev_same_local_part,
        "similar_local_part" => m.ev_similar_local_part,
        "same_address" => m.ev_same_address,
        "same_postcode" => m.ev_same_postcode,
        "near" => m.ev_near,
        _ => m.ev_different,
    };
    let (mark, class) = if weight >= 0.0 {
        ("✓", "ev-for")
    } else {
        ("✗", "ev-against")
    };
    let (a, b) = (text("a_value"), text("b_value"));
    html! {
        li class=(class) {
            span aria-hidden="true" { (mark) " " }
            strong { (field) } ": " (level)
            @if !a.is_empty() || !b.is_empty() {
                " — " (a) @if a != b && !b.is_empty() { " / " (b) }
            }
        }
    }
}

/// `POST /customers/duplicates/{id}/dismiss`: "not the same person".
pub async fn dismiss(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    let done =
        vinculo_app::interactions::dismiss_suggestion(&state.app, &ctx.principal, SuggestionId(id));
    match done.await {
        Ok(()) | Err(AppError::State(_)) => {
            Redirect::to("/customers/duplicates?flash=saved").into_response()
        }
        Err(e) => ctx_error(&ctx, e),
    }
}

/// `POST /customers/duplicates/scan`: runs the duplicate finder now, then shows the list
/// with how many suggestions it raised (and merged, above the auto-merge threshold).
pub async fn scan(State(state): State<AppState>, ctx: Ctx) -> Response {
    match duplicates::scan(&state.app, &ctx.principal).await {
        Ok(r) => Redirect::to(&format!(
            "/customers/duplicates?suggested={}&merged={}",
            r.suggested, r.auto_merged
        ))
        .into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}
