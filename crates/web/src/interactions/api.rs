//! `/api/v1/interactions`: ingest one interaction or a batch, read one;
//! `/api/v1/customers/{id}/interactions`: a customer's timeline, newest first.
use crate::customers::filters::moment;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::users::api::parse_cursor;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vinculo_app::interactions::{self, IngestResult, Outcome, MAX_BATCH};
use vinculo_domain::customers::FieldIssue;
use vinculo_domain::ids::{CustomerId, InteractionId};
use vinculo_domain::interactions::{Channel, InteractionDraft, InteractionType};
use vinculo_store::interactions::{InteractionRecord, TimelineFilter};
use vinculo_store::Cursor;

/// Who the interaction was with: the customer's id, or the keys it was seen with (at least
/// one). Unknown keys create a new prospect; keys seen with a known one are added to it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct IdentityIn {
    pub id: Option<Uuid>,
    pub email: Option<String>,
    /// Any spelling; read in the workspace's country without a country code.
    pub phone: Option<String>,
    /// `source:id`, e.g. `erp:C-0042`.
    pub external_id: Option<String>,
    /// A device or cookie id (kept as the external id `device:…`).
    pub device_id: Option<String>,
    /// The name of a customer created for unknown keys.
    pub name: Option<String>,
}

/// Records the interaction belongs to.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LinksIn {
    pub ticket_id: Option<String>,
    pub order_id: Option<String>,
    pub campaign_id: Option<String>,
}

/// An interaction to ingest.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InteractionIn {
    /// phone, email, chat, sms, web, web_form, social, fax, visit, event, point_of_sale,
    /// survey, campaign, mobile_app, other.
    pub channel: String,
    /// `inbound` (default) or `outbound`.
    pub direction: Option<String>,
    /// call, message, complaint, inquiry, purchase, return, page_view, form_submission,
    /// survey_response, campaign_response, visit, appointment, note, other.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    /// RFC 3339; now when missing. At most 5 minutes ahead of the server's clock.
    pub occurred_at: Option<String>,
    /// Up to 1,000 characters.
    pub subject: Option<String>,
    /// Plain text, up to 100,000 characters.
    pub body: Option<String>,
    /// HTML, up to 512 KiB; sanitised on arrival (no scripts, handlers or remote images).
    pub body_html: Option<String>,
    /// Any JSON object, up to 32 KiB.
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<serde_json::Value>,
    /// The agent or user who handled it (extension, e-mail, name).
    pub agent: Option<String>,
    pub links: Option<LinksIn>,
    pub customer: IdentityIn,
    /// The reporting system (`api` when missing).
    pub source: Option<String>,
    /// The source's id for this event: a repeated `(source, source_event_id)` is answered
    /// with the interaction already stored, never stored twice.
    pub source_event_id: Option<String>,
}

impl From<InteractionIn> for InteractionDraft {
    fn from(i: InteractionIn) -> Self {
        let c = i.customer;
        InteractionDraft {
            channel: Some(i.channel),
            direction: i.direction,
            kind: Some(i.kind),
            occurred_at: i.occurred_at,
            subject: i.subject,
            body: i.body,
            body_html: i.body_html,
            attributes: i.attributes,
            agent: i.agent,
            links: i.links.map(|l| vinculo_domain::interactions::LinksDraft {
                ticket_id: l.ticket_id,
                order_id: l.order_id,
                campaign_id: l.campaign_id,
            }),
            customer: Some(vinculo_domain::interactions::IdentityDraft {
                id: c.id.map(|u| u.to_string()),
                email: c.email,
                phone: c.phone,
                external_id: c.external_id,
                device_id: c.device_id,
                name: c.name,
            }),
            source: i.source,
            source_event_id: i.source_event_id,
        }
    }
}

/// A stored interaction.
#[derive(Serialize, ToSchema)]
pub struct InteractionOut {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub channel: String,
    pub direction: String,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// Sanitised HTML.
    pub body_html: Option<String>,
    #[schema(value_type = Object)]
    pub attributes: serde_json::Map<String, serde_json::Value>,
    pub agent: Option<String>,
    pub links: LinksIn,
    /// The identity keys it was seen with, `kind:value`.
    pub keys: Vec<String>,
    /// `user:<id>` or `token:<id>`.
    pub recorded_by: String,
    pub source: String,
    pub source_event_id: Option<String>,
}

