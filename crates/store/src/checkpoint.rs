//! Checkpointing SQLite's write-ahead log on a thread of its own (SQLite only).
//!
//! By default the connection that commits when the log passes 1,000 pages copies the log back
//! into the database before its commit returns. Here that connection is the one writer every
//! ingest, import and edit waits for, so each checkpoint (a tenth of a batch ingest's time
//! in the writer, see docs/performance.md) stalled all of them. A [`Checkpointer`] runs
//! passive checkpoints from its own connection every [`EVERY`] instead, on the other core:
//! a passive checkpoint takes no lock a writer or reader waits on.
//!
//! The connections keep an automatic checkpoint at [`SAFETY_NET_PAGES`], so the log stays
//! bounded even if this thread cannot run (the file is read-only to it, the disk is full).
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the log is checkpointed. A checkpoint of an empty log is a few microseconds.
const EVERY: Duration = Duration::from_millis(100);

/// `wal_autocheckpoint` for every connection: the log size (in 4 KiB pages, so 64 MiB) at
/// which a committing connection checkpoints itself, should this thread fall behind.
pub(crate) const SAFETY_NET_PAGES: &str = "16384";

/// The thread checkpointing one database file; it stops when this is dropped.
pub struct Checkpointer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub(crate) fn start(path: PathBuf) -> Checkpointer {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&path, &flag))
            .map_err(|e| tracing::warn!(error = %e, "no checkpoint thread: the writer checkpoints"))
            .ok();
        Checkpointer { stop, thread }
    }
}

impl Checkpointer {
    /// Stops the thread (it ends at its next wake, within [`EVERY`]).
    pub(crate) fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = &self.thread {
            t.thread().unpark();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

fn run(path: &std::path::Path, stop: &AtomicBool) {
    let mut conn: Option<rusqlite::Connection> = None;
    let mut warned = false;
    while !stop.load(Ordering::Relaxed) {
        std::thread::park_timeout(EVERY);
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if conn.is_none() {
            conn = rusqlite::Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .and_then(|c| {
                c.busy_timeout(Duration::from_millis(50))?;
                Ok(c)
            })
            .ok();
        }
        let Some(c) = &conn else { continue };
        // (busy, frames in the log, frames checkpointed); busy only means a reader still
        // needs part of the log: the rest is copied now and that part next time.
        if let Err(e) = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            if !warned {
                tracing::warn!(error = %e, "background checkpoint failed; the writer checkpoints");
                warned = true;
            }
            conn = None;
        }
    }
}
