//! Twilio-style call status callbacks (`CallSid`, `From`, `To`, `CallStatus`, `Direction`,
//! `CallDuration`, `Timestamp`), form-encoded as Twilio posts them. `CallStatus` maps
//! `ringing` → ringing, `in-progress` → answered, and `completed`, `busy`, `no-answer`,
//! `failed`, `canceled` → ended; `queued` and `initiated` say nothing yet. The agent is the
//! Twilio Client or SIP endpoint on the company's side (`client:ana` → `ana`,
//! `sip:201@pbx.example.com` → `201`); a plain phone number there names no agent, and the
//! callback URL's `?queue=` or `?extension=` says whom to pop.
use std::collections::BTreeMap;

use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::OffsetDateTime;
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_domain::interactions::{CallEvent, CallState, Direction};

use super::{field, required, seconds, Format, ReadError};

pub(super) fn read(fields: &BTreeMap<String, String>) -> Result<Option<CallEvent>, ReadError> {
    let status = required(fields, "CallStatus")?;
    let state = match status.as_str() {
        "ringing" => CallState::Ringing,
        "in-progress" | "answered" => CallState::Answered,
        "completed" | "busy" | "no-answer" | "failed" | "canceled" => CallState::Ended,
        "queued" | "initiated" => return Ok(None),
        other => {
            let expected = format!("a Twilio call status, not {other:?}");
            let issue = FieldIssue::new("CallStatus", Problem::NotOneOf(expected));
            return Err(ReadError::Fields(vec![issue]));
        }
    };
    let direction = match field(fields, "Direction") {
        Some(d) if d.starts_with("outbound") => Direction::Outbound,
        _ => Direction::Inbound,
    };
    let from = required(fields, "From")?;
    let to = field(fields, "To").map(str::to_owned);
    // The company's side of the call: the agent's endpoint, when it is one.
    let extension = match direction {
        Direction::Inbound => to.as_deref(),
        Direction::Outbound => Some(from.as_str()),
    }
    .and_then(endpoint);
    let occurred_at = match field(fields, "Timestamp") {
        Some(t) => Some(
            OffsetDateTime::parse(t, &Rfc2822)
                .or_else(|_| OffsetDateTime::parse(t, &Rfc3339))
                .map_err(|_| {
                    let issue = FieldIssue::new("Timestamp", Problem::NotATime(t.into()));
                    ReadError::Fields(vec![issue])
                })?,
        ),
        None => None,
    };
    let duration_seconds = match (state, field(fields, "CallDuration")) {
        (CallState::Ended, Some(d)) => Some(seconds("CallDuration", d)?),
        _ => None,
    };
    Ok(Some(CallEvent {
        source: Format::Twilio.as_str().to_owned(),
        call_id: required(fields, "CallSid")?,
        state,
        direction,
        // An outbound call's customer is `to` (`CallEvent::customer_number` knows).
        from,
        to,
        extension,
        queue: None,
        occurred_at,
        duration_seconds,
    }))
}

/// The agent named by a Twilio endpoint: `client:ana`, `sip:201@host`; `None` for a number.
fn endpoint(address: &str) -> Option<String> {
    let name = if let Some(client) = address.strip_prefix("client:") {
        client
    } else if let Some(sip) = address.strip_prefix("sip:") {
        sip.split('@').next().unwrap_or(sip)
    } else {
        return None;
    };
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}
