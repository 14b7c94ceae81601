//! `/api/v1/customers`: people with their identity keys, addresses, organisations, stage,
//! owner and tags. The shapes here are shared with `/api/v1/organizations`.
use super::filters::{refine, MoreFilters};
use crate::error::{ApiError, Problem};
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
use vinculo_app::customers::{self, Draft, Lists, OnConflict};
use vinculo_domain::customers::{AddressDraft, AffiliationDraft, ContactPoint, Kind, PersonDraft};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::CustomerId;
use vinculo_store::customers::{CustomerFilter, CustomerRecord};
use vinculo_store::Cursor;

/// An e-mail or phone of a customer.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Contact {
    /// As typed (`+34 612 34 56 78`). On output, the normalised form is in `normalized`.
    pub value: String,
    /// Normalised key: lowercased e-mail, or E.164 phone (output only).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub primary: bool,
}

/// A postal address.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// "home", "work", "facturación"…
    #[serde(default)]
    pub label: Option<String>,
    /// Street lines.
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// State, province or region.
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 (`ES`).
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub primary: bool,
}

impl From<Address> for AddressDraft {
    fn from(a: Address) -> Self {
        AddressDraft {
            label: a.label,
            street: a.street,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
            primary: a.primary,
        }
    }
}

/// A person's link to an organisation.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Affiliation {
    pub organization_id: String,
    /// The organisation's name (output only).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Role or job title there.
    #[serde(default)]
    pub title: Option<String>,
}

