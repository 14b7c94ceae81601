//! Logging in and out, first-run setup, the current user's profile and workspaces.
pub mod account;
pub mod api;
pub mod pages;
