//! `/settings/audit`: the audit log with filters and "older entries" paging.
use crate::audit::api::AuditParams;
use crate::audit::texts::{entity_name, ENTITY_TYPES};
use crate::pages::{ctx_error, layout, when, Ctx};
use crate::state::AppState;
use crate::users::api::parse_cursor;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use vinculo_app::{audit, AppError};
use vinculo_domain::audit::{AuditAction, ChangeSet};
use vinculo_store::Cursor;

/// What a person recognises an entity by: its name or e-mail when the change carries one, a
/// reply's recipient, an import's file.
fn entity_label(e: &vinculo_store::audit::AuditEntry) -> String {
    ["name", "email", "to", "file"]
        .iter()
        .find_map(|f| {
            e.changes
                .0
                .get(*f)
                .and_then(|c| c.after.as_ref().or(c.before.as_ref()))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| e.entity_id.clone())
}

fn show_value(v: &Option<serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => "∅".into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn changes(c: &ChangeSet) -> Markup {
    html! {
        ul class="changes" {
            @for (field, ch) in &c.0 {
                li { strong { (field) } ": " @if ch.before.is_some() { del { (show_value(&ch.before)) } " → " } ins { (show_value(&ch.after)) } }
            }
        }
    }
}

pub async fn audit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditParams>,
) -> Response {
    let m = ctx.m;
    let page = async {
        let filter = q.filter().map_err(|e| AppError::Invalid {
            field: "filter",
            message: e.detail,
        })?;
        let cursor = parse_cursor(q.cursor.as_deref()).map_err(|e| AppError::Invalid {
            field: "cursor",
            message: e.detail,
        })?;
        audit::list(
            &state.app,
            &ctx.principal,
            &filter,
            cursor,
            q.limit.unwrap_or(50),
        )
        .await
    }
    .await;
    let (page, error) = match page {
        Ok(p) => (Some(p), None),
        Err(AppError::Invalid { message, .. }) => (None, Some(message)),
        Err(e) => return ctx_error(&ctx, e),
    };
    let action_text = |a: AuditAction| match a {
        AuditAction::Create => m.action_create,
        AuditAction::Update => m.action_update,
        AuditAction::Delete => m.action_delete,
    };
    let mut next_query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("entity_type", &q.entity_type),
        ("action", &q.action),
        ("since", &q.since),
        ("until", &q.until),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            next_query.append_pair(k, v);
        }
    }
    let base_query = next_query.finish();
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let body = html! {
        h1 { (m.audit_title) }
        form class="row card" method="get" action="/settings/audit" {
            label { (m.audit_entity)
                select name="entity_type" {
                    option value="" { (m.audit_any) }
                    @for t in ENTITY_TYPES { option value=(t) selected[sel(&q.entity_type, t)] { (entity_name(m, t)) } }
                }
            }
            label { (m.audit_action)
                select name="action" {
                    option value="" { (m.audit_any) }
                    @for a in [AuditAction::Create, AuditAction::Update, AuditAction::Delete] { option value=(a.as_str()) selected[sel(&q.action, a.as_str())] { (action_text(a)) } }
                }
            }
            label { (m.audit_since) input type="date" name="since" value=[q.since.as_deref()]; }
            label { (m.audit_until) input type="date" name="until" value=[q.until.as_deref()]; }
            button type="submit" class="secondary" { (m.audit_filter) }
        }
        @if let Some(e) = &error { div class="flash err" role="alert" { (e) } }
        @if let Some(page) = &page {
            @if page.items.is_empty() { p class="muted" { (m.none_yet) } } @else {
                div class="table-wrap" {
                    table class="stack-phone" {
                        thead { tr { th { (m.audit_when) } th { (m.audit_who) } th { (m.audit_what) } th { (m.audit_changes) } } }
                        tbody {
                            @for e in &page.items {
                                tr {
                                    td data-label=(m.audit_when) { (when(e.at)) }
                                    td data-label=(m.audit_who) { (e.actor_label) }
                                    td data-label=(m.audit_what) { (action_text(e.action)) " " (entity_name(m, &e.entity_type)) br; span class="muted small" { (entity_label(e)) } }
                                    td data-label=(m.audit_changes) { (changes(&e.changes)) }
                                }
                            }
                        }
                    }
                }
                p class="row" {
                    @if q.cursor.is_some() { a href={ "/settings/audit?" (base_query) } { (m.audit_newest) } }
                    @if let Some(next) = page.next.clone() {
                        a href={ "/settings/audit?" (base_query) @if !base_query.is_empty() { "&" } "cursor=" (Cursor::encode(next)) } { (m.audit_older) " →" }
                    }
                }
            }
        }
    };
    layout(&ctx, m.audit_title, body).into_response()
}
