//! Value tiers (nivel de valor): the named levels a workspace sorts its customers into,
//! highest first (Oro, Plata, Bronce). A customer's tier comes either from what they spent in
//! the last twelve months against minimum spends the workspace sets, or from a single-select
//! custom field that another system fills (an ERP or a loyalty scheme, through an import).
//! The rules are here; the store sums the spend.
use super::search::fold;
use super::{FieldIssue, Problem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// At most this many tiers: more levels than a person tells apart at a glance.
pub const MAX_TIERS: usize = 10;

/// A tier's name is at most this many characters (it is shown as a badge).
pub const MAX_TIER_NAME: usize = 40;

/// Where a customer's tier comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierBasis {
    /// Purchases of the last twelve months against the thresholds (the default).
    #[default]
    Spend,
    /// The value of a single-select custom field.
    Field,
}

impl TierBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            TierBasis::Spend => "spend",
            TierBasis::Field => "field",
        }
    }

    pub fn parse(s: &str) -> Option<TierBasis> {
        match s.trim() {
            "spend" => Some(TierBasis::Spend),
            "field" => Some(TierBasis::Field),
            _ => None,
        }
    }
}

/// A tier reached by spending at least `min_spend_cents` (minor units of the workspace's
/// currency) in twelve months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    pub name: String,
    pub min_spend_cents: i64,
}

/// A threshold as submitted; what is missing is a field error, not a JSON error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ThresholdDraft {
    pub name: Option<String>,
    pub min_spend_cents: Option<i64>,
}

/// How a workspace gives its customers a tier.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TierRule {
    pub basis: TierBasis,
    /// Highest first (see [`check_thresholds`]); read when the basis is spend, kept otherwise.
    pub thresholds: Vec<Threshold>,
    /// The key of the single-select custom field read when the basis is field.
    pub field: Option<String>,
}

impl TierRule {
    /// The tier of a customer who spent `spend_cents` in the last twelve months and has these
    /// custom field values; `None` when they reach no threshold or the field is empty.
    pub fn tier(
        &self,
        spend_cents: i64,
        custom: &BTreeMap<String, serde_json::Value>,
    ) -> Option<String> {
        match self.basis {
            TierBasis::Spend => self
                .thresholds
                .iter()
                .find(|t| spend_cents >= t.min_spend_cents)
                .map(|t| t.name.clone()),
            TierBasis::Field => self
                .field
                .as_ref()
                .and_then(|k| custom.get(k))
                .and_then(serde_json::Value::as_str)
                .filter(|v| !v.trim().is_empty())
                .map(str::to_owned),
        }
    }
}

/// Checks thresholds given highest first: 1 to [`MAX_TIERS`] of them (none is allowed: no
/// one has a tier), names of 1 to [`MAX_TIER_NAME`] characters and not repeated (case and
/// accents aside), minimum spends above zero and strictly decreasing. Zero would give a tier
/// to customers who never bought; an equal or higher minimum below another would make that
/// tier unreachable. Issues name `value_tiers[i].name` or `value_tiers[i].min_spend_cents`.
pub fn check_thresholds(raw: &[ThresholdDraft]) -> Result<Vec<Threshold>, Vec<FieldIssue>> {
    let mut issues = Vec::new();
    if raw.len() > MAX_TIERS {
        issues.push(FieldIssue::new(
            "value_tiers",
            Problem::TooMany { max: MAX_TIERS },
        ));
    }
    let mut out: Vec<Threshold> = Vec::new();
    let mut above: Option<(&str, i64)> = None;
    for (i, t) in raw.iter().enumerate() {
        let at = |f: &str| format!("value_tiers[{i}].{f}");
        let name = t.name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            issues.push(FieldIssue::new(at("name"), Problem::Missing));
        } else if name.chars().count() > MAX_TIER_NAME {
            issues.push(FieldIssue::new(
                at("name"),
                Problem::TooLong { max: MAX_TIER_NAME },
            ));
        } else if raw[..i].iter().any(|o| {
            o.name
                .as_deref()
                .is_some_and(|o| fold(o.trim()) == fold(name))
        }) {
            issues.push(FieldIssue::new(
                at("name"),
                Problem::RepeatedOption(name.to_owned()),
            ));
        }
        match t.min_spend_cents {
            None => issues.push(FieldIssue::new(at("min_spend_cents"), Problem::Missing)),
            Some(m) if m <= 0 => {
                issues.push(FieldIssue::new(at("min_spend_cents"), Problem::NotPositive))
            }
            Some(m) => {
                if let Some((prev, _)) = above.filter(|(_, p)| m >= *p) {
                    issues.push(FieldIssue::new(
                        at("min_spend_cents"),
                        Problem::TierNotBelow(prev.to_owned()),
                    ));
                }
                above = Some((name, m));
                out.push(Threshold {
                    name: name.to_owned(),
                    min_spend_cents: m,
                });
            }
        }
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(issues)
    }
}

