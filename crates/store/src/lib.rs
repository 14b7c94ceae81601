//! Vinculo's persistence: one schema on SQLite (embedded default) and PostgreSQL.
//!
//! A tour:
//! - [`db`]: connecting, migrating, and [`Conn`], the one handle every store function takes;
//!   statements are built once with sea-query and rendered for the backend in use.
//! - [`backup`]: a consistent copy of a live SQLite database (SQLite's online backup API).
//! - [`checkpoint`]: SQLite's log is checkpointed on a thread of its own, not by the writer.
//! - [`quick`]: point reads on SQLite run on the calling thread, without the driver's
//!   thread hand-off (`GET /customers/{id}`).
//! - [`error`]: [`StoreError`], with unique violations turned into `Conflict { constraint }`.
//! - One module per context (`workspaces`, `users`, `teams`, `sessions`, `tokens`, `invites`,
//!   `audit`, `idempotency`). Every function that touches tenant data takes the
//!   [`WorkspaceId`](vinculo_domain::ids::WorkspaceId) as a parameter: the tenant boundary is
//!   enforced here, never left to handlers.
#![forbid(unsafe_code)]

pub mod attachments;
pub mod audit;
pub mod backup;
pub mod checkpoint;
pub mod consent;
pub mod conversations;
pub mod customers;
pub mod db;
pub mod error;
pub mod forms;
pub mod idempotency;
pub mod interactions;
pub mod invites;
pub mod mail_channels;
pub mod merges;
pub mod outbox;
pub mod page;
pub mod quick;
pub mod sessions;
pub mod settings;
pub mod team_turns;
pub mod teams;
pub mod telephony;
pub mod tokens;
pub mod users;
pub mod workspaces;

pub use db::{Backend, Conn, Db, DbConfig};
pub use error::StoreError;
pub use page::{After, Cursor, Page};
