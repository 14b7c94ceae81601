//! Instance-wide settings shared by every process on the database (not tenant data).
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, OnConflict, Query};

#[derive(Iden)]
enum InstanceSettings {
    Table,
    Name,
    Value,
}

pub async fn get(conn: &mut Conn, name: &str) -> Result<Option<String>, StoreError> {
    let stmt = Query::select()
        .column(InstanceSettings::Value)
        .from(InstanceSettings::Table)
        .and_where(Expr::col(InstanceSettings::Name).eq(name))
        .to_owned();
    Ok(conn
        .fetch_optional::<(String,), _>(&stmt)
        .await?
        .map(|(v,)| v))
}

/// Stores `value` unless the setting exists; returns the value that is stored either way,
/// so two processes starting at once end up agreeing.
pub async fn get_or_insert(conn: &mut Conn, name: &str, value: &str) -> Result<String, StoreError> {
    let stmt = Query::insert()
        .into_table(InstanceSettings::Table)
        .columns([InstanceSettings::Name, InstanceSettings::Value])
        .values_panic([name.into(), value.into()])
        .on_conflict(
            OnConflict::column(InstanceSettings::Name)
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    conn.execute(&stmt).await?;
    get(conn, name)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("setting {name} vanished")))
}
