//! Workspaces: the tenant boundary. Every row of every table belongs to one.
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a workspace name or slug was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WorkspaceError {
    #[error("the workspace name must not be empty")]
    EmptyName,
    #[error("the workspace name is longer than {max} characters")]
    NameTooLong { max: usize },
    #[error("a slug is 2 to 48 characters of a-z, 0-9 and '-', starting with a letter or digit")]
    InvalidSlug,
}

/// A URL-safe workspace identifier such as `acme-ventas`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, WorkspaceError> {
        let s = raw.trim();
        let ok_len = (2..=48).contains(&s.len());
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok_start = s.bytes().next().is_some_and(|b| b != b'-');
        if ok_len && ok_chars && ok_start && !s.ends_with('-') {
            Ok(Self(s.to_owned()))
        } else {
            Err(WorkspaceError::InvalidSlug)
        }
    }

    /// Derives a slug from a display name: "Café Núñez S.A." becomes `cafe-nunez-s-a`.
    pub fn from_name(name: &str) -> Self {
        let mut out = String::new();
        for ch in name.chars().flat_map(fold_accent) {
            if ch.is_ascii_alphanumeric() {
                out.push(ch.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let mut s = out.trim_end_matches('-').to_owned();
        s.truncate(40);
        let s = s.trim_end_matches('-').to_owned();
        if s.len() < 2 {
            return Self(format!("ws-{s}").trim_end_matches('-').to_owned());
        }
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Folds the Latin accents a Spanish or Portuguese name carries to ASCII.
fn fold_accent(c: char) -> Option<char> {
    Some(match c {
        'á' | 'à' | 'ä' | 'â' | 'ã' | 'Á' | 'À' | 'Ä' | 'Â' | 'Ã' => 'a',
        'é' | 'è' | 'ë' | 'ê' | 'É' | 'È' | 'Ë' | 'Ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' | 'Í' | 'Ì' | 'Ï' | 'Î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' | 'õ' | 'Ó' | 'Ò' | 'Ö' | 'Ô' | 'Õ' => 'o',
        'ú' | 'ù' | 'ü' | 'û' | 'Ú' | 'Ù' | 'Ü' | 'Û' => 'u',
        'ñ' | 'Ñ' => 'n',
        'ç' | 'Ç' => 'c',
        other => other,
    })
}

impl TryFrom<String> for Slug {
    type Error = WorkspaceError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> Self {
        s.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A workspace's display name, trimmed, 1 to 120 characters.
pub fn parse_workspace_name(raw: &str) -> Result<String, WorkspaceError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(WorkspaceError::EmptyName);
    }
    if s.chars().count() > 120 {
        return Err(WorkspaceError::NameTooLong { max: 120 });
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_spanish_names_drop_accents_and_punctuation() {
        assert_eq!(
            Slug::from_name("Café Núñez S.A.").as_str(),
            "cafe-nunez-s-a"
        );
        assert_eq!(Slug::from_name("  Ventas  Norte ").as_str(), "ventas-norte");
        assert_eq!(Slug::from_name("X").as_str(), "ws-x");
    }

    #[test]
    fn slug_parse_rejects_uppercase_spaces_and_edges() {
        assert!(Slug::parse("acme").is_ok());
        assert!(Slug::parse("Acme").is_err());
        assert!(Slug::parse("a b").is_err());
        assert!(Slug::parse("-acme").is_err());
        assert!(Slug::parse("acme-").is_err());
        assert!(Slug::parse("a").is_err());
    }

    proptest::proptest! {
        #[test]
        fn from_name_always_yields_a_valid_slug(name in "\\PC{0,80}") {
            let slug = Slug::from_name(&name);
            proptest::prop_assert!(Slug::parse(slug.as_str()).is_ok(), "{:?} -> {:?}", name, slug);
        }
    }
}
