//! Identity keys: the normalised values that say "this is the same customer" however they
//! were typed. An e-mail is trimmed and lowercased; a phone becomes E.164 using the
//! workspace's default country; an external id is namespaced by its source system
//! (`erp:C-0042`); an organisation's web domain loses its scheme, `www.` and path. A key
//! belongs to at most one customer per workspace.
pub mod matching;
mod phone;

pub use phone::{national_digits, normalize_phone, Region};

use crate::auth::Email;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of identity a key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    Email,
    Phone,
    External,
    /// An organisation's web/e-mail domain (`acme.es`).
    Domain,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Email => "email",
            KeyKind::Phone => "phone",
            KeyKind::External => "external",
            KeyKind::Domain => "domain",
        }
    }

    pub fn parse(s: &str) -> Option<KeyKind> {
        match s {
            "email" => Some(KeyKind::Email),
            "phone" => Some(KeyKind::Phone),
            "external" => Some(KeyKind::External),
            "domain" => Some(KeyKind::Domain),
            _ => None,
        }
    }
}

/// Why a value cannot be an identity key.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("{0:?} is not an e-mail address")]
    Email(String),
    #[error("{value:?} is not a valid phone number{}", region.map(|r| format!(" (read as a {r} number)")).unwrap_or_default())]
    Phone {
        value: String,
        region: Option<Region>,
    },
    #[error("{0:?} is not an external id: write it as source:id, e.g. erp:C-0042 (source: 1-32 of a-z, 0-9, _ or -)")]
    External(String),
    #[error("{0:?} is not a domain name like acme.es")]
    Domain(String),
}

/// A normalised identity key, with the value as it was typed kept for display.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdentityKey {
    pub kind: KeyKind,
    /// The normalised value that uniqueness and look-ups use.
    pub value: String,
    /// The value as entered (trimmed).
    pub display: String,
}

impl fmt::Display for IdentityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.as_str(), self.value)
    }
}

impl IdentityKey {
    pub fn email(raw: &str) -> Result<Self, KeyError> {
        let e = Email::parse(raw).map_err(|_| KeyError::Email(raw.trim().to_owned()))?;
        Ok(Self {
            kind: KeyKind::Email,
            value: e.as_str().to_owned(),
            display: raw.trim().to_owned(),
        })
    }

    pub fn phone(raw: &str, region: Region) -> Result<Self, KeyError> {
        let value = normalize_phone(raw, region)?;
        Ok(Self {
            kind: KeyKind::Phone,
            value,
            display: raw.trim().to_owned(),
        })
    }

    /// `source:id`; the source is lowercased, the id kept as typed (ERP ids are often
    /// case-sensitive).
    pub fn external(raw: &str) -> Result<Self, KeyError> {
        let bad = || KeyError::External(raw.trim().to_owned());
        let (source, id) = raw.trim().split_once(':').ok_or_else(bad)?;
        let source = source.trim().to_ascii_lowercase();
        let id = id.trim();
        let source_ok = (1..=32).contains(&source.len())
            && source
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        let id_ok = (1..=128).contains(&id.chars().count()) && !id.chars().any(char::is_control);
        if !source_ok || !id_ok {
            return Err(bad());
        }
        let value = format!("{source}:{id}");
        Ok(Self {
            kind: KeyKind::External,
            display: value.clone(),
            value,
        })
    }
}

impl IdentityKey {
    /// A web domain: `https://www.Acme.es/contacto` → `acme.es`. Labels are letters, digits
    /// and hyphens (internationalised names are kept in Unicode, lowercased).
    pub fn domain(raw: &str) -> Result<Self, KeyError> {
        let bad = || KeyError::Domain(raw.trim().to_owned());
        let mut d = raw.trim().to_lowercase();
        for scheme in ["https://", "http://"] {
            if let Some(rest) = d.strip_prefix(scheme) {
                d = rest.to_owned();
            }
        }
        let d = d.split(['/', '?', '#']).next().unwrap_or_default();
        let d = d.strip_prefix("www.").unwrap_or(d).trim_end_matches('.');
        let labels: Vec<&str> = d.split('.').collect();
        let label_ok = |l: &str| {
            (1..=63).contains(&l.chars().count())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || d.len() > 253 || !labels.iter().all(|l| label_ok(l)) {
            return Err(bad());
        }
        let tld = labels.last().copied().unwrap_or_default();
        if tld.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        Ok(Self {
            kind: KeyKind::Domain,
            value: d.to_owned(),
            display: d.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_lose_scheme_www_path_and_case() {
        for raw in [
            "acme.es",
            "ACME.es",
            "https://www.acme.es/contacto?x=1",
            "www.acme.es.",
        ] {
            assert_eq!(
                IdentityKey::domain(raw).map(|k| k.value),
                Ok("acme.es".into()),
                "{raw:?}"
            );
        }
        assert_eq!(
            IdentityKey::domain("Café-Niño.com.mx").map(|k| k.value),
            Ok("café-niño.com.mx".into())
        );
        for bad in [
            "acme", "acme..es", "-acme.es", "acme .es", "10.0.0.1", "", "a@b.es",
        ] {
            assert!(IdentityKey::domain(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails_normalise_to_lowercase_and_keep_the_typed_form() {
        let k = IdentityKey::email("  Ana.Pérez@Example.COM ").expect("valid");
        assert_eq!(k.value, "ana.pérez@example.com");
        assert_eq!(k.display, "Ana.Pérez@Example.COM");
        assert!(IdentityKey::email("ana@").is_err());
    }

    #[test]
    fn external_ids_are_namespaced_by_a_lowercase_source() {
        let k = IdentityKey::external(" ERP:C-0042 ").expect("valid");
        assert_eq!(k.value, "erp:C-0042");
        assert_eq!(k.to_string(), "external:erp:C-0042");
        for bad in [
            "C-0042",
            ":x",
            "erp:",
            "e r p:x",
            &format!("{}:x", "a".repeat(33)),
        ] {
            assert!(IdentityKey::external(bad).is_err(), "{bad:?}");
        }
    }
}
