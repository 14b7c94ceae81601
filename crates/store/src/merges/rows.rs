//! Whole rows of any table as data: read with `SELECT *` into [`Row`]s of typed [`Cell`]s that
//! serialise to JSON without loss, and written back as they were. A merge keeps the rows it
//! removes this way, so its undo restores every column, including ones added by migrations
//! written after this file, byte for byte (SQLite's text times stay text; a float keeps its
//! bits: a decimal round trip could move its last digit).
use crate::{Conn, StoreError};
use sea_query::{Alias, Asterisk, Expr, Order, Query, SimpleExpr, Value};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Column, FromRow, Row as _, TypeInfo, ValueRef};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One column's value, with enough type to bind it again on its backend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Cell {
    /// A NULL, with PostgreSQL's column type (a NULL bound as text fits no uuid column).
    Null(String),
    Bool(bool),
    I16(i16),
    I32(i32),
    I64(i64),
    /// `f32::to_bits`.
    F32(u32),
    /// `f64::to_bits`.
    F64(u64),
    Text(String),
    Uuid(Uuid),
    Time(OffsetDateTime),
    Date(Date),
    Json(serde_json::Value),
    Bytes(Vec<u8>),
}

/// A row: column name to value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Row(pub BTreeMap<String, Cell>);

impl Row {
    /// The uuid in `column`, if it holds one.
    pub fn uuid(&self, column: &str) -> Option<Uuid> {
        match self.0.get(column) {
            Some(Cell::Uuid(u)) => Some(*u),
            _ => None,
        }
    }

    /// The row with `column` set to `id`.
    pub fn with_uuid(mut self, column: &str, id: Uuid) -> Row {
        self.0.insert(column.to_owned(), Cell::Uuid(id));
        self
    }
}

fn unreadable(column: &str, type_name: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("a column of type {type_name} cannot be kept in a merge snapshot").into(),
    }
}

impl<'r> FromRow<'r, SqliteRow> for Row {
    fn from_row(row: &'r SqliteRow) -> Result<Self, sqlx::Error> {
        let mut out = BTreeMap::new();
        for (i, col) in row.columns().iter().enumerate() {
            let raw = row.try_get_raw(i)?;
            // The value's own storage class (SQLite types values, not columns).
            let cell = if raw.is_null() {
                Cell::Null(String::new())
            } else {
                match raw.type_info().name() {
                    "INTEGER" | "BIGINT" | "INT8" | "BOOLEAN" => {
                        Cell::I64(row.try_get_unchecked(i)?)
                    }
                    "REAL" | "FLOAT" | "DOUBLE" => {
                        Cell::F64(row.try_get_unchecked::<f64, _>(i)?.to_bits())
                    }
                    "TEXT" => Cell::Text(row.try_get_unchecked(i)?),
                    "BLOB" => {
                        let b: Vec<u8> = row.try_get_unchecked(i)?;
                        // Ids are 16-byte blobs (see the migrations); they bind back as such.
                        match Uuid::from_slice(&b) {
                            Ok(u) => Cell::Uuid(u),
                            Err(_) => Cell::Bytes(b),
                        }
                    }
                    other => return Err(unreadable(col.name(), other)),
                }
            };
            out.insert(col.name().to_owned(), cell);
        }
        Ok(Row(out))
    }
}

impl<'r> FromRow<'r, PgRow> for Row {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        let mut out = BTreeMap::new();
        for (i, col) in row.columns().iter().enumerate() {
            let ty = col.type_info().name().to_owned();
            if row.try_get_raw(i)?.is_null() {
                out.insert(col.name().to_owned(), Cell::Null(ty));
                continue;
            }
            let cell = match ty.as_str() {
                "BOOL" => Cell::Bool(row.try_get(i)?),
                "INT2" => Cell::I16(row.try_get(i)?),
                "INT4" => Cell::I32(row.try_get(i)?),
                "INT8" => Cell::I64(row.try_get(i)?),
                "FLOAT4" => Cell::F32(row.try_get::<f32, _>(i)?.to_bits()),
                "FLOAT8" => Cell::F64(row.try_get::<f64, _>(i)?.to_bits()),
                "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Cell::Text(row.try_get(i)?),
                "UUID" => Cell::Uuid(row.try_get(i)?),
                "TIMESTAMPTZ" => Cell::Time(row.try_get(i)?),
                "DATE" => Cell::Date(row.try_get(i)?),
                "JSON" | "JSONB" => Cell::Json(row.try_get(i)?),
                "BYTEA" => Cell::Bytes(row.try_get(i)?),
                other => return Err(unreadable(col.name(), other)),
            };
            out.insert(col.name().to_owned(), cell);
        }
        Ok(Row(out))
    }
}

