//! The workspace's customer settings — lifecycle stages, the phones' default country and
//! whether ingest adds new contact details to known customers — as
//! `/api/v1/settings/customers` and the page `/settings/customers`.
use super::parts::form_page;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson};
use crate::pages::{csrf_field, ctx_error, form_error, Ctx};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use maud::html;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vinculo_app::customers::{self, SettingsChange};
use vinculo_app::AppError;
use vinculo_domain::auth::{Access, Area};
use vinculo_store::customers::CustomerSettings;

#[derive(Serialize, ToSchema)]
pub struct CustomerSettingsOut {
    /// ISO country code phones without a country code are read in.
    pub default_country: String,
    /// In funnel order; the first is a new customer's.
    pub lifecycle_stages: Vec<String>,
    /// Whether keys no one owns, seen in an interaction with a customer's, are added to them.
    pub attach_new_keys: bool,
    /// Duplicate suggestions scored at or above this probability are merged automatically;
    /// null (the default) never.
    pub auto_merge_above: Option<f64>,
}

impl From<CustomerSettings> for CustomerSettingsOut {
    fn from(s: CustomerSettings) -> Self {
        CustomerSettingsOut {
            default_country: s.default_country,
            lifecycle_stages: s.stages,
            attach_new_keys: s.attach_new_keys,
            auto_merge_above: s.auto_merge_above,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerSettingsIn {
    pub default_country: Option<String>,
    /// A stage customers are at cannot be removed (422).
    pub lifecycle_stages: Option<Vec<String>>,
    /// Off, ingest leaves new keys seen with a known customer's out of their record.
    pub attach_new_keys: Option<bool>,
    /// 0.5 to 1 turns automatic merging on above that probability; null turns it off.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub auto_merge_above: Option<Option<f64>>,
}

/// A field that was sent, even as null (`Some(None)`), told apart from one left out (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
    Option::<f64>::deserialize(d).map(Some)
}

/// The workspace's customer settings.
#[utoipa::path(get, path = "/settings/customers", tag = "customers",
    responses((status = 200, body = CustomerSettingsOut)), security(("bearer" = []), ("session" = [])))]
pub async fn get_settings(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<CustomerSettingsOut>, ApiError> {
    Ok(Json(
        customers::customer_settings(&state.app, &p).await?.into(),
    ))
}

/// Changes the customer settings (admins).
#[utoipa::path(patch, path = "/settings/customers", tag = "customers", request_body = CustomerSettingsIn,
    responses((status = 200, body = CustomerSettingsOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn patch_settings(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<CustomerSettingsIn>,
) -> Result<Json<CustomerSettingsOut>, ApiError> {
    let change = SettingsChange {
        default_country: body.default_country,
        stages: body.lifecycle_stages,
        attach_new_keys: body.attach_new_keys,
        auto_merge_above: body.auto_merge_above,
    };
    Ok(Json(
        customers::update_customer_settings(&state.app, &p, change)
            .await?
            .into(),
    ))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    stages: String,
    default_country: String,
    /// A checkbox: sent only when ticked.
    attach_new_keys: Option<String>,
    /// A probability from 0.5 to 1, or blank for never.
    #[serde(default)]
    auto_merge_above: String,
}

fn page(ctx: &Ctx, f: &SettingsForm, error: Option<&AppError>) -> Response {
    let m = ctx.m;
    let can_write = ctx.principal.can(Area::Workspace, Access::Write);
    let body = html! {
        h1 { (m.nav_customer_settings) }
        form class="stack card" method="post" action="/settings/customers" {
            @if let Some(e) = error { div class="flash err" role="alert" { (form_error(m, e)) } }
            (csrf_field(&ctx.csrf))
            label { (m.settings_stages) span class="hint" { (m.settings_stages_hint) }
                textarea name="stages" rows="7" disabled[!can_write] { (f.stages) } }
            label { (m.settings_country)
                input type="text" name="default_country" value=(f.default_country) maxlength="2" size="3" disabled[!can_write]; }
            div {
                label class="check" {
                    input type="checkbox" name="attach_new_keys" value="true" aria-describedby="attach-new-keys-hint"
                        checked[f.attach_new_keys.is_some()] disabled[!can_write];
                    (m.settings_attach_new_keys)
                }
                span class="hint" id="attach-new-keys-hint" { (m.settings_attach_new_keys_hint) }
            }
            label { (m.settings_auto_merge) span class="hint" { (m.settings_auto_merge_hint) }
                input type="number" name="auto_merge_above" value=(f.auto_merge_above) min="0.5" max="1" step="0.01" inputmode="decimal" size="5" disabled[!can_write]; }
            @if can_write { div { button type="submit" { (m.save) } } }
        }
    };
    form_page(ctx, m.nav_customer_settings, body, error.is_some())
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    match customers::customer_settings(&state.app, &ctx.principal).await {
        Ok(s) => page(
            &ctx,
            &SettingsForm {
                stages: s.stages.join("\n"),
                default_country: s.default_country,
                attach_new_keys: s.attach_new_keys.then(|| "true".to_owned()),
                auto_merge_above: s
                    .auto_merge_above
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            },
            None,
        ),
        Err(e) => ctx_error(&ctx, e),
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<SettingsForm>,
) -> Response {
    let auto_merge_above = match f.auto_merge_above.trim().replace(',', ".") {
        blank if blank.is_empty() => None,
        p => match p.parse::<f64>() {
            Ok(p) => Some(p),
            Err(_) => {
                let e = AppError::invalid("auto_merge_above", format!("{p:?} is not a number"));
                return page(&ctx, &f, Some(&e));
            }
        },
    };
    let change = SettingsChange {
        default_country: Some(f.default_country.clone()),
        stages: Some(
            f.stages
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        attach_new_keys: Some(f.attach_new_keys.is_some()),
        auto_merge_above: Some(auto_merge_above),
    };
    match customers::update_customer_settings(&state.app, &ctx.principal, change).await {
        Ok(_) => Redirect::to("/settings/customers?flash=saved").into_response(),
        Err(e @ AppError::Forbidden) => ctx_error(&ctx, e),
        Err(e) => page(&ctx, &f, Some(&e)),
    }
}
