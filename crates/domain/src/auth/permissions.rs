//! Roles and the permission matrix. The matrix is the single source of truth: every API
//! route and every page asks [`allows`] before doing anything, and the security tests walk
//! it role by role.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user's role inside one workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Agent,
    Sales,
    Marketer,
    Analyst,
}

/// A part of the product that permissions are granted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Customers,
    Interactions,
    Service,
    Sales,
    Marketing,
    Analytics,
    Users,
    Teams,
    Tokens,
    Audit,
    Workspace,
}

/// Reading or changing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Read,
    Write,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown role {0:?}: expected one of admin, manager, agent, sales, marketer, analyst")]
pub struct RoleError(pub String);

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Manager,
        Role::Agent,
        Role::Sales,
        Role::Marketer,
        Role::Analyst,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Agent => "agent",
            Role::Sales => "sales",
            Role::Marketer => "marketer",
            Role::Analyst => "analyst",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = RoleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| RoleError(s.to_owned()))
    }
}

impl Area {
    pub const ALL: [Area; 11] = [
        Area::Customers,
        Area::Interactions,
        Area::Service,
        Area::Sales,
        Area::Marketing,
        Area::Analytics,
        Area::Users,
        Area::Teams,
        Area::Tokens,
        Area::Audit,
        Area::Workspace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Customers => "customers",
            Area::Interactions => "interactions",
            Area::Service => "service",
            Area::Sales => "sales",
            Area::Marketing => "marketing",
            Area::Analytics => "analytics",
            Area::Users => "users",
            Area::Teams => "teams",
            Area::Tokens => "tokens",
            Area::Audit => "audit",
            Area::Workspace => "workspace",
        }
    }

    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Whether `role` may have `access` to `area`. Write implies read.
///
/// The shape follows how service, sales and marketing teams divide work in the CRMs our
/// users come from: everyone who serves customers reads the customer record; each function
/// writes its own area; managers run teams; only admins touch users, tokens, the audit log
/// and workspace settings; analysts read everything customer-facing and change nothing.
pub fn allows(role: Role, area: Area, access: Access) -> bool {
    use Access::Read;
    use Area::*;
    match role {
        Role::Admin => true,
        Role::Manager => match area {
            Customers | Interactions | Service | Sales | Marketing | Teams => true,
            Analytics | Users => access == Read,
            Tokens | Audit | Workspace => false,
        },
        Role::Agent => match area {
            Customers | Interactions | Service => true,
            Sales | Users | Teams => access == Read,
            Marketing | Analytics | Tokens | Audit | Workspace => false,
        },
        Role::Sales => match area {
            Customers | Interactions | Sales => true,
            Service | Users | Teams => access == Read,
            Marketing | Analytics | Tokens | Audit | Workspace => false,
        },
        Role::Marketer => match area {
            Marketing => true,
            Customers | Interactions | Analytics | Users | Teams => access == Read,
            Service | Sales | Tokens | Audit | Workspace => false,
        },
        Role::Analyst => match area {
            Customers | Interactions | Service | Sales | Marketing | Analytics => access == Read,
            Users | Teams => access == Read,
            Tokens | Audit | Workspace => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_may_do_everything() {
        for area in Area::ALL {
            assert!(allows(Role::Admin, area, Access::Write));
        }
    }

    #[test]
    fn analyst_never_writes() {
        for area in Area::ALL {
            assert!(!allows(Role::Analyst, area, Access::Write), "{area:?}");
        }
        assert!(allows(Role::Analyst, Area::Analytics, Access::Read));
    }

    #[test]
    fn write_implies_read_for_every_role_and_area() {
        for role in Role::ALL {
            for area in Area::ALL {
                if allows(role, area, Access::Write) {
                    assert!(allows(role, area, Access::Read), "{role:?} {area:?}");
                }
            }
        }
    }

    #[test]
    fn only_admins_manage_users_tokens_audit_and_workspace() {
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
            for area in [Area::Users, Area::Tokens, Area::Audit, Area::Workspace] {
                assert!(!allows(role, area, Access::Write), "{role:?} {area:?}");
            }
        }
    }

    #[test]
    fn roles_parse_case_insensitively_and_reject_unknown() {
        assert_eq!("Admin".parse::<Role>(), Ok(Role::Admin));
        assert_eq!(" sales ".parse::<Role>(), Ok(Role::Sales));
        assert!("root".parse::<Role>().is_err());
    }
}
