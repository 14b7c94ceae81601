//! `startup` benchmark: spawn-to-first-200 on GET /healthz, first start vs restart, with a /bin/true spawn baseline.

use std::fmt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::server::{Scratch, ServeCmd, Server};
use crate::stats::Summary;

/// Give up on one start after this long (a debug build on a loaded box can be slow).
const START_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct StartupReport {
    /// Fresh, empty data dir: the server creates and migrates vinculo.db.
    pub first: Summary,
    /// Existing, already migrated data dir.
    pub restart: Summary,
    /// Spawn to exit of /bin/true: the floor set by process creation.
    pub spawn_baseline: Summary,
    /// Size of a freshly migrated vinculo.db.
    pub db_bytes: Option<u64>,
}

pub fn run(serve: &ServeCmd, runs: usize) -> Result<StartupReport> {
    eprintln!("startup: {runs} runs each of /bin/true, first start, restart");
    let mut baseline = Vec::with_capacity(runs);
    for _ in 0..runs {
        baseline.push(spawn_true()?);
    }

    // One unmeasured start migrates the restart dir (and warms the page cache for the binary).
    let warm = Scratch::new("restart")?;
    measure_once(serve, &warm, "prepare").context("preparing the migrated data dir")?;
    let db_bytes = warm.db_bytes();

    let mut first = Vec::with_capacity(runs);
    let mut restart = Vec::with_capacity(runs);
    for i in 0..runs {
        let fresh = Scratch::new("first")?;
        first.push(
            measure_once(serve, &fresh, "serve")
                .with_context(|| format!("first start, run {}", i + 1))?,
        );
        restart.push(
            measure_once(serve, &warm, &format!("serve-{i}"))
                .with_context(|| format!("restart, run {}", i + 1))?,
        );
        eprint!(".");
    }
    eprintln!();
    Ok(StartupReport {
        first: Summary::of(&first),
        restart: Summary::of(&restart),
        spawn_baseline: Summary::of(&baseline),
        db_bytes,
    })
}

/// Milliseconds from spawn to the first 200 on /healthz; the server is stopped afterwards.
fn measure_once(serve: &ServeCmd, scratch: &Scratch, log: &str) -> Result<f64> {
    let mut server = Server::spawn(serve, &scratch.data_dir(), scratch.log(log))?;
    let elapsed = server.wait_healthy(START_TIMEOUT)?;
    server.stop()?;
    Ok(elapsed.as_secs_f64() * 1e3)
}

/// Milliseconds from spawn to exit of /bin/true.
fn spawn_true() -> Result<f64> {
    let start = Instant::now();
    let status = Command::new("/bin/true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("spawn /bin/true")?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    if !status.success() {
        bail!("/bin/true exited with {status}");
    }
    Ok(ms)
}

impl fmt::Display for StartupReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "## startup: spawn of `vinculo serve` to first 200 on GET /healthz (polled every 1 ms)"
        )?;
        let db = self.db_bytes.map_or("unknown size".to_string(), |b| {
            format!("{:.1} KiB", b as f64 / 1024.0)
        });
        writeln!(
            f,
            "dataset: empty database (freshly migrated vinculo.db: {db})"
        )?;
        writeln!(f, "first start (creates + migrates DB): {}", self.first)?;
        writeln!(f, "restart (existing DB):               {}", self.restart)?;
        write!(
            f,
            "baseline spawn+exit of /bin/true:    {}",
            self.spawn_baseline
        )
    }
}
