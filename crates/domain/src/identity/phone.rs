//! Phone numbers to E.164 with libphonenumber's metadata (the `phonenumber` crate), read in
//! the workspace's default region when the number has no country code. "+34 612 34 56 78",
//! "612345678" (region ES) and "0034612345678" all become `+34612345678`.
//!
//! The port has reading bugs that libphonenumber itself does not (it strips the reading
//! region's trunk prefix after a country code, misreads dashes, takes a national number that
//! starts with the region's own code as carrying it); the functions below work around each,
//! and `tests/phones.rs` checks every example number of libphonenumber's metadata.
use super::KeyError;
use phonenumber::country::Id;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 3166-1 alpha-2 region whose numbering plan libphonenumber knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region(Id);

impl Region {
    pub const ES: Region = Region(Id::ES);

    pub fn parse(code: &str) -> Option<Region> {
        Id::from_str(&code.trim().to_ascii_uppercase())
            .ok()
            .map(Region)
    }

    pub fn code(&self) -> &str {
        self.0.as_ref()
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Region {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Region::parse(&s).ok_or_else(|| format!("{s:?} is not a known country code"))
    }
}

impl From<Region> for String {
    fn from(r: Region) -> Self {
        r.code().to_owned()
    }
}

/// Parses and validates `raw`, returning its E.164 form.
pub fn normalize_phone(raw: &str, region: Region) -> Result<String, KeyError> {
    let trimmed = raw.trim();
    // Separators out first: the port's RFC 3966 reader takes "+3481-0123400" as country code 3481.
    let compact: String = trimmed
        .chars()
        .filter(|c| !(c.is_whitespace() || "-./()".contains(*c)))
        .collect();
    let has_code = compact.starts_with('+') || compact.starts_with("00");
    let found = if let Some(rest) = compact.strip_prefix('+') {
        international(rest)
    } else if let Some(rest) = compact.strip_prefix("00").filter(|r| !r.starts_with('0')) {
        // The region's own international prefix first ("0011" in AU, "0021" in BR, "009" in
        // CO); then "00" as "+", which most of Europe and Latin America dial.
        read(region.0, &compact).or_else(|| international(rest))
    } else {
        national(region.0, &compact)
    };
    found.ok_or_else(|| KeyError::Phone {
        value: trimmed.to_owned(),
        region: (!has_code).then_some(region),
    })
}

/// libphonenumber's reading of `text` in `region`, if it is a valid number, as E.164.
fn read(region: Id, text: &str) -> Option<String> {
    let n = phonenumber::parse(Some(region), text).ok()?;
    phonenumber::is_valid(&n).then(|| n.format().mode(phonenumber::Mode::E164).to_string())
}

/// "+CC…" read literally, then in the number's own region (for "+44 (0)20…"). The port strips
/// the *reading* region's trunk prefix after a country code ("+39 02…" read in FR loses its
/// 0); Spain's metadata has none, so reading in ES keeps the digits as typed.
fn international(digits: &str) -> Option<String> {
    let plus = format!("+{digits}");
    read(Id::ES, &plus).or_else(|| {
        let n = phonenumber::parse(None, &plus).ok()?;
        phonenumber::is_valid(&n).then(|| n.format().mode(phonenumber::Mode::E164).to_string())
    })
}

/// As libphonenumber reads it in the region; failing that, the digits as the national number,
/// as typed and then without the trunk prefix: the port takes a leading own country code as
/// one ("7…" in KZ, "262…" in RE, "900…" in TR) and drops a trunk-like digit it must keep
/// ("8 800…" in RU).
fn national(home: Id, digits: &str) -> Option<String> {
    read(home, digits).or_else(|| {
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let meta = phonenumber::metadata::DATABASE.by_id(home.as_ref())?;
        let cc = meta.country_code();
        read(Id::ES, &format!("+{cc}{digits}")).or_else(|| {
            let prefix = meta.national_prefix()?;
            read(Id::ES, &format!("+{cc}{}", digits.strip_prefix(prefix)?))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(code: &str) -> Region {
        Region::parse(code).expect("known region")
    }

    #[test]
    fn spanish_numbers_in_every_common_spelling_become_one_key() {
        for raw in [
            "+34 612 34 56 78",
            "612345678",
            "612 34 56 78",
            "0034612345678",
            "+34-612-345-678",
            "(+34) 612345678",
        ] {
            assert_eq!(
                normalize_phone(raw, r("ES")).as_deref(),
                Ok("+34612345678"),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn latin_american_and_us_numbers_use_their_region() {
        assert_eq!(
            normalize_phone("55 1234 5678", r("MX")).as_deref(),
            Ok("+525512345678")
        );
        assert_eq!(
            normalize_phone("(011) 4123-4567", r("AR")).as_deref(),
            Ok("+541141234567")
        );
        assert_eq!(
            normalize_phone("(201) 555-0123", r("US")).as_deref(),
            Ok("+12015550123")
        );
        assert_eq!(
            normalize_phone("+1 201 555 0123", r("ES")).as_deref(),
            Ok("+12015550123")
        );
        assert_eq!(
            normalize_phone("300 1234567", r("CO")).as_deref(),
            Ok("+573001234567")
        );
    }

    #[test]
    fn impossible_numbers_are_refused_with_the_region_used() {
        let e = normalize_phone("12345", r("ES")).expect_err("too short");
        assert!(e.to_string().contains("ES"), "{e}");
        assert!(normalize_phone("not a phone", r("ES")).is_err());
        assert!(normalize_phone("", r("ES")).is_err());
    }

    #[test]
    fn regions_parse_case_insensitively() {
        assert_eq!(Region::parse("es"), Some(Region::ES));
        assert_eq!(Region::parse("XX"), None);
    }

    proptest::proptest! {
        #[test]
        fn normalising_twice_changes_nothing(n in 600_000_000u64..=799_999_999) {
            if let Ok(e164) = normalize_phone(&n.to_string(), Region::ES) {
                proptest::prop_assert_eq!(normalize_phone(&e164, Region::ES), Ok(e164.clone()));
                proptest::prop_assert!(e164.starts_with("+34"));
            }
        }
    }
}

/// The national number of an E.164 phone (`+34612345678` → `612345678`), for search.
/// Cut from the string after the country calling code, found by looking up its 1-, 2- and
/// 3-digit prefixes (calling codes are prefix-free): no parse, so indexing a million phones
/// costs next to nothing, and leading zeros (Italy's "02…") stay.
pub fn national_digits(e164: &str) -> Option<String> {
    let digits = e164.strip_prefix('+')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (1..=3.min(digits.len())).find_map(|len| {
        let code: u16 = digits[..len].parse().ok()?;
        phonenumber::metadata::DATABASE
            .by_code(&code)
            .map(|_| digits[len..].to_owned())
    })
}

#[cfg(test)]
mod national_tests {
    #[test]
    fn national_digits_drop_the_country_code() {
        assert_eq!(
            super::national_digits("+34612345678").as_deref(),
            Some("612345678")
        );
        assert_eq!(
            super::national_digits("+12015550123").as_deref(),
            Some("2015550123")
        );
        assert_eq!(super::national_digits("garbage"), None);
    }
}
