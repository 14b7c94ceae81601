//! Vinculo's own call event JSON, for any system that can post a webhook:
//! `{"event": "ringing", "call_id": "…", "from": "+34…", "to": "…", "extension": "201"}`.
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_domain::interactions::{CallEvent, CallState, Direction};

use super::{Format, ReadError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Generic {
    event: String,
    call_id: String,
    from: String,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    extension: Option<String>,
    #[serde(default)]
    queue: Option<String>,
    #[serde(default)]
    direction: Option<String>,
    #[serde(default)]
    occurred_at: Option<String>,
    #[serde(default)]
    duration_seconds: Option<u32>,
    /// The system's name, when several post generic events (default `telephony`).
    #[serde(default)]
    source: Option<String>,
}

pub(super) fn read(value: serde_json::Value) -> Result<Option<CallEvent>, ReadError> {
    let g: Generic = serde_json::from_value(value).map_err(|e| ReadError::Shape(e.to_string()))?;
    let mut issues = Vec::new();
    let state = CallState::parse(g.event.trim());
    if state.is_none() {
        let expected = format!("one of {}", CallState::names());
        issues.push(FieldIssue::new("event", Problem::NotOneOf(expected)));
    }
    let direction = match g.direction.as_deref().map(str::trim) {
        None | Some("") => Some(Direction::Inbound),
        Some(d) => Direction::parse(d),
    };
    if direction.is_none() {
        let expected = format!("one of {}", Direction::names());
        issues.push(FieldIssue::new("direction", Problem::NotOneOf(expected)));
    }
    let occurred_at = match g.occurred_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => match OffsetDateTime::parse(t, &Rfc3339) {
            Ok(t) => Some(t),
            Err(_) => {
                issues.push(FieldIssue::new("occurred_at", Problem::NotATime(t.into())));
                None
            }
        },
    };
    let (Some(state), Some(direction)) = (state, direction) else {
        return Err(ReadError::Fields(issues));
    };
    if !issues.is_empty() {
        return Err(ReadError::Fields(issues));
    }
    let text = |v: Option<String>| {
        v.map(|s| s.trim().to_owned())
            .filter(|s: &String| !s.is_empty())
    };
    Ok(Some(CallEvent {
        source: text(g.source).unwrap_or_else(|| Format::Generic.as_str().to_owned()),
        call_id: g.call_id.trim().to_owned(),
        state,
        direction,
        from: g.from.trim().to_owned(),
        to: text(g.to),
        extension: text(g.extension),
        queue: text(g.queue),
        occurred_at,
        duration_seconds: g.duration_seconds,
    }))
}