/// Where the last twelve months begin: the same moment a year before (29 February is
/// followed by the 28th of the year before).
pub fn year_before(t: OffsetDateTime) -> OffsetDateTime {
    let year = t.year() - 1;
    t.replace_year(year)
        .or_else(|_| t.replace_day(28).and_then(|d| d.replace_year(year)))
        .unwrap_or(t - time::Duration::days(365))
}

/// An ISO 4217 code as typed (`eur`, ` EUR `) in capitals, or `None`.
pub fn read_currency(s: &str) -> Option<String> {
    let c = s.trim();
    (c.len() == 3 && c.chars().all(|c| c.is_ascii_alphabetic())).then(|| c.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(name: &str, min: i64) -> ThresholdDraft {
        ThresholdDraft {
            name: Some(name.into()),
            min_spend_cents: Some(min),
        }
    }

    fn rule() -> TierRule {
        TierRule {
            basis: TierBasis::Spend,
            thresholds: check_thresholds(&[draft("Oro", 100_000), draft("Plata", 30_000)])
                .expect("valid"),
            field: Some("plan".into()),
        }
    }

    #[test]
    fn a_spend_reaches_the_highest_tier_whose_minimum_it_meets() {
        let r = rule();
        let none = BTreeMap::new();
        assert_eq!(r.tier(100_000, &none).as_deref(), Some("Oro"));
        assert_eq!(r.tier(99_999, &none).as_deref(), Some("Plata"));
        assert_eq!(r.tier(30_000, &none).as_deref(), Some("Plata"));
        assert_eq!(r.tier(29_999, &none), None);
        assert_eq!(r.tier(0, &none), None);
    }

    #[test]
    fn by_field_the_tier_is_the_fields_value() {
        let r = TierRule {
            basis: TierBasis::Field,
            ..rule()
        };
        let plan = BTreeMap::from([("plan".to_owned(), json!("Bronce"))]);
        assert_eq!(r.tier(1_000_000, &plan).as_deref(), Some("Bronce"));
        assert_eq!(r.tier(1_000_000, &BTreeMap::new()), None);
    }

    #[test]
    fn thresholds_must_fall_and_have_distinct_names() {
        let issues = check_thresholds(&[
            draft("Oro", 50_000),
            draft("oro ", 50_000),
            draft(" ", 0),
            ThresholdDraft::default(),
        ])
        .expect_err("invalid");
        let got: Vec<(&str, &str)> = issues
            .iter()
            .map(|i| (i.field.as_str(), i.problem.code()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("value_tiers[1].name", "repeated_option"),
                ("value_tiers[1].min_spend_cents", "tiers_not_decreasing"),
                ("value_tiers[2].name", "required"),
                ("value_tiers[2].min_spend_cents", "not_positive"),
                ("value_tiers[3].name", "required"),
                ("value_tiers[3].min_spend_cents", "required"),
            ]
        );
        assert_eq!(check_thresholds(&[]), Ok(vec![]));
    }

    #[test]
    fn a_year_before_a_leap_day_is_the_28th() {
        let t = time::macros::datetime!(2028-02-29 10:00 UTC);
        assert_eq!(
            year_before(t),
            time::macros::datetime!(2027-02-28 10:00 UTC)
        );
        let t = time::macros::datetime!(2026-11-23 00:30 UTC);
        assert_eq!(
            year_before(t),
            time::macros::datetime!(2025-11-23 00:30 UTC)
        );
    }

    #[test]
    fn a_currency_is_three_letters() {
        assert_eq!(read_currency(" mxn").as_deref(), Some("MXN"));
        assert_eq!(read_currency("€"), None);
        assert_eq!(read_currency("EURO"), None);
    }
}
