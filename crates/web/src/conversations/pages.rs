//! `/inbox`: the shared inbox as a list. Status and assignee as tabs of links, team, label
//! and channel in a GET form, a page at a time by cursor; unread conversations in bold.
//! A row is one link: stacked on a phone, table-like columns from 760 px.
use super::texts::{texts, Texts};
use super::view::{ago, channel_chip, status_badge, People};
use crate::i18n::Msg;
use crate::pages::{ctx_error, layout, Ctx};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;
use time::OffsetDateTime;
use vinculo_app::conversations::inbox;
use vinculo_app::AppError;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::conversations::{Channel, Status};
use vinculo_domain::ids::TeamId;
use vinculo_store::conversations::{Assignee, InboxFilter, InboxRow};
use vinculo_store::Cursor;

/// Conversations per page.
const PER_PAGE: u64 = 30;

/// The list's query string. A value that does not parse (an old link, a hand-edited one)
/// is left out rather than failing the page.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    /// `open` (when left out), `pending`, `snoozed`, `resolved` or `all`.
    status: Option<String>,
    /// `mine`, `none` or `all` (when left out).
    who: Option<String>,
    team: Option<String>,
    label: Option<String>,
    channel: Option<String>,
    before: Option<String>,
}

impl ListQuery {
    fn status(&self) -> Option<Status> {
        match self.status.as_deref() {
            None | Some("") => Some(Status::Open),
            Some(s) => Status::parse(s),
        }
    }

    fn status_key(&self) -> &str {
        self.status().map_or("all", |s| s.as_str())
    }

    fn who(&self) -> &str {
        match self.who.as_deref() {
            Some(w @ ("mine" | "none")) => w,
            _ => "all",
        }
    }

    fn team(&self) -> Option<TeamId> {
        self.team
            .as_deref()
            .and_then(|t| t.parse().ok())
            .map(TeamId)
    }

    fn channel(&self) -> Option<Channel> {
        self.channel.as_deref().and_then(Channel::parse)
    }

    fn label(&self) -> Option<String> {
        self.label
            .as_deref()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
    }

    fn filter(&self, ctx: &Ctx) -> InboxFilter {
        InboxFilter {
            status: self.status(),
            channel: self.channel(),
            assignee: match self.who() {
                "mine" => Assignee::User(ctx.principal.user_id),
                "none" => Assignee::Nobody,
                _ => Assignee::Anyone,
            },
            team: self.team(),
            label: self.label(),
            customer: None,
        }
    }

    /// Whether anything narrows the list beyond the open tab.
    fn narrowed(&self) -> bool {
        self.who() != "all"
            || self.team().is_some()
            || self.label().is_some()
            || self.channel().is_some()
    }

    /// This list's address with `change` applied; defaults and the cursor are left out.
    fn href(&self, change: impl FnOnce(&mut ListQuery)) -> String {
        let mut q = self.clone();
        q.before = None;
        change(&mut q);
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if q.status_key() != "open" {
            s.append_pair("status", q.status_key());
        }
        if q.who() != "all" {
            s.append_pair("who", q.who());
        }
        if let Some(t) = q.team() {
            s.append_pair("team", &t.to_string());
        }
        if let Some(l) = q.label() {
            s.append_pair("label", &l);
        }
        if let Some(c) = q.channel() {
            s.append_pair("channel", c.as_str());
        }
        if let Some(b) = &q.before {
            s.append_pair("before", b);
        }
        let query = s.finish();
        if query.is_empty() {
            "/inbox".to_owned()
        } else {
            format!("/inbox?{query}")
        }
    }
}

pub async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Response {
    let data = async {
        let before = q
            .before
            .as_deref()
            .and_then(Cursor::decode)
            .filter(|c| c.1.is_some());
        let page = inbox::list(
            &state.app,
            &ctx.principal,
            &q.filter(&ctx),
            before.as_ref(),
            PER_PAGE,
        )
        .await?;
        // An empty filtered list: is the inbox empty, or only this view of it?
        let any = if page.items.is_empty() && (q.narrowed() || q.status_key() != "all") {
            let all = InboxFilter::default();
            !inbox::list(&state.app, &ctx.principal, &all, None, 1)
                .await?
                .items
                .is_empty()
        } else {
            !page.items.is_empty()
        };
        Ok::<_, AppError>((page, any, People::load(&state, &ctx).await?))
    }
    .await;
    let (page, any, people) = match data {
        Ok(d) => d,
        Err(e) => return ctx_error(&ctx, e),
    };
    let t = texts(ctx.lang);
    let now = OffsetDateTime::now_utc();
    let next = page.next.clone().map(Cursor::encode);
    let body = html! {
        h1 { (t.inbox_title) }
        (tabs(t, &q))
        (filters(&ctx, t, &q, &people, &page.items))
        // The first page follows the inbox as it changes (`app.js`); an older one stays put.
        div id="inbox-body" data-topic=[q.before.is_none().then_some("inbox=1")] {
        @if page.items.is_empty() {
            (empty(&ctx, t, &q, any))
        } @else {
            ul class="inbox" {
                li class="inbox-head" aria-hidden="true" {
                    span { (t.customer) } span { (t.subject) } span { (t.channel) }
                    span { (ctx.m.status) } span { (t.assignee) } span { (t.last_message) }
                }
                @for r in &page.items { (row(ctx.m, t, r, &people, now)) }
            }
            nav class="tl-pages" {
                @if q.before.is_some() { a href=(q.href(|_| {})) { "← " (t.newest) } }
                @if let Some(next) = &next {
                    a rel="next" href=(q.href(|n| n.before = Some(next.clone()))) { (t.older) " →" }
                }
            }
        }
        }
    };
    layout(&ctx, t.inbox_title, body).into_response()
}

