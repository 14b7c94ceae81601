//! The API and security suite: every test starts a real server on a fresh database, on
//! SQLite always and on PostgreSQL when `VINCULO_TEST_POSTGRES_URL` is set.
mod audit;
mod audit_writes;
mod auth;
mod auto_merge;
mod canned;
mod conversations;
mod csrf;
mod custom_fields;
mod customers;
mod duplicates;
mod export_pages;
mod filters;
mod idempotency;
mod import_pages;
mod imports;
mod inbox_pages;
mod inbox_safety;
mod interactions;
mod live;
mod mailbox_checks;
mod mailbox_pages;
mod mailbox_reading;
mod member;
mod merge_history;
mod merges;
mod organizations;
mod platform;
mod replies;
mod search;
mod security;
mod security_fixture;
mod security_matrix;
mod security_pages;
mod security_tenants;
mod teams;
mod telephony;
mod timeline;
mod tokens;
mod turns;
mod users;
mod value_tiers;
mod views;
mod web_forms;

use serde_json::Value;

/// Reads a JSON body, failing the test with the body text when it is not JSON.
pub async fn json(res: reqwest::Response) -> Value {
    let text = res.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}
