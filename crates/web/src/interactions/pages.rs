//! The customer timeline on the customer page (see `customers::pages::show`): a customer's
//! interactions newest first, grouped by day, filtered by channel and paged by cursor, all with
//! plain links and a GET form so it works without JavaScript.
use crate::i18n::Msg;
use crate::pages::{when, Ctx};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::Event as SseEvent;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use vinculo_app::events::Event;
use vinculo_app::AppError;
use vinculo_domain::ids::CustomerId;
use vinculo_domain::interactions::{Channel, Direction, InteractionType};
use vinculo_store::interactions::{InteractionRecord, TimelineFilter};
use vinculo_store::Cursor;

/// Entries per page: a few screens on a phone, and one page of the timeline index.
const PER_PAGE: u64 = 25;

/// Characters of a body shown before "show it all": about three lines on a desktop.
const EXCERPT_CHARS: usize = 240;

/// The timeline's part of the customer page's query string. Unknown or stale values (a
/// channel that does not exist, a mangled cursor) fall back to the newest of every channel
/// rather than failing the customer's page.
#[derive(Deserialize, Default)]
pub struct TimelineQuery {
    channel: Option<String>,
    before: Option<String>,
}

/// The timeline section of the customer at `base` (their page's path), or nothing when the
/// user may not read interactions: the rest of the page is still theirs to see.
pub async fn section(
    state: &AppState,
    ctx: &Ctx,
    customer: CustomerId,
    base: &str,
    q: &TimelineQuery,
) -> Result<Option<Markup>, AppError> {
    let channel = q.channel.as_deref().and_then(Channel::parse);
    // Only a timeline's own cursor (it carries its last entry's time) pages it.
    let before = q
        .before
        .as_deref()
        .and_then(Cursor::decode)
        .filter(|c| c.1.is_some());
    let filter = TimelineFilter {
        channels: channel.into_iter().collect(),
        ..TimelineFilter::default()
    };
    let page = vinculo_app::interactions::timeline(
        &state.app,
        &ctx.principal,
        customer,
        &filter,
        before.as_ref(),
        PER_PAGE,
    )
    .await;
    let page = match page {
        Ok(p) => p,
        Err(AppError::Forbidden) => return Ok(None),
        Err(e) => return Err(e),
    };
    let m = ctx.m;
    let channel_query = channel
        .map(|c| format!("channel={}&", c.as_str()))
        .unwrap_or_default();
    let newest = match channel {
        Some(c) => format!("{base}?channel={}#interactions", c.as_str()),
        None => format!("{base}#interactions"),
    };
    let today = OffsetDateTime::now_utc().date();
    Ok(Some(html! {
        section class="card" id="interactions" aria-labelledby="interactions-title"
            data-topic={ "customer=" (customer.0) } data-fragment={ (base) "/timeline" } {
            div class="row spread tl-head" {
                h2 id="interactions-title" { (m.interactions_title) }
                form class="row tl-filter" method="get" action={ (base) "#interactions" } {
                    label { (m.interactions_channel)
                        select name="channel" {
                            option value="" { (m.interactions_all_channels) }
                            @for c in Channel::ALL {
                                option value=(c.as_str()) selected[channel == Some(*c)] { (channel_name(m, *c)) }
                            }
                        }
                    }
                    button type="submit" class="secondary" { (m.interactions_filter) }
                }
            }
            @if page.items.is_empty() {
                p class="muted tl-empty" {
                    @if channel.is_some() { (m.interactions_none_here) } @else { (m.interactions_none) }
                }
            }
            @for (day, items) in by_day(&page.items) {
                h3 class="tl-day" { time datetime=(day.to_string()) { (day_name(m, day, today)) } }
                ol class="timeline" {
                    @for i in items { (entry(m, i)) }
                }
            }
            @if before.is_some() || page.next.is_some() {
                // The page's script says this while it fetches the next page into this one.
                p class="tl-pages" data-loading=(m.interactions_loading) {
                    @if before.is_some() {
                        a href=(newest) { "↑ " (m.interactions_newest) }
                    }
                    @if let Some(next) = page.next {
                        a href={ (base) "?" (channel_query) "before=" (Cursor::encode(next)) "#interactions" } rel="next" { (m.interactions_more) " ↓" }
                    }
                }
            }
        }
    }))
}

