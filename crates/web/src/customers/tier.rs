//! A customer's value tier as the API gives it (the 360 view) and as pages show it: a badge
//! next to the lifecycle stage on the customer's page and on the screen pop's card.
use crate::i18n::Msg;
use maud::{html, Markup};
use serde::Serialize;
use utoipa::ToSchema;
use vinculo_app::customers::ValueTier;

/// Where the customer stands in the workspace's value tiers (`GET /settings/customers`).
#[derive(Serialize, ToSchema)]
pub struct ValueTierOut {
    /// The tier's name; null when the customer reaches no threshold (by spend) or their field
    /// is empty (by field).
    pub name: Option<String>,
    /// `spend` (purchases of the last 12 months against the thresholds) or `field` (a
    /// single-select custom field).
    pub basis: String,
    /// The sum of their `purchase` interactions' `attributes.total_cents` of the last 12
    /// months in `currency` (given whatever the basis).
    pub spend_12m_cents: i64,
    /// The workspace's currency (ISO 4217).
    pub currency: String,
}

impl From<ValueTier> for ValueTierOut {
    fn from(t: ValueTier) -> Self {
        ValueTierOut {
            name: t.name,
            basis: t.basis.as_str().to_owned(),
            spend_12m_cents: t.spend_12m_cents,
            currency: t.currency,
        }
    }
}

/// The tier's badge, or nothing when the customer has none. Sighted users read the tier's
/// name next to the stage; a screen reader hears which it is.
pub fn badge(m: &Msg, t: &ValueTier) -> Markup {
    html! {
        @if let Some(name) = &t.name {
            span class="badge tier" title=(m.value_tier) data-tier=(name) {
                span class="visually-hidden" { (m.value_tier) ": " }
                (name)
            }
        }
    }
}