impl From<InteractionRecord> for InteractionOut {
    fn from(r: InteractionRecord) -> Self {
        InteractionOut {
            id: r.id.uuid(),
            customer_id: r.customer_id.uuid(),
            channel: r.channel.as_str().to_owned(),
            direction: r.direction.as_str().to_owned(),
            kind: r.kind.as_str().to_owned(),
            occurred_at: r.occurred_at,
            recorded_at: r.recorded_at,
            subject: r.subject,
            body: r.body,
            body_html: r.body_html,
            attributes: r.attributes,
            agent: r.agent,
            links: LinksIn {
                ticket_id: r.links.ticket_id,
                order_id: r.links.order_id,
                campaign_id: r.links.campaign_id,
            },
            keys: r.keys,
            recorded_by: r.recorded_by,
            source: r.source,
            source_event_id: r.source_event_id,
        }
    }
}

/// What ingest did with one interaction.
#[derive(Serialize, ToSchema)]
pub struct Ingested {
    /// `created`, `duplicate` (its source event was already stored: this is that
    /// interaction) or, in a batch, `rejected`.
    pub status: &'static str,
    pub id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    /// A new prospect was created for its unknown keys.
    pub new_customer: bool,
    /// Why it was rejected (batch only; a single interaction gets a 422 instead).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

fn field_errors(issues: Vec<FieldIssue>, prefix: &str) -> Vec<FieldError> {
    issues
        .into_iter()
        .map(|i| FieldError {
            code: Some(i.problem.code().to_owned()),
            message: i.message(),
            field: match i.field.as_str() {
                "" => prefix.trim_end_matches('.').to_owned(),
                f => format!("{prefix}{f}"),
            },
        })
        .collect()
}

impl Ingested {
    fn of(r: IngestResult, prefix: &str) -> Ingested {
        match r {
            Ok(i) => Ingested {
                status: match i.outcome {
                    Outcome::Created => "created",
                    Outcome::Duplicate => "duplicate",
                },
                id: Some(i.id.uuid()),
                customer_id: Some(i.customer_id.uuid()),
                new_customer: i.new_customer,
                errors: Vec::new(),
            },
            Err(issues) => Ingested {
                status: "rejected",
                id: None,
                customer_id: None,
                new_customer: false,
                errors: field_errors(issues, prefix),
            },
        }
    }
}

/// Ingests one interaction: 201 when stored, 200 when its source event was already stored.
/// Answered only after it is durably committed.
#[utoipa::path(post, path = "/interactions", tag = "interactions", request_body = InteractionIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = Ingested), (status = 200, body = Ingested, description = "duplicate"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn ingest_one(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<InteractionIn>,
) -> Result<(StatusCode, Json<Ingested>), ApiError> {
    let draft = InteractionDraft::from(body);
    let mut results = interactions::ingest(&state.app, &p, std::slice::from_ref(&draft)).await?;
    let Some(r) = results.pop() else {
        return Err(vinculo_app::AppError::Internal("ingest answered nothing".into()).into());
    };
    match r {
        Err(issues) => Err(ApiError::invalid_fields(field_errors(issues, ""))),
        Ok(i) => {
            let status = match i.outcome {
                Outcome::Created => StatusCode::CREATED,
                Outcome::Duplicate => StatusCode::OK,
            };
            Ok((status, Json(Ingested::of(Ok(i), ""))))
        }
    }
}

/// A batch to ingest.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchIn {
    /// Up to 1,000 interactions, each as for `POST /interactions`.
    #[schema(value_type = Vec<InteractionIn>)]
    pub interactions: Vec<serde_json::Value>,
}

/// What a batch did, one result per interaction in the order sent.
#[derive(Serialize, ToSchema)]
pub struct BatchOut {
    pub created: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub results: Vec<Ingested>,
}

