//! Custom field definitions of a workspace, and reading customers' values of them. Values are
//! written with the customer's other child rows (see `write.rs`).
use crate::{Conn, StoreError};
use sea_query::{Expr, Func, Iden, Order, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::customers::custom::{AppliesTo, FieldDef, FieldType};
use vinculo_domain::ids::WorkspaceId;

#[derive(Iden, Clone, Copy)]
pub(super) enum CustomFields {
    Table,
    Id,
    WorkspaceId,
    Key,
    Label,
    FieldType,
    AppliesTo,
    Options,
    Currency,
    Position,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(super) enum CustomerFieldValues {
    Table,
    WorkspaceId,
    CustomerId,
    FieldId,
    Value,
    Folded,
    Number,
}

#[derive(sqlx::FromRow)]
struct DefRow {
    id: Uuid,
    key: String,
    label: String,
    field_type: String,
    applies_to: String,
    options: String,
    currency: Option<String>,
}

impl TryFrom<DefRow> for FieldDef {
    type Error = StoreError;

    fn try_from(r: DefRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("custom field {}: {what}", r.key));
        Ok(FieldDef {
            id: r.id,
            field_type: FieldType::parse(&r.field_type).ok_or_else(|| bad("type"))?,
            applies_to: AppliesTo::parse(&r.applies_to).ok_or_else(|| bad("applies_to"))?,
            options: r
                .options
                .lines()
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect(),
            key: r.key,
            label: r.label,
            currency: r.currency,
        })
    }
}

/// The workspace's custom fields in display order.
pub async fn field_defs(conn: &mut Conn, ws: WorkspaceId) -> Result<Vec<FieldDef>, StoreError> {
    use CustomFields as F;
    let stmt = Query::select()
        .columns([
            F::Id,
            F::Key,
            F::Label,
            F::FieldType,
            F::AppliesTo,
            F::Options,
            F::Currency,
        ])
        .from(F::Table)
        .and_where(Expr::col(F::WorkspaceId).eq(ws.uuid()))
        .order_by(F::Position, Order::Asc)
        .order_by(F::Id, Order::Asc)
        .to_owned();
    conn.fetch_all::<DefRow, _>(&stmt)
        .await?
        .into_iter()
        .map(FieldDef::try_from)
        .collect()
}

/// Adds a field after the others. A key already used is `Conflict { "custom_fields.key" }`.
pub async fn insert_field(
    conn: &mut Conn,
    ws: WorkspaceId,
    d: &FieldDef,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    use CustomFields as F;
    let last = Query::select()
        .expr(Func::coalesce([
            Expr::col(F::Position).max(),
            Expr::val(-1).into(),
        ]))
        .from(F::Table)
        .and_where(Expr::col(F::WorkspaceId).eq(ws.uuid()))
        .to_owned();
    // `position` is INTEGER: 32 bits on PostgreSQL.
    let (last,): (i32,) = conn.fetch_optional(&last).await?.unwrap_or((-1,));
    let stmt = Query::insert()
        .into_table(F::Table)
        .columns([
            F::Id,
            F::WorkspaceId,
            F::Key,
            F::Label,
            F::FieldType,
            F::AppliesTo,
            F::Options,
            F::Currency,
            F::Position,
            F::CreatedAt,
        ])
        .values_panic([
            d.id.into(),
            ws.uuid().into(),
            d.key.clone().into(),
            d.label.clone().into(),
            d.field_type.as_str().into(),
            d.applies_to.as_str().into(),
            d.options.join("\n").into(),
            d.currency.clone().into(),
            (last + 1).into(),
            at.into(),
        ])
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Changes a field's label and options (its key, type and kinds never change: values and
/// integrations depend on them).
pub async fn update_field(
    conn: &mut Conn,
    ws: WorkspaceId,
    d: &FieldDef,
) -> Result<bool, StoreError> {
    use CustomFields as F;
    let stmt = Query::update()
        .table(F::Table)
        .value(F::Label, d.label.clone())
        .value(F::Options, d.options.join("\n"))
        .and_where(Expr::col(F::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(F::Id).eq(d.id))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// Deletes a field and every value of it.
pub async fn delete_field(conn: &mut Conn, ws: WorkspaceId, id: Uuid) -> Result<bool, StoreError> {
    use CustomFields as F;
    use CustomerFieldValues as V;
    let values = Query::delete()
        .from_table(V::Table)
        .and_where(Expr::col(V::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(V::FieldId).eq(id))
        .to_owned();
    conn.execute(&values).await?;
    let stmt = Query::delete()
        .from_table(F::Table)
        .and_where(Expr::col(F::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(F::Id).eq(id))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// How many customers have a value of the field; with `choice` (folded), how many have that
/// choice (a select's value, or one of a multi select's).
pub async fn values_count(
    conn: &mut Conn,
    ws: WorkspaceId,
    field: Uuid,
    choice: Option<&str>,
) -> Result<i64, StoreError> {
    use CustomerFieldValues as V;
    let mut stmt = Query::select()
        .expr(Expr::col(V::CustomerId).count())
        .from(V::Table)
        .and_where(Expr::col(V::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(V::FieldId).eq(field))
        .to_owned();
    if let Some(c) = choice {
        stmt.and_where(
            Expr::col(V::Folded)
                .eq(c)
                .or(has_choice(Expr::col(V::Folded), c)),
        );
    }
    let (n,): (i64,) = conn.fetch_optional(&stmt).await?.unwrap_or((0,));
    Ok(n)
}

/// `LIKE '%|choice|%' ESCAPE '\'`: a multi select's folded value holds `|a|b|`; the
/// choice's own `%`, `_` and `\` match only themselves.
pub(super) fn has_choice(col: Expr, choice: &str) -> sea_query::SimpleExpr {
    let escaped = choice
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    col.like(sea_query::LikeExpr::new(format!("%|{escaped}|%")).escape('\\'))
}

/// The indexed sort value of one customer's field (for a sorted page's cursor).
pub(super) async fn sort_value(
    conn: &mut Conn,
    ws: WorkspaceId,
    customer: Uuid,
    field: Uuid,
    numeric: bool,
) -> Result<Option<String>, StoreError> {
    use CustomerFieldValues as V;
    let stmt = Query::select()
        .columns([V::Folded])
        .column(V::Number)
        .from(V::Table)
        .and_where(Expr::col(V::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(V::CustomerId).eq(customer))
        .and_where(Expr::col(V::FieldId).eq(field))
        .to_owned();
    let row: Option<(Option<String>, Option<f64>)> = conn.fetch_optional(&stmt).await?;
    Ok(row.and_then(|(t, n)| if numeric { n.map(|n| n.to_string()) } else { t }))
}
