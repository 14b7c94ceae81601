//! Call events from telephony systems, read into [`CallEvent`]s: Vinculo's generic JSON, an
//! Asterisk AMI-style event (as JSON or as AMI's own `Key: Value` lines) and a Twilio-style
//! status callback (form-encoded, as Twilio sends it, or JSON).
//!
//! A system's event that says nothing about a call's state (AMI's `Newexten`, Twilio's
//! `queued`) is read as `None`: the caller answers it as ignored rather than as an error, so a
//! PBX configured to send everything keeps working.
mod asterisk;
mod generic;
mod twilio;

use std::collections::BTreeMap;

use time::OffsetDateTime;
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_domain::interactions::CallEvent;

/// The payload formats understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Generic,
    Asterisk,
    Twilio,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "generic" | "json" => Some(Format::Generic),
            "asterisk" | "ami" => Some(Format::Asterisk),
            "twilio" => Some(Format::Twilio),
            _ => None,
        }
    }

    /// The spelling `?format=` takes, and the interaction's `source`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Generic => "telephony",
            Format::Asterisk => "asterisk",
            Format::Twilio => "twilio",
        }
    }
}

/// A request body, by its content type.
#[derive(Clone, Copy, Debug)]
pub enum Body<'a> {
    Json(&'a [u8]),
    /// `application/x-www-form-urlencoded`.
    Form(&'a [u8]),
    /// `text/plain`: AMI's `Key: Value` lines.
    Text(&'a [u8]),
}

/// What the request's query adds: the agent extension or queue a system cannot put in its
/// own payload (a Twilio status callback URL can carry `?queue=ventas`).
#[derive(Clone, Debug, Default)]
pub struct Hints {
    pub extension: Option<String>,
    pub queue: Option<String>,
}

/// Why a payload could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    /// Not JSON, not an object, a field of the wrong type or unknown: serde's words.
    #[error("{0}")]
    Shape(String),
    #[error("invalid call event")]
    Fields(Vec<FieldIssue>),
}

/// Reads one call event; `format` `None` tells it from the payload (an AMI `Event` key, a
/// Twilio `CallSid`, otherwise the generic JSON).
pub fn read(
    format: Option<Format>,
    body: Body<'_>,
    hints: &Hints,
) -> Result<Option<CallEvent>, ReadError> {
    let event = match body {
        Body::Json(bytes) => {
            let value: serde_json::Value = serde_json::from_slice(bytes)
                .map_err(|e| ReadError::Shape(format!("not JSON: {e}")))?;
            let serde_json::Value::Object(object) = value else {
                return Err(ReadError::Shape("expected a JSON object".into()));
            };
            let format = format.unwrap_or_else(|| detect(object.keys().map(String::as_str)));
            match format {
                Format::Generic => generic::read(serde_json::Value::Object(object)),
                Format::Asterisk => asterisk::read(&flatten(object)?),
                Format::Twilio => twilio::read(&flatten(object)?),
            }
        }
        Body::Form(bytes) => {
            let fields: BTreeMap<String, String> =
                url::form_urlencoded::parse(bytes).into_owned().collect();
            match format.unwrap_or_else(|| detect(fields.keys().map(String::as_str))) {
                Format::Asterisk => asterisk::read(&fields),
                Format::Twilio | Format::Generic => twilio::read(&fields),
            }
        }
        Body::Text(bytes) => asterisk::read(&asterisk::lines(bytes)?),
    }?;
    Ok(event.map(|mut e| {
        e.extension = hints.extension.clone().or(e.extension);
        e.queue = hints.queue.clone().or(e.queue);
        e
    }))
}

fn detect<'a>(mut keys: impl Iterator<Item = &'a str>) -> Format {
    let mut format = Format::Generic;
    for k in keys.by_ref() {
        match k {
            "Event" | "Linkedid" | "Uniqueid" => return Format::Asterisk,
            "CallSid" => format = Format::Twilio,
            _ => {}
        }
    }
    format
}

/// A JSON object of scalar values as text (AMI and Twilio send everything as text; a bridge
/// that turned `"Timestamp": "1.5"` into a number still means the same).
fn flatten(
    object: serde_json::Map<String, serde_json::Value>,
) -> Result<BTreeMap<String, String>, ReadError> {
    object
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k, s)),
            serde_json::Value::Number(n) => Ok((k, n.to_string())),
            serde_json::Value::Bool(b) => Ok((k, b.to_string())),
            _ => Err(ReadError::Shape(format!("{k}: expected text or a number"))),
        })
        .collect()
}

/// A field's trimmed, non-empty value.
fn field<'a>(fields: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn required(fields: &BTreeMap<String, String>, name: &str) -> Result<String, ReadError> {
    field(fields, name)
        .map(str::to_owned)
        .ok_or_else(|| ReadError::Fields(vec![FieldIssue::new(name, Problem::Missing)]))
}

/// A time in Unix seconds, with a fraction (AMI's `Timestamp: 1732271400.123456`).
fn unix_time(field: &str, raw: &str) -> Result<OffsetDateTime, ReadError> {
    let bad = || ReadError::Fields(vec![FieldIssue::new(field, Problem::NotATime(raw.into()))]);
    let seconds: f64 = raw.parse().map_err(|_| bad())?;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(bad());
    }
    let nanos = (seconds * 1e9) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| bad())
}

/// A whole number of seconds.
fn seconds(field: &str, raw: &str) -> Result<u32, ReadError> {
    raw.trim().parse().map_err(|_| {
        ReadError::Fields(vec![FieldIssue::new(
            field,
            Problem::NotANumber(raw.into()),
        )])
    })
}

#[cfg(test)]
mod tests;
