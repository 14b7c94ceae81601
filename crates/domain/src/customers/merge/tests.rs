//! The merged record: chosen fields, gaps filled from losers, lists united, notes joined.
use super::*;
use crate::customers::custom::{AppliesTo, FieldType, Indexed};
use crate::customers::{Affiliation, ContactPoint, CustomValue, PersonDraft, DEFAULT_STAGES};
use crate::identity::Region;

fn person(d: PersonDraft) -> Customer {
    d.validate(Region::ES, &DEFAULT_STAGES).expect("valid")
}

fn cp(v: &str, primary: bool) -> ContactPoint {
    ContactPoint {
        value: v.into(),
        label: None,
        primary,
    }
}

fn ana() -> Customer {
    person(PersonDraft {
        given_name: Some("Ana".into()),
        emails: vec![cp("ana@example.com", true)],
        tags: vec!["VIP".into()],
        notes: Some("Prefiere las mañanas".into()),
        lifecycle_stage: Some("customer".into()),
        ..PersonDraft::default()
    })
}

fn ana_garcia() -> Customer {
    person(PersonDraft {
        given_name: Some("Ana María".into()),
        family_name: Some("García".into()),
        emails: vec![cp("ANA@example.com", false), cp("amg@work.es", true)],
        phones: vec![cp("612 34 56 78", true)],
        tags: vec!["vip".into(), "Madrid".into()],
        birthday: Some("1985-04-23".into()),
        notes: Some("Llamar al móvil".into()),
        ..PersonDraft::default()
    })
}

fn ids() -> (CustomerId, CustomerId) {
    (CustomerId::new(), CustomerId::new())
}

#[test]
fn the_survivor_keeps_its_fields_and_fills_its_gaps_from_the_loser() {
    let (s, l) = ids();
    let (a, b) = (ana(), ana_garcia());
    let m = merge(
        Side {
            id: s,
            customer: &a,
        },
        &[Side {
            id: l,
            customer: &b,
        }],
        &BTreeMap::new(),
        &[],
    )
    .expect("merged");
    assert_eq!(
        m.given_name.as_deref(),
        Some("Ana"),
        "the survivor's own value"
    );
    assert_eq!(m.family_name.as_deref(), Some("García"), "a gap filled");
    assert_eq!(
        m.birthday.map(|d| d.to_string()).as_deref(),
        Some("1985-04-23")
    );
    assert_eq!(m.lifecycle_stage, "customer");
    assert_eq!(m.tags, ["VIP", "Madrid"], "tags once, whatever their case");
    assert_eq!(
        m.notes.as_deref(),
        Some("Prefiere las mañanas\n\nLlamar al móvil")
    );
    let keys: Vec<(&str, bool)> = m
        .keys
        .iter()
        .map(|k| (k.key.value.as_str(), k.primary))
        .collect();
    assert_eq!(
        keys,
        [
            ("ana@example.com", true),
            ("amg@work.es", false),
            ("+34612345678", true)
        ],
        "the survivor's primary e-mail stays; the only phone becomes primary"
    );
}

#[test]
fn a_chosen_field_comes_from_the_customer_chosen_even_the_survivor_over_a_loser() {
    let (s, l) = ids();
    let (a, b) = (ana(), ana_garcia());
    let fields = BTreeMap::from([
        ("given_name".to_owned(), l.to_string()),
        ("display_name".to_owned(), l.to_string()),
        ("lifecycle_stage".to_owned(), l.to_string()),
        ("notes".to_owned(), s.to_string()),
    ]);
    let m = merge(
        Side {
            id: s,
            customer: &a,
        },
        &[Side {
            id: l,
            customer: &b,
        }],
        &fields,
        &[],
    )
    .expect("merged");
    assert_eq!(m.given_name.as_deref(), Some("Ana María"));
    assert_eq!(m.display_name, "Ana María García");
    assert_eq!(m.lifecycle_stage, "prospect");
    assert_eq!(m.notes.as_deref(), Some("Prefiere las mañanas"));
}

