//! Customers (people and organisations), their identity keys, tags, addresses, custom field
//! values and links between people and organisations. Each list lives in its own table so that uniqueness
//! (`identity_keys.value` per workspace) and filtering are plain indexed SQL on both backends.
mod custom;
mod list;
mod matching;
mod merge;
mod one;
mod plan;
mod settings;
mod sorted;
mod views;
mod write;

pub use custom::{delete_field, field_defs, insert_field, update_field, values_count};
pub use list::{list, Sort};
pub use matching::{match_fields, suggest_duplicates, ScoredPair};
pub use one::read;
pub use settings::{set_settings, settings, stage_counts, CustomerSettings};
pub use views::{delete_view, insert_view, view, views, SavedView};

use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query};
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use vinculo_domain::customers::{Kind, PostalAddress};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{CustomerId, WorkspaceId};
pub use write::{insert, insert_many, replace, replace_terms, NewCustomer};

#[derive(Iden, Clone, Copy)]
pub(crate) enum Customers {
    Table,
    Id,
    WorkspaceId,
    Kind,
    DisplayName,
    SortName,
    GivenName,
    FamilyName,
    Language,
    Timezone,
    Birthday,
    TaxId,
    Industry,
    Size,
    LifecycleStage,
    Owner,
    Notes,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

#[derive(Iden, Clone, Copy)]
enum IdentityKeys {
    Table,
    WorkspaceId,
    CustomerId,
    Kind,
    Value,
    Display,
    Label,
    IsPrimary,
    Position,
}

#[derive(Iden, Clone, Copy)]
enum CustomerSearch {
    Table,
    WorkspaceId,
    CustomerId,
    Term,
}

/// The first three characters of a customer's terms (see the list's search plan).
#[derive(Iden, Clone, Copy)]
enum CustomerPrefixes {
    Table,
    WorkspaceId,
    Prefix,
    CustomerId,
}

/// Characters of a term kept in `customer_search_prefix`.
pub(crate) const PREFIX_CHARS: usize = 3;

/// The distinct prefixes of `terms`, for `customer_search_prefix`. Terms are ASCII.
fn prefixes(terms: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = terms
        .iter()
        .filter(|t| t.len() >= PREFIX_CHARS)
        .filter_map(|t| t.get(..PREFIX_CHARS))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[derive(Iden, Clone, Copy)]
enum CustomerAddresses {
    Table,
    WorkspaceId,
    CustomerId,
    Position,
    Label,
    Street,
    City,
    Region,
    PostalCode,
    Country,
    IsPrimary,
}

#[derive(Iden, Clone, Copy)]
enum Affiliations {
    Table,
    WorkspaceId,
    PersonId,
    OrganizationId,
    Title,
    Position,
}

#[derive(Iden, Clone, Copy)]
enum CustomerTags {
    Table,
    WorkspaceId,
    CustomerId,
    Tag,
    Position,
}

/// A stored identity key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredKey {
    pub kind: KeyKind,
    pub value: String,
    pub display: String,
    pub label: Option<String>,
    pub primary: bool,
}

/// A person's link to an organisation, with the organisation's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAffiliation {
    pub organization: CustomerId,
    pub name: String,
    pub title: Option<String>,
}

/// A customer as stored, with keys (in entry order), tags, addresses and (people) links to
/// organisations.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerRecord {
    pub id: CustomerId,
    pub kind: Kind,
    pub display_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<Date>,
    pub tax_id: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub lifecycle_stage: String,
    pub owner: Option<String>,
    pub notes: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub archived_at: Option<OffsetDateTime>,
    pub keys: Vec<StoredKey>,
    pub tags: Vec<String>,
    pub addresses: Vec<PostalAddress>,
    pub affiliations: Vec<StoredAffiliation>,
    /// Custom field values by key, as canonical JSON.
    pub custom: BTreeMap<String, serde_json::Value>,
    /// The display name as the list sorts it (folded).
    pub sort_name: String,
}

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    /// People, organisations, or both (`None`).
    pub kind: Option<Kind>,
    /// People linked to this organisation.
    pub organization: Option<CustomerId>,
    pub stage: Option<String>,
    pub tag: Option<String>,
    pub owner: Option<String>,
    pub include_archived: bool,
    /// Words that must each begin a search term of the customer (see `domain::customers::search`).
    pub search: Vec<String>,
    /// Created at or after / before.
    pub created_from: Option<OffsetDateTime>,
    pub created_until: Option<OffsetDateTime>,
    /// Last changed at or after / before.
    pub updated_from: Option<OffsetDateTime>,
    pub updated_until: Option<OffsetDateTime>,
    /// Customers whose current consent for (channel, purpose) is this state (the latest entry
    /// of their ledger for it; `unknown` also matches customers with no entry).
    pub consent: Option<(String, String, String)>,
    /// Custom field filters as the query gave them (the use case checks them into `custom`).
    pub fields: Vec<vinculo_domain::customers::custom::FieldQuery>,
    /// Checked custom field filters: (field, condition).
    pub custom: Vec<(Uuid, vinculo_domain::customers::custom::Condition)>,
    pub sort: Sort,
}

