//! Canned responses: agents keep their own, managers and admins share them with the whole
//! workspace; any of them is rendered for one conversation's customer and the agent asking.
use crate::{audit, now, App, AppError, Principal};
use serde_json::{json, Value};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::conversations::canned::{render as fill, Canned, CannedDraft, Values};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{CannedResponseId, ConversationId, TeamId, UserId};
use vinculo_store::conversations::canned::{self as store, CannedRecord};

/// Whether the actor may write responses shared with everyone: those who run teams
/// (managers and admins) decide what the whole workspace says.
pub fn may_share(actor: &Principal) -> bool {
    actor.can(Area::Service, Access::Write) && actor.can(Area::Teams, Access::Write)
}

/// Whether the actor sees a response: shared ones, and their own.
fn sees(actor: &Principal, r: &CannedRecord) -> bool {
    r.owner_id.is_none_or(|o| o == actor.user_id)
}

/// Whether the actor may change or delete it: their own, or a shared one if they may share.
fn may_change(actor: &Principal, r: &CannedRecord) -> bool {
    match r.owner_id {
        Some(o) => o == actor.user_id,
        None => may_share(actor),
    }
}

fn audited(r: &Canned, owner: Option<UserId>) -> Value {
    json!({
        "name": r.name, "body": r.body, "shortcut": r.shortcut,
        "owner_id": owner.map(|u| u.to_string()),
        "team_id": r.team_id.map(|t| t.to_string()),
    })
}

fn as_canned(r: &CannedRecord) -> Canned {
    Canned {
        name: r.name.clone(),
        body: r.body.clone(),
        shortcut: r.shortcut.clone(),
        shared: r.owner_id.is_none(),
        team_id: r.team_id.map(|t| t.uuid()),
    }
}

/// Checks a draft against the rules and the actor's rights: the owner it will have.
async fn checked(
    conn: &mut vinculo_store::Conn,
    actor: &Principal,
    draft: &CannedDraft,
) -> Result<(Canned, Option<UserId>), AppError> {
    let c = draft.validate().map_err(AppError::InvalidFields)?;
    if c.shared && !may_share(actor) {
        return Err(AppError::invalid(
            "shared",
            "only managers and admins share responses with the workspace",
        ));
    }
    if let Some(t) = c.team_id {
        if vinculo_store::teams::get(conn, actor.workspace_id, TeamId(t))
            .await?
            .is_none()
        {
            return Err(AppError::invalid(
                "team_id",
                "no such team in this workspace",
            ));
        }
    }
    let owner = (!c.shared).then_some(actor.user_id);
    Ok((c, owner))
}

/// A name taken among the shared ones or the actor's own is reported on `name`.
fn on_name(e: vinculo_store::StoreError) -> AppError {
    match AppError::from(e) {
        AppError::Conflict { .. } => AppError::Conflict {
            field: "name".into(),
        },
        other => other,
    }
}

/// The responses the actor sees: the shared ones and their own, by name.
pub async fn list(app: &App, actor: &Principal) -> Result<Vec<CannedRecord>, AppError> {
    actor.require(Area::Service, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(store::visible(&mut conn, actor.workspace_id, actor.user_id).await?)
}

/// One response the actor sees; another agent's private one is not found.
pub async fn get(
    app: &App,
    actor: &Principal,
    id: CannedResponseId,
) -> Result<CannedRecord, AppError> {
    actor.require(Area::Service, Access::Read)?;
    let mut conn = app.db.conn().await?;
    store::get(&mut conn, actor.workspace_id, id)
        .await?
        .filter(|r| sees(actor, r))
        .ok_or(AppError::NotFound("canned response"))
}

/// Saves a new response: private to the actor, or shared (managers and admins).
pub async fn create(
    app: &App,
    actor: &Principal,
    draft: &CannedDraft,
) -> Result<CannedRecord, AppError> {
    actor.require(Area::Service, Access::Write)?;
    let id = CannedResponseId::new();
    let mut tx = app.db.begin().await?;
    let (c, owner) = checked(&mut tx, actor, draft).await?;
    store::insert(
        &mut tx,
        actor.workspace_id,
        id,
        &c,
        owner,
        actor.user_id,
        now(),
    )
    .await
    .map_err(on_name)?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "canned_response",
        id,
        &json!(null),
        &audited(&c, owner),
    )
    .await?;
    let stored = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("canned response"))?;
    tx.commit().await?;
    Ok(stored)
}

/// Replaces a response the actor may change (their own; a shared one if they may share).
pub async fn update(
    app: &App,
    actor: &Principal,
    id: CannedResponseId,
    draft: &CannedDraft,
) -> Result<CannedRecord, AppError> {
    actor.require(Area::Service, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .filter(|r| sees(actor, r))
        .ok_or(AppError::NotFound("canned response"))?;
    if !may_change(actor, &before) {
        return Err(AppError::Forbidden);
    }
    let (c, owner) = checked(&mut tx, actor, draft).await?;
    store::update(&mut tx, actor.workspace_id, id, &c, owner, now())
        .await
        .map_err(on_name)?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "canned_response",
        id,
        &audited(&as_canned(&before), before.owner_id),
        &audited(&c, owner),
    )
    .await?;
    let stored = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("canned response"))?;
    tx.commit().await?;
    Ok(stored)
}

/// Deletes a response the actor may change.
pub async fn delete(app: &App, actor: &Principal, id: CannedResponseId) -> Result<(), AppError> {
    actor.require(Area::Service, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .filter(|r| sees(actor, r))
        .ok_or(AppError::NotFound("canned response"))?;
    if !may_change(actor, &before) {
        return Err(AppError::Forbidden);
    }
    store::delete(&mut tx, actor.workspace_id, id).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Delete,
        "canned_response",
        id,
        &audited(&as_canned(&before), before.owner_id),
        &json!(null),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A response filled in for a conversation: its customer, the calling agent, the workspace.
/// Returns the response and its text.
pub async fn render(
    app: &App,
    actor: &Principal,
    conversation: ConversationId,
    id: CannedResponseId,
) -> Result<(CannedRecord, String), AppError> {
    let thread = super::thread(app, actor, conversation).await?;
    let response = get(app, actor, id).await?;
    let c = &thread.conversation;
    let customer = crate::customers::get(app, actor, c.customer_id, None)
        .await
        .ok();
    let email = customer.as_ref().and_then(|cu| {
        let emails = cu.keys.iter().filter(|k| k.kind == KeyKind::Email);
        emails
            .clone()
            .find(|k| k.primary)
            .or_else(|| emails.clone().next())
            .map(|k| k.display.clone())
    });
    let values = Values {
        customer_given_name: customer.as_ref().and_then(|cu| cu.given_name.clone()),
        customer_family_name: customer.as_ref().and_then(|cu| cu.family_name.clone()),
        customer_display_name: customer.as_ref().map(|cu| cu.display_name.clone()),
        customer_email: email,
        agent_name: Some(actor.user_name.clone()),
        agent_email: Some(actor.email.clone()),
        conversation_token: Some(c.token.clone()),
        conversation_subject: Some(c.subject.clone()),
        workspace_name: Some(actor.workspace_name.clone()),
    };
    let text = fill(&response.body, &values);
    Ok((response, text))
}
