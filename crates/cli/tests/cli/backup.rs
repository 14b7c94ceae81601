//! `vinculo backup` and `vinculo restore`: a backup restores into an empty data directory,
//! one taken while another connection keeps writing is a single consistent moment, the
//! credentials key (in no backup) is called to mind, and `restore --help` explains the way
//! back on both backends.
use super::{text, vinculo, workspace_with_admin};
use rusqlite::Connection;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[test]
fn a_backup_restores_into_an_empty_data_dir() {
    let dir = workspace_with_admin();
    let backup = dir.path().join("acme.backup");
    let o = vinculo(
        dir.path(),
        &["backup", backup.to_str().expect("path")],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(backup.is_file());
    assert!(
        !text(&o).contains("credentials.key"),
        "no key, no reminder: {}",
        text(&o)
    );
    let o = vinculo(
        dir.path(),
        &["backup", backup.to_str().expect("path")],
        None,
    );
    assert!(
        !o.status.success() && text(&o).contains("already exists"),
        "a backup never overwrites: {}",
        text(&o)
    );

    let o = vinculo(
        dir.path(),
        &["restore", backup.to_str().expect("path")],
        None,
    );
    assert!(
        !o.status.success() && text(&o).contains("--force"),
        "restoring over live data needs --force: {}",
        text(&o)
    );

    let other = tempfile::tempdir().expect("tempdir");
    let o = restore_reading_only(&backup, dir.path(), other.path());
    assert!(
        text(&o).contains("No credentials key at"),
        "the key is in no backup: {}",
        text(&o)
    );
    let o = vinculo(
        other.path(),
        &[
            "token",
            "create",
            "--email",
            "ana@example.com",
            "--name",
            "after-restore",
        ],
        None,
    );
    assert!(
        o.status.success(),
        "the restored database has the user: {}",
        text(&o)
    );

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database").expect("write");
    let o = vinculo(
        other.path(),
        &["restore", "--force", junk.to_str().expect("path")],
        None,
    );
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        !std::fs::read_dir(other.path())
            .expect("dir")
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().contains(".restoring")),
        "a refused restore leaves no copy behind"
    );
    let o = vinculo(
        other.path(),
        &[
            "token",
            "create",
            "--email",
            "ana@example.com",
            "--name",
            "still-there",
        ],
        None,
    );
    assert!(
        o.status.success(),
        "a refused restore leaves the data as it was: {}",
        text(&o)
    );
}

/// Restores `backup` into the data dir `into` and checks it went well without touching the
/// backup: a copy is checked and put in place, and nothing is left beside either folder.
fn restore_reading_only(
    backup: &std::path::Path,
    beside: &std::path::Path,
    into: &std::path::Path,
) -> std::process::Output {
    let before = std::fs::read(backup).expect("read backup");
    let o = vinculo(into, &["restore", backup.to_str().expect("path")], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        std::fs::read(backup).expect("read backup") == before,
        "restore changed the backup file"
    );
    let left: Vec<_> = std::fs::read_dir(beside)
        .expect("dir")
        .chain(std::fs::read_dir(into).expect("dir"))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("-wal") && n.starts_with("acme") || n.contains(".restoring"))
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
    o
}

/// Rows of the filler table: about 12 MB, so the copy takes several steps of 1024 pages.
const FILLER_ROWS: i64 = 12_000;

fn count(c: &Connection, table: &str) -> u64 {
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_backup_taken_while_another_connection_writes_is_one_consistent_moment() {
    let dir = workspace_with_admin();
    let live = dir.path().join("data").join("vinculo.db");
    let writer = Connection::open(&live).expect("open the live database");
    writer.busy_timeout(Duration::from_secs(10)).expect("busy");
    writer
        .execute_batch(
            "PRAGMA synchronous=OFF;
             CREATE TABLE test_filler(id INTEGER PRIMARY KEY, data BLOB NOT NULL);
             CREATE TABLE test_a(n INTEGER NOT NULL);
             CREATE TABLE test_b(n INTEGER NOT NULL);",
        )
        .expect("tables");
    writer
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
             INSERT INTO test_filler(data) SELECT zeroblob(1000) FROM n",
            [FILLER_ROWS],
        )
        .expect("filler");

    // Another connection commits a pair of rows every millisecond or so until told to stop:
    // a consistent copy has as many of one as of the other.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(0));
    let writing = {
        let (stop, written) = (stop.clone(), written.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                writer
                    .execute_batch(&format!(
                        "BEGIN IMMEDIATE; INSERT INTO test_a VALUES ({n}); \
                         INSERT INTO test_b VALUES ({n}); COMMIT;"
                    ))
                    .expect("write");
                n += 1;
                written.store(n, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    while written.load(Ordering::Relaxed) < 10 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let backup = dir.path().join("busy.backup");
    let before = written.load(Ordering::Relaxed);
    let o = vinculo(
        dir.path(),
        &["backup", backup.to_str().expect("path")],
        None,
    );
    let after = written.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    writing.join().expect("the writer");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("started again"),
        "the writes reached the copy between its steps: {}",
        text(&o)
    );
    assert!(after > before, "the writer went on during the backup");

    let copy = Connection::open_with_flags(&backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the backup");
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(check, "ok");
    let (a, b) = (count(&copy, "test_a"), count(&copy, "test_b"));
    assert_eq!(a, b, "one moment: every pair whole");
    assert!((before..=after).contains(&a), "{before} <= {a} <= {after}");
    assert_eq!(count(&copy, "test_filler"), FILLER_ROWS as u64);
    drop(copy);

    let other = tempfile::tempdir().expect("tempdir");
    restore_reading_only(&backup, dir.path(), other.path());
}

#[test]
fn a_backup_recalls_the_credentials_key_it_does_not_hold() {
    let dir = workspace_with_admin();
    let key = dir.path().join("data").join("credentials.key");
    std::fs::write(&key, "not a real key").expect("key");
    let backup = dir.path().join("with-key.backup");
    let o = vinculo(
        dir.path(),
        &["backup", backup.to_str().expect("path")],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains(&key.display().to_string()) && out.contains("not in this backup"),
        "{out}"
    );
    assert!(
        !std::fs::read(&backup)
            .expect("backup")
            .windows(14)
            .any(|w| w == b"not a real key"),
        "the key stays out of the backup"
    );
}

#[test]
fn restore_help_says_what_path_is_and_how_each_backend_comes_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = vinculo(dir.path(), &["restore", "--help"], None);
    assert!(o.status.success(), "{}", text(&o));
    let help = text(&o);
    for said in [
        "PATH is the backup file",
        "integrity check",
        "--force",
        "pg_restore --no-owner",
        "credentials.key",
        "VINCULO_CREDENTIALS_KEY",
    ] {
        assert!(help.contains(said), "{said:?} in {help}");
    }
}
