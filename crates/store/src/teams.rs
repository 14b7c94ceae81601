//! Teams inside a workspace, and who belongs to them. Records (customers, tickets, …) can
//! be owned by a team as well as by a user.
use crate::users::Users;
use crate::{Conn, StoreError};
use sea_query::{Alias, Expr, Iden, Order, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::ids::{TeamId, UserId, WorkspaceId};

#[derive(Iden)]
pub(crate) enum Teams {
    Table,
    Id,
    WorkspaceId,
    Name,
    CreatedAt,
    AssignByTurn,
}

#[derive(Iden)]
pub(crate) enum TeamMembers {
    Table,
    WorkspaceId,
    TeamId,
    UserId,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub member_count: i64,
    pub created_at: OffsetDateTime,
    /// New conversations without an agent go to its members in turn (see `team_turns`).
    pub assign_by_turn: bool,
}

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: Uuid,
    name: String,
    member_count: i64,
    created_at: OffsetDateTime,
    assign_by_turn: bool,
}

impl From<TeamRow> for Team {
    fn from(r: TeamRow) -> Self {
        Team {
            id: TeamId(r.id),
            name: r.name,
            member_count: r.member_count,
            created_at: r.created_at,
            assign_by_turn: r.assign_by_turn,
        }
    }
}

pub async fn insert(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: TeamId,
    name: &str,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let stmt = Query::insert()
        .into_table(Teams::Table)
        .columns([Teams::Id, Teams::WorkspaceId, Teams::Name, Teams::CreatedAt])
        .values_panic([id.uuid().into(), ws.uuid().into(), name.into(), at.into()])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

fn select(ws: WorkspaceId) -> sea_query::SelectStatement {
    let count = Query::select()
        .expr(Expr::col(TeamMembers::UserId).count())
        .from(TeamMembers::Table)
        .and_where(
            Expr::col((TeamMembers::Table, TeamMembers::TeamId)).equals((Teams::Table, Teams::Id)),
        )
        .to_owned();
    Query::select()
        .columns([
            (Teams::Table, Teams::Id),
            (Teams::Table, Teams::Name),
            (Teams::Table, Teams::CreatedAt),
            (Teams::Table, Teams::AssignByTurn),
        ])
        .expr_as(
            sea_query::SimpleExpr::SubQuery(None, Box::new(count.into_sub_query_statement())),
            Alias::new("member_count"),
        )
        .from(Teams::Table)
        .and_where(Expr::col((Teams::Table, Teams::WorkspaceId)).eq(ws.uuid()))
        .to_owned()
}

pub async fn list(conn: &mut Conn, ws: WorkspaceId) -> Result<Vec<Team>, StoreError> {
    let stmt = select(ws)
        .order_by((Teams::Table, Teams::Name), Order::Asc)
        .to_owned();
    Ok(conn
        .fetch_all::<TeamRow, _>(&stmt)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub async fn get(conn: &mut Conn, ws: WorkspaceId, id: TeamId) -> Result<Option<Team>, StoreError> {
    let stmt = select(ws)
        .and_where(Expr::col((Teams::Table, Teams::Id)).eq(id.uuid()))
        .to_owned();
    Ok(conn
        .fetch_optional::<TeamRow, _>(&stmt)
        .await?
        .map(Into::into))
}

pub async fn rename(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: TeamId,
    name: &str,
) -> Result<bool, StoreError> {
    let stmt = Query::update()
        .table(Teams::Table)
        .value(Teams::Name, name)
        .and_where(Expr::col(Teams::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Teams::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Turns assignment by turn on or off.
pub async fn set_assign_by_turn(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: TeamId,
    on: bool,
) -> Result<bool, StoreError> {
    let stmt = Query::update()
        .table(Teams::Table)
        .value(Teams::AssignByTurn, on)
        .and_where(Expr::col(Teams::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Teams::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

pub async fn delete(conn: &mut Conn, ws: WorkspaceId, id: TeamId) -> Result<bool, StoreError> {
    let members = Query::delete()
        .from_table(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(TeamMembers::TeamId).eq(id.uuid()))
        .to_owned();
    conn.execute(&members).await?;
    let stmt = Query::delete()
        .from_table(Teams::Table)
        .and_where(Expr::col(Teams::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Teams::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Replaces a team's members. The caller checks that every user is a workspace member.
pub async fn set_members(
    conn: &mut Conn,
    ws: WorkspaceId,
    team: TeamId,
    users: &[UserId],
) -> Result<(), StoreError> {
    let clear = Query::delete()
        .from_table(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(TeamMembers::TeamId).eq(team.uuid()))
        .to_owned();
    conn.execute(&clear).await?;
    if users.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert()
        .into_table(TeamMembers::Table)
        .columns([
            TeamMembers::WorkspaceId,
            TeamMembers::TeamId,
            TeamMembers::UserId,
        ])
        .to_owned();
    for u in users {
        insert.values_panic([ws.uuid().into(), team.uuid().into(), u.uuid().into()]);
    }
    conn.execute(&insert).await.map(drop)
}

/// Whether the user is in any team of the workspace (one indexed look-up).
pub async fn in_any(conn: &mut Conn, ws: WorkspaceId, user: UserId) -> Result<bool, StoreError> {
    let stmt = Query::select()
        .expr(Expr::val(1))
        .from(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(TeamMembers::UserId).eq(user.uuid()))
        .limit(1)
        .to_owned();
    Ok(conn.fetch_optional::<(i32,), _>(&stmt).await?.is_some())
}

/// (user id, name) of a team's members, by name.
pub async fn members(
    conn: &mut Conn,
    ws: WorkspaceId,
    team: TeamId,
) -> Result<Vec<(UserId, String)>, StoreError> {
    let stmt = Query::select()
        .columns([(Users::Table, Users::Id), (Users::Table, Users::Name)])
        .from(TeamMembers::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id)).equals((TeamMembers::Table, TeamMembers::UserId)),
        )
        .and_where(Expr::col((TeamMembers::Table, TeamMembers::WorkspaceId)).eq(ws.uuid()))
        .and_where(Expr::col((TeamMembers::Table, TeamMembers::TeamId)).eq(team.uuid()))
        .order_by((Users::Table, Users::Name), Order::Asc)
        .to_owned();
    let rows: Vec<(Uuid, String)> = conn.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(|(id, n)| (UserId(id), n)).collect())
}
