//! `/inbox/{id}`: one conversation. Its header, its entries oldest first (messages, internal
//! notes, automatic replies and bounces as system lines), the note form under the thread
//! (where the reply box will join it), and the controls: status, assignment, labels.
//!
//! A message's HTML was sanitised when it arrived; it is still shown only inside a sandboxed
//! frame (no scripts, no same origin), so even a sanitiser's miss cannot reach the page.
use super::message_frame::frame_url;
use super::texts::{texts, Texts};
use super::view::{channel_chip, delivery_name, status_badge, People};
use crate::pages::{csrf_field, ctx_error, layout, when, Ctx};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use uuid::Uuid;
use vinculo_app::conversations::presence::{Activity, Viewer};
use vinculo_app::conversations::{inbox, Thread};
use vinculo_app::AppError;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::conversations::{Delivery, EntryKind, Status};
use vinculo_domain::html::holds_back_images;
use vinculo_domain::ids::ConversationId;
use vinculo_store::attachments::AttachmentInfo;
use vinculo_store::conversations::EntryRecord;
use vinculo_store::interactions::InteractionRecord;

/// Why a form on the page was refused: the message, and the note's or reply's text to keep.
pub(super) struct Failed {
    pub message: String,
    pub note: Option<String>,
    pub reply: Option<KeptReply>,
}

impl Failed {
    /// A refusal with nothing typed to keep.
    pub fn message(message: String) -> Failed {
        Failed {
            message,
            note: None,
            reply: None,
        }
    }
}

