//! The value tiers part of the customer settings page: the basis (by spend or by a field),
//! a row per tier (name and minimum spend, typed in major units of the currency as people
//! write amounts), the currency and the field. The API takes minor units; this page converts.
use super::settings::SettingsForm;
use crate::i18n::Msg;
use maud::{html, Markup};
use vinculo_domain::customers::custom::{minor_per_major, read_number, FieldDef, FieldType};
use vinculo_domain::customers::tier::{read_currency, ThresholdDraft, TierBasis, MAX_TIERS};
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_store::customers::CustomerSettings;

/// Blank rows offered below the tiers (more after saving, up to [`MAX_TIERS`]).
const SPARE_ROWS: usize = 2;

/// The fields a tier can be read from: single selects.
pub(super) fn selects(all: Vec<FieldDef>) -> Vec<FieldDef> {
    all.into_iter()
        .filter(|d| d.field_type == FieldType::Select)
        .collect()
}

/// The currency typed, when it is one.
fn typed_currency(f: &SettingsForm) -> Option<String> {
    f.currency.as_deref().and_then(read_currency)
}

/// Minor units per major unit of the currency typed (EUR's when it is not one yet).
fn unit(f: &SettingsForm) -> i64 {
    minor_per_major(typed_currency(f).as_deref().unwrap_or("EUR"))
}

/// The form's tier inputs from the settings.
pub(super) fn fill(f: &mut SettingsForm, s: &CustomerSettings) {
    f.value_tier_basis = Some(s.value_tiers.basis.as_str().to_owned());
    f.value_tier_field = s.value_tiers.field.clone();
    f.currency = Some(s.currency.clone());
    let unit = unit(f);
    for (i, t) in s.value_tiers.thresholds.iter().enumerate() {
        f.rows.insert(format!("tier_name_{i}"), t.name.clone());
        f.rows
            .insert(format!("tier_min_{i}"), major(t.min_spend_cents, unit));
    }
}

/// Minor units as typed back: `400`, or `400.50` when there are cents.
fn major(cents: i64, unit: i64) -> String {
    if unit <= 1 || cents % unit == 0 {
        return (cents / unit.max(1)).to_string();
    }
    let digits = unit.ilog10() as usize;
    let sign = if cents < 0 { "-" } else { "" };
    let (whole, frac) = (
        cents.unsigned_abs() / unit as u64,
        cents.unsigned_abs() % unit as u64,
    );
    format!("{sign}{whole}.{frac:0digits$}")
}

/// The rows as typed (name, minimum), blank ones left out.
fn rows(f: &SettingsForm) -> Vec<(String, String)> {
    let get = |k: String| {
        f.rows
            .get(&k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    (0..MAX_TIERS)
        .map(|i| (get(format!("tier_name_{i}")), get(format!("tier_min_{i}"))))
        .filter(|(n, m)| !(n.is_empty() && m.is_empty()))
        .collect()
}

/// The tiers to save (`None` when the form sent no rows at all), or the minimums that are not
/// amounts (named as the API names them).
pub(super) fn drafts(f: &SettingsForm) -> Result<Option<Vec<ThresholdDraft>>, Vec<FieldIssue>> {
    if !f.rows.keys().any(|k| k.starts_with("tier_")) {
        return Ok(None);
    }
    let unit = unit(f) as f64;
    let mut issues = Vec::new();
    let mut out = Vec::new();
    for (i, (name, min)) in rows(f).into_iter().enumerate() {
        let min_spend_cents = match min.as_str() {
            "" => None,
            typed => match read_number(typed) {
                // `as` saturates: an absurd amount stays an absurd one, not a wrapped one.
                Some(n) => Some((n * unit).round() as i64),
                None => {
                    issues.push(FieldIssue::new(
                        format!("value_tiers[{i}].min_spend_cents"),
                        Problem::NotAnAmount(min.clone()),
                    ));
                    None
                }
            },
        };
        out.push(ThresholdDraft {
            name: Some(name).filter(|n| !n.is_empty()),
            min_spend_cents,
        });
    }
    if issues.is_empty() {
        Ok(Some(out))
    } else {
        Err(issues)
    }
}

/// The tiers' inputs on the settings page.
pub(super) fn fieldset(m: &Msg, f: &SettingsForm, selects: &[FieldDef], can_write: bool) -> Markup {
    let rows = rows(f);
    let shown = (rows.len() + SPARE_ROWS).clamp(3, MAX_TIERS);
    let by_field = f.value_tier_basis.as_deref() == Some(TierBasis::Field.as_str());
    let currency = typed_currency(f).unwrap_or_default();
    let field = f.value_tier_field.as_deref().unwrap_or_default();
    html! {
        fieldset class="stack" id="value-tiers" {
            legend { (m.settings_tiers) }
            span class="hint" { (m.settings_tiers_hint) }
            div {
                label class="check" {
                    input type="radio" name="value_tier_basis" value="spend" aria-describedby="tier-spend-hint"
                        checked[!by_field] disabled[!can_write];
                    (m.tier_by_spend)
                }
                span class="hint" id="tier-spend-hint" { (m.tier_by_spend_hint) }
            }
            @for i in 0..shown {
                @let (name, min) = rows.get(i).cloned().unwrap_or_default();
                div class="row" {
                    label { (m.tier_row) " " (i + 1)
                        input type="text" name={ "tier_name_" (i) } value=(name) maxlength="40" disabled[!can_write]; }
                    label { (m.tier_min_spend) @if !currency.is_empty() { " (" (currency) ")" }
                        input type="text" name={ "tier_min_" (i) } value=(min) inputmode="decimal" size="10" disabled[!can_write]; }
                }
            }
            label { (m.settings_currency) span class="hint" { (m.settings_currency_hint) }
                input type="text" name="currency" value=(f.currency.as_deref().unwrap_or_default()) maxlength="3" size="4" disabled[!can_write]; }
            div {
                label class="check" {
                    input type="radio" name="value_tier_basis" value="field" aria-describedby="tier-field-hint"
                        checked[by_field] disabled[!can_write];
                    (m.tier_by_field)
                }
                span class="hint" id="tier-field-hint" { (m.tier_by_field_hint) }
            }
            label { (m.settings_tier_field)
                select name="value_tier_field" disabled[!can_write] {
                    option value="" { "—" }
                    @for d in selects {
                        option value=(d.key) selected[d.key == field] { (d.label) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::major;

    #[test]
    fn minor_units_read_back_as_people_type_them() {
        assert_eq!(major(40_000, 100), "400");
        assert_eq!(major(40_050, 100), "400.50");
        assert_eq!(major(-5, 100), "-0.05");
        assert_eq!(major(1_500, 1), "1500");
        assert_eq!(major(1_250, 1_000), "1.250");
    }
}
