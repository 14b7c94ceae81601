//! The shared inbox's conversations: their rows, the entries (messages and notes) they hold,
//! how a new message finds its thread, and the inbox list.
pub mod canned;
mod inbox;
mod thread;
mod write;

pub use inbox::{inbox, unread_count, Assignee, InboxFilter, InboxRow};
pub use thread::{
    by_message_ids, by_token, conversations_of_message_ids, entries, entry, entry_by_message_id,
};
pub use write::{
    add_entry, assign, insert, mark_read, set_delivery, set_labels, set_status, touch,
    NewConversation, NewEntry,
};

use crate::StoreError;
use sea_query::{Expr, Iden, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::conversations::{Channel, Delivery, EntryKind, Status};
use vinculo_domain::ids::{
    ConversationId, CustomerId, EntryId, InteractionId, MailChannelId, TeamId, UserId, WorkspaceId,
};

#[derive(Iden, Clone, Copy)]
pub(crate) enum Conversations {
    Table,
    Id,
    WorkspaceId,
    CustomerId,
    Channel,
    MailChannelId,
    Subject,
    Status,
    SnoozedUntil,
    AssigneeId,
    TeamId,
    Token,
    LastMessageAt,
    LastInboundAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ConversationEntries {
    Table,
    Id,
    WorkspaceId,
    ConversationId,
    Kind,
    InteractionId,
    MessageId,
    AuthorId,
    Body,
    Delivery,
    DeliveryError,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ConversationLabels {
    Table,
    WorkspaceId,
    ConversationId,
    Label,
    /// The conversation's, copied so that a label's conversations are one index range in
    /// the inbox's order (kept by `touch` and `set_labels`).
    LastMessageAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ConversationReads {
    Table,
    WorkspaceId,
    ConversationId,
    UserId,
    ReadAt,
}

const COLUMNS: [Conversations; 15] = [
    Conversations::Id,
    Conversations::CustomerId,
    Conversations::Channel,
    Conversations::MailChannelId,
    Conversations::Subject,
    Conversations::Status,
    Conversations::SnoozedUntil,
    Conversations::AssigneeId,
    Conversations::TeamId,
    Conversations::Token,
    Conversations::LastMessageAt,
    Conversations::LastInboundAt,
    Conversations::CreatedAt,
    Conversations::UpdatedAt,
    Conversations::WorkspaceId,
];

/// A conversation as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversationRecord {
    pub id: ConversationId,
    pub customer_id: CustomerId,
    pub channel: Channel,
    pub mail_channel_id: Option<MailChannelId>,
    pub subject: String,
    pub status: Status,
    pub snoozed_until: Option<OffsetDateTime>,
    pub assignee_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub token: String,
    pub last_message_at: OffsetDateTime,
    pub last_inbound_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: Uuid,
    customer_id: Uuid,
    channel: String,
    mail_channel_id: Option<Uuid>,
    subject: String,
    status: String,
    snoozed_until: Option<OffsetDateTime>,
    assignee_id: Option<Uuid>,
    team_id: Option<Uuid>,
    token: String,
    last_message_at: OffsetDateTime,
    last_inbound_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<Row> for ConversationRecord {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("conversation {what} {v:?}"));
        Ok(ConversationRecord {
            id: ConversationId(r.id),
            customer_id: CustomerId(r.customer_id),
            channel: Channel::parse(&r.channel).ok_or_else(|| bad("channel", &r.channel))?,
            mail_channel_id: r.mail_channel_id.map(MailChannelId),
            subject: r.subject,
            status: Status::parse(&r.status).ok_or_else(|| bad("status", &r.status))?,
            snoozed_until: r.snoozed_until,
            assignee_id: r.assignee_id.map(UserId),
            team_id: r.team_id.map(TeamId),
            token: r.token,
            last_message_at: r.last_message_at,
            last_inbound_at: r.last_inbound_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A message or a note of a conversation.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryRecord {
    pub id: EntryId,
    pub conversation_id: ConversationId,
    pub kind: EntryKind,
    pub interaction_id: Option<InteractionId>,
    pub message_id: Option<String>,
    pub author_id: Option<UserId>,
    pub body: Option<String>,
    pub delivery: Option<Delivery>,
    pub delivery_error: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
pub(crate) struct EntryRow {
    id: Uuid,
    conversation_id: Uuid,
    kind: String,
    interaction_id: Option<Uuid>,
    message_id: Option<String>,
    author_id: Option<Uuid>,
    body: Option<String>,
    delivery: Option<String>,
    delivery_error: Option<String>,
    created_at: OffsetDateTime,
}

impl TryFrom<EntryRow> for EntryRecord {
    type Error = StoreError;
    fn try_from(r: EntryRow) -> Result<Self, StoreError> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("entry {what} {v:?}"));
        let delivery = match r.delivery.as_deref() {
            None => None,
            Some(d) => Some(Delivery::parse(d).ok_or_else(|| bad("delivery", d))?),
        };
        Ok(EntryRecord {
            id: EntryId(r.id),
            conversation_id: ConversationId(r.conversation_id),
            kind: EntryKind::parse(&r.kind).ok_or_else(|| bad("kind", &r.kind))?,
            interaction_id: r.interaction_id.map(InteractionId),
            message_id: r.message_id,
            author_id: r.author_id.map(UserId),
            body: r.body,
            delivery,
            delivery_error: r.delivery_error,
            created_at: r.created_at,
        })
    }
}

/// One conversation of the workspace.
pub async fn get(
    conn: &mut crate::Conn,
    ws: WorkspaceId,
    id: ConversationId,
) -> Result<Option<ConversationRecord>, StoreError> {
    let stmt = Query::select()
        .columns(COLUMNS)
        .from(Conversations::Table)
        .and_where(Expr::col(Conversations::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Conversations::Id).eq(id.uuid()))
        .to_owned();
    conn.fetch_optional::<Row, _>(&stmt)
        .await?
        .map(ConversationRecord::try_from)
        .transpose()
}

/// The labels of a conversation, in alphabetical order.
pub async fn labels(
    conn: &mut crate::Conn,
    ws: WorkspaceId,
    id: ConversationId,
) -> Result<Vec<String>, StoreError> {
    let stmt = Query::select()
        .column(ConversationLabels::Label)
        .from(ConversationLabels::Table)
        .and_where(Expr::col(ConversationLabels::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ConversationLabels::ConversationId).eq(id.uuid()))
        .order_by(ConversationLabels::Label, sea_query::Order::Asc)
        .to_owned();
    let rows: Vec<(String,)> = conn.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(|(l,)| l).collect())
}
