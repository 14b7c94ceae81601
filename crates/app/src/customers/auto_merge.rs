//! Merging without a person: the duplicate finder's suggestions scored at or above the
//! workspace's `auto_merge_above` (off unless set). Precision matters more than recall, so it
//! is conservative: only `duplicate_score` suggestions, the older customer survives, no field
//! is chosen (the survivor keeps its values and fills its gaps), and a suggestion whose
//! customer was merged earlier in the same run is left for a person (its score was about
//! someone else). Each merge is recorded, audited and can be undone like any other.
use super::merge::{may_merge, merge, MergeCommand};
use crate::{App, AppError, Principal};
use vinculo_store::merges::MergeRecord;
use vinculo_store::Cursor;

/// Runs the automatic merges of the workspace (the finder calls it after a scan); returns
/// the merges made, none when the setting is off.
pub async fn auto_merge(app: &App, actor: &Principal) -> Result<Vec<MergeRecord>, AppError> {
    may_merge(actor)?;
    let ws = actor.workspace_id;
    let mut pairs = Vec::new();
    {
        let mut conn = app.db.conn().await?;
        let Some(threshold) = vinculo_store::customers::settings(&mut conn, ws)
            .await?
            .auto_merge_above
        else {
            return Ok(Vec::new());
        };
        let mut cursor: Option<Cursor> = None;
        loop {
            let page =
                vinculo_store::interactions::open_suggestions(&mut conn, ws, cursor.as_ref(), 200)
                    .await?;
            for s in &page.items {
                let score = s.evidence.get("score").and_then(serde_json::Value::as_f64);
                if s.reason == "duplicate_score" && score.is_some_and(|p| p >= threshold) {
                    // UUIDv7 ids sort by creation: the older record survives.
                    pairs.push((
                        s.customer_a.min(s.customer_b),
                        s.customer_a.max(s.customer_b),
                    ));
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    let mut merged = Vec::new();
    let mut gone = Vec::new();
    for (survivor, loser) in pairs {
        if gone.contains(&survivor) || gone.contains(&loser) {
            continue;
        }
        let cmd = MergeCommand {
            survivor,
            losers: vec![loser],
            ..MergeCommand::default()
        };
        match merge(app, actor, cmd).await {
            Ok(rec) => {
                gone.push(loser);
                merged.push(rec);
            }
            // A person merged with an organisation, or one erased meanwhile: a person decides.
            Err(AppError::InvalidFields(_) | AppError::NotFoundAt(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(merged)
}
