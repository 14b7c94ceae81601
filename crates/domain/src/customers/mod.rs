//! Customers: people and organisations, with their identity keys, addresses, lifecycle
//! stage, owner, tags and notes; people link to organisations with a title. A draft from the
//! API or an import is validated field by field, so one answer lists every problem
//! (`emails[1]: … is not an e-mail address`). Both kinds validate into one [`Customer`], the
//! shape the store writes.
pub mod address;
pub mod consent;
pub mod custom;
mod fields;
pub mod import;
pub mod merge;
pub mod organization;
pub mod problem;
pub mod search;
pub mod tier;
pub mod vcard;

pub use address::{AddressDraft, PostalAddress};
pub use organization::{OrganizationDraft, SIZES};
pub use problem::Problem;

use crate::identity::{IdentityKey, Region};
use crate::ids::CustomerId;
use crate::ownership::Owner;
use fields::{Checker, MAX_LIST, MAX_NAME, MAX_NOTES};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Stages a workspace starts with; the order is the funnel's.
pub const DEFAULT_STAGES: [&str; 5] = ["prospect", "lead", "customer", "inactive", "churned"];

/// Person or organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Person,
    Organization,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organization => "organization",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "person" => Some(Kind::Person),
            "organization" => Some(Kind::Organization),
            _ => None,
        }
    }
}

/// One e-mail or phone as entered, with an optional label ("work", "móvil").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPoint {
    pub value: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub primary: bool,
}

/// A person's link to an organisation, as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffiliationDraft {
    pub organization_id: String,
    /// Role or job title at the organisation ("Directora de compras").
    #[serde(default)]
    pub title: Option<String>,
}

/// A checked link to an organisation (whether it exists is the use case's question).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affiliation {
    pub organization: CustomerId,
    pub title: Option<String>,
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
    #[serde(default)]
    pub addresses: Vec<AddressDraft>,
    #[serde(default)]
    pub organizations: Vec<AffiliationDraft>,
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
    /// Custom fields by key: each value in its type's JSON or as text (see [`custom`]); null
    /// or blank clears the field.
    #[serde(default)]
    pub custom_fields: BTreeMap<String, serde_json::Value>,
}

/// An identity key with the label and primary flag it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelledKey {
    pub key: IdentityKey,
    pub label: Option<String>,
    pub primary: bool,
}

/// A customer that passed validation: a person (names, birthday, organisations) or an
/// organisation (tax id, industry, size, domains among its keys).
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub kind: Kind,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: String,
    pub keys: Vec<LabelledKey>,
    pub addresses: Vec<PostalAddress>,
    pub affiliations: Vec<Affiliation>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<time::Date>,
    pub tax_id: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub lifecycle_stage: String,
    pub owner: Option<Owner>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    /// Checked custom field values (filled by [`custom::check_values`]).
    pub custom: Vec<CustomValue>,
}

/// A custom field's checked value: canonical JSON and what lists filter and sort on.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomValue {
    pub field: uuid::Uuid,
    pub value: serde_json::Value,
    pub index: custom::Indexed,
}

/// One field's problem: where (`emails[1].value`) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: String,
    pub problem: Problem,
}

impl FieldIssue {
    pub fn new(field: impl Into<String>, problem: Problem) -> FieldIssue {
        FieldIssue {
            field: field.into(),
            problem,
        }
    }

    /// The problem in English (the API's `message`).
    pub fn message(&self) -> String {
        self.problem.to_string()
    }
}

impl PersonDraft {
    /// Checks every field. `region` reads phones without a country code; `stages` are the
    /// workspace's lifecycle stages (the first is the default).
    pub fn validate(&self, region: Region, stages: &[&str]) -> Result<Customer, Vec<FieldIssue>> {
        let mut c = Checker::default();
        let given_name = c.text("given_name", &self.given_name, MAX_NAME);
        let family_name = c.text("family_name", &self.family_name, MAX_NAME);
        c.contacts("emails", &self.emails, IdentityKey::email);
        c.contacts("phones", &self.phones, |v| IdentityKey::phone(v, region));
        c.plain_keys("external_ids", &self.external_ids, IdentityKey::external);
        c.ensure_one_primary();
        let display_name = c
            .text("display_name", &self.display_name, MAX_NAME)
            .or_else(|| {
                let joined = [given_name.as_deref(), family_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!joined.is_empty()).then_some(joined)
            })
            .or_else(|| {
                c.keys
                    .iter()
                    .find(|k| k.primary)
                    .map(|k| k.key.display.clone())
            });
        if display_name.is_none() && c.issues.is_empty() {
            c.issue("display_name", Problem::NoName);
        }
        let addresses = c.addresses(&self.addresses);
        let affiliations = self.affiliations(&mut c);
        let language = c.text("language", &self.language, 35);
        let timezone = c.text("timezone", &self.timezone, 64);
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
                        c.issue(
                            "birthday",
                            Problem::NotADate {
                                value: s.to_owned(),
                                example: "1985-04-23",
                            },
                        );
                        None
                    }
                }
            });
        let lifecycle_stage = c.stage(&self.lifecycle_stage, stages);
        let owner = c.owner(&self.owner);
        let tags = c.tags(&self.tags);
        let notes = c.text("notes", &self.notes, MAX_NOTES);
        if !c.issues.is_empty() {
            return Err(c.issues);
        }
        Ok(Customer {
            kind: Kind::Person,
            given_name,
            family_name,
            display_name: display_name.unwrap_or_default(),
            keys: c.keys,
            addresses,
            affiliations,
            language,
            timezone,
            birthday,
            tax_id: None,
            industry: None,
            size: None,
            lifecycle_stage,
            owner,
            tags,
            notes,
            custom: Vec::new(),
        })
    }

    fn affiliations(&self, c: &mut Checker) -> Vec<Affiliation> {
        if self.organizations.len() > MAX_LIST {
            c.issue("organizations", Problem::TooMany { max: MAX_LIST });
            return Vec::new();
        }
        let mut out: Vec<Affiliation> = Vec::new();
        for (i, a) in self.organizations.iter().enumerate() {
            let title = c.text(&format!("organizations[{i}].title"), &a.title, MAX_NAME);
            match a.organization_id.trim().parse::<CustomerId>() {
                Ok(id) if !out.iter().any(|x| x.organization == id) => out.push(Affiliation {
                    organization: id,
                    title,
                }),
                Ok(_) => {}
                Err(_) => c.issue(
                    format!("organizations[{i}].organization_id"),
                    Problem::NotAnOrganizationId(a.organization_id.clone()),
                ),
            }
        }
        out
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
