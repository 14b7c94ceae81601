//! A cheap upper bound of a pair's weight, so most candidate pairs of a large block are
//! dismissed before any string comparison (most of the matcher's time at a million records).
use super::compare::{birthday, exact_any, local_part};
use super::model::{weight, Context, Field, Level};
use super::record::{MatchAddress, MatchRecord};

/// The most each level can weigh, whatever else agrees: the parts of [`weight_bound`]. The
/// fields whose weight depends on kinship are indexed first by whether the family names are
/// known to agree (the same folded string): between possible relatives a shared phone, home
/// or birthday is worth less, and most pairs of a large name block are such pairs.
struct Bounds {
    names: [f64; 2],
    phone: [[f64; 2]; 2],
    /// Exact, same user name, user names one typo apart, different.
    email: [f64; 4],
    /// Same address, same postcode only, different.
    address: [[f64; 3]; 2],
    birthday: [[f64; 3]; 2],
    organisation: f64,
}

/// The most `levels` of `field` weigh in any context, or in any where the family names agree.
fn best(field: Field, levels: &[Level], kin: bool) -> f64 {
    let contexts = [(false, false), (false, true), (true, false), (true, true)];
    levels
        .iter()
        .flat_map(|&l| {
            contexts
                .iter()
                .filter(move |&&(family, _)| family || !kin)
                .map(move |&(family, phone)| weight(field, l, Context { family, phone }))
        })
        .fold(f64::NEG_INFINITY, f64::max)
}

static BOUNDS: std::sync::LazyLock<Bounds> = std::sync::LazyLock::new(|| {
    use Level::*;
    let phone = |kin| {
        [
            best(Field::Phone, &[Exact], kin),
            best(Field::Phone, &[Different], kin),
        ]
    };
    let address = |kin| {
        [
            best(Field::Address, &[SameAddress, SamePostcode], kin),
            best(Field::Address, &[SamePostcode], kin),
            best(Field::Address, &[Different], kin),
        ]
    };
    let birthday = |kin| {
        [
            best(Field::Birthday, &[Exact], kin),
            best(Field::Birthday, &[Near], kin),
            best(Field::Birthday, &[Different], kin),
        ]
    };
    Bounds {
        names: [
            best(Field::GivenName, &[Exact, Swapped], false),
            best(Field::FamilyName, &[Exact, Swapped], false),
        ],
        phone: [phone(false), phone(true)],
        email: [
            best(Field::Email, &[Exact], false),
            best(
                Field::Email,
                &[SameLocalPart, SimilarLocalPart, Different],
                false,
            ),
            best(Field::Email, &[SimilarLocalPart, Different], false),
            best(Field::Email, &[Different], false),
        ],
        address: [address(false), address(true)],
        birthday: [birthday(false), birthday(true)],
        organisation: best(Field::Organisation, &[Exact, Similar], false),
    }
});

fn digits(l: &str) -> impl Iterator<Item = u8> + '_ {
    l.bytes().filter(u8::is_ascii_digit)
}

/// The best e-mail level two records can reach (an index of `Bounds::email`), from what
/// `compare` asks of each level that costs no string similarity: the same address, the same
/// user name, or user names that could be one typo apart (lengths within one, same first
/// letter, same digits).
fn email_level(a: &[String], b: &[String]) -> usize {
    if exact_any(a, b).is_some() {
        return 0;
    }
    let mut level = 3;
    for x in a {
        for y in b {
            let (lx, ly) = (local_part(x), local_part(y));
            if lx == ly && lx.len() >= 4 {
                return 1;
            }
            if level == 3
                && lx.len().min(ly.len()) >= 6
                && lx.len().abs_diff(ly.len()) <= 1
                && lx.as_bytes().first() == ly.as_bytes().first()
                && digits(lx).eq(digits(ly))
            {
                level = 2;
            }
        }
    }
    level
}

/// The best address level of one pair of addresses (an index of `Bounds::address`), or none
/// when `compare` would find no evidence in it.
fn address_level(x: &MatchAddress, y: &MatchAddress) -> Option<usize> {
    let streets = !x.street.is_empty() && !y.street.is_empty();
    if !x.postcode.is_empty() && !y.postcode.is_empty() {
        return Some(match (x.postcode == y.postcode, streets) {
            (false, _) => 2,
            (true, true) => 0,
            (true, false) => 1,
        });
    }
    streets.then_some(0)
}

