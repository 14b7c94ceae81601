//! Custom field definitions as `/api/v1/settings/custom-fields`, and saved views as
//! `/api/v1/views`.
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vinculo_app::customers::{self, FieldChange};
use vinculo_domain::customers::custom::{FieldDef, FieldDefDraft};
use vinculo_store::customers::SavedView;

#[derive(Serialize, ToSchema)]
pub struct CustomField {
    pub id: Uuid,
    /// The name in `custom_fields`, filters (`cf.KEY`), sorts and CSV headers.
    pub key: String,
    pub label: String,
    /// text, number, money, date, boolean, select, multi_select or url.
    pub field_type: String,
    /// person, organization or both.
    pub applies_to: String,
    /// Select and multi select choices, in display order.
    pub options: Vec<String>,
    /// Money: ISO 4217 code.
    pub currency: Option<String>,
}

impl From<FieldDef> for CustomField {
    fn from(d: FieldDef) -> Self {
        CustomField {
            id: d.id,
            key: d.key,
            label: d.label,
            field_type: d.field_type.as_str().to_owned(),
            applies_to: d.applies_to.as_str().to_owned(),
            options: d.options,
            currency: d.currency,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CustomFieldList {
    pub data: Vec<CustomField>,
}

/// A field to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldIn {
    pub label: String,
    /// Lowercase letters, digits and `_`; made from the label when absent.
    pub key: Option<String>,
    /// text, number, money, date, boolean, select, multi_select or url.
    pub field_type: String,
    /// person (default), organization or both.
    pub applies_to: Option<String>,
    pub options: Option<Vec<String>>,
    /// Money only; EUR when absent.
    pub currency: Option<String>,
}

/// What to change in a field: its label, its choices. Key, type and kinds never change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldPatch {
    pub label: Option<String>,
    /// The whole list; a choice customers have cannot be removed (422).
    pub options: Option<Vec<String>>,
}

/// The workspace's custom fields, in display order.
#[utoipa::path(get, path = "/settings/custom-fields", tag = "customers",
    responses((status = 200, body = CustomFieldList)), security(("bearer" = []), ("session" = [])))]
pub async fn list_fields(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<CustomFieldList>, ApiError> {
    let defs = customers::custom_fields(&state.app, &p).await?;
    Ok(Json(CustomFieldList {
        data: defs.into_iter().map(Into::into).collect(),
    }))
}

/// Adds a custom field (admins).
#[utoipa::path(post, path = "/settings/custom-fields", tag = "customers", request_body = CustomFieldIn,
    responses((status = 201, body = CustomField), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_field(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<CustomFieldIn>,
) -> Result<(StatusCode, Json<CustomField>), ApiError> {
    let draft = FieldDefDraft {
        key: body.key,
        label: Some(body.label),
        field_type: Some(body.field_type),
        applies_to: body.applies_to,
        options: body.options,
        currency: body.currency,
    };
    let def = customers::create_field(&state.app, &p, &draft).await?;
    Ok((StatusCode::CREATED, Json(def.into())))
}

/// Renames a custom field or changes its choices (admins).
#[utoipa::path(patch, path = "/settings/custom-fields/{id}", tag = "customers", params(("id" = Uuid, Path)),
    request_body = CustomFieldPatch,
    responses((status = 200, body = CustomField), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn patch_field(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CustomFieldPatch>,
) -> Result<Json<CustomField>, ApiError> {
    let change = FieldChange {
        label: body.label,
        options: body.options,
    };
    Ok(Json(
        customers::update_field(&state.app, &p, id, change)
            .await?
            .into(),
    ))
}

/// Removes a custom field and every customer's value of it (admins).
#[utoipa::path(delete, path = "/settings/custom-fields/{id}", tag = "customers", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete_field(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    customers::delete_field(&state.app, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct View {
    pub id: Uuid,
    /// customers or organizations.
    pub list: String,
    pub name: String,
    /// The list's query string: `lifecycle_stage=lead&sort=-updated&cf.plan=Oro`.
    pub query: String,
    /// Seen by the whole workspace.
    pub shared: bool,
    /// Saved by the caller.
    pub mine: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

fn view_out(v: SavedView, me: Uuid) -> View {
    View {
        mine: v.user_id == me,
        id: v.id,
        list: v.list,
        name: v.name,
        query: v.query,
        shared: v.shared,
        created_at: v.created_at,
    }
}

#[derive(Serialize, ToSchema)]
pub struct ViewList {
    pub data: Vec<View>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewParams {
    /// customers (default) or organizations.
    pub list: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewIn {
    /// customers (default) or organizations.
    pub list: Option<String>,
    pub name: String,
    pub query: String,
    /// Share with the workspace (managers and admins).
    #[serde(default)]
    pub shared: bool,
}

/// The caller's saved views of a list, and the shared ones.
#[utoipa::path(get, path = "/views", tag = "customers", params(ViewParams),
    responses((status = 200, body = ViewList)), security(("bearer" = []), ("session" = [])))]
pub async fn list_views(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<ViewParams>,
) -> Result<Json<ViewList>, ApiError> {
    let list = q.list.as_deref().unwrap_or("customers");
    let views = customers::saved_views(&state.app, &p, list).await?;
    let me = p.user_id.0;
    Ok(Json(ViewList {
        data: views.into_iter().map(|v| view_out(v, me)).collect(),
    }))
}

/// Saves a view of a list.
#[utoipa::path(post, path = "/views", tag = "customers", request_body = ViewIn,
    responses((status = 201, body = View), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_view(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<ViewIn>,
) -> Result<(StatusCode, Json<View>), ApiError> {
    let list = body.list.as_deref().unwrap_or("customers");
    let v =
        customers::save_view(&state.app, &p, list, &body.name, &body.query, body.shared).await?;
    Ok((StatusCode::CREATED, Json(view_out(v, p.user_id.0))))
}

/// Deletes a saved view (its author; a shared one also managers and admins).
#[utoipa::path(delete, path = "/views/{id}", tag = "customers", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete_view(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    customers::delete_view(&state.app, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
