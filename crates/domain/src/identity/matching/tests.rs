//! The matcher's tests: comparators, scoring of the cases that matter (typos, swapped names,
//! reformatted phones, same-name strangers, households) and the search over many records.
use super::*;
use crate::customers::{AddressDraft, ContactPoint, PersonDraft, DEFAULT_STAGES};
use crate::identity::Region;
use time::macros::date;
use uuid::Uuid;

fn id(n: u128) -> CustomerId {
    CustomerId(Uuid::from_u128(n))
}

/// A person with the fields most tests need.
struct P(MatchFields);

impl P {
    fn new(given: &str, family: &str) -> P {
        P(MatchFields {
            given_name: Some(given.into()),
            family_name: Some(family.into()),
            display_name: format!("{given} {family}"),
            ..MatchFields::default()
        })
    }
    fn email(mut self, e: &str) -> P {
        self.0.emails.push(e.into());
        self
    }
    fn phone(mut self, p: &str) -> P {
        self.0.phones.push(p.into());
        self
    }
    fn address(mut self, postcode: &str, street: &str) -> P {
        self.0
            .addresses
            .push((Some(postcode.into()), Some(street.into())));
        self
    }
    fn born(mut self, d: time::Date) -> P {
        self.0.birthday = Some(d);
        self
    }
    fn org(mut self, o: &str) -> P {
        self.0.organisations.push(o.into());
        self
    }
    fn record(&self, n: u128) -> MatchRecord {
        MatchRecord::new(id(n), &self.0)
    }
}

fn maria() -> P {
    P::new("María", "García López")
        .email("maria.garcia@example.com")
        .phone("+34612345678")
        .address("28013", "Calle Mayor 5, 3º B")
        .born(date!(1985 - 04 - 23))
}

fn prob(a: &P, b: &P) -> f64 {
    score(&a.record(1), &b.record(2)).probability
}

fn level(a: &P, b: &P, field: Field) -> Option<Level> {
    compare(&a.record(1), &b.record(2))
        .outcomes
        .iter()
        .find(|o| o.field == field)
        .map(|o| o.level)
}

#[test]
fn names_are_folded_once_without_accents_case_or_particles() {
    let r = P::new(" José Luis ", "Núñez de la Peña").record(1);
    assert_eq!(r.given, "jose luis");
    assert_eq!(r.family, "nunez pena");
    assert_eq!(r.given_as_typed, " José Luis ");
}

#[test]
fn a_typo_in_the_family_name_still_matches() {
    let typo = P::new("Maria", "Garsia Lopez")
        .email("maria.garcia@example.com")
        .phone("+34612345678")
        .born(date!(1985 - 04 - 23));
    assert_eq!(
        level(&maria(), &typo, Field::FamilyName),
        Some(Level::Similar)
    );
    assert!(prob(&maria(), &typo) > 0.99);
}

#[test]
fn swapped_given_and_family_names_match() {
    let swapped = P::new("García", "María")
        .phone("+34612345678")
        .born(date!(1985 - 04 - 23));
    assert_eq!(
        level(&maria(), &swapped, Field::GivenName),
        Some(Level::Swapped)
    );
    assert!(prob(&maria(), &swapped) > 0.99);
}

#[test]
fn swapped_names_with_a_typo_still_share_a_block() {
    // Neither the sorted name words ("garcia maria" / "garcia mria") nor the family-name key
    // agree: only the swapped key brings these two together.
    let a = P::new("María", "García").record(1);
    let b = P::new("García", "Mría").record(2);
    let (ka, kb) = (blocking_keys(&a), blocking_keys(&b));
    assert!(ka.iter().any(|k| kb.contains(k)), "{ka:x?} / {kb:x?}");
}

#[test]
fn a_phone_typed_another_way_is_the_same_key_and_matches() {
    let draft = |phone: &str, email: &str| PersonDraft {
        given_name: Some("Lucía".into()),
        family_name: Some("Fernández".into()),
        phones: vec![ContactPoint {
            value: phone.into(),
            ..ContactPoint::default()
        }],
        emails: vec![ContactPoint {
            value: email.into(),
            ..ContactPoint::default()
        }],
        birthday: Some("1979-02-11".into()),
        addresses: vec![AddressDraft {
            postal_code: Some("41001".into()),
            street: Some("Av. de la Constitución 10".into()),
            ..AddressDraft::default()
        }],
        ..PersonDraft::default()
    };
    let one = draft("612 34 56 78", "lucia@correo.es")
        .validate(Region::ES, &DEFAULT_STAGES)
        .expect("valid");
    let two = draft("+34 612-345-678", "lfernandez@empresa.es")
        .validate(Region::ES, &DEFAULT_STAGES)
        .expect("valid");
    let (a, b) = (
        MatchRecord::from_customer(id(1), &one, &[]),
        MatchRecord::from_customer(id(2), &two, &[]),
    );
    let s = score(&a, &b);
    assert!(s.probability > 0.95, "{s:#?}");
    assert!(s
        .evidence
        .iter()
        .any(|e| e.describe() == "same phone: +34612345678"));
}

