//! The screen pop on an agent's open page: its live stream (`GET /live?pops=1`, or
//! `GET /screen-pop/live` alone) carries, as server-sent events, a `card` (HTML, in the
//! agent's language) when a call rings on their extension or queue, and a `call` update
//! (JSON) when it is answered or ends. One tab of the agent's browser follows it and passes
//! the cards to the others (`app.js`); the cards stack in the page's corner until closed.
use crate::customers::parts::stage_name;
use crate::i18n::Msg;
use crate::interactions::pages::{
    call_summary, channel_name, clock, day_name, duration, icon, kind_name,
};
use crate::pages::Ctx;
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::Event as SseEvent;
use axum::response::Response;
use maud::{html, Markup, PreEscaped};
use vinculo_app::events::Event;
use vinculo_app::telephony::{CallCard, CardCustomer};
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::interactions::{is_withheld, CallState};
use vinculo_store::interactions::InteractionRecord;

/// Whether a user may see screen pops: they must be able to see who calls.
pub fn may_listen(ctx: &Ctx) -> bool {
    let p = &ctx.principal;
    p.can(Area::Customers, Access::Read) && p.can(Area::Interactions, Access::Read)
}

/// Whether a user's pages listen for screen pops: they may, and calls can ring for them.
/// Everyone else's pages open no stream: a browser has six connections per server over
/// HTTP/1.1, and a stream per tab would soon use them up.
pub fn listens(ctx: &Ctx) -> bool {
    may_listen(ctx) && ctx.principal.answers_calls
}

/// `GET /screen-pop/live`: this user's call cards and their updates.
pub async fn live(State(state): State<AppState>, ctx: Ctx) -> Response {
    let (tx, rx) = crate::live::channel();
    match follow(&state, &ctx, tx) {
        Ok(()) => crate::live::stream(rx),
        Err(e) => crate::pages::ctx_error(&ctx, e),
    }
}

/// Forwards this user's call cards and their updates to a page's stream (see `crate::live`).
pub fn follow(
    state: &AppState,
    ctx: &Ctx,
    tx: crate::live::Sender,
) -> Result<(), vinculo_app::AppError> {
    if !may_listen(ctx) {
        return Err(vinculo_app::AppError::Forbidden);
    }
    let (ws, me, m) = (ctx.principal.workspace_id, ctx.principal.user_id, ctx.m);
    crate::live::forward(&state.app, tx, move |e| {
        Some(match e {
            Some(Event::ScreenPop {
                workspace_id,
                to,
                card,
            }) if workspace_id == ws && to.contains(&me) => SseEvent::default()
                .event("card")
                .data(render(m, &card).into_string()),
            Some(Event::CallUpdated {
                workspace_id,
                to,
                call_id,
                state,
                answered_by,
                duration_seconds,
                customer_id,
            }) if workspace_id == ws && to.contains(&me) => {
                let text = match (state, duration_seconds) {
                    (CallState::Ended, Some(0)) => m.pop_missed.to_owned(),
                    (CallState::Ended, Some(s)) => {
                        format!("{} · {}", m.pop_ended, duration(u64::from(s)))
                    }
                    (CallState::Ended, None) => m.pop_ended.to_owned(),
                    _ => match &answered_by {
                        Some(ext) => format!("{} · {} {ext}", m.pop_answered, m.pop_ext),
                        None => m.pop_answered.to_owned(),
                    },
                };
                let data = serde_json::json!({
                    "call_id": call_id,
                    "state": state.as_str(),
                    "text": text,
                    "customer_id": customer_id.map(|c| c.to_string()),
                });
                SseEvent::default().event("call").data(data.to_string())
            }
            // Missed cards are for calls already ringing out: nothing to reload.
            _ => return None,
        })
    });
    Ok(())
}

