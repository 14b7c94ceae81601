//! Interaction ingest over HTTP, into a fresh SQLite data dir: one interaction per request at
//! a given concurrency, then batches of 1,000, each acknowledged only after commit. Every
//! interaction is a call from one of 20,000 phone numbers (the first call of a number
//! creates a prospect, later ones find it) with its own source event id. Baselines in the
//! same run: raw SQLite inserts of one row per transaction and of 1,000 rows per
//! transaction, through the same driver with the same WAL settings.
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::json;

use crate::server::{Scratch, ServeCmd, Server};
use crate::stats::percentile;

/// Distinct callers: enough that a tenth of the calls create a customer.
const CALLERS: u64 = 20_000;

/// The `n`th call as JSON text. Written by hand rather than through `serde_json::Value`:
/// the load generator shares the machine's two cores with the server, and building a tree
/// of 1,000 values per request cost it a visible share of them.
fn call(n: u64) -> String {
    format!(
        r#"{{"channel":"phone","type":"call","direction":"inbound","subject":"Llamada entrante","agent":"ext-201","attributes":{{"duration_s":{},"queue":"ventas"}},"customer":{{"phone":"+34 6{:08}"}},"source":"bench","source_event_id":"call-{n}"}}"#,
        30 + n % 600,
        n % CALLERS
    )
}

