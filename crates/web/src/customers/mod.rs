//! Customer records: people and organisations (API and pages), and the workspace's customer
//! settings.
pub mod api;
pub mod org_pages;
pub mod organizations;
pub mod pages;
pub mod settings;
