//! Merging customers into one: which ids may be merged, and the survivor's record built from
//! everyone's. A field the user chose ("given_name from this one") comes from that customer;
//! any other field keeps the survivor's value, or takes the first loser's when the survivor
//! has none. Lists (e-mails, phones, ids, domains, addresses, tags, organisations) are united
//! without repeats, the survivor's primary flags kept; notes are joined. Nothing here reads or
//! writes: the use case loads the customers and stores the result.
use super::custom::FieldDef;
use super::{Customer, FieldIssue, Kind, LabelledKey, PostalAddress, Problem};
use crate::identity::KeyKind;
use crate::ids::CustomerId;
use std::collections::BTreeMap;

/// The most customers merged into a survivor at once: a merge is a person's decision about
/// each one, and a screen compares a handful side by side.
pub const MAX_MERGED: usize = 20;

/// A field whose value a merge takes from one customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MergeField {
    DisplayName,
    GivenName,
    FamilyName,
    Language,
    Timezone,
    Birthday,
    TaxId,
    Industry,
    Size,
    LifecycleStage,
    Owner,
    Notes,
    /// A custom field, by its id.
    Custom(uuid::Uuid),
}

const PERSON_FIELDS: [(&str, MergeField); 9] = [
    ("display_name", MergeField::DisplayName),
    ("given_name", MergeField::GivenName),
    ("family_name", MergeField::FamilyName),
    ("birthday", MergeField::Birthday),
    ("language", MergeField::Language),
    ("timezone", MergeField::Timezone),
    ("lifecycle_stage", MergeField::LifecycleStage),
    ("owner", MergeField::Owner),
    ("notes", MergeField::Notes),
];

const ORGANIZATION_FIELDS: [(&str, MergeField); 10] = [
    ("name", MergeField::DisplayName),
    ("display_name", MergeField::DisplayName),
    ("tax_id", MergeField::TaxId),
    ("industry", MergeField::Industry),
    ("size", MergeField::Size),
    ("language", MergeField::Language),
    ("timezone", MergeField::Timezone),
    ("lifecycle_stage", MergeField::LifecycleStage),
    ("owner", MergeField::Owner),
    ("notes", MergeField::Notes),
];

impl MergeField {
    /// The fields of `kind` a merge lets a person choose, by name (custom fields are
    /// `custom_fields.<key>`).
    pub fn names(kind: Kind) -> Vec<&'static str> {
        match kind {
            Kind::Person => PERSON_FIELDS.iter().map(|(n, _)| *n).collect(),
            Kind::Organization => ORGANIZATION_FIELDS.iter().map(|(n, _)| *n).collect(),
        }
    }

    /// The field called `name` on a customer of `kind`, custom fields among `defs`.
    pub fn parse(name: &str, kind: Kind, defs: &[FieldDef]) -> Option<MergeField> {
        if let Some(key) = name.strip_prefix("custom_fields.") {
            return defs
                .iter()
                .find(|d| d.key == key && d.applies_to.includes(kind))
                .map(|d| MergeField::Custom(d.id));
        }
        let table: &[(&str, MergeField)] = match kind {
            Kind::Person => &PERSON_FIELDS,
            Kind::Organization => &ORGANIZATION_FIELDS,
        };
        table.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }
}

/// One of the customers being merged.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    pub id: CustomerId,
    pub customer: &'a Customer,
}

