//! Canned responses: shared with the workspace (no owner) or private to one agent.
use crate::interactions::time_value;
use crate::{Conn, StoreError};
use sea_query::{Cond, Expr, Iden, Order, Query, SimpleExpr};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::conversations::canned::Canned;
use vinculo_domain::ids::{CannedResponseId, TeamId, UserId, WorkspaceId};

#[derive(Iden, Clone, Copy)]
enum CannedResponses {
    Table,
    Id,
    WorkspaceId,
    Name,
    Body,
    Shortcut,
    OwnerId,
    TeamId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

const COLUMNS: [CannedResponses; 10] = [
    CannedResponses::Id,
    CannedResponses::Name,
    CannedResponses::Body,
    CannedResponses::Shortcut,
    CannedResponses::OwnerId,
    CannedResponses::TeamId,
    CannedResponses::CreatedBy,
    CannedResponses::CreatedAt,
    CannedResponses::UpdatedAt,
    CannedResponses::WorkspaceId,
];

/// A stored canned response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CannedRecord {
    pub id: CannedResponseId,
    pub name: String,
    pub body: String,
    pub shortcut: Option<String>,
    /// `None`: shared with the workspace.
    pub owner_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub created_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    body: String,
    shortcut: Option<String>,
    owner_id: Option<Uuid>,
    team_id: Option<Uuid>,
    created_by: Option<Uuid>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl From<Row> for CannedRecord {
    fn from(r: Row) -> Self {
        CannedRecord {
            id: CannedResponseId(r.id),
            name: r.name,
            body: r.body,
            shortcut: r.shortcut,
            owner_id: r.owner_id.map(UserId),
            team_id: r.team_id.map(TeamId),
            created_by: r.created_by.map(UserId),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The columns a writer sets; `owner` none for a shared one.
fn settings(c: &Canned, owner: Option<UserId>) -> Vec<(CannedResponses, SimpleExpr)> {
    vec![
        (CannedResponses::Name, c.name.as_str().into()),
        (CannedResponses::Body, c.body.as_str().into()),
        (CannedResponses::Shortcut, c.shortcut.clone().into()),
        (CannedResponses::OwnerId, owner.map(|u| u.uuid()).into()),
        (CannedResponses::TeamId, c.team_id.into()),
    ]
}

/// Stores a new one. A name already used among the shared ones (or the owner's own) is a
/// `Conflict` on `name`.
pub async fn insert(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CannedResponseId,
    c: &Canned,
    owner: Option<UserId>,
    author: UserId,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let mut cols = vec![
        CannedResponses::Id,
        CannedResponses::WorkspaceId,
        CannedResponses::CreatedBy,
        CannedResponses::CreatedAt,
        CannedResponses::UpdatedAt,
    ];
    let mut values: Vec<SimpleExpr> = vec![
        id.uuid().into(),
        ws.uuid().into(),
        author.uuid().into(),
        time_value(b, at),
        time_value(b, at),
    ];
    for (col, v) in settings(c, owner) {
        cols.push(col);
        values.push(v);
    }
    let stmt = Query::insert()
        .into_table(CannedResponses::Table)
        .columns(cols)
        .values_panic(values)
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Replaces one's fields. False: no such response.
pub async fn update(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CannedResponseId,
    c: &Canned,
    owner: Option<UserId>,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let b = conn.backend();
    let mut values = settings(c, owner);
    values.push((CannedResponses::UpdatedAt, time_value(b, at)));
    let stmt = Query::update()
        .table(CannedResponses::Table)
        .values(values)
        .and_where(Expr::col(CannedResponses::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(CannedResponses::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// One response of the workspace, whoever owns it (the caller checks who may see it).
pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CannedResponseId,
) -> Result<Option<CannedRecord>, StoreError> {
    let stmt = Query::select()
        .columns(COLUMNS)
        .from(CannedResponses::Table)
        .and_where(Expr::col(CannedResponses::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(CannedResponses::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.fetch_optional::<Row, _>(&stmt).await?.map(Into::into))
}

/// What `user` sees: the shared ones and their own, by name.
pub async fn visible(
    conn: &mut Conn,
    ws: WorkspaceId,
    user: UserId,
) -> Result<Vec<CannedRecord>, StoreError> {
    let stmt = Query::select()
        .columns(COLUMNS)
        .from(CannedResponses::Table)
        .and_where(Expr::col(CannedResponses::WorkspaceId).eq(ws.uuid()))
        .cond_where(
            Cond::any()
                .add(Expr::col(CannedResponses::OwnerId).is_null())
                .add(Expr::col(CannedResponses::OwnerId).eq(user.uuid())),
        )
        .order_by(CannedResponses::Name, Order::Asc)
        .order_by(CannedResponses::Id, Order::Asc)
        .to_owned();
    Ok(conn
        .fetch_all::<Row, _>(&stmt)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Removes one. False: no such response.
pub async fn delete(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CannedResponseId,
) -> Result<bool, StoreError> {
    let stmt = Query::delete()
        .from_table(CannedResponses::Table)
        .and_where(Expr::col(CannedResponses::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(CannedResponses::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}
