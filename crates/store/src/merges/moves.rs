//! The rows a merge moves: interactions and consent entries (by id, noted in `merge_moves` so
//! undo moves back exactly those), people's links to a merged organisation, and the merge
//! suggestions that named a loser.
use super::rows::{self, Row};
use super::MergeMoves as M;
use crate::{Conn, StoreError};
use sea_query::{Alias, Cond, Expr, Query};
use uuid::Uuid;
use vinculo_domain::ids::{CustomerId, MergeId, WorkspaceId};

/// Moves the rows of `table` from customer `from` to `to`, noting each for the merge.
pub async fn move_rows(
    conn: &mut Conn,
    ws: WorkspaceId,
    merge: MergeId,
    table: &str,
    from: CustomerId,
    to: CustomerId,
) -> Result<u64, StoreError> {
    let of_loser = |q: &mut sea_query::SelectStatement| {
        q.and_where(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
            .and_where(Expr::col(Alias::new("customer_id")).eq(from.uuid()));
    };
    let mut pick = Query::select()
        .expr(Expr::val(merge.uuid()))
        .expr(Expr::val(ws.uuid()))
        .expr(Expr::val(table))
        .column(Alias::new("id"))
        .column(Alias::new("customer_id"))
        .from(Alias::new(table))
        .to_owned();
    of_loser(&mut pick);
    let note = Query::insert()
        .into_table(M::Table)
        .columns([
            M::MergeId,
            M::WorkspaceId,
            M::RowTable,
            M::RowId,
            M::FromCustomer,
        ])
        .select_from(pick)
        .map_err(|e| StoreError::Corrupt(format!("noting moved rows: {e}")))?
        .to_owned();
    conn.execute(&note).await?;
    let stmt = Query::update()
        .table(Alias::new(table))
        .value(Alias::new("customer_id"), to.uuid())
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
        .and_where(Expr::col(Alias::new("customer_id")).eq(from.uuid()))
        .to_owned();
    conn.execute(&stmt).await
}

/// The ids the merge noted for `table` (`from`: only those moved from that customer).
fn noted(
    ws: WorkspaceId,
    merge: MergeId,
    table: &str,
    from: Option<CustomerId>,
) -> sea_query::SelectStatement {
    let mut q = Query::select()
        .column(M::RowId)
        .from(M::Table)
        .and_where(Expr::col(M::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(M::MergeId).eq(merge.uuid()))
        .and_where(Expr::col(M::RowTable).eq(table))
        .to_owned();
    if let Some(f) = from {
        q.and_where(Expr::col(M::FromCustomer).eq(f.uuid()));
    }
    q
}

/// Moves back to `loser` the rows of `table` the merge moved from it, where they still are
/// with the survivor.
pub async fn move_back(
    conn: &mut Conn,
    ws: WorkspaceId,
    merge: MergeId,
    table: &str,
    loser: CustomerId,
    survivor: CustomerId,
) -> Result<u64, StoreError> {
    let stmt = Query::update()
        .table(Alias::new(table))
        .value(Alias::new("customer_id"), loser.uuid())
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
        .and_where(Expr::col(Alias::new("customer_id")).eq(survivor.uuid()))
        .and_where(Expr::col(Alias::new("id")).in_subquery(noted(ws, merge, table, Some(loser))))
        .to_owned();
    conn.execute(&stmt).await
}

/// Notes a row the merge added (`table` is stored as `<table>+`).
pub async fn record_added(
    conn: &mut Conn,
    ws: WorkspaceId,
    merge: MergeId,
    table: &str,
    row: Uuid,
    customer: CustomerId,
) -> Result<(), StoreError> {
    let stmt = Query::insert()
        .into_table(M::Table)
        .columns([
            M::MergeId,
            M::WorkspaceId,
            M::RowTable,
            M::RowId,
            M::FromCustomer,
        ])
        .values_panic([
            merge.uuid().into(),
            ws.uuid().into(),
            format!("{table}+").into(),
            row.into(),
            customer.uuid().into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Deletes the rows of `table` the merge added.
pub async fn delete_added(
    conn: &mut Conn,
    ws: WorkspaceId,
    merge: MergeId,
    table: &str,
) -> Result<u64, StoreError> {
    let stmt = Query::delete()
        .from_table(Alias::new(table))
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
        .and_where(Expr::col(Alias::new("id")).in_subquery(noted(
            ws,
            merge,
            &format!("{table}+"),
            None,
        )))
        .to_owned();
    conn.execute(&stmt).await
}

/// The people's links to organisation `org`, whole.
pub async fn links_to(
    conn: &mut Conn,
    ws: WorkspaceId,
    org: CustomerId,
) -> Result<Vec<Row>, StoreError> {
    rows::select(
        conn,
        ws.uuid(),
        "affiliations",
        "organization_id",
        org.uuid(),
        "person_id",
    )
    .await
}

fn link_of(ws: WorkspaceId, person: Uuid, org: Uuid) -> Cond {
    Cond::all()
        .add(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
        .add(Expr::col(Alias::new("person_id")).eq(person))
        .add(Expr::col(Alias::new("organization_id")).eq(org))
}

/// Points `person`'s link to organisation `from` at `to`; false when there was none.
pub async fn relink(
    conn: &mut Conn,
    ws: WorkspaceId,
    person: Uuid,
    from: CustomerId,
    to: CustomerId,
) -> Result<bool, StoreError> {
    let stmt = Query::update()
        .table(Alias::new("affiliations"))
        .value(Alias::new("organization_id"), to.uuid())
        .cond_where(link_of(ws, person, from.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Removes `person`'s link to organisation `org`; false when there was none.
pub async fn unlink(
    conn: &mut Conn,
    ws: WorkspaceId,
    person: Uuid,
    org: CustomerId,
) -> Result<bool, StoreError> {
    let stmt = Query::delete()
        .from_table(Alias::new("affiliations"))
        .cond_where(link_of(ws, person, org.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Every merge suggestion naming one of `ids`, whole.
pub async fn suggestions_naming(
    conn: &mut Conn,
    ws: WorkspaceId,
    ids: &[CustomerId],
) -> Result<Vec<Row>, StoreError> {
    let ids: Vec<Uuid> = ids.iter().map(|i| i.uuid()).collect();
    let stmt = Query::select()
        .column(sea_query::Asterisk)
        .from(Alias::new("merge_suggestions"))
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
        .cond_where(
            Cond::any()
                .add(Expr::col(Alias::new("customer_a")).is_in(ids.clone()))
                .add(Expr::col(Alias::new("customer_b")).is_in(ids)),
        )
        .order_by(Alias::new("id"), sea_query::Order::Asc)
        .to_owned();
    conn.fetch_all(&stmt).await
}

/// Deletes the suggestions with these ids.
pub async fn delete_suggestions(
    conn: &mut Conn,
    ws: WorkspaceId,
    ids: &[Uuid],
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let stmt = Query::delete()
        .from_table(Alias::new("merge_suggestions"))
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Puts suggestions back as they were: those with these ids are replaced by the kept rows
/// whose customers both exist (one may have been erased since).
pub async fn restore_suggestions(
    conn: &mut Conn,
    ws: WorkspaceId,
    kept: &[Row],
) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = kept.iter().filter_map(|r| r.uuid("id")).collect();
    delete_suggestions(conn, ws, &ids).await?;
    let named: Vec<Uuid> = kept
        .iter()
        .flat_map(|r| [r.uuid("customer_a"), r.uuid("customer_b")])
        .flatten()
        .collect();
    let alive = rows::existing(conn, ws.uuid(), "customers", &named).await?;
    let writable: Vec<Row> = kept
        .iter()
        .filter(|r| {
            [r.uuid("customer_a"), r.uuid("customer_b")]
                .iter()
                .all(|c| c.is_some_and(|c| alive.contains(&c)))
        })
        .cloned()
        .collect();
    rows::insert(conn, "merge_suggestions", &writable).await
}

/// Points a suggestion at another pair (kept in `customer_a` < `customer_b` order).
pub async fn repoint_suggestion(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: Uuid,
    pair: (CustomerId, CustomerId),
) -> Result<(), StoreError> {
    let (a, b) = if pair.0 < pair.1 {
        pair
    } else {
        (pair.1, pair.0)
    };
    let stmt = Query::update()
        .table(Alias::new("merge_suggestions"))
        .value(Alias::new("customer_a"), a.uuid())
        .value(Alias::new("customer_b"), b.uuid())
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Dismisses an open suggestion: `None` when the workspace has no such suggestion, else
/// whether it was open.
pub async fn dismiss_suggestion(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: Uuid,
) -> Result<Option<bool>, StoreError> {
    let stmt = Query::update()
        .table(Alias::new("merge_suggestions"))
        .value(Alias::new("status"), "dismissed")
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws.uuid()))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("status")).eq("open"))
        .to_owned();
    if conn.execute(&stmt).await? > 0 {
        return Ok(Some(true));
    }
    let found = rows::existing(conn, ws.uuid(), "merge_suggestions", &[id]).await?;
    Ok((!found.is_empty()).then_some(false))
}

/// Writes a person's link to an organisation again, as it was.
pub async fn link_again(conn: &mut Conn, link: &Row) -> Result<(), StoreError> {
    rows::insert(conn, "affiliations", std::slice::from_ref(link)).await
}
