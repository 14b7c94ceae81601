//! Writing conversations: a new one, its entries, and what agents change (status,
//! assignment, labels, when they read it).
use super::{ConversationEntries, ConversationLabels, ConversationReads, Conversations};
use crate::interactions::time_value;
use crate::{Conn, StoreError};
use sea_query::{Expr, OnConflict, Query};
use time::OffsetDateTime;
use vinculo_domain::conversations::{Channel, Delivery, EntryKind, Status};
use vinculo_domain::ids::{
    ConversationId, CustomerId, EntryId, InteractionId, MailChannelId, TeamId, UserId, WorkspaceId,
};

/// A conversation to open.
#[derive(Clone, Debug)]
pub struct NewConversation<'a> {
    pub id: ConversationId,
    pub customer_id: CustomerId,
    pub channel: Channel,
    pub mail_channel_id: Option<MailChannelId>,
    pub subject: &'a str,
    pub status: Status,
    pub assignee_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub token: &'a str,
    pub at: OffsetDateTime,
}

/// Opens a conversation (with no entries yet).
pub async fn insert(
    conn: &mut Conn,
    ws: WorkspaceId,
    c: &NewConversation<'_>,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let stmt = Query::insert()
        .into_table(Conversations::Table)
        .columns([
            Conversations::Id,
            Conversations::WorkspaceId,
            Conversations::CustomerId,
            Conversations::Channel,
            Conversations::MailChannelId,
            Conversations::Subject,
            Conversations::Status,
            Conversations::AssigneeId,
            Conversations::TeamId,
            Conversations::Token,
            Conversations::LastMessageAt,
            Conversations::CreatedAt,
            Conversations::UpdatedAt,
        ])
        .values_panic([
            c.id.uuid().into(),
            ws.uuid().into(),
            c.customer_id.uuid().into(),
            c.channel.as_str().into(),
            c.mail_channel_id.map(|m| m.uuid()).into(),
            c.subject.into(),
            c.status.as_str().into(),
            c.assignee_id.map(|u| u.uuid()).into(),
            c.team_id.map(|t| t.uuid()).into(),
            c.token.into(),
            time_value(b, c.at),
            time_value(b, c.at),
            time_value(b, c.at),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// An entry to add to a conversation.
#[derive(Clone, Debug)]
pub struct NewEntry<'a> {
    pub id: EntryId,
    pub conversation_id: ConversationId,
    pub kind: EntryKind,
    pub interaction_id: Option<InteractionId>,
    pub message_id: Option<&'a str>,
    pub author_id: Option<UserId>,
    pub body: Option<&'a str>,
    pub delivery: Option<Delivery>,
    pub at: OffsetDateTime,
}

/// Adds an entry. A message id the workspace already holds is a
/// `Conflict { constraint: "conversation_entries.message_id" }` (the same message read
/// twice, or through two mailboxes).
pub async fn add_entry(
    conn: &mut Conn,
    ws: WorkspaceId,
    e: &NewEntry<'_>,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let stmt = Query::insert()
        .into_table(ConversationEntries::Table)
        .columns([
            ConversationEntries::Id,
            ConversationEntries::WorkspaceId,
            ConversationEntries::ConversationId,
            ConversationEntries::Kind,
            ConversationEntries::InteractionId,
            ConversationEntries::MessageId,
            ConversationEntries::AuthorId,
            ConversationEntries::Body,
            ConversationEntries::Delivery,
            ConversationEntries::CreatedAt,
        ])
        .values_panic([
            e.id.uuid().into(),
            ws.uuid().into(),
            e.conversation_id.uuid().into(),
            e.kind.as_str().into(),
            e.interaction_id.map(|i| i.uuid()).into(),
            e.message_id.into(),
            e.author_id.map(|u| u.uuid()).into(),
            e.body.into(),
            e.delivery.map(|d| d.as_str()).into(),
            time_value(b, e.at),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Records activity on a conversation at `at`: its last message time, the customer's when
/// `inbound`, and its new status.
pub async fn touch(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: ConversationId,
    at: OffsetDateTime,
    inbound: bool,
    status: Status,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let mut stmt = Query::update()
        .table(Conversations::Table)
        .value(Conversations::LastMessageAt, time_value(b, at))
        .value(Conversations::UpdatedAt, time_value(b, at))
        .value(Conversations::Status, status.as_str())
        .and_where(Expr::col(Conversations::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Conversations::Id).eq(id.uuid()))
        .to_owned();
    if inbound {
        stmt.value(Conversations::LastInboundAt, time_value(b, at));
    }
    if status != Status::Snoozed {
        stmt.value(Conversations::SnoozedUntil, Option::<OffsetDateTime>::None);
    }
    conn.execute(&stmt).await?;
    // The labels' copy of the time, which orders the inbox filtered by a label.
    let labels = Query::update()
        .table(ConversationLabels::Table)
        .value(ConversationLabels::LastMessageAt, time_value(b, at))
        .and_where(Expr::col(ConversationLabels::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConversationLabels::ConversationId).eq(id.uuid()))
        .to_owned();
    conn.execute(&labels).await.map(drop)
}

/// Sets a conversation's status (and the end of a snooze). False: no such conversation.
pub async fn set_status(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: ConversationId,
    status: Status,
    snoozed_until: Option<OffsetDateTime>,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let b = conn.backend();
    let until = match snoozed_until {
        Some(t) => time_value(b, t),
        None => Option::<OffsetDateTime>::None.into(),
    };
    let stmt = Query::update()
        .table(Conversations::Table)
        .value(Conversations::Status, status.as_str())
        .value(Conversations::SnoozedUntil, until)
        .value(Conversations::UpdatedAt, time_value(b, at))
        .and_where(Expr::col(Conversations::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Conversations::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Assigns a conversation to an agent and/or a team (`None` clears). False: no such
/// conversation.
pub async fn assign(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: ConversationId,
    assignee: Option<UserId>,
    team: Option<TeamId>,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let b = conn.backend();
    let stmt = Query::update()
        .table(Conversations::Table)
        .value(Conversations::AssigneeId, assignee.map(|u| u.uuid()))
        .value(Conversations::TeamId, team.map(|t| t.uuid()))
        .value(Conversations::UpdatedAt, time_value(b, at))
        .and_where(Expr::col(Conversations::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Conversations::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Replaces a conversation's labels.
pub async fn set_labels(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: ConversationId,
    labels: &[String],
) -> Result<(), StoreError> {
    let stmt = Query::delete()
        .from_table(ConversationLabels::Table)
        .and_where(Expr::col(ConversationLabels::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConversationLabels::ConversationId).eq(id.uuid()))
        .to_owned();
    conn.execute(&stmt).await?;
    if labels.is_empty() {
        return Ok(());
    }
    let last = Query::select()
        .column(Conversations::LastMessageAt)
        .from(Conversations::Table)
        .and_where(Expr::col(Conversations::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Conversations::Id).eq(id.uuid()))
        .to_owned();
    let Some((at,)) = conn.fetch_optional::<(OffsetDateTime,), _>(&last).await? else {
        // As the labels' foreign key would have refused them.
        return Err(StoreError::Database(sqlx::Error::RowNotFound));
    };
    let b = conn.backend();
    let mut stmt = Query::insert()
        .into_table(ConversationLabels::Table)
        .columns([
            ConversationLabels::WorkspaceId,
            ConversationLabels::ConversationId,
            ConversationLabels::Label,
            ConversationLabels::LastMessageAt,
        ])
        .to_owned();
    for l in labels {
        stmt.values_panic([
            ws.uuid().into(),
            id.uuid().into(),
            l.as_str().into(),
            time_value(b, at),
        ]);
    }
    conn.execute(&stmt).await.map(drop)
}

/// Marks a conversation read by `user` at `at`.
pub async fn mark_read(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: ConversationId,
    user: UserId,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let stmt = Query::insert()
        .into_table(ConversationReads::Table)
        .columns([
            ConversationReads::WorkspaceId,
            ConversationReads::ConversationId,
            ConversationReads::UserId,
            ConversationReads::ReadAt,
        ])
        .values_panic([
            ws.uuid().into(),
            id.uuid().into(),
            user.uuid().into(),
            time_value(b, at),
        ])
        .on_conflict(
            OnConflict::columns([ConversationReads::ConversationId, ConversationReads::UserId])
                .update_column(ConversationReads::ReadAt)
                .to_owned(),
        )
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Sets where an outbound entry is on its way.
pub async fn set_delivery(
    conn: &mut Conn,
    ws: WorkspaceId,
    entry: EntryId,
    delivery: Delivery,
    error: Option<&str>,
) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(ConversationEntries::Table)
        .value(ConversationEntries::Delivery, delivery.as_str())
        .value(ConversationEntries::DeliveryError, error)
        .and_where(Expr::col(ConversationEntries::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConversationEntries::Id).eq(entry.uuid()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}
