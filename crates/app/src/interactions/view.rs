//! A customer at a glance: how they get in touch, their recent complaints and last purchase
//! (the summary the customer page and the screen pop open with), and the 360 view that adds
//! the record, the value tier, the consents and the newest page of the timeline.
use time::OffsetDateTime;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::ids::{CustomerId, WorkspaceId};
use vinculo_domain::interactions::InteractionType;
use vinculo_store::customers as customer_store;
use vinculo_store::interactions::{self as store, InteractionRecord, TimelineFilter};
use vinculo_store::{Conn, Page};

use crate::{App, AppError, Principal};

/// How far back complaints count as recent.
pub const COMPLAINT_DAYS: i64 = 90;

/// Recent complaints listed.
const COMPLAINTS: u64 = 10;

/// Entries of the timeline the 360 view starts with.
const FIRST_PAGE: u64 = 20;

/// How a customer stands with the company.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The channels they used, the most used first.
    pub channels: Vec<store::ChannelUse>,
    /// Complaints of the last [`COMPLAINT_DAYS`] days, newest first. Until tickets exist,
    /// a complaint has no state to say it was solved, so recent ones are what is shown.
    pub recent_complaints: Vec<InteractionRecord>,
    /// Their last purchase (until orders exist, a `purchase` interaction).
    pub last_purchase: Option<InteractionRecord>,
}

/// Everything about a customer on one screen.
pub struct Customer360 {
    pub customer: customer_store::CustomerRecord,
    pub value_tier: crate::customers::ValueTier,
    pub consents: Vec<vinculo_domain::customers::consent::ConsentEntry>,
    pub summary: Summary,
    pub timeline: Page<InteractionRecord>,
}

/// The interactions of one type, newest first (since `from`, when given).
pub(crate) async fn of_kind(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    kind: InteractionType,
    from: Option<OffsetDateTime>,
    limit: u64,
) -> Result<Vec<InteractionRecord>, AppError> {
    let filter = TimelineFilter {
        kinds: vec![kind],
        from,
        ..TimelineFilter::default()
    };
    Ok(store::timeline(conn, ws, id, &filter, None, limit)
        .await?
        .items)
}

/// Complaints since this long ago count as recent.
pub(crate) fn complaints_since() -> OffsetDateTime {
    OffsetDateTime::now_utc() - time::Duration::days(COMPLAINT_DAYS)
}

async fn summary_of(conn: &mut Conn, ws: WorkspaceId, id: CustomerId) -> Result<Summary, AppError> {
    let channels = store::channel_use(conn, ws, id).await?;
    let since = Some(complaints_since());
    let recent_complaints =
        of_kind(conn, ws, id, InteractionType::Complaint, since, COMPLAINTS).await?;
    let last_purchase = of_kind(conn, ws, id, InteractionType::Purchase, None, 1)
        .await?
        .pop();
    Ok(Summary {
        channels,
        recent_complaints,
        last_purchase,
    })
}

/// A customer's [`Summary`].
pub async fn summary(app: &App, actor: &Principal, id: CustomerId) -> Result<Summary, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    actor.require(Area::Interactions, Access::Read)?;
    let ws = actor.workspace_id;
    let mut conn = app.db.conn().await?;
    if !customer_store::exists(&mut conn, ws, id).await? {
        return Err(AppError::NotFound("customer"));
    }
    summary_of(&mut conn, ws, id).await
}

/// The 360 view of a customer (see [`Customer360`]).
pub async fn customer_360(
    app: &App,
    actor: &Principal,
    id: CustomerId,
) -> Result<Customer360, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    actor.require(Area::Interactions, Access::Read)?;
    let ws = actor.workspace_id;
    let mut conn = app.db.conn().await?;
    let customer = customer_store::get(&mut conn, ws, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    let value_tier = crate::customers::tier::of(&mut conn, ws, &customer).await?;
    let consents = vinculo_store::consent::ledger(&mut conn, ws, id).await?;
    let summary = summary_of(&mut conn, ws, id).await?;
    let all = TimelineFilter::default();
    let timeline = store::timeline(&mut conn, ws, id, &all, None, FIRST_PAGE).await?;
    Ok(Customer360 {
        customer,
        value_tier,
        consents,
        summary,
        timeline,
    })
}
