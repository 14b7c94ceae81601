//! Crash durability (issue 4): an interaction answered 2xx is durably stored. The real
//! `vinculo serve` is killed with SIGKILL under ingest load and started again on the same
//! database; every acknowledged id must be there, and re-sending its event must still be
//! answered as a duplicate of it. Runs on SQLite always, on PostgreSQL when configured.
mod common;

use common::server::{Server, Target};

use rstest::rstest;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use vinculo_testkit::Backend;

/// Clients posting one interaction at a time, back to back.
const SINGLE_CLIENTS: usize = 16;
/// Clients posting batches, so a kill can also land inside a multi-row transaction.
const BATCH_CLIENTS: usize = 2;
const BATCH_SIZE: usize = 50;
/// Distinct phone numbers: fewer than the events, so most calls find a prospect an earlier
/// one created and the rest create one (both paths write under load).
const PHONES: usize = 500;
/// Load runs at least this long, and until this many are acknowledged (or the deadline).
const MIN_LOAD: Duration = Duration::from_millis(1500);
const WANTED_ACKS: usize = 300;
const LOAD_DEADLINE: Duration = Duration::from_secs(10);

fn interaction(n: usize) -> Value {
    json!({
        "channel": "phone",
        "type": "call",
        "customer": {"phone": format!("+34 612 34{:04}", n % PHONES)},
        "source": "crash-test",
        "source_event_id": format!("e-{n}"),
    })
}