#[test]
fn addresses_organisations_and_custom_values_are_united_once_each() {
    let (s, l) = ids();
    let org = CustomerId::new();
    let field = uuid::Uuid::now_v7();
    let value = |v: &str| CustomValue {
        field,
        value: serde_json::json!(v),
        index: Indexed {
            folded: None,
            number: None,
        },
    };
    let place = |city: &str, primary: bool| PostalAddress {
        city: Some(city.into()),
        primary,
        ..PostalAddress::default()
    };
    let mut a = ana();
    a.addresses = vec![place("Madrid", true)];
    a.affiliations = vec![Affiliation {
        organization: org,
        title: Some("CEO".into()),
    }];
    let mut b = ana_garcia();
    b.addresses = vec![place("Lima", true), place("Madrid", false)];
    b.affiliations = vec![Affiliation {
        organization: org,
        title: None,
    }];
    b.custom = vec![value("gold")];
    let defs = [FieldDef {
        id: field,
        key: "plan".into(),
        label: "Plan".into(),
        field_type: FieldType::Text,
        applies_to: AppliesTo::Both,
        options: Vec::new(),
        currency: None,
    }];
    let m = merge(
        Side {
            id: s,
            customer: &a,
        },
        &[Side {
            id: l,
            customer: &b,
        }],
        &BTreeMap::new(),
        &defs,
    )
    .expect("merged");
    let cities: Vec<(&str, bool)> = m
        .addresses
        .iter()
        .map(|a| (a.city.as_deref().unwrap_or_default(), a.primary))
        .collect();
    assert_eq!(cities, [("Madrid", true), ("Lima", false)]);
    assert_eq!(m.affiliations.len(), 1);
    assert_eq!(m.affiliations[0].title.as_deref(), Some("CEO"));
    assert_eq!(m.custom, [value("gold")], "a value only the loser had");

    let mut a2 = a.clone();
    a2.custom = vec![value("silver")];
    let chosen = BTreeMap::from([("custom_fields.plan".to_owned(), l.to_string())]);
    let m = merge(
        Side {
            id: s,
            customer: &a2,
        },
        &[Side {
            id: l,
            customer: &b,
        }],
        &chosen,
        &defs,
    )
    .expect("merged");
    assert_eq!(m.custom, [value("gold")], "the chosen customer's value");
}

#[test]
fn every_bad_choice_is_named_by_its_field() {
    let (s, l) = ids();
    let a = ana();
    let org = crate::customers::OrganizationDraft {
        name: Some("Acme".into()),
        ..Default::default()
    }
    .validate(Region::ES, &DEFAULT_STAGES)
    .expect("valid");
    let fields = BTreeMap::from([
        ("shoe_size".to_owned(), s.to_string()),
        ("given_name".to_owned(), CustomerId::new().to_string()),
        ("birthday".to_owned(), "yesterday".to_owned()),
    ]);
    let issues = merge(
        Side {
            id: s,
            customer: &a,
        },
        &[Side {
            id: l,
            customer: &org,
        }],
        &fields,
        &[],
    )
    .expect_err("invalid");
    let named: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| (i.field.as_str(), i.problem.code()))
        .collect();
    assert_eq!(
        named,
        [
            ("merge[0]", "kind_mismatch"),
            ("fields.birthday", "invalid_customer_id"),
            ("fields.given_name", "not_a_merged_customer"),
            ("fields.shoe_size", "unknown_field"),
        ]
    );
}

#[test]
fn the_ids_of_a_merge_are_checked_before_anything_is_loaded() {
    let (s, l) = ids();
    assert!(check_ids(s, &[l]).is_ok());
    let fields = |r: Result<(), Vec<FieldIssue>>| -> Vec<String> {
        r.expect_err("invalid")
            .into_iter()
            .map(|i| format!("{} {}", i.field, i.problem.code()))
            .collect()
    };
    assert_eq!(fields(check_ids(s, &[])), ["merge required"]);
    assert_eq!(
        fields(check_ids(s, &[l, s, l])),
        ["merge[1] survivor_merged", "merge[2] repeated"]
    );
    let many: Vec<CustomerId> = (0..=MAX_MERGED).map(|_| CustomerId::new()).collect();
    assert_eq!(fields(check_ids(s, &many)), ["merge too_many"]);
}
