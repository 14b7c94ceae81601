//! The issue's scale: a workspace of 1M customers (imported with `vinculo import`) and 20M
//! interactions, then, against `vinculo serve`:
//! - `GET /api/v1/customers/{id}/360` for a customer with 1,000 interactions, and for customers
//!   drawn at random (about 20 interactions each), one request at a time;
//! - the screen pop (ringing POST → card on an agent's SSE stream) for calls from customers'
//!   phones drawn at random.
//!
//! The interactions are written straight into the SQLite file, in the exact shape the store
//! writes (ids, fixed-width UTC times, JSON columns), in customer order so every index grows
//! at its end: 20M through the HTTP batch API would take longer than the benchmark is worth,
//! and what is measured here is reading them. Their insert rate is reported as the raw SQLite
//! baseline at this size. `--keep DIR` keeps the dataset for a later run.
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use sqlx::Row;

use crate::server::{Scratch, ServeCmd, Server};
use crate::stats::percentile;

/// Interactions of the one heavy customer.
const HEAVY: u64 = 1_000;
/// Requests per figure (after 20 warm-up ones).
const REQUESTS: usize = 500;

const CHANNELS: [(&str, &str); 6] = [
    ("phone", "call"),
    ("email", "message"),
    ("web", "page_view"),
    ("web_form", "complaint"),
    ("point_of_sale", "purchase"),
    ("chat", "inquiry"),
];

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, as the store writes SQLite times.
fn time_text(t: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Writes `total` interactions: `HEAVY` for the first customer, the rest spread evenly.
async fn fill(db: &Path, total: u64) -> Result<(u64, f64, uuid::Uuid)> {
    let pool = crate::import::raw_pool(db).await?;
    let ws: uuid::Uuid = sqlx::query("SELECT id FROM workspaces WHERE slug = 'bench'")
        .fetch_one(&pool)
        .await?
        .try_get(0)?;
    let mut customers: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM customers WHERE workspace_id = ?")
            .bind(ws)
            .fetch_all(&pool)
            .await?;
    customers.sort();
    let Some(&heavy) = customers.first() else {
        bail!("no customers to give interactions to");
    };
    // The rest spread evenly; the first `extra` customers after the heavy one get one more,
    // so the total is exact.
    let others = (customers.len() as u64 - 1).max(1);
    let (rest, extra) = (
        total.saturating_sub(HEAVY) / others,
        total.saturating_sub(HEAVY) % others,
    );
    let now = time::OffsetDateTime::now_utc();
    let started = Instant::now();
    let mut written = 0u64;
    let mut tx = pool.begin().await?;
    let mut rows: Vec<(uuid::Uuid, u64)> = Vec::with_capacity(64);
    for (i, c) in customers.iter().enumerate() {
        let n = match i as u64 {
            0 => HEAVY,
            i if i <= extra => rest + 1,
            _ => rest,
        };
        for k in 0..n {
            rows.push((*c, k));
            if rows.len() == 64 {
                insert(&mut tx, ws, &rows, now, written).await?;
                written += rows.len() as u64;
                rows.clear();
                if written.is_multiple_of(200_000) {
                    tx.commit().await?;
                    tx = pool.begin().await?;
                }
            }
        }
    }
    insert(&mut tx, ws, &rows, now, written).await?;
    written += rows.len() as u64;
    tx.commit().await?;
    let secs = started.elapsed().as_secs_f64();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok((written, written as f64 / secs, heavy))
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    ws: uuid::Uuid,
    rows: &[(uuid::Uuid, u64)],
    now: time::OffsetDateTime,
    first: u64,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "INSERT INTO interactions (id, workspace_id, customer_id, channel, direction, kind, \
         occurred_at, recorded_at, subject, attributes, links, keys, recorded_by, source, \
         source_event_id) ",
    );
    q.push_values(rows.iter().enumerate(), |mut b, (j, (customer, k))| {
        let (channel, kind) = CHANNELS[(*k as usize + j) % CHANNELS.len()];
        // A contact every few days, going back from now.
        let at = now - time::Duration::hours(*k as i64 * 61 + 3);
        b.push_bind(uuid::Uuid::now_v7())
            .push_bind(ws)
            .push_bind(*customer)
            .push_bind(channel)
            .push_bind(if k % 3 == 0 { "outbound" } else { "inbound" })
            .push_bind(kind)
            .push_bind(time_text(at))
            .push_bind(time_text(now))
            .push_bind(format!("Contacto {k}"))
            .push_bind(r#"{"queue":"ventas"}"#)
            .push_bind("{}")
            .push_bind("[]")
            .push_bind("user:bench")
            .push_bind("scale")
            .push_bind(format!("s-{}", first + j as u64));
    });
    q.build().execute(&mut **tx).await?;
    Ok(())
}

/// Customer ids and phones drawn evenly across the workspace.
async fn sample(db: &Path, n: usize) -> Result<(Vec<String>, Vec<String>)> {
    let pool = crate::import::raw_pool(db).await?;
    let ids: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM customers ORDER BY id LIMIT ?1 OFFSET 1")
            .bind(n as i64 * 97)
            .fetch_all(&pool)
            .await?;
    let phones: Vec<String> = sqlx::query_scalar(
        "SELECT value FROM identity_keys WHERE kind = 'phone' ORDER BY customer_id LIMIT ?1",
    )
    .bind(n as i64 * 97)
    .fetch_all(&pool)
    .await?;
    pool.close().await;
    let every = |v: Vec<String>| v.into_iter().step_by(97).take(n).collect::<Vec<_>>();
    Ok((
        every(ids.iter().map(|u| u.to_string()).collect()),
        every(phones),
    ))
}

/// p50 and p99 of `GET url` for each of `ids`, one at a time, after 20 warm-up requests.
fn views(server: &mut Server, token: &str, ids: &[String]) -> Result<(f64, f64)> {
    let mut ms = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().cycle().take(ids.len() + 20).enumerate() {
        let t = Instant::now();
        let r = server.get(&format!("/api/v1/customers/{id}/360"), Some(token))?;
        if r.status != 200 {
            bail!("360 of {id}: status {}", r.status);
        }
        if i >= 20 {
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ms.sort_by(f64::total_cmp);
    Ok((percentile(&ms, 50.0), percentile(&ms, 99.0)))
}

pub fn run(serve: &ServeCmd, people: u64, total: u64, keep: Option<&Path>) -> Result<String> {
    let scratch = Scratch::new("scale")?;
    let data = match keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            dir.to_path_buf()
        }
        None => scratch.data_dir(),
    };
    let db = data.join("vinculo.db");
    let token_file = data.join("bench-token");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut out = String::new();
    let (token, heavy) = match std::fs::read_to_string(&token_file) {
        Ok(t) if keep.is_some() => {
            let heavy = std::fs::read_to_string(data.join("bench-heavy"))?;
            writeln!(
                out,
                "dataset: kept from an earlier run in {}",
                data.display()
            )?;
            (t.trim().to_owned(), heavy.trim().to_owned())
        }
        _ => {
            let token = crate::setup::user_and_token_with(
                &serve.bin,
                &data,
                "customers:read,interactions:write,users:write",
            )?;
            let csv = data.join("people.csv");
            let secs = crate::customers::generate_and_import(&serve.bin, &data, &csv, people)?;
            let (written, rate, heavy) = rt.block_on(fill(&db, total))?;
            writeln!(out, "dataset: {people} people imported in {secs:.0} s; {written} interactions written straight into SQLite at {rate:.0} rows/s (the raw baseline at this size, one 64-row statement at a time, 200,000 rows per transaction)")?;
            std::fs::write(&token_file, &token)?;
            std::fs::write(data.join("bench-heavy"), heavy.to_string())?;
            (token, heavy.to_string())
        }
    };
    let db_mib = std::fs::metadata(&db).map_or(0, |m| m.len()) as f64 / 1_048_576.0;
    writeln!(out, "database: {db_mib:.0} MiB")?;
    let (ids, phones) = rt.block_on(sample(&db, REQUESTS))?;
    let mut server = Server::spawn(serve, &data, scratch.log("serve"))?;
    server.wait_healthy(Duration::from_secs(120))?;
    let (h50, h99) = views(&mut server, &token, &vec![heavy; REQUESTS])?;
    writeln!(out, "GET /customers/{{id}}/360, the customer with {HEAVY} interactions, {REQUESTS} requests one at a time: p50 {h50:.2} ms, p99 {h99:.2} ms")?;
    let (r50, r99) = views(&mut server, &token, &ids)?;
    writeln!(out, "GET /customers/{{id}}/360, {} customers drawn across the workspace, one request each: p50 {r50:.2} ms, p99 {r99:.2} ms", ids.len())?;
    let base = server.url("").trim_end_matches('/').to_owned();
    let pops = rt
        .block_on(crate::screenpop::at_scale(&base, &token, &phones))
        .context("screen pop")?;
    write!(out, "{pops}")?;
    server.ensure_running()?;
    server.stop()?;
    Ok(out)
}
