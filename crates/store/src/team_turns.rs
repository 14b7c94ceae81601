//! Assignment by turn: whose turn it is in a team that hands out new conversations among its
//! members, and the record of when each member last got one.
//!
//! Safe when two conversations arrive at once: on PostgreSQL the team's row is locked
//! (`SELECT … FOR UPDATE`) for the rest of the caller's transaction, so the second caller
//! waits and then sees the first one's turn taken; SQLite has a single writer, so the
//! caller's write transaction already runs alone.
use crate::interactions::time_value;
use crate::teams::{TeamMembers, Teams};
use crate::users::Memberships;
use crate::{Backend, Conn, StoreError};
use sea_query::{Expr, Iden, OnConflict, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::auth::{allows, Access, Area, Role};
use vinculo_domain::ids::{TeamId, UserId, WorkspaceId};

#[derive(Iden, Clone, Copy)]
enum TeamTurns {
    Table,
    WorkspaceId,
    TeamId,
    UserId,
    LastAssignedAt,
}

/// Whether the team assigns by turn; on PostgreSQL it also locks the team's row until the
/// caller's transaction ends. `None`: no such team.
async fn lock_team(
    conn: &mut Conn,
    ws: WorkspaceId,
    team: TeamId,
) -> Result<Option<bool>, StoreError> {
    let mut stmt = Query::select()
        .column(Teams::AssignByTurn)
        .from(Teams::Table)
        .and_where(Expr::col(Teams::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Teams::Id).eq(team.uuid()))
        .to_owned();
    if conn.backend() == Backend::Postgres {
        stmt.lock(sea_query::LockType::Update);
    }
    Ok(conn
        .fetch_optional::<(bool,), _>(&stmt)
        .await?
        .map(|(on,)| on))
}

/// The team's members who may be given a conversation (active, and a role that answers
/// customers), each with when they last got one by turn.
async fn candidates(
    conn: &mut Conn,
    ws: WorkspaceId,
    team: TeamId,
) -> Result<Vec<(UserId, Option<OffsetDateTime>)>, StoreError> {
    let stmt = Query::select()
        .column((TeamMembers::Table, TeamMembers::UserId))
        .column((Memberships::Table, Memberships::Role))
        .column((TeamTurns::Table, TeamTurns::LastAssignedAt))
        .from(TeamMembers::Table)
        .inner_join(
            Memberships::Table,
            Expr::col((Memberships::Table, Memberships::UserId))
                .equals((TeamMembers::Table, TeamMembers::UserId))
                .and(
                    Expr::col((Memberships::Table, Memberships::WorkspaceId))
                        .equals((TeamMembers::Table, TeamMembers::WorkspaceId)),
                ),
        )
        .left_join(
            TeamTurns::Table,
            Expr::col((TeamTurns::Table, TeamTurns::TeamId))
                .equals((TeamMembers::Table, TeamMembers::TeamId))
                .and(
                    Expr::col((TeamTurns::Table, TeamTurns::UserId))
                        .equals((TeamMembers::Table, TeamMembers::UserId)),
                ),
        )
        .and_where(Expr::col((TeamMembers::Table, TeamMembers::WorkspaceId)).eq(ws.uuid()))
        .and_where(Expr::col((TeamMembers::Table, TeamMembers::TeamId)).eq(team.uuid()))
        .and_where(Expr::col((Memberships::Table, Memberships::Disabled)).eq(false))
        .to_owned();
    let rows: Vec<(Uuid, String, Option<OffsetDateTime>)> = conn.fetch_all(&stmt).await?;
    Ok(rows
        .into_iter()
        .filter(|(_, role, _)| {
            role.parse::<Role>()
                .is_ok_and(|r| allows(r, Area::Service, Access::Write))
        })
        .map(|(id, _, last)| (UserId(id), last))
        .collect())
}

/// Whose turn it is: never given one first, then the one given one longest ago; ties go
/// to the lower user id, so the order is the same on every run.
pub fn next_in_turn(candidates: &[(UserId, Option<OffsetDateTime>)]) -> Option<UserId> {
    candidates
        .iter()
        .min_by_key(|(id, last)| (last.is_some(), *last, *id))
        .map(|(id, _)| *id)
}

/// Gives the next turn of `team`, inside the caller's transaction: the member whose turn it
/// is, now recorded as given one at `at`. `None` when the team does not assign by turn, is
/// not in the workspace, or has nobody who may serve.
pub async fn take_turn(
    conn: &mut Conn,
    ws: WorkspaceId,
    team: TeamId,
    at: OffsetDateTime,
) -> Result<Option<UserId>, StoreError> {
    if lock_team(conn, ws, team).await? != Some(true) {
        return Ok(None);
    }
    let Some(user) = next_in_turn(&candidates(conn, ws, team).await?) else {
        return Ok(None);
    };
    record_turn(conn, ws, team, user, at).await?;
    Ok(Some(user))
}

/// Records that `user` was given a conversation of `team` at `at`.
pub async fn record_turn(
    conn: &mut Conn,
    ws: WorkspaceId,
    team: TeamId,
    user: UserId,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let b = conn.backend();
    let stmt = Query::insert()
        .into_table(TeamTurns::Table)
        .columns([
            TeamTurns::WorkspaceId,
            TeamTurns::TeamId,
            TeamTurns::UserId,
            TeamTurns::LastAssignedAt,
        ])
        .values_panic([
            ws.uuid().into(),
            team.uuid().into(),
            user.uuid().into(),
            time_value(b, at),
        ])
        .on_conflict(
            OnConflict::columns([TeamTurns::TeamId, TeamTurns::UserId])
                .update_column(TeamTurns::LastAssignedAt)
                .to_owned(),
        )
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Each member's last turn in `team`, (user, when), for the team's page.
pub async fn last_turns(
    conn: &mut Conn,
    ws: WorkspaceId,
    team: TeamId,
) -> Result<Vec<(UserId, OffsetDateTime)>, StoreError> {
    let stmt = Query::select()
        .columns([TeamTurns::UserId, TeamTurns::LastAssignedAt])
        .from(TeamTurns::Table)
        .and_where(Expr::col(TeamTurns::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(TeamTurns::TeamId).eq(team.uuid()))
        .to_owned();
    let rows: Vec<(Uuid, OffsetDateTime)> = conn.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(|(u, t)| (UserId(u), t)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_least_recently_given_goes_next_and_the_never_given_first() {
        let (a, b, c) = (
            UserId(Uuid::from_u128(1)),
            UserId(Uuid::from_u128(2)),
            UserId(Uuid::from_u128(3)),
        );
        let early = datetime!(2026-11-23 09:00 UTC);
        let late = datetime!(2026-11-23 10:00 UTC);
        assert_eq!(next_in_turn(&[(a, Some(late)), (b, Some(early))]), Some(b));
        assert_eq!(
            next_in_turn(&[(a, Some(early)), (c, None), (b, None)]),
            Some(b)
        );
        assert_eq!(next_in_turn(&[]), None);
    }
}
