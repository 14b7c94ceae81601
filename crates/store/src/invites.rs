//! Invitations: an admin invites an e-mail with a role; the link carries a secret whose hash
//! is stored; accepting creates (or joins) the user.
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query, SelectStatement};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::auth::Role;
use vinculo_domain::ids::{InviteId, UserId, WorkspaceId};

#[derive(Iden)]
enum Invites {
    Table,
    Id,
    WorkspaceId,
    Email,
    Role,
    TokenHash,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
    RevokedAt,
}

#[derive(Clone, Debug)]
pub struct Invite {
    pub id: InviteId,
    pub workspace_id: WorkspaceId,
    pub email: String,
    pub role: Role,
    pub invited_by: UserId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub accepted_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct InviteRow {
    id: Uuid,
    workspace_id: Uuid,
    email: String,
    role: String,
    invited_by: Uuid,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    accepted_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
}

impl TryFrom<InviteRow> for Invite {
    type Error = StoreError;
    fn try_from(r: InviteRow) -> Result<Self, StoreError> {
        Ok(Invite {
            id: InviteId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            email: r.email,
            role: r
                .role
                .parse()
                .map_err(|e: vinculo_domain::auth::RoleError| StoreError::Corrupt(e.to_string()))?,
            invited_by: UserId(r.invited_by),
            created_at: r.created_at,
            expires_at: r.expires_at,
            accepted_at: r.accepted_at,
            revoked_at: r.revoked_at,
        })
    }
}

fn select() -> SelectStatement {
    Query::select()
        .columns([
            Invites::Id,
            Invites::WorkspaceId,
            Invites::Email,
            Invites::Role,
            Invites::InvitedBy,
            Invites::CreatedAt,
            Invites::ExpiresAt,
            Invites::AcceptedAt,
            Invites::RevokedAt,
        ])
        .from(Invites::Table)
        .to_owned()
}

pub async fn insert(conn: &mut Conn, i: &Invite, token_hash: &[u8]) -> Result<(), StoreError> {
    let stmt = Query::insert()
        .into_table(Invites::Table)
        .columns([
            Invites::Id,
            Invites::WorkspaceId,
            Invites::Email,
            Invites::Role,
            Invites::TokenHash,
            Invites::InvitedBy,
            Invites::CreatedAt,
            Invites::ExpiresAt,
        ])
        .values_panic([
            i.id.uuid().into(),
            i.workspace_id.uuid().into(),
            i.email.clone().into(),
            i.role.as_str().into(),
            token_hash.to_vec().into(),
            i.invited_by.uuid().into(),
            i.created_at.into(),
            i.expires_at.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// An open invitation (not accepted, revoked or expired) by the hash of its secret. The link
/// names the workspace through the invitation itself, so no workspace parameter here.
pub async fn find_open_by_hash(
    conn: &mut Conn,
    token_hash: &[u8],
    now: OffsetDateTime,
) -> Result<Option<Invite>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(Invites::TokenHash).eq(token_hash.to_vec()))
        .and_where(Expr::col(Invites::AcceptedAt).is_null())
        .and_where(Expr::col(Invites::RevokedAt).is_null())
        .and_where(Expr::col(Invites::ExpiresAt).gt(now))
        .to_owned();
    conn.fetch_optional::<InviteRow, _>(&stmt)
        .await?
        .map(Invite::try_from)
        .transpose()
}

pub async fn list(conn: &mut Conn, ws: WorkspaceId) -> Result<Vec<Invite>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(Invites::WorkspaceId).eq(ws.uuid()))
        .order_by(Invites::Id, Order::Desc)
        .limit(200)
        .to_owned();
    conn.fetch_all::<InviteRow, _>(&stmt)
        .await?
        .into_iter()
        .map(Invite::try_from)
        .collect()
}

pub async fn mark_accepted(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: InviteId,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let stmt = Query::update()
        .table(Invites::Table)
        .value(Invites::AcceptedAt, at)
        .and_where(Expr::col(Invites::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Invites::Id).eq(id.uuid()))
        .and_where(Expr::col(Invites::AcceptedAt).is_null())
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

pub async fn revoke(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: InviteId,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let stmt = Query::update()
        .table(Invites::Table)
        .value(Invites::RevokedAt, at)
        .and_where(Expr::col(Invites::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Invites::Id).eq(id.uuid()))
        .and_where(Expr::col(Invites::AcceptedAt).is_null())
        .and_where(Expr::col(Invites::RevokedAt).is_null())
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}
