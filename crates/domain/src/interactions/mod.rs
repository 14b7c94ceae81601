//! Interactions: every contact a customer has with the company, on any channel, as one
//! append-only timeline. An interaction says where (channel), which way (direction), what
//! (type), when, what was said, and the identity keys it was seen with; ingest ties it to the
//! customer those keys name (see `app::interactions`).
mod draft;

pub use call::{is_withheld, CallEvent, CallState, MAX_CALL_SECONDS, MAX_CALL_TEXT};
pub use draft::{IdentityDraft, InteractionDraft, LinksDraft, FUTURE_TOLERANCE_MINUTES};

use crate::identity::IdentityKey;
use crate::ids::CustomerId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),*
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The API's and the database's spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The values, comma separated (what an error lists).
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

// After the macro: the call module names its states with it.
mod call;

named_enum!(
    /// Where the contact happened.
    Channel {
        Phone = "phone",
        Email = "email",
        Chat = "chat",
        Sms = "sms",
        Web = "web",
        WebForm = "web_form",
        Social = "social",
        Fax = "fax",
        Visit = "visit",
        Event = "event",
        PointOfSale = "point_of_sale",
        Survey = "survey",
        Campaign = "campaign",
        MobileApp = "mobile_app",
        Other = "other",
    }
);

named_enum!(
    /// Who started it: the customer (inbound) or the company (outbound).
    Direction {
        Inbound = "inbound",
        Outbound = "outbound",
    }
);

named_enum!(
    /// What kind of contact it was, whatever the channel (a complaint can come by phone,
    /// e-mail or the web).
    InteractionType {
        Call = "call",
        Message = "message",
        Complaint = "complaint",
        Inquiry = "inquiry",
        Purchase = "purchase",
        Return = "return",
        PageView = "page_view",
        FormSubmission = "form_submission",
        SurveyResponse = "survey_response",
        CampaignResponse = "campaign_response",
        Visit = "visit",
        Appointment = "appointment",
        Note = "note",
        Other = "other",
    }
);

/// Records an interaction points to (each an id in the system it names).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<String>,
}

impl Links {
    pub fn is_empty(&self) -> bool {
        self.ticket_id.is_none() && self.order_id.is_none() && self.campaign_id.is_none()
    }
}

/// Who the interaction was with, as it was seen: a customer id when the sender knows it,
/// and the normalised keys (e-mail, phone, external and device ids as `device:…`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    pub customer_id: Option<CustomerId>,
    pub keys: Vec<IdentityKey>,
    /// A name to give a customer created for unknown keys.
    pub name: Option<String>,
}

/// A valid interaction, ready to be tied to its customer and stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Interaction {
    pub channel: Channel,
    pub direction: Direction,
    pub kind: InteractionType,
    pub occurred_at: OffsetDateTime,
    pub subject: Option<String>,
    /// Plain text.
    pub body: Option<String>,
    /// HTML, already sanitised (no scripts, styles, event handlers or remote images).
    pub body_html: Option<String>,
    /// Structured details, a JSON object.
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// The agent or user who handled it, as the source names them (extension, e-mail).
    pub agent: Option<String>,
    pub links: Links,
    pub identity: Identity,
    /// The system that reported it (`api`, `asterisk`, `shop`…).
    pub source: String,
    /// The source's own id for it: a second delivery with the same source and id is the
    /// same interaction.
    pub source_event_id: Option<String>,
}
