//! API tokens: named, scoped, stored as a SHA-256 hash (the secret is shown once), revocable.
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query, SelectStatement};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::auth::Scopes;
use vinculo_domain::ids::{TokenId, UserId, WorkspaceId};

#[derive(Iden)]
enum ApiTokens {
    Table,
    Id,
    WorkspaceId,
    UserId,
    Name,
    TokenHash,
    Prefix,
    Scopes,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(Clone, Debug)]
pub struct ApiToken {
    pub id: TokenId,
    pub workspace_id: WorkspaceId,
    pub user_id: UserId,
    pub name: String,
    /// The first characters of the secret, so a person can tell tokens apart.
    pub prefix: String,
    pub scopes: Scopes,
    pub created_by: UserId,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: Uuid,
    workspace_id: Uuid,
    user_id: Uuid,
    name: String,
    prefix: String,
    scopes: String,
    created_by: Uuid,
    created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
}

impl TryFrom<TokenRow> for ApiToken {
    type Error = StoreError;
    fn try_from(r: TokenRow) -> Result<Self, StoreError> {
        Ok(ApiToken {
            id: TokenId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            user_id: UserId(r.user_id),
            name: r.name,
            prefix: r.prefix,
            scopes: Scopes::parse(&r.scopes).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            created_by: UserId(r.created_by),
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
    }
}

fn select() -> SelectStatement {
    Query::select()
        .columns([
            ApiTokens::Id,
            ApiTokens::WorkspaceId,
            ApiTokens::UserId,
            ApiTokens::Name,
            ApiTokens::Prefix,
            ApiTokens::Scopes,
            ApiTokens::CreatedBy,
            ApiTokens::CreatedAt,
            ApiTokens::LastUsedAt,
            ApiTokens::RevokedAt,
        ])
        .from(ApiTokens::Table)
        .to_owned()
}

pub async fn insert(conn: &mut Conn, t: &ApiToken, token_hash: &[u8]) -> Result<(), StoreError> {
    let stmt = Query::insert()
        .into_table(ApiTokens::Table)
        .columns([
            ApiTokens::Id,
            ApiTokens::WorkspaceId,
            ApiTokens::UserId,
            ApiTokens::Name,
            ApiTokens::TokenHash,
            ApiTokens::Prefix,
            ApiTokens::Scopes,
            ApiTokens::CreatedBy,
            ApiTokens::CreatedAt,
        ])
        .values_panic([
            t.id.uuid().into(),
            t.workspace_id.uuid().into(),
            t.user_id.uuid().into(),
            t.name.clone().into(),
            token_hash.to_vec().into(),
            t.prefix.clone().into(),
            t.scopes.to_string().into(),
            t.created_by.uuid().into(),
            t.created_at.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// An unrevoked token by the hash of its secret. Tokens are looked up before the workspace is
/// known (the token names it), so this is the one query here without a workspace parameter.
pub async fn find_live_by_hash(
    conn: &mut Conn,
    token_hash: &[u8],
) -> Result<Option<ApiToken>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(ApiTokens::TokenHash).eq(token_hash.to_vec()))
        .and_where(Expr::col(ApiTokens::RevokedAt).is_null())
        .to_owned();
    conn.fetch_optional::<TokenRow, _>(&stmt)
        .await?
        .map(ApiToken::try_from)
        .transpose()
}

pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: TokenId,
) -> Result<Option<ApiToken>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(ApiTokens::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ApiTokens::Id).eq(id.uuid()))
        .to_owned();
    conn.fetch_optional::<TokenRow, _>(&stmt)
        .await?
        .map(ApiToken::try_from)
        .transpose()
}

/// Every token of a workspace, newest first, revoked ones included (they stay for the record).
pub async fn list(conn: &mut Conn, ws: WorkspaceId) -> Result<Vec<ApiToken>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(ApiTokens::WorkspaceId).eq(ws.uuid()))
        .order_by(ApiTokens::Id, Order::Desc)
        .to_owned();
    conn.fetch_all::<TokenRow, _>(&stmt)
        .await?
        .into_iter()
        .map(ApiToken::try_from)
        .collect()
}

pub async fn revoke(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: TokenId,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let stmt = Query::update()
        .table(ApiTokens::Table)
        .value(ApiTokens::RevokedAt, at)
        .and_where(Expr::col(ApiTokens::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ApiTokens::Id).eq(id.uuid()))
        .and_where(Expr::col(ApiTokens::RevokedAt).is_null())
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

pub async fn touch(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: TokenId,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(ApiTokens::Table)
        .value(ApiTokens::LastUsedAt, at)
        .and_where(Expr::col(ApiTokens::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(ApiTokens::Id).eq(id.uuid()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}
