//! The inbox's live events, on the inbox pages' stream (`GET /live?inbox=1` or
//! `?conversation=ID`, see `crate::live`; `GET /inbox/live` alone):
//! - `unread`: the agent's unread count, at once and again after conversations change (a
//!   burst of changes counts once);
//! - `changed`: a conversation changed (its id): the page fetches what it shows again;
//! - `presence` (with `?conversation=ID`): who else has that conversation open, and who is
//!   writing a reply in it — the collision warning. Opening the stream is being there.
//!
//! `POST /inbox/{id}/activity` says the agent started (or stopped) writing a reply.
use crate::pages::Ctx;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::Event as SseEvent;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;
use vinculo_app::conversations::inbox;
use vinculo_app::conversations::presence::{self, Activity};
use vinculo_app::events::Event;
use vinculo_domain::ids::ConversationId;

/// Changes within this long of each other are counted once.
const SETTLE: Duration = Duration::from_millis(400);

#[derive(Deserialize)]
pub struct LiveQuery {
    conversation: Option<Uuid>,
}

pub async fn live(State(state): State<AppState>, ctx: Ctx, Query(q): Query<LiveQuery>) -> Response {
    let (tx, rx) = crate::live::channel();
    match follow(&state, &ctx, q.conversation, tx).await {
        Ok(()) => crate::live::stream(rx),
        Err(e) => crate::pages::ctx_error(&ctx, e),
    }
}

/// Forwards the inbox's events to a page's stream (see `crate::live`): the unread count at
/// once and after changes, the changed conversations, and with `conversation` the presence
/// in it (the page is in it while the stream is open).
pub async fn follow(
    state: &AppState,
    ctx: &Ctx,
    conversation: Option<Uuid>,
    tx: crate::live::Sender,
) -> Result<(), vinculo_app::AppError> {
    let p = ctx.principal.clone();
    let watched = conversation.map(ConversationId);
    // Being on the conversation's page is being in its presence, until the stream closes.
    let seat = match watched {
        Some(id) => Some(presence::enter(&state.app, &p, id).await?),
        None => {
            inbox::unread(&state.app, &p).await?;
            None
        }
    };
    let app = state.app.clone();
    let mut events = app.events.subscribe();
    tokio::spawn(async move {
        let _seat = seat;
        let ws = p.workspace_id;
        // When the unread count is due to be sent: at once (a page shown again after its
        // stream was closed catches up), then after changes.
        let mut recount: Option<tokio::time::Instant> = Some(tokio::time::Instant::now());
        if let Some(id) = watched {
            let others = others(&app, &p, id);
            if tx.send(Ok(others)).await.is_err() {
                return;
            }
        }
        loop {
            let due = recount.unwrap_or_else(tokio::time::Instant::now);
            let out = tokio::select! {
                _ = tx.closed() => break,
                _ = tokio::time::sleep_until(due), if recount.is_some() => {
                    recount = None;
                    match inbox::unread(&app, &p).await {
                        Ok(n) => SseEvent::default().event("unread").data(n.to_string()),
                        Err(_) => continue,
                    }
                }
                e = events.recv() => match e {
                    Ok(Event::ConversationChanged { workspace_id, conversation_id }) if workspace_id == ws => {
                        recount.get_or_insert_with(|| tokio::time::Instant::now() + SETTLE);
                        SseEvent::default().event("changed").data(conversation_id.to_string())
                    }
                    Ok(Event::Presence { workspace_id, conversation_id, .. })
                        if workspace_id == ws && Some(conversation_id) == watched =>
                    {
                        others(&app, &p, conversation_id)
                    }
                    Ok(_) => continue,
                    // Fell behind: whatever was missed, the page reloads what it shows.
                    Err(RecvError::Lagged(_)) => {
                        recount.get_or_insert_with(tokio::time::Instant::now);
                        SseEvent::default().event("changed").data("*")
                    }
                    Err(RecvError::Closed) => break,
                },
            };
            if tx.send(Ok(out)).await.is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// The `presence` event: the others in the conversation (the agent is not warned of
/// themselves, even from another tab).
fn others(app: &vinculo_app::App, p: &vinculo_app::Principal, id: ConversationId) -> SseEvent {
    let list: Vec<_> = app
        .presence
        .viewers(p.workspace_id, id)
        .into_iter()
        .filter(|v| v.user_id != p.user_id)
        .collect();
    SseEvent::default()
        .event("presence")
        .data(serde_json::to_string(&list).unwrap_or_else(|_| "[]".into()))
}

#[derive(Deserialize)]
pub struct ActivityForm {
    activity: String,
}

/// `POST /inbox/{id}/activity` (`activity=replying` or `viewing`), from the page's script.
pub async fn activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<ActivityForm>,
) -> Response {
    let activity = match f.activity.as_str() {
        "replying" => Activity::Replying,
        "viewing" => Activity::Viewing,
        _ => return StatusCode::UNPROCESSABLE_ENTITY.into_response(),
    };
    if !ctx.principal.can(
        vinculo_domain::auth::Area::Service,
        vinculo_domain::auth::Access::Write,
    ) {
        return StatusCode::FORBIDDEN.into_response();
    }
    // Not open on any of their pages: nothing to say (the stream is what seats them).
    match presence::set(&state.app, &ctx.principal, ConversationId(id), activity) {
        true => StatusCode::NO_CONTENT.into_response(),
        false => StatusCode::CONFLICT.into_response(),
    }
}
