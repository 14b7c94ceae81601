//! The long-lived loop a background task drives for one mailbox: connect, fetch everything
//! new in batches, hand each batch to the caller, wait (IDLE or poll), and on any error
//! reconnect after an exponential backoff.
//!
//! Delivery is at-least-once and crash-safe: the cursor moves only after the caller's
//! callback returned `Ok`, which it does only once the batch *and* `batch.cursor` are stored
//! (one transaction). After a crash the caller passes the stored cursor back in and at worst
//! sees the last batch again; Message-ID dedupes it.

use std::future::Future;
use std::time::Duration;

use rand::Rng;

use super::fetch::{delete_stored, fetch_new, Batch, Cursor};
use super::idle::wait_for_mail;
use super::imap::{connect, ImapConfig, ImapSession};
use super::TransportError;

/// How the [`Watcher`] paces itself.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Messages per batch handed to the callback.
    pub batch_size: usize,
    /// How long one IDLE lasts before it is renewed (and the folder fetched anyway).
    pub idle_timeout: Duration,
    /// How often a server without IDLE is asked for news.
    pub poll_interval: Duration,
    /// First and largest wait before reconnecting after an error.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// Delete messages from the server once stored. Off by default; honoured only when the
    /// server has UIDPLUS (otherwise mail is kept and a warning logged). A deletion that
    /// fails leaves the mail on the server; unstored mail is never deleted.
    pub delete_after_fetch: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            batch_size: 50,
            // Well under the 29 minutes after which RFC 2177 lets servers drop an idler, and
            // under the ~10-15 minutes NAT boxes and firewalls tend to forget quiet connections.
            idle_timeout: Duration::from_secs(9 * 60),
            poll_interval: Duration::from_secs(60),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(5 * 60),
            delete_after_fetch: false,
        }
    }
}

/// How a watched mailbox is doing, for whoever shows it to people (the mailbox settings'
/// "last read" and "last error"); sent when the watcher was given a channel for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchReport {
    /// Everything new was fetched and handed over.
    Fetched,
    /// A connected stretch ended in an error; it is tried again after a pause.
    Failed { code: &'static str, message: String },
}

/// One mailbox watched until told to stop. See the module docs for the delivery guarantee.
#[derive(Debug)]
pub struct Watcher {
    config: ImapConfig,
    options: WatchOptions,
    cursor: Option<Cursor>,
    reports: Option<tokio::sync::mpsc::UnboundedSender<WatchReport>>,
}

/// Why one connected stretch ended.
enum Ended {
    Shutdown,
    Failed(String, &'static str),
}

impl Watcher {
    /// `cursor` is the one stored with the last batch, `None` for a new mailbox.
    pub fn new(config: ImapConfig, options: WatchOptions, cursor: Option<Cursor>) -> Self {
        Self {
            config,
            options,
            cursor,
            reports: None,
        }
    }

    /// Sends a [`WatchReport`] after each round and each failure (a closed channel is fine:
    /// reports are dropped).
    pub fn with_reports(mut self, to: tokio::sync::mpsc::UnboundedSender<WatchReport>) -> Self {
        self.reports = Some(to);
        self
    }

    fn report(&self, r: WatchReport) {
        if let Some(to) = &self.reports {
            let _ = to.send(r);
        }
    }

    /// The cursor after the last batch the callback accepted.
    pub fn cursor(&self) -> Option<Cursor> {
        self.cursor
    }

