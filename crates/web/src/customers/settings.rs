//! The workspace's customer settings — lifecycle stages, the phones' default country, whether
//! ingest adds new contact details to known customers, the auto-merge threshold and the value
//! tiers — as `/api/v1/settings/customers` and the page `/settings/customers` (its tiers part
//! is in `tier_settings`).
use super::parts::form_page;
use super::tier_settings;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson};
use crate::pages::{csrf_field, ctx_error, form_error, Ctx};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use maud::html;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use vinculo_app::customers::{self, SettingsChange};
use vinculo_app::AppError;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::customers::tier::ThresholdDraft;
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
    /// How customers get their value tier: `spend` (purchases of the last 12 months against
    /// `value_tiers`) or `field` (the value of the custom field `value_tier_field`).
    pub value_tier_basis: String,
    /// The tiers by spend, highest first.
    pub value_tiers: Vec<TierThreshold>,
    /// The key of the single-select custom field the tier is read from by field.
    pub value_tier_field: Option<String>,
    /// ISO 4217: the thresholds and the spend they are compared with are in it.
    pub currency: String,
}

/// A value tier by spend.
#[derive(Serialize, ToSchema)]
pub struct TierThreshold {
    /// Shown as the tier, e.g. `Oro`.
    pub name: String,
    /// The least a customer spends in 12 months to reach it, in minor units of `currency`.
    pub min_spend_cents: i64,
}

impl From<CustomerSettings> for CustomerSettingsOut {
    fn from(s: CustomerSettings) -> Self {
        CustomerSettingsOut {
            default_country: s.default_country,
            lifecycle_stages: s.stages,
            attach_new_keys: s.attach_new_keys,
            auto_merge_above: s.auto_merge_above,
            value_tier_basis: s.value_tiers.basis.as_str().to_owned(),
            value_tiers: s
                .value_tiers
                .thresholds
                .into_iter()
                .map(|t| TierThreshold {
                    name: t.name,
                    min_spend_cents: t.min_spend_cents,
                })
                .collect(),
            value_tier_field: s.value_tiers.field,
            currency: s.currency,
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
    /// `spend` or `field`.
    pub value_tier_basis: Option<String>,
    /// Replaces the tiers by spend: highest first, names unique, minimums above 0 and
    /// falling; `[]` for none.
    pub value_tiers: Option<Vec<TierThresholdIn>>,
    /// The key of a single-select custom field; null forgets it (not while the basis is
    /// `field`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub value_tier_field: Option<Option<String>>,
    /// ISO 4217, like EUR or MXN.
    pub currency: Option<String>,
}

/// A value tier by spend, as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierThresholdIn {
    pub name: Option<String>,
    /// Minor units of the workspace's currency.
    pub min_spend_cents: Option<i64>,
}

/// A field that was sent, even as null (`Some(None)`), told apart from one left out (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
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
        value_tier_basis: body.value_tier_basis,
        value_tiers: body.value_tiers.map(|ts| {
            ts.into_iter()
                .map(|t| ThresholdDraft {
                    name: t.name,
                    min_spend_cents: t.min_spend_cents,
                })
                .collect()
        }),
        value_tier_field: body.value_tier_field,
        currency: body.currency,
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
    // The value tiers' inputs; each one not sent leaves its setting as it was.
    pub(super) value_tier_basis: Option<String>,
    /// Blank: no field.
    pub(super) value_tier_field: Option<String>,
    pub(super) currency: Option<String>,
    /// The tiers' rows, `tier_name_0`, `tier_min_0`, …: a form posts no list of pairs. (The
    /// other inputs land here too, and are not read from it.)
    #[serde(flatten)]
    pub(super) rows: BTreeMap<String, String>,
}

fn page(ctx: &Ctx, f: &SettingsForm, selects: &[FieldDef], error: Option<&AppError>) -> Response {
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
            (tier_settings::fieldset(m, f, selects, can_write))
            @if can_write { div { button type="submit" { (m.save) } } }
        }
    };
    form_page(ctx, m.nav_customer_settings, body, error.is_some())
}

/// The single-select custom fields, which a tier can be read from.
async fn selects(state: &AppState, ctx: &Ctx) -> Result<Vec<FieldDef>, AppError> {
    let all = customers::custom_fields(&state.app, &ctx.principal).await?;
    Ok(tier_settings::selects(all))
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let loaded = match customers::customer_settings(&state.app, &ctx.principal).await {
        Ok(s) => selects(&state, &ctx).await.map(|f| (s, f)),
        Err(e) => Err(e),
    };
    match loaded {
        Ok((s, fields)) => {
            let mut f = SettingsForm {
                stages: s.stages.join("\n"),
                default_country: s.default_country.clone(),
                attach_new_keys: s.attach_new_keys.then(|| "true".to_owned()),
                auto_merge_above: s
                    .auto_merge_above
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                value_tier_basis: None,
                value_tier_field: None,
                currency: None,
                rows: BTreeMap::new(),
            };
            tier_settings::fill(&mut f, &s);
            page(&ctx, &f, &fields, None)
        }
        Err(e) => ctx_error(&ctx, e),
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<SettingsForm>,
) -> Response {
    let fields = match selects(&state, &ctx).await {
        Ok(f) => f,
        Err(e) => return ctx_error(&ctx, e),
    };
    let auto_merge_above = match f.auto_merge_above.trim().replace(',', ".") {
        blank if blank.is_empty() => None,
        p => match p.parse::<f64>() {
            Ok(p) => Some(p),
            Err(_) => {
                let e = AppError::invalid("auto_merge_above", format!("{p:?} is not a number"));
                return page(&ctx, &f, &fields, Some(&e));
            }
        },
    };
    let tiers = match tier_settings::drafts(&f) {
        Ok(t) => t,
        Err(issues) => return page(&ctx, &f, &fields, Some(&AppError::InvalidFields(issues))),
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
        value_tier_basis: f.value_tier_basis.clone(),
        value_tiers: tiers,
        value_tier_field: f
            .value_tier_field
            .as_ref()
            .map(|k| Some(k.clone()).filter(|k| !k.trim().is_empty())),
        currency: f.currency.clone(),
    };
    match customers::update_customer_settings(&state.app, &ctx.principal, change).await {
        Ok(_) => Redirect::to("/settings/customers?flash=saved").into_response(),
        Err(e @ AppError::Forbidden) => ctx_error(&ctx, e),
        Err(e) => page(&ctx, &f, &fields, Some(&e)),
    }
}