/// Ingests up to 1,000 interactions in one transaction. An interaction that is invalid is
/// rejected alone (its `errors` name the fields as `interactions[i].field`); the others are
/// stored. Answered only after the batch is durably committed.
#[utoipa::path(post, path = "/interactions:batch", tag = "interactions", request_body = BatchIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 200, body = BatchOut),
        (status = 413, body = Problem, content_type = "application/problem+json", description = "body over 16 MiB"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "not a batch, or more than 1,000")),
    security(("bearer" = []), ("session" = [])))]
pub async fn ingest_batch(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<BatchIn>,
) -> Result<Json<BatchOut>, ApiError> {
    if body.interactions.len() > MAX_BATCH {
        return Err(ApiError::invalid(
            "interactions",
            format!(
                "{} interactions: at most {MAX_BATCH} per batch",
                body.interactions.len()
            ),
        ));
    }
    // Each item is read alone, so one of the wrong shape is rejected by itself.
    let mut shape_errors: Vec<Option<FieldError>> = Vec::with_capacity(body.interactions.len());
    let mut drafts = Vec::with_capacity(body.interactions.len());
    for (i, v) in body.interactions.into_iter().enumerate() {
        match serde_json::from_value::<InteractionIn>(v) {
            Ok(d) => {
                drafts.push(InteractionDraft::from(d));
                shape_errors.push(None);
            }
            Err(e) => shape_errors.push(Some(FieldError {
                field: format!("interactions[{i}]"),
                code: Some("invalid_shape".into()),
                message: e.to_string(),
            })),
        }
    }
    let mut ingested = interactions::ingest(&state.app, &p, &drafts)
        .await?
        .into_iter();
    let results: Vec<Ingested> = shape_errors
        .into_iter()
        .enumerate()
        .map(|(i, shape)| match shape {
            Some(e) => Ingested {
                status: "rejected",
                id: None,
                customer_id: None,
                new_customer: false,
                errors: vec![e],
            },
            None => match ingested.next() {
                Some(r) => Ingested::of(r, &format!("interactions[{i}].")),
                None => Ingested::of(Err(Vec::new()), ""),
            },
        })
        .collect();
    let count = |s: &str| results.iter().filter(|r| r.status == s).count();
    Ok(Json(BatchOut {
        created: count("created"),
        duplicates: count("duplicate"),
        rejected: count("rejected"),
        results,
    }))
}

