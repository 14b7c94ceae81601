//! The screen pop's card: what an agent needs to know before answering (who, their value
//! tier, complaints, last contacts and purchase), read in a handful of indexed look-ups (the
//! card has to reach the agent's screen within the first ring).
use vinculo_domain::customers::Kind;
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{CustomerId, WorkspaceId};
use vinculo_domain::interactions::InteractionType;
use vinculo_store::customers as customer_store;
use vinculo_store::interactions::{self as store, InteractionRecord, TimelineFilter};
use vinculo_store::telephony::Call;
use vinculo_store::Conn;

use crate::customers::ValueTier;
use crate::interactions::view::{complaints_since, of_kind};
use crate::AppError;

/// Contacts shown on a card.
const LAST_CONTACTS: u64 = 3;

/// A call, and the customer on it when the number is known.
#[derive(Clone, Debug, PartialEq)]
pub struct CallCard {
    pub call: Call,
    pub customer: Option<CardCustomer>,
}

/// Who is calling.
#[derive(Clone, Debug, PartialEq)]
pub struct CardCustomer {
    pub id: CustomerId,
    pub kind: Kind,
    pub name: String,
    pub lifecycle_stage: String,
    pub value_tier: ValueTier,
    pub organizations: Vec<String>,
    pub tags: Vec<String>,
    /// Complaints of the last [`COMPLAINT_DAYS`](crate::interactions::COMPLAINT_DAYS) days, newest first (until tickets exist,
    /// a recent complaint is an open one: do not cross-sell).
    pub complaints: Vec<InteractionRecord>,
    /// The last contacts on any channel, newest first.
    pub last: Vec<InteractionRecord>,
    pub last_purchase: Option<InteractionRecord>,
}

/// The customer owning the phone number (E.164), as a card.
pub(super) async fn customer(
    conn: &mut Conn,
    ws: WorkspaceId,
    phone: &str,
) -> Result<Option<CardCustomer>, AppError> {
    let owners = customer_store::owners_of_keys(conn, ws, &[(KeyKind::Phone, phone)]).await?;
    let Some((id, _, _)) = owners.into_iter().next() else {
        return Ok(None);
    };
    let Some(c) = customer_store::get(conn, ws, id).await? else {
        return Ok(None);
    };
    let value_tier = crate::customers::tier::of(conn, ws, &c).await?;
    let since = Some(complaints_since());
    let complaints = of_kind(conn, ws, id, InteractionType::Complaint, since, 3).await?;
    let last = store::timeline(
        conn,
        ws,
        id,
        &TimelineFilter::default(),
        None,
        LAST_CONTACTS,
    )
    .await?
    .items;
    let last_purchase = of_kind(conn, ws, id, InteractionType::Purchase, None, 1)
        .await?
        .pop();
    Ok(Some(CardCustomer {
        id,
        kind: c.kind,
        name: c.display_name,
        lifecycle_stage: c.lifecycle_stage,
        value_tier,
        organizations: c.affiliations.into_iter().map(|a| a.name).collect(),
        tags: c.tags,
        complaints,
        last,
        last_purchase,
    }))
}
