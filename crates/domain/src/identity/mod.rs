//! Identity keys: the normalised values that say "this is the same customer" however they
//! were typed. An e-mail is trimmed and lowercased; a phone becomes E.164 using the
//! workspace's default country; an external id is namespaced by its source system
//! (`erp:C-0042`). A key belongs to at most one customer per workspace.
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
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Email => "email",
            KeyKind::Phone => "phone",
            KeyKind::External => "external",
        }
    }

    pub fn parse(s: &str) -> Option<KeyKind> {
        match s {
            "email" => Some(KeyKind::Email),
            "phone" => Some(KeyKind::Phone),
            "external" => Some(KeyKind::External),
            _ => None,
        }
    }
}

/// Why a value cannot be an identity key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {
    use super::*;

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
