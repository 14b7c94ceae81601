//! Customers: people (and, next, organisations) with their identity keys, lifecycle stage,
//! owner, tags and notes. A draft from the API or an import is validated field by field, so
//! one answer lists every problem (`emails[1]: … is not an e-mail address`).
pub mod consent;
pub mod search;

use crate::identity::{IdentityKey, KeyError, Region};
use crate::ownership::Owner;
use serde::{Deserialize, Serialize};

/// Stages a workspace starts with; the order is the funnel's.
pub const DEFAULT_STAGES: [&str; 5] = ["prospect", "lead", "customer", "inactive", "churned"];

/// One e-mail or phone as entered, with an optional label ("work", "móvil").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPoint {
    pub value: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub primary: bool,
}

/// A person as submitted: nothing checked yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDraft {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    #[serde(default)]
    pub emails: Vec<ContactPoint>,
    #[serde(default)]
    pub phones: Vec<ContactPoint>,
    #[serde(default)]
    pub external_ids: Vec<String>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthday: Option<String>,
    pub lifecycle_stage: Option<String>,
    /// `user:<id>` or `team:<id>`.
    pub owner: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub notes: Option<String>,
}

/// An identity key with the label and primary flag it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelledKey {
    pub key: IdentityKey,
    pub label: Option<String>,
    pub primary: bool,
}

/// A person that passed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: String,
    pub keys: Vec<LabelledKey>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<time::Date>,
    pub lifecycle_stage: String,
    pub owner: Option<Owner>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
}

/// One field's problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: String,
    pub message: String,
}

const MAX_NAME: usize = 200;
const MAX_NOTES: usize = 20_000;
const MAX_TAG: usize = 50;
const MAX_LIST: usize = 50;

fn text(
    field: &str,
    v: &Option<String>,
    max: usize,
    issues: &mut Vec<FieldIssue>,
) -> Option<String> {
    let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    if s.chars().count() > max {
        issues.push(FieldIssue {
            field: field.into(),
            message: format!("longer than {max} characters"),
        });
        return None;
    }
    Some(s.to_owned())
}

fn label(field: String, v: &Option<String>, issues: &mut Vec<FieldIssue>) -> Option<String> {
    text(&field, v, 40, issues)
}

/// Marks the first key of a kind primary when none was.
fn ensure_one_primary(keys: &mut [LabelledKey]) {
    for kind in [
        crate::identity::KeyKind::Email,
        crate::identity::KeyKind::Phone,
    ] {
        let of_kind: Vec<usize> = keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.key.kind == kind)
            .map(|(i, _)| i)
            .collect();
        let mut seen = false;
        for &i in &of_kind {
            if keys[i].primary && seen {
                keys[i].primary = false;
            }
            seen |= keys[i].primary;
        }
        if !seen {
            if let Some(&first) = of_kind.first() {
                keys[first].primary = true;
            }
        }
    }
}

