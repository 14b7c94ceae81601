//! Merges of customers as stored: the record (who merged whom into whom, when, with which
//! field winners, and whether it was undone), the snapshot of every row it removed or changed,
//! the rows it moved to the survivor (so undo moves back exactly those, and not what arrived
//! later), and whose data each record holds (so an erasure can empty it).
mod history;
mod moves;
mod rows;
pub mod snapshot;

pub use history::{history, latest_into};

pub use moves::{
    delete_added, delete_suggestions, dismiss_suggestion, link_again, links_to, move_back,
    move_rows, record_added, relink, repoint_suggestion, restore_suggestions, suggestions_naming,
    unlink,
};
pub use rows::{Cell, Row};
pub use snapshot::{CustomerRows, OWN};

use crate::{Backend, Conn, StoreError};
use sea_query::{Alias, Expr, Iden, LockType, Query};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::ids::{CustomerId, MergeId, WorkspaceId};

/// Tables whose rows a merge moves from the losers to the survivor: each has an `id` and a
/// `customer_id`. Tickets and orders join this list when they arrive.
pub const MOVING: [&str; 3] = ["interactions", "consent_events", "conversations"];

#[derive(Iden, Clone, Copy)]
enum Merges {
    Table,
    Id,
    WorkspaceId,
    SurvivorId,
    Losers,
    Fields,
    Status,
    MergedBy,
    MergedAt,
    UndoneBy,
    UndoneAt,
    Snapshot,
    SurvivorAfter,
    Moved,
}

#[derive(Iden, Clone, Copy)]
enum MergeMoves {
    Table,
    MergeId,
    WorkspaceId,
    RowTable,
    RowId,
    FromCustomer,
}

#[derive(Iden, Clone, Copy)]
enum MergeSubjects {
    Table,
    MergeId,
    WorkspaceId,
    CustomerId,
}

/// What the merge removed or changed, as it was before.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub survivor: CustomerRows,
    pub losers: Vec<CustomerRows>,
    /// Every suggestion that named a loser, as it was.
    pub suggestions: Vec<Row>,
}

/// A person's link to a merged-away organisation: re-pointed to the survivor, or dropped
/// because the person was linked to the survivor already.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MovedLink {
    /// The link as it was (`affiliations` row).
    pub row: Row,
    pub dropped: bool,
}

/// What the merge moved besides rows with ids, and how many of each.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Moved {
    /// Rows moved per table (`interactions`, `consent_events`), opt-outs added
    /// (`consents_added`), people's links re-pointed (`links`), suggestions resolved.
    pub counts: BTreeMap<String, u64>,
    #[serde(default)]
    pub links: Vec<MovedLink>,
}

/// A merge as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeRecord {
    pub id: MergeId,
    pub survivor: CustomerId,
    pub losers: Vec<CustomerId>,
    pub fields: BTreeMap<String, String>,
    /// `merged`, `undone` or `erased`.
    pub status: String,
    pub merged_by: String,
    pub merged_at: OffsetDateTime,
    pub undone_by: Option<String>,
    pub undone_at: Option<OffsetDateTime>,
    pub moved: Moved,
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: Uuid,
    survivor_id: Uuid,
    losers: Json<Vec<Uuid>>,
    fields: Json<BTreeMap<String, String>>,
    status: String,
    merged_by: String,
    merged_at: OffsetDateTime,
    undone_by: Option<String>,
    undone_at: Option<OffsetDateTime>,
    moved: Json<Moved>,
}

fn json<T: Serialize>(v: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(v).map_err(|e| StoreError::Corrupt(format!("merge record: {e}")))
}

