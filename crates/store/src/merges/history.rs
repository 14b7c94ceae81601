//! The workspace's merges newest first, all of them or those of one customer (as the one
//! that stayed or as one merged into it): the history where a merge is found again to be
//! checked or undone.
use super::{records, MergeRecord, Merges, RecordRow};
use crate::{Backend, Conn, StoreError};
use sea_query::{Cond, Expr, Order};
use uuid::Uuid;
use vinculo_domain::ids::{CustomerId, WorkspaceId};

/// Up to `limit` merges older than `before` (a merge id; ids grow with time), newest first.
pub async fn history(
    conn: &mut Conn,
    ws: WorkspaceId,
    customer: Option<CustomerId>,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<MergeRecord>, StoreError> {
    let mut stmt = records(ws);
    if let Some(c) = customer {
        // The merged-away ids are a JSON array of UUID strings. The literal is a formatted
        // UUID (hex digits and hyphens), never text from outside.
        let id = c.uuid().hyphenated().to_string();
        let merged_away = match conn.backend() {
            Backend::Sqlite => Expr::cust(format!("instr(merges.losers, '\"{id}\"') > 0")),
            Backend::Postgres => Expr::cust(format!("merges.losers @> '[\"{id}\"]'::jsonb")),
        };
        stmt.cond_where(
            Cond::any()
                .add(Expr::col(Merges::SurvivorId).eq(c.uuid()))
                .add(merged_away),
        );
    }
    if let Some(b) = before {
        stmt.and_where(Expr::col(Merges::Id).lt(b));
    }
    stmt.order_by(Merges::Id, Order::Desc).limit(limit);
    let rows: Vec<RecordRow> = conn.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(MergeRecord::from).collect())
}

/// The newest merge into `survivor` that still stands (not undone, not erased): what its page
/// offers to undo. One look-up in the survivor index.
pub async fn latest_into(
    conn: &mut Conn,
    ws: WorkspaceId,
    survivor: CustomerId,
) -> Result<Option<MergeRecord>, StoreError> {
    let mut stmt = records(ws);
    stmt.and_where(Expr::col(Merges::SurvivorId).eq(survivor.uuid()))
        .and_where(Expr::col(Merges::Status).eq("merged"))
        .order_by(Merges::Id, Order::Desc)
        .limit(1);
    let row: Option<RecordRow> = conn.fetch_optional(&stmt).await?;
    Ok(row.map(MergeRecord::from))
}
