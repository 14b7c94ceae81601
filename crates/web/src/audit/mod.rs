//! The audit log: who changed what, when, field by field.
pub mod api;
pub mod pages;
pub mod texts;