/// The customers owning any of these keys: (customer, kind, value) per match.
pub async fn owners_of_keys(
    conn: &mut Conn,
    ws: WorkspaceId,
    keys: &[(KeyKind, &str)],
) -> Result<Vec<(CustomerId, KeyKind, String)>, StoreError> {
    let mut out = Vec::new();
    for kind in [
        KeyKind::Email,
        KeyKind::Phone,
        KeyKind::External,
        KeyKind::Domain,
    ] {
        let values: Vec<String> = keys
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, v)| (*v).to_owned())
            .collect();
        if values.is_empty() {
            continue;
        }
        let stmt = Query::select()
            .columns([IdentityKeys::CustomerId, IdentityKeys::Value])
            .from(IdentityKeys::Table)
            .and_where(Expr::col(IdentityKeys::WorkspaceId).eq(ws.uuid()))
            .and_where(Expr::col(IdentityKeys::Kind).eq(kind.as_str()))
            .and_where(Expr::col(IdentityKeys::Value).is_in(values))
            .to_owned();
        let rows: Vec<(Uuid, String)> = conn.fetch_all(&stmt).await?;
        out.extend(rows.into_iter().map(|(c, v)| (CustomerId(c), kind, v)));
    }
    Ok(out)
}

/// The names of those of `ids` that are organisations of the workspace.
pub async fn organization_names(
    conn: &mut Conn,
    ws: WorkspaceId,
    ids: &[CustomerId],
) -> Result<HashMap<CustomerId, String>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let stmt = Query::select()
        .columns([Customers::Id, Customers::DisplayName])
        .from(Customers::Table)
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Customers::Kind).eq(Kind::Organization.as_str()))
        .and_where(Expr::col(Customers::Id).is_in(ids.iter().map(|i| i.uuid())))
        .to_owned();
    let rows: Vec<(Uuid, String)> = conn.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(|(i, n)| (CustomerId(i), n)).collect())
}

/// The organisations of the workspace named exactly one of `names`: (id, name).
pub async fn organizations_named(
    conn: &mut Conn,
    ws: WorkspaceId,
    names: &[String],
) -> Result<Vec<(CustomerId, String)>, StoreError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = Query::select()
        .columns([Customers::Id, Customers::DisplayName])
        .from(Customers::Table)
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Customers::Kind).eq(Kind::Organization.as_str()))
        .and_where(Expr::col(Customers::DisplayName).is_in(names.iter().cloned()))
        .order_by(Customers::Id, Order::Asc)
        .to_owned();
    let rows: Vec<(Uuid, String)> = conn.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(|(i, n)| (CustomerId(i), n)).collect())
}

/// The people linked to an organisation (ids only).
pub async fn people_of(
    conn: &mut Conn,
    ws: WorkspaceId,
    org: CustomerId,
) -> Result<Vec<CustomerId>, StoreError> {
    let stmt = Query::select()
        .column(Affiliations::PersonId)
        .from(Affiliations::Table)
        .and_where(Expr::col(Affiliations::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Affiliations::OrganizationId).eq(org.uuid()))
        .to_owned();
    let rows: Vec<(Uuid,)> = conn.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(|(i,)| CustomerId(i)).collect())
}

pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<Option<CustomerRecord>, StoreError> {
    one::get(conn, ws, id).await
}

/// Whether the customer exists in the workspace (one indexed look-up, nothing loaded).
pub async fn exists(conn: &mut Conn, ws: WorkspaceId, id: CustomerId) -> Result<bool, StoreError> {
    let stmt = Query::select()
        .column(Customers::Id)
        .from(Customers::Table)
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Customers::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.fetch_optional::<(Uuid,), _>(&stmt).await?.is_some())
}

/// Archives (`Some(time)`) or restores (`None`) a customer.
pub async fn set_archived(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    at: Option<OffsetDateTime>,
) -> Result<bool, StoreError> {
    let stmt = Query::update()
        .table(Customers::Table)
        .value(Customers::ArchivedAt, at)
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Customers::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Deletes a customer with every row that hangs from it (search terms, keys, tags, addresses,
/// links from and to organisations). Explicit although the foreign keys cascade: an erasure
/// must not depend on a connection setting (SQLite enforces them only when asked).
pub async fn delete(conn: &mut Conn, ws: WorkspaceId, id: CustomerId) -> Result<bool, StoreError> {
    write::clear_children(conn, ws, id).await?;
    write::clear_values(conn, ws, id).await?;
    replace_terms(conn, ws, id, &[]).await?;
    let links = Query::delete()
        .from_table(Affiliations::Table)
        .and_where(Expr::col(Affiliations::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Affiliations::OrganizationId).eq(id.uuid()))
        .to_owned();
    conn.execute(&links).await?;
    let stmt = Query::delete()
        .from_table(Customers::Table)
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Customers::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}