/// One interaction.
#[utoipa::path(get, path = "/interactions/{id}", tag = "interactions", params(("id" = Uuid, Path)),
    responses((status = 200, body = InteractionOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_interaction(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<InteractionOut>, ApiError> {
    let r = interactions::get(&state.app, &p, InteractionId(id)).await?;
    Ok(Json(r.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Channels, comma separated (`phone,email`).
    pub channel: Option<String>,
    /// Types, comma separated (`call,complaint`).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// From this day (`2026-11-01`) or time (RFC 3339), inclusive.
    pub from: Option<String>,
    /// Until this day (inclusive) or time (exclusive).
    pub until: Option<String>,
    pub cursor: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct Timeline {
    pub data: Vec<InteractionOut>,
    pub next_cursor: Option<String>,
}

/// Comma-separated values of a named enum; an unknown one names the accepted values.
fn list_of<T>(
    field: &str,
    raw: Option<&str>,
    parse: fn(&str) -> Option<T>,
    names: fn() -> String,
) -> Result<Vec<T>, ApiError> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            parse(s).ok_or_else(|| {
                ApiError::invalid(field, format!("unknown {s:?}: use one of {}", names()))
            })
        })
        .collect()
}

/// A customer's interactions on every channel, newest first.
#[utoipa::path(get, path = "/customers/{id}/interactions", tag = "interactions",
    params(("id" = Uuid, Path), TimelineParams),
    responses((status = 200, body = Timeline), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn customer_timeline(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<TimelineParams>,
) -> Result<Json<Timeline>, ApiError> {
    let filter = TimelineFilter {
        channels: list_of(
            "channel",
            q.channel.as_deref(),
            Channel::parse,
            Channel::names,
        )?,
        kinds: list_of(
            "type",
            q.kind.as_deref(),
            InteractionType::parse,
            InteractionType::names,
        )?,
        from: q
            .from
            .as_deref()
            .map(|v| moment("from", v, false))
            .transpose()?,
        until: q
            .until
            .as_deref()
            .map(|v| moment("until", v, true))
            .transpose()?,
    };
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let page = interactions::timeline(
        &state.app,
        &p,
        CustomerId(id),
        &filter,
        cursor.as_ref(),
        limit,
    )
    .await?;
    Ok(Json(Timeline {
        next_cursor: page.next.map(Cursor::encode),
        data: page.items.into_iter().map(InteractionOut::from).collect(),
    }))
}

/// A suggestion that two customers are one person.
#[derive(Serialize, ToSchema)]
pub struct SuggestionOut {
    pub id: Uuid,
    pub customer_a: Uuid,
    pub customer_b: Uuid,
    /// `shared_interaction`: one interaction was seen with keys of both;
    /// `duplicate_score`: the duplicate finder scored them alike.
    pub reason: String,
    /// What was seen: the keys and the interaction, or the score and each field's part.
    #[schema(value_type = Object)]
    pub evidence: serde_json::Value,
    /// The probability that the two are one person (`duplicate_score` only).
    pub score: Option<f64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionList {
    pub data: Vec<SuggestionOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub cursor: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
}

/// Open suggestions that two customers are one, newest first.
#[utoipa::path(get, path = "/merge-suggestions", tag = "interactions", params(PageParams),
    responses((status = 200, body = SuggestionList)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_suggestions(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<SuggestionList>, ApiError> {
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let page =
        interactions::merge_suggestions(&state.app, &p, cursor.as_ref(), q.limit.unwrap_or(50))
            .await?;
    Ok(Json(SuggestionList {
        next_cursor: page.next.map(Cursor::encode),
        data: page
            .items
            .into_iter()
            .map(|s| SuggestionOut {
                id: s.id.uuid(),
                customer_a: s.customer_a.uuid(),
                customer_b: s.customer_b.uuid(),
                reason: s.reason,
                evidence: s.evidence,
                score: s.score,
                created_at: s.created_at,
            })
            .collect(),
    }))
}

/// How a customer gets in touch on one channel.
#[derive(Serialize, ToSchema)]
pub struct ChannelUseOut {
    pub channel: String,
    pub interactions: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub last_at: OffsetDateTime,
}

/// A customer on one screen.
#[derive(Serialize, ToSchema)]
pub struct Customer360Out {
    pub customer: crate::customers::api::Customer,
    /// Their value tier, and what they spent in the last 12 months.
    pub value_tier: crate::customers::tier::ValueTierOut,
    pub consents: crate::customers::api::Consents,
    /// The channels they use, the most used first.
    pub channels: Vec<ChannelUseOut>,
    /// Complaints of the last 90 days, newest first (at most 10).
    pub recent_complaints: Vec<InteractionOut>,
    /// Their last purchase (a `purchase` interaction, until orders exist).
    pub last_purchase: Option<InteractionOut>,
    /// The newest 20 interactions; `next_cursor` continues with
    /// `GET /customers/{id}/interactions?cursor=…`.
    pub timeline: Timeline,
}

/// Everything about a customer: profile and identity keys, stage, value tier, consents,
/// channels, recent complaints, last purchase and the newest interactions on every channel.
#[utoipa::path(get, path = "/customers/{id}/360", tag = "interactions", params(("id" = Uuid, Path)),
    responses((status = 200, body = Customer360Out), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn customer_360(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Customer360Out>, ApiError> {
    let v = interactions::customer_360(&state.app, &p, CustomerId(id)).await?;
    Ok(Json(Customer360Out {
        customer: v.customer.into(),
        value_tier: v.value_tier.into(),
        consents: crate::customers::api::consents_out(v.consents),
        channels: v
            .summary
            .channels
            .into_iter()
            .map(|c| ChannelUseOut {
                channel: c.channel.as_str().to_owned(),
                interactions: c.interactions,
                last_at: c.last_at,
            })
            .collect(),
        recent_complaints: v
            .summary
            .recent_complaints
            .into_iter()
            .map(InteractionOut::from)
            .collect(),
        last_purchase: v.summary.last_purchase.map(InteractionOut::from),
        timeline: Timeline {
            next_cursor: v.timeline.next.map(Cursor::encode),
            data: v
                .timeline
                .items
                .into_iter()
                .map(InteractionOut::from)
                .collect(),
        },
    }))
}