impl PersonDraft {
    /// Checks every field. `region` reads phones without a country code; `stages` are the
    /// workspace's lifecycle stages (the first is the default).
    pub fn validate(&self, region: Region, stages: &[&str]) -> Result<Person, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let given_name = text("given_name", &self.given_name, MAX_NAME, &mut issues);
        let family_name = text("family_name", &self.family_name, MAX_NAME, &mut issues);
        let mut keys: Vec<LabelledKey> = Vec::new();
        let mut push = |field: String,
                        parsed: Result<IdentityKey, KeyError>,
                        l: Option<String>,
                        primary: bool,
                        issues: &mut Vec<FieldIssue>| match parsed {
            Ok(key)
                if keys
                    .iter()
                    .any(|k| k.key.kind == key.kind && k.key.value == key.value) => {}
            Ok(key) => keys.push(LabelledKey {
                key,
                label: l,
                primary,
            }),
            Err(e) => issues.push(FieldIssue {
                field,
                message: e.to_string(),
            }),
        };
        for (name, list) in [("emails", &self.emails), ("phones", &self.phones)] {
            if list.len() > MAX_LIST {
                issues.push(FieldIssue {
                    field: name.into(),
                    message: format!("at most {MAX_LIST}"),
                });
                continue;
            }
            for (i, c) in list.iter().enumerate() {
                let field = format!("{name}[{i}]");
                let l = label(format!("{field}.label"), &c.label, &mut issues);
                let parsed = if name == "emails" {
                    IdentityKey::email(&c.value)
                } else {
                    IdentityKey::phone(&c.value, region)
                };
                push(field, parsed, l, c.primary, &mut issues);
            }
        }
        for (i, x) in self.external_ids.iter().enumerate().take(MAX_LIST) {
            push(
                format!("external_ids[{i}]"),
                IdentityKey::external(x),
                None,
                false,
                &mut issues,
            );
        }
        ensure_one_primary(&mut keys);
        let display_name = text("display_name", &self.display_name, MAX_NAME, &mut issues)
            .or_else(|| {
                let joined = [given_name.as_deref(), family_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!joined.is_empty()).then_some(joined)
            })
            .or_else(|| {
                keys.iter()
                    .find(|k| k.primary)
                    .map(|k| k.key.display.clone())
            });
        if display_name.is_none() && issues.is_empty() {
            issues.push(FieldIssue {
                field: "display_name".into(),
                message: "give a name, an e-mail or a phone".into(),
            });
        }
        let language = text("language", &self.language, 35, &mut issues);
        let timezone = text("timezone", &self.timezone, 64, &mut issues);
        let birthday = self
            .birthday
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|s| {
                let parsed =
                    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"));
                match parsed {
                    Ok(d) if d.year() >= 1900 => Some(d),
                    _ => {
                        issues.push(FieldIssue {
                            field: "birthday".into(),
                            message: format!("{s:?} is not a date like 1985-04-23"),
                        });
                        None
                    }
                }
            });
        let stage = match self
            .lifecycle_stage
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
        {
            None => stages.first().map(|s| (*s).to_owned()).unwrap_or_default(),
            Some(s) if stages.contains(&s.as_str()) => s,
            Some(s) => {
                issues.push(FieldIssue {
                    field: "lifecycle_stage".into(),
                    message: format!("unknown stage {s:?}: use one of {}", stages.join(", ")),
                });
                String::new()
            }
        };
        let owner = self
            .owner
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|s| match s.parse::<Owner>() {
                Ok(o) => Some(o),
                Err(e) => {
                    issues.push(FieldIssue {
                        field: "owner".into(),
                        message: e.to_string(),
                    });
                    None
                }
            });
        let mut tags: Vec<String> = Vec::new();
        for (i, t) in self.tags.iter().enumerate() {
            let t = t.trim();
            if t.is_empty() || t.chars().count() > MAX_TAG {
                issues.push(FieldIssue {
                    field: format!("tags[{i}]"),
                    message: format!("a tag has 1 to {MAX_TAG} characters"),
                });
            } else if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                tags.push(t.to_owned());
            }
        }
        let notes = text("notes", &self.notes, MAX_NOTES, &mut issues);
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(Person {
            given_name,
            family_name,
            display_name: display_name.unwrap_or_default(),
            keys,
            language,
            timezone,
            birthday,
            lifecycle_stage: stage,
            owner,
            tags,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp(v: &str) -> ContactPoint {
        ContactPoint {
            value: v.into(),
            ..ContactPoint::default()
        }
    }

    #[test]
    fn a_valid_person_gets_normalised_keys_a_display_name_and_the_first_stage() {
        let d = PersonDraft {
            given_name: Some(" José ".into()),
            family_name: Some("Núñez".into()),
            emails: vec![
                cp("Jose@Example.com"),
                cp("jose@example.com"),
                ContactPoint {
                    value: "jn@work.es".into(),
                    label: Some("work".into()),
                    primary: true,
                },
            ],
            phones: vec![cp("612 34 56 78")],
            external_ids: vec!["ERP:C-1".into()],
            tags: vec!["VIP".into(), "vip".into(), "Madrid".into()],
            ..PersonDraft::default()
        };
        let p = d.validate(Region::ES, &DEFAULT_STAGES).expect("valid");
        assert_eq!(p.display_name, "José Núñez");
        assert_eq!(p.lifecycle_stage, "prospect");
        assert_eq!(p.tags, vec!["VIP", "Madrid"]);
        let values: Vec<&str> = p.keys.iter().map(|k| k.key.value.as_str()).collect();
        assert_eq!(
            values,
            vec!["jose@example.com", "jn@work.es", "+34612345678", "erp:C-1"],
            "duplicates collapse"
        );
        let primary_email = p
            .keys
            .iter()
            .find(|k| k.primary && k.key.kind == crate::identity::KeyKind::Email)
            .expect("primary");
        assert_eq!(
            primary_email.key.value, "jn@work.es",
            "an explicit primary wins"
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once_with_its_position() {
        let d = PersonDraft {
            emails: vec![cp("ok@example.com"), cp("not-an-email")],
            phones: vec![cp("123")],
            birthday: Some("23/04/1985".into()),
            lifecycle_stage: Some("vip".into()),
            owner: Some("someone".into()),
            ..PersonDraft::default()
        };
        let issues = d
            .validate(Region::ES, &DEFAULT_STAGES)
            .expect_err("invalid");
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "emails[1]",
                "phones[0]",
                "birthday",
                "lifecycle_stage",
                "owner"
            ]
        );
    }

    #[test]
    fn a_person_needs_something_to_be_called_by() {
        let issues = PersonDraft::default()
            .validate(Region::ES, &DEFAULT_STAGES)
            .expect_err("empty");
        assert_eq!(issues[0].field, "display_name");
        let p = PersonDraft {
            phones: vec![cp("+34 612 34 56 78")],
            ..PersonDraft::default()
        }
        .validate(Region::ES, &DEFAULT_STAGES)
        .expect("phone only");
        assert_eq!(p.display_name, "+34 612 34 56 78");
    }
}