/// One call's card.
pub fn render(m: &Msg, card: &CallCard) -> Markup {
    let call = &card.call;
    let heading = if call.direction == "outbound" {
        m.pop_outgoing
    } else {
        m.pop_incoming
    };
    let number = call.phone.as_deref().unwrap_or(&call.number);
    html! {
        article class="pop" data-call=(call.call_id) role="alertdialog" aria-labelledby={ "pop-" (call.call_id) } {
            header class="pop-head" {
                span class="pop-ring" aria-hidden="true" { "☎" }
                div {
                    p class="pop-title" id={ "pop-" (call.call_id) } { (heading) }
                    p class="small" {
                        @if is_withheld(&call.number) { (m.pop_withheld) } @else { (number) }
                        @if let Some(ext) = &call.extension { " · " (m.pop_ext) " " (ext) }
                        @if let Some(q) = &call.queue { " · " (m.pop_queue) " " (q) }
                    }
                }
                button type="button" class="pop-close link" aria-label=(m.pop_close) title=(m.pop_close) { "×" }
            }
            p class="pop-state small" role="status" { (m.pop_ringing) }
            @match &card.customer {
                Some(c) => (known(m, c)),
                None => (unknown(m, call)),
            }
        }
    }
}

fn known(m: &Msg, c: &CardCustomer) -> Markup {
    let today = time::OffsetDateTime::now_utc().date();
    // Not shown twice when the purchase is already one of the last contacts.
    let purchase = c
        .last_purchase
        .as_ref()
        .filter(|p| c.last.iter().all(|l| l.id != p.id));
    html! {
        div class="pop-who" {
            a class="pop-name" href={ "/customers/" (c.id) } { (c.name) }
            " " span class="badge" { (stage_name(m, &c.lifecycle_stage)) }
            " " (crate::customers::tier::badge(m, &c.value_tier))
            @if !c.organizations.is_empty() {
                p class="small muted" { (c.organizations.join(", ")) }
            }
            @if !c.tags.is_empty() {
                p class="small" { @for t in &c.tags { span class="tag" { (t) } " " } }
            }
        }
        @if !c.complaints.is_empty() {
            p class="pop-flag" role="note" { "⚠ " (m.pop_complaint_flag) }
        }
        // The history matters while ringing and talking; CSS folds it once the call ends,
        // so a finished card stops covering the page it sits on.
        div class="pop-more" {
            @if !c.complaints.is_empty() {
                h3 class="pop-h" { (m.pop_complaints) }
                ul class="pop-list" { @for i in &c.complaints { (line(m, i, today)) } }
            }
            h3 class="pop-h" { (m.pop_last_contacts) }
            @if c.last.is_empty() {
                p class="small muted" { (m.pop_no_contacts) }
            } @else {
                ul class="pop-list" { @for i in &c.last { (line(m, i, today)) } }
            }
            @if let Some(p) = purchase {
                h3 class="pop-h" { (m.pop_last_purchase) }
                ul class="pop-list" { (line(m, p, today)) }
            }
        }
        p class="pop-actions" { a class="button" href={ "/customers/" (c.id) } { (m.pop_open) } }
    }
}

fn unknown(m: &Msg, call: &vinculo_store::telephony::Call) -> Markup {
    html! {
        @if is_withheld(&call.number) {
            p class="small muted" { (m.pop_new_caller_hint) }
        } @else {
            p class="pop-name" { (m.pop_new_caller) }
            p class="small muted" { (m.pop_new_caller_hint) }
            @let phone = call.phone.as_deref().unwrap_or(&call.number);
            p class="pop-actions" { a class="button" href={ "/customers/new?phone=" (urlencode(phone)) } { (m.pop_create) } }
        }
    }
}

/// One past contact: icon, type, when, subject.
fn line(m: &Msg, i: &InteractionRecord, today: time::Date) -> Markup {
    html! {
        li {
            span class="tl-icon" title=(channel_name(m, i.channel)) {
                svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" { (PreEscaped(icon(i.channel))) }
            }
            span {
                strong { (kind_name(m, i.kind)) } " · "
                span class="muted" { (day_name(m, i.occurred_at.date(), today)) " " (clock(i.occurred_at)) }
                @if let Some(s) = i.subject.as_deref().filter(|s| !s.trim().is_empty()) {
                    br; (s)
                }
                // A logged call has no subject: its outcome says what happened.
                @if let Some(call) = call_summary(m, i) {
                    br; span class="muted" { (call) }
                }
            }
        }
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
