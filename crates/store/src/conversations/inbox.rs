//! The inbox: conversations filtered by status, channel, assignee, team, label or customer,
//! the most recent activity first, a page at a time; and what is unread for an agent.
//!
//! A page is a range of one of the indexes `(workspace_id, status | assignee_id | team_id,
//! last_message_at, id)`, or `(workspace_id, status, assignee_id, last_message_at, id)`, so
//! it costs the same at 100 conversations or 100,000. Filtered by a label, the page is a range
//! of the label's own index in the same order (`conversation_labels` carries a copy of each
//! conversation's `last_message_at`), read newest first with each conversation looked up by
//! id: gathering the label's conversations and sorting them took 21 ms at 100,000
//! (docs/performance.md, "The inbox list").
use super::{
    ConversationLabels, ConversationReads, ConversationRecord, Conversations, Row, COLUMNS,
};
use crate::customers::Customers;
use crate::interactions::time_value;
use crate::{After, Backend, Conn, Cursor, Page, StoreError};
use sea_query::{Alias, Cond, Expr, JoinType, Order, Query};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use vinculo_domain::conversations::{Channel, Status};
use vinculo_domain::ids::{CustomerId, TeamId, UserId, WorkspaceId};

/// Whose conversations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Assignee {
    #[default]
    Anyone,
    Nobody,
    User(UserId),
}

#[derive(Clone, Debug, Default)]
pub struct InboxFilter {
    pub status: Option<Status>,
    pub channel: Option<Channel>,
    pub assignee: Assignee,
    pub team: Option<TeamId>,
    pub label: Option<String>,
    pub customer: Option<CustomerId>,
}

/// A conversation as the inbox lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct InboxRow {
    pub conversation: ConversationRecord,
    pub customer_name: String,
    /// The customer wrote since the agent last read it.
    pub unread: bool,
    /// Its labels, in alphabetical order.
    pub labels: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    row: Row,
    customer_name: String,
    read_at: Option<OffsetDateTime>,
}

