//! One live stream per page, `GET /live` (server-sent events), carrying every topic the page
//! follows:
//! - `pops=1`: the screen pop (`card`, `call`; see `telephony::pages`);
//! - `customer=ID`: a customer's timeline (`interaction`, `reload`; see `interactions::pages`);
//! - `inbox=1` or `conversation=ID`: the inbox (`unread`, `changed`, `presence`; see
//!   `conversations::live`).
//!
//! A browser keeps at most six HTTP/1.1 connections to a server, page loads included: a
//! stream per topic per tab used them up with a few tabs open. `app.js` therefore opens one
//! stream per page, lets a single tab (the holder of a Web Lock) follow the screen pop and
//! pass its cards to the others over a `BroadcastChannel`, and closes a hidden tab's stream
//! after a minute (it catches up when shown again).
//!
//! The single-topic streams (`/screen-pop/live`, `/customers/{id}/live`, `/inbox/live`)
//! remain for clients that follow one thing.
use crate::pages::Ctx;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use uuid::Uuid;
use vinculo_app::events::Event;

/// How often an idle stream says it is still there (proxies close silent ones).
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Where a topic's forwarding task sends its events; the stream ends when the page goes
/// away (every send then fails, and each task stops).
pub type Sender = mpsc::Sender<Result<SseEvent, Infallible>>;

/// A stream's channel: room for a burst of events from its topics.
pub fn channel() -> (Sender, mpsc::Receiver<Result<SseEvent, Infallible>>) {
    mpsc::channel(32)
}

/// The response that streams what the topics send.
pub fn stream(rx: mpsc::Receiver<Result<SseEvent, Infallible>>) -> Response {
    Sse::new(tokio_stream::wrappers::ReceiverStream::new(rx))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}

/// Forwards the app's events to a page's stream until the page goes away: `pick` turns an
/// event into what the page hears (`None`: not for it), and says what a page that fell
/// behind hears when given `None` for the events it missed.
pub fn forward(
    app: &vinculo_app::App,
    tx: Sender,
    mut pick: impl FnMut(Option<Event>) -> Option<SseEvent> + Send + 'static,
) {
    let mut events = app.events.subscribe();
    tokio::spawn(async move {
        loop {
            let e = tokio::select! {
                _ = tx.closed() => break,
                e = events.recv() => e,
            };
            let heard = match e {
                Ok(e) => pick(Some(e)),
                Err(RecvError::Lagged(_)) => pick(None),
                Err(RecvError::Closed) => break,
            };
            if let Some(out) = heard {
                if tx.send(Ok(out)).await.is_err() {
                    break;
                }
            }
        }
    });
}

#[derive(Deserialize, Default)]
pub struct Topics {
    #[serde(default)]
    pops: Option<u8>,
    customer: Option<Uuid>,
    #[serde(default)]
    inbox: Option<u8>,
    conversation: Option<Uuid>,
}

/// `GET /live?pops=1&customer=ID&inbox=1|conversation=ID`: the page's topics on one stream.
/// A topic the user may not follow refuses the whole stream (403 or 404, as its own stream
/// would), so a page never silently misses what it asked for.
pub async fn live(State(state): State<AppState>, ctx: Ctx, Query(t): Query<Topics>) -> Response {
    let pops = t.pops == Some(1);
    let inbox = t.inbox == Some(1) || t.conversation.is_some();
    if !pops && !inbox && t.customer.is_none() {
        return (
            StatusCode::BAD_REQUEST,
            "name at least one topic: pops=1, customer=ID, inbox=1 or conversation=ID",
        )
            .into_response();
    }
    let (tx, rx) = channel();
    let followed = async {
        if pops {
            crate::telephony::pages::follow(&state, &ctx, tx.clone())?;
        }
        if let Some(id) = t.customer {
            crate::interactions::pages::follow(&state, &ctx, id, tx.clone()).await?;
        }
        if inbox {
            crate::conversations::live::follow(&state, &ctx, t.conversation, tx.clone()).await?;
        }
        Ok::<(), vinculo_app::AppError>(())
    };
    // The topics' tasks hold their senders: the stream lasts as long as the page.
    match followed.await {
        Ok(()) => stream(rx),
        Err(e) => crate::pages::ctx_error(&ctx, e),
    }
}
