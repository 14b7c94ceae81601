//! Customers, their identity keys and tags. Keys and tags live in their own tables so that
//! uniqueness (`identity_keys.value` per workspace) and filtering are plain indexed SQL on
//! both backends.
use crate::page::{Cursor, Page};
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Order, Query, SelectStatement};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use vinculo_domain::customers::Person;
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{CustomerId, WorkspaceId};

#[derive(Iden)]
enum Customers {
    Table,
    Id,
    WorkspaceId,
    Kind,
    DisplayName,
    GivenName,
    FamilyName,
    Language,
    Timezone,
    Birthday,
    LifecycleStage,
    Owner,
    Notes,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

#[derive(Iden)]
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

#[derive(Iden)]
enum CustomerSearch {
    Table,
    WorkspaceId,
    CustomerId,
    Term,
}

#[derive(Iden)]
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

/// A customer as stored, with keys (in entry order) and tags.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerRecord {
    pub id: CustomerId,
    pub kind: String,
    pub display_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<Date>,
    pub lifecycle_stage: String,
    pub owner: Option<String>,
    pub notes: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub archived_at: Option<OffsetDateTime>,
    pub keys: Vec<StoredKey>,
    pub tags: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct CustomerRow {
    id: Uuid,
    kind: String,
    display_name: String,
    given_name: Option<String>,
    family_name: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    birthday: Option<Date>,
    lifecycle_stage: String,
    owner: Option<String>,
    notes: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    archived_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    customer_id: Uuid,
    kind: String,
    value: String,
    display: String,
    label: Option<String>,
    is_primary: bool,
}

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    pub stage: Option<String>,
    pub tag: Option<String>,
    pub owner: Option<String>,
    pub include_archived: bool,
    /// Words that must each begin a search term of the customer (see `domain::customers::search`).
    pub search: Vec<String>,
}

fn person_values(p: &Person) -> [(Customers, sea_query::SimpleExpr); 10] {
    [
        (Customers::DisplayName, p.display_name.clone().into()),
        (Customers::GivenName, p.given_name.clone().into()),
        (Customers::FamilyName, p.family_name.clone().into()),
        (Customers::Language, p.language.clone().into()),
        (Customers::Timezone, p.timezone.clone().into()),
        (Customers::Birthday, p.birthday.into()),
        (Customers::LifecycleStage, p.lifecycle_stage.clone().into()),
        (Customers::Owner, p.owner.map(|o| o.to_string()).into()),
        (Customers::Notes, p.notes.clone().into()),
        (Customers::Kind, "person".into()),
    ]
}

/// Inserts a new person with their keys and tags.
pub async fn insert_person(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    p: &Person,
    terms: &[String],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut cols = vec![
        Customers::Id,
        Customers::WorkspaceId,
        Customers::CreatedAt,
        Customers::UpdatedAt,
    ];
    let mut vals: Vec<sea_query::SimpleExpr> =
        vec![id.uuid().into(), ws.uuid().into(), at.into(), at.into()];
    for (c, v) in person_values(p) {
        cols.push(c);
        vals.push(v);
    }
    let stmt = Query::insert()
        .into_table(Customers::Table)
        .columns(cols)
        .values_panic(vals)
        .to_owned();
    conn.execute(&stmt).await?;
    write_keys_and_tags(conn, ws, id, p).await?;
    write_terms(conn, ws, id, terms).await
}

async fn write_terms(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    terms: &[String],
) -> Result<(), StoreError> {
    if terms.is_empty() {
        return Ok(());
    }
    let mut stmt = Query::insert()
        .into_table(CustomerSearch::Table)
        .columns([
            CustomerSearch::WorkspaceId,
            CustomerSearch::CustomerId,
            CustomerSearch::Term,
        ])
        .to_owned();
    for t in terms {
        stmt.values_panic([ws.uuid().into(), id.uuid().into(), t.clone().into()]);
    }
    conn.execute(&stmt).await.map(drop)
}

/// Replaces a person's fields, keys and tags (the caller merged what to keep).
pub async fn replace_person(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    p: &Person,
    terms: &[String],
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let mut values: Vec<(Customers, sea_query::SimpleExpr)> =
        person_values(p).into_iter().collect();
    values.push((Customers::UpdatedAt, at.into()));
    let stmt = Query::update()
        .table(Customers::Table)
        .values(values)
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Customers::Id).eq(id.uuid()))
        .to_owned();
    if conn.execute(&stmt).await? == 0 {
        return Ok(false);
    }
    clear_keys_and_tags(conn, ws, id).await?;
    write_keys_and_tags(conn, ws, id, p).await?;
    write_terms(conn, ws, id, terms).await?;
    Ok(true)
}

