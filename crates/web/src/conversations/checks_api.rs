//! `/api/v1/mail-channels/{id}/test`, `/api/v1/mail-channels/test` and
//! `/api/v1/mail-channels/{id}/read`: the mailbox settings' "test the connection" (stored
//! settings, or a draft before saving) and "read now".
use super::mailboxes_api::MailboxIn;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use vinculo_app::conversations::checks::{self, ConnectionReport};
use vinculo_app::AppError;
use vinculo_channels::email_transport::TransportError;
use vinculo_domain::ids::MailChannelId;

/// One server's answer to the test.
#[derive(Serialize, ToSchema)]
pub struct SideOut {
    pub ok: bool,
    /// Why it failed: `auth_failed`, `tls_failed`, `cannot_connect`, `cannot_resolve`,
    /// `folder_not_found`, `timeout`, `connection_lost`, `protocol_error`…
    pub code: Option<String>,
    /// The failure in words, with what the server said.
    pub message: Option<String>,
    /// IMAP: the folders of the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folders: Option<Vec<String>>,
    /// IMAP: messages in the folder read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<u32>,
    /// IMAP: new mail arrives within seconds (IDLE), or is polled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supports_idle: Option<bool>,
}

fn failed(e: &TransportError) -> SideOut {
    SideOut {
        ok: false,
        code: Some(e.code().into()),
        message: Some(e.to_string()),
        folders: None,
        messages: None,
        supports_idle: None,
    }
}

/// What a connection test found, side by side.
#[derive(Serialize, ToSchema)]
pub struct TestOut {
    /// Both sides work.
    pub ok: bool,
    pub imap: SideOut,
    pub smtp: SideOut,
}

pub(crate) fn test_out(r: &ConnectionReport) -> TestOut {
    TestOut {
        ok: r.ok(),
        imap: match &r.imap {
            Ok(c) => SideOut {
                ok: true,
                code: None,
                message: None,
                folders: Some(c.folders.clone()),
                messages: Some(c.messages),
                supports_idle: Some(c.supports_idle),
            },
            Err(e) => failed(e),
        },
        smtp: match &r.smtp {
            Ok(()) => SideOut {
                ok: true,
                code: None,
                message: None,
                folders: None,
                messages: None,
                supports_idle: None,
            },
            Err(e) => failed(e),
        },
    }
}

/// Tests a stored mailbox: IMAP login and folder, SMTP connection and login (admins). A
/// failing server is an answer (200 with `ok: false`), not an error.
#[utoipa::path(post, path = "/mail-channels/{id}/test", tag = "inbox", params(("id" = Uuid, Path)),
    responses((status = 200, body = TestOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn test_mailbox(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<TestOut>, ApiError> {
    let r = checks::test_stored(&state.app, &p, MailChannelId(id)).await?;
    Ok(Json(test_out(&r)))
}

/// Tests settings before saving them (the body is a mailbox as `POST /mail-channels` takes
/// it, passwords included).
#[utoipa::path(post, path = "/mail-channels/test", tag = "inbox", request_body = MailboxIn,
    responses((status = 200, body = TestOut), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn test_draft(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<MailboxIn>,
) -> Result<Json<TestOut>, ApiError> {
    let (draft, _) = body.split();
    let r = checks::test_draft(&state.app, &p, None, &draft).await?;
    Ok(Json(test_out(&r)))
}

#[derive(Serialize, ToSchema)]
pub struct ReadOut {
    /// Messages taken into the inbox.
    pub messages: usize,
}

/// Reads what is new in a mailbox now, once (admins). A failure answers 502 with the
/// server's words, and is stored as the mailbox's `last_error`.
#[utoipa::path(post, path = "/mail-channels/{id}/read", tag = "inbox", params(("id" = Uuid, Path)),
    responses((status = 200, body = ReadOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 502, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn read_mailbox(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ReadOut>, ApiError> {
    match checks::read_now(&state.app, &p, MailChannelId(id)).await {
        Ok(messages) => Ok(Json(ReadOut { messages })),
        Err(AppError::State(why)) => Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "mail_read_failed",
            why,
        )),
        Err(e) => Err(e.into()),
    }
}
