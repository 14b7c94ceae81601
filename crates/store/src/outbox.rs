//! The durable outbox: replies waiting for, or handed to, the SMTP server.
//!
//! A row is written in the transaction that records the reply, so a reply is never lost.
//! Sending is claimed (`sending`, committed) before the SMTP conversation starts; a process
//! that dies during it leaves the row `sending`, which the next start turns `in_doubt`
//! ([`doubt_interrupted`]) instead of sending it again: the customer may already have it.
use crate::interactions::time_value;
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::conversations::Delivery;
use vinculo_domain::ids::{EntryId, MailChannelId, OutboxId, WorkspaceId};

#[derive(Iden, Clone, Copy)]
enum Outbox {
    Table,
    Id,
    WorkspaceId,
    EntryId,
    MailChannelId,
    EnvelopeFrom,
    Recipients,
    Message,
    State,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    SentAt,
}

/// A reply to send.
#[derive(Clone, Debug)]
pub struct NewMail<'a> {
    pub id: OutboxId,
    pub entry_id: EntryId,
    pub mail_channel_id: MailChannelId,
    pub envelope_from: &'a str,
    pub recipients: &'a [String],
    /// The whole RFC 5322 message, built once: a retry sends the same bytes and Message-ID.
    pub message: &'a [u8],
    pub at: OffsetDateTime,
}

