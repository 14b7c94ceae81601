//! The page comparing customers side by side, a radio per field to choose whose value
//! stays; the merge itself, and undoing it. (The list of suggested duplicates is
//! `duplicates_pages`; the history of merges, and the undo on the survivor's page, is
//! `merge_history`.)
use super::parts::{form_page, stage_name};
use crate::i18n::Msg;
use crate::pages::{csrf_field, ctx_error, Ctx};
use crate::problems::{field_label, issue_text};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;
use vinculo_app::customers::{self, MergeCommand, UndoBlocked};
use vinculo_app::AppError;
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::customers::merge::MergeField;
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{CustomerId, MergeId};
use vinculo_store::customers::CustomerRecord;

/// An error as a page: what a person can act on is said; the rest is the usual error page.
fn problem(ctx: &Ctx, e: AppError) -> Response {
    let text = match &e {
        AppError::NotUndoable(why) if ctx.m.lang == "en" => why.to_string(),
        AppError::NotUndoable(why) => spanish(why),
        AppError::InvalidFields(issues) | AppError::NotFoundAt(issues) => issues
            .iter()
            .map(|i| issue_text(ctx.m, i))
            .collect::<Vec<_>>()
            .join(" · "),
        _ => return ctx_error(ctx, e),
    };
    let body = html! {
        h1 { (ctx.m.merge_title) }
        div class="flash err" role="alert" { (text) }
        p { a href="/customers/duplicates" { "← " (ctx.m.duplicates_title) } }
    };
    form_page(ctx, ctx.m.merge_title, body, true)
}

/// Why an undo was refused, in Spanish (English is the reason's own text).
fn spanish(why: &UndoBlocked) -> String {
    match why {
        UndoBlocked::AlreadyUndone => "esta fusión ya se deshizo".into(),
        UndoBlocked::Erased => {
            "se borró un cliente de esta fusión, y con él lo que la fusión guardaba".into()
        }
        UndoBlocked::SurvivorGone(id) => format!(
            "el cliente que se conservó ({id}) ya no existe: se fusionó después en otro \
             (deshaz antes esa fusión)"
        ),
        UndoBlocked::SurvivorChanged(id) => format!(
            "el cliente que se conservó ({id}) cambió después de la fusión; deshacerla perdería \
             ese cambio"
        ),
        UndoBlocked::KeyTaken { key, owner } => {
            format!("{key} es ahora del cliente {owner}; el cliente fusionado no puede recuperarlo")
        }
        UndoBlocked::LinkChanged(id) => format!(
            "la persona {id} ya no está vinculada a la empresa que se conservó; su vínculo cambió \
             después de la fusión"
        ),
    }
}

fn page_of(c: &CustomerRecord) -> String {
    super::pages::page_url(c)
}

#[derive(Deserialize)]
pub struct CompareQuery {
    /// Customer ids, comma separated; the first is proposed to stay.
    ids: String,
}

fn ids_of(raw: &str) -> Vec<CustomerId> {
    raw.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .fold(Vec::new(), |mut v, id| {
            if !v.contains(&id) {
                v.push(id);
            }
            v
        })
}

/// A field's value on a customer, as the comparison shows it.
fn shown(m: &Msg, c: &CustomerRecord, field: &str, defs: &[FieldDef]) -> String {
    let t = |v: &Option<String>| v.clone().unwrap_or_default();
    match field {
        "display_name" | "name" => c.display_name.clone(),
        "given_name" => t(&c.given_name),
        "family_name" => t(&c.family_name),
        "birthday" => c.birthday.map(|d| d.to_string()).unwrap_or_default(),
        "language" => t(&c.language),
        "timezone" => t(&c.timezone),
        "lifecycle_stage" => stage_name(m, &c.lifecycle_stage),
        "owner" => t(&c.owner),
        "notes" => t(&c.notes),
        "tax_id" => t(&c.tax_id),
        "industry" => t(&c.industry),
        "size" => t(&c.size),
        f => f
            .strip_prefix("custom_fields.")
            .filter(|k| defs.iter().any(|d| d.key == *k))
            .and_then(|k| c.custom.get(k))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .unwrap_or_default(),
    }
}

