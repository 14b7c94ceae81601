//! Web forms: admins build them (audited, the whole definition in each entry: it holds no
//! personal data), and visitors submit them ([`submit`]).
mod submit;

pub use submit::{submit, Client, Submitted};

use crate::{audit, now, App, AppError, Principal};
use serde_json::{json, Value};
use std::collections::HashMap;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_domain::forms::{Form, FormDraft, Outcome};
use vinculo_domain::ids::FormId;
use vinculo_store::forms::{self as store, FormRecord};
use vinculo_store::Conn;

/// What the audit log keeps of a form.
fn audited(f: &Form) -> Value {
    let (team, mailbox) = match f.outcome {
        Outcome::Conversation { team, mailbox } => (team, mailbox),
        _ => (None, None),
    };
    json!({
        "name": f.name, "slug": f.slug, "language": f.language,
        "fields": f.fields.iter().map(|x| format!("{}{}", x.target.name(), if x.required { " (required)" } else { "" })).collect::<Vec<_>>(),
        "consent": f.consent.as_ref().map(|c| format!("{}/{}", c.channel.as_str(), c.purpose.as_str())),
        "outcome": f.outcome.as_str(),
        "team_id": team.map(|t| t.to_string()),
        "mail_channel_id": mailbox.map(|m| m.to_string()),
        "allowed_origins": f.allowed_origins,
        "redirect_url": f.redirect_url,
        "enabled": f.enabled,
    })
}

/// The draft checked against the workspace: its custom fields, teams and mailboxes.
async fn checked(conn: &mut Conn, actor: &Principal, draft: &FormDraft) -> Result<Form, AppError> {
    let defs = vinculo_store::customers::field_defs(conn, actor.workspace_id).await?;
    let mut issues = match draft.validate(&defs) {
        Ok(f) => return linked(conn, actor, f).await,
        Err(issues) => issues,
    };
    // The team and mailbox are named even when other fields fail, so one answer lists all.
    if let Err(AppError::InvalidFields(more)) = linked_ids(conn, actor, draft).await {
        issues.extend(more);
    }
    Err(AppError::InvalidFields(issues))
}

async fn linked(conn: &mut Conn, actor: &Principal, f: Form) -> Result<Form, AppError> {
    if let Outcome::Conversation { team, mailbox } = f.outcome {
        missing(
            conn,
            actor,
            team.map(|t| t.uuid()),
            mailbox.map(|m| m.uuid()),
        )
        .await?;
    }
    Ok(f)
}

async fn linked_ids(conn: &mut Conn, actor: &Principal, d: &FormDraft) -> Result<(), AppError> {
    missing(conn, actor, d.team_id, d.mail_channel_id).await
}

/// A field error for a team or mailbox that is not in the workspace.
async fn missing(
    conn: &mut Conn,
    actor: &Principal,
    team: Option<uuid::Uuid>,
    mailbox: Option<uuid::Uuid>,
) -> Result<(), AppError> {
    let ws = actor.workspace_id;
    let mut issues = Vec::new();
    if let Some(t) = team {
        if vinculo_store::teams::get(conn, ws, t.into())
            .await?
            .is_none()
        {
            issues.push(FieldIssue::new(
                "team_id",
                Problem::NoSuchTeam(t.to_string()),
            ));
        }
    }
    if let Some(m) = mailbox {
        if vinculo_store::mail_channels::get(conn, ws, m.into())
            .await?
            .is_none()
        {
            issues.push(FieldIssue::new(
                "mail_channel_id",
                Problem::NoSuchMailbox(m.to_string()),
            ));
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(AppError::InvalidFields(issues))
    }
}

/// A slug in use is a conflict on `slug`.
fn slug_taken(e: vinculo_store::StoreError) -> AppError {
    match e.conflict_field() {
        Some(_) => AppError::Conflict {
            field: "slug".into(),
        },
        None => AppError::Store(e),
    }
}

/// Builds a form (admins).
pub async fn create(
    app: &App,
    actor: &Principal,
    draft: &FormDraft,
) -> Result<FormRecord, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let f = checked(&mut tx, actor, draft).await?;
    let id = FormId::new();
    store::insert(&mut tx, actor.workspace_id, id, &f, now())
        .await
        .map_err(slug_taken)?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "web_form",
        id,
        &json!(null),
        &audited(&f),
    )
    .await?;
    let stored = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("form"))?;
    tx.commit().await?;
    Ok(stored)
}

/// Replaces a form's definition (admins). Its address may change: the old one stops working.
pub async fn update(
    app: &App,
    actor: &Principal,
    id: FormId,
    draft: &FormDraft,
) -> Result<FormRecord, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("form"))?;
    let f = checked(&mut tx, actor, draft).await?;
    store::update(&mut tx, actor.workspace_id, id, &f, now())
        .await
        .map_err(slug_taken)?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "web_form",
        id,
        &audited(&before.form),
        &audited(&f),
    )
    .await?;
    let stored = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("form"))?;
    tx.commit().await?;
    Ok(stored)
}

/// The workspace's forms with how many submissions each has had (admins).
pub async fn list(app: &App, actor: &Principal) -> Result<Vec<(FormRecord, u64)>, AppError> {
    actor.require(Area::Workspace, Access::Read)?;
    let mut conn = app.db.conn().await?;
    let counts: HashMap<FormId, u64> =
        store::submission_counts(&mut conn, actor.workspace_id).await?;
    Ok(store::list(&mut conn, actor.workspace_id)
        .await?
        .into_iter()
        .map(|f| {
            let n = counts.get(&f.id).copied().unwrap_or(0);
            (f, n)
        })
        .collect())
}

pub async fn get(app: &App, actor: &Principal, id: FormId) -> Result<FormRecord, AppError> {
    actor.require(Area::Workspace, Access::Read)?;
    let mut conn = app.db.conn().await?;
    store::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("form"))
}

/// Deletes a form (admins): its address stops working; what it collected stays.
pub async fn delete(app: &App, actor: &Principal, id: FormId) -> Result<(), AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("form"))?;
    store::delete(&mut tx, actor.workspace_id, id).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Delete,
        "web_form",
        id,
        &audited(&before.form),
        &json!(null),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The form at a public address, with the workspace's custom fields (to draw its inputs).
/// A disabled form is not found: its page and endpoint answer as if it did not exist.
pub async fn public(
    app: &App,
    slug: &str,
) -> Result<(FormRecord, Vec<vinculo_domain::customers::custom::FieldDef>), AppError> {
    let mut conn = app.db.conn().await?;
    let f = store::by_slug(&mut conn, slug)
        .await?
        .filter(|f| f.form.enabled)
        .ok_or(AppError::NotFound("form"))?;
    let defs = vinculo_store::customers::field_defs(&mut conn, f.workspace_id).await?;
    Ok((f, defs))
}
