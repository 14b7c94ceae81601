//! The conversation page's forms (status, assignment, labels, notes), each answering with a
//! redirect back and a flash, or the page again with the error; and attachment downloads.
use super::texts::{texts, Texts};
use super::thread_pages::{render, Failed};
use crate::extract::PageAuth;
use crate::i18n::Lang;
use crate::pages::{ctx_error, error_page, form_error, Ctx};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
use uuid::Uuid;
use vinculo_app::conversations::inbox::{self, Change};
use vinculo_app::AppError;
use vinculo_domain::conversations::StatusChange;
use vinculo_domain::ids::{AttachmentId, ConversationId, TeamId, UserId};

pub(super) fn back(id: ConversationId, flash: &str) -> Response {
    Redirect::to(&format!("/inbox/{id}?flash={flash}")).into_response()
}

/// The words for a refused change, by the field the use case names.
pub(super) fn refusal(ctx: &Ctx, t: &Texts, e: &AppError) -> String {
    match e {
        AppError::Invalid { field, .. } => match *field {
            "snoozed_until" => t.err_snooze,
            "body" => t.err_note,
            "labels" => t.err_labels,
            "assignee_id" => t.err_assignee,
            "team_id" => t.err_team,
            _ => return form_error(ctx.m, e),
        }
        .to_owned(),
        _ => form_error(ctx.m, e),
    }
}

/// Applies `change`: back to the page with `flash`, or the page again with the refusal.
async fn apply(
    state: &AppState,
    ctx: &mut Ctx,
    id: ConversationId,
    change: Result<Change, String>,
    flash: &str,
) -> Response {
    let t = texts(ctx.lang);
    let result = match change {
        Ok(c) => inbox::change(&state.app, &ctx.principal, id, &c)
            .await
            .map(drop),
        Err(message) => return render(state, ctx, id, Some(Failed::message(message))).await,
    };
    match result {
        Ok(()) => back(id, flash),
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden)) => ctx_error(ctx, e),
        Err(e) => {
            let message = refusal(ctx, t, &e);
            render(state, ctx, id, Some(Failed::message(message))).await
        }
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    /// `datetime-local`: `2026-11-25T09:30`, in the browser's time.
    #[serde(default)]
    until: String,
    /// The browser's offset from UTC in minutes (app.js fills it; UTC without JavaScript).
    #[serde(default)]
    tz: String,
}

/// A `datetime-local` value at an offset of `tz` minutes east of UTC.
fn local_time(value: &str, tz: &str) -> Option<OffsetDateTime> {
    let long = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let short = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let at = PrimitiveDateTime::parse(value.trim(), short)
        .or_else(|_| PrimitiveDateTime::parse(value.trim(), long))
        .ok()?;
    let minutes: i32 = tz.trim().parse().unwrap_or(0);
    let offset =
        UtcOffset::from_whole_seconds(minutes.clamp(-18 * 60 + 1, 18 * 60 - 1) * 60).ok()?;
    Some(at.assume_offset(offset).to_offset(UtcOffset::UTC))
}

pub async fn set_status(
    State(state): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<StatusForm>,
) -> Response {
    let t = texts(ctx.lang);
    let status = match f.status.as_str() {
        "open" => Ok(StatusChange::Open),
        "pending" => Ok(StatusChange::Pending),
        "resolved" => Ok(StatusChange::Resolve),
        "snoozed" => local_time(&f.until, &f.tz)
            .map(|until| StatusChange::Snooze { until })
            .ok_or_else(|| t.err_snooze.to_owned()),
        _ => Err(form_error(
            ctx.m,
            &AppError::invalid("status", "open, pending, resolved or snoozed"),
        )),
    };
    let change = status.map(|s| Change {
        status: Some(s),
        ..Change::default()
    });
    apply(&state, &mut ctx, ConversationId(id), change, "status_saved").await
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    team: String,
}

pub async fn assign(
    State(state): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<AssignForm>,
) -> Response {
    let t = texts(ctx.lang);
    if f.assignee.trim() == "turn" {
        return super::turn_forms::by_turn(&state, &mut ctx, ConversationId(id), &f.team).await;
    }
    let parse = |v: &str, err: &str| -> Result<Option<Uuid>, String> {
        match v.trim() {
            "" => Ok(None),
            s => s.parse().map(Some).map_err(|_| err.to_owned()),
        }
    };
    let change = parse(&f.assignee, t.err_assignee).and_then(|a| {
        Ok(Change {
            assignee: Some(a.map(UserId)),
            team: Some(parse(&f.team, t.err_team)?.map(TeamId)),
            ..Change::default()
        })
    });
    apply(&state, &mut ctx, ConversationId(id), change, "assigned").await
}

