//! What the matcher knows of one customer: the fields that tell people apart, folded once
//! (accents, case, punctuation) so that comparing a million records never folds a string
//! twice.
use crate::customers::{Customer, Kind};
use crate::identity::KeyKind;
use crate::ids::CustomerId;

/// The fields the matcher reads, as stored (nothing folded yet). The store streams these;
/// [`MatchRecord::new`] folds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchFields {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: String,
    /// Normalised e-mail keys (`ana@example.com`).
    pub emails: Vec<String>,
    /// E.164 phone keys (`+34612345678`).
    pub phones: Vec<String>,
    /// `(postal code, street)` of each address, either possibly missing.
    pub addresses: Vec<(Option<String>, Option<String>)>,
    pub birthday: Option<time::Date>,
    /// Names of the organisations the person works for.
    pub organisations: Vec<String>,
}

/// One address, folded: postal code without spaces or punctuation, street as folded words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchAddress {
    /// Uppercase letters and digits only (`28013`, `SW1A1AA`); empty when unknown.
    pub postcode: String,
    /// Folded words without the street type (`mayor 5 3 b`); empty when unknown.
    pub street: String,
}

/// A customer ready for matching. Name fields are folded (`maria garcia`); the `*_as_typed`
/// fields are kept only to show a person the evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchRecord {
    pub id: CustomerId,
    /// Folded given name(s); empty when unknown.
    pub given: String,
    /// Folded family name(s), Spanish particles ("de", "la", "y") dropped; empty when unknown.
    pub family: String,
    /// The name as a person would read it ("María García").
    pub display: String,
    pub given_as_typed: String,
    pub family_as_typed: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub addresses: Vec<MatchAddress>,
    pub birthday: Option<time::Date>,
    /// Folded organisation names.
    pub organisations: Vec<String>,
}

/// Words that join Spanish and Portuguese surnames ("García de la Fuente", "Ortega y
/// Gasset"): they are written or dropped at whim, so they would only add noise.
const PARTICLES: [&str; 9] = ["de", "del", "la", "las", "los", "y", "da", "do", "dos"];

/// Lowercase ASCII words separated by one space: "  Núñez-Peña, " → "nunez pena".
pub fn fold_words(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_lowercase();
    let spaced: String = ascii
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fold_family(s: &str) -> String {
    let folded = fold_words(s);
    let kept: Vec<&str> = folded
        .split(' ')
        .filter(|w| !PARTICLES.contains(w))
        .collect();
    if kept.is_empty() {
        folded
    } else {
        kept.join(" ")
    }
}

/// Street types, written in full, abbreviated or left out ("Calle Mayor", "C/ Mayor",
/// "Mayor"), and floor/door words: none of them tells two homes apart.
const STREET_WORDS: [&str; 24] = [
    "calle",
    "c",
    "cl",
    "avenida",
    "av",
    "avda",
    "plaza",
    "pl",
    "pza",
    "paseo",
    "po",
    "carrer",
    "camino",
    "carretera",
    "ctra",
    "rua",
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "piso",
    "puerta",
];

/// Legal forms that come and go in how a company is written ("Acme S.L.", "ACME").
const LEGAL_FORMS: [&str; 14] = [
    "sl", "sa", "slu", "sau", "sc", "srl", "sas", "cv", "inc", "ltd", "llc", "gmbh", "corp", "co",
];

fn fold_street(s: &str) -> String {
    let folded = fold_words(s);
    folded
        .split(' ')
        .filter(|w| !STREET_WORDS.contains(w) && !PARTICLES.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Single letters joined first, so "S. L." and "SL" are one legal form.
fn fold_organisation(s: &str) -> String {
    let folded = fold_words(s);
    let mut words: Vec<String> = Vec::new();
    let mut letters = String::new();
    for w in folded.split(' ') {
        if w.len() == 1 {
            letters.push_str(w);
            continue;
        }
        if !letters.is_empty() {
            words.push(std::mem::take(&mut letters));
        }
        words.push(w.to_owned());
    }
    if !letters.is_empty() {
        words.push(letters);
    }
    let kept: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !LEGAL_FORMS.contains(w) && *w != "de")
        .collect();
    if kept.is_empty() {
        folded
    } else {
        kept.join(" ")
    }
}

fn fold_postcode(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl MatchRecord {
    /// Folds `fields` once. A person known only by a display name ("Pepe Ruiz") has it split
    /// into given names and a last-word family name, so that record still blocks and
    /// compares by name.
    pub fn new(id: CustomerId, fields: &MatchFields) -> MatchRecord {
        let given_as_typed = fields.given_name.clone().unwrap_or_default();
        let family_as_typed = fields.family_name.clone().unwrap_or_default();
        let (mut given, mut family) = (fold_words(&given_as_typed), fold_family(&family_as_typed));
        if given.is_empty() && family.is_empty() && !fields.display_name.contains('@') {
            let folded = fold_words(&fields.display_name);
            // A display name of digits is a phone number standing in for a name.
            if folded.chars().any(|c| c.is_ascii_alphabetic()) {
                match folded.rsplit_once(' ') {
                    Some((g, f)) => (given, family) = (g.to_owned(), f.to_owned()),
                    None => given = folded,
                }
            }
        }
        let addresses = fields
            .addresses
            .iter()
            .map(|(pc, street)| MatchAddress {
                postcode: pc.as_deref().map(fold_postcode).unwrap_or_default(),
                street: street.as_deref().map(fold_street).unwrap_or_default(),
            })
            .filter(|a| !a.postcode.is_empty() || !a.street.is_empty())
            .collect();
        MatchRecord {
            id,
            given,
            family,
            display: fields.display_name.clone(),
            given_as_typed,
            family_as_typed,
            emails: fields.emails.clone(),
            phones: fields.phones.clone(),
            addresses,
            birthday: fields.birthday,
            organisations: fields
                .organisations
                .iter()
                .map(|o| fold_organisation(o))
                .filter(|o| !o.is_empty())
                .collect(),
        }
    }

    /// The matcher's view of a validated customer. `organisations` are the names of the
    /// organisations it is affiliated with (the customer holds only their ids).
    pub fn from_customer(id: CustomerId, c: &Customer, organisations: &[String]) -> MatchRecord {
        MatchRecord::new(id, &MatchFields::from_customer(c, organisations))
    }

    /// Whether the record has a name to compare.
    pub fn has_name(&self) -> bool {
        !self.given.is_empty() || !self.family.is_empty()
    }
}

impl MatchFields {
    /// The fields of a validated customer; an organisation's name is its display name.
    pub fn from_customer(c: &Customer, organisations: &[String]) -> MatchFields {
        let keys = |kind: KeyKind| {
            c.keys
                .iter()
                .filter(|k| k.key.kind == kind)
                .map(|k| k.key.value.clone())
                .collect::<Vec<_>>()
        };
        MatchFields {
            given_name: c.given_name.clone(),
            family_name: match c.kind {
                Kind::Person => c.family_name.clone(),
                Kind::Organization => None,
            },
            display_name: c.display_name.clone(),
            emails: keys(KeyKind::Email),
            phones: keys(KeyKind::Phone),
            addresses: c
                .addresses
                .iter()
                .map(|a| (a.postal_code.clone(), a.street.clone()))
                .collect(),
            birthday: c.birthday,
            organisations: organisations.to_vec(),
        }
    }
}
