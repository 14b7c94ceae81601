//! Saved views of the customer lists: a user names the filters and sort they are looking at,
//! for themselves or (managers and admins) shared with the workspace.
use crate::{audit, now, App, AppError, Principal};
use serde_json::{json, Value};
use uuid::Uuid;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area, Role};
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_store::customers::{self as store, SavedView};

/// The lists that have views.
pub const LISTS: [&str; 2] = ["customers", "organizations"];

/// The views of `list` the user sees: their own and the shared ones.
pub async fn saved_views(
    app: &App,
    actor: &Principal,
    list: &str,
) -> Result<Vec<SavedView>, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(store::views(&mut conn, actor.workspace_id, actor.user_id, list).await?)
}

fn may_share(actor: &Principal) -> bool {
    matches!(actor.role, Role::Admin | Role::Manager)
}

/// What the audit log keeps of a view: all of it (a query string of filters, no secret).
fn audited(v: &SavedView) -> Value {
    json!({
        "name": v.name, "list": v.list, "query": v.query, "shared": v.shared,
        "user_id": v.user_id.to_string(),
    })
}

/// Saves a view, audited. `query` is the list's query string; a cursor in it is dropped (a view shows
/// the list from its start).
pub async fn save_view(
    app: &App,
    actor: &Principal,
    list: &str,
    name: &str,
    query: &str,
    shared: bool,
) -> Result<SavedView, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut issues = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        issues.push(FieldIssue::new("name", Problem::ViewName { max: 80 }));
    }
    if !LISTS.contains(&list) {
        issues.push(FieldIssue::new("list", Problem::NotOneOf(LISTS.join(", "))));
    }
    if query.len() > 4_000 {
        issues.push(FieldIssue::new("query", Problem::TooLong { max: 4_000 }));
    }
    if shared && !may_share(actor) {
        return Err(AppError::Forbidden);
    }
    if !issues.is_empty() {
        return Err(AppError::InvalidFields(issues));
    }
    let query = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("cursor=") && !p.starts_with("_csrf="))
        .collect::<Vec<_>>()
        .join("&");
    let view = SavedView {
        id: Uuid::now_v7(),
        user_id: actor.user_id.0,
        list: list.to_owned(),
        name: name.to_owned(),
        query,
        shared,
        created_at: now(),
    };
    let mut tx = app.db.begin().await?;
    store::insert_view(&mut tx, actor.workspace_id, &view).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "saved_view",
        view.id,
        &json!(null),
        &audited(&view),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// Deletes a view (audited): its author's, or a shared one by a manager or admin.
pub async fn delete_view(app: &App, actor: &Principal, id: Uuid) -> Result<(), AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut tx = app.db.begin().await?;
    let view = store::view(&mut tx, actor.workspace_id, id)
        .await?
        .filter(|v| v.user_id == actor.user_id.0 || v.shared)
        .ok_or(AppError::NotFound("view"))?;
    if view.user_id != actor.user_id.0 && !may_share(actor) {
        return Err(AppError::Forbidden);
    }
    store::delete_view(&mut tx, actor.workspace_id, id).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Delete,
        "saved_view",
        id,
        &audited(&view),
        &json!(null),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
