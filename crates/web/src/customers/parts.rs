//! Pieces the person and organisation pages share: stage names, the address fields, the
//! selects' choices, the error box, the consent section and the record's actions.
use crate::i18n::Msg;
use crate::pages::{csrf_field, form_error, layout, when, Ctx};
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;
use vinculo_app::customers;
use vinculo_app::AppError;
use vinculo_domain::auth::Role;
use vinculo_domain::customers::consent::{self, Channel, ConsentEntry, ConsentState, Purpose};
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::customers::{AddressDraft, Kind};
use vinculo_domain::identity::KeyKind;
use vinculo_store::customers::CustomerRecord;

pub(crate) fn stage_name(m: &Msg, s: &str) -> String {
    match s {
        "prospect" => m.stage_prospect,
        "lead" => m.stage_lead,
        "customer" => m.stage_customer,
        "inactive" => m.stage_inactive,
        "churned" => m.stage_churned,
        other => return other.to_owned(),
    }
    .to_owned()
}

pub(super) fn primary(c: &CustomerRecord, kind: KeyKind) -> Option<&str> {
    c.keys
        .iter()
        .filter(|k| k.kind == kind)
        .find(|k| k.primary)
        .or_else(|| c.keys.iter().find(|k| k.kind == kind))
        .map(|k| k.display.as_str())
}

/// One postal address as form fields (the first address of a customer; more through the API).
#[derive(Deserialize, Default, Clone)]
pub struct AddressForm {
    #[serde(default)]
    street: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    country: String,
}

impl AddressForm {
    pub(super) fn draft(&self) -> Vec<AddressDraft> {
        vec![AddressDraft {
            street: opt(&self.street),
            city: opt(&self.city),
            postal_code: opt(&self.postal_code),
            region: opt(&self.region),
            country: opt(&self.country),
            ..AddressDraft::default()
        }]
    }

    pub(super) fn of(c: &CustomerRecord) -> Self {
        let a = c.addresses.first().cloned().unwrap_or_default();
        let s = |v: Option<String>| v.unwrap_or_default();
        AddressForm {
            street: s(a.street),
            city: s(a.city),
            postal_code: s(a.postal_code),
            region: s(a.region),
            country: s(a.country),
        }
    }

    pub(super) fn fields(&self, m: &Msg) -> Markup {
        html! {
            fieldset {
                legend { (m.address) }
                label { (m.street) input type="text" name="street" value=(self.street) maxlength="300" autocomplete="off"; }
                div class="row" {
                    label { (m.postal_code) input type="text" name="postal_code" value=(self.postal_code) maxlength="20" size="8" autocomplete="off"; }
                    label class="grow" { (m.city) input type="text" name="city" value=(self.city) maxlength="100" autocomplete="off"; }
                    label { (m.region) input type="text" name="region" value=(self.region) maxlength="100" autocomplete="off"; }
                    label { (m.country) input type="text" name="country" value=(self.country) maxlength="2" size="3" autocomplete="off"; }
                }
            }
        }
    }
}

pub(super) fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(super) fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// What the form's selects offer: the workspace's stages, its organisations and its custom
/// fields.
pub(super) struct Choices {
    pub stages: Vec<String>,
    pub organizations: Vec<(String, String)>,
    pub fields: Vec<FieldDef>,
}

impl Choices {
    pub(super) async fn load(state: &AppState, ctx: &Ctx) -> Result<Choices, AppError> {
        let stages = customers::customer_settings(&state.app, &ctx.principal)
            .await?
            .stages;
        let filter = vinculo_store::customers::CustomerFilter {
            kind: Some(Kind::Organization),
            ..Default::default()
        };
        let orgs = customers::list(&state.app, &ctx.principal, &filter, None, 200).await?;
        let mut organizations: Vec<(String, String)> = orgs
            .items
            .into_iter()
            .map(|o| (o.id.to_string(), o.display_name))
            .collect();
        organizations.sort_by_key(|o| o.1.to_lowercase());
        Ok(Choices {
            stages,
            organizations,
            fields: customers::custom_fields(&state.app, &ctx.principal).await?,
        })
    }

    pub(super) fn stage_select(&self, m: &Msg, current: &str) -> Markup {
        html! {
            label { (m.stage)
                select name="lifecycle_stage" {
                    @for s in &self.stages { option value=(s) selected[current == s] { (stage_name(m, s)) } }
                }
            }
        }
    }
}

/// The error above a form, with a link to the owner of a taken key.
pub(super) fn error_box(m: &Msg, error: Option<&AppError>, fields: &[FieldDef]) -> Markup {
    html! {
        @if let Some(e) = error {
            div class="flash err" role="alert" {
                @if let AppError::InvalidFields(issues) = e {
                    (crate::problems::form_issues(m, issues, fields))
                } @else {
                    (form_error(m, e))
                }
                @if let AppError::KeyConflict(found) = e {
                    ul { @for (id, key) in found { li { (key) " — " a href={ "/customers/" (id) } { (m.open_customer) } } } }
                }
            }
        }
    }
}

