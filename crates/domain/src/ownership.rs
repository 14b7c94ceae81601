//! Who owns a record (a customer, a ticket, an opportunity): one user or one team. Stored and
//! exchanged as `user:<uuid>` / `team:<uuid>`, so one column holds either.
use crate::ids::{TeamId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Owner {
    User(UserId),
    Team(TeamId),
}

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("an owner is written user:<id> or team:<id>, got {0:?}")]
pub struct OwnerError(pub String);

impl FromStr for Owner {
    type Err = OwnerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || OwnerError(s.to_owned());
        let (kind, id) = s.trim().split_once(':').ok_or_else(bad)?;
        match kind {
            "user" => id.parse().map(Owner::User).map_err(|_| bad()),
            "team" => id.parse().map(Owner::Team).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::User(u) => write!(f, "user:{u}"),
            Owner::Team(t) => write!(f, "team:{t}"),
        }
    }
}

impl TryFrom<String> for Owner {
    type Error = OwnerError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Owner> for String {
    fn from(o: Owner) -> Self {
        o.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_round_trip_and_reject_other_kinds() {
        let u = Owner::User(UserId::new());
        assert_eq!(u.to_string().parse::<Owner>(), Ok(u));
        let t = Owner::Team(TeamId::new());
        assert_eq!(
            serde_json::to_value(t)
                .ok()
                .and_then(|v| serde_json::from_value::<Owner>(v).ok()),
            Some(t)
        );
        assert!("org:01234567-89ab-cdef-0123-456789abcdef"
            .parse::<Owner>()
            .is_err());
        assert!("user:not-a-uuid".parse::<Owner>().is_err());
        assert!("user".parse::<Owner>().is_err());
    }
}
