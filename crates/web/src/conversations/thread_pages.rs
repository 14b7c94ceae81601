//! `/inbox/{id}`: one conversation. Its header, its entries oldest first (messages, internal
//! notes, automatic replies and bounces as system lines), the note form under the thread
//! (where the reply box will join it), and the controls: status, assignment, labels.
//!
//! A message's HTML was sanitised when it arrived; it is still shown only inside a sandboxed
//! frame (no scripts, no same origin), so even a sanitiser's miss cannot reach the page.
use super::texts::{texts, Texts};
use super::view::{channel_chip, delivery_name, status_badge, People};
use crate::pages::{csrf_field, ctx_error, layout, when, Ctx};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use uuid::Uuid;
use vinculo_app::conversations::{inbox, Thread};
use vinculo_app::AppError;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::conversations::{Delivery, EntryKind, Status};
use vinculo_domain::ids::ConversationId;
use vinculo_store::attachments::AttachmentInfo;
use vinculo_store::conversations::EntryRecord;
use vinculo_store::interactions::InteractionRecord;

/// Why a form on the page was refused: the message, and the note's text to keep.
pub(super) struct Failed {
    pub message: String,
    pub note: Option<String>,
}

pub async fn show(State(state): State<AppState>, mut ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    render(&state, &mut ctx, ConversationId(id), None).await
}

/// The page; opened (marked read) on a first showing, read only when a form failed.
pub(super) async fn render(
    state: &AppState,
    ctx: &mut Ctx,
    id: ConversationId,
    failed: Option<Failed>,
) -> Response {
    let opened = match failed {
        None => inbox::open(&state.app, &ctx.principal, id).await,
        Some(_) => vinculo_app::conversations::thread(&state.app, &ctx.principal, id).await,
    };
    if opened.is_ok() && failed.is_none() && ctx.inbox_unread.is_some() {
        // The navigation's count was taken before this one was read: take it again.
        ctx.inbox_unread = inbox::unread(&state.app, &ctx.principal).await.ok();
    }
    let ctx = &*ctx;
    let p = &ctx.principal;
    let data = async {
        let thread = opened?;
        let customer =
            vinculo_app::customers::get(&state.app, p, thread.conversation.customer_id, None)
                .await
                .ok()
                .map(|c| c.display_name);
        Ok::<_, AppError>((thread, customer, People::load(state, ctx).await?))
    }
    .await;
    let canned = super::canned_pages::for_picker(state, &ctx.principal).await;
    let (thread, customer, people) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let t = texts(ctx.lang);
    let c = &thread.conversation;
    let customer = customer.unwrap_or_else(|| t.customer.to_owned());
    let can_write = p.can(Area::Service, Access::Write);
    let body = html! {
        p class="small" { a href="/inbox" { "← " (t.inbox_title) } }
        header class="conv-head" {
            h1 { (c.subject) }
            p class="conv-meta" {
                a class="conv-customer" href={ "/customers/" (c.customer_id) } { (customer) }
                (status_badge(t, c.status, c.snoozed_until))
                (channel_chip(ctx.m, c.channel))
                span class="muted small" { (t.reference) " " code { (c.token) } }
            }
        }
        @if let Some(f) = &failed { div class="flash err" role="alert" { (f.message) } }
        div class="conv" {
            div class="conv-main" {
                ol class="thread" {
                    @for e in &thread.entries { (entry(t, &thread, e, &customer, &people)) }
                }
                // The reply box (with the durable outbox) joins the note here.
                @if can_write {
                    (super::canned_pages::picker(ctx, c.id, c.team_id, &canned))
                    section class="compose card" id="compose" {
                        form class="stack" method="post" action={ "/inbox/" (c.id) "/notes" } {
                            (csrf_field(&ctx.csrf))
                            label { (t.note)
                                span class="hint" { (t.note_hint) }
                                textarea name="body" rows="3" required maxlength="10000" { (failed.as_ref().and_then(|f| f.note.as_deref()).unwrap_or_default()) }
                            }
                            div { button type="submit" class="secondary" { (t.add_note) } }
                        }
                    }
                }
            }
            aside class="conv-side" {
                (status_card(ctx, t, &thread, can_write))
                (assign_card(ctx, t, &thread, &people, can_write))
                (labels_card(ctx, t, &thread, can_write))
            }
        }
    };
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, layout(ctx, &c.subject, body)).into_response()
}

