//! The consent ledger of each customer: append-only entries.
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::customers::consent::{
    Channel, ConsentEntry, ConsentSource, ConsentState, Purpose,
};
use vinculo_domain::ids::{CustomerId, WorkspaceId};

#[derive(Iden)]
enum ConsentEvents {
    Table,
    Id,
    WorkspaceId,
    CustomerId,
    Channel,
    Purpose,
    State,
    Source,
    Actor,
    Note,
    At,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    channel: String,
    purpose: String,
    state: String,
    source: String,
    actor: String,
    note: Option<String>,
    at: OffsetDateTime,
}

impl TryFrom<EntryRow> for ConsentEntry {
    type Error = StoreError;
    fn try_from(r: EntryRow) -> Result<Self, StoreError> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("consent {what} {v:?}"));
        Ok(ConsentEntry {
            channel: Channel::parse(&r.channel).ok_or_else(|| bad("channel", &r.channel))?,
            purpose: Purpose::parse(&r.purpose).ok_or_else(|| bad("purpose", &r.purpose))?,
            state: ConsentState::parse(&r.state).ok_or_else(|| bad("state", &r.state))?,
            source: ConsentSource::parse(&r.source).ok_or_else(|| bad("source", &r.source))?,
            actor: r.actor,
            note: r.note,
            at: r.at,
        })
    }
}

/// Appends an entry; returns its id.
pub async fn append(
    conn: &mut Conn,
    ws: WorkspaceId,
    customer: CustomerId,
    e: &ConsentEntry,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    let stmt = Query::insert()
        .into_table(ConsentEvents::Table)
        .columns([
            ConsentEvents::Id,
            ConsentEvents::WorkspaceId,
            ConsentEvents::CustomerId,
            ConsentEvents::Channel,
            ConsentEvents::Purpose,
            ConsentEvents::State,
            ConsentEvents::Source,
            ConsentEvents::Actor,
            ConsentEvents::Note,
            ConsentEvents::At,
        ])
        .values_panic([
            id.into(),
            ws.uuid().into(),
            customer.uuid().into(),
            e.channel.as_str().into(),
            e.purpose.as_str().into(),
            e.state.as_str().into(),
            e.source.as_str().into(),
            e.actor.clone().into(),
            e.note.clone().into(),
            e.at.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await?;
    Ok(id)
}

/// A customer's ledger, oldest first.
pub async fn ledger(
    conn: &mut Conn,
    ws: WorkspaceId,
    customer: CustomerId,
) -> Result<Vec<ConsentEntry>, StoreError> {
    let stmt = Query::select()
        .columns([
            ConsentEvents::Channel,
            ConsentEvents::Purpose,
            ConsentEvents::State,
            ConsentEvents::Source,
            ConsentEvents::Actor,
            ConsentEvents::Note,
            ConsentEvents::At,
        ])
        .from(ConsentEvents::Table)
        .and_where(Expr::col(ConsentEvents::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConsentEvents::CustomerId).eq(customer.uuid()))
        .order_by(ConsentEvents::At, Order::Asc)
        .order_by(ConsentEvents::Id, Order::Asc)
        .to_owned();
    conn.fetch_all::<EntryRow, _>(&stmt)
        .await?
        .into_iter()
        .map(ConsentEntry::try_from)
        .collect()
}

/// Removes a customer's ledger (erasure).
pub async fn delete_for(
    conn: &mut Conn,
    ws: WorkspaceId,
    customer: CustomerId,
) -> Result<(), StoreError> {
    let stmt = Query::delete()
        .from_table(ConsentEvents::Table)
        .and_where(Expr::col(ConsentEvents::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConsentEvents::CustomerId).eq(customer.uuid()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}
