//! Tests of the search inside oversized blocks: a duplicate pair among a thousand people of
//! one common name is found through a sub-block or the window, each pair is scored once, and
//! the cost grows with the block's size, not its square.
use super::*;
use std::collections::HashSet;
use uuid::Uuid;

fn id(n: u128) -> CustomerId {
    CustomerId(Uuid::from_u128(n))
}

fn person(given: &str, family: &str) -> MatchFields {
    MatchFields {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        display_name: format!("{given} {family}"),
        ..MatchFields::default()
    }
}

/// `n` strangers called María García, each with her own phone, e-mail and birthday, living
/// in one of 50 postcodes: every name key they have is far over [`MAX_BLOCK`].
fn garcias(n: usize) -> Vec<MatchFields> {
    (0..n)
        .map(|k| {
            let mut p = person("María", "García");
            p.phones.push(format!("+3461{:07}", k));
            p.emails.push(format!("maria.garcia.{k}@example.com"));
            p.addresses.push((
                Some(format!("280{:02}", k % 50)),
                Some(format!("Calle Sol {k}")),
            ));
            p.birthday = time::Date::from_julian_day(2_430_000 + k as i32).ok();
            p
        })
        .collect()
}

fn records(people: &[MatchFields]) -> Vec<MatchRecord> {
    people
        .iter()
        .zip(1u128..)
        .map(|(p, n)| MatchRecord::new(id(n), p))
        .collect()
}

fn unique(s: &Search) -> bool {
    let pairs: HashSet<(CustomerId, CustomerId)> = s.pairs.iter().map(|p| (p.a, p.b)).collect();
    pairs.len() == s.pairs.len()
}

#[test]
fn a_pair_sharing_an_employer_and_a_home_is_found_among_a_thousand_garcias() {
    let mut people = garcias(1_000);
    // No phone, no postcode, no birthday, and e-mails one typo apart: nothing rare is
    // shared, so only the name blocks (a thousand members) hold the pair.
    let mut a = person("María", "García");
    a.emails.push("maria.garcia.90001@correo.es".into());
    a.organisations.push("Ferretería Núñez S.L.".into());
    a.addresses.push((None, Some("Calle Mayor 5".into())));
    let mut b = person("Maria", "Garcia");
    b.emails.push("maria.gracia.90001@correo.es".into());
    b.organisations.push("Ferreteria Nunez SL".into());
    b.addresses.push((None, Some("C/ Mayor, 5".into())));
    people.extend([a, b]);
    let s = search(&records(&people), DEFAULT_MIN_PROBABILITY);
    let hidden = (id(1_001), id(1_002));
    assert!(
        s.pairs.iter().any(|p| (p.a, p.b) == hidden),
        "{:?}",
        s.blocking
    );
    assert_eq!(s.pairs.len(), 1, "no stranger is suggested: {:#?}", s.pairs);
    assert_eq!(s.in_sub_blocks.found, 1, "found in a sub-block: {s:?}");
    assert_eq!(s.blocking.oversized, 3, "{:?}", s.blocking);
    assert_eq!(s.blocking.windowed, 3);
    assert!(s.blocking.sub_blocks > 0);
}

#[test]
fn a_pair_agreeing_only_nearly_is_found_by_the_window() {
    let mut people = garcias(1_000);
    // The street is one letter off and the e-mail user name has a typo: no key, not even a
    // sub-key, is shared. The window sorts e-mails by their digits, so the two sit together.
    let mut a = person("María", "García");
    a.emails.push("maria.garcia.77001@correo.es".into());
    a.addresses.push((None, Some("Calle Mayor 5".into())));
    let mut b = person("María", "García");
    b.emails.push("maria.gracia.77001@correo.es".into());
    b.addresses.push((None, Some("Calle Mayr 5".into())));
    people.extend([a, b]);
    let s = search(&records(&people), DEFAULT_MIN_PROBABILITY);
    let hidden = (id(1_001), id(1_002));
    assert!(s.pairs.iter().any(|p| (p.a, p.b) == hidden), "{s:?}");
    assert_eq!(s.pairs.len(), 1, "{:#?}", s.pairs);
    assert_eq!(s.in_windows.found, 1, "found in a window: {s:?}");
    assert!(unique(&s));
}

#[test]
fn the_cost_of_an_oversized_block_grows_with_its_size_not_its_square() {
    // Five thousand namesakes in one postcode, with nothing else to split them by: the
    // postcode sub-blocks are oversized too, so only the windows compare them.
    let n = 5_000;
    let people: Vec<MatchFields> = (0..n)
        .map(|k| {
            let mut p = person("María", "García");
            p.emails.push(format!("maria.garcia.{k}@example.com"));
            p.addresses.push((Some("28013".into()), None));
            p
        })
        .collect();
    let s = search(&records(&people), DEFAULT_MIN_PROBABILITY);
    let b = s.blocking;
    // Three name keys and postcode + "gar": four blocks of all of them.
    assert_eq!((b.oversized, b.windowed), (4, 4), "{b:?}");
    assert_eq!(b.oversized_members, 4 * n as u64);
    assert!(b.oversized_sub_blocks > 0, "{b:?}");
    // All four windows put them in one order (their e-mails' numbers, then their index), so
    // each pair of neighbours is scored once, in the first window: n × WINDOW pairs, less
    // the last members' missing neighbours, rather than n² / 2.
    let (n, w) = (n as u64, WINDOW as u64);
    assert_eq!(s.candidates, n * w - w * (w + 1) / 2, "{b:?}");
    assert_eq!(s.candidates, s.in_windows.candidates);
    assert!(s.pairs.is_empty(), "namesakes are not duplicates");
}

#[test]
fn small_blocks_are_compared_whole_and_nothing_is_oversized() {
    let people = garcias(150);
    let s = search(&records(&people), DEFAULT_MIN_PROBABILITY);
    assert_eq!(s.blocking.oversized, 0);
    assert_eq!(s.in_windows, Tally::default());
    assert_eq!(s.in_sub_blocks, Tally::default());
    // Three name keys, 150 members each, shared by every pair: each pair scored once.
    assert_eq!(s.candidates, 150 * 149 / 2);
}
