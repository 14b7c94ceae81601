//! `POST /api/v1/telephony/events`: a telephony system's call events (generic JSON,
//! Asterisk AMI-style as JSON or `Key: Value` text, Twilio-style form callbacks).
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ApiAuth, ApiQuery};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vinculo_app::telephony::{self, CallOutcome};
use vinculo_channels::telephony::{read, Body, Format, Hints, ReadError};

/// The largest call event taken (an AMI event is a few hundred bytes).
pub const EVENT_BODY_LIMIT: usize = 64 * 1024;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// `generic`, `asterisk` or `twilio`; told from the payload when missing.
    pub format: Option<String>,
    /// The agent extension to pop, when the payload cannot say (a Twilio callback URL).
    pub extension: Option<String>,
    /// The queue (a team's name) whose agents to pop.
    pub queue: Option<String>,
}

/// The generic call event (Asterisk and Twilio payloads are read as they are sent).
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct GenericCallEvent {
    /// `ringing`, `answered` or `ended`.
    event: String,
    /// The telephony system's id of the call, the same in each of its events.
    call_id: String,
    /// The calling number, as the system has it.
    from: String,
    to: Option<String>,
    /// The agent extension ringing or answering.
    extension: Option<String>,
    /// A team's name: its members' screens pop.
    queue: Option<String>,
    /// `inbound` (default) or `outbound` (an agent called: the customer is `to`).
    direction: Option<String>,
    /// RFC 3339; the time of receipt when missing.
    occurred_at: Option<String>,
    /// With `ended`: the talk time, when the system knows it.
    duration_seconds: Option<u32>,
    /// The system's name (default `telephony`).
    source: Option<String>,
}

/// What the event did.
#[derive(Serialize, ToSchema)]
pub struct EventOut {
    /// `ringing`, `answered`, `ended`, or `ignored` (an event about no call state, such as
    /// AMI's `Newexten` or Twilio's `queued`).
    pub status: String,
    /// The customer the number resolved to, or the call was logged on.
    pub customer_id: Option<Uuid>,
    /// How many agents were sent the card (at ringing) or its update.
    pub agents_notified: usize,
    /// At `ended`: the call's interaction on the customer's timeline.
    pub interaction_id: Option<Uuid>,
    /// At `ended`, when the call was not logged (a withheld number): why.
    pub not_logged: Option<String>,
}

impl From<CallOutcome> for EventOut {
    fn from(o: CallOutcome) -> Self {
        EventOut {
            status: o.state.as_str().to_owned(),
            customer_id: o.customer_id.map(|c| c.uuid()),
            agents_notified: o.agents,
            interaction_id: o.logged.map(|l| l.id.uuid()),
            not_logged: o.not_logged,
        }
    }
}

/// Takes one call event. On `ringing` the caller's number is resolved and every agent on the
/// event's extension (or in the team named by its queue) gets the customer's card on their
/// open Vinculo page at once; `answered` starts the talk time; `ended` logs the call on the
/// customer's timeline with its duration (idempotent by call id; an unknown number becomes a
/// prospect). Authenticate with `Authorization: Bearer <token>`, or with the token as the
/// HTTP Basic password for systems that can only put credentials in a URL.
#[utoipa::path(post, path = "/telephony/events", tag = "telephony", params(EventQuery),
    request_body(content = GenericCallEvent, description = "Generic JSON; also an Asterisk AMI event (JSON or text/plain `Key: Value` lines) or a Twilio status callback (application/x-www-form-urlencoded)"),
    responses((status = 200, body = EventOut),
        (status = 413, body = Problem, content_type = "application/problem+json", description = "body over 64 KiB"),
        (status = 415, body = Problem, content_type = "application/problem+json", description = "not JSON, form or text"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "not a call event")),
    security(("bearer" = []), ("session" = [])))]
pub async fn post_event(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<EventQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<EventOut>, ApiError> {
    let format = match q.format.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(f) => Some(Format::parse(f).ok_or_else(|| {
            ApiError::invalid("format", format!("{f:?}: use generic, asterisk or twilio"))
        })?),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_ascii_lowercase();
    let body = if content_type.starts_with("application/x-www-form-urlencoded") {
        Body::Form(&body)
    } else if content_type.starts_with("text/plain") {
        Body::Text(&body)
    } else if content_type.starts_with("application/json") || content_type.ends_with("+json") {
        Body::Json(&body)
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("{content_type}: send application/json, application/x-www-form-urlencoded or text/plain"),
        ));
    };
    let hints = Hints {
        extension: q.extension.filter(|e| !e.trim().is_empty()),
        queue: q.queue.filter(|e| !e.trim().is_empty()),
    };
    let event = match read(format, body, &hints) {
        Ok(Some(e)) => e,
        Ok(None) => {
            return Ok(Json(EventOut {
                status: "ignored".into(),
                customer_id: None,
                agents_notified: 0,
                interaction_id: None,
                not_logged: None,
            }))
        }
        Err(ReadError::Shape(message)) => return Err(ApiError::invalid("body", message)),
        Err(ReadError::Fields(issues)) => {
            return Err(ApiError::invalid_fields(
                issues
                    .into_iter()
                    .map(|i| FieldError {
                        code: Some(i.problem.code().to_owned()),
                        message: i.message(),
                        field: i.field,
                    })
                    .collect(),
            ))
        }
    };
    let outcome = telephony::handle(&state.app, &p, event).await?;
    Ok(Json(outcome.into()))
}
