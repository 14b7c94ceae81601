//! The `vinculo` binary as an operator uses it: migrations, users and tokens from the
//! console, export and ingest, backup and restore (`backup`), and the errors bad input gets.
mod backup;
#[path = "../common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output};

fn vinculo(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vinculo"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .current_dir(dir)
        .env_remove("VINCULO_DATABASE_URL");
    common::output_of(cmd, stdin)
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
    let o = vinculo(dir.path(), &["migrate", "--status"], None);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut lines = out.lines();
    let header = lines.next().expect("a header");
    let (applied, description) = (
        header.find("APPLIED").expect("APPLIED"),
        header.find("DESCRIPTION").expect("DESCRIPTION"),
    );
    let rows: Vec<&str> = lines.take_while(|l| !l.contains("migration(s)")).collect();
    assert!(rows.len() > 1, "{out}");
    for row in rows {
        // Each column starts under its heading; the time is RFC 3339 in UTC, to the second.
        let at = row[applied..].split(' ').next().expect("time");
        assert!(
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).is_ok()
                && at.ends_with('Z')
                && at.len() == "2026-11-23T06:32:19Z".len(),
            "{row}"
        );
        assert!(row[..description].ends_with("  "), "{row}");
        assert!(!row[description..].starts_with(' '), "{row}");
    }
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

/// Five lines: two calls from one new number (written two ways), an e-mail, broken JSON and an
/// unknown channel.
const INTERACTIONS: &str = r#"{"channel":"phone","type":"call","customer":{"phone":"+34 612 34 56 78"},"source":"test","source_event_id":"e1"}
{"channel":"phone","type":"call","direction":"outbound","customer":{"phone":"612345678"},"source":"test","source_event_id":"e2"}

{"channel":"email","type":"message","subject":"Factura","customer":{"email":"ana@example.com"},"source":"test","source_event_id":"e3"}
{"channel":"email","type":"message",
{"channel":"pigeon","type":"call","customer":{"phone":"612345678"},"source":"test","source_event_id":"e4"}
"#;

/// A data dir with one workspace and its admin.
fn workspace_with_admin() -> tempfile::TempDir {
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
    dir
}

/// Customers in the workspace, counted in the CSV export.
fn customer_count(dir: &Path) -> usize {
    let o = vinculo(dir, &["export", "customers", "--format", "csv"], None);
    assert!(o.status.success(), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout).into_owned();
    csv.lines().skip(1).filter(|l| !l.is_empty()).count()
}

#[test]
fn ingesting_a_jsonl_file_stores_the_valid_lines_and_names_the_rejected_ones() {
    let dir = workspace_with_admin();
    let file = dir.path().join("interactions.jsonl");
    std::fs::write(&file, INTERACTIONS).expect("write");
    let o = vinculo(dir.path(), &["ingest", file.to_str().expect("path")], None);
    let out = text(&o);
    assert!(
        o.status.success(),
        "rejected lines do not fail the run: {out}"
    );
    assert!(
        out.contains("5 lines: 3 ingested (2 new customer(s)), 0 already there, 2 rejected"),
        "{out}"
    );
    assert!(
        out.contains("line 5: the line ends before the object does"),
        "broken JSON is named by its line, blank lines counted: {out}"
    );
    assert!(
        out.contains("line 6: channel: expected one of phone, email"),
        "{out}"
    );
    assert_eq!(
        customer_count(dir.path()),
        2,
        "both calls went to one customer, the e-mail to another"
    );
}

#[test]
fn ingesting_the_same_file_again_adds_nothing() {
    let dir = workspace_with_admin();
    let file = dir.path().join("interactions.jsonl");
    std::fs::write(&file, INTERACTIONS).expect("write");
    let o = vinculo(dir.path(), &["ingest", file.to_str().expect("path")], None);
    assert!(o.status.success(), "{}", text(&o));

    let rejects = dir.path().join("rejects.csv");
    let o = vinculo(
        dir.path(),
        &["ingest", "-", "--rejects", rejects.to_str().expect("path")],
        Some(INTERACTIONS),
    );
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("5 lines: 0 ingested (0 new customer(s)), 3 already there, 2 rejected"),
        "lines with a stored source event are already there: {out}"
    );
    assert_eq!(customer_count(dir.path()), 2);
    let csv = std::fs::read_to_string(&rejects).expect("rejects file");
    assert!(
        csv.starts_with("line,reason\n5,") && csv.contains("\n6,\"channel: expected one of"),
        "{csv}"
    );
}

#[test]
fn ingesting_a_missing_file_fails_and_names_it() {
    let dir = workspace_with_admin();
    let o = vinculo(dir.path(), &["ingest", "missing.jsonl"], None);
    assert!(
        !o.status.success() && text(&o).contains("cannot open missing.jsonl"),
        "{}",
        text(&o)
    );
}
