//! The duplicate scan: reads every person of the workspace, runs the matcher over them (CPU
//! work, off the async runtime) and raises a `duplicate_score` merge suggestion for each
//! pair likely enough to be one person, with the evidence and the score. A pair already
//! suggested, merged or dismissed is never raised again. A scan that raises suggestions is
//! audited as one `duplicate_scan` entry with its counts (as an import is), not one per pair.
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use std::time::{Duration, Instant};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area, Role};
use vinculo_domain::identity::matching::{self, MatchRecord, Scored, DEFAULT_MIN_PROBABILITY};
use vinculo_store::customers::{self as store, ScoredPair};

/// People read per page: a few queries each, and a page's raw fields are folded and
/// dropped before the next is read.
const PAGE: u64 = 5_000;

/// What one scan did.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanReport {
    /// People compared (archived ones and organisations are left out).
    pub customers: u64,
    /// Candidate pairs (sharing a blocking key) considered.
    pub candidates: u64,
    /// Blocking keys shared by more than `MAX_BLOCK` people (a common name with nothing
    /// rarer known): split and windowed rather than compared whole.
    pub oversized_blocks: u64,
    /// Of `candidates` and of `found`, those that met only in a sub-block of an oversized
    /// block, and only in an oversized block's window.
    pub in_sub_blocks: matching::Tally,
    pub in_windows: matching::Tally,
    /// Pairs at or above the threshold.
    pub found: u64,
    /// Of those, suggestions raised now (the rest were already suggested or decided).
    pub suggested: u64,
    /// Pairs merged at once because their score reached the workspace's
    /// `auto_merge_above` (off by default; each merge can be undone).
    pub auto_merged: u64,
    pub took: Duration,
}

/// Scans the workspace for duplicates. Admins and managers only: it reads every person and
/// fills the list of suggestions they triage.
pub async fn scan(app: &App, actor: &Principal) -> Result<ScanReport, AppError> {
    actor.require(Area::Customers, Access::Write)?;
    if !matches!(actor.role, Role::Admin | Role::Manager) {
        return Err(AppError::Forbidden);
    }
    let started = Instant::now();
    let ws = actor.workspace_id;
    let mut records: Vec<MatchRecord> = Vec::new();
    {
        let mut conn = app.db.conn().await?;
        let mut after = None;
        loop {
            let page = store::match_fields(&mut conn, ws, after, PAGE).await?;
            let Some(last) = page.last().map(|(id, _)| *id) else {
                break;
            };
            records.extend(page.iter().map(|(id, f)| MatchRecord::new(*id, f)));
            after = Some(last);
        }
    }
    let customers = records.len() as u64;
    let found =
        tokio::task::spawn_blocking(move || matching::search(&records, DEFAULT_MIN_PROBABILITY))
            .await
            .map_err(|e| AppError::Internal(format!("duplicate matcher: {e}")))?;
    let pairs: Vec<ScoredPair> = found.pairs.iter().map(scored_pair).collect();
    let mut tx = app.db.begin().await?;
    let suggested = store::suggest_duplicates(&mut tx, ws, &pairs, now()).await?;
    if suggested > 0 {
        let after = json!({"customers": customers, "found": pairs.len(), "suggested": suggested});
        let id = uuid::Uuid::now_v7();
        audit::record(
            &mut tx,
            actor,
            AuditAction::Create,
            "duplicate_scan",
            id,
            &json!(null),
            &after,
        )
        .await?;
    }
    tx.commit().await?;
    // Above the workspace's threshold, the suggestions are merged now (`auto_merge` does
    // nothing when the setting is off). A scan run by someone who may not merge only
    // suggests.
    let auto_merged = match super::auto_merge(app, actor).await {
        Ok(merges) => merges.len() as u64,
        Err(AppError::Forbidden) => 0,
        Err(e) => return Err(e),
    };
    let report = ScanReport {
        customers,
        candidates: found.candidates,
        oversized_blocks: found.blocking.oversized as u64,
        in_sub_blocks: found.in_sub_blocks,
        in_windows: found.in_windows,
        found: pairs.len() as u64,
        suggested,
        auto_merged,
        took: started.elapsed(),
    };
    tracing::info!(
        customers,
        candidates = report.candidates,
        oversized_blocks = report.oversized_blocks,
        candidates_in_sub_blocks = report.in_sub_blocks.candidates,
        found_in_sub_blocks = report.in_sub_blocks.found,
        candidates_in_windows = report.in_windows.candidates,
        found_in_windows = report.in_windows.found,
        found = report.found,
        suggested,
        auto_merged,
        took_ms = report.took.as_millis() as u64,
        "duplicate scan"
    );
    Ok(report)
}

/// The stored evidence: the score, and each field's part with a sentence for people.
fn scored_pair(s: &Scored) -> ScoredPair {
    let evidence: Vec<serde_json::Value> = s
        .evidence
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("text".into(), e.describe().into());
            }
            v
        })
        .collect();
    ScoredPair {
        pair: (s.a, s.b),
        score: s.probability,
        evidence: json!({
            "score": s.probability,
            "weight": s.weight,
            "evidence": evidence,
        }),
    }
}