/// The lists a merge unites, per customer.
fn lists(m: &Msg, c: &CustomerRecord) -> Vec<(&'static str, String)> {
    let keys = |kind: KeyKind| {
        c.keys
            .iter()
            .filter(|k| k.kind == kind)
            .map(|k| k.display.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        (m.email, keys(KeyKind::Email)),
        (m.field_phone, keys(KeyKind::Phone)),
        (m.domains, keys(KeyKind::Domain)),
        (m.tags, c.tags.join(", ")),
        (
            m.address,
            c.addresses
                .iter()
                .map(|a| a.one_line())
                .collect::<Vec<_>>()
                .join(" · "),
        ),
        (
            m.organization,
            c.affiliations
                .iter()
                .map(|a| a.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]
}

/// The customers side by side, a radio per field.
pub async fn compare(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CompareQuery>,
) -> Response {
    let m = ctx.m;
    let mut all = Vec::new();
    for id in ids_of(&q.ids) {
        match customers::get(&state.app, &ctx.principal, id, None).await {
            Ok(c) => all.push(c),
            Err(e) => return ctx_error(&ctx, e),
        }
    }
    let Some(first) = all.first() else {
        return ctx_error(&ctx, AppError::NotFound("customer"));
    };
    let defs = customers::custom_fields(&state.app, &ctx.principal)
        .await
        .unwrap_or_default();
    let kind = first.kind;
    let mut fields: Vec<String> = MergeField::names(kind)
        .into_iter()
        .filter(|n| *n != "name")
        .map(str::to_owned)
        .collect();
    fields.extend(
        defs.iter()
            .filter(|d| d.applies_to.includes(kind))
            .map(|d| format!("custom_fields.{}", d.key)),
    );
    let label = |f: &str| match f {
        "display_name" => m.shown_as.to_owned(),
        "owner" => m.owner.to_owned(),
        f => f
            .strip_prefix("custom_fields.")
            .and_then(|k| defs.iter().find(|d| d.key == k))
            .map_or_else(|| field_label(m, f), |d| d.label.clone()),
    };
    let ids = all
        .iter()
        .map(|c| c.id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    // Others compare (to tell a lead what they found); admins and managers merge.
    let may_merge = customers::may_merge(&ctx.principal).is_ok();
    let body = html! {
        p { a href="/customers/duplicates" { "← " (m.duplicates_title) } }
        h1 { (m.merge_title) }
        p class="muted" { (m.merge_intro) }
        form method="post" action="/customers/merge" class="stack" {
            (csrf_field(&ctx.csrf))
            input type="hidden" name="ids" value=(ids);
            div class="table-wrap" {
                table class="compare" {
                    thead { tr {
                        th { (m.merge_stays) }
                        @for (i, c) in all.iter().enumerate() {
                            th { label class="check" {
                                input type="radio" name="survivor" value=(c.id) checked[i == 0];
                                " " a href=(page_of(c)) { (c.display_name) }
                            } }
                        }
                    } }
                    tbody {
                        @for f in &fields {
                            @let values: Vec<String> = all.iter().map(|c| shown(m, c, f, &defs)).collect();
                            @let chosen = values.iter().position(|v| !v.is_empty()).unwrap_or(0);
                            tr {
                                th scope="row" { (label(f)) }
                                @for (i, c) in all.iter().enumerate() {
                                    td { label class="check" {
                                        input type="radio" name={ "f." (f) } value=(c.id) checked[i == chosen];
                                        " " @if values[i].is_empty() { span class="muted" { "—" } } @else { (values[i]) }
                                    } }
                                }
                            }
                        }
                        @for (row, (name, _)) in lists(m, first).into_iter().enumerate() {
                            tr {
                                th scope="row" { (name) " " span class="muted small" { "(" (m.merge_united) ")" } }
                                @for c in &all { td { (lists(m, c)[row].1) } }
                            }
                        }
                    }
                }
            }
            @if may_merge {
                div { button type="submit" { (m.merge_button) } }
            } @else {
                p class="muted" role="note" { (m.merge_leads_only) }
            }
        }
    };
    form_page(&ctx, m.merge_title, body, false)
}

/// Merges as the comparison chose; the survivor's page shows the way back.
pub async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let value = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let Some(survivor) = value("survivor").and_then(|s| s.parse::<CustomerId>().ok()) else {
        return ctx_error(&ctx, AppError::NotFound("customer"));
    };
    let losers = ids_of(value("ids").unwrap_or_default())
        .into_iter()
        .filter(|id| *id != survivor)
        .collect();
    let fields: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(n, v)| Some((n.strip_prefix("f.")?.to_owned(), v.clone())))
        .collect();
    let cmd = MergeCommand {
        survivor,
        losers,
        fields,
    };
    match customers::merge(&state.app, &ctx.principal, cmd).await {
        Ok(rec) => {
            let c = customers::get(&state.app, &ctx.principal, survivor, None).await;
            let page = c
                .map(|c| page_of(&c))
                .unwrap_or_else(|_| format!("/customers/{survivor}"));
            Redirect::to(&format!("{page}?flash=merged&merge={}", rec.id)).into_response()
        }
        Err(e) => problem(&ctx, e),
    }
}

pub async fn undo(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    match customers::undo(&state.app, &ctx.principal, MergeId(id)).await {
        Ok(rec) => {
            let c = customers::get(&state.app, &ctx.principal, rec.survivor, None).await;
            let page = c
                .map(|c| page_of(&c))
                .unwrap_or_else(|_| "/customers".into());
            Redirect::to(&format!("{page}?flash=merge_undone")).into_response()
        }
        Err(e) => problem(&ctx, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_undo_says_why_in_spanish_too() {
        let owner = CustomerId::new();
        let why = UndoBlocked::KeyTaken {
            key: "email:ana@example.com".into(),
            owner,
        };
        assert_eq!(
            spanish(&why),
            format!("email:ana@example.com es ahora del cliente {owner}; el cliente fusionado no puede recuperarlo")
        );
        assert!(why
            .to_string()
            .starts_with("email:ana@example.com now belongs to"));
    }
}
