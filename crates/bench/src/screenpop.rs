//! Screen pop latency: from the `ringing` POST leaving the telephony system to the caller's
//! card arriving on the agent's open SSE stream, over loopback, into a fresh SQLite data dir.
//! The workspace first gets `CALLERS` customers with a history (calls, e-mails, complaints,
//! purchases: what a card reads); `LISTENERS` agents keep a stream open, as a call center's
//! screens would, and every call rings the measured agent's extension. Measured idle, then
//! while other clients ingest interactions as fast as they can (a busy day's writes).
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::json;

use crate::server::{Scratch, ServeCmd, Server};
use crate::stats::percentile;

/// Customers with a history, each reachable by its phone.
const CALLERS: u64 = 2_000;
/// Interactions per caller.
const HISTORY: u64 = 10;
/// Open agent screens (one is measured; the others hear every event and drop it).
const LISTENERS: usize = 50;
/// Concurrent ingest clients in the loaded run.
const WRITERS: usize = 16;

fn phone(n: u64) -> String {
    format!("+34 6{:08}", n % CALLERS)
}

/// A history for every caller, in batches of 1,000.
async fn seed(client: &reqwest::Client, base: &str, token: &str) -> Result<()> {
    let kinds = [
        ("phone", "call"),
        ("email", "message"),
        ("web_form", "complaint"),
        ("point_of_sale", "purchase"),
        ("chat", "inquiry"),
    ];
    let all: Vec<serde_json::Value> = (0..CALLERS * HISTORY)
        .map(|n| {
            let (channel, kind) = kinds[(n / CALLERS) as usize % kinds.len()];
            json!({
                "channel": channel, "type": kind, "subject": format!("Contacto {n}"),
                "customer": {"phone": phone(n), "name": format!("Cliente {}", n % CALLERS)},
                "source": "seed", "source_event_id": format!("seed-{n}"),
            })
        })
        .collect();
    for chunk in all.chunks(1_000) {
        let r = client
            .post(format!("{base}/api/v1/interactions:batch"))
            .bearer_auth(token)
            .json(&json!({ "interactions": chunk }))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("seeding: HTTP {}: {}", r.status(), r.text().await?);
        }
    }
    Ok(())
}

/// A browser-like client logged in as the bench user, with its extension set.
async fn agent(base: &str, token: &str, ext: &str) -> Result<reqwest::Client> {
    let api = reqwest::Client::new();
    let me: serde_json::Value = api
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    let Some(id) = me["user_id"].as_str() else {
        bail!("GET /api/v1/me has no id: {me}");
    };
    let r = api
        .patch(format!("{base}/api/v1/users/{id}"))
        .bearer_auth(token)
        .json(&json!({ "extension": ext }))
        .send()
        .await?;
    if !r.status().is_success() {
        bail!(
            "setting the extension: HTTP {}: {}",
            r.status(),
            r.text().await?
        );
    }
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = browser
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = csrf(&login).context("no CSRF field on /login")?;
    let (email, password) = crate::setup::credentials();
    let r = browser
        .post(format!("{base}/login"))
        .form(&[("email", email), ("password", password), ("_csrf", &csrf)])
        .send()
        .await?;
    if r.status().as_u16() != 303 {
        bail!("login: HTTP {}", r.status());
    }
    Ok(browser)
}

