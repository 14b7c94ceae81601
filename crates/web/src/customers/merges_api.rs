//! `POST /api/v1/customers:merge` (merge customers into a survivor, choosing field winners),
//! `GET /api/v1/merges` (the history), `GET /api/v1/merges/{id}`,
//! `POST /api/v1/merges/{id}/undo`, and
//! `POST /api/v1/merge-suggestions/{id}/dismiss`.
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::users::api::parse_cursor;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vinculo_app::customers::{self, MergeCommand};
use vinculo_domain::ids::{CustomerId, MergeId, SuggestionId};
use vinculo_store::merges::MergeRecord;
use vinculo_store::Cursor;

/// Customers to merge into one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeIn {
    /// The customer that stays.
    pub survivor: String,
    /// The customers merged into it and then deleted (1 to 20).
    pub merge: Vec<String>,
    /// Which customer each field comes from: `{"given_name": "<id>", "birthday": "<id>",
    /// "custom_fields.plan": "<id>"}`. A field not named keeps the survivor's value, or the
    /// first merged customer's when the survivor has none. Lists are united.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

impl TryFrom<MergeIn> for MergeCommand {
    type Error = ApiError;
    fn try_from(m: MergeIn) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let mut id = |field: String, raw: &str| match raw.trim().parse::<CustomerId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError {
                    field,
                    code: Some("invalid_customer_id".into()),
                    message: format!("{raw:?} is not a customer id"),
                });
                None
            }
        };
        let survivor = id("survivor".into(), &m.survivor);
        let losers: Vec<Option<CustomerId>> = m
            .merge
            .iter()
            .enumerate()
            .map(|(i, raw)| id(format!("merge[{i}]"), raw))
            .collect();
        match (survivor, losers.into_iter().collect::<Option<Vec<_>>>()) {
            (Some(survivor), Some(losers)) if errors.is_empty() => Ok(MergeCommand {
                survivor,
                losers,
                fields: m.fields,
            }),
            _ => Err(ApiError::invalid_fields(errors)),
        }
    }
}

/// A merge as recorded.
#[derive(Serialize, ToSchema)]
pub struct MergeOut {
    pub id: Uuid,
    pub survivor: Uuid,
    /// The customers merged into the survivor.
    pub merged: Vec<Uuid>,
    /// The field winners chosen.
    pub fields: BTreeMap<String, String>,
    /// `merged`, `undone`, or `erased` (a customer in it was erased; it cannot be undone).
    pub status: String,
    pub merged_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub merged_at: OffsetDateTime,
    pub undone_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub undone_at: Option<OffsetDateTime>,
    /// How many rows moved to the survivor: `interactions`, `consent_events`, `conversations`,
    /// `consents_added` (opt-outs kept), `links` (people of a merged organisation),
    /// `suggestions_resolved`.
    pub moved: BTreeMap<String, u64>,
}

impl From<MergeRecord> for MergeOut {
    fn from(r: MergeRecord) -> Self {
        MergeOut {
            id: r.id.uuid(),
            survivor: r.survivor.uuid(),
            merged: r.losers.iter().map(|l| l.uuid()).collect(),
            fields: r.fields,
            status: r.status,
            merged_by: r.merged_by,
            merged_at: r.merged_at,
            undone_by: r.undone_by,
            undone_at: r.undone_at,
            moved: r.moved.counts,
        }
    }
}

/// Merges customers into a survivor: their identity keys, addresses, tags, organisations,
/// custom values, interactions and consent entries (an opt-out of either side still holds)
/// move to it; they are deleted; the merge is recorded and can be undone exactly. Admins and
/// managers.
#[utoipa::path(post, path = "/customers:merge", tag = "customers", request_body = MergeIn,
    responses((status = 201, body = MergeOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "a customer is not in the workspace (`errors` names it)"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn merge_customers(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<MergeIn>,
) -> Result<(StatusCode, Json<MergeOut>), ApiError> {
    let cmd = MergeCommand::try_from(body)?;
    let rec = customers::merge(&state.app, &p, cmd).await?;
    Ok((StatusCode::CREATED, Json(rec.into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MergeListParams {
    /// Only the merges of this customer: the one that stayed, or one merged into it.
    pub customer: Option<String>,
    pub cursor: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct MergeList {
    pub data: Vec<MergeOut>,
    pub next_cursor: Option<String>,
}

/// The workspace's merges, newest first (undone ones too), or one customer's with
/// `customer`: where a merge is found again to be checked or undone.
#[utoipa::path(get, path = "/merges", tag = "customers", params(MergeListParams),
    responses((status = 200, body = MergeList),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_merges(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<MergeListParams>,
) -> Result<Json<MergeList>, ApiError> {
    let customer = match q
        .customer
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(raw) => Some(raw.parse::<CustomerId>().map_err(|_| {
            ApiError::invalid_fields(vec![FieldError {
                field: "customer".into(),
                code: Some("invalid_customer_id".into()),
                message: format!("{raw:?} is not a customer id"),
            }])
        })?),
    };
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let page = customers::merge_history(
        &state.app,
        &p,
        customer,
        cursor.as_ref(),
        q.limit.unwrap_or(50),
    )
    .await?;
    Ok(Json(MergeList {
        next_cursor: page.next.map(Cursor::encode),
        data: page.items.into_iter().map(MergeOut::from).collect(),
    }))
}

/// One merge.
#[utoipa::path(get, path = "/merges/{id}", tag = "customers", params(("id" = Uuid, Path)),
    responses((status = 200, body = MergeOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_merge(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<MergeOut>, ApiError> {
    Ok(Json(
        customers::get_merge(&state.app, &p, MergeId(id))
            .await?
            .into(),
    ))
}

/// Undoes a merge exactly: the merged customers come back under their own ids with every
/// row, the survivor as it was before; interactions recorded after the merge stay with the
/// survivor. 409 (`cannot_undo`, saying why) when that can no longer be exact.
#[utoipa::path(post, path = "/merges/{id}/undo", tag = "customers", params(("id" = Uuid, Path)),
    responses((status = 200, body = MergeOut),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn undo_merge(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<MergeOut>, ApiError> {
    Ok(Json(
        customers::undo(&state.app, &p, MergeId(id)).await?.into(),
    ))
}

/// Dismisses an open merge suggestion (the two are not one person).
#[utoipa::path(post, path = "/merge-suggestions/{id}/dismiss", tag = "interactions", params(("id" = Uuid, Path)),
    responses((status = 204),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "not open")),
    security(("bearer" = []), ("session" = [])))]
pub async fn dismiss_suggestion(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    vinculo_app::interactions::dismiss_suggestion(&state.app, &p, SuggestionId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
