//! A cheap upper bound of a pair's weight, so most candidate pairs of a large block are
//! dismissed before any string comparison (most of the matcher's time at a million records).
use super::compare::{birthday, exact_any};
use super::model::{weight, Context, Field, Level};
use super::record::MatchRecord;

/// The most each level can weigh, whatever else agrees: the parts of [`weight_bound`].
struct Bounds {
    names: [f64; 2],
    phone: [f64; 2],
    email: [f64; 2],
    address: [f64; 2],
    birthday: [f64; 3],
    organisation: f64,
}

fn best(field: Field, levels: &[Level]) -> f64 {
    let contexts = [(false, false), (false, true), (true, false), (true, true)];
    levels
        .iter()
        .flat_map(|&l| {
            contexts
                .iter()
                .map(move |&(family, phone)| weight(field, l, Context { family, phone }))
        })
        .fold(f64::NEG_INFINITY, f64::max)
}

static BOUNDS: std::sync::LazyLock<Bounds> = std::sync::LazyLock::new(|| {
    use Level::*;
    Bounds {
        names: [
            best(Field::GivenName, &[Exact, Swapped]),
            best(Field::FamilyName, &[Exact, Swapped]),
        ],
        phone: [
            best(Field::Phone, &[Exact]),
            best(Field::Phone, &[Different]),
        ],
        email: [
            best(Field::Email, &[Exact]),
            best(Field::Email, &[SameLocalPart, SimilarLocalPart, Different]),
        ],
        address: [
            best(Field::Address, &[SameAddress, SamePostcode]),
            best(Field::Address, &[Different]),
        ],
        birthday: [
            best(Field::Birthday, &[Exact]),
            best(Field::Birthday, &[Near]),
            best(Field::Birthday, &[Different]),
        ],
        organisation: best(Field::Organisation, &[Exact, Similar]),
    }
});

/// An upper bound of `compare(a, b).weight` from what costs next to nothing to check
/// (phones, e-mails, birthdays, postcodes are equal or not), taking the best case for names,
/// streets and organisations. Most pairs of a large block fail it and are never compared
/// string by string, which is most of the matcher's time.
pub fn weight_bound(a: &MatchRecord, b: &MatchRecord) -> f64 {
    let k = &*BOUNDS;
    let mut w = 0.0;
    if !a.given.is_empty() && !b.given.is_empty() {
        w += k.names[0];
    }
    if !a.family.is_empty() && !b.family.is_empty() {
        w += k.names[1];
    }
    if !a.phones.is_empty() && !b.phones.is_empty() {
        w += k.phone[usize::from(exact_any(&a.phones, &b.phones).is_none())];
    }
    if !a.emails.is_empty() && !b.emails.is_empty() {
        w += k.email[usize::from(exact_any(&a.emails, &b.emails).is_none())];
    }
    let address = a
        .addresses
        .iter()
        .flat_map(|x| b.addresses.iter().map(move |y| (x, y)))
        .map(|(x, y)| {
            let moved =
                !x.postcode.is_empty() && !y.postcode.is_empty() && x.postcode != y.postcode;
            k.address[usize::from(moved)]
        })
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    w += address.unwrap_or(0.0);
    if let (Some(x), Some(y)) = (a.birthday, b.birthday) {
        w += match birthday(x, y) {
            Level::Exact => k.birthday[0],
            Level::Near => k.birthday[1],
            _ => k.birthday[2],
        };
    }
    if !a.organisations.is_empty() && !b.organisations.is_empty() {
        w += k.organisation;
    }
    w
}