pub async fn enqueue(conn: &mut Conn, ws: WorkspaceId, m: &NewMail<'_>) -> Result<(), StoreError> {
    let b = conn.backend();
    let recipients = serde_json::to_string(m.recipients).unwrap_or_else(|_| "[]".into());
    let stmt = Query::insert()
        .into_table(Outbox::Table)
        .columns([
            Outbox::Id,
            Outbox::WorkspaceId,
            Outbox::EntryId,
            Outbox::MailChannelId,
            Outbox::EnvelopeFrom,
            Outbox::Recipients,
            Outbox::Message,
            Outbox::State,
            Outbox::Attempts,
            Outbox::NextAttemptAt,
            Outbox::CreatedAt,
        ])
        .values_panic([
            m.id.uuid().into(),
            ws.uuid().into(),
            m.entry_id.uuid().into(),
            m.mail_channel_id.uuid().into(),
            m.envelope_from.into(),
            recipients.into(),
            m.message.to_vec().into(),
            Delivery::Queued.as_str().into(),
            0i32.into(),
            time_value(b, m.at),
            time_value(b, m.at),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// A reply claimed for sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    pub id: OutboxId,
    pub workspace_id: WorkspaceId,
    pub entry_id: EntryId,
    pub mail_channel_id: MailChannelId,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub message: Vec<u8>,
    /// Attempts before this one.
    pub attempts: u32,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    workspace_id: Uuid,
    entry_id: Uuid,
    mail_channel_id: Uuid,
    envelope_from: String,
    recipients: String,
    message: Vec<u8>,
    attempts: i32,
}

/// The replies due at `now` (queued, or failed and due again), oldest first, at most
/// `limit`; each is marked `sending` in the caller's transaction, which must commit before
/// any is handed to the SMTP server.
pub async fn claim_due(
    conn: &mut Conn,
    now: OffsetDateTime,
    limit: u64,
) -> Result<Vec<Claimed>, StoreError> {
    let b = conn.backend();
    let stmt = Query::select()
        .columns([
            Outbox::Id,
            Outbox::WorkspaceId,
            Outbox::EntryId,
            Outbox::MailChannelId,
            Outbox::EnvelopeFrom,
            Outbox::Recipients,
            Outbox::Message,
            Outbox::Attempts,
        ])
        .from(Outbox::Table)
        .and_where(
            Expr::col(Outbox::State).is_in([Delivery::Queued.as_str(), Delivery::Failed.as_str()]),
        )
        .and_where(Expr::col(Outbox::NextAttemptAt).lte(time_value(b, now)))
        .order_by(Outbox::NextAttemptAt, Order::Asc)
        .limit(limit)
        .to_owned();
    let rows: Vec<Row> = conn.fetch_all(&stmt).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let claim = Query::update()
            .table(Outbox::Table)
            .value(Outbox::State, "sending")
            .and_where(Expr::col(Outbox::Id).eq(r.id))
            .and_where(
                Expr::col(Outbox::State)
                    .is_in([Delivery::Queued.as_str(), Delivery::Failed.as_str()]),
            )
            .to_owned();
        // Another sender (another process on PostgreSQL) took it first.
        if conn.execute(&claim).await? == 0 {
            continue;
        }
        out.push(Claimed {
            id: OutboxId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            entry_id: EntryId(r.entry_id),
            mail_channel_id: MailChannelId(r.mail_channel_id),
            envelope_from: r.envelope_from,
            recipients: serde_json::from_str(&r.recipients)
                .map_err(|_| StoreError::Corrupt("outbox recipients".into()))?,
            message: r.message,
            attempts: r.attempts.max(0) as u32,
        });
    }
    Ok(out)
}

/// Records how an attempt ended, on the row and on its conversation entry. `retry_at`:
/// when a failed reply is tried again.
pub async fn finish(
    conn: &mut Conn,
    ws: WorkspaceId,
    c: &Claimed,
    delivery: Delivery,
    error: Option<&str>,
    retry_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let mut stmt = Query::update()
        .table(Outbox::Table)
        .value(Outbox::State, delivery.as_str())
        .value(
            Outbox::Attempts,
            i32::try_from(c.attempts + 1).unwrap_or(i32::MAX),
        )
        .value(Outbox::LastError, error)
        .and_where(Expr::col(Outbox::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Outbox::Id).eq(c.id.uuid()))
        .to_owned();
    if delivery == Delivery::Sent {
        stmt.value(Outbox::SentAt, time_value(b, now));
    }
    if let Some(t) = retry_at {
        stmt.value(Outbox::NextAttemptAt, time_value(b, t));
    }
    conn.execute(&stmt).await?;
    crate::conversations::set_delivery(conn, ws, c.entry_id, delivery, error).await
}

/// Turns the replies left `sending` by a process that stopped into `in_doubt` (row and
/// entry); returns how many. Run at start, before any sender claims.
pub async fn doubt_interrupted(conn: &mut Conn) -> Result<u64, StoreError> {
    let select = Query::select()
        .columns([Outbox::WorkspaceId, Outbox::EntryId])
        .from(Outbox::Table)
        .and_where(Expr::col(Outbox::State).eq("sending"))
        .to_owned();
    let rows: Vec<(Uuid, Uuid)> = conn.fetch_all(&select).await?;
    for (ws, entry) in &rows {
        crate::conversations::set_delivery(
            conn,
            WorkspaceId(*ws),
            EntryId(*entry),
            Delivery::InDoubt,
            Some("the server stopped while handing this reply to the mail server: it may have been sent"),
        )
        .await?;
    }
    let stmt = Query::update()
        .table(Outbox::Table)
        .value(Outbox::State, Delivery::InDoubt.as_str())
        .and_where(Expr::col(Outbox::State).eq("sending"))
        .to_owned();
    conn.execute(&stmt).await
}

/// Queues again a reply an agent chose to resend (it was in doubt, failed or undeliverable).
/// False: no such reply in a state that can be resent.
pub async fn resend(
    conn: &mut Conn,
    ws: WorkspaceId,
    entry: EntryId,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let b = conn.backend();
    let stmt = Query::update()
        .table(Outbox::Table)
        .value(Outbox::State, Delivery::Queued.as_str())
        .value(Outbox::NextAttemptAt, time_value(b, now))
        .and_where(Expr::col(Outbox::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Outbox::EntryId).eq(entry.uuid()))
        .and_where(Expr::col(Outbox::State).is_in([
            Delivery::InDoubt.as_str(),
            Delivery::Failed.as_str(),
            Delivery::Undeliverable.as_str(),
        ]))
        .to_owned();
    let n = conn.execute(&stmt).await?;
    if n > 0 {
        crate::conversations::set_delivery(conn, ws, entry, Delivery::Queued, None).await?;
    }
    Ok(n > 0)
}
