//! Reading one customer in one statement: the row, with its keys, tags, addresses and
//! organisation links and custom values aggregated as JSON by correlated subqueries. A customer page or
//! `GET /customers/{id}` is the hottest read there is, and five round trips to the database
//! driver (each a hand-off between threads) cost more than the queries themselves.
//!
//! The backends differ in their JSON aggregates, so the subqueries are written for each, side
//! by side: SQLite's `json_group_array` (ordered by an ordered subquery), PostgreSQL's
//! `json_agg(… ORDER BY …)`.
use super::{CustomerRecord, CustomerRow, Customers, StoredAffiliation, StoredKey};
use crate::{Backend, Conn, StoreError};
use sea_query::{Alias, Expr};
use serde_json::Value;
use vinculo_domain::customers::{Kind, PostalAddress};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{CustomerId, WorkspaceId};

#[derive(sqlx::FromRow)]
struct FullRow {
    #[sqlx(flatten)]
    row: CustomerRow,
    keys_json: String,
    tags_json: String,
    addresses_json: String,
    affiliations_json: String,
    custom_json: String,
}

/// The four aggregates, correlated to the outer `customers` row.
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

fn rows(json: &str) -> Result<Vec<Vec<Value>>, StoreError> {
    let v: Vec<Value> = serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("customer aggregate: {e}")))?;
    Ok(v.into_iter()
        .map(|r| match r {
            Value::Array(a) => a,
            other => vec![other],
        })
        .collect())
}

pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<Option<CustomerRecord>, StoreError> {
    let mut stmt = super::select();
    for (alias, sql) in aggregates(conn.backend()) {
        stmt.expr_as(Expr::cust(sql), Alias::new(alias));
    }
    stmt.and_where(Expr::col((Customers::Table, Customers::WorkspaceId)).eq(ws.uuid()))
        .and_where(Expr::col((Customers::Table, Customers::Id)).eq(id.uuid()));
    let Some(full) = conn.fetch_optional::<FullRow, _>(&stmt).await? else {
        return Ok(None);
    };
    let corrupt = |what: &str| StoreError::Corrupt(format!("customer {id}: {what}"));
    let mut keys = Vec::new();
    for k in rows(&full.keys_json)? {
        let kind = k.first().and_then(Value::as_str).and_then(KeyKind::parse);
        keys.push(StoredKey {
            kind: kind.ok_or_else(|| corrupt("identity key kind"))?,
            value: k.get(1).and_then(text).unwrap_or_default(),
            display: k.get(2).and_then(text).unwrap_or_default(),
            label: k.get(3).and_then(text),
            primary: k.get(4).is_some_and(flag),
        });
    }
    let tags = rows(&full.tags_json)?
        .iter()
        .filter_map(|t| t.first().and_then(text))
        .collect();
    let addresses = rows(&full.addresses_json)?
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
    for a in rows(&full.affiliations_json)? {
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
    for c in rows(&full.custom_json)? {
        let (Some(key), Some(value)) = (c.first().and_then(text), c.get(1).and_then(text)) else {
            return Err(corrupt("custom value"));
        };
        let value = serde_json::from_str(&value).map_err(|_| corrupt("custom value"))?;
        custom.insert(key, value);
    }
    let r = full.row;
    Ok(Some(CustomerRecord {
        id: CustomerId(r.id),
        kind: Kind::parse(&r.kind).ok_or_else(|| corrupt("kind"))?,
        display_name: r.display_name,
        given_name: r.given_name,
        family_name: r.family_name,
        language: r.language,
        timezone: r.timezone,
        birthday: r.birthday,
        tax_id: r.tax_id,
        industry: r.industry,
        size: r.size,
        lifecycle_stage: r.lifecycle_stage,
        owner: r.owner,
        notes: r.notes,
        created_at: r.created_at,
        updated_at: r.updated_at,
        archived_at: r.archived_at,
        keys,
        tags,
        addresses,
        affiliations,
        custom,
        sort_name: r.sort_name,
    }))
}