/// The customer at a glance, above their timeline: a recent complaint's warning, the
/// channels they use (most used first, with counts), their last contact and last purchase.
/// Nothing when they have no interactions or the user may not read them.
pub async fn glance(state: &AppState, ctx: &Ctx, customer: CustomerId) -> Result<Markup, AppError> {
    let s = match vinculo_app::interactions::summary(&state.app, &ctx.principal, customer).await {
        Ok(s) => s,
        Err(AppError::Forbidden) => return Ok(html! {}),
        Err(e) => return Err(e),
    };
    let Some(last) = s.channels.iter().max_by_key(|c| c.last_at) else {
        return Ok(html! {});
    };
    let (m, today) = (ctx.m, OffsetDateTime::now_utc().date());
    let day = |t: OffsetDateTime| day_name(m, t.date(), today);
    Ok(html! {
        section class="card glance" aria-labelledby="glance-title" {
            h2 id="glance-title" class="visually-hidden" { (m.glance_title) }
            @if !s.recent_complaints.is_empty() {
                p class="pop-flag" role="note" { "⚠ " (m.pop_complaint_flag) }
                ul class="pop-list" {
                    @for c in &s.recent_complaints {
                        li { span { strong { (day(c.occurred_at)) } " · " (c.subject.as_deref().unwrap_or(kind_name(m, c.kind))) } }
                    }
                }
            }
            dl class="glance-grid" {
                dt { (m.glance_channels) }
                dd {
                    @for c in &s.channels {
                        span class="chip" title=(when(c.last_at)) {
                            span class="tl-icon" aria-hidden="true" {
                                svg viewBox="0 0 16 16" focusable="false" { (PreEscaped(icon(c.channel))) }
                            }
                            (channel_name(m, c.channel)) " " span class="muted" { (c.interactions) }
                        }
                    }
                }
                dt { (m.glance_last_contact) }
                dd { (channel_name(m, last.channel)) " · " (day(last.last_at)) " " (clock(last.last_at)) }
                @if let Some(p) = &s.last_purchase {
                    dt { (m.pop_last_purchase) }
                    dd { (p.subject.as_deref().unwrap_or(kind_name(m, p.kind))) " · " (day(p.occurred_at)) }
                }
            }
        }
    })
}

/// One interaction: what, where, which way and when, then its subject, text and agent.
fn entry(m: &Msg, i: &InteractionRecord) -> Markup {
    let dir = match i.direction {
        Direction::Inbound => ("tl-in", "↙", m.direction_inbound),
        Direction::Outbound => ("tl-out", "↗", m.direction_outbound),
    };
    html! {
        li class={ "tl-item " (dir.0) } data-channel=(i.channel.as_str()) {
            span class="tl-icon" title=(channel_name(m, i.channel)) {
                svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" { (PreEscaped(icon(i.channel))) }
            }
            div class="tl-body" {
                div class="tl-meta" {
                    span class="tl-kind" { (kind_name(m, i.kind)) }
                    span class="tl-where" {
                        // "Visita · Visita" says nothing twice: the type stands alone.
                        @if channel_name(m, i.channel) != kind_name(m, i.kind) {
                            span class="tl-channel" { (channel_name(m, i.channel)) }
                        }
                        span class="badge tl-dir" { span aria-hidden="true" { (dir.1) " " } (dir.2) }
                    }
                    time datetime=(rfc3339(i.occurred_at)) title=(when(i.occurred_at)) { (clock(i.occurred_at)) }
                }
                @if let Some(s) = i.subject.as_deref().filter(|s| !s.trim().is_empty()) {
                    p class="tl-subject" { (s) }
                }
                (text(m, i))
                @if let Some(call) = call_summary(m, i) {
                    p class="tl-call small" { (call) }
                }
                @if let Some(a) = i.agent.as_deref().filter(|a| !a.trim().is_empty()) {
                    p class="tl-agent small muted" { (m.interaction_agent) ": " (a) }
                }
            }
        }
    }
}

/// The plain body as an excerpt (whole behind "show it all" when longer); failing that, the
/// HTML body, sanitised when it was ingested, behind "show the message" since it can be long.
fn text(m: &Msg, i: &InteractionRecord) -> Markup {
    if let Some(body) = i.body.as_deref().filter(|b| !b.trim().is_empty()) {
        let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
        let cut = flat.char_indices().nth(EXCERPT_CHARS).map(|(at, _)| at);
        return html! {
            @match cut {
                None => p class="tl-text" { (flat) },
                Some(at) => {
                    p class="tl-text tl-excerpt" { (flat[..at].trim_end()) "…" }
                    details class="tl-full" {
                        summary { (m.interaction_full_text) }
                        p class="tl-text" { (body) }
                    }
                }
            }
        };
    }
    match i.body_html.as_deref().filter(|h| !h.trim().is_empty()) {
        Some(h) => html! {
            details class="tl-full" {
                summary { (m.interaction_message) }
                div class="tl-html" { (PreEscaped(h)) }
            }
        },
        None => html! {},
    }
}