impl From<&Cell> for SimpleExpr {
    fn from(c: &Cell) -> SimpleExpr {
        let v: Value = match c {
            Cell::Null(ty) => match ty.as_str() {
                "UUID" => Option::<Uuid>::None.into(),
                "TIMESTAMPTZ" => Option::<OffsetDateTime>::None.into(),
                "DATE" => Option::<Date>::None.into(),
                "BOOL" => Option::<bool>::None.into(),
                "INT2" => Option::<i16>::None.into(),
                "INT4" => Option::<i32>::None.into(),
                "INT8" => Option::<i64>::None.into(),
                "FLOAT4" => Option::<f32>::None.into(),
                "FLOAT8" => Option::<f64>::None.into(),
                "JSON" | "JSONB" => Option::<serde_json::Value>::None.into(),
                "BYTEA" => Option::<Vec<u8>>::None.into(),
                _ => Option::<String>::None.into(),
            },
            Cell::Bool(b) => (*b).into(),
            Cell::I16(n) => (*n).into(),
            Cell::I32(n) => (*n).into(),
            Cell::I64(n) => (*n).into(),
            Cell::F32(bits) => f32::from_bits(*bits).into(),
            Cell::F64(bits) => f64::from_bits(*bits).into(),
            Cell::Text(s) => s.clone().into(),
            Cell::Uuid(u) => (*u).into(),
            Cell::Time(t) => (*t).into(),
            Cell::Date(d) => (*d).into(),
            Cell::Json(j) => j.clone().into(),
            Cell::Bytes(b) => b.clone().into(),
        };
        SimpleExpr::Value(v)
    }
}

/// Every row of `table` in the workspace whose `column` is `id`, ordered by `order`.
pub async fn select(
    conn: &mut Conn,
    ws: Uuid,
    table: &str,
    column: &str,
    id: Uuid,
    order: &str,
) -> Result<Vec<Row>, StoreError> {
    let stmt = Query::select()
        .column(Asterisk)
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws))
        .and_where(Expr::col(Alias::new(column)).eq(id))
        .order_by(Alias::new(order), Order::Asc)
        .to_owned();
    conn.fetch_all(&stmt).await
}

/// Every row of `table` in the workspace whose `id` is one of `ids`.
pub async fn select_ids(
    conn: &mut Conn,
    ws: Uuid,
    table: &str,
    ids: &[Uuid],
) -> Result<Vec<Row>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = Query::select()
        .column(Asterisk)
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()))
        .order_by(Alias::new("id"), Order::Asc)
        .to_owned();
    conn.fetch_all(&stmt).await
}

/// Inserts `rows` into `table` as they are.
pub async fn insert(conn: &mut Conn, table: &str, rows: &[Row]) -> Result<(), StoreError> {
    for row in rows {
        let (cols, values): (Vec<Alias>, Vec<SimpleExpr>) = row
            .0
            .iter()
            .map(|(c, v)| (Alias::new(c), SimpleExpr::from(v)))
            .unzip();
        let stmt = Query::insert()
            .into_table(Alias::new(table))
            .columns(cols)
            .values(values)
            .map_err(|e| StoreError::Corrupt(format!("a kept row of {table}: {e}")))?
            .to_owned();
        conn.execute(&stmt).await?;
    }
    Ok(())
}

/// Sets every column of the row of `table` whose `id` is the row's to the row's values.
pub async fn update(conn: &mut Conn, ws: Uuid, table: &str, row: &Row) -> Result<u64, StoreError> {
    let id = row
        .uuid("id")
        .ok_or_else(|| StoreError::Corrupt(format!("a kept row of {table} without id")))?;
    let values: Vec<(Alias, SimpleExpr)> = row
        .0
        .iter()
        .filter(|(c, _)| !matches!(c.as_str(), "id" | "workspace_id"))
        .map(|(c, v)| (Alias::new(c), SimpleExpr::from(v)))
        .collect();
    let stmt = Query::update()
        .table(Alias::new(table))
        .values(values)
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    conn.execute(&stmt).await
}

/// Deletes the rows of `table` in the workspace whose `column` is `id`.
pub async fn delete(
    conn: &mut Conn,
    ws: Uuid,
    table: &str,
    column: &str,
    id: Uuid,
) -> Result<u64, StoreError> {
    let stmt = Query::delete()
        .from_table(Alias::new(table))
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws))
        .and_where(Expr::col(Alias::new(column)).eq(id))
        .to_owned();
    conn.execute(&stmt).await
}

/// Those of `ids` that are the `id` of a row of `table` in the workspace.
pub async fn existing(
    conn: &mut Conn,
    ws: Uuid,
    table: &str,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("workspace_id")).eq(ws))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()))
        .to_owned();
    let rows: Vec<(Uuid,)> = conn.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}