    /// Runs until `shutdown` completes. `on_batch` gets each batch (also an empty one when
    /// only the cursor moved, e.g. after a UIDVALIDITY change) and returns `Ok` once it
    /// stored the messages and `batch.cursor`; an `Err` is logged and the same mail comes
    /// again after the backoff. Shutdown is honoured while connecting or waiting, never in
    /// the middle of the callback.
    pub async fn run<F, Fut, E>(&mut self, mut on_batch: F, shutdown: impl Future<Output = ()>)
    where
        F: FnMut(Batch) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        tokio::pin!(shutdown);
        let mut backoff = self.options.backoff_min;
        loop {
            let (reason, code) = match self
                .connected(&mut on_batch, &mut shutdown, &mut backoff)
                .await
            {
                Ended::Shutdown => return,
                Ended::Failed(reason, code) => (reason, code),
            };
            self.report(WatchReport::Failed {
                code,
                message: reason.clone(),
            });
            // Up to half off at random, so mailboxes on one server that failed together do
            // not all come back in the same second.
            let pause = backoff.mul_f64(rand::thread_rng().gen_range(0.5..=1.0));
            tracing::warn!(
                host = %self.config.host,
                folder = %self.config.folder,
                code,
                error = %reason,
                retry_in_ms = pause.as_millis() as u64,
                "mailbox watch failed"
            );
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(pause) => {}
            }
            backoff = (backoff * 2).min(self.options.backoff_max);
        }
    }

    async fn connected<F, Fut, E>(
        &mut self,
        on_batch: &mut F,
        shutdown: &mut std::pin::Pin<&mut impl Future<Output = ()>>,
        backoff: &mut Duration,
    ) -> Ended
    where
        F: FnMut(Batch) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        let mut session = tokio::select! {
            () = shutdown.as_mut() => return Ended::Shutdown,
            r = connect(&self.config) => match r {
                Ok(s) => s,
                Err(e) => return failed(&e),
            },
        };
        if self.options.delete_after_fetch && !session.supports_uidplus() {
            tracing::warn!(
                host = %self.config.host,
                "delete after fetch is on but the server lacks UIDPLUS: mail is kept"
            );
        }
        loop {
            if let Err(ended) = self.drain(&mut session, on_batch).await {
                return ended;
            }
            // A full round worked: the next failure starts from the short wait again.
            *backoff = self.options.backoff_min;
            self.report(WatchReport::Fetched);
            let wait = if session.supports_idle() {
                self.options.idle_timeout
            } else {
                self.options.poll_interval
            };
            session = tokio::select! {
                () = shutdown.as_mut() => return Ended::Shutdown,
                r = wait_for_mail(session, wait) => match r {
                    Ok((s, _)) => s,
                    Err(e) => return failed(&e),
                },
            };
        }
    }

    /// Fetches and hands over batches until nothing new is left.
    async fn drain<F, Fut, E>(
        &mut self,
        session: &mut ImapSession,
        on_batch: &mut F,
    ) -> Result<(), Ended>
    where
        F: FnMut(Batch) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        let folder = self.config.folder.clone();
        loop {
            let batch = fetch_new(session, &folder, self.cursor, self.options.batch_size)
                .await
                .map_err(|e| failed(&e))?;
            let next = batch.cursor;
            let more = batch.more;
            let uids: Vec<u32> = batch.messages.iter().map(|m| m.uid).collect();
            if batch.uidvalidity_changed {
                tracing::warn!(
                    host = %self.config.host,
                    folder = %folder,
                    "UIDVALIDITY changed: reading the folder again from the start"
                );
            }
            if !uids.is_empty() || self.cursor != Some(next) {
                tracing::debug!(folder = %folder, messages = uids.len(), "handing over a batch");
                on_batch(batch).await.map_err(|e| {
                    Ended::Failed(format!("storing fetched mail failed: {e}"), "store_failed")
                })?;
                self.cursor = Some(next);
            }
            if self.options.delete_after_fetch && session.supports_uidplus() && !uids.is_empty() {
                delete_stored(session, &folder, next.uidvalidity, &uids)
                    .await
                    .map_err(|e| failed(&e))?;
            }
            if !more {
                return Ok(());
            }
        }
    }
}

fn failed(e: &TransportError) -> Ended {
    Ended::Failed(e.to_string(), e.code())
}
