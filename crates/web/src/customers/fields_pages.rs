//! `/settings/custom-fields`: the workspace's custom fields — the list, a form to add one,
//! and each field's page to rename it, change its choices or delete it.
use super::parts::form_page;
use crate::i18n::Msg;
use crate::pages::{csrf_field, ctx_error, form_error, Ctx};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;
use vinculo_app::customers::{self, FieldChange};
use vinculo_app::AppError;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::custom::{AppliesTo, FieldDef, FieldDefDraft, FieldType};

pub(super) fn type_name(m: &Msg, t: FieldType) -> &'static str {
    match t {
        FieldType::Text => m.type_text,
        FieldType::Number => m.type_number,
        FieldType::Money => m.type_money,
        FieldType::Date => m.type_date,
        FieldType::Boolean => m.type_boolean,
        FieldType::Select => m.type_select,
        FieldType::MultiSelect => m.type_multi_select,
        FieldType::Url => m.type_url,
    }
}

fn applies_name(m: &Msg, a: AppliesTo) -> &'static str {
    match a {
        AppliesTo::Person => m.applies_person,
        AppliesTo::Organization => m.applies_organization,
        AppliesTo::Both => m.applies_both,
    }
}

/// The add form as typed.
#[derive(Deserialize, Default)]
pub struct NewField {
    #[serde(default)]
    label: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    field_type: String,
    #[serde(default)]
    applies_to: String,
    #[serde(default)]
    options: String,
    #[serde(default)]
    currency: String,
}

fn option_lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn list_page(ctx: &Ctx, defs: &[FieldDef], f: &NewField, error: Option<&AppError>) -> Response {
    let m = ctx.m;
    let can_write = ctx.principal.can(Area::Workspace, Access::Write);
    let body = html! {
        h1 { (m.nav_custom_fields) }
        p class="muted" { (m.custom_fields_intro) }
        @if defs.is_empty() { p class="muted" { (m.custom_fields_none) } } @else {
            div class="table-wrap" {
                table class="stack-phone" {
                    thead { tr { th { (m.custom_field_label) } th { (m.custom_field_key) } th { (m.custom_field_type) } th { (m.custom_field_applies) } th { (m.custom_field_options) } } }
                    tbody {
                        @for d in defs {
                            tr {
                                td data-label=(m.custom_field_label) { a href={ "/settings/custom-fields/" (d.id) } { (d.label) } }
                                td data-label=(m.custom_field_key) { code { (d.key) } }
                                td data-label=(m.custom_field_type) { (type_name(m, d.field_type)) @if let Some(c) = &d.currency { " (" (c) ")" } }
                                td data-label=(m.custom_field_applies) { (applies_name(m, d.applies_to)) }
                                td data-label=(m.custom_field_options) { (d.options.join(", ")) }
                            }
                        }
                    }
                }
            }
        }
        @if can_write {
            form class="stack card" method="post" action="/settings/custom-fields" {
                h2 { (m.custom_field_new) }
                @if let Some(e) = error { div class="flash err" role="alert" { (form_error(m, e)) } }
                (csrf_field(&ctx.csrf))
                div class="row" {
                    label class="grow" { (m.custom_field_label) input type="text" name="label" value=(f.label) maxlength="80" required; }
                    label { (m.custom_field_key) span class="hint" { (m.custom_field_key_hint) }
                        input type="text" name="key" value=(f.key) maxlength="40" pattern="[a-z][a-z0-9_]*" autocomplete="off"; }
                }
                div class="row" {
                    label { (m.custom_field_type)
                        select name="field_type" {
                            @for t in FieldType::ALL { option value=(t.as_str()) selected[f.field_type == t.as_str()] { (type_name(m, t)) } }
                        }
                    }
                    label { (m.custom_field_applies)
                        select name="applies_to" {
                            @for a in [AppliesTo::Person, AppliesTo::Organization, AppliesTo::Both] {
                                option value=(a.as_str()) selected[f.applies_to == a.as_str()] { (applies_name(m, a)) }
                            }
                        }
                    }
                    label { (m.custom_field_currency) input type="text" name="currency" value=(f.currency) maxlength="3" size="4" placeholder="EUR"; }
                }
                label { (m.custom_field_options) span class="hint" { (m.custom_field_options_hint) }
                    textarea name="options" rows="4" { (f.options) } }
                div { button type="submit" { (m.custom_field_add) } }
            }
        }
    };
    form_page(ctx, m.nav_custom_fields, body, error.is_some())
}