/// An upper bound of `compare(a, b).weight` from what costs next to nothing to check
/// (phones, e-mails, birthdays, postcodes are equal or not; family names are equal or not;
/// e-mail user names could be one typo apart or not), taking the best case for names,
/// streets and organisations. Most pairs of a large block fail it and are never compared
/// string by string, which is most of the matcher's time.
pub fn weight_bound(a: &MatchRecord, b: &MatchRecord) -> f64 {
    let k = &*BOUNDS;
    // Equal family names always make `compare` weigh the rest as between relatives.
    let kin = usize::from(!a.family.is_empty() && a.family == b.family);
    let mut w = 0.0;
    if !a.given.is_empty() && !b.given.is_empty() {
        w += k.names[0];
    }
    if !a.family.is_empty() && !b.family.is_empty() {
        w += k.names[1];
    }
    if !a.phones.is_empty() && !b.phones.is_empty() {
        w += k.phone[kin][usize::from(exact_any(&a.phones, &b.phones).is_none())];
    }
    if !a.emails.is_empty() && !b.emails.is_empty() {
        w += k.email[email_level(&a.emails, &b.emails)];
    }
    let address = a
        .addresses
        .iter()
        .flat_map(|x| b.addresses.iter().map(move |y| (x, y)))
        .filter_map(|(x, y)| address_level(x, y))
        .map(|level| k.address[kin][level])
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    w += address.unwrap_or(0.0);
    if let (Some(x), Some(y)) = (a.birthday, b.birthday) {
        w += k.birthday[kin][match birthday(x, y) {
            Level::Exact => 0,
            Level::Near => 1,
            _ => 2,
        }];
    }
    if !a.organisations.is_empty() && !b.organisations.is_empty() {
        w += k.organisation;
    }
    w
}

#[cfg(test)]
mod tests {
    use super::super::{compare, MatchFields, MatchRecord};
    use super::weight_bound;
    use crate::ids::CustomerId;

    /// Values drawn from short lists, so pairs often agree, nearly agree or swap names: the
    /// cases where a bound that is too tight would throw a duplicate away.
    fn person(pick: [usize; 8]) -> MatchRecord {
        let given = ["María", "Maria", "Mario", "García", "José Luis", ""];
        let family = ["García", "Garcia López", "Garsia", "María", "Ruiz", ""];
        let email = [
            "maria.garcia85",
            "maria.gracia85",
            "maria.garcia86",
            "mgarcia",
            "mg",
        ];
        let domain = ["example.com", "correo.es"];
        let postcode = ["28013", "08001", ""];
        let street = ["Calle Mayor 5", "C/ Mayor 5 2º", "Gran Vía 1", ""];
        let day = [
            None,
            Some((1985, 4, 23)),
            Some((1985, 4, 28)),
            Some((1958, 4, 23)),
        ];
        let f = MatchFields {
            given_name: Some(given[pick[0] % given.len()].into()),
            family_name: Some(family[pick[1] % family.len()].into()),
            display_name: "x".into(),
            emails: (pick[2] % 6 < 5)
                .then(|| format!("{}@{}", email[pick[2] % 5], domain[pick[3] % 2]))
                .into_iter()
                .collect(),
            phones: (!pick[3].is_multiple_of(3))
                .then(|| format!("+3461234567{}", pick[3] % 3))
                .into_iter()
                .collect(),
            addresses: vec![(
                Some(postcode[pick[4] % 3].into()),
                Some(street[pick[5] % 4].into()),
            )],
            birthday: day[pick[6] % 4].and_then(|(y, m, d)| {
                time::Month::try_from(m)
                    .ok()
                    .and_then(|m| time::Date::from_calendar_date(y, m, d).ok())
            }),
            organisations: (!pick[7].is_multiple_of(3))
                .then(|| ["Acme Ibérica", "ACME Iberica SL"][pick[7] % 2].into())
                .into_iter()
                .collect(),
        };
        MatchRecord::new(CustomerId(uuid::Uuid::from_u128(1)), &f)
    }

    proptest::proptest! {
        #[test]
        fn the_bound_is_never_below_the_weight(a in proptest::array::uniform8(0usize..12),
                                               b in proptest::array::uniform8(0usize..12)) {
            let (x, y) = (person(a), person(b));
            let w = compare(&x, &y).weight;
            proptest::prop_assert!(weight_bound(&x, &y) >= w - 1e-9, "{} < {}", weight_bound(&x, &y), w);
        }
    }
}