/// A logged call's outcome: "Duration: 3 min 12 s", or "Missed call".
pub(crate) fn call_summary(m: &Msg, i: &InteractionRecord) -> Option<String> {
    if i.kind != vinculo_domain::interactions::InteractionType::Call {
        return None;
    }
    let seconds = i.attributes.get("duration_seconds")?.as_u64()?;
    let answered = i.attributes.get("answered").and_then(|a| a.as_bool());
    if answered == Some(false) {
        return Some(m.call_missed.to_owned());
    }
    Some(format!("{}: {}", m.call_duration, duration(seconds)))
}

/// `45 s`, `3 min 12 s`, `1 h 05 min`.
pub(crate) fn duration(seconds: u64) -> String {
    match (seconds / 3600, seconds % 3600 / 60, seconds % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, s) => format!("{m} min {s:02} s"),
        (h, m, _) => format!("{h} h {m:02} min"),
    }
}

/// Consecutive entries of the same (UTC) day; the page is newest first, so each day once.
fn by_day(items: &[InteractionRecord]) -> Vec<(Date, Vec<&InteractionRecord>)> {
    let mut days: Vec<(Date, Vec<&InteractionRecord>)> = Vec::new();
    for i in items {
        let day = i.occurred_at.date();
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(i),
            _ => days.push((day, vec![i])),
        }
    }
    days
}

/// "Today", "Yesterday", else `20 nov 2026`.
pub(crate) fn day_name(m: &Msg, day: Date, today: Date) -> String {
    if day == today {
        return m.today.to_owned();
    }
    if today.previous_day() == Some(day) {
        return m.yesterday.to_owned();
    }
    let month = m
        .months_short
        .split(' ')
        .nth(usize::from(u8::from(day.month())) - 1)
        .unwrap_or_default();
    format!("{} {} {}", day.day(), month, day.year())
}

/// The time of day, `10:05` (the day is the group's heading; the title has the full time).
pub(crate) fn clock(t: OffsetDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn channel_name(m: &Msg, c: Channel) -> &'static str {
    match c {
        Channel::Phone => m.channel_phone,
        Channel::Email => m.channel_email,
        Channel::Chat => m.channel_chat,
        Channel::Sms => m.channel_sms,
        Channel::Web => m.channel_web,
        Channel::WebForm => m.channel_web_form,
        Channel::Social => m.channel_social,
        Channel::Fax => m.channel_fax,
        Channel::Visit => m.channel_visit,
        Channel::Event => m.channel_event,
        Channel::PointOfSale => m.channel_point_of_sale,
        Channel::Survey => m.channel_survey,
        Channel::Campaign => m.channel_campaign,
        Channel::MobileApp => m.channel_mobile_app,
        Channel::Other => m.channel_other,
    }
}

pub fn kind_name(m: &Msg, k: InteractionType) -> &'static str {
    match k {
        InteractionType::Call => m.itype_call,
        InteractionType::Message => m.itype_message,
        InteractionType::Complaint => m.itype_complaint,
        InteractionType::Inquiry => m.itype_inquiry,
        InteractionType::Purchase => m.itype_purchase,
        InteractionType::Return => m.itype_return,
        InteractionType::PageView => m.itype_page_view,
        InteractionType::FormSubmission => m.itype_form_submission,
        InteractionType::SurveyResponse => m.itype_survey_response,
        InteractionType::CampaignResponse => m.itype_campaign_response,
        InteractionType::Visit => m.itype_visit,
        InteractionType::Appointment => m.itype_appointment,
        InteractionType::Note => m.itype_note,
        InteractionType::Other => m.itype_other,
    }
}

