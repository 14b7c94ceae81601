//! Customer records: people and organisations (API and pages), and the workspace's customer
//! settings, custom fields and saved views; a customer's value tier; merging customers and undoing merges; importing people from CSV (API, and pages with a mapping step and progress).
pub mod api;
mod custom_parts;
pub mod duplicates_api;
pub mod duplicates_pages;
pub mod fields_api;
pub mod fields_pages;
pub mod filters;
pub mod import_api;
mod import_file;
pub mod import_jobs;
pub mod import_pages;
pub mod import_progress;
pub mod merge_history;
pub mod merge_pages;
pub mod merges_api;
pub mod org_pages;
pub mod organizations;
pub mod pages;
pub(crate) mod parts;
pub mod settings;
pub mod tier;
mod tier_settings;
pub mod views_pages;
