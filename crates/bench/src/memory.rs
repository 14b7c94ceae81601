//! `memory` benchmark: VmRSS/VmHWM of an idle server after a handful of requests, optionally again after load.

use std::fmt;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::load::{Driver, LoadOpts};
use crate::server::{Memory, Scratch, ServeCmd, Server};
use crate::setup;

const IDLE: Duration = Duration::from_secs(2);
const PROBES: [&str; 4] = ["/healthz", "/readyz", "/api/v1/me", "/"];
const ROUNDS: usize = 5;

#[derive(Debug, Clone)]
pub struct MemoryReport {
    pub idle: Memory,
    /// Path and status of the last round of probe requests.
    pub probes: Vec<(String, u16)>,
    /// Memory after one load run on GET /api/v1/me, plus a description of that run.
    pub after_load: Option<(Memory, String)>,
}

pub fn run(serve: &ServeCmd, after_load: Option<&LoadOpts>) -> Result<MemoryReport> {
    eprintln!("memory: starting server, {ROUNDS} rounds of {PROBES:?}, {IDLE:?} idle");
    let scratch = Scratch::new("memory")?;
    let token = match after_load {
        Some(_) => Some(setup::user_and_token(&serve.bin, &scratch.data_dir())?),
        None => None,
    };
    let mut server = Server::spawn(serve, &scratch.data_dir(), scratch.log("serve"))?;
    server.wait_healthy(Duration::from_secs(30))?;

    let mut probes = Vec::new();
    for _ in 0..ROUNDS {
        probes.clear();
        for path in PROBES {
            let resp = server
                .get(path, None)
                .with_context(|| format!("probe GET {path}"))?;
            probes.push((path.to_string(), resp.status));
        }
    }
    thread::sleep(IDLE);
    let idle = server.memory()?;

    let after_load = match (after_load, token) {
        (Some(opts), Some(token)) => {
            let driver = Driver::new(opts.tool, opts.wrk_threads)?;
            let url = server.url("/api/v1/me");
            eprintln!(
                "memory: {} load on {url} for {:?}",
                driver.name(),
                opts.duration
            );
            let stats = driver.run(&url, Some(&token), opts.concurrency, opts.duration)?;
            server.ensure_running()?;
            thread::sleep(IDLE);
            let what = format!(
                "after {:?} of GET /api/v1/me at c={} ({}, {:.0} req/s) + {IDLE:?} idle",
                opts.duration,
                opts.concurrency,
                driver.name(),
                stats.rps
            );
            Some((server.memory()?, what))
        }
        _ => None,
    };
    server.stop()?;
    Ok(MemoryReport {
        idle,
        probes,
        after_load,
    })
}

impl fmt::Display for MemoryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "## memory: resident set of `vinculo serve` (from /proc/PID/status)"
        )?;
        let probes: Vec<String> = self
            .probes
            .iter()
            .map(|(p, s)| format!("{p} -> {s}"))
            .collect();
        writeln!(
            f,
            "dataset: empty database; {ROUNDS} rounds of unauthenticated requests ({}), then {IDLE:?} idle",
            probes.join(", ")
        )?;
        write!(
            f,
            "idle: VmRSS {:.1} MiB, VmHWM (peak) {:.1} MiB",
            self.idle.rss_mib(),
            self.idle.hwm_mib()
        )?;
        if let Some((mem, what)) = &self.after_load {
            write!(
                f,
                "\n{what}: VmRSS {:.1} MiB, VmHWM (peak) {:.1} MiB",
                mem.rss_mib(),
                mem.hwm_mib()
            )?;
        }
        Ok(())
    }
}
