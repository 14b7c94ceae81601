//! `vinculo backup` and `vinculo restore`: a backup restores into an empty data directory,
//! and `restore --help` explains the way back on both backends.
use super::{text, vinculo, workspace_with_admin};

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
    let o = vinculo(
        other.path(),
        &["restore", backup.to_str().expect("path")],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
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
