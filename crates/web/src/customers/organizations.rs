//! `/api/v1/organizations`: companies and other bodies, their domains, tax id, industry, size,
//! addresses and phones, and the people linked to them. They are customers too: the record
//! shape, erasure and consent endpoints are those of `/customers`.
use super::api::{
    addresses, on_conflict, points, Address, Contact, CreateParams, Customer, CustomerList,
    ListParams,
};
use super::filters::MoreFilters;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use vinculo_app::customers::{self, Draft, Lists};
use vinculo_domain::customers::{Kind, OrganizationDraft};
use vinculo_domain::ids::CustomerId;

/// An organisation to create, or the fields to change (absent fields stay; a list, when
/// given, replaces the stored one).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct OrganizationIn {
    pub name: Option<String>,
    /// Web domains (`acme.es`; a URL is reduced to its domain). Each names one organisation.
    pub domains: Option<Vec<String>>,
    /// VAT number, CIF/NIF, RFC, CUIT, EIN…
    pub tax_id: Option<String>,
    pub industry: Option<String>,
    /// 1-9, 10-49, 50-249, 250-999, 1000-4999, 5000-9999 or 10000+.
    pub size: Option<String>,
    pub emails: Option<Vec<Contact>>,
    pub phones: Option<Vec<Contact>>,
    pub external_ids: Option<Vec<String>>,
    pub addresses: Option<Vec<Address>>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub owner: Option<String>,
    pub tags: Option<Vec<String>>,
    pub notes: Option<String>,
    /// Custom field values by key, as for a person.
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    /// PATCH only: archive (true) or restore (false).
    pub archived: Option<bool>,
}

impl OrganizationIn {
    fn lists_given(&self) -> Lists {
        Lists {
            emails: self.emails.is_some(),
            phones: self.phones.is_some(),
            external_ids: self.external_ids.is_some(),
            tags: self.tags.is_some(),
            addresses: self.addresses.is_some(),
            organizations: false,
            domains: self.domains.is_some(),
        }
    }

    fn into_draft(self) -> Draft {
        Draft::Organization(OrganizationDraft {
            name: self.name,
            domains: self.domains.unwrap_or_default(),
            tax_id: self.tax_id,
            industry: self.industry,
            size: self.size,
            emails: points(self.emails),
            phones: points(self.phones),
            external_ids: self.external_ids.unwrap_or_default(),
            addresses: addresses(self.addresses),
            language: self.language,
            timezone: self.timezone,
            lifecycle_stage: self.lifecycle_stage,
            owner: self.owner,
            tags: self.tags.unwrap_or_default(),
            notes: self.notes,
            custom_fields: self.custom_fields.unwrap_or_default(),
        })
    }
}

/// Creates an organisation; 201 when new, 200 when merged into the one owning its domain,
/// phone, e-mail or external id (`on_conflict=merge`).
#[utoipa::path(post, path = "/organizations", tag = "organizations", request_body = OrganizationIn, params(CreateParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = Customer), (status = 200, body = Customer, description = "merged"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "identity_conflict: `conflicts` names the owner"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_organization(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<CreateParams>,
    ApiJson(body): ApiJson<OrganizationIn>,
) -> Result<(StatusCode, Json<Customer>), ApiError> {
    let on_conflict = on_conflict(q.on_conflict.as_deref())?;
    if body.archived.is_some() {
        return Err(ApiError::invalid(
            "archived",
            "a new organisation cannot be archived",
        ));
    }
    let (record, created) =
        customers::create(&state.app, &p, body.into_draft(), on_conflict).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(record.into())))
}

/// Organisations, newest first; `q` searches names, domains, tax ids, phones.
#[utoipa::path(get, path = "/organizations", tag = "organizations", params(ListParams, MoreFilters),
    responses((status = 200, body = CustomerList)), security(("bearer" = []), ("session" = [])))]
pub async fn list_organizations(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(mut q): ApiQuery<ListParams>,
    ApiQuery(more): ApiQuery<MoreFilters>,
) -> Result<Json<CustomerList>, ApiError> {
    q.organization = None;
    super::api::list_of(&state, &p, Kind::Organization, q, &more)
        .await
        .map(Json)
}

/// One organisation.
#[utoipa::path(get, path = "/organizations/{id}", tag = "organizations", params(("id" = Uuid, Path)),
    responses((status = 200, body = Customer), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_organization(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Customer>, ApiError> {
    let c = customers::get(&state.app, &p, CustomerId(id), Some(Kind::Organization)).await?;
    Ok(Json(c.into()))
}

/// The people linked to an organisation, newest first.
#[utoipa::path(get, path = "/organizations/{id}/people", tag = "organizations", params(("id" = Uuid, Path), ListParams, MoreFilters),
    responses((status = 200, body = CustomerList), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_people(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(mut q): ApiQuery<ListParams>,
    ApiQuery(more): ApiQuery<MoreFilters>,
) -> Result<Json<CustomerList>, ApiError> {
    customers::get(&state.app, &p, CustomerId(id), Some(Kind::Organization)).await?;
    q.organization = Some(id);
    super::api::list_of(&state, &p, Kind::Person, q, &more)
        .await
        .map(Json)
}

/// Changes an organisation; `archived` archives or restores it.
#[utoipa::path(patch, path = "/organizations/{id}", tag = "organizations", params(("id" = Uuid, Path)), request_body = OrganizationIn,
    responses((status = 200, body = Customer), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn patch_organization(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<OrganizationIn>,
) -> Result<Json<Customer>, ApiError> {
    let lists = body.lists_given();
    let archived = body.archived;
    let record = customers::update(
        &state.app,
        &p,
        CustomerId(id),
        body.into_draft(),
        lists,
        archived,
    )
    .await?;
    Ok(Json(record.into()))
}

/// Erases an organisation for good (admins); its people stay, unlinked.
#[utoipa::path(delete, path = "/organizations/{id}", tag = "organizations", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn erase_organization(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    customers::get(&state.app, &p, CustomerId(id), Some(Kind::Organization)).await?;
    customers::erase(&state.app, &p, CustomerId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