/// A batch request's body: `{"interactions": [...]}` of calls `n..n + count`.
fn batch(n: u64, count: u64) -> String {
    let mut body = String::with_capacity(count as usize * 260 + 20);
    body.push_str(r#"{"interactions":["#);
    for k in n..n + count {
        if k > n {
            body.push(',');
        }
        body.push_str(&call(k));
    }
    body.push_str("]}");
    body
}

struct Run {
    per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    bad: u64,
    first_error: Option<String>,
}

/// Closed loop: `concurrency` workers POST back to back for `duration`; each request
/// carries `per_request` interactions (1: `POST /interactions`, more: the batch route).
async fn drive(
    base: &str,
    token: &str,
    concurrency: usize,
    per_request: u64,
    duration: Duration,
) -> Result<Run> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .context("build HTTP client")?;
    let next = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let url = if per_request == 1 {
        format!("{base}/api/v1/interactions")
    } else {
        format!("{base}/api/v1/interactions:batch")
    };
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, next, url) = (client.clone(), next.clone(), url.clone());
        let auth = format!("Bearer {token}");
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let (mut bad, mut first_error, mut done) = (0u64, None, 0u64);
            while Instant::now() < deadline {
                let n = next.fetch_add(per_request, Ordering::Relaxed);
                let body = if per_request == 1 {
                    call(n)
                } else {
                    batch(n, per_request)
                };
                let t0 = Instant::now();
                let r = client
                    .post(&url)
                    .header("Authorization", &auth)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match r {
                    Ok(resp) if resp.status().is_success() => {
                        let _ = resp.bytes().await;
                        lat.push(t0.elapsed().as_secs_f64() * 1000.0);
                        done += per_request;
                    }
                    Ok(resp) => {
                        bad += 1;
                        let status = resp.status();
                        let text = resp.text().await.unwrap_or_default();
                        first_error.get_or_insert_with(|| format!("HTTP {status}: {text}"));
                    }
                    Err(e) => {
                        bad += 1;
                        first_error.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            (lat, bad, first_error, done)
        }));
    }
    let (mut all, mut bad, mut first_error, mut done) = (Vec::new(), 0, None, 0);
    for t in tasks {
        let (l, b, e, d) = t.await.context("worker panicked")?;
        all.extend(l);
        bad += b;
        done += d;
        if first_error.is_none() {
            first_error = e;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    Ok(Run {
        per_s: done as f64 / secs,
        p50_ms: percentile(&all, 50.0),
        p99_ms: percentile(&all, 99.0),
        bad,
        first_error,
    })
}

/// Requests of the 360 view measured.
const VIEWS: usize = 300;

/// p50 and p99 (ms) of the 360 view of one customer given 1,000 interactions on every
/// channel (a tenth of them complaints), in a workspace that already holds the other runs'.
async fn view_360(base: &str, token: &str) -> Result<(f64, f64)> {
    let client = reqwest::Client::new();
    let auth = format!("Bearer {token}");
    let channels = ["phone", "email", "chat", "web", "sms"];
    let items: Vec<serde_json::Value> = (0..1_000u32)
        .map(|n| {
            json!({
                "channel": channels[n as usize % channels.len()],
                "type": if n % 10 == 0 { "complaint" } else { "message" },
                "occurred_at": format!("2026-{:02}-{:02}T{:02}:00:00Z", 1 + n % 10, 1 + n % 28, n % 24),
                "subject": format!("Contacto {n}"),
                "customer": {"external_id": "bench:C-360"},
            })
        })
        .collect();
    let r = client
        .post(format!("{base}/api/v1/interactions:batch"))
        .header("Authorization", &auth)
        .json(&json!({ "interactions": items }))
        .send()
        .await?;
    let out: serde_json::Value = r.json().await?;
    let Some(id) = out["results"][0]["customer_id"].as_str() else {
        bail!("the 360 customer was not created: {out}");
    };
    let url = format!("{base}/api/v1/customers/{id}/360");
    let mut ms = Vec::with_capacity(VIEWS);
    for i in 0..VIEWS + 20 {
        let t0 = Instant::now();
        let r = client
            .get(&url)
            .header("Authorization", &auth)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("360 view: HTTP {}", r.status());
        }
        let _ = r.bytes().await?;
        // The first 20 warm the caches.
        if i >= 20 {
            ms.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ms.sort_by(f64::total_cmp);
    Ok((percentile(&ms, 50.0), percentile(&ms, 99.0)))
}

/// Raw SQLite: rows of the interaction's shape, `per_tx` per transaction, for `duration`.
async fn baseline(path: &std::path::Path, per_tx: usize, duration: Duration) -> Result<f64> {
    let pool = crate::import::raw_pool(path).await?;
    sqlx::query("CREATE TABLE i (id BLOB PRIMARY KEY, customer BLOB, channel TEXT, kind TEXT, at TEXT, subject TEXT, attributes TEXT, source TEXT, event TEXT, UNIQUE (source, event))")
        .execute(&pool)
        .await?;
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < duration {
        let mut tx = pool.begin().await?;
        for chunk in (n..n + per_tx as u64).collect::<Vec<_>>().chunks(64) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO i (id, customer, channel, kind, at, subject, attributes, source, event) ",
            );
            q.push_values(chunk, |mut b, k| {
                b.push_bind(uuid::Uuid::now_v7())
                    .push_bind(uuid::Uuid::now_v7())
                    .push_bind("phone")
                    .push_bind("call")
                    .push_bind("2026-11-22T10:00:00.000000Z")
                    .push_bind("Llamada entrante")
                    .push_bind(r#"{"duration_s":30,"queue":"ventas"}"#)
                    .push_bind("bench")
                    .push_bind(format!("call-{k}"));
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        n += per_tx as u64;
    }
    let secs = started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(n as f64 / secs)
}

/// Raw SQLite into the interactions table's own shape: its columns, its three indexes
/// (primary key, source event, timeline) and its two foreign keys, 1,000 rows per
/// transaction, each a call of one of [`CALLERS`] stored customers. The ceiling for the
/// batch API: everything ingest does besides inserting (HTTP, JSON, validation, phone
/// parsing, idempotency and identity look-ups) comes on top of it.
async fn baseline_shaped(path: &std::path::Path, duration: Duration) -> Result<f64> {
    let pool = crate::import::raw_pool(path).await?;
    for ddl in [
        "PRAGMA foreign_keys = ON",
        "CREATE TABLE workspaces (id BLOB PRIMARY KEY NOT NULL)",
        "CREATE TABLE customers (id BLOB PRIMARY KEY NOT NULL, workspace_id BLOB NOT NULL REFERENCES workspaces (id))",
        "CREATE TABLE interactions (id BLOB PRIMARY KEY NOT NULL, workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE, customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE, channel TEXT NOT NULL, direction TEXT NOT NULL, kind TEXT NOT NULL, occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, subject TEXT, body TEXT, body_html TEXT, attributes TEXT NOT NULL, agent TEXT, links TEXT NOT NULL, keys TEXT NOT NULL, recorded_by TEXT NOT NULL, source TEXT NOT NULL, source_event_id TEXT, UNIQUE (workspace_id, source, source_event_id))",
        "CREATE INDEX interactions_timeline ON interactions (workspace_id, customer_id, occurred_at, id)",
    ] {
        sqlx::query(ddl).execute(&pool).await?;
    }
    let ws = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO workspaces (id) VALUES (?)")
        .bind(ws)
        .execute(&pool)
        .await?;
    let customers: Vec<uuid::Uuid> = (0..CALLERS).map(|_| uuid::Uuid::now_v7()).collect();
    let mut tx = pool.begin().await?;
    for c in &customers {
        sqlx::query("INSERT INTO customers (id, workspace_id) VALUES (?, ?)")
            .bind(c)
            .bind(ws)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < duration {
        let mut tx = pool.begin().await?;
        for chunk in (n..n + 1_000).collect::<Vec<_>>().chunks(50) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO interactions (workspace_id, id, customer_id, channel, direction, kind, occurred_at, recorded_at, subject, body, body_html, attributes, agent, links, keys, recorded_by, source, source_event_id) ",
            );
            q.push_values(chunk, |mut b, k| {
                b.push_bind(ws)
                    .push_bind(uuid::Uuid::now_v7())
                    .push_bind(customers[(*k % CALLERS) as usize])
                    .push_bind("phone")
                    .push_bind("inbound")
                    .push_bind("call")
                    .push_bind("2026-11-22T10:00:00.000000Z")
                    .push_bind("2026-11-22T10:00:00.000000Z")
                    .push_bind("Llamada entrante")
                    .push_bind(None::<String>)
                    .push_bind(None::<String>)
                    .push_bind(r#"{"duration_s":30,"queue":"ventas"}"#)
                    .push_bind("ext-201")
                    .push_bind("{}")
                    .push_bind(format!(r#"["phone:+346{:08}"]"#, k % CALLERS))
                    .push_bind("token:0192f3c1-7a7e-7000-8000-000000000000")
                    .push_bind("bench")
                    .push_bind(format!("call-{k}"));
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        n += 1_000;
    }
    let secs = started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(n as f64 / secs)
}

/// What to run.
pub struct Opts<'a> {
    pub concurrency: usize,
    pub batches: usize,
    pub seconds: u64,
    /// A kept dataset to ingest into, instead of a fresh data dir.
    pub into: Option<&'a std::path::Path>,
}

pub fn run(serve: &ServeCmd, opts: &Opts<'_>) -> Result<String> {
    let (concurrency, batches, seconds) = (opts.concurrency, opts.batches, opts.seconds);
    let scratch = Scratch::new("ingest")?;
    let (data, token) = match opts.into {
        Some(dir) => {
            let token = std::fs::read_to_string(dir.join("bench-token"))
                .with_context(|| format!("{} holds no kept dataset", dir.display()))?;
            (dir.to_path_buf(), token.trim().to_owned())
        }
        None => {
            let data = scratch.data_dir();
            let scopes = "interactions:write,customers:read";
            let token = crate::setup::user_and_token_with(&serve.bin, &data, scopes)?;
            (data, token)
        }
    };
    let mut server = Server::spawn(serve, &data, scratch.log("serve"))?;
    server.wait_healthy(Duration::from_secs(60))?;
    let base = server.url("");
    let base = base.trim_end_matches('/').to_owned();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let duration = Duration::from_secs(seconds);
    let single = rt.block_on(drive(&base, &token, concurrency, 1, duration))?;
    let batch = rt.block_on(drive(&base, &token, batches, 1_000, duration))?;
    let view = rt.block_on(view_360(&base, &token))?;
    server.ensure_running()?;
    let db_mib =
        std::fs::metadata(data.join("vinculo.db")).map_or(0, |m| m.len()) as f64 / 1_048_576.0;
    server.stop()?;
    for r in [&single, &batch] {
        if r.bad > 0 {
            bail!(
                "{} requests failed, first: {}",
                r.bad,
                r.first_error.clone().unwrap_or_default()
            );
        }
    }
    let one = rt.block_on(baseline(
        &scratch.data_dir().join("baseline-1.db"),
        1,
        duration,
    ))?;
    let many = rt.block_on(baseline(
        &scratch.data_dir().join("baseline-1000.db"),
        1_000,
        duration,
    ))?;
    let shaped = rt.block_on(baseline_shaped(
        &scratch.data_dir().join("baseline-shaped.db"),
        duration,
    ))?;
    let mut out = String::new();
    let dataset = match opts.into {
        Some(dir) => format!("the kept dataset in {}", dir.display()),
        None => "a fresh workspace".to_owned(),
    };
    writeln!(out, "dataset: {dataset}; calls from {CALLERS} phone numbers, each with its own source event id; {seconds} s per figure; database after both runs {db_mib:.0} MiB")?;
    writeln!(
        out,
        "POST /api/v1/interactions, one per request, c={concurrency}: {:>8.0} interactions/s, p50 {:.2} ms, p99 {:.2} ms",
        single.per_s, single.p50_ms, single.p99_ms
    )?;
    writeln!(
        out,
        "raw SQLite, one row per transaction (baseline):  {one:>8.0} rows/s"
    )?;
    writeln!(
        out,
        "POST /api/v1/interactions:batch, 1,000 per request, c={batches}: {:>8.0} interactions/s, p50 {:.0} ms, p99 {:.0} ms",
        batch.per_s, batch.p50_ms, batch.p99_ms
    )?;
    writeln!(
        out,
        "raw SQLite, 1,000 rows per transaction (baseline): {many:>8.0} rows/s"
    )?;
    writeln!(
        out,
        "raw SQLite, 1,000 rows per transaction into the interactions table's shape (3 indexes, 2 foreign keys): {shaped:>8.0} rows/s"
    )?;
    write!(
        out,
        "GET /api/v1/customers/{{id}}/360, a customer with 1,000 interactions, {VIEWS} requests one at a time: p50 {:.2} ms, p99 {:.2} ms",
        view.0, view.1
    )?;
    Ok(out)
}
