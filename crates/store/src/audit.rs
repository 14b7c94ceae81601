//! The audit log: append-only, one row per create/update/delete, written in the same
//! transaction as the change it records.
use crate::page::{Cursor, Page};
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query};
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::audit::{AuditAction, ChangeSet};
use vinculo_domain::ids::{AuditId, TokenId, UserId, WorkspaceId};

#[derive(Iden)]
enum AuditLog {
    Table,
    Id,
    WorkspaceId,
    ActorUserId,
    ActorTokenId,
    ActorLabel,
    Action,
    EntityType,
    EntityId,
    Changes,
    RequestId,
    At,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub id: AuditId,
    pub workspace_id: WorkspaceId,
    pub actor_user_id: Option<UserId>,
    pub actor_token_id: Option<TokenId>,
    /// Who acted, as shown to a reader: "Ana Pérez", "token ci-sync", "cli".
    pub actor_label: String,
    pub action: AuditAction,
    pub entity_type: String,
    pub entity_id: String,
    pub changes: ChangeSet,
    pub request_id: Option<String>,
    pub at: OffsetDateTime,
}

/// What to show of the log.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<UserId>,
    pub action: Option<AuditAction>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    workspace_id: Uuid,
    actor_user_id: Option<Uuid>,
    actor_token_id: Option<Uuid>,
    actor_label: String,
    action: String,
    entity_type: String,
    entity_id: String,
    changes: Json<ChangeSet>,
    request_id: Option<String>,
    at: OffsetDateTime,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> Result<Self, StoreError> {
        Ok(AuditEntry {
            id: AuditId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            actor_user_id: r.actor_user_id.map(UserId),
            actor_token_id: r.actor_token_id.map(TokenId),
            actor_label: r.actor_label,
            action: AuditAction::parse(&r.action)
                .ok_or_else(|| StoreError::Corrupt(format!("audit action {:?}", r.action)))?,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            changes: r.changes.0,
            request_id: r.request_id,
            at: r.at,
        })
    }
}

pub async fn insert(conn: &mut Conn, e: &AuditEntry) -> Result<(), StoreError> {
    let changes =
        serde_json::to_value(&e.changes).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    let stmt = Query::insert()
        .into_table(AuditLog::Table)
        .columns([
            AuditLog::Id,
            AuditLog::WorkspaceId,
            AuditLog::ActorUserId,
            AuditLog::ActorTokenId,
            AuditLog::ActorLabel,
            AuditLog::Action,
            AuditLog::EntityType,
            AuditLog::EntityId,
            AuditLog::Changes,
            AuditLog::RequestId,
            AuditLog::At,
        ])
        .values_panic([
            e.id.uuid().into(),
            e.workspace_id.uuid().into(),
            e.actor_user_id.map(|u| u.uuid()).into(),
            e.actor_token_id.map(|t| t.uuid()).into(),
            e.actor_label.clone().into(),
            e.action.as_str().into(),
            e.entity_type.clone().into(),
            e.entity_id.clone().into(),
            changes.into(),
            e.request_id.clone().into(),
            e.at.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Newest first, `limit` at a time.
pub async fn list(
    conn: &mut Conn,
    ws: WorkspaceId,
    f: &AuditFilter,
    before: Option<Cursor>,
    limit: u64,
) -> Result<Page<AuditEntry>, StoreError> {
    let mut stmt = Query::select()
        .columns([
            AuditLog::Id,
            AuditLog::WorkspaceId,
            AuditLog::ActorUserId,
            AuditLog::ActorTokenId,
            AuditLog::ActorLabel,
            AuditLog::Action,
            AuditLog::EntityType,
            AuditLog::EntityId,
            AuditLog::Changes,
            AuditLog::RequestId,
            AuditLog::At,
        ])
        .from(AuditLog::Table)
        .and_where(Expr::col(AuditLog::WorkspaceId).eq(ws.uuid()))
        .to_owned();
    if let Some(t) = &f.entity_type {
        stmt.and_where(Expr::col(AuditLog::EntityType).eq(t.as_str()));
    }
    if let Some(id) = &f.entity_id {
        stmt.and_where(Expr::col(AuditLog::EntityId).eq(id.as_str()));
    }
    if let Some(u) = f.actor_user_id {
        stmt.and_where(Expr::col(AuditLog::ActorUserId).eq(u.uuid()));
    }
    if let Some(a) = f.action {
        stmt.and_where(Expr::col(AuditLog::Action).eq(a.as_str()));
    }
    if let Some(t) = f.since {
        stmt.and_where(Expr::col(AuditLog::At).gte(t));
    }
    if let Some(t) = f.until {
        stmt.and_where(Expr::col(AuditLog::At).lt(t));
    }
    if let Some(c) = before {
        stmt.and_where(Expr::col(AuditLog::Id).lt(c.0));
    }
    stmt.order_by(AuditLog::Id, Order::Desc).limit(limit + 1);
    let rows = conn.fetch_all::<AuditRow, _>(&stmt).await?;
    let entries = rows
        .into_iter()
        .map(AuditEntry::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(entries, limit, |e| e.id.uuid()))
}

/// Empties the change lists of every entry about one entity (customer erasure keeps the
/// fact that changes happened, not what they were).
pub async fn scrub_entity(
    conn: &mut Conn,
    ws: WorkspaceId,
    entity_type: &str,
    entity_id: &str,
) -> Result<u64, StoreError> {
    let stmt = Query::update()
        .table(AuditLog::Table)
        .value(AuditLog::Changes, serde_json::json!({}))
        .and_where(Expr::col(AuditLog::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(AuditLog::EntityType).eq(entity_type))
        .and_where(Expr::col(AuditLog::EntityId).eq(entity_id))
        .to_owned();
    conn.execute(&stmt).await
}
