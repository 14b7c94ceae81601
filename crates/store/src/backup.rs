//! A consistent copy of a live SQLite database with SQLite's online backup API
//! (`sqlite3_backup_*`, through rusqlite), for `vinculo backup` while the server runs.
//!
//! The copy goes [`STEP_PAGES`] pages at a time with a [`PAUSE`] between steps, each step a
//! short read transaction of its own, so the server's writes go on between them. When another
//! connection writes between two steps, SQLite starts the copy again from the first page: that
//! is what makes the result one moment of the database, and it also means a stepwise copy of a
//! database written to without a break might never end. So after [`MAX_RESTARTS`] restarts
//! the rest is copied in one step: one read transaction over the whole file, which the server's
//! writers do not wait for in WAL mode (Vinculo's) and which cannot be restarted. Either way the
//! file holds the database as it was at one commit.
//!
//! The copy is written to `<dest>.partial`, switched to `journal_mode=DELETE` (one
//! self-contained file, no `-wal` beside it) and only then renamed to `dest`, so a failed or
//! interrupted backup never leaves a file that looks finished.
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Pages per step: 4 MiB at SQLite's default 4 KiB page, a few milliseconds of reading.
pub const STEP_PAGES: i32 = 1024;
/// The pause between steps, in which the server's writers take their turn.
pub const PAUSE: Duration = Duration::from_millis(5);
/// Restarts (a write between two steps) before the rest is copied in one step.
pub const MAX_RESTARTS: u32 = 3;
/// How long one step waits for a lock before it reports the database busy, and how many busy
/// steps in a row end the backup.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_BUSY: u32 = 6;

/// How a backup went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Copied {
    /// Pages in the copy.
    pub pages: u64,
    /// Times a write between two steps started the copy again.
    pub restarts: u32,
    /// Whether the end was copied in one step, after [`MAX_RESTARTS`] restarts.
    pub in_one_step: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose a new file name")]
    Exists(PathBuf),
    #[error("the database stayed locked by another connection; try again")]
    Busy,
    #[error("the online backup API is SQLite's; PostgreSQL is backed up with pg_dump")]
    NotSqlite,
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Copies the SQLite database at `src` to the new file `dest` (see the module's comment).
/// Blocking: call it off the async runtime.
pub fn online_backup(src: &Path, dest: &Path) -> Result<Copied, BackupError> {
    if dest.exists() {
        return Err(BackupError::Exists(dest.to_owned()));
    }
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    // A `.partial` is what an interrupted earlier attempt left: never a backup.
    remove_if_there(&partial)?;
    let copied = copy(src, &partial).and_then(|c| {
        std::fs::rename(&partial, dest)?;
        Ok(c)
    });
    if copied.is_err() {
        let _ = remove_if_there(&partial);
        let _ = remove_if_there(&with_suffix(&partial, "-journal"));
    }
    copied
}

fn copy(src: &Path, to: &Path) -> Result<Copied, BackupError> {
    // Read-write without create: a wrong path is an error, not a new empty database.
    let source = Connection::open_with_flags(
        src,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    source.busy_timeout(BUSY_TIMEOUT)?;
    let mut dest = Connection::open(to)?;
    let mut copied = Copied {
        pages: 0,
        restarts: 0,
        in_one_step: false,
    };
    {
        let backup = Backup::new(&source, &mut dest)?;
        let mut last_remaining: Option<i32> = None;
        let mut busy = 0;
        loop {
            copied.in_one_step = copied.restarts >= MAX_RESTARTS;
            let pages = if copied.in_one_step { -1 } else { STEP_PAGES };
            match backup.step(pages)? {
                StepResult::Done => break,
                StepResult::More => busy = 0,
                // Busy, Locked (and whatever a later rusqlite adds): nothing copied, try again.
                _ => {
                    busy += 1;
                    if busy >= MAX_BUSY {
                        return Err(BackupError::Busy);
                    }
                }
            }
            // What is left only ever shrinks, unless the copy started again.
            let remaining = backup.progress().remaining;
            if last_remaining.is_some_and(|last| remaining > last) {
                copied.restarts += 1;
            }
            last_remaining = Some(remaining);
            std::thread::sleep(PAUSE);
        }
        copied.pages = u64::try_from(backup.progress().pagecount).unwrap_or(0);
    }
    // The source's WAL mark came with its first page; a backup is one file.
    let mode: String = dest.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        tracing::warn!(mode, "the backup kept its journal mode");
    }
    dest.close().map_err(|(_, e)| e)?;
    Ok(copied)
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn remove_if_there(p: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(path: &Path, rows: i64) -> Connection {
        let c = Connection::open(path).expect("open");
        c.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))
            .expect("wal");
        c.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
            .expect("table");
        c.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
             INSERT INTO t(data) SELECT zeroblob(1000) FROM n",
            [rows],
        )
        .expect("rows");
        c
    }

    #[test]
    fn a_backup_is_one_file_with_every_row_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("live.db");
        let _live = database(&src, 10_000);
        let dest = dir.path().join("copy.db");
        let copied = online_backup(&src, &dest).expect("backup");
        assert!(copied.pages > STEP_PAGES as u64, "{copied:?}");
        assert_eq!(copied.restarts, 0, "nobody wrote: {copied:?}");
        assert!(!dir.path().join("copy.db.partial").exists());
        assert!(!dir.path().join("copy.db-wal").exists());
        let c = Connection::open(&dest).expect("open the copy");
        let mode: String = c
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "delete");
        let n: i64 = c
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 10_000);
        assert!(matches!(
            online_backup(&src, &dest),
            Err(BackupError::Exists(_))
        ));
    }

    #[test]
    fn a_missing_database_is_an_error_and_leaves_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("copy.db");
        assert!(online_backup(&dir.path().join("missing.db"), &dest).is_err());
        assert!(!dest.exists());
        assert!(!dir.path().join("copy.db.partial").exists());
    }
}
