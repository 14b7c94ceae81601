//! The conversation page's reply box (`POST /inbox/{id}/reply`, multipart for its files) and
//! its "send again" button (`POST /inbox/{id}/replies/{entry}/resend`).
use super::texts::{texts, Texts};
use super::thread_forms::{back, refusal};
use super::thread_pages::{render, Failed, KeptReply};
use crate::csrf;
use crate::pages::{ctx_error, Ctx};
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use uuid::Uuid;
use vinculo_app::conversations::reply::{self, OutgoingFile, ReplyDraft, MAX_FILE_BYTES};
use vinculo_app::AppError;
use vinculo_domain::conversations::StatusChange;
use vinculo_domain::ids::{ConversationId, EntryId};

/// The form's limit: its files and their multipart framing, plus the text.
pub const REPLY_FORM_LIMIT: usize = MAX_FILE_BYTES + 1024 * 1024;

/// The words for a refused reply, by the field the use case names.
fn reply_refusal(ctx: &Ctx, t: &Texts, e: &AppError) -> String {
    match e {
        AppError::Invalid { field, message } => match *field {
            "body" => t.err_reply_body.to_owned(),
            "attachments" => t.err_reply_files.to_owned(),
            "to" => t.err_reply_to.to_owned(),
            "subject" => t.err_reply_header.to_owned(),
            "cc" if message.contains("line break") => t.err_reply_header.to_owned(),
            "cc" => t.err_reply_cc.to_owned(),
            "mail_channel" => t.reply_no_mailbox.to_owned(),
            _ => refusal(ctx, t, e),
        },
        _ => refusal(ctx, t, e),
    }
}

/// What the form sent, read part by part (files kept in memory up to the limit).
#[derive(Default)]
struct Sent {
    kept: KeptReply,
    status: String,
    files: Vec<OutgoingFile>,
}

async fn read_form(form: &mut Multipart) -> Result<Sent, String> {
    let mut sent = Sent::default();
    while let Some(field) = form.next_field().await.map_err(|e| e.body_text())? {
        match field.name().unwrap_or_default() {
            "body" => sent.kept.body = field.text().await.map_err(|e| e.body_text())?,
            "cc" => sent.kept.cc = field.text().await.map_err(|e| e.body_text())?,
            "subject" => sent.kept.subject = field.text().await.map_err(|e| e.body_text())?,
            "status" => sent.status = field.text().await.map_err(|e| e.body_text())?,
            "files" => {
                let filename = field.file_name().unwrap_or_default().to_owned();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                // A file input left empty still sends a part, nameless and empty.
                if !filename.is_empty() || !bytes.is_empty() {
                    sent.files.push(OutgoingFile {
                        filename,
                        content_type,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(sent)
}

pub async fn send_reply(
    State(state): State<AppState>,
    mut ctx: Ctx,
    jar: CookieJar,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    mut form: Multipart,
) -> Response {
    // Multipart bodies are not read by the CSRF middleware: `_csrf` is the first part.
    if !csrf::multipart_ok(&state.csrf_key, &jar, &headers, &mut form).await {
        return (StatusCode::FORBIDDEN, crate::pages::csrf_failed_page()).into_response();
    }
    let id = ConversationId(id);
    let t = texts(ctx.lang);
    let fail = |message: String, kept: KeptReply| Failed {
        message,
        note: None,
        reply: Some(kept),
    };
    let sent = match read_form(&mut form).await {
        Ok(s) => s,
        // Over the limit, or a connection cut mid-upload: the files, not the text, are at fault.
        Err(_) => {
            let failed = fail(t.err_reply_files.to_owned(), KeptReply::default());
            return render(&state, &mut ctx, id, Some(failed)).await;
        }
    };
    let status = match sent.status.as_str() {
        "pending" => Some(StatusChange::Pending),
        "resolved" => Some(StatusChange::Resolve),
        _ => None,
    };
    let draft = ReplyDraft {
        body: sent.kept.body.clone(),
        cc: sent
            .kept
            .cc
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
        subject: Some(sent.kept.subject.clone()),
        status,
        files: sent.files,
    };
    match reply::reply(&state.app, &ctx.principal, id, &draft).await {
        Ok(q) => Redirect::to(&format!("/inbox/{id}?flash=reply_queued#e-{}", q.entry_id))
            .into_response(),
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden)) => ctx_error(&ctx, e),
        Err(e) => {
            let message = reply_refusal(&ctx, t, &e);
            render(&state, &mut ctx, id, Some(fail(message, sent.kept))).await
        }
    }
}

pub async fn resend(
    State(state): State<AppState>,
    mut ctx: Ctx,
    Path((id, entry)): Path<(Uuid, Uuid)>,
) -> Response {
    let id = ConversationId(id);
    match reply::resend(&state.app, &ctx.principal, id, EntryId(entry)).await {
        Ok(()) => back(id, "reply_resent"),
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden)) => ctx_error(&ctx, e),
        Err(_) => {
            let t = texts(ctx.lang);
            let failed = Failed::message(t.err_resend.to_owned());
            render(&state, &mut ctx, id, Some(failed)).await
        }
    }
}
