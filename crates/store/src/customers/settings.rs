//! A workspace's customer settings: the country phones are read in and the lifecycle stages,
//! kept on the workspace row; and how many customers are at each stage.
use super::Customers;
use crate::{Conn, StoreError};
use sea_query::{Expr, Query};
use vinculo_domain::ids::WorkspaceId;

/// How a workspace reads and classifies customers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerSettings {
    /// ISO 3166 alpha-2: phones typed without a country code are read in it.
    pub default_country: String,
    /// Lifecycle stages in funnel order; the first is a new customer's.
    pub stages: Vec<String>,
}

/// The workspace's customer settings.
pub async fn settings(conn: &mut Conn, ws: WorkspaceId) -> Result<CustomerSettings, StoreError> {
    use sea_query::Alias;
    let stmt = Query::select()
        .columns([
            Alias::new("default_country"),
            Alias::new("lifecycle_stages"),
        ])
        .from(Alias::new("workspaces"))
        .and_where(Expr::col(Alias::new("id")).eq(ws.uuid()))
        .to_owned();
    let (default_country, stages): (String, String) = conn
        .fetch_optional(&stmt)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("workspace {ws} has no row")))?;
    Ok(CustomerSettings {
        default_country,
        stages: stages.split(',').map(str::to_owned).collect(),
    })
}

/// Stores the workspace's customer settings.
pub async fn set_settings(
    conn: &mut Conn,
    ws: WorkspaceId,
    s: &CustomerSettings,
) -> Result<(), StoreError> {
    use sea_query::Alias;
    let stmt = Query::update()
        .table(Alias::new("workspaces"))
        .value(Alias::new("default_country"), s.default_country.clone())
        .value(Alias::new("lifecycle_stages"), s.stages.join(","))
        .and_where(Expr::col(Alias::new("id")).eq(ws.uuid()))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// How many customers are at each stage (only stages in use).
pub async fn stage_counts(
    conn: &mut Conn,
    ws: WorkspaceId,
) -> Result<Vec<(String, i64)>, StoreError> {
    let stmt = Query::select()
        .column(Customers::LifecycleStage)
        .expr(Expr::col(Customers::Id).count())
        .from(Customers::Table)
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .group_by_col(Customers::LifecycleStage)
        .to_owned();
    conn.fetch_all(&stmt).await
}
