//! What agents do in the shared inbox: list conversations, open one (which marks it read
//! for them), change its status, assignee, team and labels, and leave internal notes.
use super::Thread;
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{allows, Access, Area};
use vinculo_domain::conversations::{EntryKind, StatusChange};
use vinculo_domain::ids::{ConversationId, EntryId, TeamId, UserId, WorkspaceId};
use vinculo_store::conversations::{self as store, InboxFilter, InboxRow, NewEntry};
use vinculo_store::{Cursor, Page};

/// Labels on one conversation at most, and characters in one.
const MAX_LABELS: usize = 20;
const MAX_LABEL: usize = 40;
/// Characters in a note.
const MAX_NOTE: usize = 10_000;

/// A page of the inbox.
pub async fn list(
    app: &App,
    actor: &Principal,
    filter: &InboxFilter,
    before: Option<&Cursor>,
    limit: u64,
) -> Result<Page<InboxRow>, AppError> {
    actor.require(Area::Service, Access::Read)?;
    if before.is_some_and(|c| !matches!(c.1, Some(vinculo_store::After::Value(_)))) {
        return Err(AppError::invalid(
            "cursor",
            "not a cursor from a previous page of the inbox",
        ));
    }
    let mut conn = app.db.conn().await?;
    Ok(store::inbox(
        &mut conn,
        actor.workspace_id,
        actor.user_id,
        filter,
        before,
        limit.clamp(1, 200),
    )
    .await?)
}

/// Conversations with a customer message the caller has not read (theirs and nobody's).
pub async fn unread(app: &App, actor: &Principal) -> Result<u64, AppError> {
    actor.require(Area::Service, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(store::unread_count(&mut conn, actor.workspace_id, actor.user_id).await?)
}

/// Opens a conversation: its thread, marked read for the caller.
pub async fn open(app: &App, actor: &Principal, id: ConversationId) -> Result<Thread, AppError> {
    let thread = super::thread(app, actor, id).await?;
    let mut tx = app.db.begin().await?;
    store::mark_read(&mut tx, actor.workspace_id, id, actor.user_id, now()).await?;
    tx.commit().await?;
    Ok(thread)
}

/// What an agent changes on a conversation; `None` leaves a part as it is.
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub status: Option<StatusChange>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<UserId>>,
    pub team: Option<Option<TeamId>>,
    pub labels: Option<Vec<String>>,
}

/// Labels as stored: trimmed, lower case, each once, in order.
fn labels(raw: &[String]) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = Vec::new();
    for l in raw {
        let l = l.trim().to_lowercase();
        if l.is_empty() || l.chars().count() > MAX_LABEL {
            return Err(AppError::invalid(
                "labels",
                format!("a label has 1 to {MAX_LABEL} characters"),
            ));
        }
        if !out.contains(&l) {
            out.push(l);
        }
    }
    if out.len() > MAX_LABELS {
        return Err(AppError::invalid(
            "labels",
            format!("at most {MAX_LABELS} labels"),
        ));
    }
    Ok(out)
}

