//! Finding a merge again: `/customers/merges` lists the workspace's merges newest first (or
//! one customer's, `?customer=ID`), each with who merged whom into whom and when, whether it
//! was undone, and the undo button while it can be; and the survivor's page keeps its latest
//! merge's undo in reach (prominent right after the merge, a quiet line later).
use crate::pages::{csrf_field, ctx_error, layout, when, Ctx};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::customers;
use vinculo_domain::ids::{CustomerId, MergeId};
use vinculo_store::merges::MergeRecord;
use vinculo_store::Cursor;

/// Merges a page shows.
const PER_PAGE: u64 = 50;

#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    customer: Option<Uuid>,
    before: Option<String>,
}

/// `GET /customers/merges`: the history.
pub async fn history(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HistoryQuery>,
) -> Response {
    let m = ctx.m;
    let p = &ctx.principal;
    let before = q.before.as_deref().and_then(Cursor::decode);
    let customer = q.customer.map(CustomerId);
    let page =
        match customers::merge_history(&state.app, p, customer, before.as_ref(), PER_PAGE).await {
            Ok(page) => page,
            Err(e) => return ctx_error(&ctx, e),
        };
    let of = match customer {
        Some(c) => customers::get(&state.app, p, c, None).await.ok(),
        None => None,
    };
    let may_undo = customers::may_merge(p).is_ok();
    let mut rows = Vec::new();
    for rec in &page.items {
        rows.push(row(&state, &ctx, rec, may_undo).await);
    }
    let next = page.next.map(|c| {
        let mut url = format!("/customers/merges?before={}", c.encode());
        if let Some(c) = customer {
            url.push_str(&format!("&customer={c}"));
        }
        url
    });
    let body = html! {
        div class="row spread" {
            h1 { (m.merges_title) }
            a href="/customers/duplicates" { (m.duplicates_title) }
        }
        @if let Some(c) = &of {
            p { (m.merges_of) " " a href=(super::pages::page_url(c)) { (c.display_name) }
                " · " a href="/customers/merges" { (m.merges_all) } }
        }
        @if rows.is_empty() { p class="muted" { (m.merges_none) } }
        ul class="plain merges stack" aria-label=(m.merges_title) {
            @for r in &rows { (r) }
        }
        @if let Some(url) = next {
            p { a href=(url) rel="next" { (m.more_results) } }
        }
    };
    layout(&ctx, m.merges_title, body).into_response()
}

/// The name of a customer of the record, linked to their page; an erased or merged-away one
/// by its id.
async fn named(state: &AppState, ctx: &Ctx, id: CustomerId) -> Markup {
    match customers::get(&state.app, &ctx.principal, id, None).await {
        Ok(c) => html! { a href=(super::pages::page_url(&c)) { (c.display_name) } },
        Err(_) => html! { span class="muted" title=(id) { (ctx.m.merges_gone) } },
    }
}

/// One merge: when and by whom, whom into whom, its state, and the undo while it can be.
async fn row(state: &AppState, ctx: &Ctx, rec: &MergeRecord, may_undo: bool) -> Markup {
    let m = ctx.m;
    let survivor = named(state, ctx, rec.survivor).await;
    // Merged away, they are known by the names the merge kept; undone, they are back; in an
    // erased merge nobody's data is left to show.
    let mut losers = Vec::new();
    match rec.status.as_str() {
        "undone" => {
            for l in &rec.losers {
                losers.push(named(state, ctx, *l).await);
            }
        }
        "merged" => {
            let names = customers::merged_away_names(&state.app, &ctx.principal, rec.id)
                .await
                .unwrap_or_default();
            losers.extend(names.iter().map(|n| html! { strong { (n) } }));
        }
        _ => {}
    }
    let n = rec.losers.len().to_string();
    html! {
        li class="card stack" data-status=(rec.status) {
            p {
                @if losers.is_empty() {
                    (m.merges_into.replace("{n}", &n)) " " (survivor)
                } @else {
                    @for (i, l) in losers.iter().enumerate() { @if i > 0 { ", " } (l) }
                    " → " (survivor)
                }
            }
            p class="muted small" { (when(rec.merged_at)) " · " (rec.merged_by) }
            @match rec.status.as_str() {
                "merged" => {
                    @if may_undo {
                        form method="post" action={ "/merges/" (rec.id) "/undo" } {
                            (csrf_field(&ctx.csrf))
                            button type="submit" class="secondary" { (m.undo_merge) }
                        }
                    }
                }
                "undone" => {
                    p class="small" {
                        (m.merges_undone) " "
                        @if let Some(at) = rec.undone_at { (when(at)) }
                        @if let Some(by) = &rec.undone_by { " · " (by) }
                    }
                }
                _ => { p class="small muted" { (m.merges_erased) } }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct MergedQuery {
    merge: Option<Uuid>,
}

/// On a survivor's page, for those who may undo: right after a merge (`?merge=ID`), how many
/// were merged in and the undo button; later, a quiet line with the latest merge into it, its
/// undo, and the way to its history.
pub async fn banner(
    state: &AppState,
    ctx: &Ctx,
    survivor: CustomerId,
    q: &MergedQuery,
) -> Option<Markup> {
    if customers::may_merge(&ctx.principal).is_err() {
        return None;
    }
    let just = q.merge.is_some();
    let rec = match q.merge {
        Some(id) => customers::get_merge(&state.app, &ctx.principal, MergeId(id))
            .await
            .ok()?,
        None => customers::latest_merge_into(&state.app, &ctx.principal, survivor)
            .await
            .ok()??,
    };
    if rec.survivor != survivor || rec.status != "merged" {
        return None;
    }
    let n = rec.losers.len().to_string();
    let m = ctx.m;
    Some(html! {
        @if just {
            form class="card row merged-banner" method="post" action={ "/merges/" (rec.id) "/undo" } {
                (csrf_field(&ctx.csrf))
                span { (m.merged_into_this.replace("{n}", &n)) }
                button type="submit" class="secondary" { (m.undo_merge) }
            }
        } @else {
            form class="merged-banner muted small" method="post" action={ "/merges/" (rec.id) "/undo" } {
                (csrf_field(&ctx.csrf))
                (m.merged_into_this.replace("{n}", &n)) " · " (when(rec.merged_at)) " · "
                button type="submit" class="link" { (m.undo_merge) }
                " · " a href={ "/customers/merges?customer=" (survivor) } { (m.merges_title) }
            }
        }
    })
}
