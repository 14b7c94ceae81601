//! `GET /inbox/messages/{id}/html`: a message's formatted body, as the document of the frame
//! the conversation page shows it in (`?images=remote` loads the images it held back).
//!
//! The body was sanitised when it arrived and again when stored; it is still served as a
//! document of its own under a policy that lets nothing run: `sandbox` without scripts or
//! same origin, no script source, no forms, styles inline or ours, and images from here
//! (inline ones) or, when the agent asked, from anywhere over http(s). Only pages of this
//! server may frame it.
use crate::pages::{ctx_error, Ctx};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use maud::{html, DOCTYPE};
use serde::Deserialize;
use uuid::Uuid;
use vinculo_domain::ids::InteractionId;

const POLICY: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'self'; \
    sandbox allow-popups allow-popups-to-escape-sandbox";
const POLICY_REMOTE_IMAGES: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: https: http:; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

#[derive(Deserialize)]
pub struct FrameQuery {
    images: Option<String>,
}

/// The URL of a message's frame.
pub fn frame_url(id: InteractionId, remote_images: bool) -> String {
    match remote_images {
        true => format!("/inbox/messages/{id}/html?images=remote"),
        false => format!("/inbox/messages/{id}/html"),
    }
}

pub async fn message_html(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<FrameQuery>,
) -> Response {
    let remote = q.images.as_deref() == Some("remote");
    let body = match vinculo_app::conversations::message_html(
        &state.app,
        &ctx.principal,
        InteractionId(id),
        remote,
        |file| format!("/inbox/attachments/{file}"),
    )
    .await
    {
        Ok(b) => b,
        Err(e) => return ctx_error(&ctx, e),
    };
    let doc = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                // Links open outside the frame, as a link the agent chose to follow.
                base target="_blank";
                link rel="stylesheet" href={ "/assets/mail.css?v=" (crate::pages::ASSET_VERSION) };
            }
            body { (maud::PreEscaped(body)) }
        }
    };
    let policy = if remote { POLICY_REMOTE_IMAGES } else { POLICY };
    (
        [
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(policy),
            ),
            (
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("SAMEORIGIN"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        doc,
    )
        .into_response()
}
