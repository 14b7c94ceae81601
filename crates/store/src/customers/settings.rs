//! A workspace's customer settings: the country phones are read in, the lifecycle stages and
//! whether ingest adds new keys to known customers, kept on the workspace row; and how many
//! customers are at each stage.
use super::Customers;
use crate::{Conn, StoreError};
use sea_query::{Expr, Query};
use vinculo_domain::ids::WorkspaceId;

/// How a workspace reads and classifies customers.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerSettings {
    /// ISO 3166 alpha-2: phones typed without a country code are read in it.
    pub default_country: String,
    /// Lifecycle stages in funnel order; the first is a new customer's.
    pub stages: Vec<String>,
    /// Whether keys no one owns, seen in an interaction with a customer's, are added to them.
    pub attach_new_keys: bool,
    /// Duplicate suggestions scored at or above this probability are merged automatically
    /// (`None`, the default: never).
    pub auto_merge_above: Option<f64>,
}

/// The workspace's customer settings.
pub async fn settings(conn: &mut Conn, ws: WorkspaceId) -> Result<CustomerSettings, StoreError> {
    use sea_query::Alias;
    let stmt = Query::select()
        .columns([
            Alias::new("default_country"),
            Alias::new("lifecycle_stages"),
            Alias::new("attach_new_keys"),
            Alias::new("auto_merge_above"),
        ])
        .from(Alias::new("workspaces"))
        .and_where(Expr::col(Alias::new("id")).eq(ws.uuid()))
        .to_owned();
    // SQLite keeps the flag as INTEGER 0/1, which sqlx decodes as a bool like PostgreSQL's.
    let (default_country, stages, attach_new_keys, auto_merge_above): (
        String,
        String,
        bool,
        Option<f64>,
    ) = conn
        .fetch_optional(&stmt)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("workspace {ws} has no row")))?;
    Ok(CustomerSettings {
        default_country,
        stages: stages.split(',').map(str::to_owned).collect(),
        attach_new_keys,
        auto_merge_above,
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
        .value(Alias::new("attach_new_keys"), s.attach_new_keys)
        .value(Alias::new("auto_merge_above"), s.auto_merge_above)
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