fn unread(c: &ConversationRecord, read_at: Option<OffsetDateTime>) -> bool {
    match (c.last_inbound_at, read_at) {
        (Some(inbound), Some(read)) => inbound > read,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// A page of the inbox for `user` (whose reads decide what is unread).
pub async fn inbox(
    conn: &mut Conn,
    ws: WorkspaceId,
    user: UserId,
    f: &InboxFilter,
    before: Option<&Cursor>,
    limit: u64,
) -> Result<Page<InboxRow>, StoreError> {
    let b = conn.backend();
    let c = Conversations::Table;
    let mut stmt = Query::select()
        .columns(COLUMNS.map(|col| (c, col)))
        .expr_as(
            Expr::col((Customers::Table, Customers::DisplayName)),
            Alias::new("customer_name"),
        )
        .expr_as(
            Expr::col((ConversationReads::Table, ConversationReads::ReadAt)),
            Alias::new("read_at"),
        )
        .to_owned();
    // The order the page is read in: the label's index when filtered by one (its copy of
    // the time equals the conversation's), else the conversation's own columns.
    let l = ConversationLabels::Table;
    let (order_at, order_id) = match &f.label {
        Some(label) => {
            let on =
                Expr::col((l, ConversationLabels::ConversationId)).equals((c, Conversations::Id));
            match b {
                // SQLite's planner, not knowing the two times are equal, preferred walking
                // the status index and sorting every match (18 ms at 100,000 conversations);
                // CROSS JOIN is its documented way to fix the join order: the label's range
                // first, newest first, each conversation looked up by id (under 1 ms).
                Backend::Sqlite => stmt.from(l).join(JoinType::CrossJoin, c, on),
                Backend::Postgres => stmt.from(c).inner_join(l, on),
            };
            stmt.and_where(Expr::col((l, ConversationLabels::WorkspaceId)).eq(ws.uuid()))
                .and_where(Expr::col((l, ConversationLabels::Label)).eq(label.as_str()));
            (
                Expr::col((l, ConversationLabels::LastMessageAt)),
                Expr::col((l, ConversationLabels::ConversationId)),
            )
        }
        None => {
            stmt.from(c);
            (
                Expr::col((c, Conversations::LastMessageAt)),
                Expr::col((c, Conversations::Id)),
            )
        }
    };
    stmt.inner_join(
        Customers::Table,
        Expr::col((Customers::Table, Customers::Id)).equals((c, Conversations::CustomerId)),
    )
    .left_join(
        ConversationReads::Table,
        Expr::col((ConversationReads::Table, ConversationReads::ConversationId))
            .equals((c, Conversations::Id))
            .and(Expr::col((ConversationReads::Table, ConversationReads::UserId)).eq(user.uuid())),
    )
    .and_where(Expr::col((c, Conversations::WorkspaceId)).eq(ws.uuid()));
    if let Some(s) = f.status {
        stmt.and_where(Expr::col((c, Conversations::Status)).eq(s.as_str()));
    }
    if let Some(ch) = f.channel {
        stmt.and_where(Expr::col((c, Conversations::Channel)).eq(ch.as_str()));
    }
    match f.assignee {
        Assignee::Anyone => {}
        Assignee::Nobody => {
            stmt.and_where(Expr::col((c, Conversations::AssigneeId)).is_null());
        }
        Assignee::User(u) => {
            stmt.and_where(Expr::col((c, Conversations::AssigneeId)).eq(u.uuid()));
        }
    }
    if let Some(t) = f.team {
        stmt.and_where(Expr::col((c, Conversations::TeamId)).eq(t.uuid()));
    }
    if let Some(cust) = f.customer {
        stmt.and_where(Expr::col((c, Conversations::CustomerId)).eq(cust.uuid()));
    }
    if let Some(Cursor(id, after)) = before {
        let Some(After::Value(v)) = after else {
            return Err(StoreError::Corrupt("an inbox cursor needs its time".into()));
        };
        let t = OffsetDateTime::parse(v, &Rfc3339)
            .map_err(|_| StoreError::Corrupt("inbox cursor time".into()))?;
        stmt.cond_where(
            Cond::any().add(order_at.clone().lt(time_value(b, t))).add(
                order_at
                    .clone()
                    .eq(time_value(b, t))
                    .and(order_id.clone().lt(*id)),
            ),
        );
    }
    stmt.order_by_expr(order_at.into(), Order::Desc)
        .order_by_expr(order_id.into(), Order::Desc)
        .limit(limit + 1);
    let mut rows = conn
        .fetch_all::<ListRow, _>(&stmt)
        .await?
        .into_iter()
        .map(|r| {
            let conversation = ConversationRecord::try_from(r.row)?;
            Ok(InboxRow {
                unread: unread(&conversation, r.read_at),
                conversation,
                customer_name: r.customer_name,
                labels: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    label_rows(conn, ws, &mut rows).await?;
    let mut page = Page::from_overfetch(rows, limit, |r| r.conversation.id.uuid());
    if let (Some(next), Some(last)) = (page.next.as_mut(), page.items.last()) {
        let t = last
            .conversation
            .last_message_at
            .format(&Rfc3339)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        next.1 = Some(After::Value(t));
    }
    Ok(page)
}

/// Fills in the labels of a page of rows, with one query for the page.
async fn label_rows(
    conn: &mut Conn,
    ws: WorkspaceId,
    rows: &mut [InboxRow],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let l = ConversationLabels::Table;
    let stmt = Query::select()
        .columns([
            ConversationLabels::ConversationId,
            ConversationLabels::Label,
        ])
        .from(l)
        .and_where(Expr::col(ConversationLabels::WorkspaceId).eq(ws.uuid()))
        .and_where(
            Expr::col(ConversationLabels::ConversationId)
                .is_in(rows.iter().map(|r| r.conversation.id.uuid())),
        )
        .order_by(ConversationLabels::Label, Order::Asc)
        .to_owned();
    let found: Vec<(uuid::Uuid, String)> = conn.fetch_all(&stmt).await?;
    for (id, label) in found {
        if let Some(r) = rows.iter_mut().find(|r| r.conversation.id.uuid() == id) {
            r.labels.push(label);
        }
    }
    Ok(())
}

/// Open conversations with a customer message `user` has not read: those assigned to them,
/// and those of nobody.
pub async fn unread_count(
    conn: &mut Conn,
    ws: WorkspaceId,
    user: UserId,
) -> Result<u64, StoreError> {
    let c = Conversations::Table;
    let r = ConversationReads::Table;
    let stmt = Query::select()
        .expr(Expr::col((c, Conversations::Id)).count())
        .from(c)
        .left_join(
            r,
            Expr::col((r, ConversationReads::ConversationId))
                .equals((c, Conversations::Id))
                .and(Expr::col((r, ConversationReads::UserId)).eq(user.uuid())),
        )
        .and_where(Expr::col((c, Conversations::WorkspaceId)).eq(ws.uuid()))
        .and_where(Expr::col((c, Conversations::Status)).eq(Status::Open.as_str()))
        .cond_where(
            Cond::any()
                .add(Expr::col((c, Conversations::AssigneeId)).eq(user.uuid()))
                .add(Expr::col((c, Conversations::AssigneeId)).is_null()),
        )
        .and_where(Expr::col((c, Conversations::LastInboundAt)).is_not_null())
        .cond_where(
            Cond::any()
                .add(Expr::col((r, ConversationReads::ReadAt)).is_null())
                .add(
                    Expr::col((r, ConversationReads::ReadAt))
                        .lt(Expr::col((c, Conversations::LastInboundAt))),
                ),
        )
        .to_owned();
    let (n,): (i64,) = conn.fetch_one(&stmt).await?;
    Ok(n.max(0) as u64)
}