#[test]
fn strangers_with_a_common_name_do_not_match() {
    let other = P::new("María", "García López")
        .email("mglopez@correo.es")
        .phone("+34699111222")
        .address("08001", "Carrer de Pelai 3")
        .born(date!(1990 - 11 - 02));
    assert!(prob(&maria(), &other) < 0.01);
    // Nothing but the name known on one side is not enough either.
    assert!(prob(&maria(), &P::new("María", "García López")) < 0.5);
}

#[test]
fn a_mother_and_son_sharing_home_phone_and_address_do_not_match() {
    let son = P::new("Pablo", "García López")
        .phone("+34612345678")
        .address("28013", "Calle Mayor 5, 3º B")
        .born(date!(2010 - 09 - 14));
    assert!(prob(&maria(), &son) < 0.01);
}

#[test]
fn twins_and_namesake_parents_in_one_home_do_not_match() {
    let twin = P::new("Mario", "García López")
        .phone("+34612345678")
        .address("28013", "Calle Mayor 5")
        .born(date!(1985 - 04 - 23));
    assert_eq!(
        level(&maria(), &twin, Field::GivenName),
        Some(Level::Different)
    );
    assert!(prob(&maria(), &twin) < 0.05);
    let father = P::new("José", "Ruiz")
        .phone("+34911222333")
        .address("28013", "Calle Mayor 5")
        .born(date!(1950 - 01 - 10));
    let son = P::new("José", "Ruiz")
        .phone("+34911222333")
        .address("28013", "Calle Mayor 5")
        .born(date!(1979 - 06 - 30));
    assert!(prob(&father, &son) < 0.2);
}

#[test]
fn a_missing_field_is_no_evidence() {
    let bare = P::new("María", "García López");
    let c = compare(&maria().record(1), &bare.record(2));
    let fields: Vec<Field> = c.outcomes.iter().map(|o| o.field).collect();
    assert_eq!(fields, vec![Field::GivenName, Field::FamilyName]);
}

#[test]
fn e_mails_agree_by_address_user_name_or_one_typo() {
    let with = |e: &str| P::new("A", "B").email(e);
    let a = with("maria.garcia@example.com");
    assert_eq!(
        level(&a, &with("maria.garcia@gmail.com"), Field::Email),
        Some(Level::SameLocalPart)
    );
    assert_eq!(
        level(&a, &with("maria.gracia@example.org"), Field::Email),
        Some(Level::SimilarLocalPart)
    );
    assert_eq!(
        level(
            &with("maria1985@a.es"),
            &with("maria1986@b.es"),
            Field::Email
        ),
        Some(Level::Different)
    );
    assert_eq!(
        level(&a, &with("pablo@example.com"), Field::Email),
        Some(Level::Different)
    );
}

#[test]
fn addresses_agree_by_postcode_and_street_number() {
    let at = |pc: &str, st: &str| P::new("A", "B").address(pc, st);
    let home = at("28013", "Calle Mayor 5");
    assert_eq!(
        level(&home, &at("28 013", "C/ Mayor, 5"), Field::Address),
        Some(Level::SameAddress)
    );
    assert_eq!(
        level(&home, &at("28013", "Calle Mayor 7"), Field::Address),
        Some(Level::SamePostcode)
    );
    assert_eq!(
        level(&home, &at("41001", "Calle Mayor 5"), Field::Address),
        Some(Level::Different)
    );
}

#[test]
fn birthdays_one_typo_or_day_month_swap_apart_are_near() {
    let on = |d: time::Date| P::new("A", "B").born(d);
    let a = on(date!(1985 - 04 - 03));
    for near in [
        date!(1985 - 03 - 04),
        date!(1986 - 04 - 03),
        date!(1985 - 04 - 08),
    ] {
        assert_eq!(
            level(&a, &on(near), Field::Birthday),
            Some(Level::Near),
            "{near}"
        );
    }
    assert_eq!(
        level(&a, &on(date!(1979 - 10 - 21)), Field::Birthday),
        Some(Level::Different)
    );
}

#[test]
fn given_names_grade_initials_compounds_and_gender_forms() {
    let g = |x: &str, y: &str| level(&P::new(x, "Ruiz"), &P::new(y, "Ruiz"), Field::GivenName);
    assert_eq!(g("José", "J."), Some(Level::Partial));
    assert_eq!(g("María", "María José"), Some(Level::Partial));
    assert_eq!(g("María José", "María Luisa"), Some(Level::Different));
    assert_eq!(g("Juan", "Juana"), Some(Level::Different));
    assert_eq!(g("Francisco", "Fransisco"), Some(Level::Similar));
}