#[derive(Deserialize)]
pub struct LabelsForm {
    #[serde(default)]
    labels: String,
}

pub async fn set_labels(
    State(state): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<LabelsForm>,
) -> Response {
    let labels = f
        .labels
        .split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let change = Ok(Change {
        labels: Some(labels),
        ..Change::default()
    });
    apply(&state, &mut ctx, ConversationId(id), change, "labels_saved").await
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

pub async fn add_note(
    State(state): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<NoteForm>,
) -> Response {
    let id = ConversationId(id);
    match inbox::add_note(&state.app, &ctx.principal, id, &f.body).await {
        Ok(entry) => {
            Redirect::to(&format!("/inbox/{id}?flash=note_added#e-{entry}")).into_response()
        }
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden)) => ctx_error(&ctx, e),
        Err(e) => {
            let message = refusal(&ctx, texts(ctx.lang), &e);
            render(
                &state,
                &mut ctx,
                id,
                Some(Failed {
                    message,
                    note: Some(f.body),
                    reply: None,
                }),
            )
            .await
        }
    }
}

/// Types a browser would run or render as a page of our origin (HTML, SVG, XML, scripts):
/// served as plain bytes instead, whatever the sender called them.
fn served_type(stored: &str) -> String {
    let essence = stored
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let well_formed = essence.split_once('/').is_some_and(|(a, b)| {
        let token = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&c))
        };
        token(a) && token(b)
    });
    let active = essence.contains("html")
        || essence.contains("xml")
        || essence.contains("svg")
        || essence.contains("javascript")
        || essence.contains("ecmascript")
        || essence == "text/css"
        || essence.starts_with("multipart/");
    if !well_formed || active {
        "application/octet-stream".to_owned()
    } else {
        essence
    }
}

/// A filename for `Content-Disposition`: no path, no controls or quotes, not empty.
fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';' | '\\'))
        .take(150)
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        "adjunto".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266).
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `/inbox/attachments/{id}`: a kept file, always as a download.
pub async fn download(
    State(state): State<AppState>,
    PageAuth { principal, .. }: PageAuth,
    request: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    let lang = Lang::choose(principal.locale.as_deref(), &request);
    let (info, bytes) = match vinculo_app::conversations::attachment(
        &state.app,
        &principal,
        AttachmentId(id),
    )
    .await
    {
        Ok(found) => found,
        Err(e) => return error_page(lang, e),
    };
    let mut headers = HeaderMap::new();
    let value = |s: String| {
        HeaderValue::from_str(&s).unwrap_or(HeaderValue::from_static("application/octet-stream"))
    };
    headers.insert(header::CONTENT_TYPE, value(served_type(&info.content_type)));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition(&safe_filename(&info.filename)))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // Opened by mistake in a tab, it still runs nothing and reaches nothing.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    (headers, bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_content_is_served_as_bytes_and_names_are_made_safe() {
        assert_eq!(served_type("application/pdf"), "application/pdf");
        assert_eq!(served_type("Image/PNG; name=x.png"), "image/png");
        for t in [
            "text/html",
            "image/svg+xml",
            "application/xhtml+xml",
            "text/xml",
            "application/javascript",
            "text/javascript; charset=utf-8",
            "nonsense",
            "a/b c",
        ] {
            assert_eq!(served_type(t), "application/octet-stream", "{t}");
        }
        assert_eq!(safe_filename("../../etc/pa\"ss\r\nwd"), "passwd");
        assert_eq!(
            safe_filename("C:\\docs\\factura \"final\".pdf"),
            "factura final.pdf"
        );
        assert_eq!(safe_filename(" ... "), "adjunto");
        assert_eq!(
            disposition("año 1.pdf"),
            "attachment; filename=\"a_o 1.pdf\"; filename*=UTF-8''a%C3%B1o%201.pdf"
        );
    }

    #[test]
    fn a_snooze_time_is_read_in_the_browsers_offset() {
        let at = local_time("2026-11-25T09:30", "60").expect("time");
        assert_eq!(at, time::macros::datetime!(2026-11-25 08:30 UTC));
        assert_eq!(
            local_time("2026-11-25T09:30:15", ""),
            Some(time::macros::datetime!(2026-11-25 09:30:15 UTC))
        );
        assert_eq!(local_time("mañana", "0"), None);
    }
}