pub async fn show_list(State(state): State<AppState>, ctx: Ctx) -> Response {
    match customers::custom_fields(&state.app, &ctx.principal).await {
        Ok(defs) => list_page(&ctx, &defs, &NewField::default(), None),
        Err(e) => ctx_error(&ctx, e),
    }
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<NewField>) -> Response {
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let draft = FieldDefDraft {
        label: Some(f.label.clone()),
        key: given(&f.key),
        field_type: Some(f.field_type.clone()),
        applies_to: given(&f.applies_to),
        options: Some(option_lines(&f.options)),
        // The currency box is on the form for every type: only money reads it.
        currency: given(&f.currency).filter(|_| f.field_type == "money"),
    };
    match customers::create_field(&state.app, &ctx.principal, &draft).await {
        Ok(_) => Redirect::to("/settings/custom-fields?flash=saved").into_response(),
        Err(e @ AppError::Forbidden) => ctx_error(&ctx, e),
        Err(e) => match customers::custom_fields(&state.app, &ctx.principal).await {
            Ok(defs) => list_page(&ctx, &defs, &f, Some(&e)),
            Err(e) => ctx_error(&ctx, e),
        },
    }
}

#[derive(Deserialize, Default)]
pub struct EditField {
    #[serde(default)]
    label: String,
    #[serde(default)]
    options: String,
}

fn edit_page(
    ctx: &Ctx,
    d: &FieldDef,
    used: i64,
    f: &EditField,
    error: Option<&AppError>,
) -> Response {
    let m = ctx.m;
    let can_write = ctx.principal.can(Area::Workspace, Access::Write);
    let body = html! {
        p { a href="/settings/custom-fields" { "← " (m.nav_custom_fields) } }
        h1 { (d.label) }
        p class="muted" {
            code { (d.key) } " · " (type_name(m, d.field_type)) " · " (applies_name(m, d.applies_to)) " · "
            (m.custom_field_values.replace("{n}", &used.to_string()))
        }
        form class="stack card" method="post" action={ "/settings/custom-fields/" (d.id) } {
            @if let Some(e) = error { div class="flash err" role="alert" { (form_error(m, e)) } }
            (csrf_field(&ctx.csrf))
            label { (m.custom_field_label) input type="text" name="label" value=(f.label) maxlength="80" required disabled[!can_write]; }
            @if d.field_type.has_options() {
                label { (m.custom_field_options) span class="hint" { (m.custom_field_options_hint) }
                    textarea name="options" rows="6" disabled[!can_write] { (f.options) } }
            }
            @if can_write { div { button type="submit" { (m.save) } } }
        }
        @if can_write {
            form method="post" action={ "/settings/custom-fields/" (d.id) "/delete" } {
                (csrf_field(&ctx.csrf))
                button type="submit" class="danger" data-confirm=(m.custom_field_delete_confirm) { (m.delete) }
            }
        }
    };
    form_page(ctx, &d.label, body, error.is_some())
}

async fn find(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<(FieldDef, i64), AppError> {
    let d = customers::custom_fields(&state.app, &ctx.principal)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(AppError::NotFound("custom field"))?;
    let used = customers::field_usage(&state.app, &ctx.principal, id).await?;
    Ok((d, used))
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    match find(&state, &ctx, id).await {
        Ok((d, used)) => {
            let f = EditField {
                label: d.label.clone(),
                options: d.options.join("\n"),
            };
            edit_page(&ctx, &d, used, &f, None)
        }
        Err(e) => ctx_error(&ctx, e),
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<EditField>,
) -> Response {
    let (d, used) = match find(&state, &ctx, id).await {
        Ok(found) => found,
        Err(e) => return ctx_error(&ctx, e),
    };
    let change = FieldChange {
        label: Some(f.label.clone()),
        options: d.field_type.has_options().then(|| option_lines(&f.options)),
    };
    match customers::update_field(&state.app, &ctx.principal, id, change).await {
        Ok(_) => Redirect::to(&format!("/settings/custom-fields/{id}?flash=saved")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => ctx_error(&ctx, e),
        Err(e) => edit_page(&ctx, &d, used, &f, Some(&e)),
    }
}

pub async fn delete(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    match customers::delete_field(&state.app, &ctx.principal, id).await {
        Ok(_) => Redirect::to("/settings/custom-fields?flash=deleted").into_response(),
        Err(e) => ctx_error(&ctx, e),
    }
}
