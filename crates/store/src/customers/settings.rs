//! A workspace's customer settings: the country phones are read in, the lifecycle stages,
//! whether ingest adds new keys to known customers, the auto-merge threshold and how value
//! tiers are given, kept on the workspace row; and how many customers are at each stage.
use super::Customers;
use crate::{Conn, StoreError};
use sea_query::{Expr, Query};
use sqlx::types::Json;
use vinculo_domain::customers::tier::{Threshold, TierBasis, TierRule};
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
    /// How customers get their value tier.
    pub value_tiers: TierRule,
    /// ISO 4217: the tiers' thresholds and the spend they are compared with are in it.
    pub currency: String,
}

/// A workspace row's settings columns, in `COLUMNS` order.
type SettingsRow = (
    String,
    String,
    bool,
    Option<f64>,
    String,
    Json<Vec<Threshold>>,
    Option<String>,
    String,
);

const COLUMNS: [&str; 8] = [
    "default_country",
    "lifecycle_stages",
    "attach_new_keys",
    "auto_merge_above",
    "value_tier_basis",
    "value_tiers",
    "value_tier_field",
    "currency",
];

/// The workspace's customer settings.
pub async fn settings(conn: &mut Conn, ws: WorkspaceId) -> Result<CustomerSettings, StoreError> {
    use sea_query::Alias;
    let stmt = Query::select()
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("workspaces"))
        .and_where(Expr::col(Alias::new("id")).eq(ws.uuid()))
        .to_owned();
    // SQLite keeps the flag as INTEGER 0/1, which sqlx decodes as a bool like PostgreSQL's,
    // and the thresholds as JSON text, which `Json` reads like PostgreSQL's JSONB.
    let (default_country, stages, attach_new_keys, auto_merge_above, basis, tiers, field, currency): SettingsRow = conn
        .fetch_optional(&stmt)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("workspace {ws} has no row")))?;
    let basis = TierBasis::parse(&basis)
        .ok_or_else(|| StoreError::Corrupt(format!("value tier basis {basis:?}")))?;
    Ok(CustomerSettings {
        default_country,
        stages: stages.split(',').map(str::to_owned).collect(),
        attach_new_keys,
        auto_merge_above,
        value_tiers: TierRule {
            basis,
            thresholds: tiers.0,
            field,
        },
        currency,
    })
}

/// Stores the workspace's customer settings.
pub async fn set_settings(
    conn: &mut Conn,
    ws: WorkspaceId,
    s: &CustomerSettings,
) -> Result<(), StoreError> {
    use sea_query::Alias;
    let tiers = serde_json::to_value(&s.value_tiers.thresholds)
        .map_err(|e| StoreError::Corrupt(format!("value tiers: {e}")))?;
    let stmt = Query::update()
        .table(Alias::new("workspaces"))
        .value(Alias::new("default_country"), s.default_country.clone())
        .value(Alias::new("lifecycle_stages"), s.stages.join(","))
        .value(Alias::new("attach_new_keys"), s.attach_new_keys)
        .value(Alias::new("auto_merge_above"), s.auto_merge_above)
        .value(Alias::new("value_tier_basis"), s.value_tiers.basis.as_str())
        .value(Alias::new("value_tiers"), tiers)
        .value(Alias::new("value_tier_field"), s.value_tiers.field.clone())
        .value(Alias::new("currency"), s.currency.clone())
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