fn entry(t: &Texts, thread: &Thread, e: &EntryRecord, customer: &str, people: &People) -> Markup {
    let interaction = e.interaction_id.and_then(|i| thread.interactions.get(&i));
    let author = e.author_id.and_then(|u| people.name(u)).unwrap_or_default();
    match e.kind {
        EntryKind::Note => html! {
            li class="entry note" id={ "e-" (e.id) } {
                div class="entry-head" {
                    span class="note-tag" { (t.note) }
                    strong { (author) }
                    time datetime=(crate::interactions::pages::rfc3339(e.created_at)) { (when(e.created_at)) }
                }
                p class="entry-text" { (e.body.as_deref().unwrap_or_default()) }
            }
        },
        EntryKind::AutoReply | EntryKind::Bounce => html! {
            li class="entry sys" id={ "e-" (e.id) } {
                span { (if e.kind == EntryKind::Bounce { t.bounce } else { t.auto_reply }) }
                " · " time datetime=(crate::interactions::pages::rfc3339(e.created_at)) { (when(e.created_at)) }
                @if let Some(b) = e.body.as_deref().filter(|b| !b.trim().is_empty()) {
                    details { summary { (t.sys_show) } p class="entry-text" { (b) } }
                }
            }
        },
        EntryKind::Inbound | EntryKind::Outbound => {
            let inbound = e.kind == EntryKind::Inbound;
            let who = if inbound { customer } else { author };
            let address = interaction
                .filter(|_| inbound)
                .and_then(|i| i.attributes.get("from"))
                .and_then(|v| v.as_str());
            html! {
                li class={ "entry msg " (if inbound { "msg-in" } else { "msg-out" }) } id={ "e-" (e.id) } {
                    div class="entry-head" {
                        strong { (if who.is_empty() { t.reply } else { who }) }
                        @if let Some(a) = address { span class="muted small" { "<" (a) ">" } }
                        @if let Some(d) = e.delivery { (delivery(t, d, e.delivery_error.as_deref())) }
                        time datetime=(crate::interactions::pages::rfc3339(e.created_at)) { (when(e.created_at)) }
                    }
                    @match interaction {
                        Some(i) => (message(t, i, &thread.attachments, &thread.conversation.subject)),
                        None => p class="entry-text muted" { (e.body.as_deref().unwrap_or(t.no_text)) },
                    }
                }
            }
        }
    }
}

fn delivery(t: &Texts, d: Delivery, error: Option<&str>) -> Markup {
    let class = match d {
        Delivery::Sent => "badge ok",
        Delivery::Queued => "badge",
        Delivery::Failed | Delivery::Undeliverable | Delivery::InDoubt => "badge off",
    };
    html! {
        span class=(class) {
            (delivery_name(t, d))
            @if let Some(why) = error.filter(|_| matches!(d, Delivery::Failed | Delivery::Undeliverable)) { ": " (why) }
        }
    }
}

/// A message's subject, text, formatted version and files.
fn message(
    t: &Texts,
    i: &InteractionRecord,
    files: &[AttachmentInfo],
    thread_subject: &str,
) -> Markup {
    let text = i.body.as_deref().filter(|b| !b.trim().is_empty());
    let html_body = i.body_html.as_deref().filter(|h| !h.trim().is_empty());
    let files: Vec<&AttachmentInfo> = files.iter().filter(|a| a.interaction_id == i.id).collect();
    html! {
        // The conversation's subject is its heading: a message's own only when it differs.
        @if let Some(s) = i.subject.as_deref().filter(|s| !s.trim().is_empty() && s.trim() != thread_subject) {
            p class="msg-subject" { (s) }
        }
        @match (text, html_body) {
            (Some(text), Some(h)) => {
                p class="entry-text" { (text) }
                details class="msg-html" { summary { (t.formatted) } (frame(t, h)) }
            },
            (Some(text), None) => p class="entry-text" { (text) },
            (None, Some(h)) => (frame(t, h)),
            (None, None) => p class="entry-text muted" { (t.no_text) },
        }
        @if !files.is_empty() {
            ul class="files" aria-label=(t.attachments) {
                @for f in files {
                    li {
                        @match &f.refused {
                            None => { a href={ "/inbox/attachments/" (f.id) } download=(f.filename) { (f.filename) } " " span class="muted small" { (size(f.size)) } },
                            Some(why) => { span { (f.filename) } " " span class="muted small" { (size(f.size)) " · " (t.not_kept.replace("{reason}", why)) } },
                        }
                    }
                }
            }
        }
    }
}

