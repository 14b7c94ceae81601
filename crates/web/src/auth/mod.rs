//! Logging in and out, first-run setup, the current user's profile and workspaces.
pub mod api;
pub mod pages;
