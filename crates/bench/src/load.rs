//! `load` benchmark: GET /api/v1/me with a bearer token vs the GET /healthz baseline, via wrk or the builtin generator.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::ValueEnum;

use crate::server::{Memory, Scratch, ServeCmd, Server};
use crate::stats::median;
use crate::{builtin, setup, wrk};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Tool {
    /// wrk if found on PATH (or /usr/bin/wrk), else builtin.
    Auto,
    Wrk,
    Builtin,
}

#[derive(Debug, Clone)]
pub struct LoadOpts {
    pub concurrency: usize,
    pub duration: Duration,
    pub reps: usize,
    pub tool: Tool,
    pub wrk_threads: usize,
}

/// One measured run.
#[derive(Debug, Clone)]
pub struct RunStats {
    pub rps: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub requests: u64,
    /// Non-2xx responses plus transport/socket errors.
    pub bad: u64,
    pub note: Option<String>,
}

/// Medians over repetitions, each figure taken separately.
#[derive(Debug, Clone, Copy)]
pub struct Medians {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Medians {
    fn of(runs: &[RunStats]) -> Medians {
        let pick = |f: fn(&RunStats) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        Medians {
            rps: pick(|r| r.rps),
            p50_ms: pick(|r| r.p50_us) / 1e3,
            p99_ms: pick(|r| r.p99_us) / 1e3,
        }
    }
}

impl fmt::Display for Medians {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
            self.rps, self.p50_ms, self.p99_ms
        )
    }
}

/// The load generator in use.
pub struct Driver {
    wrk: Option<PathBuf>,
    wrk_threads: usize,
    rt: Option<tokio::runtime::Runtime>,
}

impl Driver {
    pub fn new(tool: Tool, wrk_threads: usize) -> Result<Driver> {
        let wrk = match tool {
            Tool::Builtin => None,
            Tool::Auto => find_wrk(),
            Tool::Wrk => Some(find_wrk().context(
                "wrk not found on PATH or at /usr/bin/wrk (apt-get install wrk, or use --tool builtin)",
            )?),
        };
        let rt = match wrk {
            Some(_) => None,
            None => Some(
                tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .build()
                    .context("build tokio runtime")?,
            ),
        };
        Ok(Driver {
            wrk,
            wrk_threads,
            rt,
        })
    }

    pub fn name(&self) -> String {
        match &self.wrk {
            Some(path) => format!("wrk -t{} ({})", self.wrk_threads, path.display()),
            None => "builtin tokio+reqwest closed loop".to_string(),
        }
    }

    pub fn run(
        &self,
        url: &str,
        bearer: Option<&str>,
        concurrency: usize,
        duration: Duration,
    ) -> Result<RunStats> {
        match (&self.wrk, &self.rt) {
            (Some(wrk), _) => wrk::run(wrk, self.wrk_threads, url, bearer, concurrency, duration),
            (None, Some(rt)) => rt.block_on(builtin::run(url, bearer, concurrency, duration)),
            (None, None) => bail!("no load generator configured"),
        }
    }
}

fn find_wrk() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("wrk"))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let p = PathBuf::from("/usr/bin/wrk");
        p.is_file().then_some(p)
    })
}

#[derive(Debug, Clone)]
pub struct LoadReport {
    pub tool: String,
    pub opts: LoadOpts,
    pub me: Vec<RunStats>,
    pub healthz: Vec<RunStats>,
    pub rss_after: Memory,
}

impl LoadReport {
    pub fn me_medians(&self) -> Medians {
        Medians::of(&self.me)
    }

    pub fn healthz_medians(&self) -> Medians {
        Medians::of(&self.healthz)
    }
}

pub fn run(serve: &ServeCmd, opts: &LoadOpts) -> Result<LoadReport> {
    let driver = Driver::new(opts.tool, opts.wrk_threads)?;
    eprintln!(
        "load: {}; c={}, {:?} x {} reps per endpoint",
        driver.name(),
        opts.concurrency,
        opts.duration,
        opts.reps
    );
    let scratch = Scratch::new("load")?;
    let token = setup::user_and_token(&serve.bin, &scratch.data_dir())?;
    let mut server = Server::spawn(serve, &scratch.data_dir(), scratch.log("serve"))?;
    server.wait_healthy(Duration::from_secs(30))?;

    let ready = server.get("/readyz", None)?;
    if ready.status != 200 {
        bail!(
            "GET /readyz returned {} (body {:?})",
            ready.status,
            ready.body
        );
    }
    let me = server.get("/api/v1/me", Some(&token))?;
    if me.status != 200 {
        bail!(
            "GET /api/v1/me with the bench token returned {} (body {:?}); log tail:\n{}",
            me.status,
            me.body,
            server.log_tail()
        );
    }

    let (me_url, health_url) = (server.url("/api/v1/me"), server.url("/healthz"));
    let warmup = opts.duration.min(Duration::from_secs(2));
    eprintln!("load: warm-up {warmup:?} per endpoint");
    driver.run(&health_url, None, opts.concurrency, warmup)?;
    driver.run(&me_url, Some(&token), opts.concurrency, warmup)?;
    server.ensure_running()?;

    let mut report = LoadReport {
        tool: driver.name(),
        opts: opts.clone(),
        me: Vec::new(),
        healthz: Vec::new(),
        rss_after: server.memory()?,
    };
    // Interleave the endpoints so drift on a noisy machine hits both alike.
    for rep in 1..=opts.reps {
        eprintln!("load: rep {rep}/{}", opts.reps);
        let h = driver.run(&health_url, None, opts.concurrency, opts.duration)?;
        server.ensure_running()?;
        let m = driver.run(&me_url, Some(&token), opts.concurrency, opts.duration)?;
        server.ensure_running()?;
        report.healthz.push(h);
        report.me.push(m);
    }
    report.rss_after = server.memory()?;
    server.stop()?;
    Ok(report)
}

fn write_runs(f: &mut fmt::Formatter<'_>, label: &str, runs: &[RunStats]) -> fmt::Result {
    for (i, r) in runs.iter().enumerate() {
        write!(
            f,
            "\n  {label} rep {}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} requests",
            i + 1,
            r.rps,
            r.p50_us / 1e3,
            r.p99_us / 1e3,
            r.requests
        )?;
        if r.bad > 0 {
            write!(f, "  WARNING: {} bad responses/errors", r.bad)?;
        }
        if let Some(note) = &r.note {
            write!(f, " [{note}]")?;
        }
    }
    Ok(())
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.opts;
        writeln!(
            f,
            "## load: c={}, {}s per run, {} reps, tool: {}",
            o.concurrency,
            o.duration.as_secs(),
            o.reps,
            self.tool
        )?;
        writeln!(f, "dataset: {}", setup::DATASET)?;
        writeln!(
            f,
            "GET /api/v1/me (bearer token): median {}",
            self.me_medians()
        )?;
        write!(
            f,
            "GET /healthz (baseline, no auth/DB): median {}",
            self.healthz_medians()
        )?;
        write_runs(f, "/api/v1/me", &self.me)?;
        write_runs(f, "/healthz", &self.healthz)?;
        write!(
            f,
            "\nserver memory after load: VmRSS {:.1} MiB, VmHWM (peak) {:.1} MiB",
            self.rss_after.rss_mib(),
            self.rss_after.hwm_mib()
        )
    }
}
