//! The shared inbox over HTTP: conversations (`/api/v1/conversations`) and mailboxes
//! (`/api/v1/mail-channels`) as JSON; the mailbox settings (`/settings/mailboxes`) as pages.
pub mod api;
mod mailbox_form;
pub mod mailboxes_api;
pub mod mailboxes_pages;
pub mod texts;
