//! The people of a workspace: members, roles and invitations.
pub mod api;
pub mod pages;
