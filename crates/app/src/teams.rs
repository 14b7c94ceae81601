//! Teams: created and staffed by admins and managers, read by everyone who assigns work.
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::ids::{TeamId, UserId};
use vinculo_store::teams::Team;
use vinculo_store::{teams, users};

fn parse_name(raw: &str) -> Result<String, AppError> {
    let s = raw.trim();
    if s.is_empty() || s.chars().count() > 80 {
        return Err(AppError::Invalid {
            field: "name",
            message: "a team name is 1 to 80 characters".into(),
        });
    }
    Ok(s.to_owned())
}

pub async fn list(app: &App, actor: &Principal) -> Result<Vec<Team>, AppError> {
    actor.require(Area::Teams, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(teams::list(&mut conn, actor.workspace_id).await?)
}

/// A team with its members' (id, name).
pub async fn get(
    app: &App,
    actor: &Principal,
    id: TeamId,
) -> Result<(Team, Vec<(UserId, String)>), AppError> {
    actor.require(Area::Teams, Access::Read)?;
    let mut conn = app.db.conn().await?;
    let team = teams::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("team"))?;
    let members = teams::members(&mut conn, actor.workspace_id, id).await?;
    Ok((team, members))
}

pub async fn create(
    app: &App,
    actor: &Principal,
    name: &str,
    members: &[UserId],
) -> Result<Team, AppError> {
    actor.require(Area::Teams, Access::Write)?;
    let name = parse_name(name)?;
    let id = TeamId::new();
    let mut tx = app.db.begin().await?;
    teams::insert(&mut tx, actor.workspace_id, id, &name, now()).await?;
    set_members_checked(&mut tx, actor, id, members).await?;
    let after = json!({"name": name, "members": members.iter().map(ToString::to_string).collect::<Vec<_>>()});
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "team",
        id,
        &json!(null),
        &after,
    )
    .await?;
    let team = teams::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("team"))?;
    tx.commit().await?;
    Ok(team)
}

async fn set_members_checked(
    tx: &mut vinculo_store::Conn,
    actor: &Principal,
    team: TeamId,
    members: &[UserId],
) -> Result<(), AppError> {
    let mut unique: Vec<UserId> = members.to_vec();
    unique.sort();
    unique.dedup();
    for u in &unique {
        // A user of another workspace is reported exactly like one that does not exist.
        if users::member(tx, actor.workspace_id, *u).await?.is_none() {
            return Err(AppError::Invalid {
                field: "members",
                message: format!("user {u} is not a member of this workspace"),
            });
        }
    }
    teams::set_members(tx, actor.workspace_id, team, &unique).await?;
    Ok(())
}

/// Renames a team and/or replaces its members.
pub async fn update(
    app: &App,
    actor: &Principal,
    id: TeamId,
    name: Option<&str>,
    members: Option<&[UserId]>,
) -> Result<Team, AppError> {
    actor.require(Area::Teams, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = teams::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("team"))?;
    let before_members: Vec<String> = teams::members(&mut tx, actor.workspace_id, id)
        .await?
        .into_iter()
        .map(|(u, _)| u.to_string())
        .collect();
    if let Some(name) = name {
        teams::rename(&mut tx, actor.workspace_id, id, &parse_name(name)?).await?;
    }
    if let Some(members) = members {
        set_members_checked(&mut tx, actor, id, members).await?;
    }
    let after = teams::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("team"))?;
    let after_members: Vec<String> = teams::members(&mut tx, actor.workspace_id, id)
        .await?
        .into_iter()
        .map(|(u, _)| u.to_string())
        .collect();
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "team",
        id,
        &json!({"name": before.name, "members": before_members}),
        &json!({"name": after.name, "members": after_members}),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete(app: &App, actor: &Principal, id: TeamId) -> Result<(), AppError> {
    actor.require(Area::Teams, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = teams::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("team"))?;
    teams::delete(&mut tx, actor.workspace_id, id).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Delete,
        "team",
        id,
        &json!({"name": before.name}),
        &json!(null),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
