//! The shared inbox's rules: a conversation's states and how messages move it between them,
//! what a conversation holds (messages and internal notes), and the reference token that
//! threads a reply whose headers were lost.
pub mod canned;
pub mod mailbox;
mod token;

pub use token::{find_token, token_for, TOKEN_PREFIX};

use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in the order they are listed to a user.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// Where a conversation stands.
    Status {
        /// Waiting for the company.
        Open = "open",
        /// Waiting for the customer (answered; a reply from them reopens it).
        Pending = "pending",
        /// Put aside until a time; it opens again then, or when the customer writes.
        Snoozed = "snoozed",
        /// Done. A new message from the customer opens it again.
        Resolved = "resolved",
    }
);

text_enum!(
    /// The channel a conversation came in on.
    Channel {
        Email = "email",
        WebForm = "web_form",
    }
);

text_enum!(
    /// What an entry of a conversation is.
    EntryKind {
        /// From the customer.
        Inbound = "inbound",
        /// A reply from the company.
        Outbound = "outbound",
        /// An agent's internal note: never sent to the customer.
        Note = "note",
        /// An automatic answer (out of office): kept in the thread, not treated as the
        /// customer writing, so it neither reopens the conversation nor counts as unread.
        AutoReply = "auto_reply",
        /// A delivery failure report for one of our replies.
        Bounce = "bounce",
    }
);

text_enum!(
    /// Where an outbound reply is on its way to the customer.
    Delivery {
        Queued = "queued",
        /// Taken by the SMTP server.
        Sent = "sent",
        /// The last attempt failed for a reason that may pass; it is tried again.
        Failed = "failed",
        /// Refused for good (unknown recipient, rejected), or bounced.
        Undeliverable = "undeliverable",
        /// The server stopped while handing it over: it may or may not have gone. It is not
        /// sent again without an agent's say, so a customer never gets a reply twice.
        InDoubt = "in_doubt",
    }
);

/// A change of status an agent asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusChange {
    Open,
    Pending,
    Resolve,
    Snooze { until: OffsetDateTime },
}

/// Why a status change was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("a conversation is snoozed until a time in the future")]
    SnoozeInThePast,
}

impl StatusChange {
    /// The status (and snooze time) after the change, at `now`.
    pub fn apply(
        self,
        now: OffsetDateTime,
    ) -> Result<(Status, Option<OffsetDateTime>), StatusError> {
        match self {
            StatusChange::Open => Ok((Status::Open, None)),
            StatusChange::Pending => Ok((Status::Pending, None)),
            StatusChange::Resolve => Ok((Status::Resolved, None)),
            StatusChange::Snooze { until } if until > now => Ok((Status::Snoozed, Some(until))),
            StatusChange::Snooze { .. } => Err(StatusError::SnoozeInThePast),
        }
    }
}

/// The status a conversation takes when an entry of `kind` arrives: the customer writing
/// opens it whatever it was; anything else leaves it as it is.
pub fn status_after(current: Status, kind: EntryKind) -> Status {
    match kind {
        EntryKind::Inbound => Status::Open,
        _ => current,
    }
}

/// The status a snoozed conversation has at `now`: open again once its time came.
pub fn wake(status: Status, until: Option<OffsetDateTime>, now: OffsetDateTime) -> Status {
    match (status, until) {
        (Status::Snoozed, Some(t)) if t <= now => Status::Open,
        (s, _) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_customer_writing_opens_a_conversation_whatever_its_state() {
        for s in Status::ALL {
            assert_eq!(status_after(*s, EntryKind::Inbound), Status::Open);
        }
    }

    #[test]
    fn notes_auto_replies_and_bounces_leave_the_state_alone() {
        for kind in [
            EntryKind::Note,
            EntryKind::AutoReply,
            EntryKind::Bounce,
            EntryKind::Outbound,
        ] {
            assert_eq!(status_after(Status::Resolved, kind), Status::Resolved);
            assert_eq!(status_after(Status::Pending, kind), Status::Pending);
        }
    }

    #[test]
    fn a_snooze_must_end_in_the_future_and_wakes_when_it_ends() {
        let now = datetime!(2026-11-23 10:00 UTC);
        let past = StatusChange::Snooze {
            until: datetime!(2026-11-23 09:00 UTC),
        };
        assert_eq!(past.apply(now), Err(StatusError::SnoozeInThePast));
        let until = datetime!(2026-11-24 09:00 UTC);
        let (status, at) = StatusChange::Snooze { until }.apply(now).expect("future");
        assert_eq!((status, at), (Status::Snoozed, Some(until)));
        assert_eq!(wake(status, at, now), Status::Snoozed);
        assert_eq!(wake(status, at, until), Status::Open);
        assert_eq!(wake(Status::Resolved, None, until), Status::Resolved);
    }

    #[test]
    fn values_read_back_from_their_text() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for d in Delivery::ALL {
            assert_eq!(Delivery::parse(d.as_str()), Some(*d));
        }
        assert_eq!(Status::parse("closed"), None);
    }
}
