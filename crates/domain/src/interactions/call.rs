//! A telephony system's news about one call (ringing, answered, ended), whatever the system:
//! what the adapters (`vinculo_channels::telephony`) read Asterisk, Twilio or the generic
//! JSON into, and what the screen pop and the call log act on.
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::Direction;
use crate::customers::{FieldIssue, Problem};

named_enum!(
    /// Where a call is.
    CallState {
        Ringing = "ringing",
        Answered = "answered",
        Ended = "ended",
    }
);

/// The longest call id, number, extension or queue name kept (telephony systems use short
/// ids; a longer one is not a call id).
pub const MAX_CALL_TEXT: usize = 200;

/// A call lasting longer than this is a telephony system's mistake, not a call.
pub const MAX_CALL_SECONDS: u32 = 7 * 24 * 3600;

/// One event of one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallEvent {
    /// The system that sent it (`asterisk`, `twilio`, `telephony` for the generic format);
    /// with `call_id`, names the call.
    pub source: String,
    pub call_id: String,
    pub state: CallState,
    /// `Inbound`: the customer called (the number is `from`); `Outbound`: an agent did.
    pub direction: Direction,
    pub from: String,
    pub to: Option<String>,
    /// The agent extension ringing or answering.
    pub extension: Option<String>,
    /// The queue (a team's name) whose agents the call is offered to.
    pub queue: Option<String>,
    /// When the telephony system says it happened; the time of receipt when missing.
    pub occurred_at: Option<OffsetDateTime>,
    /// Talk time, when the system reports it with `ended`.
    pub duration_seconds: Option<u32>,
}

impl CallEvent {
    /// The customer's side of the call: the caller of an inbound call, the called number of
    /// an outbound one.
    pub fn customer_number(&self) -> &str {
        match (self.direction, self.to.as_deref()) {
            (Direction::Outbound, Some(to)) => to,
            _ => &self.from,
        }
    }

    /// Checks what the adapters could not: ids present and of a sane length.
    pub fn validate(&self) -> Result<(), Vec<FieldIssue>> {
        let mut issues = Vec::new();
        for (field, value) in [("call_id", Some(&self.call_id)), ("from", Some(&self.from))] {
            if value.is_none_or(|v| v.trim().is_empty()) {
                issues.push(FieldIssue::new(field, Problem::Missing));
            }
        }
        for (field, value) in [
            ("source", Some(&self.source)),
            ("call_id", Some(&self.call_id)),
            ("from", Some(&self.from)),
            ("to", self.to.as_ref()),
            ("extension", self.extension.as_ref()),
            ("queue", self.queue.as_ref()),
        ] {
            if value.is_some_and(|v| v.chars().count() > MAX_CALL_TEXT) {
                let max = MAX_CALL_TEXT;
                issues.push(FieldIssue::new(field, Problem::TooLong { max }));
            }
        }
        if self.duration_seconds.is_some_and(|d| d > MAX_CALL_SECONDS) {
            let problem = Problem::NotOneOf(format!("0 to {MAX_CALL_SECONDS} seconds"));
            issues.push(FieldIssue::new("duration_seconds", problem));
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }
}

/// Whether a caller's number says it was withheld ("anonymous", "Restricted", "unknown"):
/// nothing to resolve or to log against.
pub fn is_withheld(number: &str) -> bool {
    let n = number.trim().to_ascii_lowercase();
    n.is_empty()
        || [
            "anonymous",
            "restricted",
            "unknown",
            "private",
            "unavailable",
            "withheld",
        ]
        .iter()
        .any(|w| n.contains(w))
        || !n.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> CallEvent {
        CallEvent {
            source: "telephony".into(),
            call_id: "c-1".into(),
            state: CallState::Ringing,
            direction: Direction::Inbound,
            from: "+34 612 34 56 78".into(),
            to: Some("900 100 200".into()),
            extension: Some("201".into()),
            queue: None,
            occurred_at: None,
            duration_seconds: None,
        }
    }

    #[test]
    fn the_customer_of_an_outbound_call_is_the_called_number() {
        let mut e = event();
        assert_eq!(e.customer_number(), "+34 612 34 56 78");
        e.direction = Direction::Outbound;
        assert_eq!(e.customer_number(), "900 100 200");
    }

    #[test]
    fn a_call_needs_an_id_and_a_number_of_sane_length() {
        let mut e = event();
        assert_eq!(e.validate(), Ok(()));
        e.call_id = " ".into();
        e.extension = Some("9".repeat(MAX_CALL_TEXT + 1));
        let fields: Vec<String> = e
            .validate()
            .expect_err("an error")
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(fields, ["call_id", "extension"]);
    }

    #[test]
    fn withheld_numbers_are_recognised() {
        for n in [
            "anonymous",
            "Restricted",
            "",
            "unknown",
            "Private Number",
            "abc",
        ] {
            assert!(is_withheld(n), "{n}");
        }
        assert!(!is_withheld("+34612345678"));
    }
}