/// What the agent wrote in a reply that was refused, to show again (files must be chosen
/// again: a browser never lets a page fill a file input).
#[derive(Default)]
pub(super) struct KeptReply {
    pub body: String,
    pub cc: String,
    pub subject: String,
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
        let from =
            vinculo_app::conversations::reply::sent_from(&state.app, p, thread.conversation.id)
                .await?;
        Ok::<_, AppError>((thread, customer, People::load(state, ctx).await?, from))
    }
    .await;
    let canned = super::canned_pages::for_picker(state, &ctx.principal).await;
    let (thread, customer, people, from) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(ctx, e),
    };
    let t = texts(ctx.lang);
    let c = &thread.conversation;
    let customer = customer.unwrap_or_else(|| t.customer.to_owned());
    let viewers: Vec<Viewer> = state
        .app
        .presence
        .viewers(p.workspace_id, c.id)
        .into_iter()
        .filter(|v| v.user_id != p.user_id)
        .collect();
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
        div class="conv" id="conv" data-topic={ "conversation=" (c.id) } data-activity=[can_write.then(|| format!("/inbox/{}/activity", c.id))] {
            div class="conv-main" {
                (collision(t, &viewers))
                ol class="thread" {
                    @for e in &thread.entries { (entry(t, &thread, e, &customer, &people, can_write.then_some(ctx.csrf.as_str()))) }
                }
                @if can_write {
                    (super::canned_pages::picker(ctx, c.id, c.team_id, &canned))
                    section class="compose card" id="compose" {
                        @match from.as_deref() {
                            Some(from) => (reply_form(ctx, t, &thread, from, failed.as_ref().and_then(|f| f.reply.as_ref()))),
                            None => p class="muted" { (t.reply_no_mailbox) },
                        }
                        form class="stack note-form" method="post" action={ "/inbox/" (c.id) "/notes" } {
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

/// One entry; `csrf` when the viewer may act on it (send a reply again).
fn entry(
    t: &Texts,
    thread: &Thread,
    e: &EntryRecord,
    customer: &str,
    people: &People,
    csrf: Option<&str>,
) -> Markup {
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
                    @if let Some(d) = e.delivery.filter(|d| matches!(d, Delivery::Failed | Delivery::Undeliverable | Delivery::InDoubt)) {
                        div class="resend" {
                            @if d == Delivery::InDoubt { p class="small" { (t.in_doubt_why) } }
                            @if let Some(csrf) = csrf {
                                form method="post" action={ "/inbox/" (thread.conversation.id) "/replies/" (e.id) "/resend" } {
                                    (csrf_field(csrf))
                                    button type="submit" class="secondary" { (t.resend) }
                                }
                            }
                        }
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

/// Who else has the conversation open, and who is writing a reply: kept current by the
/// page's live stream (`app.js` fills it from the `presence` events, with these words).
fn collision(t: &Texts, viewers: &[Viewer]) -> Markup {
    let replying: Vec<&str> = viewers
        .iter()
        .filter(|v| v.activity == Activity::Replying)
        .map(|v| v.name.as_str())
        .collect();
    let viewing: Vec<&str> = viewers
        .iter()
        .filter(|v| v.activity == Activity::Viewing)
        .map(|v| v.name.as_str())
        .collect();
    html! {
        div id="collision" class="collision" role="status" aria-live="polite"
            data-replying=(t.collision_replying) data-viewing=(t.collision_viewing)
            hidden[viewers.is_empty()] {
            @if !replying.is_empty() { p class="replying" { (t.collision_replying.replace("{names}", &replying.join(", "))) } }
            @if !viewing.is_empty() { p { (t.collision_viewing.replace("{names}", &viewing.join(", "))) } }
        }
    }
}

/// The reply box: text, copies and subject (folded away), files, and the status after.
fn reply_form(
    ctx: &Ctx,
    t: &Texts,
    thread: &Thread,
    from: &str,
    kept: Option<&KeptReply>,
) -> Markup {
    let c = &thread.conversation;
    let kept_body = kept.map(|k| k.body.as_str()).unwrap_or_default();
    let (cc, subject) = kept.map_or(("", ""), |k| (k.cc.as_str(), k.subject.as_str()));
    html! {
        form id="reply" class="stack reply-form" method="post" action={ "/inbox/" (c.id) "/reply" } enctype="multipart/form-data" {
            // First, so the handler checks it before reading the files.
            (csrf_field(&ctx.csrf))
            h2 { (t.reply_title) }
            p class="muted small" {
                (t.reply_from.replace("{from}", from))
                @if let Some(to) = reply_to(thread) { " · " (t.reply_to.replace("{to}", to)) }
            }
            label { span class="visually-hidden" { (t.reply_body) }
                textarea name="body" rows="6" required maxlength="100000" placeholder=(t.reply_body) { (kept_body) }
                span class="hint" { (t.reply_body_hint) }
            }
            details open[!cc.is_empty() || !subject.is_empty()] {
                summary { (t.reply_more) }
                div class="stack" {
                    label { (t.reply_cc)
                        input type="text" name="cc" value=(cc) maxlength="2000" autocomplete="off";
                        span class="hint" { (t.reply_cc_hint) }
                    }
                    label { (t.subject)
                        input type="text" name="subject" value=(subject) maxlength="500";
                        span class="hint" { (t.reply_subject_hint) }
                    }
                }
            }
            label { (t.reply_files)
                input type="file" name="files" multiple;
                span class="hint" { (t.reply_files_hint) }
            }
            div class="reply-actions" {
                label { span class="visually-hidden" { (t.reply_then) }
                    select name="status" aria-label=(t.reply_then) {
                        option value="" { (t.reply_then_keep) }
                        option value="pending" { (t.reply_then_pending) }
                        option value="resolved" { (t.reply_then_resolved) }
                    }
                }
                button type="submit" { (t.reply_send) }
            }
        }
    }
}

/// The address the customer last wrote from: where a reply goes.
fn reply_to(thread: &Thread) -> Option<&str> {
    thread
        .entries
        .iter()
        .rev()
        .filter(|e| e.kind == EntryKind::Inbound)
        .filter_map(|e| e.interaction_id.and_then(|i| thread.interactions.get(&i)))
        .find_map(|i| i.attributes.get("from").and_then(|v| v.as_str()))
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
                (folded_text(t, text))
                details class="msg-html" { summary { (t.formatted) } (frame(t, i, h)) }
            },
            (Some(text), None) => (folded_text(t, text)),
            (None, Some(h)) => (frame(t, i, h)),
            (None, None) => p class="entry-text muted" { (t.no_text) },
        }
        @if !files.is_empty() {
            ul class="files" aria-label=(t.attachments) {
                @for f in files {
                    li {
                        @match &f.refused {
                            None => { a href={ "/inbox/attachments/" (f.id) } download=(f.filename) { (f.filename) } " " span class="muted small" { (size(f.size)) } },
                            Some(why) => { span { (f.filename) } " " span class="muted small" { (size(f.size)) " · " (t.not_kept.replace("{reason}", &refusal(t, why))) } },
                        }
                    }
                }
            }
        }
    }
}

/// A message's text: what was written now, with the quoted history and the signature folded
/// under it (a reply quoting the whole thread would otherwise bury the new lines).
fn folded_text(t: &Texts, text: &str) -> Markup {
    let split = vinculo_channels::email::split_reply(text);
    let rest: Vec<&str> = [split.signature.as_deref(), split.quoted_text.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    html! {
        p class="entry-text" { (split.visible_text) }
        @if !rest.is_empty() {
            details class="quoted" {
                summary { (if split.quoted_text.is_some() { t.show_quoted } else { t.show_signature }) }
                p class="entry-text muted" { (rest.join("\n\n")) }
            }
        }
    }
}

/// The formatted message in a frame of its own, served with a policy that lets nothing in
/// it run (see `message_frame`); `sandbox` here too, so even a browser that ignored the
/// policy runs nothing and reaches nothing. Held-back images load in the same frame when the
/// agent follows the link under it.
fn frame(t: &Texts, i: &InteractionRecord, sanitised: &str) -> Markup {
    let name = format!("msg-{}", i.id);
    html! {
        iframe class="msg-frame" name=(name) title=(t.formatted_title) sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" loading="lazy" src=(frame_url(i.id, false)) {}
        @if holds_back_images(sanitised) {
            p class="small muted frame-images" {
                (t.images_held) " "
                a href=(frame_url(i.id, true)) target=(name) { (t.images_load) }
            }
        }
    }
}

/// Why a file was not kept, in the reader's words (`too_large:<limit in bytes>` from the
/// mailbox reader; anything else as stored).
fn refusal(t: &Texts, why: &str) -> String {
    match why
        .strip_prefix("too_large:")
        .and_then(|l| l.parse::<u64>().ok())
    {
        Some(limit) => t.too_large.replace("{limit}", &size(limit)),
        None => why.to_owned(),
    }
}

/// `512 B`, `12 KB`, `3.4 MB`.
fn size(bytes: u64) -> String {
    match bytes {
        0..=1023 => format!("{bytes} B"),
        1024..=1_048_575 => format!("{} KB", bytes.div_ceil(1024)),
        _ if bytes.is_multiple_of(1_048_576) => format!("{} MB", bytes / 1_048_576),
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
