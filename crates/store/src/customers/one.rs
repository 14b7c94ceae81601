//! Reading customers in one statement that returns one row: each customer's columns with its
//! keys, tags, addresses, organisation links and custom values (correlated subqueries), all
//! as one JSON array. A customer page, `GET /customers/{id}` and every list page read this
//! way. The SQLite driver hands each result row from its worker thread to the server's task
//! separately, and those hand-offs (thread wake-ups) cost more than the queries: five queries
//! per customer page, or a row per list entry, had made them the largest cost of a read.
//!
//! The backends differ in their JSON functions, so the SQL is written for each, side by side:
//! SQLite's `json_group_array` / `json_array` (ordered by an ordered subquery), PostgreSQL's
//! `json_agg(… ORDER BY …)` / `json_build_array`.
use super::{CustomerRecord, Customers, StoredAffiliation, StoredKey};
use crate::{Backend, Conn, Db, StoreError};
use sea_query::{Alias, Expr, SelectStatement};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use vinculo_domain::customers::{Kind, PostalAddress};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{CustomerId, WorkspaceId};

/// The child-row aggregates, correlated to the outer `customers` row.
fn aggregates(backend: Backend) -> [(&'static str, String); 5] {
    let (agg, id_text, empty) = match backend {
        Backend::Sqlite => ("json_group_array", "lower(hex(x.organization_id))", ""),
        Backend::Postgres => ("json_agg", "x.organization_id::text", "::json"),
    };
    let sub = |cols: &str, from: &str, order: &str| {
        match backend {
        Backend::Sqlite => format!(
            "(SELECT {agg}(json_array({cols})) FROM (SELECT * FROM {from} ORDER BY {order}) x)"
        ),
        Backend::Postgres => format!(
            "(SELECT COALESCE({agg}(json_build_array({cols}) ORDER BY {order}), '[]'{empty})::text FROM {from})"
        ),
    }
    };
    let scoped = |table: &str, col: &str| {
        format!(
            "{table} x WHERE x.workspace_id = customers.workspace_id AND x.{col} = customers.id"
        )
    };
    let links =
        "(SELECT a.organization_id, a.title, a.position, o.display_name FROM affiliations a \
                 JOIN customers o ON o.id = a.organization_id \
                 WHERE a.workspace_id = customers.workspace_id AND a.person_id = customers.id) x";
    let custom = "(SELECT f.key, v.value, f.position FROM customer_field_values v \
                 JOIN custom_fields f ON f.id = v.field_id \
                 WHERE v.workspace_id = customers.workspace_id AND v.customer_id = customers.id) x";
    let key_order = if backend == Backend::Sqlite {
        "position"
    } else {
        "x.position"
    };
    [
        (
            "keys_json",
            sub(
                "x.kind, x.value, x.display, x.label, x.is_primary",
                &scoped("identity_keys", "customer_id"),
                key_order,
            ),
        ),
        (
            "tags_json",
            sub("x.tag", &scoped("customer_tags", "customer_id"), key_order),
        ),
        (
            "addresses_json",
            sub(
                "x.label, x.street, x.city, x.region, x.postal_code, x.country, x.is_primary",
                &scoped("customer_addresses", "customer_id"),
                key_order,
            ),
        ),
        (
            "affiliations_json",
            sub(
                &format!("{id_text}, x.display_name, x.title"),
                links,
                key_order,
            ),
        ),
        ("custom_json", sub("x.key, x.value", custom, key_order)),
    ]
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// SQLite's JSON has 0/1 for booleans, PostgreSQL's true/false.
fn flag(v: &Value) -> bool {
    v.as_bool().unwrap_or_else(|| v.as_i64() == Some(1))
}

fn rows(v: &Value) -> Vec<Vec<Value>> {
    // SQLite's aggregate of no rows is NULL; PostgreSQL's is coalesced to [].
    let Value::Array(items) = v else {
        return Vec::new();
    };
    items
        .iter()
        .map(|r| match r {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        })
        .collect()
}

/// The customer columns in the order [`record`] reads them.
const COLUMNS: [&str; 18] = [
    "id",
    "kind",
    "display_name",
    "sort_name",
    "given_name",
    "family_name",
    "language",
    "timezone",
    "birthday",
    "tax_id",
    "industry",
    "size",
    "lifecycle_stage",
    "owner",
    "notes",
    "created_at",
    "updated_at",
    "archived_at",
];

/// `SELECT` list of the one-row answer: every customer of the WHERE clause as a JSON array of
/// [`COLUMNS`] and the aggregates.
fn page_expr(backend: Backend) -> String {
    let col = |c: &str| match (backend, c) {
        (Backend::Sqlite, "id") => "lower(hex(customers.id))".to_owned(),
        (Backend::Postgres, "id") => "customers.id::text".to_owned(),
        (_, c) => format!("customers.{c}"),
    };
    let mut parts: Vec<String> = COLUMNS.iter().map(|c| col(c)).collect();
    for (_, sql) in aggregates(backend) {
        parts.push(match backend {
            // A subquery's JSON comes back as text: json() makes it JSON again.
            Backend::Sqlite => format!("json({sql})"),
            Backend::Postgres => format!("({sql})::json"),
        });
    }
    let list = parts.join(", ");
    match backend {
        Backend::Sqlite => format!("json_group_array(json_array({list}))"),
        Backend::Postgres => {
            format!("COALESCE(json_agg(json_build_array({list})), '[]'::json)::text")
        }
    }
}

pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<Option<CustomerRecord>, StoreError> {
    Ok(many(conn, ws, &[id.uuid()]).await?.into_iter().next())
}

/// One customer, read on the calling thread where the backend allows it ([`crate::quick`]),
/// else through the read pool. For single look-ups by id (`GET /customers/{id}`).
pub async fn read(
    db: &Db,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<Option<CustomerRecord>, StoreError> {
    let ids = [id.uuid()];
    match db.quick_text(&statement(db.backend(), ws, &ids)) {
        Some(page) => Ok(in_order(page, &ids)?.into_iter().next()),
        None => get(&mut db.conn().await?, ws, id).await,
    }
}

/// The customers of `ids` in that order (missing ones left out), each row carrying its child
/// rows as JSON: one statement and one row per customer, however many lists they have.
pub async fn many(
    conn: &mut Conn,
    ws: WorkspaceId,
    ids: &[uuid::Uuid],
) -> Result<Vec<CustomerRecord>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let page: Option<(Option<String>,)> = conn
        .fetch_optional(&statement(conn.backend(), ws, ids))
        .await?;
    in_order(page.and_then(|(p,)| p), ids)
}

fn statement(backend: Backend, ws: WorkspaceId, ids: &[uuid::Uuid]) -> SelectStatement {
    let mut stmt = sea_query::Query::select()
        .expr_as(Expr::cust(page_expr(backend)), Alias::new("page"))
        .from(Customers::Table)
        .and_where(Expr::col((Customers::Table, Customers::WorkspaceId)).eq(ws.uuid()))
        .to_owned();
    if let [one] = ids {
        stmt.and_where(Expr::col((Customers::Table, Customers::Id)).eq(*one));
    } else {
        stmt.and_where(Expr::col((Customers::Table, Customers::Id)).is_in(ids.iter().copied()));
    }
    stmt
}

/// The records of a page's JSON (`None`: no customer matched), in the order of `ids`.
fn in_order(page: Option<String>, ids: &[uuid::Uuid]) -> Result<Vec<CustomerRecord>, StoreError> {
    let page: Vec<Vec<Value>> = match page.as_deref().map(serde_json::from_str::<Value>) {
        None => Vec::new(),
        Some(Ok(v)) => rows(&v),
        Some(Err(e)) => return Err(StoreError::Corrupt(format!("customer page: {e}"))),
    };
    let mut by_id: std::collections::HashMap<uuid::Uuid, CustomerRecord> = page
        .into_iter()
        .map(|r| record(r).map(|c| (c.id.uuid(), c)))
        .collect::<Result<_, _>>()?;
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

fn record(r: Vec<Value>) -> Result<CustomerRecord, StoreError> {
    let at = |i: usize| r.get(i).unwrap_or(&Value::Null);
    let id = at(0)
        .as_str()
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .ok_or_else(|| StoreError::Corrupt("customer id".into()))?;
    let corrupt = |what: &str| StoreError::Corrupt(format!("customer {id}: {what}"));
    let time = |i: usize| -> Result<Option<time::OffsetDateTime>, StoreError> {
        match at(i) {
            Value::Null => Ok(None),
            Value::String(s) => time::OffsetDateTime::parse(s, &Rfc3339)
                .map(Some)
                .map_err(|_| corrupt(COLUMNS[i])),
            _ => Err(corrupt(COLUMNS[i])),
        }
    };
    let (keys_json, tags_json, addresses_json, affiliations_json, custom_json) =
        (at(18), at(19), at(20), at(21), at(22));
    let mut keys = Vec::new();
    for k in rows(keys_json) {
        let kind = k.first().and_then(Value::as_str).and_then(KeyKind::parse);
        keys.push(StoredKey {
            kind: kind.ok_or_else(|| corrupt("identity key kind"))?,
            value: k.get(1).and_then(text).unwrap_or_default(),
            display: k.get(2).and_then(text).unwrap_or_default(),
            label: k.get(3).and_then(text),
            primary: k.get(4).is_some_and(flag),
        });
    }
    let tags = rows(tags_json)
        .iter()
        .filter_map(|t| t.first().and_then(text))
        .collect();
    let addresses = rows(addresses_json)
        .iter()
        .map(|a| PostalAddress {
            label: a.first().and_then(text),
            street: a.get(1).and_then(text),
            city: a.get(2).and_then(text),
            region: a.get(3).and_then(text),
            postal_code: a.get(4).and_then(text),
            country: a.get(5).and_then(text),
            primary: a.get(6).is_some_and(flag),
        })
        .collect();
    let mut affiliations = Vec::new();
    for a in rows(affiliations_json) {
        let org = a
            .first()
            .and_then(Value::as_str)
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .ok_or_else(|| corrupt("organisation id"))?;
        affiliations.push(StoredAffiliation {
            organization: CustomerId(org),
            name: a.get(1).and_then(text).unwrap_or_default(),
            title: a.get(2).and_then(text),
        });
    }
    let mut custom = std::collections::BTreeMap::new();
    for c in rows(custom_json) {
        let (Some(key), Some(value)) = (c.first().and_then(text), c.get(1).and_then(text)) else {
            return Err(corrupt("custom value"));
        };
        let value = serde_json::from_str(&value).map_err(|_| corrupt("custom value"))?;
        custom.insert(key, value);
    }
    let s = |i: usize| at(i).as_str().map(str::to_owned);
    let birthday = match s(8) {
        Some(d) => Some(
            time::Date::parse(
                &d,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| corrupt("birthday"))?,
        ),
        None => None,
    };
    Ok(CustomerRecord {
        id: CustomerId(id),
        kind: s(1)
            .as_deref()
            .and_then(Kind::parse)
            .ok_or_else(|| corrupt("kind"))?,
        display_name: s(2).unwrap_or_default(),
        sort_name: s(3).unwrap_or_default(),
        given_name: s(4),
        family_name: s(5),
        language: s(6),
        timezone: s(7),
        birthday,
        tax_id: s(9),
        industry: s(10),
        size: s(11),
        lifecycle_stage: s(12).unwrap_or_default(),
        owner: s(13),
        notes: s(14),
        created_at: time(15)?.ok_or_else(|| corrupt("created_at"))?,
        updated_at: time(16)?.ok_or_else(|| corrupt("updated_at"))?,
        archived_at: time(17)?,
        keys,
        tags,
        addresses,
        affiliations,
        custom,
    })
}
