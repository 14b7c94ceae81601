//! Vinculo's use cases. Each public function is one thing a person or a system does
//! ("log in", "invite a user", "revoke a token"): it opens the transaction, applies the
//! domain rules, writes, records the audit entry in the same transaction, and commits.
//! This is the only layer that knows the order of side effects.
//!
//! A tour:
//! - [`App`]: the database plus the in-process caches and limits the use cases share.
//! - [`principal`]: who is acting, and the permission check every use case starts with.
//! - [`secrets`]: random secrets, their hashes, and argon2id password hashing.
//! - [`auth`]: first-run setup, login and sessions, API-token authentication, password change.
//! - [`users`], [`teams`], [`tokens`], [`audit`]: administration of a workspace.
//! - [`forms`]: web forms (admins build them; visitors' submissions become customers,
//!   consent, interactions and conversations or leads).
#![forbid(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod conversations;
pub mod credentials;
pub mod customers;
pub mod demo;
mod error;
pub mod events;
pub mod exports;
pub mod forms;
pub mod imports;
pub mod interactions;
pub mod principal;
mod ratelimit;
pub mod secrets;
pub mod teams;
pub mod telephony;
pub mod tokens;
pub mod users;

pub use error::AppError;
pub use principal::{Principal, Via};
/// How much of an incoming e-mail is kept (see [`AppConfig::mail_limits`]).
pub use vinculo_channels::email::Limits as MailLimits;

use std::sync::Arc;
use vinculo_store::Db;

/// Tunables of the use cases.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// argon2id memory cost in KiB (OWASP's 19 MiB by default; tests lower it).
    pub password_memory_kib: u32,
    /// How long a browser session lasts without use.
    pub session_idle: time::Duration,
    /// How long an invitation link stays valid.
    pub invite_ttl: time::Duration,
    /// Seals the passwords of other servers (mailboxes). None: connecting one is refused
    /// with a message saying so (commands that never need it run without).
    pub credentials: Option<Arc<credentials::CredentialsKey>>,
    /// How much of an incoming e-mail is kept: a larger attachment is listed with a note, a
    /// larger message keeps its sender, subject and a note.
    pub mail_limits: MailLimits,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            password_memory_kib: 19 * 1024,
            session_idle: time::Duration::days(14),
            invite_ttl: time::Duration::days(7),
            credentials: None,
            mail_limits: MailLimits::default(),
        }
    }
}

/// The shared state of every use case. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub config: Arc<AppConfig>,
    pub(crate) token_cache: Arc<auth::TokenCache>,
    pub(crate) login_limiter: Arc<ratelimit::LoginLimiter>,
    /// Submissions to the public web forms, per client IP and per form.
    pub(crate) form_limiter: Arc<ratelimit::SubmitLimiter>,
    /// The interaction writer, started on first use (it needs the runtime).
    ingest: Arc<std::sync::OnceLock<interactions::Queue>>,
    /// Live events for the pages that show changes as they happen.
    pub events: Arc<events::Events>,
    /// Who has which conversation open (the inbox's collision warning).
    pub presence: Arc<conversations::presence::Presence>,
    /// Wakes the outbox's sender when a reply is queued.
    pub(crate) outbox_wake: Arc<tokio::sync::Notify>,
    /// Wakes the mailbox readers' supervisor when a mailbox is connected, changed or removed.
    pub(crate) mailboxes_changed: Arc<tokio::sync::Notify>,
}

impl App {
    pub fn new(db: Db, config: AppConfig) -> Self {
        Self {
            db,
            config: Arc::new(config),
            token_cache: Arc::new(auth::TokenCache::default()),
            login_limiter: Arc::new(ratelimit::LoginLimiter::default()),
            form_limiter: Arc::new(ratelimit::SubmitLimiter::default()),
            ingest: Arc::new(std::sync::OnceLock::new()),
            events: Arc::new(events::Events::default()),
            presence: Arc::new(conversations::presence::Presence::default()),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            mailboxes_changed: Arc::new(tokio::sync::Notify::new()),
        }
    }

    pub(crate) fn ingest_queue(&self) -> &interactions::Queue {
        self.ingest
            .get_or_init(|| interactions::Queue::start(self.db.clone(), self.events.clone()))
    }

    /// Forgets every cached principal: called whenever roles, memberships or tokens change,
    /// so a revoked token or a demoted user loses access on their next request.
    pub(crate) fn invalidate_principals(&self) {
        self.token_cache.clear();
    }
}

pub(crate) fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
