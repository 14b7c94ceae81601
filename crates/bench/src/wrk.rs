//! Runs `wrk --latency` and parses Requests/sec, the p50/p99 latency lines, errors and non-2xx counts.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::load::RunStats;

pub fn run(
    wrk: &Path,
    threads: usize,
    url: &str,
    bearer: Option<&str>,
    concurrency: usize,
    duration: Duration,
) -> Result<RunStats> {
    let mut cmd = Command::new(wrk);
    cmd.arg(format!("-t{}", threads.clamp(1, concurrency)))
        .arg(format!("-c{concurrency}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("--latency");
    if let Some(token) = bearer {
        cmd.arg("-H").arg(format!("Authorization: Bearer {token}"));
    }
    cmd.arg(url);
    let out = cmd
        .output()
        .with_context(|| format!("run {}", wrk.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!(
            "wrk failed ({}) on {url}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            out.status
        );
    }
    parse(&stdout).with_context(|| {
        format!("parse wrk output for {url}\nstdout:\n{stdout}\nstderr:\n{stderr}")
    })
}

/// Parses wrk's report; errors name the missing line.
pub fn parse(stdout: &str) -> Result<RunStats> {
    let mut rps = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut requests = None;
    let mut bad = 0u64;
    let mut notes = Vec::new();
    for line in stdout.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            rps = v.trim().parse::<f64>().ok();
        } else if let Some(v) = line.strip_prefix("50%") {
            p50 = parse_latency_us(v.trim());
        } else if let Some(v) = line.strip_prefix("99%") {
            p99 = parse_latency_us(v.trim());
        } else if line.contains(" requests in ") {
            requests = line.split_whitespace().next().and_then(|n| n.parse().ok());
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            bad += v.trim().parse::<u64>().unwrap_or(0);
            notes.push(line.to_string());
        } else if let Some(v) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            bad += v
                .split(',')
                .filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum::<u64>();
            notes.push(line.to_string());
        }
    }
    Ok(RunStats {
        rps: rps.context("no \"Requests/sec:\" line in wrk output")?,
        p50_us: p50.context("no \"50%\" latency line in wrk output (was --latency passed?)")?,
        p99_us: p99.context("no \"99%\" latency line in wrk output (was --latency passed?)")?,
        requests: requests.context("no \"N requests in T\" line in wrk output")?,
        bad,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// "635.91us", "1.20ms", "2.00s", "1.50m" -> microseconds.
fn parse_latency_us(s: &str) -> Option<f64> {
    let split = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = s.split_at(split);
    let value: f64 = num.trim().parse().ok()?;
    let factor = match unit.trim() {
        "us" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        "m" => 60e6,
        "h" => 3600e6,
        _ => return None,
    };
    Some(value * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Running 10s test @ http://127.0.0.1:8080/healthz
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   700.00us    1.00ms  20.00ms   90.00%
    Req/Sec    20.00k     1.00k   25.00k    70.00%
  Latency Distribution
     50%  635.91us
     75%  712.34us
     90%    1.20ms
     99%    3.50ms
  400000 requests in 10.00s, 50.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:  39999.50
Transfer/sec:      5.00MB
";

    #[test]
    fn parses_sample() -> Result<()> {
        let s = parse(SAMPLE)?;
        assert_eq!(s.rps, 39999.5);
        assert!((s.p50_us - 635.91).abs() < 1e-9);
        assert!((s.p99_us - 3500.0).abs() < 1e-9);
        assert_eq!(s.requests, 400_000);
        assert_eq!(s.bad, 8);
        assert!(s.note.is_some());
        Ok(())
    }

    #[test]
    fn missing_lines_are_errors() {
        let err = parse("garbage")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("Requests/sec"), "{err}");
    }

    #[test]
    fn latency_units() {
        assert_eq!(parse_latency_us("2.00s"), Some(2e6));
        assert_eq!(parse_latency_us("1.5m"), Some(90e6));
        assert_eq!(parse_latency_us("12"), None);
    }
}
