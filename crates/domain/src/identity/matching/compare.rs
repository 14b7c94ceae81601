//! Comparators: how far two records agree on each field, as a graded [`Level`]. A field
//! missing on either side is no evidence at all (no level, weight 0). String similarity is
//! Jaro–Winkler from `strsim`, which rewards a shared beginning, the way names are mistyped.
use super::model::{weight, Context, Field, Level};
use super::record::{MatchAddress, MatchRecord};
use strsim::{jaro_winkler, osa_distance};
use time::Date;

/// Jaro–Winkler at or above which two names count as one with a typo. At 0.92 "gonzalez" and
/// "gonzales" (0.97) or "rodriguez"/"rodrigues" agree, while "garcia"/"garces" (0.88) don't.
const NAME_SIMILAR: f64 = 0.92;
/// Streets are longer and vary more in how they are written ("c/ mayor" and "calle mayor").
const STREET_SIMILAR: f64 = 0.88;

/// One field's outcome: the level, the similarity behind it and which values met.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Outcome {
    pub field: Field,
    pub level: Level,
    pub similarity: f64,
    pub weight: f64,
    /// Index of the value on each side (the e-mail, phone, address or organisation).
    pub a: usize,
    pub b: usize,
}

/// Every field's outcome for one pair, and the total weight in bits.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub(crate) outcomes: Vec<Outcome>,
    /// The sum of the fields' weights (log2 likelihood ratio).
    pub weight: f64,
}

/// Compares two records field by field.
pub fn compare(a: &MatchRecord, b: &MatchRecord) -> Comparison {
    let mut found: Vec<(Field, Level, f64, usize, usize)> = Vec::with_capacity(7);
    let (given, family) = names(a, b);
    let mut ctx = Context {
        family: matches!(
            family,
            Some((
                Level::Exact | Level::Similar | Level::Partial | Level::Swapped,
                _
            ))
        ),
        phone: false,
    };
    if let Some((l, s)) = given {
        found.push((Field::GivenName, l, s, 0, 0));
    }
    if let Some((l, s)) = family {
        found.push((Field::FamilyName, l, s, 0, 0));
    }
    if let Some((l, s, i, j)) = emails(&a.emails, &b.emails) {
        found.push((Field::Email, l, s, i, j));
    }
    if let Some((i, j)) = exact_any(&a.phones, &b.phones) {
        found.push((Field::Phone, Level::Exact, 1.0, i, j));
        ctx.phone = true;
    } else if !a.phones.is_empty() && !b.phones.is_empty() {
        found.push((Field::Phone, Level::Different, 0.0, 0, 0));
    }
    if let Some((l, s, i, j)) = addresses(&a.addresses, &b.addresses) {
        found.push((Field::Address, l, s, i, j));
    }
    if let (Some(x), Some(y)) = (a.birthday, b.birthday) {
        found.push((Field::Birthday, birthday(x, y), 0.0, 0, 0));
    }
    if let Some((l, s, i, j)) = organisations(&a.organisations, &b.organisations) {
        found.push((Field::Organisation, l, s, i, j));
    }
    let outcomes: Vec<Outcome> = found
        .into_iter()
        .map(|(field, level, similarity, a, b)| Outcome {
            field,
            level,
            similarity,
            weight: weight(field, level, ctx),
            a,
            b,
        })
        .collect();
    let weight = outcomes.iter().map(|o| o.weight).sum();
    Comparison { outcomes, weight }
}

/// A level and the similarity behind it, or no evidence.
type Graded = Option<(Level, f64)>;

/// Given and family names, looking for the pair written the other way round when they do
/// not agree as written.
fn names(a: &MatchRecord, b: &MatchRecord) -> (Graded, Graded) {
    let both = |x: &str, y: &str| !x.is_empty() && !y.is_empty();
    let given = both(&a.given, &b.given).then(|| given_level(&a.given, &b.given));
    let family = both(&a.family, &b.family).then(|| family_level(&a.family, &b.family));
    let disagree = |o: Graded| matches!(o, Some((Level::Different, _)));
    if (disagree(given) || disagree(family))
        && both(&a.given, &b.family)
        && both(&a.family, &b.given)
        && swap_fits(&a.given, &b.family)
        && swap_fits(&b.given, &a.family)
    {
        let s = jaro_winkler(
            &format!("{} {}", a.given, a.family),
            &format!("{} {}", b.family, b.given),
        );
        return (Some((Level::Swapped, s)), Some((Level::Swapped, s)));
    }
    (given, family)
}

/// A given name standing where the family name was: equal, one typo, or the first surname.
fn swap_fits(given: &str, family: &str) -> bool {
    let first = family.split(' ').next().unwrap_or(family);
    given == family || given == first || typo_of(given, family)
}

