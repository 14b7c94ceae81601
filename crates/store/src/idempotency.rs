//! Idempotency keys for POST requests: the first request with a key reserves it, its answer
//! is stored, and a retry with the same key and body gets that same answer.
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, OnConflict, Query};
use time::OffsetDateTime;
use vinculo_domain::ids::WorkspaceId;

#[derive(Iden)]
enum IdempotencyKeys {
    Table,
    WorkspaceId,
    Principal,
    IdemKey,
    RequestHash,
    StatusCode,
    ContentType,
    ResponseBody,
    CreatedAt,
}

/// What the caller should do with a request that carries a key.
#[derive(Debug, PartialEq)]
pub enum Reservation {
    /// First time: run the request, then [`complete`] it.
    New,
    /// Already answered: send this again.
    Replay {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    /// The first request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    request_hash: Vec<u8>,
    status_code: Option<i32>,
    content_type: Option<String>,
    response_body: Option<Vec<u8>>,
    created_at: OffsetDateTime,
}

/// A reservation without an answer after this long was orphaned (the process died while the
/// request ran, before answering): a retry may take it over. Requests answer in far less.
const ABANDONED_AFTER: time::Duration = time::Duration::seconds(60);

/// Reserves `key` for this principal, or reports what it was used for.
pub async fn reserve(
    conn: &mut Conn,
    ws: WorkspaceId,
    principal: &str,
    key: &str,
    request_hash: &[u8],
    now: OffsetDateTime,
) -> Result<Reservation, StoreError> {
    // Both backends support ON CONFLICT DO NOTHING; a row count of 1 means we reserved it.
    let insert = Query::insert()
        .into_table(IdempotencyKeys::Table)
        .columns([
            IdempotencyKeys::WorkspaceId,
            IdempotencyKeys::Principal,
            IdempotencyKeys::IdemKey,
            IdempotencyKeys::RequestHash,
            IdempotencyKeys::CreatedAt,
        ])
        .values_panic([
            ws.uuid().into(),
            principal.into(),
            key.into(),
            request_hash.to_vec().into(),
            now.into(),
        ])
        .on_conflict(
            OnConflict::columns([
                IdempotencyKeys::WorkspaceId,
                IdempotencyKeys::Principal,
                IdempotencyKeys::IdemKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .to_owned();
    if conn.execute(&insert).await? == 1 {
        return Ok(Reservation::New);
    }
    let select = Query::select()
        .columns([
            IdempotencyKeys::RequestHash,
            IdempotencyKeys::StatusCode,
            IdempotencyKeys::ContentType,
            IdempotencyKeys::ResponseBody,
            IdempotencyKeys::CreatedAt,
        ])
        .from(IdempotencyKeys::Table)
        .and_where(Expr::col(IdempotencyKeys::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(IdempotencyKeys::Principal).eq(principal))
        .and_where(Expr::col(IdempotencyKeys::IdemKey).eq(key))
        .to_owned();
    let Some(row) = conn.fetch_optional::<KeyRow, _>(&select).await? else {
        return Ok(Reservation::InProgress);
    };
    if row.request_hash != request_hash {
        return Ok(Reservation::Mismatch);
    }
    Ok(match row.status_code {
        None if now - row.created_at > ABANDONED_AFTER => {
            let take_over = Query::update()
                .table(IdempotencyKeys::Table)
                .value(IdempotencyKeys::CreatedAt, now)
                .and_where(Expr::col(IdempotencyKeys::WorkspaceId).eq(ws.uuid()))
                .and_where(Expr::col(IdempotencyKeys::Principal).eq(principal))
                .and_where(Expr::col(IdempotencyKeys::IdemKey).eq(key))
                .and_where(Expr::col(IdempotencyKeys::StatusCode).is_null())
                .and_where(Expr::col(IdempotencyKeys::CreatedAt).eq(row.created_at))
                .to_owned();
            // Only one of several concurrent retries wins the take-over.
            if conn.execute(&take_over).await? == 1 {
                Reservation::New
            } else {
                Reservation::InProgress
            }
        }
        None => Reservation::InProgress,
        Some(status) => Reservation::Replay {
            status: u16::try_from(status).unwrap_or(500),
            content_type: row.content_type,
            body: row.response_body.unwrap_or_default(),
        },
    })
}

/// Stores the answer to a reserved key.
pub async fn complete(
    conn: &mut Conn,
    ws: WorkspaceId,
    principal: &str,
    key: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(IdempotencyKeys::Table)
        .values([
            (IdempotencyKeys::StatusCode, i32::from(status).into()),
            (
                IdempotencyKeys::ContentType,
                content_type.map(str::to_owned).into(),
            ),
            (IdempotencyKeys::ResponseBody, body.to_vec().into()),
        ])
        .and_where(Expr::col(IdempotencyKeys::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(IdempotencyKeys::Principal).eq(principal))
        .and_where(Expr::col(IdempotencyKeys::IdemKey).eq(key))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Frees a reservation whose request failed before answering (so a retry can run).
pub async fn release(
    conn: &mut Conn,
    ws: WorkspaceId,
    principal: &str,
    key: &str,
) -> Result<(), StoreError> {
    let stmt = Query::delete()
        .from_table(IdempotencyKeys::Table)
        .and_where(Expr::col(IdempotencyKeys::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(IdempotencyKeys::Principal).eq(principal))
        .and_where(Expr::col(IdempotencyKeys::IdemKey).eq(key))
        .and_where(Expr::col(IdempotencyKeys::StatusCode).is_null())
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Forgets keys older than `before` (kept 24 hours, as Stripe does).
pub async fn purge(conn: &mut Conn, before: OffsetDateTime) -> Result<u64, StoreError> {
    let stmt = Query::delete()
        .from_table(IdempotencyKeys::Table)
        .and_where(Expr::col(IdempotencyKeys::CreatedAt).lt(before))
        .to_owned();
    conn.execute(&stmt).await
}
