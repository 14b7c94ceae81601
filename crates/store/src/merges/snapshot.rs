//! A customer's own rows, whole: the `customers` row and every row of the tables that belong
//! to it alone (keys, tags, addresses, organisation links, custom values) and its consent
//! ledger. Read before a merge changes them; written back by its undo.
//!
//! A table added later whose rows belong to one customer goes in [`OWN`]; one whose rows a
//! merge should move to the survivor (tickets, orders) goes in `super::MOVING` instead.
//! Search terms are not kept: the use case recomputes them from the restored record.
use super::rows::{self, Row};
use crate::{Conn, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;
use vinculo_domain::ids::{CustomerId, WorkspaceId};

/// (table, the column naming the customer, the column to order by).
pub const OWN: [(&str, &str, &str); 5] = [
    ("identity_keys", "customer_id", "position"),
    ("customer_tags", "customer_id", "position"),
    ("customer_addresses", "customer_id", "position"),
    ("affiliations", "person_id", "position"),
    ("customer_field_values", "customer_id", "field_id"),
];

/// One customer's rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerRows {
    pub customer: Row,
    /// The rows of each [`OWN`] table.
    pub own: BTreeMap<String, Vec<Row>>,
    /// Its consent ledger as it was (the entries themselves are moved, not copied back).
    #[serde(default)]
    pub consents: Vec<Row>,
}

impl CustomerRows {
    pub fn id(&self) -> Option<CustomerId> {
        self.customer.uuid("id").map(CustomerId)
    }

    /// The same rows without the ledger: what "unchanged since the merge" compares.
    pub fn without_ledger(mut self) -> CustomerRows {
        self.consents.clear();
        self
    }
}

/// The customer's rows, or `None` when it is not in the workspace.
pub async fn read(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<Option<CustomerRows>, StoreError> {
    let w = ws.uuid();
    let Some(customer) = rows::select_ids(conn, w, "customers", &[id.uuid()])
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let mut own = BTreeMap::new();
    for (table, column, order) in OWN {
        own.insert(
            table.to_owned(),
            rows::select(conn, w, table, column, id.uuid(), order).await?,
        );
    }
    let consents = rows::select(conn, w, "consent_events", "customer_id", id.uuid(), "id").await?;
    Ok(Some(CustomerRows {
        customer,
        own,
        consents,
    }))
}

/// The rows of `table` that can be written now: a link to an organisation since erased, or a
/// value of a custom field since deleted, went for everyone, and stays gone.
async fn writable(
    conn: &mut Conn,
    ws: Uuid,
    table: &str,
    list: &[Row],
) -> Result<Vec<Row>, StoreError> {
    let (column, target) = match table {
        "affiliations" => ("organization_id", "customers"),
        "customer_field_values" => ("field_id", "custom_fields"),
        _ => return Ok(list.to_vec()),
    };
    let ids: Vec<Uuid> = list.iter().filter_map(|r| r.uuid(column)).collect();
    let found = rows::existing(conn, ws, target, &ids).await?;
    Ok(list
        .iter()
        .filter(|r| r.uuid(column).is_some_and(|u| found.contains(&u)))
        .cloned()
        .collect())
}

/// Puts an existing customer's row and own rows back as `rows` holds them.
pub async fn put_back(
    conn: &mut Conn,
    ws: WorkspaceId,
    rows_of: &CustomerRows,
) -> Result<(), StoreError> {
    let w = ws.uuid();
    let id = rows_of
        .id()
        .ok_or_else(|| StoreError::Corrupt("a kept customer without id".into()))?;
    rows::update(conn, w, "customers", &rows_of.customer).await?;
    for (table, column, _) in OWN {
        rows::delete(conn, w, table, column, id.uuid()).await?;
        let list = rows_of
            .own
            .get(table)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let list = writable(conn, w, table, list).await?;
        rows::insert(conn, table, &list).await?;
    }
    Ok(())
}

/// Inserts a removed customer again with its own rows, under its own id. Its ledger is not
/// inserted: the merge moved those entries to the survivor, and undo moves them back.
pub async fn insert_again(
    conn: &mut Conn,
    ws: WorkspaceId,
    rows_of: &CustomerRows,
) -> Result<(), StoreError> {
    let w = ws.uuid();
    rows::insert(conn, "customers", std::slice::from_ref(&rows_of.customer)).await?;
    for (table, _, _) in OWN {
        let list = rows_of
            .own
            .get(table)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let list = writable(conn, w, table, list).await?;
        rows::insert(conn, table, &list).await?;
    }
    Ok(())
}
