//! A customer draft of either kind, so creating, merging and changing people and
//! organisations is one code path: a stored record turns back into a draft, a change is laid
//! over it, and the result is validated whole.
use std::collections::BTreeMap;
use vinculo_domain::customers::custom::{check_values, FieldDef};
use vinculo_domain::customers::{
    AddressDraft, AffiliationDraft, ContactPoint, Customer, FieldIssue, Kind, LabelledKey,
    OrganizationDraft, PersonDraft, PostalAddress,
};
use vinculo_domain::identity::{normalize_phone, IdentityKey, KeyKind, Region};
use vinculo_store::customers::CustomerRecord;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Draft {
    Person(PersonDraft),
    Organization(OrganizationDraft),
}

/// Which lists a change gives, and so replaces whole (the others are kept, or, in a merge,
/// united).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lists {
    pub emails: bool,
    pub phones: bool,
    pub external_ids: bool,
    pub tags: bool,
    pub addresses: bool,
    pub organizations: bool,
    pub domains: bool,
}

impl Draft {
    pub fn kind(&self) -> Kind {
        match self {
            Draft::Person(_) => Kind::Person,
            Draft::Organization(_) => Kind::Organization,
        }
    }

    /// Checks every field, custom fields against the workspace's `fields`.
    pub fn validate(
        &self,
        region: Region,
        stages: &[&str],
        fields: &[FieldDef],
    ) -> Result<Customer, Vec<FieldIssue>> {
        match self {
            Draft::Person(p) => with_custom(
                p.validate(region, stages),
                fields,
                Kind::Person,
                &p.custom_fields,
            ),
            Draft::Organization(o) => with_custom(
                o.validate(region, stages),
                fields,
                Kind::Organization,
                &o.custom_fields,
            ),
        }
    }

    /// A stored customer as a draft, so a change or a merge can be validated as a whole.
    /// Phones keep the spelling they were typed in when it still reads as the same number in
    /// `region` (the workspace's); otherwise (typed in another country's format, or the
    /// workspace's country changed since) their E.164 form, which reads the same anywhere.
    pub fn of(c: &CustomerRecord, region: Region) -> Draft {
        let points = |kind: KeyKind| -> Vec<ContactPoint> {
            c.keys
                .iter()
                .filter(|k| k.kind == kind)
                .map(|k| ContactPoint {
                    value: if kind == KeyKind::Phone
                        && normalize_phone(&k.display, region).as_deref() != Ok(k.value.as_str())
                    {
                        k.value.clone()
                    } else {
                        k.display.clone()
                    },
                    label: k.label.clone(),
                    primary: k.primary,
                })
                .collect()
        };
        let values = |kind: KeyKind| -> Vec<String> {
            c.keys
                .iter()
                .filter(|k| k.kind == kind)
                .map(|k| k.value.clone())
                .collect()
        };
        let addresses = c.addresses.iter().map(address_draft).collect();
        match c.kind {
            Kind::Person => Draft::Person(PersonDraft {
                given_name: c.given_name.clone(),
                family_name: c.family_name.clone(),
                display_name: Some(c.display_name.clone()),
                emails: points(KeyKind::Email),
                phones: points(KeyKind::Phone),
                external_ids: values(KeyKind::External),
                addresses,
                organizations: c
                    .affiliations
                    .iter()
                    .map(|a| AffiliationDraft {
                        organization_id: a.organization.to_string(),
                        title: a.title.clone(),
                    })
                    .collect(),
                language: c.language.clone(),
                timezone: c.timezone.clone(),
                birthday: c.birthday.map(|d| d.to_string()),
                lifecycle_stage: Some(c.lifecycle_stage.clone()),
                owner: c.owner.clone(),
                tags: c.tags.clone(),
                notes: c.notes.clone(),
                custom_fields: c.custom.clone(),
            }),
            Kind::Organization => Draft::Organization(OrganizationDraft {
                name: Some(c.display_name.clone()),
                domains: values(KeyKind::Domain),
                tax_id: c.tax_id.clone(),
                industry: c.industry.clone(),
                size: c.size.clone(),
                emails: points(KeyKind::Email),
                phones: points(KeyKind::Phone),
                external_ids: values(KeyKind::External),
                addresses,
                language: c.language.clone(),
                timezone: c.timezone.clone(),
                lifecycle_stage: Some(c.lifecycle_stage.clone()),
                owner: c.owner.clone(),
                tags: c.tags.clone(),
                notes: c.notes.clone(),
                custom_fields: c.custom.clone(),
            }),
        }
    }

    /// Empties the lists a change replaces.
    pub fn clear(&mut self, l: Lists) {
        fn clear<T>(on: bool, v: &mut Vec<T>) {
            if on {
                v.clear();
            }
        }
        match self {
            Draft::Person(p) => {
                clear(l.emails, &mut p.emails);
                clear(l.phones, &mut p.phones);
                clear(l.external_ids, &mut p.external_ids);
                clear(l.tags, &mut p.tags);
                clear(l.addresses, &mut p.addresses);
                clear(l.organizations, &mut p.organizations);
            }
            Draft::Organization(o) => {
                clear(l.emails, &mut o.emails);
                clear(l.phones, &mut o.phones);
                clear(l.external_ids, &mut o.external_ids);
                clear(l.tags, &mut o.tags);
                clear(l.addresses, &mut o.addresses);
                clear(l.domains, &mut o.domains);
            }
        }
    }

