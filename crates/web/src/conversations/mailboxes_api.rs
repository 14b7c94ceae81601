//! `/api/v1/mail-channels`: connecting mailboxes. Passwords go in and never come out.
use crate::error::{ApiError, Problem};
use crate::extract::{ApiAuth, ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;
use vinculo_app::conversations::mailboxes;
use vinculo_domain::conversations::mailbox::{MailboxDraft, ServerDraft};
use vinculo_domain::ids::{MailChannelId, TeamId};
use vinculo_store::mail_channels::{MailChannelRecord, StoredServer};

/// One server of a mailbox as sent.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ServerIn {
    pub host: Option<String>,
    /// 993/465 for `tls`, 143/587 otherwise, when left out.
    #[schema(value_type = Option<u16>)]
    pub port: Option<serde_json::Value>,
    /// `tls` (the default), `starttls`, or `none` (only to this machine).
    pub security: Option<String>,
    pub username: Option<String>,
    /// Required when connecting; left out on a change, the stored one is kept.
    pub password: Option<String>,
}

impl From<ServerIn> for ServerDraft {
    fn from(s: ServerIn) -> Self {
        ServerDraft {
            host: s.host,
            port: s.port,
            security: s.security,
            username: s.username,
            password: s.password,
        }
    }
}

/// A mailbox as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxIn {
    pub name: Option<String>,
    /// The address customers write to and replies come from.
    pub address: Option<String>,
    #[serde(default)]
    pub imap: ServerIn,
    /// The folder read (`INBOX` when left out).
    pub folder: Option<String>,
    #[serde(default)]
    pub smtp: ServerIn,
    /// An extra certificate authority (PEM) to trust, for a server with its own.
    pub tls_ca_pem: Option<String>,
    /// Delete messages from the server once stored (off: they stay).
    pub delete_after_fetch: Option<bool>,
    /// Added to every reply.
    pub signature: Option<String>,
    pub enabled: Option<bool>,
    /// The team its conversations go to.
    pub team_id: Option<Uuid>,
}

impl MailboxIn {
    pub(crate) fn split(self) -> (MailboxDraft, Option<TeamId>) {
        let team = self.team_id.map(TeamId);
        (
            MailboxDraft {
                name: self.name,
                address: self.address,
                imap: self.imap.into(),
                folder: self.folder,
                smtp: self.smtp.into(),
                tls_ca_pem: self.tls_ca_pem,
                delete_after_fetch: self.delete_after_fetch,
                signature: self.signature,
                enabled: self.enabled,
            },
            team,
        )
    }
}

#[derive(Serialize, ToSchema)]
pub struct ServerOut {
    pub host: String,
    pub port: u16,
    pub security: String,
    pub username: String,
}

fn server_out(s: &StoredServer) -> ServerOut {
    ServerOut {
        host: s.host.clone(),
        port: s.port,
        security: s.security.as_str().into(),
        username: s.username.clone(),
    }
}

/// A mailbox (without its passwords).
#[derive(Serialize, ToSchema)]
pub struct MailboxOut {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub imap: ServerOut,
    pub folder: String,
    pub smtp: ServerOut,
    pub has_tls_ca: bool,
    pub delete_after_fetch: bool,
    pub signature: Option<String>,
    pub enabled: bool,
    pub team_id: Option<Uuid>,
    /// Where reading stopped: the folder's UIDVALIDITY and the last UID stored.
    pub uidvalidity: Option<u32>,
    pub last_uid: Option<u32>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_fetch_at: Option<OffsetDateTime>,
    /// The last read's error, if it failed.
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

pub(crate) fn mailbox_out(m: &MailChannelRecord) -> MailboxOut {
    MailboxOut {
        id: m.id.uuid(),
        name: m.name.clone(),
        address: m.address.clone(),
        imap: server_out(&m.imap),
        folder: m.folder.clone(),
        smtp: server_out(&m.smtp),
        has_tls_ca: m.tls_ca_pem.is_some(),
        delete_after_fetch: m.delete_after_fetch,
        signature: m.signature.clone(),
        enabled: m.enabled,
        team_id: m.team_id.map(|t| t.uuid()),
        uidvalidity: m.cursor.map(|c| c.0),
        last_uid: m.cursor.map(|c| c.1),
        last_fetch_at: m.last_fetch_at,
        last_error: m.last_error.clone(),
        created_at: m.created_at,
    }
}

/// The workspace's mailboxes.
#[utoipa::path(get, path = "/mail-channels", tag = "inbox", responses((status = 200, body = Vec<MailboxOut>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_mailboxes(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
) -> Result<Json<Vec<MailboxOut>>, ApiError> {
    let all = mailboxes::list(&state.app, &p).await?;
    Ok(Json(all.iter().map(mailbox_out).collect()))
}

/// Connects a mailbox (admins).
#[utoipa::path(post, path = "/mail-channels", tag = "inbox", request_body = MailboxIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = MailboxOut), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_mailbox(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiJson(body): ApiJson<MailboxIn>,
) -> Result<(StatusCode, Json<MailboxOut>), ApiError> {
    let (draft, team) = body.split();
    let m = mailboxes::create(&state.app, &p, &draft, team).await?;
    Ok((StatusCode::CREATED, Json(mailbox_out(&m))))
}

/// One mailbox.
#[utoipa::path(get, path = "/mail-channels/{id}", tag = "inbox", params(("id" = Uuid, Path)),
    responses((status = 200, body = MailboxOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_mailbox(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<MailboxOut>, ApiError> {
    let m = mailboxes::get(&state.app, &p, MailChannelId(id)).await?;
    Ok(Json(mailbox_out(&m)))
}

/// Replaces a mailbox's settings (admins); passwords left out are kept.
#[utoipa::path(put, path = "/mail-channels/{id}", tag = "inbox", params(("id" = Uuid, Path)), request_body = MailboxIn,
    responses((status = 200, body = MailboxOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn put_mailbox(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<MailboxIn>,
) -> Result<Json<MailboxOut>, ApiError> {
    let (draft, team) = body.split();
    let m = mailboxes::update(&state.app, &p, MailChannelId(id), &draft, team).await?;
    Ok(Json(mailbox_out(&m)))
}

/// Disconnects a mailbox (admins); its conversations stay.
#[utoipa::path(delete, path = "/mail-channels/{id}", tag = "inbox", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete_mailbox(
    State(state): State<AppState>,
    ApiAuth(p): ApiAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    mailboxes::delete(&state.app, &p, MailChannelId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