/// Applies an agent's change, audited.
pub async fn change(
    app: &App,
    actor: &Principal,
    id: ConversationId,
    c: &Change,
) -> Result<Thread, AppError> {
    actor.require(Area::Service, Access::Write)?;
    let ws = actor.workspace_id;
    let at = now();
    let mut tx = app.db.begin().await?;
    let before = store::get(&mut tx, ws, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let before_labels = store::labels(&mut tx, ws, id).await?;
    if let Some(s) = c.status {
        let (status, until) = s
            .apply(at)
            .map_err(|e| AppError::invalid("snoozed_until", e.to_string()))?;
        store::set_status(&mut tx, ws, id, status, until, at).await?;
    }
    if c.assignee.is_some() || c.team.is_some() {
        check_team(&mut tx, ws, c.team.flatten()).await?;
        let team = c.team.unwrap_or(before.team_id);
        // Moved to another team without naming an agent: whoever's turn it is there, when
        // that team assigns by turn.
        let moved = c.assignee.is_none() && team.is_some() && team != before.team_id;
        let turn = match team {
            Some(t) if moved => super::turns::assign_by_turn(&mut tx, ws, t).await?,
            _ => None,
        };
        let assignee = turn.or(c.assignee.unwrap_or(before.assignee_id));
        if let Some(u) = assignee {
            let member = vinculo_store::users::member(&mut tx, ws, u).await?;
            let serves = member
                .as_ref()
                .is_some_and(|m| !m.disabled && allows(m.role, Area::Service, Access::Write));
            if !serves {
                return Err(AppError::invalid(
                    "assignee_id",
                    "not an active member who answers customers here",
                ));
            }
        }
        store::assign(&mut tx, ws, id, assignee, team, at).await?;
    }
    if let Some(raw) = &c.labels {
        store::set_labels(&mut tx, ws, id, &labels(raw)?).await?;
    }
    let after = store::get(&mut tx, ws, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let after_labels = store::labels(&mut tx, ws, id).await?;
    let view = |c: &store::ConversationRecord, l: &[String]| {
        json!({
            "status": c.status.as_str(),
            "snoozed_until": c.snoozed_until.map(|t| t.to_string()),
            "assignee_id": c.assignee_id.map(|u| u.to_string()),
            "team_id": c.team_id.map(|t| t.to_string()),
            "labels": l,
        })
    };
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "conversation",
        id,
        &view(&before, &before_labels),
        &view(&after, &after_labels),
    )
    .await?;
    tx.commit().await?;
    super::changed(app, ws, id);
    super::thread(app, actor, id).await
}

/// A team a request names for a conversation must be of its workspace; checked before any
/// turn is taken in it.
async fn check_team(
    conn: &mut vinculo_store::Conn,
    ws: WorkspaceId,
    team: Option<TeamId>,
) -> Result<(), AppError> {
    if let Some(t) = team {
        if vinculo_store::teams::get(conn, ws, t).await?.is_none() {
            return Err(AppError::invalid(
                "team_id",
                "no such team in this workspace",
            ));
        }
    }
    Ok(())
}

/// Gives a conversation to whoever's turn it is in `team` (its current team when `None`),
/// moving it there. Refused on `assignee_id` when there is no one to give it to: no team, a
/// team that does not assign by turn, or nobody active in it who answers customers.
pub async fn assign_by_turn(
    app: &App,
    actor: &Principal,
    id: ConversationId,
    team: Option<TeamId>,
) -> Result<Thread, AppError> {
    actor.require(Area::Service, Access::Write)?;
    let ws = actor.workspace_id;
    let at = now();
    let mut tx = app.db.begin().await?;
    let before = store::get(&mut tx, ws, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    check_team(&mut tx, ws, team).await?;
    let team = team.or(before.team_id);
    let given = match team {
        Some(t) => super::turns::assign_by_turn(&mut tx, ws, t).await?,
        None => None,
    };
    let Some(user) = given else {
        return Err(AppError::invalid(
            "assignee_id",
            "no one to assign by turn: choose a team that assigns by turn and has active agents",
        ));
    };
    store::assign(&mut tx, ws, id, Some(user), team, at).await?;
    let view = |a: Option<UserId>, t: Option<TeamId>| json!({"assignee_id": a.map(|u| u.to_string()), "team_id": t.map(|t| t.to_string()), "by_turn": true});
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "conversation",
        id,
        &view(before.assignee_id, before.team_id),
        &view(Some(user), team),
    )
    .await?;
    tx.commit().await?;
    super::changed(app, ws, id);
    super::thread(app, actor, id).await
}

/// Adds an internal note (never sent to the customer), audited.
pub async fn add_note(
    app: &App,
    actor: &Principal,
    id: ConversationId,
    body: &str,
) -> Result<EntryId, AppError> {
    actor.require(Area::Service, Access::Write)?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_NOTE {
        return Err(AppError::invalid(
            "body",
            format!("a note has 1 to {MAX_NOTE} characters"),
        ));
    }
    let ws = actor.workspace_id;
    let mut tx = app.db.begin().await?;
    if store::get(&mut tx, ws, id).await?.is_none() {
        return Err(AppError::NotFound("conversation"));
    }
    let entry = EntryId::new();
    store::add_entry(
        &mut tx,
        ws,
        &NewEntry {
            id: entry,
            conversation_id: id,
            kind: EntryKind::Note,
            interaction_id: None,
            message_id: None,
            author_id: Some(actor.user_id),
            body: Some(body),
            delivery: None,
            at: now(),
        },
    )
    .await?;
    // The note's text stays in the conversation: the log says that one was written, where,
    // and how long it is.
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "conversation_note",
        entry,
        &json!(null),
        &json!({"conversation_id": id.to_string(), "length": body.chars().count()}),
    )
    .await?;
    tx.commit().await?;
    super::changed(app, ws, id);
    Ok(entry)
}