#[test]
fn organisations_count_when_named_alike() {
    let a = P::new("A", "B").org("Acme Ibérica S.L.");
    let b = P::new("A", "B").org("ACME Iberica SL");
    assert_eq!(level(&a, &b, Field::Organisation), Some(Level::Exact));
}

#[test]
fn evidence_reads_as_a_sentence_and_serialises_to_json() {
    let typo = P::new("Maria", "Garcia Lopez").phone("+34612345678");
    let s = score(&maria().record(1), &typo.record(2));
    let lines: Vec<String> = s.evidence.iter().map(Evidence::describe).collect();
    assert!(
        lines.contains(&"same given names: María / Maria".to_owned()),
        "{lines:?}"
    );
    let json = serde_json::to_value(&s.evidence).expect("serialisable");
    let fields: Vec<&str> = s.evidence.iter().map(|e| e.field.label()).collect();
    assert!(fields.contains(&"given names"), "{fields:?}");
    assert_eq!(json[0]["field"], "family_name", "strongest first: {json}");
}

#[test]
fn the_search_finds_duplicates_but_not_households_or_namesakes() {
    let people = [
        maria(),
        P::new("Maria", "Garsia Lopez")
            .phone("+34612345678")
            .born(date!(1985 - 04 - 23)),
        P::new("Pablo", "García López")
            .phone("+34612345678")
            .address("28013", "Calle Mayor 5, 3º B")
            .born(date!(2010 - 09 - 14)),
        P::new("María", "García López")
            .phone("+34699111222")
            .born(date!(1990 - 11 - 02)),
        P::new("Ana", "Torres").email("ana.torres@example.com"),
        P::new("Torres", "Ana").email("ana.torres@example.com"),
    ];
    let records: Vec<MatchRecord> = people
        .iter()
        .zip(1u128..)
        .map(|(p, n)| p.record(n))
        .collect();
    let s = search(&records, DEFAULT_MIN_PROBABILITY);
    let pairs: Vec<(CustomerId, CustomerId)> = s.pairs.iter().map(|p| (p.a, p.b)).collect();
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    assert!(pairs.contains(&(id(1), id(2))));
    assert!(pairs.contains(&(id(5), id(6))));
    assert!(s.candidates >= 2);
}

#[test]
fn a_letter_dropped_early_in_a_short_name_is_still_a_typo() {
    let g = |x: &str, y: &str| level(&P::new(x, "Ruiz"), &P::new(y, "Ruiz"), Field::GivenName);
    assert_eq!(g("Antonio", "Atonio"), Some(Level::Similar));
    assert_eq!(g("Marta", "María"), Some(Level::Different));
    assert_eq!(g("María", "Mariana"), Some(Level::Different));
}

proptest::proptest! {
    #[test]
    fn comparing_is_symmetric(
        g1 in "[a-e]{1,6}", f1 in "[a-e]{1,6}( [a-e]{2,5})?",
        g2 in "[a-e]{1,6}", f2 in "[a-e]{1,6}( [a-e]{2,5})?",
        p1 in 0u8..3, p2 in 0u8..3, d1 in 1u8..28, d2 in 1u8..28,
    ) {
        let mk = |g: &str, f: &str, p: u8, d: u8| {
            let born = time::Date::from_calendar_date(1980, time::Month::May, d)
                .unwrap_or(date!(1980 - 05 - 01));
            P::new(g, f)
                .phone(&format!("+3461234567{p}"))
                .email(&format!("{g}.{f}@example.com").replace(' ', ""))
                .address("28013", &format!("calle {f} {p}"))
                .born(born)
        };
        let (a, b) = (mk(&g1, &f1, p1, d1).record(1), mk(&g2, &f2, p2, d2).record(2));
        let (ab, ba) = (compare(&a, &b).weight, compare(&b, &a).weight);
        proptest::prop_assert!((ab - ba).abs() < 1e-9, "{} vs {}", ab, ba);
        proptest::prop_assert!(weight_bound(&a, &b) >= ab - 1e-9, "the bound is an upper bound");
    }

    #[test]
    fn a_record_never_pairs_with_itself(copies in 2usize..5, g in "[a-c]{1,4}") {
        let one = P::new(&g, "ruiz").phone("+34612345678").born(date!(1980 - 01 - 01));
        let records: Vec<MatchRecord> = (0..copies).map(|_| one.record(7)).collect();
        let found = find_duplicates(&records, 0.0);
        proptest::prop_assert!(found.iter().all(|p| p.a != p.b));
        proptest::prop_assert!(found.is_empty());
    }
}
