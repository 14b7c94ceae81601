//! The shared inbox over HTTP: conversations (`/api/v1/conversations`) and mailboxes
//! (`/api/v1/mail-channels`).
pub mod api;
pub mod mailboxes_api;
