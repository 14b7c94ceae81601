//! A list sorted by a custom field, read in two parts: the customers with a value, walked in
//! the field's value index (`customer_field_values_number` or `_text`: workspace, field,
//! value, customer) in the list's order; then, when the page is not full, the customers
//! without one, by id. Customers without a value come last in both directions.
//!
//! One statement with a LEFT JOIN and `ORDER BY value IS NULL, value, id` had to read and
//! sort every customer of the workspace: 946 ms at 1M people against 0.1 ms for a walk.
//! The cursor compares `(value, id)` as a row value, which both databases read as a range of
//! the index; the equivalent `value < v OR (value = v AND id < c)` was scanned (32 ms for a
//! page in the middle).
use super::custom::CustomerFieldValues as V;
use super::list::{self, page_ids};
use super::Customers;
use crate::page::{After, Cursor};
use crate::{Conn, StoreError};
use sea_query::{Alias, Expr, JoinType, Order, Query, SelectStatement, SimpleExpr};
use uuid::Uuid;
use vinculo_domain::ids::WorkspaceId;

/// The field a list is sorted by.
pub(super) struct SortField {
    pub id: Uuid,
    pub numeric: bool,
    pub desc: bool,
}

/// Up to `want` ids of `base` (the list's statement: its FROM, filters and search, without an
/// order) in the order of `by`, after the cursor `after`.
pub(super) async fn page_ids_by_field(
    conn: &mut Conn,
    ws: WorkspaceId,
    base: SelectStatement,
    by: &SortField,
    after: Option<&Cursor>,
    want: u64,
) -> Result<Vec<Uuid>, StoreError> {
    let order = || if by.desc { Order::Desc } else { Order::Asc };
    let beyond = |a, b| list::beyond(by.desc, a, b);
    let col = if by.numeric { V::Number } else { V::Folded };
    let sv = Alias::new("sv");
    let (valued, missing_after) = match after {
        None => (Some(None), None),
        Some(Cursor(id, Some(After::Value(v)))) => {
            let v = if by.numeric {
                SimpleExpr::from(
                    v.parse::<f64>()
                        .map_err(|_| StoreError::Corrupt("cursor number".into()))?,
                )
            } else {
                SimpleExpr::from(v.clone())
            };
            (Some(Some((v, *id))), None)
        }
        Some(Cursor(id, Some(After::Missing))) => (None, Some(*id)),
        Some(Cursor(_, None)) => {
            return Err(StoreError::Corrupt(
                "a sorted list's cursor needs its sort value".into(),
            ))
        }
    };
    let mut ids = Vec::new();
    if let Some(from) = valued {
        let mut q = base.clone();
        q.join_as(
            JoinType::InnerJoin,
            V::Table,
            sv.clone(),
            Expr::col((sv.clone(), V::CustomerId))
                .equals((Customers::Table, Customers::Id))
                .and(Expr::col((sv.clone(), V::WorkspaceId)).eq(ws.uuid()))
                .and(Expr::col((sv.clone(), V::FieldId)).eq(by.id))
                .and(Expr::col((sv.clone(), col)).is_not_null()),
        );
        if let Some((v, id)) = from {
            q.and_where(beyond(
                Expr::tuple([
                    Expr::col((sv.clone(), col)).into(),
                    Expr::col((sv.clone(), V::CustomerId)).into(),
                ])
                .into(),
                Expr::tuple([v, id.into()]).into(),
            ));
        }
        q.order_by((sv.clone(), col), order())
            .order_by((sv, V::CustomerId), order())
            .limit(want);
        ids = page_ids(conn, q).await?;
        if ids.len() as u64 >= want {
            return Ok(ids);
        }
    }
    let valued_ones = Query::select()
        .expr(Expr::val(1))
        .from_as(V::Table, Alias::new("v"))
        .and_where(
            Expr::col((Alias::new("v"), V::CustomerId)).equals((Customers::Table, Customers::Id)),
        )
        .and_where(Expr::col((Alias::new("v"), V::WorkspaceId)).eq(ws.uuid()))
        .and_where(Expr::col((Alias::new("v"), V::FieldId)).eq(by.id))
        .and_where(Expr::col((Alias::new("v"), col)).is_not_null())
        .to_owned();
    let mut q = base;
    q.and_where(Expr::exists(valued_ones).not());
    if let Some(id) = missing_after {
        q.and_where(beyond(
            Expr::col((Customers::Table, Customers::Id)).into(),
            id.into(),
        ));
    }
    q.order_by((Customers::Table, Customers::Id), order())
        .limit(want - ids.len() as u64);
    ids.extend(page_ids(conn, q).await?);
    Ok(ids)
}
