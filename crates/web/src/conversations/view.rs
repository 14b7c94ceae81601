//! Small pieces the inbox's pages share: how a status, a channel, a delivery state and a
//! moment are shown, and who the workspace's agents and teams are.
use super::texts::Texts;
use crate::i18n::Msg;
use crate::interactions::pages::{channel_name, day_name, icon};
use crate::pages::{when, Ctx};
use crate::state::AppState;
use maud::{html, Markup, PreEscaped};
use time::OffsetDateTime;
use vinculo_app::{teams, users, AppError};
use vinculo_domain::auth::{allows, Access, Area};
use vinculo_domain::conversations::{Channel, Delivery, Status};
use vinculo_domain::ids::{TeamId, UserId};
use vinculo_domain::interactions::Channel as InteractionChannel;
use vinculo_store::teams::Team;
use vinculo_store::users::Member;

pub(super) fn status_name(t: &Texts, s: Status) -> &'static str {
    match s {
        Status::Open => t.status_open,
        Status::Pending => t.status_pending,
        Status::Snoozed => t.status_snoozed,
        Status::Resolved => t.status_resolved,
    }
}

/// A status as a coloured badge; a snoozed one says until when.
pub(super) fn status_badge(t: &Texts, s: Status, until: Option<OffsetDateTime>) -> Markup {
    html! {
        span class={ "badge st-" (s.as_str()) } {
            (status_name(t, s))
            @if let (Status::Snoozed, Some(u)) = (s, until) {
                " " span class="small" { (t.until.replace("{t}", &when(u))) }
            }
        }
    }
}

pub(super) fn delivery_name(t: &Texts, d: Delivery) -> &'static str {
    match d {
        Delivery::Queued => t.delivery_queued,
        Delivery::Sent => t.delivery_sent,
        Delivery::Failed => t.delivery_failed,
        Delivery::Undeliverable => t.delivery_undeliverable,
        Delivery::InDoubt => t.delivery_in_doubt,
    }
}

fn as_interaction_channel(c: Channel) -> InteractionChannel {
    match c {
        Channel::Email => InteractionChannel::Email,
        Channel::WebForm => InteractionChannel::WebForm,
    }
}

pub(super) fn channel_label(m: &Msg, c: Channel) -> &'static str {
    channel_name(m, as_interaction_channel(c))
}

/// The channel's icon and name ("✉ Correo electrónico"); the name hidden on a phone row.
pub(super) fn channel_chip(m: &Msg, c: Channel) -> Markup {
    html! {
        span class="ch" data-channel=(c.as_str()) {
            svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" { (PreEscaped(icon(as_interaction_channel(c)))) }
            span class="ch-name" { (channel_label(m, c)) }
        }
    }
}

/// "ahora mismo", "hace 5 min", "hace 3 h", else the day ("ayer", "20 nov 2026"); the full
/// UTC time in the title.
pub(super) fn ago(m: &Msg, t: &Texts, at: OffsetDateTime, now: OffsetDateTime) -> Markup {
    let minutes = (now - at).whole_minutes();
    let text = match minutes {
        i64::MIN..=0 => t.just_now.to_owned(),
        1..=59 => t.minutes_ago.replace("{n}", &minutes.to_string()),
        60..=719 => t.hours_ago.replace("{n}", &(minutes / 60).to_string()),
        _ if at.date() == now.date() => t.hours_ago.replace("{n}", &(minutes / 60).to_string()),
        _ => day_name(m, at.date(), now.date()),
    };
    html! {
        time datetime=(crate::interactions::pages::rfc3339(at)) title=(when(at)) { (text) }
    }
}

/// The workspace's members and teams, for names and the assignment selects.
pub(super) struct People {
    pub members: Vec<Member>,
    pub teams: Vec<Team>,
}

impl People {
    pub(super) async fn load(state: &AppState, ctx: &Ctx) -> Result<People, AppError> {
        let p = &ctx.principal;
        Ok(People {
            members: users::list(&state.app, p, None, None, 200).await?.items,
            teams: teams::list(&state.app, p).await?,
        })
    }

    pub(super) fn name(&self, id: UserId) -> Option<&str> {
        self.members
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.as_str())
    }

    pub(super) fn team(&self, id: TeamId) -> Option<&str> {
        self.teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.as_str())
    }

    /// Who a conversation can be assigned to: active members who answer customers.
    pub(super) fn agents(&self) -> impl Iterator<Item = &Member> {
        self.members
            .iter()
            .filter(|u| !u.disabled && allows(u.role, Area::Service, Access::Write))
    }
}
