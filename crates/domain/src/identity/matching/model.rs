//! The Fellegi–Sunter model: for each field and level of agreement, m (how often two records
//! of the same person show that level) and u (how often two different people do). A level
//! weighs log2(m/u) bits; the bits add up, a prior turns them into a probability.
//!
//! The numbers are reasoned from how records of people go wrong, then checked against the
//! generated dataset of `vinculo-bench dedup` (typos, swapped names, missing fields, other
//! e-mail domains, households, same-name strangers). Where a u says "1 in N" it is the chance
//! that two different people agree that way; where two fields go together among strangers
//! (a family shares a surname, a phone and an address) the u of the second is taken given
//! the first, because adding the bits of correlated evidence is how households get merged.
use serde::{Deserialize, Serialize};

/// A field the matcher compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    GivenName,
    FamilyName,
    Email,
    Phone,
    Address,
    Birthday,
    Organisation,
}

impl Field {
    /// The field's name in English, for evidence lines.
    pub fn label(self) -> &'static str {
        match self {
            Field::GivenName => "given names",
            Field::FamilyName => "family names",
            Field::Email => "e-mail",
            Field::Phone => "phone",
            Field::Address => "address",
            Field::Birthday => "birthday",
            Field::Organisation => "organisation",
        }
    }
}

/// How far two values agree. Each field uses a few of these (see `compare`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The same value.
    Exact,
    /// Close enough to be a typo (string similarity shown).
    Similar,
    /// Compatible but incomplete: an initial for a name, one surname of two.
    Partial,
    /// Given and family names written the other way round.
    Swapped,
    /// The same e-mail user name on another domain.
    SameLocalPart,
    /// E-mail user names one typo apart.
    SimilarLocalPart,
    /// The same postal code and a similar street.
    SameAddress,
    /// The same postal code, another street.
    SamePostcode,
    /// Birthdays one typo apart, or day and month swapped.
    Near,
    /// Both known and not alike: evidence against.
    Different,
}

/// m and u of one level.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Mu {
    m: f64,
    u: f64,
}

const fn mu(m: f64, u: f64) -> Mu {
    Mu { m, u }
}

/// log2 of the prior odds that two records share a blocking key *and* are one person. At a
/// million records with a few percent duplicates, about one candidate pair in 2^18 all-pairs
/// is a duplicate; the comparators' u values are all-pairs rates too, so the two agree.
pub const PRIOR_LOG2_ODDS: f64 = -18.0;

/// The probability above which a pair is shown as a suggested duplicate by default. A wrong
/// merge mixes two people's data, so we want at least 19 to 1 (about 22 bits of evidence).
pub const DEFAULT_MIN_PROBABILITY: f64 = 0.95;

/// The probability of a match given `weight` bits of evidence.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-(weight + PRIOR_LOG2_ODDS)).exp2())
}

/// What else agreed, for the fields whose u depends on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// The family names agree (exactly, by typo, partially or swapped).
    pub family: bool,
    /// A phone number is shared.
    pub phone: bool,
}

/// Weight in bits of `level` on `field`, given what else agreed.
pub fn weight(field: Field, level: Level, ctx: Context) -> f64 {
    let Mu { m, u } = table(field, level, ctx);
    (m / u).log2()
}