/// A customer: a person or an organisation (`kind`). Organisation-only fields (`domains`,
/// `tax_id`, `industry`, `size`) are empty for people; `organizations` is empty for
/// organisations.
#[derive(Serialize, ToSchema)]
pub struct Customer {
    pub id: Uuid,
    /// `person` or `organization`.
    pub kind: String,
    pub display_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub emails: Vec<Contact>,
    pub phones: Vec<Contact>,
    /// `source:id`, e.g. `erp:C-0042`.
    pub external_ids: Vec<String>,
    pub addresses: Vec<Address>,
    pub organizations: Vec<Affiliation>,
    pub domains: Vec<String>,
    pub tax_id: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthday: Option<String>,
    pub lifecycle_stage: String,
    /// `user:<id>` or `team:<id>`.
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    /// Custom field values by key: text, number, `{"amount": minor units, "currency"}` for
    /// money, `YYYY-MM-DD`, true/false, a choice, a list of choices, or a URL.
    #[schema(value_type = Object)]
    pub custom_fields: BTreeMap<String, serde_json::Value>,
    pub archived: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<CustomerRecord> for Customer {
    fn from(c: CustomerRecord) -> Self {
        let contacts = |kind: KeyKind| {
            c.keys
                .iter()
                .filter(|k| k.kind == kind)
                .map(|k| Contact {
                    value: k.display.clone(),
                    normalized: Some(k.value.clone()),
                    label: k.label.clone(),
                    primary: k.primary,
                })
                .collect()
        };
        let values = |kind: KeyKind| {
            c.keys
                .iter()
                .filter(|k| k.kind == kind)
                .map(|k| k.value.clone())
                .collect()
        };
        Customer {
            id: c.id.uuid(),
            emails: contacts(KeyKind::Email),
            phones: contacts(KeyKind::Phone),
            external_ids: values(KeyKind::External),
            domains: values(KeyKind::Domain),
            addresses: c
                .addresses
                .into_iter()
                .map(|a| Address {
                    label: a.label,
                    street: a.street,
                    city: a.city,
                    region: a.region,
                    postal_code: a.postal_code,
                    country: a.country,
                    primary: a.primary,
                })
                .collect(),
            organizations: c
                .affiliations
                .into_iter()
                .map(|a| Affiliation {
                    organization_id: a.organization.to_string(),
                    name: Some(a.name),
                    title: a.title,
                })
                .collect(),
            tax_id: c.tax_id,
            industry: c.industry,
            size: c.size,
            kind: c.kind.as_str().to_owned(),
            display_name: c.display_name,
            given_name: c.given_name,
            family_name: c.family_name,
            language: c.language,
            timezone: c.timezone,
            birthday: c.birthday.map(|d| d.to_string()),
            lifecycle_stage: c.lifecycle_stage,
            owner: c.owner,
            tags: c.tags,
            notes: c.notes,
            custom_fields: c.custom,
            archived: c.archived_at.is_some(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A person to create, or the fields to change (absent fields stay as they are; a list, when
/// given, replaces the stored one).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PersonIn {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// Defaults to given + family name, else the primary e-mail or phone.
    pub display_name: Option<String>,
    pub emails: Option<Vec<Contact>>,
    /// Without a country code, read in the workspace's country.
    pub phones: Option<Vec<Contact>>,
    pub external_ids: Option<Vec<String>>,
    pub addresses: Option<Vec<Address>>,
    /// Organisations the person belongs to, with a title.
    pub organizations: Option<Vec<Affiliation>>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<String>,
    /// One of the workspace's stages (by default prospect, lead, customer, inactive or
    /// churned; the first is the default).
    pub lifecycle_stage: Option<String>,
    pub owner: Option<String>,
    pub tags: Option<Vec<String>>,
    pub notes: Option<String>,
    /// Custom field values by key (see the custom fields settings), each in its type's JSON
    /// or as text (`"1.250,50"`, `"31/01/2026"`, `"sí"`); null clears one. In a PATCH only
    /// the keys given change.
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<BTreeMap<String, serde_json::Value>>,
    /// PATCH only: archive (true) or restore (false).
    pub archived: Option<bool>,
}

pub(super) fn points(list: Option<Vec<Contact>>) -> Vec<ContactPoint> {
    list.unwrap_or_default()
        .into_iter()
        .map(|c| ContactPoint {
            value: c.value,
            label: c.label,
            primary: c.primary,
        })
        .collect()
}

impl PersonIn {
    /// Which lists the request gives (and so replaces).
    fn lists_given(&self) -> Lists {
        Lists {
            emails: self.emails.is_some(),
            phones: self.phones.is_some(),
            external_ids: self.external_ids.is_some(),
            tags: self.tags.is_some(),
            addresses: self.addresses.is_some(),
            organizations: self.organizations.is_some(),
            domains: false,
        }
    }

    fn into_draft(self) -> PersonDraft {
        PersonDraft {
            given_name: self.given_name,
            family_name: self.family_name,
            display_name: self.display_name,
            emails: points(self.emails),
            phones: points(self.phones),
            external_ids: self.external_ids.unwrap_or_default(),
            addresses: addresses(self.addresses),
            organizations: self
                .organizations
                .unwrap_or_default()
                .into_iter()
                .map(|a| AffiliationDraft {
                    organization_id: a.organization_id,
                    title: a.title,
                })
                .collect(),
            language: self.language,
            timezone: self.timezone,
            birthday: self.birthday,
            lifecycle_stage: self.lifecycle_stage,
            owner: self.owner,
            tags: self.tags.unwrap_or_default(),
            notes: self.notes,
            custom_fields: self.custom_fields.unwrap_or_default(),
        }
    }
}

pub(super) fn addresses(list: Option<Vec<Address>>) -> Vec<AddressDraft> {
    list.unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
}

/// The `on_conflict` query parameter.
pub(super) fn on_conflict(q: Option<&str>) -> Result<OnConflict, ApiError> {
    match q {
        None | Some("reject") => Ok(OnConflict::Reject),
        Some("merge") => Ok(OnConflict::Merge),
        Some(_) => Err(ApiError::invalid("on_conflict", "expected reject or merge")),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreateParams {
    /// `reject` (default): keys that belong to a customer give 409 naming it.
    /// `merge`: that customer is updated instead.
    pub on_conflict: Option<String>,
}

/// Creates a person; 201 when new, 200 when merged into the customer that owns its keys.
#[utoipa::path(post, path = "/customers", tag = "customers", request_body = PersonIn, params(CreateParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = Customer), (status = 200, body = Customer, description = "merged"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "identity_conflict: `conflicts` names the owner"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_customer(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<CreateParams>,
    ApiJson(body): ApiJson<PersonIn>,
) -> Result<(StatusCode, Json<Customer>), ApiError> {
    let on_conflict = on_conflict(q.on_conflict.as_deref())?;
    if body.archived.is_some() {
        return Err(ApiError::invalid(
            "archived",
            "a new customer cannot be archived",
        ));
    }
    let draft = Draft::Person(body.into_draft());
    let (record, created) = customers::create(&state.app, &p, draft, on_conflict).await?;
    Ok((
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(record.into()),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct CustomerList {
    pub data: Vec<Customer>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Search: names without accents or case ("jose nu"), e-mails or their parts, phones in
    /// any spelling ("612 34 56 78", "+34612…", "0034…"), external ids. Prefixes match.
    pub q: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub tag: Option<String>,
    /// `user:<id>` or `team:<id>`.
    pub owner: Option<String>,
    /// People linked to this organisation.
    pub organization: Option<Uuid>,
    /// Include archived customers (default false).
    pub archived: Option<bool>,
    pub cursor: Option<String>,
    /// 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// People, newest first; `q` searches.
#[utoipa::path(get, path = "/customers", tag = "customers", params(ListParams, MoreFilters),
    responses((status = 200, body = CustomerList)), security(("bearer" = []), ("session" = [])))]
pub async fn list_customers(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<ListParams>,
    ApiQuery(more): ApiQuery<MoreFilters>,
) -> Result<Json<CustomerList>, ApiError> {
    list_of(&state, &p, Kind::Person, q, &more).await.map(Json)
}

/// One page of customers of `kind` (shared with the organisations list).
pub(super) async fn list_of(
    state: &AppState,
    p: &vinculo_app::Principal,
    kind: Kind,
    q: ListParams,
    more: &MoreFilters,
) -> Result<CustomerList, ApiError> {
    let mut filter = filter_of(
        q.q.as_deref(),
        q.lifecycle_stage,
        q.tag,
        q.owner,
        q.archived.unwrap_or(false),
    );
    filter.kind = Some(kind);
    filter.organization = q.organization.map(CustomerId);
    refine(&mut filter, more)?;
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let page = customers::list(&state.app, p, &filter, cursor, q.limit.unwrap_or(50)).await?;
    Ok(CustomerList {
        next_cursor: page.next.map(Cursor::encode),
        data: page.items.into_iter().map(Customer::from).collect(),
    })
}

/// One customer.
#[utoipa::path(get, path = "/customers/{id}", tag = "customers", params(("id" = Uuid, Path)),
    responses((status = 200, body = Customer), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_customer(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Customer>, ApiError> {
    let c = customers::get(&state.app, &p, CustomerId(id), Some(Kind::Person)).await?;
    Ok(Json(c.into()))
}

/// Changes a customer; `archived` archives or restores it.
#[utoipa::path(patch, path = "/customers/{id}", tag = "customers", params(("id" = Uuid, Path)), request_body = PersonIn,
    responses((status = 200, body = Customer), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn patch_customer(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PersonIn>,
) -> Result<Json<Customer>, ApiError> {
    let lists = body.lists_given();
    let archived = body.archived;
    let draft = Draft::Person(body.into_draft());
    let record = customers::update(&state.app, &p, CustomerId(id), draft, lists, archived).await?;
    Ok(Json(record.into()))
}

/// Erases a customer for good (GDPR; admins). The audit log keeps that it happened, no data.
#[utoipa::path(delete, path = "/customers/{id}", tag = "customers", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn erase_customer(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    customers::erase(&state.app, &p, CustomerId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One entry of the consent ledger.
#[derive(Serialize, ToSchema)]
pub struct ConsentEntryOut {
    /// email, sms, whatsapp, phone or post.
    pub channel: String,
    /// marketing, surveys or service.
    pub purpose: String,
    /// opted_in, opted_out or unknown.
    pub state: String,
    /// form, import, agent, api, unsubscribe or merge (an opt-out kept by a merge).
    pub source: String,
    pub actor: String,
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
}

/// The current state per channel and purpose, and the ledger behind it (oldest first).
#[derive(Serialize, ToSchema)]
pub struct Consents {
    pub current: Vec<ConsentEntryOut>,
    pub history: Vec<ConsentEntryOut>,
}

pub(crate) fn consents_out(
    ledger: Vec<vinculo_domain::customers::consent::ConsentEntry>,
) -> Consents {
    let current = vinculo_domain::customers::consent::current(&ledger);
    let out = |e: &vinculo_domain::customers::consent::ConsentEntry| ConsentEntryOut {
        channel: e.channel.as_str().into(),
        purpose: e.purpose.as_str().into(),
        state: e.state.as_str().into(),
        source: e.source.as_str().into(),
        actor: e.actor.clone(),
        note: e.note.clone(),
        at: e.at,
    };
    // The entry that set each current state: the last one of its channel and purpose.
    let current = current
        .iter()
        .filter_map(|((ch, pu), c)| {
            ledger
                .iter()
                .rev()
                .find(|e| e.channel == *ch && e.purpose == *pu && e.at == c.since)
                .map(out)
        })
        .collect();
    Consents {
        current,
        history: ledger.iter().map(out).collect(),
    }
}

/// The consent ledger of a customer.
#[utoipa::path(get, path = "/customers/{id}/consents", tag = "customers", params(("id" = Uuid, Path)),
    responses((status = 200, body = Consents), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_consents(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Consents>, ApiError> {
    Ok(Json(consents_out(
        customers::consent_ledger(&state.app, &p, CustomerId(id)).await?,
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentIn {
    pub channel: String,
    pub purpose: String,
    pub state: String,
    /// Default: `api` with a token, `agent` in the UI.
    pub source: Option<String>,
    pub note: Option<String>,
}

/// Records a consent change (the ledger only grows).
#[utoipa::path(post, path = "/customers/{id}/consents", tag = "customers", params(("id" = Uuid, Path)), request_body = ConsentIn,
    responses((status = 201, body = Consents), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn record_consent(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ConsentIn>,
) -> Result<(StatusCode, Json<Consents>), ApiError> {
    let change = customers::ConsentChange {
        channel: body.channel,
        purpose: body.purpose,
        state: body.state,
        source: body.source,
        note: body.note,
    };
    let ledger = customers::record_consent(&state.app, &p, CustomerId(id), change).await?;
    Ok((StatusCode::CREATED, Json(consents_out(ledger))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (default) or `vcard`.
    pub format: Option<String>,
    pub q: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub tag: Option<String>,
    pub owner: Option<String>,
    pub archived: Option<bool>,
}

/// The filter shared by the list, the search box and exports.
pub fn filter_of(
    q: Option<&str>,
    stage: Option<String>,
    tag: Option<String>,
    owner: Option<String>,
    archived: bool,
) -> CustomerFilter {
    CustomerFilter {
        stage: stage.filter(|s| !s.is_empty()).map(|s| s.to_lowercase()),
        tag: tag.filter(|s| !s.is_empty()),
        owner: owner.filter(|s| !s.is_empty()),
        include_archived: archived,
        kind: Some(Kind::Person),
        organization: None,
        search: q
            .map(vinculo_domain::customers::search::query_words)
            .unwrap_or_default(),
        ..CustomerFilter::default()
    }
}

/// Streams the customers matching the filters as CSV or vCard 4.0 (constant memory).
#[utoipa::path(get, path = "/customers/export", tag = "customers", params(ExportParams, MoreFilters),
    responses((status = 200, description = "text/csv or text/vcard", content_type = "text/csv"), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn export_customers(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<ExportParams>,
    ApiQuery(more): ApiQuery<MoreFilters>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    use vinculo_app::exports::{export, Format};
    let format = match q.format.as_deref() {
        None | Some("csv") => Format::Csv,
        Some("vcard" | "vcf") => Format::VCard,
        Some(_) => return Err(ApiError::invalid("format", "expected csv or vcard")),
    };
    // Checked before the stream starts: once bytes flow, the status cannot change.
    p.require(
        vinculo_domain::auth::Area::Customers,
        vinculo_domain::auth::Access::Read,
    )?;
    let mut filter = filter_of(
        q.q.as_deref(),
        q.lifecycle_stage,
        q.tag,
        q.owner,
        q.archived.unwrap_or(false),
    );
    refine(&mut filter, &more)?;
    let filter = customers::checked_filter(&state.app, &p, &filter).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let app = state.app.clone();
    tokio::spawn(async move {
        let sink = |chunk: Vec<u8>| {
            let tx = tx.clone();
            async move { tx.send(Ok(chunk)).await.is_ok() }
        };
        if let Err(e) = export(&app, &p, &filter, format, sink).await {
            tracing::error!(error = ?e, "export failed mid-stream");
            let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
        }
    });
    let (ct, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::VCard => ("text/vcard; charset=utf-8", "vcf"),
    };
    let date = OffsetDateTime::now_utc().date();
    let disposition = format!("attachment; filename=\"customers-{date}.{ext}\"");
    let body = axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx));
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, ct.to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