fn client(token: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    reqwest::Client::builder()
        .default_headers(h)
        // After the kill the kernel resets every connection; the timeout only guards a hang.
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// An interaction the server acknowledged: its event number and the id it answered.
#[derive(Clone)]
struct Acked {
    event: usize,
    id: String,
}

/// What the load clients saw.
#[derive(Default)]
struct Seen {
    acked: Vec<Acked>,
    /// Answers that were not 2xx (the server was alive and said no).
    refused: Vec<u16>,
    /// Requests that got no answer (in flight at the kill).
    unanswered: usize,
    /// Of those, the ones that failed before the kill began: the server dropped them alive.
    dropped_alive: usize,
}

impl Seen {
    fn unanswered(&mut self, killing: &AtomicBool) {
        self.unanswered += 1;
        if !killing.load(Ordering::SeqCst) {
            self.dropped_alive += 1;
        }
    }
}

struct Load {
    client: reqwest::Client,
    base: String,
    next: Arc<AtomicUsize>,
    acks: Arc<AtomicUsize>,
    /// Set just before the SIGKILL: clients send nothing new, what is in flight stays so.
    killing: Arc<AtomicBool>,
}

impl Load {
    /// Posts `size` interactions a request (1: `POST /interactions`, more: a batch), back to
    /// back, until the kill begins.
    async fn run(self, size: usize) -> Seen {
        let mut seen = Seen::default();
        let path = if size == 1 {
            "interactions"
        } else {
            "interactions:batch"
        };
        let url = format!("{}/api/v1/{path}", self.base);
        while !self.killing.load(Ordering::SeqCst) {
            let first = self.next.fetch_add(size, Ordering::Relaxed);
            let events = first..first + size;
            let body = match size {
                1 => interaction(first),
                _ => json!({"interactions": events.clone().map(interaction).collect::<Vec<_>>()}),
            };
            let answer = match self.client.post(&url).json(&body).send().await {
                Ok(r) if r.status().is_success() => r.json::<Value>().await.ok(),
                Ok(r) => {
                    seen.refused.push(r.status().as_u16());
                    continue;
                }
                Err(_) => None,
            };
            // Only a whole answer is an acknowledgement: one result, or a batch's list of them.
            let results: Vec<&Value> = match &answer {
                Some(v) if size == 1 => vec![v],
                Some(v) => v["results"].as_array().into_iter().flatten().collect(),
                None => {
                    seen.unanswered(&self.killing);
                    continue;
                }
            };
            for (event, r) in events.zip(results) {
                let stored = matches!(r["status"].as_str(), Some("created" | "duplicate"));
                if let (true, Some(id)) = (stored, r["id"].as_str()) {
                    seen.acked.push(Acked {
                        event,
                        id: id.to_owned(),
                    });
                    self.acks.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        seen
    }
}

/// Acknowledged interactions that the restarted server cannot show as sent.
async fn missing(client: &reqwest::Client, base: &str, acked: &[Acked]) -> Vec<String> {
    let chunk = acked.len().div_ceil(32).max(1);
    let checks = acked.chunks(chunk).map(|part| {
        let (client, base, part) = (client.clone(), base.to_owned(), part.to_vec());
        tokio::spawn(async move {
            let mut lost = Vec::new();
            for a in part {
                let url = format!("{base}/api/v1/interactions/{}", a.id);
                let found = match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() => match r.json::<Value>().await {
                        Ok(v) => v["source_event_id"].as_str().unwrap_or("none").to_owned(),
                        Err(e) => format!("unreadable: {e}"),
                    },
                    Ok(r) => format!("answered {}", r.status()),
                    Err(e) => format!("no answer: {e}"),
                };
                if found != format!("e-{}", a.event) {
                    lost.push(format!("{} (e-{}): {found}", a.id, a.event));
                }
            }
            lost
        })
    });
    // Collected first so every check is spawned before the first is awaited.
    let checks: Vec<_> = checks.collect();
    let mut lost = Vec::new();
    for check in checks {
        lost.extend(check.await.expect("check task"));
    }
    lost
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_interaction_survives_a_sigkill_mid_load(#[case] backend: Backend) {
    let Some(t) = Target::fresh(backend).await else {
        return;
    };
    let started = Instant::now();
    let token = t.token("interactions:write,read");
    let mut server = Server::start(&t, 1).await;
    let client = client(&token);

    let (next, acks, killing) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let load = || Load {
        client: client.clone(),
        base: server.base.clone(),
        next: next.clone(),
        acks: acks.clone(),
        killing: killing.clone(),
    };
    let mut clients: Vec<_> = (0..SINGLE_CLIENTS)
        .map(|_| tokio::spawn(load().run(1)))
        .collect();
    clients.extend((0..BATCH_CLIENTS).map(|_| tokio::spawn(load().run(BATCH_SIZE))));

    let load_started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let elapsed = load_started.elapsed();
        if (elapsed >= MIN_LOAD && acks.load(Ordering::Relaxed) >= WANTED_ACKS)
            || elapsed >= LOAD_DEADLINE
        {
            break;
        }
    }
    // Killed while the clients are still sending: requests in flight get no answer.
    killing.store(true, Ordering::SeqCst);
    server.kill();
    let load_time = load_started.elapsed();
    let mut seen = Seen::default();
    for c in clients {
        let s = c.await.expect("client task");
        seen.acked.extend(s.acked);
        seen.refused.extend(s.refused);
        seen.unanswered += s.unanswered;
        seen.dropped_alive += s.dropped_alive;
    }
    let load_log = server.log_text();
    assert!(
        seen.acked.len() >= 50,
        "too few acknowledged ({}) for the test to mean anything; refused: {:?}; log: {load_log}",
        seen.acked.len(),
        seen.refused,
    );

    if t.backend == Backend::Sqlite {
        // Before any server touches it again: the file the crash left is a sound database.
        let db = vinculo_store::Db::connect(&t.db)
            .await
            .expect("open the SQLite database after the crash");
        let sound = db.sqlite_integrity_check().await.expect("integrity check");
        db.close().await;
        assert!(sound, "PRAGMA integrity_check failed after SIGKILL");
    }

    let server = Server::start(&t, 2).await;
    let verify_started = Instant::now();
    let lost = missing(&client, &server.base, &seen.acked).await;
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged interactions are gone after the crash, e.g. {:?}",
        lost.len(),
        seen.acked.len(),
        &lost[..lost.len().min(5)]
    );

    // Idempotency survives too: events from the first client (single posts) and the last
    // (batches) sent again as single posts.
    let url = format!("{}/api/v1/interactions", server.base);
    let mut resent = seen.acked.iter().take(5).collect::<Vec<_>>();
    resent.extend(seen.acked.iter().rev().take(5));
    for a in &resent {
        let r = client
            .post(&url)
            .json(&interaction(a.event))
            .send()
            .await
            .expect("re-send");
        assert_eq!(r.status().as_u16(), 200, "e-{} re-sent", a.event);
        let v: Value = r.json().await.expect("json");
        assert_eq!(v["status"], "duplicate", "e-{}: {v}", a.event);
        assert_eq!(v["id"].as_str(), Some(a.id.as_str()), "e-{}: {v}", a.event);
    }

    let (acked, verify_time) = (seen.acked.len(), verify_started.elapsed());
    println!(
        "{backend}: {acked} acknowledged in {load_time:.2?} of load, {} verified after restart \
         in {verify_time:.2?}, {} re-sent as duplicates; {} unanswered at the kill ({} before \
         it), {} refused {:?}; {:.2?} in all",
        acked - lost.len(),
        resent.len(),
        seen.unanswered,
        seen.dropped_alive,
        seen.refused.len(),
        &seen.refused[..seen.refused.len().min(5)],
        started.elapsed(),
    );
    if !seen.refused.is_empty() || seen.dropped_alive > 0 {
        println!("server log of the killed run:\n{load_log}");
    }
}
