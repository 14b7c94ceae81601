//! `POST /api/v1/conversations/{id}/replies`: answering a customer by e-mail, and sending a
//! failed or doubtful reply again.
use super::api::status_change;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use base64::Engine;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;
use vinculo_app::conversations::reply::{self, OutgoingFile, ReplyDraft, MAX_FILE_BYTES};
use vinculo_app::AppError;
use vinculo_domain::ids::{ConversationId, EntryId};

/// A reply's files arrive base64-encoded (a third larger), beside the text.
pub const REPLY_BODY_LIMIT: usize = MAX_FILE_BYTES / 3 * 4 + 1024 * 1024;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileIn {
    pub filename: String,
    /// A MIME type, `application/pdf`; `application/octet-stream` when left out.
    pub content_type: Option<String>,
    /// The file's bytes, base64 (standard alphabet).
    pub content_base64: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyIn {
    /// The text; the mailbox's signature is added below it.
    pub body: String,
    /// Copies to others than the customer.
    #[serde(default)]
    pub cc: Vec<String>,
    /// Instead of `Re: <the conversation's subject>`; the conversation's `[#VC-…]`
    /// reference is added either way.
    pub subject: Option<String>,
    /// The conversation's status once the reply is queued: `open`, `pending`, `resolved` or
    /// `snoozed` (with `snoozed_until`). Left out: unchanged.
    pub status: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub snoozed_until: Option<OffsetDateTime>,
    #[serde(default)]
    pub attachments: Vec<FileIn>,
}

#[derive(Serialize, ToSchema)]
pub struct ReplyOut {
    /// The reply's entry in the conversation.
    pub id: Uuid,
    pub interaction_id: Uuid,
    /// Its Message-ID, without angle brackets.
    pub message_id: String,
    pub to: String,
    /// `queued`: it is in the outbox; the conversation shows when the server took it.
    pub delivery: String,
}

/// Answers the customer by e-mail, from the mailbox the conversation came in on.
///
/// The reply is recorded (on the customer's timeline and in the conversation) and queued in
/// the same transaction; it is sent right after, and retried with a growing delay while the
/// mail server cannot take it. Its delivery shows on the conversation's entry.
#[utoipa::path(post, path = "/conversations/{id}/replies", tag = "inbox", params(("id" = Uuid, Path)), request_body = ReplyIn,
    responses((status = 201, body = ReplyOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn post_reply(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReplyIn>,
) -> Result<(StatusCode, Json<ReplyOut>), ApiError> {
    let mut files = Vec::with_capacity(body.attachments.len());
    for f in &body.attachments {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(f.content_base64.trim())
            .map_err(|_| {
                ApiError::from(AppError::invalid(
                    "attachments",
                    format!("the content of \"{}\" is not base64", f.filename),
                ))
            })?;
        files.push(OutgoingFile {
            filename: f.filename.clone(),
            content_type: f
                .content_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
            bytes,
        });
    }
    let draft = ReplyDraft {
        body: body.body,
        cc: body.cc,
        subject: body.subject,
        status: status_change(body.status.as_deref(), body.snoozed_until)?,
        files,
    };
    let q = reply::reply(&state.app, &p, ConversationId(id), &draft).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReplyOut {
            id: q.entry_id.uuid(),
            interaction_id: q.interaction_id.uuid(),
            message_id: q.message_id,
            to: q.to,
            delivery: "queued".into(),
        }),
    ))
}

/// Sends a reply again: one that failed, bounced, or is in doubt because the server stopped
/// while handing it over (the customer may already have it: that is the agent's call). The
/// same message goes, with the same Message-ID.
#[utoipa::path(post, path = "/conversations/{id}/replies/{entry_id}/resend", tag = "inbox",
    params(("id" = Uuid, Path), ("entry_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn resend_reply(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath((id, entry)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    reply::resend(&state.app, &p, ConversationId(id), EntryId(entry)).await?;
    Ok(StatusCode::NO_CONTENT)
}
