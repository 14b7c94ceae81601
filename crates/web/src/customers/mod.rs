//! Customer records: people (organisations next).
pub mod api;
pub mod pages;
