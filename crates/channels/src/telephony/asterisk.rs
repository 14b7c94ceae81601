//! Asterisk's AMI call events, as an AMI-to-HTTP bridge forwards them (JSON of the event's
//! fields, or AMI's own `Key: Value` lines). A call is named by its `Linkedid`, which every
//! channel of the call shares (the caller's and each agent's), else by `Uniqueid`:
//! - `DialBegin`, `AgentCalled`, or `Newstate` with `ChannelStateDesc: Ringing` → ringing;
//!   the agent's extension is read from the dialled channel (`PJSIP/201-0000002a` → `201`);
//! - `DialEnd` with `DialStatus: ANSWER`, or `AgentConnect` → answered;
//! - `Hangup` → ended (every channel hangs up; the second is the same call logged again,
//!   which the call log answers as a duplicate).
use std::collections::BTreeMap;

use vinculo_domain::interactions::{CallEvent, CallState, Direction};

use super::{field, required, unix_time, Format, ReadError};

/// AMI's `Key: Value` lines (`\r\n` or `\n`), one event.
pub(super) fn lines(bytes: &[u8]) -> Result<BTreeMap<String, String>, ReadError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ReadError::Shape("AMI event is not UTF-8 text".into()))?;
    let mut fields = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            let at = n + 1;
            return Err(ReadError::Shape(format!(
                "line {at}: expected `Key: Value`, got {line:?}"
            )));
        };
        fields.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    Ok(fields)
}

pub(super) fn read(fields: &BTreeMap<String, String>) -> Result<Option<CallEvent>, ReadError> {
    let event = required(fields, "Event")?;
    let ringing = |f: &BTreeMap<String, String>| {
        f.get("ChannelStateDesc")
            .is_some_and(|s| s.eq_ignore_ascii_case("ringing"))
    };
    let state = match event.as_str() {
        "DialBegin" | "AgentCalled" => CallState::Ringing,
        "Newstate" if ringing(fields) => CallState::Ringing,
        "DialEnd" if field(fields, "DialStatus") == Some("ANSWER") => CallState::Answered,
        "AgentConnect" => CallState::Answered,
        "Hangup" => CallState::Ended,
        _ => return Ok(None),
    };
    let call_id = field(fields, "Linkedid")
        .or_else(|| field(fields, "Uniqueid"))
        .map(str::to_owned);
    let call_id = match call_id {
        Some(id) => id,
        None => required(fields, "Linkedid")?,
    };
    // On the agent's ringing channel (`Newstate`), the caller is the connected line.
    let from = if event == "Newstate" {
        field(fields, "ConnectedLineNum").or_else(|| field(fields, "CallerIDNum"))
    } else {
        field(fields, "CallerIDNum")
    };
    let from = match from {
        Some(f) => f.to_owned(),
        None => required(fields, "CallerIDNum")?,
    };
    let agent_channel = match event.as_str() {
        "Newstate" => field(fields, "Channel"),
        _ => field(fields, "DestChannel").or_else(|| field(fields, "Interface")),
    };
    let extension = agent_channel
        .and_then(channel_extension)
        .or_else(|| field(fields, "DestExten").map(str::to_owned));
    let occurred_at = match field(fields, "Timestamp") {
        Some(t) => Some(unix_time("Timestamp", t)?),
        None => None,
    };
    Ok(Some(CallEvent {
        source: Format::Asterisk.as_str().to_owned(),
        call_id,
        state,
        direction: Direction::Inbound,
        from,
        to: field(fields, "Exten").map(str::to_owned),
        extension,
        queue: field(fields, "Queue").map(str::to_owned),
        occurred_at,
        duration_seconds: None,
    }))
}

/// The endpoint of a channel name: `PJSIP/201-0000002a` → `201`, `SIP/alice-00000001` →
/// `alice`, `Local/201@from-queue-0001;1` → `201`.
fn channel_extension(channel: &str) -> Option<String> {
    let (_, rest) = channel.split_once('/')?;
    let end = rest.find(['-', '@', ';']).unwrap_or(rest.len());
    let ext = rest[..end].trim();
    (!ext.is_empty()).then(|| ext.to_owned())
}
