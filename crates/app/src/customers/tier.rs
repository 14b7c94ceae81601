//! A customer's value tier, worked out when it is read (the 360 view, the screen pop's card,
//! the customer's page) from the workspace's rule (`vinculo_domain::customers::tier`): one sum
//! over the customer's purchases of the last twelve months, and, by field, the value already
//! on their record. Nothing is stored per customer, so a purchase or a changed threshold
//! shows at once, and a purchase leaving the twelve months drops out without a job.
use crate::{App, AppError, Principal};
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::tier::{year_before, TierBasis};
use vinculo_domain::ids::WorkspaceId;
use vinculo_store::customers::{self as store, CustomerRecord};
use vinculo_store::Conn;

/// Where a customer stands in the workspace's value tiers.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueTier {
    /// The tier's name; `None` when they reach no threshold (by spend) or the field is empty.
    pub name: Option<String>,
    pub basis: TierBasis,
    /// Their purchases of the last twelve months in minor units of `currency`, whatever the
    /// basis.
    pub spend_12m_cents: i64,
    pub currency: String,
}

/// The tier of `c`, read on `conn`: the workspace's settings (one row by key) and one range of
/// the customer's timeline.
pub(crate) async fn of(
    conn: &mut Conn,
    ws: WorkspaceId,
    c: &CustomerRecord,
) -> Result<ValueTier, AppError> {
    let s = store::settings(conn, ws).await?;
    let since = year_before(crate::now());
    let spend =
        vinculo_store::interactions::purchases_total(conn, ws, c.id, since, &s.currency).await?;
    Ok(ValueTier {
        name: s.value_tiers.tier(spend, &c.custom),
        basis: s.value_tiers.basis,
        spend_12m_cents: spend,
        currency: s.currency,
    })
}

/// The tier of a customer the caller has just read (their page).
pub async fn value_tier(
    app: &App,
    actor: &Principal,
    c: &CustomerRecord,
) -> Result<ValueTier, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    of(&mut conn, actor.workspace_id, c).await
}