async fn clear_keys_and_tags(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<(), StoreError> {
    let keys = Query::delete()
        .from_table(IdentityKeys::Table)
        .and_where(Expr::col(IdentityKeys::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(IdentityKeys::CustomerId).eq(id.uuid()))
        .to_owned();
    conn.execute(&keys).await?;
    let tags = Query::delete()
        .from_table(CustomerTags::Table)
        .and_where(Expr::col(CustomerTags::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(CustomerTags::CustomerId).eq(id.uuid()))
        .to_owned();
    conn.execute(&tags).await?;
    let terms = Query::delete()
        .from_table(CustomerSearch::Table)
        .and_where(Expr::col(CustomerSearch::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(CustomerSearch::CustomerId).eq(id.uuid()))
        .to_owned();
    conn.execute(&terms).await.map(drop)
}

async fn write_keys_and_tags(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    p: &Person,
) -> Result<(), StoreError> {
    if !p.keys.is_empty() {
        let mut stmt = Query::insert()
            .into_table(IdentityKeys::Table)
            .columns([
                IdentityKeys::WorkspaceId,
                IdentityKeys::CustomerId,
                IdentityKeys::Kind,
                IdentityKeys::Value,
                IdentityKeys::Display,
                IdentityKeys::Label,
                IdentityKeys::IsPrimary,
                IdentityKeys::Position,
            ])
            .to_owned();
        for (i, k) in p.keys.iter().enumerate() {
            stmt.values_panic([
                ws.uuid().into(),
                id.uuid().into(),
                k.key.kind.as_str().into(),
                k.key.value.clone().into(),
                k.key.display.clone().into(),
                k.label.clone().into(),
                k.primary.into(),
                (i as i64).into(),
            ]);
        }
        conn.execute(&stmt).await?;
    }
    if !p.tags.is_empty() {
        let mut stmt = Query::insert()
            .into_table(CustomerTags::Table)
            .columns([
                CustomerTags::WorkspaceId,
                CustomerTags::CustomerId,
                CustomerTags::Tag,
                CustomerTags::Position,
            ])
            .to_owned();
        for (i, t) in p.tags.iter().enumerate() {
            stmt.values_panic([
                ws.uuid().into(),
                id.uuid().into(),
                t.clone().into(),
                (i as i64).into(),
            ]);
        }
        conn.execute(&stmt).await?;
    }
    Ok(())
}

/// The customers owning any of these keys: (customer, kind, value) per match.
pub async fn owners_of_keys(
    conn: &mut Conn,
    ws: WorkspaceId,
    keys: &[(KeyKind, &str)],
) -> Result<Vec<(CustomerId, KeyKind, String)>, StoreError> {
    let mut out = Vec::new();
    for kind in [KeyKind::Email, KeyKind::Phone, KeyKind::External] {
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

fn select() -> SelectStatement {
    Query::select()
        .columns([
            Customers::Id,
            Customers::Kind,
            Customers::DisplayName,
            Customers::GivenName,
            Customers::FamilyName,
            Customers::Language,
            Customers::Timezone,
            Customers::Birthday,
            Customers::LifecycleStage,
            Customers::Owner,
            Customers::Notes,
            Customers::CreatedAt,
            Customers::UpdatedAt,
            Customers::ArchivedAt,
        ])
        .from(Customers::Table)
        .to_owned()
}

/// Loads keys and tags for a set of customer rows in two queries.
async fn hydrate(
    conn: &mut Conn,
    ws: WorkspaceId,
    rows: Vec<CustomerRow>,
) -> Result<Vec<CustomerRecord>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let keys_stmt = Query::select()
        .columns([
            IdentityKeys::CustomerId,
            IdentityKeys::Kind,
            IdentityKeys::Value,
            IdentityKeys::Display,
            IdentityKeys::Label,
            IdentityKeys::IsPrimary,
        ])
        .from(IdentityKeys::Table)
        .and_where(Expr::col(IdentityKeys::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(IdentityKeys::CustomerId).is_in(ids.clone()))
        .order_by(IdentityKeys::Position, Order::Asc)
        .to_owned();
    let mut keys: HashMap<Uuid, Vec<StoredKey>> = HashMap::new();
    for k in conn.fetch_all::<KeyRow, _>(&keys_stmt).await? {
        let kind = KeyKind::parse(&k.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("identity key kind {:?}", k.kind)))?;
        keys.entry(k.customer_id).or_default().push(StoredKey {
            kind,
            value: k.value,
            display: k.display,
            label: k.label,
            primary: k.is_primary,
        });
    }
    let tags_stmt = Query::select()
        .columns([CustomerTags::CustomerId, CustomerTags::Tag])
        .from(CustomerTags::Table)
        .and_where(Expr::col(CustomerTags::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(CustomerTags::CustomerId).is_in(ids))
        .order_by(CustomerTags::Position, Order::Asc)
        .to_owned();
    let mut tags: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (c, t) in conn.fetch_all::<(Uuid, String), _>(&tags_stmt).await? {
        tags.entry(c).or_default().push(t);
    }
    Ok(rows
        .into_iter()
        .map(|r| CustomerRecord {
            keys: keys.remove(&r.id).unwrap_or_default(),
            tags: tags.remove(&r.id).unwrap_or_default(),
            id: CustomerId(r.id),
            kind: r.kind,
            display_name: r.display_name,
            given_name: r.given_name,
            family_name: r.family_name,
            language: r.language,
            timezone: r.timezone,
            birthday: r.birthday,
            lifecycle_stage: r.lifecycle_stage,
            owner: r.owner,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
            archived_at: r.archived_at,
        })
        .collect())
}

pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<Option<CustomerRecord>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Customers::Id).eq(id.uuid()))
        .to_owned();
    let rows = conn.fetch_all::<CustomerRow, _>(&stmt).await?;
    Ok(hydrate(conn, ws, rows).await?.into_iter().next())
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

/// Customers newest first, `limit` at a time.
pub async fn list(
    conn: &mut Conn,
    ws: WorkspaceId,
    f: &CustomerFilter,
    before: Option<Cursor>,
    limit: u64,
) -> Result<Page<CustomerRecord>, StoreError> {
    let mut stmt = select()
        .and_where(Expr::col((Customers::Table, Customers::WorkspaceId)).eq(ws.uuid()))
        .to_owned();
    if let Some(s) = &f.stage {
        stmt.and_where(Expr::col(Customers::LifecycleStage).eq(s.as_str()));
    }
    if let Some(o) = &f.owner {
        stmt.and_where(Expr::col(Customers::Owner).eq(o.as_str()));
    }
    if !f.include_archived {
        stmt.and_where(Expr::col(Customers::ArchivedAt).is_null());
    }
    if let Some(tag) = &f.tag {
        let tagged = Query::select()
            .column(CustomerTags::CustomerId)
            .from(CustomerTags::Table)
            .and_where(Expr::col(CustomerTags::WorkspaceId).eq(ws.uuid()))
            .and_where(Expr::col(CustomerTags::Tag).eq(tag.as_str()))
            .to_owned();
        stmt.and_where(Expr::col((Customers::Table, Customers::Id)).in_subquery(tagged));
    }
    for word in &f.search {
        // Prefix match as a range: terms are ASCII, and '\x7f' sorts after every ASCII
        // character, so [word, word + '\x7f') holds exactly the terms that start with word.
        let matching = Query::select()
            .column(CustomerSearch::CustomerId)
            .from(CustomerSearch::Table)
            .and_where(Expr::col(CustomerSearch::WorkspaceId).eq(ws.uuid()))
            .and_where(Expr::col(CustomerSearch::Term).gte(word.as_str()))
            .and_where(Expr::col(CustomerSearch::Term).lt(format!("{word}\x7f")))
            .to_owned();
        stmt.and_where(Expr::col((Customers::Table, Customers::Id)).in_subquery(matching));
    }
    if let Some(c) = before {
        stmt.and_where(Expr::col((Customers::Table, Customers::Id)).lt(c.0));
    }
    stmt.order_by((Customers::Table, Customers::Id), Order::Desc)
        .limit(limit + 1);
    let rows = conn.fetch_all::<CustomerRow, _>(&stmt).await?;
    let records = hydrate(conn, ws, rows).await?;
    Ok(Page::from_overfetch(records, limit, |c| c.id.uuid()))
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

/// Deletes a customer and (by cascade) their keys and tags.
pub async fn delete(conn: &mut Conn, ws: WorkspaceId, id: CustomerId) -> Result<bool, StoreError> {
    clear_keys_and_tags(conn, ws, id).await?;
    let stmt = Query::delete()
        .from_table(Customers::Table)
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Customers::Id).eq(id.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// The workspace's default country for reading phone numbers (ISO 3166 alpha-2).
pub async fn default_country(conn: &mut Conn, ws: WorkspaceId) -> Result<String, StoreError> {
    let stmt = Query::select()
        .column(sea_query::Alias::new("default_country"))
        .from(sea_query::Alias::new("workspaces"))
        .and_where(Expr::col(sea_query::Alias::new("id")).eq(ws.uuid()))
        .to_owned();
    let row: Option<(String,)> = conn.fetch_optional(&stmt).await?;
    Ok(row.map_or_else(|| "ES".to_owned(), |(c,)| c))
}
