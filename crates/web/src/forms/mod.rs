//! Web forms: the API that builds them (`api`), the settings pages (`pages`, with the
//! `builder`), the public hosted page and endpoint (`public`), and the markup they share
//! (`render`).
pub mod api;
mod builder;
mod builder_view;
pub mod pages;
pub mod public;
mod render;
pub mod texts;