fn given_level(x: &str, y: &str) -> (Level, f64) {
    if x == y {
        return (Level::Exact, 1.0);
    }
    let s = jaro_winkler(x, y);
    let (fx, fy) = (first_word(x), first_word(y));
    // María and Mario, Juan and Juana: one letter apart and a family's two children.
    if gender_pair(fx, fy) {
        return (Level::Different, s);
    }
    if initial_or_prefix(x, y) || initial_or_prefix(y, x) {
        return (Level::Partial, s);
    }
    // Compound names must agree word by word: "maría josé" is not "maría luisa".
    if word_count(x) == word_count(y) && words_similar(x, y) {
        return (Level::Similar, s);
    }
    (Level::Different, s)
}

fn family_level(x: &str, y: &str) -> (Level, f64) {
    if x == y {
        return (Level::Exact, 1.0);
    }
    let s = jaro_winkler(x, y);
    if word_count(x) == word_count(y) {
        // "garcía lópez" vs "garcía pérez" are two families: each surname must agree.
        if words_similar(x, y) {
            return (Level::Similar, s);
        }
        let mut wx: Vec<&str> = x.split(' ').collect();
        let mut wy: Vec<&str> = y.split(' ').collect();
        wx.sort_unstable();
        wy.sort_unstable();
        if wx == wy {
            // The two surnames in the other order.
            return (Level::Similar, s);
        }
        return (Level::Different, s);
    }
    let (short, long) = if word_count(x) < word_count(y) {
        (x, y)
    } else {
        (y, x)
    };
    let within = short.split(' ').all(|w| {
        long.split(' ')
            .any(|l| l == w || jaro_winkler(l, w) >= NAME_SIMILAR)
    });
    if within {
        (Level::Partial, s)
    } else {
        (Level::Different, s)
    }
}

fn first_word(s: &str) -> &str {
    s.split(' ').next().unwrap_or(s)
}

fn word_count(s: &str) -> usize {
    s.split(' ').count()
}

/// Word by word, each pair equal or one typo apart (same number of words).
fn words_similar(x: &str, y: &str) -> bool {
    x.split(' ')
        .zip(y.split(' '))
        .all(|(p, q)| p == q || typo_of(p, q))
}

/// One name word mistyped as the other. Not the other gender's form, and not a longer name
/// that begins with it (María and Mariana, Cristian and Cristiano), to which Jaro–Winkler's
/// reward for a shared beginning would otherwise give a high score.
fn typo_of(p: &str, q: &str) -> bool {
    let (short, long) = if p.len() <= q.len() { (p, q) } else { (q, p) };
    let extended = long.len() >= short.len() + 2 && long.starts_with(short);
    !gender_pair(p, q) && !extended && (jaro_winkler(p, q) >= NAME_SIMILAR || one_slip(p, q))
}

/// A letter dropped, doubled or two swapped ("atonio", "antonnio", "antnoio"), which
/// Jaro–Winkler scores low when it falls early in a short name. A letter *replaced* is left
/// to Jaro–Winkler: in short names it often makes another name (Marta, María).
fn one_slip(p: &str, q: &str) -> bool {
    if p.len().min(q.len()) < 4 || p.len().abs_diff(q.len()) > 1 {
        return false;
    }
    let same_letters = || {
        let (mut x, mut y) = (p.as_bytes().to_vec(), q.as_bytes().to_vec());
        x.sort_unstable();
        y.sort_unstable();
        x == y
    };
    osa_distance(p, q) == 1 && (p.len() != q.len() || same_letters())
}

/// `short` is an initial of `long`, or its first words ("maria" of "maria jose", "j m" of
/// "jose maria").
fn initial_or_prefix(short: &str, long: &str) -> bool {
    let mut l = long.split(' ');
    short.split(' ').all(|w| match l.next() {
        Some(lw) => lw == w || (w.len() == 1 && lw.starts_with(w)),
        None => false,
    }) && word_count(short) <= word_count(long)
}

/// The masculine and feminine forms of one name: "mario"/"maria", "juan"/"juana".
fn gender_pair(x: &str, y: &str) -> bool {
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    if long.len() == short.len() + 1 {
        return long.starts_with(short) && long.ends_with('a');
    }
    let (lx, ly) = (short.as_bytes(), long.as_bytes());
    lx.len() == ly.len()
        && lx.len() > 2
        && lx[..lx.len() - 1] == ly[..ly.len() - 1]
        && matches!(
            (lx[lx.len() - 1], ly[ly.len() - 1]),
            (b'a', b'o') | (b'o', b'a')
        )
}

pub(super) fn exact_any(a: &[String], b: &[String]) -> Option<(usize, usize)> {
    a.iter()
        .enumerate()
        .find_map(|(i, x)| b.iter().position(|y| x == y).map(|j| (i, j)))
}

pub(super) fn local_part(e: &str) -> &str {
    e.rsplit_once('@').map(|(l, _)| l).unwrap_or(e)
}

