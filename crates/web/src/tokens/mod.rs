//! API tokens: created by admins, shown once, stored hashed, revocable.
pub mod api;
pub mod pages;
