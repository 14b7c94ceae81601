//! `vinculo backup` and `vinculo restore`: a backup restores into an empty data directory.
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
