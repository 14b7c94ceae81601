//! The e-mail channel's network side: a connected mailbox read over IMAP and replies sent over
//! SMTP, both over rustls. The crate's one module with I/O of its own; it hands back raw
//! RFC 5322 bytes and plain values (cursors, UIDs) and leaves parsing (`email`) and storage
//! (`store`, `app`) to others.
//!
//! - [`imap`]: connect and log in, [`imap::test_connection`] for the admin's button.
//! - [`fetch`]: [`fetch::fetch_new`] since a [`fetch::Cursor`], never marking mail read;
//!   [`fetch::delete_stored`] for the optional delete-after-fetch.
//! - [`idle`]: [`idle::wait_for_mail`], IDLE or polling.
//! - [`watch`]: [`watch::Watcher`], the loop a background task drives (at-least-once).
//! - [`smtp`]: [`smtp::send`] pre-built bytes, failures split permanent / transient.
//! - [`reply`]: [`reply::build_reply`], a reply's bytes with threading headers.
//! - [`tls`] and [`error`]: what both protocols share.

pub mod error;
pub mod fetch;
pub mod idle;
pub mod imap;
pub mod reply;
pub mod smtp;
pub mod tls;
pub mod watch;

pub use error::{SendError, TransportError};
pub use fetch::{delete_stored, fetch_new, Batch, Cursor, Fetched};
pub use idle::{wait_for_mail, Wakeup};
pub use imap::{test_connection as test_imap, ImapCheck, ImapConfig, ImapSession};
pub use reply::{build_reply, Attachment, BuildError, ReplyDraft};
pub use smtp::{send, test_connection as test_smtp, SmtpConfig};
pub use watch::{WatchOptions, WatchReport, Watcher};

use std::time::Duration;

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// Plain connection upgraded with STARTTLS before anything else is said (IMAP 143,
    /// submission 587). Never falls back to plain text when the server refuses the upgrade.
    StartTls,
    /// No encryption. Allowed only when the host is a loopback address: the password and the
    /// customers' mail would otherwise cross the network readable by anyone on the path, while
    /// on loopback they never leave the machine (a local relay, stunnel, the test servers).
    None,
}

/// How long one network step (connect, handshake, one command) may take before the attempt
/// is given up as a timeout: generous for a slow server, short enough for an admin waiting on
/// the "test the connection" button.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