/// The best agreement between any e-mail of each side.
fn emails(a: &[String], b: &[String]) -> Option<(Level, f64, usize, usize)> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if let Some((i, j)) = exact_any(a, b) {
        return Some((Level::Exact, 1.0, i, j));
    }
    let mut best = (Level::Different, 0.0, 0, 0);
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            let (lx, ly) = (local_part(x), local_part(y));
            let s = jaro_winkler(lx, ly);
            // Four letters at least: "info@" or "ana@" on two domains are not one person.
            if lx == ly && lx.len() >= 4 {
                return Some((Level::SameLocalPart, 1.0, i, j));
            }
            // One typo, not in the first letter (household accounts differ by an initial:
            // mgarcia@, jgarcia@).
            // Nor in a number: maria1985@ and maria1986@ are chosen, not mistyped.
            let digits = |l: &str| l.bytes().filter(u8::is_ascii_digit).collect::<Vec<u8>>();
            let typo = lx.len().min(ly.len()) >= 6
                && lx.as_bytes().first() == ly.as_bytes().first()
                && digits(lx) == digits(ly)
                && osa_distance(lx, ly) <= 1;
            if typo && best.0 == Level::Different {
                best = (Level::SimilarLocalPart, s, i, j);
            }
        }
    }
    Some(best)
}

/// The numbers of a street ("mayor 5 3 b" → 5, 3): a house number and then floor and door.
fn street_numbers(s: &str) -> impl Iterator<Item = &str> + '_ {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
}

/// The same street with the same numbers, where one side may leave off floor and door: two
/// numbers on one street are two homes.
fn street_similar(x: &str, y: &str) -> bool {
    if x == y {
        return true;
    }
    let numbers_fit = street_numbers(x)
        .zip(street_numbers(y))
        .all(|(p, q)| p == q)
        && (street_numbers(x).next().is_some() == street_numbers(y).next().is_some());
    let letters = |s: &str| -> String {
        s.split(' ')
            .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    numbers_fit && jaro_winkler(&letters(x), &letters(y)) >= STREET_SIMILAR
}

fn addresses(a: &[MatchAddress], b: &[MatchAddress]) -> Option<(Level, f64, usize, usize)> {
    let mut best: Option<(Level, f64, usize, usize)> = None;
    let rank = |l: Level| match l {
        Level::SameAddress => 3,
        Level::SamePostcode => 2,
        _ => 1,
    };
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            let streets = !x.street.is_empty() && !y.street.is_empty();
            let postcodes = !x.postcode.is_empty() && !y.postcode.is_empty();
            let level = match (postcodes, streets) {
                (true, _) if x.postcode != y.postcode => Level::Different,
                (true, true) if street_similar(&x.street, &y.street) => Level::SameAddress,
                (true, _) => Level::SamePostcode,
                (false, true) if street_similar(&x.street, &y.street) => Level::SameAddress,
                (false, true) => Level::Different,
                (false, false) => continue,
            };
            if best.is_none_or(|(l, ..)| rank(level) > rank(l)) {
                let s = if streets {
                    jaro_winkler(&x.street, &y.street)
                } else {
                    0.0
                };
                best = Some((level, s, i, j));
            }
        }
    }
    best
}

/// Two dates differing in one decimal digit of one part, or with day and month swapped.
pub(super) fn birthday(x: Date, y: Date) -> Level {
    if x == y {
        return Level::Exact;
    }
    let (xm, ym) = (u8::from(x.month()), u8::from(y.month()));
    let swapped = x.year() == y.year() && x.day() == ym && xm == y.day();
    let one_digit = |p: i32, q: i32| {
        let (p, q) = (format!("{p:04}"), format!("{q:04}"));
        p.len() == q.len() && p.chars().zip(q.chars()).filter(|(c, d)| c != d).count() == 1
    };
    let parts = [
        (x.year(), y.year()),
        (i32::from(xm), i32::from(ym)),
        (i32::from(x.day()), i32::from(y.day())),
    ];
    let differing: Vec<&(i32, i32)> = parts.iter().filter(|(p, q)| p != q).collect();
    let typo = matches!(differing.as_slice(), [(p, q)] if one_digit(*p, *q));
    if swapped || typo {
        Level::Near
    } else {
        Level::Different
    }
}

fn organisations(a: &[String], b: &[String]) -> Option<(Level, f64, usize, usize)> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if let Some((i, j)) = exact_any(a, b) {
        return Some((Level::Exact, 1.0, i, j));
    }
    let mut best = (Level::Different, 0.0, 0, 0);
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            let s = jaro_winkler(x, y);
            if s > best.1 {
                let level = if s >= NAME_SIMILAR {
                    Level::Similar
                } else {
                    Level::Different
                };
                best = (level, s, i, j);
            }
        }
    }
    Some(best)
}