/// Records a merge as it starts (its moves refer to it); [`finish`] completes it.
pub async fn insert(
    conn: &mut Conn,
    ws: WorkspaceId,
    rec: &MergeRecord,
    snapshot: &Snapshot,
    subjects: &[CustomerId],
) -> Result<(), StoreError> {
    let losers: Vec<Uuid> = rec.losers.iter().map(|l| l.uuid()).collect();
    let stmt = Query::insert()
        .into_table(Merges::Table)
        .columns([
            Merges::Id,
            Merges::WorkspaceId,
            Merges::SurvivorId,
            Merges::Losers,
            Merges::Fields,
            Merges::Status,
            Merges::MergedBy,
            Merges::MergedAt,
            Merges::Snapshot,
            Merges::SurvivorAfter,
            Merges::Moved,
        ])
        .values_panic([
            rec.id.uuid().into(),
            ws.uuid().into(),
            rec.survivor.uuid().into(),
            json(&losers)?.into(),
            json(&rec.fields)?.into(),
            rec.status.clone().into(),
            rec.merged_by.clone().into(),
            rec.merged_at.into(),
            json(snapshot)?.into(),
            serde_json::json!({}).into(),
            json(&rec.moved)?.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await?;
    let mut subjects = subjects.to_vec();
    subjects.sort();
    subjects.dedup();
    for s in subjects {
        let stmt = Query::insert()
            .into_table(MergeSubjects::Table)
            .columns([
                MergeSubjects::MergeId,
                MergeSubjects::WorkspaceId,
                MergeSubjects::CustomerId,
            ])
            .values_panic([rec.id.uuid().into(), ws.uuid().into(), s.uuid().into()])
            .to_owned();
        conn.execute(&stmt).await?;
    }
    Ok(())
}

/// Completes a merge's record: the survivor as the merge left it, and what moved.
pub async fn finish(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MergeId,
    survivor_after: &CustomerRows,
    moved: &Moved,
) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(Merges::Table)
        .value(Merges::SurvivorAfter, json(survivor_after)?)
        .value(Merges::Moved, json(moved)?)
        .and_where(Expr::col(Merges::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Merges::Id).eq(id.uuid()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// One merge of the workspace.
pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MergeId,
) -> Result<Option<MergeRecord>, StoreError> {
    let mut stmt = records(ws);
    stmt.and_where(Expr::col(Merges::Id).eq(id.uuid()));
    let row: Option<RecordRow> = conn.fetch_optional(&stmt).await?;
    Ok(row.map(MergeRecord::from))
}

/// The records of the workspace's merges (without what undo keeps), to be narrowed.
fn records(ws: WorkspaceId) -> sea_query::SelectStatement {
    Query::select()
        .columns([
            Merges::Id,
            Merges::SurvivorId,
            Merges::Losers,
            Merges::Fields,
            Merges::Status,
            Merges::MergedBy,
            Merges::MergedAt,
            Merges::UndoneBy,
            Merges::UndoneAt,
            Merges::Moved,
        ])
        .from(Merges::Table)
        .and_where(Expr::col(Merges::WorkspaceId).eq(ws.uuid()))
        .to_owned()
}

impl From<RecordRow> for MergeRecord {
    fn from(r: RecordRow) -> Self {
        MergeRecord {
            id: MergeId(r.id),
            survivor: CustomerId(r.survivor_id),
            losers: r.losers.0.into_iter().map(CustomerId).collect(),
            fields: r.fields.0,
            status: r.status,
            merged_by: r.merged_by,
            merged_at: r.merged_at,
            undone_by: r.undone_by,
            undone_at: r.undone_at,
            moved: r.moved.0,
        }
    }
}

/// A merge's snapshot and the survivor's rows as it left them.
pub async fn kept(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MergeId,
) -> Result<Option<(Snapshot, CustomerRows)>, StoreError> {
    let stmt = Query::select()
        .columns([Merges::Snapshot, Merges::SurvivorAfter])
        .from(Merges::Table)
        .and_where(Expr::col(Merges::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Merges::Id).eq(id.uuid()))
        .to_owned();
    let row: Option<(Json<Snapshot>, Json<CustomerRows>)> = conn.fetch_optional(&stmt).await?;
    Ok(row.map(|(s, a)| (s.0, a.0)))
}

/// Marks a merge `status` (`undone`, `erased`) and forgets what it kept: the snapshot, the
/// survivor's state, the moved rows and links (the counts stay, for the record).
pub async fn close(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MergeId,
    status: &str,
    by: Option<(&str, OffsetDateTime)>,
    moved: &Moved,
) -> Result<(), StoreError> {
    let counts = Moved {
        counts: moved.counts.clone(),
        links: Vec::new(),
    };
    let mut stmt = Query::update()
        .table(Merges::Table)
        .value(Merges::Status, status)
        .value(Merges::Snapshot, json(&Snapshot::default())?)
        .value(Merges::SurvivorAfter, serde_json::json!({}))
        .value(Merges::Moved, json(&counts)?)
        .and_where(Expr::col(Merges::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Merges::Id).eq(id.uuid()))
        .to_owned();
    if let Some((who, at)) = by {
        stmt.value(Merges::UndoneBy, who)
            .value(Merges::UndoneAt, at);
    }
    conn.execute(&stmt).await?;
    let moves = Query::delete()
        .from_table(MergeMoves::Table)
        .and_where(Expr::col(MergeMoves::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(MergeMoves::MergeId).eq(id.uuid()))
        .to_owned();
    conn.execute(&moves).await.map(drop)
}

/// The merges whose records hold data of `customer` (as survivor, loser, a person linked to
/// a merged organisation, or a suggestion's other customer).
pub async fn holding(
    conn: &mut Conn,
    ws: WorkspaceId,
    customer: CustomerId,
) -> Result<Vec<MergeRecord>, StoreError> {
    let stmt = Query::select()
        .column(MergeSubjects::MergeId)
        .from(MergeSubjects::Table)
        .and_where(Expr::col(MergeSubjects::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(MergeSubjects::CustomerId).eq(customer.uuid()))
        .to_owned();
    let ids: Vec<(Uuid,)> = conn.fetch_all(&stmt).await?;
    let mut out = Vec::new();
    for (id,) in ids {
        if let Some(r) = get(conn, ws, MergeId(id)).await? {
            out.push(r);
        }
    }
    Ok(out)
}

/// Forgets whose data a record holds (it holds none any more).
pub async fn forget_subjects(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: MergeId,
) -> Result<(), StoreError> {
    let stmt = Query::delete()
        .from_table(MergeSubjects::Table)
        .and_where(Expr::col(MergeSubjects::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(MergeSubjects::MergeId).eq(id.uuid()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// The customer that `id` was merged into, following later merges of that one (`None`: it
/// was never merged away, or the merge was undone). For callers holding an old id (an ERP
/// that stored it): they reach the same person.
pub async fn merged_into(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<Option<CustomerId>, StoreError> {
    let mut at = id;
    let mut found = None;
    // A handful of hops at most: each is a merge a person (or the auto-merge) made.
    for _ in 0..8 {
        let stmt = Query::select()
            .columns([
                (Merges::Table, Merges::SurvivorId),
                (Merges::Table, Merges::Losers),
            ])
            .from(Merges::Table)
            .inner_join(
                MergeSubjects::Table,
                Expr::col((MergeSubjects::Table, MergeSubjects::MergeId))
                    .equals((Merges::Table, Merges::Id)),
            )
            .and_where(Expr::col((MergeSubjects::Table, MergeSubjects::WorkspaceId)).eq(ws.uuid()))
            .and_where(Expr::col((MergeSubjects::Table, MergeSubjects::CustomerId)).eq(at.uuid()))
            .and_where(Expr::col((Merges::Table, Merges::Status)).eq("merged"))
            .to_owned();
        let rows: Vec<(Uuid, Json<Vec<Uuid>>)> = conn.fetch_all(&stmt).await?;
        match rows
            .into_iter()
            .find(|(_, losers)| losers.0.contains(&at.uuid()))
        {
            Some((survivor, _)) => {
                at = CustomerId(survivor);
                found = Some(at);
            }
            None => break,
        }
    }
    Ok(found)
}

/// Locks the customers' rows until the transaction ends (PostgreSQL), so an interaction
/// written at the same moment for a loser waits, then fails its foreign key and is retried
/// (finding the survivor), instead of being deleted with the loser. SQLite has one writer.
pub async fn lock(conn: &mut Conn, ws: WorkspaceId, ids: &[CustomerId]) -> Result<(), StoreError> {
    if conn.backend() != Backend::Postgres {
        return Ok(());
    }
    let stmt = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("customers"))
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().map(|i| i.uuid())))
        // In id order, so two merges sharing customers wait for each other, never deadlock.
        .order_by(Alias::new("id"), sea_query::Order::Asc)
        .lock(LockType::Update)
        .to_owned();
    conn.fetch_all::<(Uuid,), _>(&stmt).await.map(drop)
}
