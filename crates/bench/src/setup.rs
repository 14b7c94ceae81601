//! Seeds a data dir for authenticated benchmarks: one workspace, one admin user, one read-scoped API token.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use anyhow::{bail, Context, Result};

/// What the seeded dataset contains, for reports.
pub const DATASET: &str = "1 workspace, 1 admin user, 1 read-scoped API token";

const EMAIL: &str = "bench@example.invalid";
const PASSWORD: &str = "bench-password-0123456789";

/// The seeded admin's e-mail and password (to log in through the form).
pub fn credentials() -> (&'static str, &'static str) {
    (EMAIL, PASSWORD)
}

/// Runs `vinculo user create` then `vinculo token create`; returns the `vnc_...` token.
pub fn user_and_token(bin: &Path, data_dir: &Path) -> Result<String> {
    user_and_token_with(bin, data_dir, "read")
}

/// The same, with a token of these scopes (`interactions:write` to ingest).
pub fn user_and_token_with(bin: &Path, data_dir: &Path, scopes: &str) -> Result<String> {
    let mut user = Command::new(bin);
    user.args(["user", "create", "--email", EMAIL, "--name", "Bench"])
        .args(["--role", "admin", "--workspace", "bench", "--data-dir"])
        .arg(data_dir);
    run(user, Some(PASSWORD), "vinculo user create")?;

    let mut token = Command::new(bin);
    token
        .args(["token", "create", "--email", EMAIL, "--name", "bench"])
        .args(["--scopes", scopes, "--data-dir"])
        .arg(data_dir);
    let out = run(token, None, "vinculo token create")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or_default();
    if !last.starts_with("vnc_") {
        bail!("vinculo token create: last stdout line is not a vnc_ token: {last:?}\nstdout:\n{stdout}");
    }
    Ok(last.to_string())
}

fn run(mut cmd: Command, stdin_line: Option<&str>, what: &str) -> Result<Output> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().with_context(|| format!("spawn {what}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        if let Some(line) = stdin_line {
            stdin
                .write_all(format!("{line}\n").as_bytes())
                .with_context(|| format!("write stdin of {what}"))?;
        }
        // Dropping stdin closes it so the child sees EOF.
    }
    let out = child
        .wait_with_output()
        .with_context(|| format!("wait for {what}"))?;
    if !out.status.success() {
        bail!(
            "{what} failed ({}); stderr:\n{}\nstdout:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end(),
            String::from_utf8_lossy(&out.stdout).trim_end()
        );
    }
    Ok(out)
}
