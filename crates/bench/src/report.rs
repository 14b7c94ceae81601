//! Markdown snippet for docs/performance.md, built from the three benchmark reports of one `all` run.

use std::fmt::Write;

use crate::load::LoadReport;
use crate::machine::{self, Machine};
use crate::memory::MemoryReport;
use crate::startup::StartupReport;

pub fn markdown(
    machine: &Machine,
    startup: &StartupReport,
    memory: &MemoryReport,
    load: &LoadReport,
) -> String {
    let me = load.me_medians();
    let hz = load.healthz_medians();
    let o = &load.opts;
    let mut md = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        md,
        "Measured {} on: {}.",
        machine::today(),
        machine.one_line()
    );
    let _ = writeln!(
        md,
        "Command: `{}`; load tool: {}.",
        machine.command, load.tool
    );
    let _ = writeln!(md);
    let _ = writeln!(
        md,
        "| Figure | Target | Measured (median) | Baseline, same run |"
    );
    let _ = writeln!(md, "| --- | --- | --- | --- |");
    let _ = writeln!(
        md,
        "| Cold start to first served request, first start (creates + migrates DB) | < 300 ms (SQLite) | {:.1} ms (p90 {:.1}, min {:.1}, max {:.1}; n={}) | spawn+exit of `/bin/true`: {:.2} ms |",
        startup.first.median, startup.first.p90, startup.first.min, startup.first.max, startup.first.n,
        startup.spawn_baseline.median
    );
    let _ = writeln!(
        md,
        "| Cold start, restart (existing DB) | < 300 ms (SQLite) | {:.1} ms (p90 {:.1}, min {:.1}, max {:.1}; n={}) | |",
        startup.restart.median, startup.restart.p90, startup.restart.min, startup.restart.max, startup.restart.n
    );
    let _ = writeln!(
        md,
        "| Idle RSS (after a few requests + 2 s idle) | < 40 MiB | {:.1} MiB (VmHWM {:.1} MiB) | |",
        memory.idle.rss_mib(),
        memory.idle.hwm_mib()
    );
    let _ = writeln!(
        md,
        "| GET /api/v1/me (bearer token), c={}, {}s x {} | > 20,000 req/s, p50/p99 reported | {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms | GET /healthz: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms |",
        o.concurrency, o.duration.as_secs(), o.reps, me.rps, me.p50_ms, me.p99_ms, hz.rps, hz.p50_ms, hz.p99_ms
    );
    let _ = writeln!(
        md,
        "| RSS after the load runs | — | {:.1} MiB (VmHWM {:.1} MiB) | |",
        load.rss_after.rss_mib(),
        load.rss_after.hwm_mib()
    );
    let bad: u64 = load.me.iter().chain(&load.healthz).map(|r| r.bad).sum();
    if bad > 0 {
        let _ = writeln!(md, "\n**Warning:** {bad} non-2xx responses or socket errors during the load runs; see the report above.");
    }
    md
}
