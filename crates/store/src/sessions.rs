//! Browser sessions. Only the SHA-256 of the cookie's secret is stored.
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::ids::{UserId, WorkspaceId};

#[derive(Iden)]
enum Sessions {
    Table,
    TokenHash,
    UserId,
    WorkspaceId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    UserAgent,
    Ip,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub token_hash: Vec<u8>,
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: Vec<u8>,
    user_id: Uuid,
    workspace_id: Uuid,
    created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    user_agent: Option<String>,
    ip: Option<String>,
}

pub async fn insert(conn: &mut Conn, s: &Session) -> Result<(), StoreError> {
    let stmt = Query::insert()
        .into_table(Sessions::Table)
        .columns([
            Sessions::TokenHash,
            Sessions::UserId,
            Sessions::WorkspaceId,
            Sessions::CreatedAt,
            Sessions::LastSeenAt,
            Sessions::ExpiresAt,
            Sessions::UserAgent,
            Sessions::Ip,
        ])
        .values_panic([
            s.token_hash.clone().into(),
            s.user_id.uuid().into(),
            s.workspace_id.uuid().into(),
            s.created_at.into(),
            s.last_seen_at.into(),
            s.expires_at.into(),
            s.user_agent.clone().into(),
            s.ip.clone().into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// A live (unexpired) session by the hash of its secret.
pub async fn find(
    conn: &mut Conn,
    token_hash: &[u8],
    now: OffsetDateTime,
) -> Result<Option<Session>, StoreError> {
    let stmt = Query::select()
        .columns([
            Sessions::TokenHash,
            Sessions::UserId,
            Sessions::WorkspaceId,
            Sessions::CreatedAt,
            Sessions::LastSeenAt,
            Sessions::ExpiresAt,
            Sessions::UserAgent,
            Sessions::Ip,
        ])
        .from(Sessions::Table)
        .and_where(Expr::col(Sessions::TokenHash).eq(token_hash.to_vec()))
        .and_where(Expr::col(Sessions::ExpiresAt).gt(now))
        .to_owned();
    Ok(conn
        .fetch_optional::<SessionRow, _>(&stmt)
        .await?
        .map(|r| Session {
            token_hash: r.token_hash,
            user_id: UserId(r.user_id),
            workspace_id: WorkspaceId(r.workspace_id),
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
            user_agent: r.user_agent,
            ip: r.ip,
        }))
}

/// Slides a session's expiry forward.
pub async fn touch(
    conn: &mut Conn,
    token_hash: &[u8],
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(Sessions::Table)
        .values([
            (Sessions::LastSeenAt, now.into()),
            (Sessions::ExpiresAt, expires_at.into()),
        ])
        .and_where(Expr::col(Sessions::TokenHash).eq(token_hash.to_vec()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

pub async fn switch_workspace(
    conn: &mut Conn,
    token_hash: &[u8],
    ws: WorkspaceId,
) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(Sessions::Table)
        .value(Sessions::WorkspaceId, ws.uuid())
        .and_where(Expr::col(Sessions::TokenHash).eq(token_hash.to_vec()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

pub async fn delete(conn: &mut Conn, token_hash: &[u8]) -> Result<(), StoreError> {
    let stmt = Query::delete()
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::TokenHash).eq(token_hash.to_vec()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Ends every session of a user but one (after a password change, the others must log in again).
pub async fn delete_for_user_except(
    conn: &mut Conn,
    user: UserId,
    keep: Option<&[u8]>,
) -> Result<u64, StoreError> {
    let mut stmt = Query::delete()
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::UserId).eq(user.uuid()))
        .to_owned();
    if let Some(keep) = keep {
        stmt.and_where(Expr::col(Sessions::TokenHash).ne(keep.to_vec()));
    }
    conn.execute(&stmt).await
}

pub async fn delete_expired(conn: &mut Conn, now: OffsetDateTime) -> Result<u64, StoreError> {
    let stmt = Query::delete()
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::ExpiresAt).lte(now))
        .to_owned();
    conn.execute(&stmt).await
}