fn table(field: Field, level: Level, ctx: Context) -> Mu {
    use Field::*;
    use Level::*;
    // Relatives share a surname, a home and its phone: once the surname agrees, a shared
    // phone or birthday is about 2 in the surname's bearers (a household's other members)
    // rather than 1 in the population. People who share a phone share a home (a spouse
    // with another surname too), so once the phone agrees the address is expected and adds
    // nothing either way.
    let kin = ctx.family;
    let home = ctx.phone;
    match (field, level) {
        // Given names: a person's own given name is the most stable field there is. Two
        // strangers share one about 1 in 50 times (María, José and Juan are common).
        (GivenName, Exact) => mu(0.85, 0.02),
        // A typo: 1 in 10 duplicates; two strangers' names that close: 1 in 100.
        (GivenName, Similar) => mu(0.10, 0.01),
        // "J." or "María" for "María José": says little either way.
        (GivenName, Partial) => mu(0.03, 0.03),
        // Swapped names: 1 duplicate in 30 has them; strangers whose given name is the
        // other's surname and the other way round: 1 in 100,000, as given and family names
        // come from different stocks. Split evenly over the two fields.
        (GivenName | FamilyName, Swapped) => mu(0.03f64.sqrt(), 1e-5f64.sqrt()),
        // Different given names are the household's signature (mother and son, twins):
        // only a nickname (Pepe for José) does this to one person, 1 in 500.
        (GivenName, _) => mu(0.002, 0.95),
        // Family names: strangers share one 1 in 200 (García is 3% of Spain, most far rarer).
        (FamilyName, Exact) => mu(0.85, 0.005),
        (FamilyName, Similar) => mu(0.10, 0.005),
        // One of two surnames ("García" for "García López"): 1 in 25 duplicates.
        (FamilyName, Partial) => mu(0.04, 0.01),
        // A changed surname (marriage) is rarer than a typo.
        (FamilyName, _) => mu(0.01, 0.98),
        // E-mail: a shared address is nearly decisive; 1 in 10,000 allows family accounts.
        (Email, Exact) => mu(0.80, 1e-4),
        // maria.garcia@ on two domains: common local parts make this 1 in 500.
        (Email, SameLocalPart) => mu(0.10, 0.002),
        (Email, SimilarLocalPart) => mu(0.05, 0.002),
        // People have several addresses; 1 duplicate in 4 shows another one.
        (Email, _) => mu(0.25, 0.999),
        // Phones: a stranger's number is 1 in 10,000; 1 in 100 among a surname's bearers.
        (Phone, Exact) if kin => mu(0.80, 0.01),
        (Phone, Exact) => mu(0.80, 1e-4),
        // Numbers change; 1 duplicate in 7 has another one.
        (Phone, _) => mu(0.15, 0.9999),
        (Address, SameAddress | SamePostcode) if home => mu(0.80, 0.80),
        (Address, SameAddress) if kin => mu(0.70, 0.01),
        (Address, SameAddress) => mu(0.70, 0.001),
        (Address, SamePostcode) if kin => mu(0.10, 0.02),
        // About 10,000 postcodes, unevenly filled.
        (Address, SamePostcode) => mu(0.10, 0.002),
        (Address, _) => mu(0.20, 0.998),
        // Birthdays: spread over ~25,000 days, but 1 January and made-up dates are
        // overrepresented, so 1 in 10,000 rather than 1 in 25,000; among a surname's
        // bearers twins make it 1 in 500.
        (Birthday, Exact) if kin => mu(0.85, 0.002),
        (Birthday, Exact) => mu(0.85, 1e-4),
        // A one-digit typo or day/month swapped: ~70 dates are that close to any date.
        (Birthday, Near) => mu(0.08, 0.003),
        // Further apart than a typo: 1 duplicate in 30 (a wrong date entered).
        (Birthday, _) => mu(0.03, 0.9959),
        // Colleagues share an employer, so this helps a little and only beside the name.
        (Organisation, Exact | Similar) => mu(0.50, 0.01),
        (Organisation, _) => mu(0.30, 0.99),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_weighs_for_and_disagreement_against() {
        let kin = Context {
            family: true,
            phone: false,
        };
        for field in [
            Field::GivenName,
            Field::FamilyName,
            Field::Email,
            Field::Phone,
            Field::Birthday,
            Field::Organisation,
        ] {
            assert!(
                weight(field, Level::Exact, Context::default()) > 0.0,
                "{field:?}"
            );
            assert!(
                weight(field, Level::Different, Context::default()) < 0.0,
                "{field:?}"
            );
        }
        assert!(weight(Field::Address, Level::SameAddress, kin) > 0.0);
        assert!(weight(Field::Address, Level::Different, kin) < 0.0);
    }

    #[test]
    fn a_shared_phone_tells_less_between_relatives_than_between_strangers() {
        let kin = Context {
            family: true,
            phone: false,
        };
        let strangers = Context::default();
        assert!(
            weight(Field::Phone, Level::Exact, kin) < weight(Field::Phone, Level::Exact, strangers)
        );
    }

    #[test]
    fn probability_rises_with_weight_and_stays_between_zero_and_one() {
        assert!(probability(-100.0) >= 0.0 && probability(100.0) <= 1.0);
        assert!(probability(10.0) < probability(20.0));
        assert!((probability(-PRIOR_LOG2_ODDS) - 0.5).abs() < 1e-9);
    }
}
