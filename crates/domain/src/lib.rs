//! Vinculo's domain: the types and rules every other layer speaks, with no I/O.
//!
//! A tour:
//! - [`ids`]: UUIDv7 newtype ids, one per entity, so a `UserId` can never be passed as a `TeamId`.
//! - [`auth`]: roles, the permission matrix, API-token scopes, e-mail and password rules.
//! - [`workspaces`]: the tenant boundary: workspace names and slugs.
//! - [`ownership`]: a record's owner, a user or a team.
//! - [`customers`]: people and their validation, field by field.
//! - [`identity`]: identity keys (e-mail, E.164 phone, external id) normalised for matching.
//! - [`conversations`]: the shared inbox: conversation states, entries, reference tokens.
//! - [`html`]: customer-written HTML made safe to show.
//! - [`forms`]: web forms an admin builds, and the checks of what visitors send to them.
//! - [`audit`]: what a change looked like before and after, field by field.
#![forbid(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod conversations;
pub mod customers;
pub mod forms;
pub mod html;
pub mod identity;
pub mod ids;
pub mod interactions;
pub mod ownership;
pub mod workspaces;
