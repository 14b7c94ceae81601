//! Who may do what: roles, the permission matrix, API-token scopes, and the rules for the
//! credentials people log in with.
mod credentials;
mod permissions;
mod scopes;

pub use credentials::{CredentialError, Email, Password, PersonName};
pub use permissions::{allows, Access, Area, Role, RoleError};
pub use scopes::{Scope, ScopeError, Scopes};
