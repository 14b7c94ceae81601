//! `/api/v1/conversations`: the shared inbox over HTTP.
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath, ApiQuery};
use crate::interactions::api::InteractionOut;
use crate::state::AppState;
use crate::users::api::parse_cursor;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vinculo_app::conversations::{inbox, Thread};
use vinculo_app::AppError;
use vinculo_domain::conversations::{Channel, Status, StatusChange};
use vinculo_domain::ids::{ConversationId, CustomerId, TeamId, UserId};
use vinculo_store::conversations::{Assignee, ConversationRecord, InboxFilter};

/// A conversation of the inbox.
#[derive(Serialize, ToSchema)]
pub struct ConversationOut {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// Listed conversations only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    pub channel: String,
    pub subject: String,
    /// `open`, `pending`, `snoozed` or `resolved`.
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub snoozed_until: Option<OffsetDateTime>,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    /// The reference put in reply subjects, `[#VC-…]`.
    pub token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// The customer wrote since the caller last opened it (listed conversations only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<bool>,
    #[serde(with = "time::serde::rfc3339")]
    pub last_message_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

fn conversation_out(c: &ConversationRecord) -> ConversationOut {
    ConversationOut {
        id: c.id.uuid(),
        customer_id: c.customer_id.uuid(),
        customer_name: None,
        channel: c.channel.as_str().into(),
        subject: c.subject.clone(),
        status: c.status.as_str().into(),
        snoozed_until: c.snoozed_until,
        assignee_id: c.assignee_id.map(|u| u.uuid()),
        team_id: c.team_id.map(|t| t.uuid()),
        token: c.token.clone(),
        labels: None,
        unread: None,
        last_message_at: c.last_message_at,
        created_at: c.created_at,
    }
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub inline: bool,
    pub content_id: Option<String>,
    /// Why the file was not kept: `too_large:<limit in bytes>`; it cannot be downloaded then.
    pub refused: Option<String>,
}

/// A message or note of a conversation.
#[derive(Serialize, ToSchema)]
pub struct EntryOut {
    pub id: Uuid,
    /// `inbound`, `outbound`, `note`, `auto_reply` or `bounce`.
    pub kind: String,
    /// The message, for inbound and outbound entries.
    pub interaction: Option<InteractionOut>,
    pub attachments: Vec<AttachmentOut>,
    pub author_id: Option<Uuid>,
    /// A note's text, or an auto-reply's or bounce's.
    pub body: Option<String>,
    /// Outbound: `queued`, `sent`, `failed`, `undeliverable` or `in_doubt`.
    pub delivery: Option<String>,
    pub delivery_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A conversation with its entries, oldest first.
#[derive(Serialize, ToSchema)]
pub struct ThreadOut {
    pub conversation: ConversationOut,
    pub entries: Vec<EntryOut>,
}

fn thread_out(mut t: Thread) -> ThreadOut {
    let mut conversation = conversation_out(&t.conversation);
    conversation.labels = Some(std::mem::take(&mut t.labels));
    let entries = t
        .entries
        .iter()
        .map(|e| EntryOut {
            id: e.id.uuid(),
            kind: e.kind.as_str().into(),
            interaction: e
                .interaction_id
                .and_then(|i| t.interactions.remove(&i))
                .map(InteractionOut::from),
            attachments: t
                .attachments
                .iter()
                .filter(|a| Some(a.interaction_id) == e.interaction_id)
                .map(|a| AttachmentOut {
                    id: a.id.uuid(),
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    size: a.size,
                    inline: a.inline,
                    content_id: a.content_id.clone(),
                    refused: a.refused.clone(),
                })
                .collect(),
            author_id: e.author_id.map(|u| u.uuid()),
            body: e.body.clone(),
            delivery: e.delivery.map(|d| d.as_str().into()),
            delivery_error: e.delivery_error.clone(),
            created_at: e.created_at,
        })
        .collect();
    ThreadOut {
        conversation,
        entries,
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// `open`, `pending`, `snoozed` or `resolved` (all when left out).
    pub status: Option<String>,
    /// `email` or `web_form`.
    pub channel: Option<String>,
    /// `me`, `none`, or a user id.
    pub assignee: Option<String>,
    pub team: Option<Uuid>,
    pub label: Option<String>,
    pub customer: Option<Uuid>,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct InboxPage {
    pub data: Vec<ConversationOut>,
    pub next_cursor: Option<String>,
}

fn bad(field: &'static str, message: &str) -> ApiError {
    AppError::invalid(field, message).into()
}

/// The inbox: conversations by most recent activity, filtered.
#[utoipa::path(get, path = "/conversations", tag = "inbox", params(InboxQuery),
    responses((status = 200, body = InboxPage), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_conversations(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> Result<Json<InboxPage>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("") | Some("all") => None,
        Some(s) => Some(
            Status::parse(s)
                .ok_or_else(|| bad("status", "open, pending, snoozed, resolved or all"))?,
        ),
    };
    let channel = match q.channel.as_deref() {
        None | Some("") => None,
        Some(s) => Some(Channel::parse(s).ok_or_else(|| bad("channel", "email or web_form"))?),
    };
    let assignee = match q.assignee.as_deref() {
        None | Some("") | Some("anyone") => Assignee::Anyone,
        Some("me") => Assignee::User(p.user_id),
        Some("none") => Assignee::Nobody,
        Some(s) => Assignee::User(UserId(
            s.parse()
                .map_err(|_| bad("assignee", "me, none or a user id"))?,
        )),
    };
    let filter = InboxFilter {
        status,
        channel,
        assignee,
        team: q.team.map(TeamId),
        label: q
            .label
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty()),
        customer: q.customer.map(CustomerId),
    };
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let page = inbox::list(
        &state.app,
        &p,
        &filter,
        cursor.as_ref(),
        q.limit.unwrap_or(50),
    )
    .await?;
    Ok(Json(InboxPage {
        next_cursor: page.next.map(|c| c.encode()),
        data: page
            .items
            .into_iter()
            .map(|r| {
                let mut out = conversation_out(&r.conversation);
                out.customer_name = Some(r.customer_name);
                out.unread = Some(r.unread);
                out.labels = Some(r.labels);
                out
            })
            .collect(),
    }))
}

/// One conversation with its messages and notes; marks it read for the caller.
#[utoipa::path(get, path = "/conversations/{id}", tag = "inbox", params(("id" = Uuid, Path)),
    responses((status = 200, body = ThreadOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_conversation(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ThreadOut>, ApiError> {
    Ok(Json(thread_out(
        inbox::open(&state.app, &p, ConversationId(id)).await?,
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationPatch {
    /// `open`, `pending`, `resolved` or `snoozed` (with `snoozed_until`).
    pub status: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub snoozed_until: Option<OffsetDateTime>,
    /// A user id; `null` unassigns.
    #[serde(default, deserialize_with = "some")]
    pub assignee_id: Option<Option<Uuid>>,
    /// A team id; `null` clears.
    #[serde(default, deserialize_with = "some")]
    pub team_id: Option<Option<Uuid>>,
    /// Replaces the labels.
    pub labels: Option<Vec<String>>,
    /// `true`: give it to whoever's turn it is in its team (`team_id` when sent), instead of
    /// naming an agent. A move to a team that assigns by turn, with no `assignee_id`, does
    /// this by itself.
    pub assign_by_turn: Option<bool>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`).
fn some<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A status change by its name (`snoozed` needs `until`); `None` for none asked.
pub(crate) fn status_change(
    name: Option<&str>,
    until: Option<OffsetDateTime>,
) -> Result<Option<StatusChange>, ApiError> {
    Ok(match name {
        None | Some("") => None,
        Some("open") => Some(StatusChange::Open),
        Some("pending") => Some(StatusChange::Pending),
        Some("resolved") => Some(StatusChange::Resolve),
        Some("snoozed") => Some(StatusChange::Snooze {
            until: until.ok_or_else(|| bad("snoozed_until", "required to snooze"))?,
        }),
        Some(_) => return Err(bad("status", "open, pending, snoozed or resolved")),
    })
}

/// Changes a conversation's status, assignee, team or labels.
#[utoipa::path(patch, path = "/conversations/{id}", tag = "inbox", params(("id" = Uuid, Path)), request_body = ConversationPatch,
    responses((status = 200, body = ThreadOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn patch_conversation(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ConversationPatch>,
) -> Result<Json<ThreadOut>, ApiError> {
    let status = status_change(body.status.as_deref(), body.snoozed_until)?;
    let by_turn = body.assign_by_turn == Some(true);
    if by_turn && body.assignee_id.is_some() {
        return Err(bad(
            "assign_by_turn",
            "send either assignee_id or assign_by_turn",
        ));
    }
    let team = body.team_id.map(|t| t.map(TeamId));
    let change = inbox::Change {
        status,
        assignee: body.assignee_id.map(|a| a.map(UserId)),
        // By turn, the team is set with the turn (one change, one audit entry).
        team: team.filter(|_| !by_turn),
        labels: body.labels,
    };
    let id = ConversationId(id);
    let mut thread = inbox::change(&state.app, &p, id, &change).await?;
    if by_turn {
        thread = inbox::assign_by_turn(&state.app, &p, id, team.flatten()).await?;
    }
    Ok(Json(thread_out(thread)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteIn {
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct NoteOut {
    pub id: Uuid,
}

/// Adds an internal note (never sent to the customer).
#[utoipa::path(post, path = "/conversations/{id}/notes", tag = "inbox", params(("id" = Uuid, Path)), request_body = NoteIn,
    responses((status = 201, body = NoteOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn add_note(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<NoteIn>,
) -> Result<(StatusCode, Json<NoteOut>), ApiError> {
    let entry = inbox::add_note(&state.app, &p, ConversationId(id), &body.body).await?;
    Ok((StatusCode::CREATED, Json(NoteOut { id: entry.uuid() })))
}

#[derive(Serialize, ToSchema)]
pub struct UnreadOut {
    /// Open conversations, the caller's or nobody's, with a customer message they have not read.
    pub unread: u64,
}

/// How many conversations wait unread for the caller.
#[utoipa::path(get, path = "/conversations:unread", tag = "inbox",
    responses((status = 200, body = UnreadOut)), security(("bearer" = []), ("session" = [])))]
pub async fn unread(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<UnreadOut>, ApiError> {
    Ok(Json(UnreadOut {
        unread: inbox::unread(&state.app, &p).await?,
    }))
}
