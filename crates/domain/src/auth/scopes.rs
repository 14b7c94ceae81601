//! API-token scopes. A token acts as the user who owns it, narrowed to its scopes:
//! `read` / `write` grant every area, `customers:read` / `customers:write` one area.
use super::permissions::{Access, Area};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    /// `None` means every area.
    pub area: Option<Area>,
    pub access: Access,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScopeError {
    #[error("unknown scope {0:?}: use read, write, or AREA:read / AREA:write (areas: customers, interactions, service, sales, marketing, analytics, users, teams, tokens, audit, workspace)")]
    Unknown(String),
    #[error("a token needs at least one scope")]
    Empty,
}

impl Scope {
    pub fn parse(raw: &str) -> Result<Self, ScopeError> {
        let s = raw.trim().to_ascii_lowercase();
        let access = |a: &str| match a {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            _ => None,
        };
        let parsed = match s.split_once(':') {
            None => access(&s).map(|access| Scope { area: None, access }),
            Some((area, a)) => Area::parse(area)
                .zip(access(a))
                .map(|(area, access)| Scope {
                    area: Some(area),
                    access,
                }),
        };
        parsed.ok_or_else(|| ScopeError::Unknown(raw.trim().to_owned()))
    }

    fn grants(self, area: Area, access: Access) -> bool {
        self.area.is_none_or(|a| a == area)
            && (self.access == Access::Write || access == Access::Read)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let access = match self.access {
            Access::Read => "read",
            Access::Write => "write",
        };
        match self.area {
            None => f.write_str(access),
            Some(area) => write!(f, "{}:{access}", area.as_str()),
        }
    }
}

/// A token's set of scopes, stored as a space-separated string (as OAuth does).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Parses a comma- or space-separated list such as `read,customers:write`.
    pub fn parse(raw: &str) -> Result<Self, ScopeError> {
        let mut out: Vec<Scope> = Vec::new();
        for part in raw.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
            let scope = Scope::parse(part)?;
            if !out.contains(&scope) {
                out.push(scope);
            }
        }
        if out.is_empty() {
            return Err(ScopeError::Empty);
        }
        Ok(Self(out))
    }

    pub fn grants(&self, area: Area, access: Access) -> bool {
        self.0.iter().any(|s| s.grants(area, access))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join(" "))
    }
}

impl TryFrom<String> for Scopes {
    type Error = ScopeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Scopes> for String {
    fn from(s: Scopes) -> Self {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_grants_every_area_read_only() {
        let s = Scopes::parse("read").expect("valid");
        assert!(s.grants(Area::Customers, Access::Read));
        assert!(!s.grants(Area::Customers, Access::Write));
    }

    #[test]
    fn area_scopes_are_narrow_and_write_implies_read() {
        let s = Scopes::parse("customers:write, sales:read").expect("valid");
        assert!(s.grants(Area::Customers, Access::Read));
        assert!(s.grants(Area::Customers, Access::Write));
        assert!(s.grants(Area::Sales, Access::Read));
        assert!(!s.grants(Area::Sales, Access::Write));
        assert!(!s.grants(Area::Users, Access::Read));
        assert_eq!(s.to_string(), "customers:write sales:read");
    }

    #[test]
    fn unknown_and_empty_scopes_are_rejected() {
        assert_eq!(Scopes::parse(" , "), Err(ScopeError::Empty));
        assert!(matches!(
            Scopes::parse("admin"),
            Err(ScopeError::Unknown(_))
        ));
        assert!(matches!(
            Scopes::parse("orders:read"),
            Err(ScopeError::Unknown(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn display_round_trips(raw in "(read|write|customers:read|sales:write|audit:read)( (read|write|users:write|teams:read)){0,3}") {
            let s = Scopes::parse(&raw).expect("generated scopes are valid");
            proptest::prop_assert_eq!(Scopes::parse(&s.to_string()).expect("round trip"), s);
        }
    }
}