/// Each channel's icon: SVG shapes on a 16×16 grid, drawn with the text colour (styled in
/// app.css). Drawn here rather than taken from an emoji font, which phones and Linux
/// desktops render differently or not at all.
pub(crate) fn icon(c: Channel) -> &'static str {
    match c {
        Channel::Phone => {
            r#"<path d="M4.5 2h2l1 3-1.5 1a8 8 0 0 0 4 4l1-1.5 3 1v2a1.5 1.5 0 0 1-1.5 1.5A11 11 0 0 1 3 3.5 1.5 1.5 0 0 1 4.5 2z"/>"#
        }
        Channel::Email => {
            r#"<rect x="2" y="3.5" width="12" height="9" rx="1"/><path d="M2.5 4.5 8 9l5.5-4.5"/>"#
        }
        Channel::Chat => r#"<path d="M2 3h12v8H7l-3 3v-3H2z"/>"#,
        Channel::Sms => {
            r#"<path d="M2 3h12v8H7l-3 3v-3H2z"/><path d="M5.5 7h.01M8 7h.01M10.5 7h.01"/>"#
        }
        Channel::Web => {
            r#"<circle cx="8" cy="8" r="6"/><path d="M2 8h12M8 2c2.2 2 2.2 10 0 12M8 2c-2.2 2-2.2 10 0 12"/>"#
        }
        Channel::WebForm => {
            r#"<rect x="3" y="2" width="10" height="12" rx="1"/><path d="M5.5 5.5h5M5.5 8h5M5.5 10.5h3"/>"#
        }
        Channel::Social => {
            r#"<circle cx="4" cy="8" r="1.8"/><circle cx="12" cy="4" r="1.8"/><circle cx="12" cy="12" r="1.8"/><path d="m5.6 7.1 4.8-2.3M5.6 8.9l4.8 2.3"/>"#
        }
        Channel::Fax => {
            r#"<path d="M4.5 6V2h7v4"/><rect x="2" y="6" width="12" height="6" rx="1"/><path d="M4.5 10h7v4h-7z"/>"#
        }
        Channel::Visit => {
            r#"<path d="M8 14s-4.5-4.2-4.5-7.5a4.5 4.5 0 0 1 9 0C12.5 9.8 8 14 8 14z"/><circle cx="8" cy="6.5" r="1.5"/>"#
        }
        Channel::Event => {
            r#"<rect x="2" y="3" width="12" height="11" rx="1"/><path d="M2 6.5h12M5 1.5v3M11 1.5v3"/>"#
        }
        Channel::PointOfSale => {
            r#"<path d="M3 5.5h10l-1 8.5H4z"/><path d="M6 7.5V4a2 2 0 0 1 4 0v3.5"/>"#
        }
        Channel::Survey => {
            r#"<rect x="3" y="2" width="10" height="12" rx="1"/><path d="m5.5 6 1 1 2-2M5.5 10.5l1 1 2-2"/>"#
        }
        Channel::Campaign => {
            r#"<path d="M2 6.5v3h2.5L10 13V3L4.5 6.5z"/><path d="M12.5 6a3 3 0 0 1 0 4"/>"#
        }
        Channel::MobileApp => {
            r#"<rect x="4" y="1.5" width="8" height="13" rx="1.5"/><path d="M7 12.5h2"/>"#
        }
        Channel::Other => {
            r#"<circle cx="8" cy="8" r="6"/><path d="M5.5 8h.01M8 8h.01M10.5 8h.01"/>"#
        }
    }
}

/// `GET /customers/{id}/timeline`: the timeline section alone, as the customer page would
/// show it for the same query; what the page's script swaps in when something new arrives,
/// and (with `before=`) takes the next page's entries from as the reader scrolls down.
pub async fn fragment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<TimelineQuery>,
) -> Response {
    let base = format!("/customers/{id}");
    match section(&state, &ctx, CustomerId(id), &base, &q).await {
        Ok(Some(markup)) => Html(markup.into_string()).into_response(),
        Ok(None) => StatusCode::FORBIDDEN.into_response(),
        Err(e) => crate::pages::ctx_error(&ctx, e),
    }
}

/// `GET /customers/{id}/live`: server-sent events, one `interaction` event each time an
/// interaction of this customer is committed (its id as data), for the page to refresh its
/// timeline. A page that fell behind gets `reload`.
pub async fn live(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    let (tx, rx) = crate::live::channel();
    match follow(&state, &ctx, id, tx).await {
        Ok(()) => crate::live::stream(rx),
        Err(e) => crate::pages::ctx_error(&ctx, e),
    }
}

/// Forwards a customer's new interactions to a page's stream (see `crate::live`).
pub async fn follow(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    tx: crate::live::Sender,
) -> Result<(), AppError> {
    use vinculo_domain::auth::{Access, Area};
    ctx.principal.require(Area::Interactions, Access::Read)?;
    // Only a customer of the caller's workspace can be listened to.
    vinculo_app::customers::get(&state.app, &ctx.principal, CustomerId(id), None).await?;
    let (ws, customer) = (ctx.principal.workspace_id, CustomerId(id));
    crate::live::forward(&state.app, tx, move |e| match e {
        Some(Event::InteractionAdded {
            workspace_id,
            customer_id,
            interaction_id,
        }) if workspace_id == ws && customer_id == customer => Some(
            SseEvent::default()
                .event("interaction")
                .data(interaction_id.to_string()),
        ),
        Some(_) => None,
        // Fell behind: the page fetches its timeline again.
        None => Some(SseEvent::default().event("reload").data("")),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ES};
    use time::macros::date;

    #[test]
    fn days_are_named_in_the_page_language() {
        let today = date!(2026 - 11 - 22);
        assert_eq!(day_name(&ES, today, today), "Hoy");
        assert_eq!(day_name(&ES, date!(2026 - 11 - 21), today), "Ayer");
        assert_eq!(day_name(&ES, date!(2026 - 09 - 03), today), "3 sept 2026");
        assert_eq!(day_name(&EN, date!(2025 - 12 - 31), today), "31 Dec 2025");
    }

    #[test]
    fn every_month_has_a_short_name_in_both_languages() {
        for m in [&ES, &EN] {
            assert_eq!(m.months_short.split(' ').count(), 12);
        }
    }
}
