//! The shared inbox over HTTP: conversations (`/api/v1/conversations`) and mailboxes
//! (`/api/v1/mail-channels`) as JSON; the inbox (`/inbox`), a conversation (`/inbox/{id}`)
//! and the mailbox settings (`/settings/mailboxes`) as pages.
pub mod api;
pub mod canned_api;
pub mod canned_pages;
pub mod checks_api;
pub mod live;
pub mod mailbox_checks;
mod mailbox_form;
pub mod mailboxes_api;
pub mod mailboxes_pages;
pub mod message_frame;
pub mod pages;
pub mod reply_api;
pub mod reply_forms;
pub mod texts;
pub mod thread_forms;
pub mod thread_pages;
pub mod tools_texts;
mod turn_forms;
mod view;
