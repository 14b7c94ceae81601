//! What the binary's test suites share: running a `vinculo` command to its end.
pub mod server;

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

/// Runs `cmd` with `stdin` (if any) as its standard input, and waits for its output.
pub fn output_of(mut cmd: Command, stdin: Option<&str>) -> Output {
    let mut child = cmd
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
