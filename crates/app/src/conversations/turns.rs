//! Assignment by turn: a team set to "assign by turn" gives each new conversation that
//! reaches it without an agent to the member who was given one least recently (among the
//! active members whose role answers customers). The times are stored, so the order is fair
//! across restarts and on both backends; see `store::team_turns` for two arrivals at once.
//!
//! Used where a conversation gets a team: a message opening one from a mailbox with a team
//! (`receive`), a web form's submission, and an agent moving one to another team.
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::ids::{MailChannelId, TeamId, UserId, WorkspaceId};
use vinculo_store::{team_turns, Conn};

/// The agent whose turn it is in `team`, recorded as given one now, inside the caller's
/// transaction. `None` when the team does not assign by turn (or has nobody who may serve):
/// the conversation then waits unassigned in the team's queue.
pub async fn assign_by_turn(
    conn: &mut Conn,
    ws: WorkspaceId,
    team: TeamId,
) -> Result<Option<UserId>, AppError> {
    Ok(team_turns::take_turn(conn, ws, team, now()).await?)
}

/// The team and agent of a new conversation arriving through a mailbox: the mailbox's team,
/// and whoever's turn it is there.
pub async fn route_new(
    conn: &mut Conn,
    ws: WorkspaceId,
    mailbox: Option<MailChannelId>,
) -> Result<(Option<TeamId>, Option<UserId>), AppError> {
    let Some(id) = mailbox else {
        return Ok((None, None));
    };
    let team = vinculo_store::mail_channels::get(conn, ws, id)
        .await?
        .and_then(|m| m.team_id);
    match team {
        Some(t) => Ok((Some(t), assign_by_turn(conn, ws, t).await?)),
        None => Ok((None, None)),
    }
}

/// Turns a team's assignment by turn on or off (admins and managers), audited.
pub async fn set_team_by_turn(
    app: &App,
    actor: &Principal,
    team: TeamId,
    on: bool,
) -> Result<(), AppError> {
    actor.require(Area::Teams, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = vinculo_store::teams::get(&mut tx, actor.workspace_id, team)
        .await?
        .ok_or(AppError::NotFound("team"))?;
    if before.assign_by_turn == on {
        return Ok(());
    }
    vinculo_store::teams::set_assign_by_turn(&mut tx, actor.workspace_id, team, on).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "team",
        team,
        &json!({"assign_by_turn": before.assign_by_turn}),
        &json!({"assign_by_turn": on}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
