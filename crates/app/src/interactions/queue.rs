//! Group commit for ingest. Every ingest request, one interaction or a batch, is handed to
//! one writer task. The writer takes the request and every other one already waiting, writes
//! them all in one transaction, and answers each after that commit.
//!
//! One commit a request capped single-interaction ingest at SQLite's rate of small
//! transactions (about 3,800 a second here, see docs/performance.md). A commit per group
//! costs the same whether 1 or 500 requests wait, and under load many do. Nothing is
//! answered before its commit, so a crash loses only requests that were never acknowledged.
use super::write::{write_items, Item, Valid};
use super::{IngestResult, Outcome};
use crate::events::{Event, Events};
use crate::{now, AppError, Principal};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use vinculo_domain::identity::Region;
use vinculo_domain::ids::WorkspaceId;
use vinculo_store::Db;

/// How long a workspace's phone region is reused without reading it again. A change of the
/// setting also clears it at once ([`Queue::forget_regions`]); this bounds what another
/// process's change (the CLI's) can leave stale.
const REGION_TTL: Duration = Duration::from_secs(10);

/// Interactions per transaction at most: a group is cut there, so a commit stays short and
/// the first request in a queue of batches is not kept waiting behind all of them.
const MAX_GROUP: usize = 2_000;

/// Requests waiting for the writer at most; beyond that, callers wait to enqueue.
const QUEUE_DEPTH: usize = 4_096;

struct Job {
    actor: Principal,
    /// Validated by the request's own task, so that the CPU-bound part of ingest (phone
    /// parsing above all) runs on every core, not in the one writer.
    drafts: Vec<Valid>,
    reply: oneshot::Sender<Result<Vec<IngestResult>, AppError>>,
}

/// The way in to the writer task.
pub(crate) struct Queue {
    tx: mpsc::Sender<Job>,
    regions: Mutex<HashMap<WorkspaceId, (Region, Instant)>>,
}

fn stopped() -> AppError {
    AppError::Internal("the interaction writer has stopped".into())
}

impl Queue {
    /// Starts the writer on the current Tokio runtime.
    pub(crate) fn start(db: Db, events: Arc<Events>) -> Queue {
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(run(db, events, rx));
        Queue {
            tx,
            regions: Mutex::new(HashMap::new()),
        }
    }

    /// The country phones without a country code are read in, for `ws`.
    pub(crate) async fn region(&self, db: &Db, ws: WorkspaceId) -> Result<Region, AppError> {
        let cached = self
            .regions
            .lock()
            .ok()
            .and_then(|m| m.get(&ws).copied())
            .filter(|(_, at)| at.elapsed() < REGION_TTL);
        if let Some((region, _)) = cached {
            return Ok(region);
        }
        let mut conn = db.conn().await?;
        let settings = vinculo_store::customers::settings(&mut conn, ws).await?;
        let region = Region::parse(&settings.default_country).unwrap_or(Region::ES);
        if let Ok(mut m) = self.regions.lock() {
            m.insert(ws, (region, Instant::now()));
        }
        Ok(region)
    }

    /// Forgets the cached regions (the workspace's country changed).
    pub(crate) fn forget_regions(&self) {
        if let Ok(mut m) = self.regions.lock() {
            m.clear();
        }
    }

    /// Writes the drafts and answers once they are committed.
    pub(crate) async fn ingest(
        &self,
        actor: Principal,
        drafts: Vec<Valid>,
    ) -> Result<Vec<IngestResult>, AppError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job {
                actor,
                drafts,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Tells the live pages about the interactions a job created (after their commit).
fn publish(events: &Events, job: &Job, answer: &[IngestResult]) {
    for i in answer.iter().flatten() {
        if i.outcome == Outcome::Created {
            events.publish(Event::InteractionAdded {
                workspace_id: job.actor.workspace_id,
                customer_id: i.customer_id,
                interaction_id: i.id,
            });
        }
    }
}

async fn run(db: Db, events: Arc<Events>, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut size = first.drafts.len();
        let mut jobs = vec![first];
        while size < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => {
                    size += job.drafts.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        // Each group in a task of its own, awaited before the next: a panic (a bug) fails
        // that group's requests (their answers are dropped, so they get an error), not every
        // ingest until the server restarts.
        let group = tokio::spawn(write_group(db.clone(), events.clone(), jobs));
        if let Err(e) = group.await {
            tracing::error!(error = %e, "an ingest group failed; its requests were answered with an error");
        }
    }
}

/// Writes a group and answers each of its requests.
async fn write_group(db: Db, events: Arc<Events>, mut jobs: Vec<Job>) {
    match write_retrying(&db, &jobs).await {
        Ok(answers) => {
            for (job, answer) in jobs.into_iter().zip(answers) {
                publish(&events, &job, &answer);
                // A caller that went away is not waiting: its interactions are stored, and a
                // retry of them with their event ids is answered as a duplicate.
                let _ = job.reply.send(Ok(answer));
            }
        }
        Err(e) if jobs.len() == 1 => {
            if let Some(job) = jobs.pop() {
                let _ = job.reply.send(Err(e));
            }
        }
        // One request's failure is not the others': each is written alone.
        Err(_) => {
            for job in jobs {
                let answer = write_retrying(&db, std::slice::from_ref(&job))
                    .await
                    .and_then(|mut a| a.pop().ok_or_else(stopped));
                if let Ok(a) = &answer {
                    publish(&events, &job, a);
                }
                let _ = job.reply.send(answer);
            }
        }
    }
}

/// Writes the jobs in one transaction, once more if a concurrent writer stored one of their
/// events or keys first (PostgreSQL runs other writers, the CLI among them, side by side):
/// the second time finds them stored.
async fn write_retrying(db: &Db, jobs: &[Job]) -> Result<Vec<Vec<IngestResult>>, AppError> {
    match write(db, jobs).await {
        Err(AppError::Conflict { .. }) => write(db, jobs).await,
        other => other,
    }
}

async fn write(db: &Db, jobs: &[Job]) -> Result<Vec<Vec<IngestResult>>, AppError> {
    let items: Vec<Item<'_>> = jobs
        .iter()
        .flat_map(|j| {
            j.drafts.iter().map(|valid| Item {
                actor: &j.actor,
                valid,
            })
        })
        .collect();
    let mut tx = db.begin().await?;
    let mut results = write_items(&mut tx, &items, now()).await?.into_iter();
    tx.commit().await?;
    Ok(jobs
        .iter()
        .map(|j| results.by_ref().take(j.drafts.len()).collect())
        .collect())
}