fn tabs(t: &Texts, q: &ListQuery) -> Markup {
    let statuses = [
        ("open", t.tab_open),
        ("pending", t.tab_pending),
        ("snoozed", t.tab_snoozed),
        ("resolved", t.tab_resolved),
        ("all", t.tab_all),
    ];
    let whos = [
        ("mine", t.who_mine),
        ("none", t.who_none),
        ("all", t.who_all),
    ];
    html! {
        nav class="tabs" aria-label=(t.status_tabs) {
            @for (key, label) in statuses {
                a href=(q.href(|n| n.status = Some(key.into()))) aria-current=[(q.status_key() == key).then_some("page")] { (label) }
            }
        }
        nav class="tabs tabs-small" aria-label=(t.who_tabs) {
            @for (key, label) in whos {
                a href=(q.href(|n| n.who = Some(key.into()))) aria-current=[(q.who() == key).then_some("page")] { (label) }
            }
        }
    }
}

/// Team, label and channel; status and assignee ride along as hidden fields.
fn filters(ctx: &Ctx, t: &Texts, q: &ListQuery, people: &People, rows: &[InboxRow]) -> Markup {
    let mut seen: Vec<&str> = Vec::new();
    for r in rows {
        for l in &r.labels {
            if !seen.contains(&l.as_str()) {
                seen.push(l);
            }
        }
    }
    let label = q.label().unwrap_or_default();
    html! {
        form class="row inbox-filters" method="get" action="/inbox" {
            @if q.status_key() != "open" { input type="hidden" name="status" value=(q.status_key()); }
            @if q.who() != "all" { input type="hidden" name="who" value=(q.who()); }
            label { span class="visually-hidden" { (t.team) }
                select name="team" {
                    option value="" { (t.any_team) }
                    @for team in &people.teams {
                        option value=(team.id) selected[q.team() == Some(team.id)] { (team.name) }
                    }
                }
            }
            label { span class="visually-hidden" { (t.labels) }
                input type="search" name="label" value=(label) placeholder=(t.labels) list="inbox-labels" maxlength="40";
                datalist id="inbox-labels" { @for l in &seen { option value=(l) {} } }
            }
            label { span class="visually-hidden" { (t.channel) }
                select name="channel" {
                    option value="" { (t.any_channel) }
                    @for c in Channel::ALL {
                        option value=(c.as_str()) selected[q.channel() == Some(*c)] { (super::view::channel_label(ctx.m, *c)) }
                    }
                }
            }
            button type="submit" class="secondary" { (t.filter_apply) }
            @if q.team().is_some() || q.label().is_some() || q.channel().is_some() {
                a class="small" href=(q.href(|n| { n.team = None; n.label = None; n.channel = None; })) { (t.filter_clear) }
            }
        }
    }
}

fn row(m: &Msg, t: &Texts, r: &InboxRow, people: &People, now: OffsetDateTime) -> Markup {
    let c = &r.conversation;
    let assignee = c.assignee_id.and_then(|u| people.name(u));
    let team = c.team_id.and_then(|id| people.team(id));
    html! {
        li class={ "inbox-item" @if r.unread { " unread" } } {
            a href={ "/inbox/" (c.id) } {
                span class="ib-customer" {
                    @if r.unread { span class="dot" aria-hidden="true" {} span class="visually-hidden" { (t.unread) ": " } }
                    (r.customer_name)
                }
                span class="ib-subject" { (c.subject) }
                span class="ib-channel" { (channel_chip(m, c.channel)) }
                span class="ib-status" { (status_badge(t, c.status, c.snoozed_until)) }
                span class="ib-who" {
                    @match (assignee, team) {
                        (Some(a), Some(tm)) => { (a) span class="muted" { " · " (tm) } },
                        (Some(a), None) => { (a) },
                        (None, Some(tm)) => { span class="muted" { (t.unassigned) " · " (tm) } },
                        (None, None) => { span class="muted" { (t.unassigned) } },
                    }
                }
                span class="ib-time" { (ago(m, t, c.last_message_at, now)) }
                @if !r.labels.is_empty() {
                    span class="ib-labels" { @for l in &r.labels { span class="label-chip" { (l) } } }
                }
            }
        }
    }
}

fn empty(ctx: &Ctx, t: &Texts, q: &ListQuery, any: bool) -> Markup {
    html! {
        div class="card empty" {
            @if any {
                p { (t.none_match) }
                p { a href=(q.href(|n| *n = ListQuery { status: Some("all".into()), ..ListQuery::default() })) { (t.see_all) } }
            } @else {
                h2 { (t.empty_title) }
                @if ctx.principal.can(Area::Workspace, Access::Write) {
                    p { (t.empty_admin) }
                    p { a class="button" href="/settings/mailboxes" { (t.empty_connect) } }
                } @else {
                    p { (t.empty_other) }
                }
            }
        }
    }
}