fn csrf(html: &str) -> Option<String> {
    const FIELD: &str = "name=\"_csrf\" value=\"";
    let rest = &html[html.find(FIELD)? + FIELD.len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// Rings a call from each number, one after the other, and times each card's arrival.
async fn measure(
    base: &str,
    token: &str,
    stream: &mut reqwest::Response,
    numbers: &[String],
    tag: &str,
) -> Result<Vec<f64>> {
    let client = reqwest::Client::new();
    let mut ms = Vec::with_capacity(numbers.len());
    let mut heard = String::new();
    for (n, number) in numbers.iter().enumerate() {
        let call_id = format!("{tag}-{n}");
        let body =
            json!({"event": "ringing", "call_id": call_id, "from": number, "extension": "201"});
        let post = client
            .post(format!("{base}/api/v1/telephony/events"))
            .bearer_auth(token)
            .json(&body);
        let t0 = Instant::now();
        let answer = tokio::spawn(post.send());
        let marker = format!("data-call=\"{call_id}\"");
        while !heard.contains(&marker) {
            match tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await {
                Ok(Ok(Some(bytes))) => heard.push_str(&String::from_utf8_lossy(&bytes)),
                other => bail!("no card for {call_id} within 5 s: {other:?}"),
            }
        }
        ms.push(t0.elapsed().as_secs_f64() * 1000.0);
        heard.clear();
        let r = answer.await??;
        if !r.status().is_success() {
            bail!("ringing: HTTP {}", r.status());
        }
        // Calls a few milliseconds apart, not back to back: a card at a time.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(ms)
}

/// Ingests interactions from `WRITERS` clients until told to stop; returns how many.
async fn load(base: String, token: String, stop: Arc<AtomicBool>) -> u64 {
    let done = Arc::new(AtomicU64::new(0));
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for w in 0..WRITERS as u64 {
        let (client, base, token, stop, done) = (
            client.clone(),
            base.clone(),
            token.clone(),
            stop.clone(),
            done.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let body = json!({"channel": "web", "type": "page_view", "customer": {"phone": phone(n * 31 + w)},
                    "source": "load", "source_event_id": format!("load-{w}-{n}")});
                let ok = client
                    .post(format!("{base}/api/v1/interactions"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ok {
                    done.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    done.load(Ordering::Relaxed)
}

/// The screen pop against a running server whose bench user may set its extension: calls
/// from `numbers` (customers' phones) with `LISTENERS` screens open, idle.
pub async fn at_scale(base: &str, token: &str, numbers: &[String]) -> Result<String> {
    let browser = agent(base, token, "201").await?;
    let open = || browser.get(format!("{base}/screen-pop/live")).send();
    let mut stream = open().await?;
    let mut others = Vec::with_capacity(LISTENERS - 1);
    for _ in 1..LISTENERS {
        others.push(open().await?);
    }
    let mut ms = measure(base, token, &mut stream, numbers, "scale").await?;
    drop(others);
    ms.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&ms, 50.0), percentile(&ms, 99.0));
    Ok(format!("screen pop, ringing POST → card on the agent's SSE stream, {} calls from customers' phones, {LISTENERS} screens open: p50 {p50:.2} ms, p99 {p99:.2} ms", ms.len()))
}

pub fn run(serve: &ServeCmd, calls: u64) -> Result<String> {
    let scratch = Scratch::new("screenpop")?;
    let data = scratch.data_dir();
    let token = crate::setup::user_and_token_with(
        &serve.bin,
        &data,
        "interactions:write,customers:read,users:write",
    )?;
    let mut server = Server::spawn(serve, &data, scratch.log("serve"))?;
    server.wait_healthy(Duration::from_secs(60))?;
    let base = server.url("").trim_end_matches('/').to_owned();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (idle, loaded, writes) = rt.block_on(async {
        seed(&reqwest::Client::new(), &base, &token).await?;
        let browser = agent(&base, &token, "201").await?;
        let open = || browser.get(format!("{base}/screen-pop/live")).send();
        let mut stream = open().await?;
        // The other screens: open, listening, never read by the bench beyond the buffer.
        let mut others = Vec::with_capacity(LISTENERS - 1);
        for _ in 1..LISTENERS {
            others.push(open().await?);
        }
        let numbers: Vec<String> = (0..calls).map(|n| phone(n * 7919)).collect();
        let idle = measure(&base, &token, &mut stream, &numbers, "idle").await?;
        let stop = Arc::new(AtomicBool::new(false));
        let writer = tokio::spawn(load(base.clone(), token.clone(), stop.clone()));
        tokio::time::sleep(Duration::from_millis(500)).await;
        let started = Instant::now();
        let loaded = measure(&base, &token, &mut stream, &numbers, "busy").await?;
        let secs = started.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        let writes = writer.await? as f64 / secs;
        drop(others);
        anyhow::Ok((idle, loaded, writes))
    })?;
    server.ensure_running()?;
    server.stop()?;
    let figures = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (
            percentile(&v, 50.0),
            percentile(&v, 99.0),
            percentile(&v, 100.0),
        )
    };
    let (i50, i99, imax) = figures(idle);
    let (l50, l99, lmax) = figures(loaded);
    let mut out = String::new();
    writeln!(out, "dataset: {CALLERS} customers with {HISTORY} interactions each (calls, e-mails, complaints, purchases, chats); {LISTENERS} agent screens open; {calls} calls per figure, each ringing extension 201")?;
    writeln!(out, "ringing POST → card on the agent's SSE stream, idle:  p50 {i50:.2} ms, p99 {i99:.2} ms, max {imax:.2} ms")?;
    write!(out, "the same while {WRITERS} clients ingest interactions ({writes:.0}/s): p50 {l50:.2} ms, p99 {l99:.2} ms, max {lmax:.2} ms")?;
    Ok(out)
}
