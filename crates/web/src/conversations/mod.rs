//! The shared inbox over HTTP: mailboxes (`/api/v1/mail-channels`).
pub mod mailboxes_api;
