//! Organisations (companies, public bodies, associations): a name, web domains (identity keys,
//! so the same company is found whichever address it was typed with), tax id, industry, size,
//! addresses, phones and e-mails, plus the stage, owner, tags and notes every customer has.
use super::fields::{Checker, MAX_NAME, MAX_NOTES};
use super::{AddressDraft, ContactPoint, Customer, FieldIssue, Kind};
use crate::identity::{IdentityKey, Region};
use serde::{Deserialize, Serialize};

/// Head-count bands, as most CRMs and business registers use them.
pub const SIZES: [&str; 7] = [
    "1-9",
    "10-49",
    "50-249",
    "250-999",
    "1000-4999",
    "5000-9999",
    "10000+",
];

/// An organisation as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationDraft {
    pub name: Option<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    /// VAT number, CIF/NIF, RFC, CUIT, EIN…; kept as typed, uppercased, without spaces.
    pub tax_id: Option<String>,
    pub industry: Option<String>,
    /// One of [`SIZES`].
    pub size: Option<String>,
    #[serde(default)]
    pub emails: Vec<ContactPoint>,
    #[serde(default)]
    pub phones: Vec<ContactPoint>,
    #[serde(default)]
    pub external_ids: Vec<String>,
    #[serde(default)]
    pub addresses: Vec<AddressDraft>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub owner: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub notes: Option<String>,
    /// Custom fields by key, as for a person.
    #[serde(default)]
    pub custom_fields: std::collections::BTreeMap<String, serde_json::Value>,
}

impl OrganizationDraft {
    /// Checks every field, like [`super::PersonDraft::validate`].
    pub fn validate(&self, region: Region, stages: &[&str]) -> Result<Customer, Vec<FieldIssue>> {
        let mut c = Checker::default();
        let name = c.text("name", &self.name, MAX_NAME);
        if name.is_none() && !c.issues.iter().any(|i| i.field == "name") {
            c.issue("name", super::Problem::NoOrganizationName);
        }
        c.plain_keys("domains", &self.domains, IdentityKey::domain);
        c.contacts("emails", &self.emails, IdentityKey::email);
        c.contacts("phones", &self.phones, |v| IdentityKey::phone(v, region));
        c.plain_keys("external_ids", &self.external_ids, IdentityKey::external);
        c.ensure_one_primary();
        let tax_id = c
            .text("tax_id", &self.tax_id, 40)
            .map(|t| t.replace([' ', '.'], "").to_uppercase());
        let industry = c.text("industry", &self.industry, 100);
        let size = c.text("size", &self.size, 20).and_then(|s| {
            let s = s.replace(' ', "");
            if SIZES.contains(&s.as_str()) {
                Some(s)
            } else {
                c.issue(
                    "size",
                    super::Problem::NotASize {
                        value: s.to_owned(),
                    },
                );
                None
            }
        });
        let addresses = c.addresses(&self.addresses);
        let language = c.text("language", &self.language, 35);
        let timezone = c.text("timezone", &self.timezone, 64);
        let lifecycle_stage = c.stage(&self.lifecycle_stage, stages);
        let owner = c.owner(&self.owner);
        let tags = c.tags(&self.tags);
        let notes = c.text("notes", &self.notes, MAX_NOTES);
        if !c.issues.is_empty() {
            return Err(c.issues);
        }
        Ok(Customer {
            kind: Kind::Organization,
            given_name: None,
            family_name: None,
            display_name: name.unwrap_or_default(),
            keys: c.keys,
            addresses,
            affiliations: Vec::new(),
            language,
            timezone,
            birthday: None,
            tax_id,
            industry,
            size,
            lifecycle_stage,
            owner,
            tags,
            notes,
            custom: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::DEFAULT_STAGES;
    use crate::identity::KeyKind;

    #[test]
    fn an_organisation_gets_domain_and_phone_keys_and_a_clean_tax_id() {
        let o = OrganizationDraft {
            name: Some(" Ferretería Núñez S.L. ".into()),
            domains: vec![
                "https://www.ferreterianunez.es/".into(),
                "FerreteriaNunez.es".into(),
            ],
            tax_id: Some("b 12.345.678".into()),
            size: Some("10 - 49".into()),
            phones: vec![ContactPoint {
                value: "91 123 45 67".into(),
                ..ContactPoint::default()
            }],
            ..OrganizationDraft::default()
        }
        .validate(Region::ES, &DEFAULT_STAGES)
        .expect("valid");
        assert_eq!(o.kind, Kind::Organization);
        assert_eq!(o.display_name, "Ferretería Núñez S.L.");
        assert_eq!(o.tax_id.as_deref(), Some("B12345678"));
        assert_eq!(o.size.as_deref(), Some("10-49"));
        let keys: Vec<(KeyKind, &str)> = o
            .keys
            .iter()
            .map(|k| (k.key.kind, k.key.value.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                (KeyKind::Domain, "ferreterianunez.es"),
                (KeyKind::Phone, "+34911234567")
            ]
        );
    }

    #[test]
    fn every_bad_field_of_an_organisation_is_reported() {
        let issues = OrganizationDraft {
            domains: vec!["not a domain".into()],
            size: Some("huge".into()),
            lifecycle_stage: Some("vip".into()),
            ..OrganizationDraft::default()
        }
        .validate(Region::ES, &DEFAULT_STAGES)
        .expect_err("invalid");
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["name", "domains[0]", "size", "lifecycle_stage"]);
    }
}
