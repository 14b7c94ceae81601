//! Builtin closed-loop load generator (tokio + reqwest): each of N workers sends GETs back to back until the deadline.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::load::RunStats;
use crate::stats::percentile;

#[derive(Default)]
struct Worker {
    latencies_us: Vec<f64>,
    bad: u64,
    first_error: Option<String>,
}

pub async fn run(
    url: &str,
    bearer: Option<&str>,
    concurrency: usize,
    duration: Duration,
) -> Result<RunStats> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(5))
        .build()
        .context("build HTTP client")?;
    let auth = bearer.map(|t| format!("Bearer {t}"));
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let client = client.clone();
        let url = url.to_string();
        let auth = auth.clone();
        tasks.push(tokio::spawn(async move {
            let mut w = Worker::default();
            while Instant::now() < deadline {
                let mut req = client.get(&url);
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                let t0 = Instant::now();
                let result = match req.send().await {
                    Ok(resp) => {
                        let status = resp.status();
                        resp.bytes().await.map(|_| status)
                    }
                    Err(e) => Err(e),
                };
                let us = t0.elapsed().as_secs_f64() * 1e6;
                match result {
                    Ok(status) => {
                        w.latencies_us.push(us);
                        if !status.is_success() {
                            w.bad += 1;
                            w.first_error
                                .get_or_insert_with(|| format!("HTTP {status}"));
                        }
                    }
                    Err(e) => {
                        w.bad += 1;
                        w.first_error.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            w
        }));
    }
    let mut all = Vec::new();
    let mut bad = 0;
    let mut first_error = None;
    for task in tasks {
        let w = task.await.context("load worker panicked")?;
        all.extend(w.latencies_us);
        bad += w.bad;
        if first_error.is_none() {
            first_error = w.first_error;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    Ok(RunStats {
        rps: all.len() as f64 / elapsed,
        p50_us: percentile(&all, 50.0),
        p99_us: percentile(&all, 99.0),
        requests: all.len() as u64,
        bad,
        note: first_error.map(|e| format!("{bad} failed or non-2xx; first: {e}")),
    })
}