/// The sanitised HTML in a frame of its own: `sandbox` with no `allow-scripts` and no
/// `allow-same-origin`, so nothing in it runs or reaches the page; links open in a new tab
/// (outside the sandbox, as a link the agent chose to follow).
fn frame(t: &Texts, sanitised: &str) -> Markup {
    let doc = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                base target="_blank";
                link rel="stylesheet" href={ "/assets/mail.css?v=" (crate::pages::ASSET_VERSION) };
            }
            body { (maud::PreEscaped(sanitised)) }
        }
    };
    html! {
        iframe class="msg-frame" title=(t.formatted_title) sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" srcdoc=(doc.into_string()) {}
    }
}

/// `512 B`, `12 KB`, `3.4 MB`.
fn size(bytes: u64) -> String {
    match bytes {
        0..=1023 => format!("{bytes} B"),
        1024..=1_048_575 => format!("{} KB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

fn status_card(ctx: &Ctx, t: &Texts, thread: &Thread, can_write: bool) -> Markup {
    let c = &thread.conversation;
    let buttons = [
        ("open", t.do_open, Status::Open),
        ("pending", t.do_pending, Status::Pending),
        ("resolved", t.do_resolve, Status::Resolved),
    ];
    html! {
        section class="card" {
            h2 { (ctx.m.status) }
            @if can_write {
                form class="status-buttons" method="post" action={ "/inbox/" (c.id) "/status" } {
                    (csrf_field(&ctx.csrf))
                    @for (value, label, s) in buttons {
                        button type="submit" name="status" value=(value) class=(if c.status == s { "current" } else { "secondary" }) aria-pressed=(c.status == s) { (label) }
                    }
                }
                form class="stack snooze" method="post" action={ "/inbox/" (c.id) "/status" } {
                    (csrf_field(&ctx.csrf))
                    input type="hidden" name="status" value="snoozed";
                    input type="hidden" name="tz" value="0" data-tz-offset;
                    label { (t.snooze_until)
                        input type="datetime-local" name="until" required;
                        span class="hint" { (t.snooze_hint) }
                    }
                    div { button type="submit" class="secondary" { (t.do_snooze) } }
                }
            } @else {
                p { (status_badge(t, c.status, c.snoozed_until)) }
            }
        }
    }
}

fn assign_card(ctx: &Ctx, t: &Texts, thread: &Thread, people: &People, can_write: bool) -> Markup {
    let c = &thread.conversation;
    html! {
        section class="card" {
            h2 { (t.assignment) }
            @if can_write {
                form class="stack" method="post" action={ "/inbox/" (c.id) "/assign" } {
                    (csrf_field(&ctx.csrf))
                    label { (t.assignee)
                        select name="assignee" {
                            option value="" { (t.nobody) }
                            option value="turn" { (super::tools_texts::tool_texts(ctx.lang).turn_option) }
                            @for u in people.agents() {
                                option value=(u.id) selected[c.assignee_id == Some(u.id)] { (u.name) }
                            }
                        }
                    }
                    label { (t.team)
                        select name="team" {
                            option value="" { (t.no_team) }
                            @for team in &people.teams {
                                option value=(team.id) selected[c.team_id == Some(team.id)] { (team.name) }
                            }
                        }
                    }
                    div { button type="submit" class="secondary" { (t.assign) } }
                }
            } @else {
                dl class="facts" {
                    dt { (t.assignee) } dd { (c.assignee_id.and_then(|u| people.name(u)).unwrap_or(t.nobody)) }
                    dt { (t.team) } dd { (c.team_id.and_then(|id| people.team(id)).unwrap_or(t.no_team)) }
                }
            }
        }
    }
}

fn labels_card(ctx: &Ctx, t: &Texts, thread: &Thread, can_write: bool) -> Markup {
    let c = &thread.conversation;
    html! {
        section class="card" {
            h2 { (t.labels) }
            @if can_write {
                form class="stack" method="post" action={ "/inbox/" (c.id) "/labels" } {
                    (csrf_field(&ctx.csrf))
                    label { span class="visually-hidden" { (t.labels) }
                        input type="text" name="labels" value=(thread.labels.join(", ")) maxlength="900";
                        span class="hint" { (t.labels_hint) }
                    }
                    div { button type="submit" class="secondary" { (t.save_labels) } }
                }
            } @else {
                p { @for l in &thread.labels { span class="label-chip" { (l) } " " } }
            }
        }
    }
}
