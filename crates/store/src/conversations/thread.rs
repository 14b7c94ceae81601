//! Finding the conversation a message belongs to: by the message ids it answers
//! (In-Reply-To and References), else by the token in its subject.
use super::{ConversationEntries, Conversations, EntryRecord, EntryRow};
use crate::{Conn, StoreError};
use sea_query::{Expr, Order, Query};
use uuid::Uuid;
use vinculo_domain::ids::{ConversationId, EntryId, WorkspaceId};

/// The conversation holding the most recent of these message ids, if any.
pub async fn by_message_ids(
    conn: &mut Conn,
    ws: WorkspaceId,
    ids: &[String],
) -> Result<Option<ConversationId>, StoreError> {
    if ids.is_empty() {
        return Ok(None);
    }
    let stmt = Query::select()
        .column(ConversationEntries::ConversationId)
        .from(ConversationEntries::Table)
        .and_where(Expr::col(ConversationEntries::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConversationEntries::MessageId).is_in(ids.iter().map(String::as_str)))
        .order_by(ConversationEntries::CreatedAt, Order::Desc)
        .limit(1)
        .to_owned();
    let row: Option<(Uuid,)> = conn.fetch_optional(&stmt).await?;
    Ok(row.map(|(c,)| ConversationId(c)))
}

/// The conversation with this reference token (`VC-…`).
pub async fn by_token(
    conn: &mut Conn,
    ws: WorkspaceId,
    token: &str,
) -> Result<Option<ConversationId>, StoreError> {
    let stmt = Query::select()
        .column(Conversations::Id)
        .from(Conversations::Table)
        .and_where(Expr::col(Conversations::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Conversations::Token).eq(token))
        .to_owned();
    let row: Option<(Uuid,)> = conn.fetch_optional(&stmt).await?;
    Ok(row.map(|(c,)| ConversationId(c)))
}

const ENTRY_COLUMNS: [ConversationEntries; 10] = [
    ConversationEntries::Id,
    ConversationEntries::ConversationId,
    ConversationEntries::Kind,
    ConversationEntries::InteractionId,
    ConversationEntries::MessageId,
    ConversationEntries::AuthorId,
    ConversationEntries::Body,
    ConversationEntries::Delivery,
    ConversationEntries::DeliveryError,
    ConversationEntries::CreatedAt,
];

/// The entry holding a message id, if the workspace has it.
pub async fn entry_by_message_id(
    conn: &mut Conn,
    ws: WorkspaceId,
    message_id: &str,
) -> Result<Option<EntryRecord>, StoreError> {
    let stmt = Query::select()
        .columns(ENTRY_COLUMNS)
        .from(ConversationEntries::Table)
        .and_where(Expr::col(ConversationEntries::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConversationEntries::MessageId).eq(message_id))
        .to_owned();
    conn.fetch_optional::<EntryRow, _>(&stmt)
        .await?
        .map(EntryRecord::try_from)
        .transpose()
}

/// One entry, by its id.
pub async fn entry(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: EntryId,
) -> Result<Option<EntryRecord>, StoreError> {
    let stmt = Query::select()
        .columns(ENTRY_COLUMNS)
        .from(ConversationEntries::Table)
        .and_where(Expr::col(ConversationEntries::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConversationEntries::Id).eq(id.uuid()))
        .to_owned();
    conn.fetch_optional::<EntryRow, _>(&stmt)
        .await?
        .map(EntryRecord::try_from)
        .transpose()
}

/// Which of these message ids the workspace holds, with the conversation of each: the
/// duplicate check of a whole batch of read mail in one statement (per 500 ids).
pub async fn conversations_of_message_ids(
    conn: &mut Conn,
    ws: WorkspaceId,
    ids: &[&str],
) -> Result<Vec<(String, ConversationId)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let stmt = Query::select()
            .columns([
                ConversationEntries::MessageId,
                ConversationEntries::ConversationId,
            ])
            .from(ConversationEntries::Table)
            .and_where(Expr::col(ConversationEntries::WorkspaceId).eq(ws.uuid()))
            .and_where(Expr::col(ConversationEntries::MessageId).is_in(chunk.iter().copied()))
            .to_owned();
        let rows: Vec<(String, Uuid)> = conn.fetch_all(&stmt).await?;
        out.extend(rows.into_iter().map(|(m, c)| (m, ConversationId(c))));
    }
    Ok(out)
}

/// A conversation's entries, oldest first.
pub async fn entries(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: ConversationId,
) -> Result<Vec<EntryRecord>, StoreError> {
    let stmt = Query::select()
        .columns(ENTRY_COLUMNS)
        .from(ConversationEntries::Table)
        .and_where(Expr::col(ConversationEntries::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConversationEntries::ConversationId).eq(id.uuid()))
        .order_by(ConversationEntries::CreatedAt, Order::Asc)
        .order_by(ConversationEntries::Id, Order::Asc)
        .to_owned();
    conn.fetch_all::<EntryRow, _>(&stmt)
        .await?
        .into_iter()
        .map(EntryRecord::try_from)
        .collect()
}