    /// `self` with every field `over` sets; lists are united. `None` when the kinds differ.
    pub fn overlay(self, over: Draft) -> Option<Draft> {
        let pick = |b: Option<String>, o: Option<String>| o.or(b);
        fn unite<T>(mut a: Vec<T>, b: Vec<T>) -> Vec<T> {
            a.extend(b);
            a
        }
        match (self, over) {
            (Draft::Person(b), Draft::Person(o)) => {
                // A new given or family name recomputes the display name unless one is given.
                let renamed = o.given_name.is_some() || o.family_name.is_some();
                let display_name =
                    o.display_name
                        .clone()
                        .or(if renamed { None } else { b.display_name });
                Some(Draft::Person(PersonDraft {
                    given_name: pick(b.given_name, o.given_name),
                    family_name: pick(b.family_name, o.family_name),
                    display_name,
                    emails: unite(b.emails, o.emails),
                    phones: unite(b.phones, o.phones),
                    external_ids: unite(b.external_ids, o.external_ids),
                    addresses: unite(b.addresses, o.addresses),
                    organizations: unite(b.organizations, o.organizations),
                    language: pick(b.language, o.language),
                    timezone: pick(b.timezone, o.timezone),
                    birthday: pick(b.birthday, o.birthday),
                    lifecycle_stage: pick(b.lifecycle_stage, o.lifecycle_stage),
                    owner: pick(b.owner, o.owner),
                    tags: unite(b.tags, o.tags),
                    notes: pick(b.notes, o.notes),
                    custom_fields: lay_over(b.custom_fields, o.custom_fields),
                }))
            }
            (Draft::Organization(b), Draft::Organization(o)) => {
                Some(Draft::Organization(OrganizationDraft {
                    name: pick(b.name, o.name),
                    domains: unite(b.domains, o.domains),
                    tax_id: pick(b.tax_id, o.tax_id),
                    industry: pick(b.industry, o.industry),
                    size: pick(b.size, o.size),
                    emails: unite(b.emails, o.emails),
                    phones: unite(b.phones, o.phones),
                    external_ids: unite(b.external_ids, o.external_ids),
                    addresses: unite(b.addresses, o.addresses),
                    language: pick(b.language, o.language),
                    timezone: pick(b.timezone, o.timezone),
                    lifecycle_stage: pick(b.lifecycle_stage, o.lifecycle_stage),
                    owner: pick(b.owner, o.owner),
                    tags: unite(b.tags, o.tags),
                    notes: pick(b.notes, o.notes),
                    custom_fields: lay_over(b.custom_fields, o.custom_fields),
                }))
            }
            _ => None,
        }
    }
}

/// The core fields' result with the custom fields checked too: every problem of both.
pub(crate) fn with_custom(
    core: Result<Customer, Vec<FieldIssue>>,
    fields: &[FieldDef],
    kind: Kind,
    given: &BTreeMap<String, serde_json::Value>,
) -> Result<Customer, Vec<FieldIssue>> {
    match (core, check_values(fields, kind, given)) {
        (Ok(mut c), Ok(values)) => {
            c.custom = values;
            Ok(c)
        }
        (Err(mut a), Err(b)) => {
            a.extend(b);
            Err(a)
        }
        (Err(a), Ok(_)) | (Ok(_), Err(a)) => Err(a),
    }
}

/// Custom values laid over others: a key given replaces (null clears).
fn lay_over(
    mut base: BTreeMap<String, serde_json::Value>,
    o: BTreeMap<String, serde_json::Value>,
) -> BTreeMap<String, serde_json::Value> {
    base.extend(o);
    base
}

fn address_draft(a: &PostalAddress) -> AddressDraft {
    AddressDraft {
        label: a.label.clone(),
        street: a.street.clone(),
        city: a.city.clone(),
        region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
        primary: a.primary,
    }
}

/// A stored record as the validated shape, without re-validating it (for recomputing search
/// terms: stored data may predate a rule, and must stay findable).
pub fn customer_of(c: &CustomerRecord) -> Customer {
    Customer {
        kind: c.kind,
        given_name: c.given_name.clone(),
        family_name: c.family_name.clone(),
        display_name: c.display_name.clone(),
        keys: c
            .keys
            .iter()
            .map(|k| LabelledKey {
                key: IdentityKey {
                    kind: k.kind,
                    value: k.value.clone(),
                    display: k.display.clone(),
                },
                label: k.label.clone(),
                primary: k.primary,
            })
            .collect(),
        addresses: c.addresses.clone(),
        affiliations: Vec::new(),
        language: c.language.clone(),
        timezone: c.timezone.clone(),
        birthday: c.birthday,
        tax_id: c.tax_id.clone(),
        industry: c.industry.clone(),
        size: c.size.clone(),
        lifecycle_stage: c.lifecycle_stage.clone(),
        owner: c.owner.as_deref().and_then(|o| o.parse().ok()),
        tags: c.tags.clone(),
        notes: c.notes.clone(),
        // Search terms do not read custom fields.
        custom: Vec::new(),
    }
}
