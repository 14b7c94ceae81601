//! The `vinculo` binary as an operator uses it: migrations, users and tokens from the
//! console, backup and restore, and the errors bad input gets.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn vinculo(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vinculo"))
        .args(args)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .current_dir(dir)
        .env_remove("VINCULO_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn vinculo");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn migrate_status_lists_pending_then_applied_migrations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = vinculo(dir.path(), &["migrate", "--status"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("pending"), "{}", text(&o));
    let o = vinculo(dir.path(), &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("0 pending") && out.contains("platform"),
        "{out}"
    );
}

#[test]
fn users_and_tokens_are_created_from_the_console() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = vinculo(
        dir.path(),
        &[
            "user",
            "create",
            "--admin",
            "--email",
            "Ana@Example.com",
            "--name",
            "Ana Pérez",
            "--workspace",
            "acme",
        ],
        Some("a long enough password\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("as admin"), "{}", text(&o));

    let o = vinculo(
        dir.path(),
        &[
            "token",
            "create",
            "--email",
            "ana@example.com",
            "--name",
            "erp",
            "--scopes",
            "read,customers:write",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let token = stdout.lines().last().expect("a line");
    assert!(token.starts_with("vnc_") && token.len() > 40, "{stdout}");

    let o = vinculo(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "luis@example.com",
            "--role",
            "sales",
        ],
        Some("another long password\n"),
    );
    assert!(
        o.status.success(),
        "the only workspace is the default: {}",
        text(&o)
    );
    assert!(
        text(&o).contains("acme") && text(&o).contains("sales"),
        "{}",
        text(&o)
    );
}

#[test]
fn bad_console_input_gets_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&[&str], Option<&str>, &str)] = &[
        (
            &["user", "create", "--admin", "--email", "not-an-email"],
            Some("a long enough password\n"),
            "--email",
        ),
        (
            &["user", "create", "--admin", "--email", "ana@example.com"],
            Some("short\n"),
            "--password",
        ),
        (
            &[
                "user",
                "create",
                "--email",
                "ana@example.com",
                "--role",
                "chief",
            ],
            Some("a long enough password\n"),
            "--role",
        ),
        (
            &[
                "user",
                "create",
                "--email",
                "ana@example.com",
                "--role",
                "agent",
                "--workspace",
                "new",
            ],
            Some("a long enough password\n"),
            "must be an admin",
        ),
        (
            &[
                "token",
                "create",
                "--email",
                "nobody@example.com",
                "--name",
                "x",
            ],
            None,
            "no user with e-mail",
        ),
        (
            &["--database-url", "mysql://x", "migrate"],
            None,
            "--database-url must start with",
        ),
        (&["serve", "--listen", "localhost"], None, "--listen"),
    ];
    for (args, stdin, expected) in cases {
        let o = vinculo(dir.path(), args, *stdin);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(
            text(&o).contains(expected),
            "{args:?}: expected {expected:?} in: {}",
            text(&o)
        );
    }
    let o = vinculo(
        dir.path(),
        &[
            "token",
            "create",
            "--email",
            "ana@example.com",
            "--name",
            "x",
        ],
        None,
    );
    assert!(
        text(&o).contains("no user"),
        "the rejected commands created no user: {}",
        text(&o)
    );
    std::fs::write(
        dir.path().join("vinculo.toml"),
        "listen = \"127.0.0.1:1\"\ncolour = \"blue\"\n",
    )
    .expect("write");
    let o = vinculo(dir.path(), &["migrate"], None);
    assert!(
        !o.status.success() && text(&o).contains("vinculo.toml") && text(&o).contains("colour"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_backup_restores_into_an_empty_data_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = vinculo(
        dir.path(),
        &[
            "user",
            "create",
            "--admin",
            "--email",
            "ana@example.com",
            "--workspace",
            "acme",
        ],
        Some("a long enough password\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
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
fn customers_export_from_the_console_to_a_new_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = vinculo(
        dir.path(),
        &[
            "user",
            "create",
            "--admin",
            "--email",
            "ana@example.com",
            "--workspace",
            "acme",
        ],
        Some("a long enough password\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = dir.path().join("customers.csv");
    let o = vinculo(
        dir.path(),
        &[
            "export",
            "customers",
            "--output",
            out.to_str().expect("path"),
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0 customer(s) exported"), "{}", text(&o));
    assert!(std::fs::read_to_string(&out)
        .expect("file")
        .starts_with("id,kind,display_name"));
    let o = vinculo(
        dir.path(),
        &[
            "export",
            "customers",
            "--output",
            out.to_str().expect("path"),
        ],
        None,
    );
    assert!(
        !o.status.success() && text(&o).contains("must not exist"),
        "an export never overwrites: {}",
        text(&o)
    );
    let o = vinculo(
        dir.path(),
        &["export", "customers", "--format", "xlsx"],
        None,
    );
    assert!(
        !o.status.success() && text(&o).contains("--format"),
        "{}",
        text(&o)
    );
}