pub(super) fn consent_state_name(m: &Msg, s: ConsentState) -> &'static str {
    match s {
        ConsentState::OptedIn => m.consent_opted_in,
        ConsentState::OptedOut => m.consent_opted_out,
        ConsentState::Unknown => m.consent_unknown,
    }
}

pub(super) fn purpose_name(m: &Msg, p: Purpose) -> &'static str {
    match p {
        Purpose::Marketing => m.purpose_marketing,
        Purpose::Surveys => m.purpose_surveys,
        Purpose::Service => m.purpose_service,
    }
}

/// The current consents and, for writers, a form to record a change.
pub(super) fn consent_section(
    ctx: &Ctx,
    c: &CustomerRecord,
    ledger: &[ConsentEntry],
    can_write: bool,
) -> Markup {
    let m = ctx.m;
    let current = consent::current(ledger);
    html! {
        section class="card" id="consent" {
            h2 { (m.consent_title) }
            @if current.is_empty() { p class="muted" { (m.consent_none) } } @else {
                div class="table-wrap" {
                    table class="stack-phone" {
                        thead { tr { th { (m.consent_channel) } th { (m.consent_purpose) } th { (m.consent_state) } th { (m.source) } th { (m.consent_since) } } }
                        tbody {
                            @for ((channel, purpose), now) in &current {
                                tr {
                                    td data-label=(m.consent_channel) { (channel.as_str()) }
                                    td data-label=(m.consent_purpose) { (purpose_name(m, *purpose)) }
                                    td data-label=(m.consent_state) {
                                        span class=(if now.state == ConsentState::OptedIn { "badge ok" } else if now.state == ConsentState::OptedOut { "badge off" } else { "badge" }) { (consent_state_name(m, now.state)) }
                                    }
                                    td data-label=(m.source) { (now.source.as_str()) }
                                    td data-label=(m.consent_since) { (when(now.since)) }
                                }
                            }
                        }
                    }
                }
            }
            @if can_write {
                form class="row" method="post" action={ "/customers/" (c.id) "/consent" } {
                    (csrf_field(&ctx.csrf))
                    label { (m.consent_channel) select name="channel" { @for ch in Channel::ALL { option value=(ch.as_str()) { (ch.as_str()) } } } }
                    label { (m.consent_purpose) select name="purpose" { @for p in Purpose::ALL { option value=(p.as_str()) { (purpose_name(m, *p)) } } } }
                    label { (m.consent_state) select name="state" { @for st in ConsentState::ALL { option value=(st.as_str()) { (consent_state_name(m, *st)) } } } }
                    button type="submit" class="secondary" { (m.consent_record) }
                }
            }
        }
    }
}

/// A customer's details for those who may only read.
pub(super) fn read_only(m: &Msg, c: &CustomerRecord, fields: &[FieldDef]) -> Markup {
    html! {
        dl class="card" {
            @for k in &c.keys { dt { (k.kind.as_str()) } dd { (k.display) } }
            @for a in &c.addresses { dt { (m.address) } dd { (a.one_line()) } }
            @if !c.tags.is_empty() { dt { (m.tags) } dd { (c.tags.join(", ")) } }
            (super::custom_parts::shown(m, fields, c))
            @if let Some(n) = &c.notes { dt { (m.notes) } dd { (n) } }
        }
    }
}

/// Archive/restore, and erase for admins.
pub(super) fn record_actions(ctx: &Ctx, c: &CustomerRecord) -> Markup {
    let m = ctx.m;
    html! {
            div class="row" {
                form method="post" action={ "/customers/" (c.id) "/archive" } {
                    (csrf_field(&ctx.csrf))
                    input type="hidden" name="archived" value=(if c.archived_at.is_some() { "false" } else { "true" });
                    button type="submit" class="secondary" { (if c.archived_at.is_some() { m.restore } else { m.archive }) }
                }
                @if ctx.principal.role == Role::Admin {
                    form method="post" action={ "/customers/" (c.id) "/erase" } {
                        (csrf_field(&ctx.csrf))
                        button type="submit" class="danger" data-confirm=(m.erase_confirm) { (m.erase) }
                    }
                }
            }
    }
}

/// A page of a list for a page of the UI: a custom field filter or sort that does not fit
/// (a typed value, an old link) is dropped and reported (`true`) rather than failing the page.
pub(super) async fn list_forgiving(
    state: &AppState,
    ctx: &Ctx,
    mut filter: vinculo_store::customers::CustomerFilter,
    cursor: Option<vinculo_store::Cursor>,
) -> Result<(vinculo_store::Page<CustomerRecord>, bool), AppError> {
    match customers::list(&state.app, &ctx.principal, &filter, cursor, 50).await {
        Ok(p) => Ok((p, false)),
        Err(AppError::InvalidFields(_)) => {
            filter.fields.clear();
            filter.sort = vinculo_store::customers::Sort::Newest;
            let p = customers::list(&state.app, &ctx.principal, &filter, None, 50).await?;
            Ok((p, true))
        }
        Err(e) => Err(e),
    }
}

/// A page holding a form: 422 when it shows the form's errors again, so scripts and tests can
/// tell a refused submission from a first showing.
pub(super) fn form_page(ctx: &Ctx, title: &str, body: Markup, failed: bool) -> Response {
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, layout(ctx, title, body)).into_response()
}
