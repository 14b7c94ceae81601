//! Teams of users inside a workspace.
pub mod api;
pub mod pages;