/// Checks the ids of a merge before anything is loaded: at least one customer to merge, at
/// most [`MAX_MERGED`], none twice, and not the survivor itself.
pub fn check_ids(survivor: CustomerId, merged: &[CustomerId]) -> Result<(), Vec<FieldIssue>> {
    if merged.is_empty() {
        return Err(vec![FieldIssue::new("merge", Problem::Missing)]);
    }
    if merged.len() > MAX_MERGED {
        return Err(vec![FieldIssue::new(
            "merge",
            Problem::TooMany { max: MAX_MERGED },
        )]);
    }
    let mut issues = Vec::new();
    for (i, id) in merged.iter().enumerate() {
        if *id == survivor {
            issues.push(FieldIssue::new(
                format!("merge[{i}]"),
                Problem::SurvivorMerged,
            ));
        } else if merged[..i].contains(id) {
            issues.push(FieldIssue::new(format!("merge[{i}]"), Problem::Repeated));
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

/// The survivor's record after the merge (see the module note). `fields` are the person's
/// choices, field name to customer id as given; every problem is reported at once, named
/// `merge[i]` (a customer of the other kind) or `fields.<name>`.
pub fn merge(
    survivor: Side<'_>,
    losers: &[Side<'_>],
    fields: &BTreeMap<String, String>,
    defs: &[FieldDef],
) -> Result<Customer, Vec<FieldIssue>> {
    let kind = survivor.customer.kind;
    let mut issues = Vec::new();
    for (i, l) in losers.iter().enumerate() {
        if l.customer.kind != kind {
            issues.push(FieldIssue::new(format!("merge[{i}]"), Problem::OtherKind));
        }
    }
    let mut winners: BTreeMap<MergeField, usize> = BTreeMap::new();
    let all: Vec<Side<'_>> = std::iter::once(survivor)
        .chain(losers.iter().copied())
        .collect();
    for (name, id) in fields {
        let at = format!("fields.{name}");
        let Some(field) = MergeField::parse(name, kind, defs) else {
            let mut names: Vec<String> = MergeField::names(kind)
                .into_iter()
                .map(str::to_owned)
                .collect();
            names.push("custom_fields.<key>".into());
            issues.push(FieldIssue::new(
                at,
                Problem::NotAMergeField { fields: names },
            ));
            continue;
        };
        match id.trim().parse::<CustomerId>() {
            Err(_) => issues.push(FieldIssue::new(at, Problem::NotACustomerId(id.clone()))),
            Ok(id) => match all.iter().position(|s| s.id == id) {
                Some(i) => {
                    winners.insert(field, i);
                }
                None => issues.push(FieldIssue::new(at, Problem::NotMerged(id.to_string()))),
            },
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let customers: Vec<&Customer> = all.iter().map(|s| s.customer).collect();
    Ok(build(&customers, &winners))
}

/// The merged record of `all` (survivor first) with the chosen `winners` (field to index).
fn build(all: &[&Customer], winners: &BTreeMap<MergeField, usize>) -> Customer {
    let s = all[0];
    // The chosen customer's value, else the first that has one, the survivor first.
    fn pick<T: Clone>(
        all: &[&Customer],
        winners: &BTreeMap<MergeField, usize>,
        field: MergeField,
        get: impl Fn(&Customer) -> Option<T>,
    ) -> Option<T> {
        match winners.get(&field) {
            Some(i) => all.get(*i).and_then(|c| get(c)),
            None => all.iter().find_map(|c| get(c)),
        }
    }
    let text = |field: MergeField, get: fn(&Customer) -> &Option<String>| {
        pick(all, winners, field, |c| get(c).clone())
    };
    let notes = match winners.get(&MergeField::Notes) {
        Some(i) => all.get(*i).and_then(|c| c.notes.clone()),
        None => {
            let mut seen: Vec<&str> = Vec::new();
            for n in all.iter().filter_map(|c| c.notes.as_deref()) {
                if !seen.contains(&n) {
                    seen.push(n);
                }
            }
            (!seen.is_empty()).then(|| seen.join("\n\n"))
        }
    };
    Customer {
        kind: s.kind,
        given_name: text(MergeField::GivenName, |c| &c.given_name),
        family_name: text(MergeField::FamilyName, |c| &c.family_name),
        display_name: pick(all, winners, MergeField::DisplayName, |c| {
            Some(c.display_name.clone()).filter(|n| !n.is_empty())
        })
        .unwrap_or_else(|| s.display_name.clone()),
        keys: keys(all),
        addresses: addresses(all),
        affiliations: {
            let mut out: Vec<super::Affiliation> = Vec::new();
            for a in all.iter().flat_map(|c| &c.affiliations) {
                if !out.iter().any(|x| x.organization == a.organization) {
                    out.push(a.clone());
                }
            }
            out
        },
        language: text(MergeField::Language, |c| &c.language),
        timezone: text(MergeField::Timezone, |c| &c.timezone),
        birthday: pick(all, winners, MergeField::Birthday, |c| c.birthday),
        tax_id: text(MergeField::TaxId, |c| &c.tax_id),
        industry: text(MergeField::Industry, |c| &c.industry),
        size: text(MergeField::Size, |c| &c.size),
        lifecycle_stage: pick(all, winners, MergeField::LifecycleStage, |c| {
            Some(c.lifecycle_stage.clone()).filter(|st| !st.is_empty())
        })
        .unwrap_or_else(|| s.lifecycle_stage.clone()),
        owner: pick(all, winners, MergeField::Owner, |c| c.owner),
        tags: {
            let mut out: Vec<String> = Vec::new();
            for t in all.iter().flat_map(|c| &c.tags) {
                if !out.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                    out.push(t.clone());
                }
            }
            out
        },
        notes,
        custom: {
            let mut fields: Vec<uuid::Uuid> = Vec::new();
            for v in all.iter().flat_map(|c| &c.custom) {
                if !fields.contains(&v.field) {
                    fields.push(v.field);
                }
            }
            fields
                .into_iter()
                .filter_map(|f| {
                    pick(all, winners, MergeField::Custom(f), |c| {
                        c.custom.iter().find(|v| v.field == f).cloned()
                    })
                })
                .collect()
        },
    }
}

/// Everyone's keys, the survivor's first, each once; only the survivor's stay primary, and a
/// kind that then has no primary e-mail or phone gets its first one.
fn keys(all: &[&Customer]) -> Vec<LabelledKey> {
    let mut out: Vec<LabelledKey> = Vec::new();
    for (i, c) in all.iter().enumerate() {
        for k in &c.keys {
            if out
                .iter()
                .any(|x| x.key.kind == k.key.kind && x.key.value == k.key.value)
            {
                continue;
            }
            out.push(LabelledKey {
                primary: k.primary && i == 0,
                ..k.clone()
            });
        }
    }
    for kind in [KeyKind::Email, KeyKind::Phone] {
        if !out.iter().any(|k| k.key.kind == kind && k.primary) {
            if let Some(first) = out.iter_mut().find(|k| k.key.kind == kind) {
                first.primary = true;
            }
        }
    }
    out
}

/// Everyone's addresses, each place once; the survivor's primary stays the one primary.
fn addresses(all: &[&Customer]) -> Vec<PostalAddress> {
    let place = |a: &PostalAddress| PostalAddress {
        primary: false,
        ..a.clone()
    };
    let mut out: Vec<PostalAddress> = Vec::new();
    for (i, c) in all.iter().enumerate() {
        for a in &c.addresses {
            match out.iter_mut().find(|b| place(b) == place(a)) {
                Some(b) => b.primary |= a.primary && i == 0,
                None => out.push(PostalAddress {
                    primary: a.primary && i == 0,
                    ..a.clone()
                }),
            }
        }
    }
    let first = out.iter().position(|a| a.primary).unwrap_or(0);
    for (i, a) in out.iter_mut().enumerate() {
        a.primary = i == first;
    }
    out
}

#[cfg(test)]
mod tests;
