//! `/api/v1/audit-log`.
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiQuery};
use crate::state::AppState;
use crate::users::api::parse_cursor;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vinculo_app::audit;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::ids::UserId;
use vinculo_store::audit::{AuditEntry, AuditFilter};
use vinculo_store::Cursor;

#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    pub actor_user_id: Option<Uuid>,
    pub actor_token_id: Option<Uuid>,
    pub actor: String,
    /// create, update or delete.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// `{field: {before, after}}` for each changed field.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    pub request_id: Option<String>,
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> Self {
        AuditOut {
            id: e.id.uuid(),
            at: e.at,
            actor_user_id: e.actor_user_id.map(UserId::uuid),
            actor_token_id: e.actor_token_id.map(|t| t.uuid()),
            actor: e.actor_label,
            action: e.action.as_str().to_owned(),
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            changes: serde_json::to_value(&e.changes).unwrap_or_default(),
            request_id: e.request_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub data: Vec<AuditOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// One of `customer`, `conversation`, `conversation_note`, `conversation_reply`,
    /// `canned_response`, `mail_channel`, `web_form`, `custom_field`, `saved_view`, `import`,
    /// `duplicate_scan`, `merge_suggestion`, `member`, `user`, `team`, `invite`, `api_token`,
    /// `workspace`.
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<Uuid>,
    /// create, update or delete.
    pub action: Option<String>,
    /// RFC 3339 lower bound (inclusive).
    pub since: Option<String>,
    /// RFC 3339 upper bound (exclusive).
    pub until: Option<String>,
    pub cursor: Option<String>,
    /// 1 to 200 (default 50).
    pub limit: Option<u64>,
}

fn parse_time(field: &str, raw: Option<&str>) -> Result<Option<OffsetDateTime>, ApiError> {
    raw.filter(|s| !s.is_empty())
        .map(|s| {
            OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .or_else(|_| {
                    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
                        .map(|d| d.midnight().assume_utc())
                })
                .map_err(|_| {
                    ApiError::invalid(
                        field,
                        "expected an RFC 3339 time (2026-01-31T09:00:00Z) or a date (2026-01-31)",
                    )
                })
        })
        .transpose()
}

impl AuditParams {
    pub fn filter(&self) -> Result<AuditFilter, ApiError> {
        let action =
            match self.action.as_deref().filter(|s| !s.is_empty()) {
                None => None,
                Some(a) => Some(AuditAction::parse(a).ok_or_else(|| {
                    ApiError::invalid("action", "expected create, update or delete")
                })?),
            };
        Ok(AuditFilter {
            entity_type: self.entity_type.clone().filter(|s| !s.is_empty()),
            entity_id: self.entity_id.clone().filter(|s| !s.is_empty()),
            actor_user_id: self.actor_user_id.map(UserId),
            action,
            since: parse_time("since", self.since.as_deref())?,
            until: parse_time("until", self.until.as_deref())?,
        })
    }
}

/// The audit log, newest first (admins).
#[utoipa::path(get, path = "/audit-log", tag = "audit", params(AuditParams),
    responses((status = 200, body = AuditList), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_audit(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> Result<Json<AuditList>, ApiError> {
    let filter = q.filter()?;
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let page = audit::list(&state.app, &p, &filter, cursor, q.limit.unwrap_or(50)).await?;
    Ok(Json(AuditList {
        next_cursor: page.next.map(Cursor::encode),
        data: page.items.into_iter().map(AuditOut::from).collect(),
    }))
}
