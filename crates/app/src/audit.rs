//! Recording and reading the audit log. `record` is called inside the transaction of the
//! change it describes, so the log and the data never disagree.
use crate::{App, AppError, Principal};
use serde_json::Value;
use vinculo_domain::audit::{AuditAction, ChangeSet};
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::ids::AuditId;
use vinculo_store::audit::{AuditEntry, AuditFilter};
use vinculo_store::{Conn, Cursor, Page};

/// Appends one entry; does nothing for an update that changed nothing.
pub async fn record(
    conn: &mut Conn,
    actor: &Principal,
    action: AuditAction,
    entity_type: &str,
    entity_id: impl ToString,
    before: &Value,
    after: &Value,
) -> Result<(), AppError> {
    let changes = match action {
        AuditAction::Create => ChangeSet::created(after),
        AuditAction::Update => ChangeSet::diff(before, after),
        AuditAction::Delete => ChangeSet::deleted(before),
    };
    if action == AuditAction::Update && changes.is_empty() {
        return Ok(());
    }
    let entry = AuditEntry {
        id: AuditId::new(),
        workspace_id: actor.workspace_id,
        // The console operator acts with no user of their own.
        actor_user_id: (!actor.user_id.0.is_nil()).then_some(actor.user_id),
        actor_token_id: actor.token_id(),
        actor_label: actor.label(),
        action,
        entity_type: entity_type.to_owned(),
        entity_id: entity_id.to_string(),
        changes,
        request_id: actor.request_id.clone(),
        at: crate::now(),
    };
    vinculo_store::audit::insert(conn, &entry).await?;
    Ok(())
}

/// Browses the log (admins only), newest first.
pub async fn list(
    app: &App,
    actor: &Principal,
    filter: &AuditFilter,
    before: Option<Cursor>,
    limit: u64,
) -> Result<Page<AuditEntry>, AppError> {
    actor.require(Area::Audit, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(vinculo_store::audit::list(
        &mut conn,
        actor.workspace_id,
        filter,
        before,
        limit.clamp(1, 200),
    )
    .await?)
}
