//! Calls from a telephony system: the screen pop and the call log.
//!
//! - `ringing`: the customer's number is normalised and resolved, a card (who they are,
//!   complaints, last contacts, last purchase) is built and pushed at once to every agent
//!   answering on the ringing extension or in the call's queue; only then is the call
//!   recorded, so the card is not kept waiting on a write.
//! - `answered`: the call is marked answered (the talk time starts) and the agents' cards
//!   say so.
//! - `ended`: the call is logged on the customer's timeline as a `call` interaction with its
//!   duration, through the same ingest as every channel (idempotent by the call id, so a
//!   second `Hangup` is a duplicate, and an unknown caller becomes a prospect), then
//!   forgotten.
mod card;

pub use card::{CallCard, CardCustomer};

use std::sync::Arc;

use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::identity::normalize_phone;
use vinculo_domain::ids::{CustomerId, UserId};
use vinculo_domain::interactions::{
    is_withheld, CallEvent, CallState, IdentityDraft, InteractionDraft,
};
use vinculo_store::telephony::{self as store, Call};
use vinculo_store::Conn;

use crate::events::Event;
use crate::interactions::Ingested;
use crate::{App, AppError, Principal};

/// A call not ended this long after it rang is forgotten (its `ended` was lost).
const FORGET_AFTER: time::Duration = time::Duration::days(1);

/// What a call event did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallOutcome {
    pub state: CallState,
    /// The customer the number resolved to (or the call was logged on).
    pub customer_id: Option<CustomerId>,
    /// How many agents were sent the card or its update.
    pub agents: usize,
    /// At `ended`: the call's interaction.
    pub logged: Option<Ingested>,
    /// At `ended`, when the call was not logged: why.
    pub not_logged: Option<String>,
}

/// Acts on one call event.
pub async fn handle(app: &App, actor: &Principal, ev: CallEvent) -> Result<CallOutcome, AppError> {
    actor.require(Area::Interactions, Access::Write)?;
    ev.validate().map_err(AppError::InvalidFields)?;
    match ev.state {
        CallState::Ringing => ringing(app, actor, ev).await,
        CallState::Answered => answered(app, actor, ev).await,
        CallState::Ended => ended(app, actor, ev).await,
    }
}

async fn ringing(app: &App, actor: &Principal, ev: CallEvent) -> Result<CallOutcome, AppError> {
    let ws = actor.workspace_id;
    let number = ev.customer_number().to_owned();
    let phone = e164(app, ws, &number).await?;
    let mut conn = app.db.conn().await?;
    let customer = match &phone {
        Some(p) => card::customer(&mut conn, ws, p).await?,
        None => None,
    };
    let to = store::agents(&mut conn, ws, ev.extension.as_deref(), ev.queue.as_deref()).await?;
    let customer_id = customer.as_ref().map(|c| c.id);
    let call = call_of(
        &ev,
        phone,
        customer_id,
        ev.occurred_at.unwrap_or_else(crate::now),
    );
    let agents = to.len();
    if !to.is_empty() {
        app.events.publish(Event::ScreenPop {
            workspace_id: ws,
            to: to.into(),
            card: Arc::new(CallCard {
                call: call.clone(),
                customer,
            }),
        });
    }
    let mut tx = app.db.begin().await?;
    store::prune(&mut tx, ws, crate::now() - FORGET_AFTER).await?;
    store::insert(&mut tx, ws, &call).await?;
    tx.commit().await?;
    Ok(CallOutcome {
        state: CallState::Ringing,
        customer_id,
        agents,
        logged: None,
        not_logged: None,
    })
}

async fn answered(app: &App, actor: &Principal, ev: CallEvent) -> Result<CallOutcome, AppError> {
    let ws = actor.workspace_id;
    let at = ev.occurred_at.unwrap_or_else(crate::now);
    let key = (ev.source.as_str(), ev.call_id.as_str());
    let mut tx = app.db.begin().await?;
    if !store::answered(&mut tx, ws, key, at, ev.extension.as_deref()).await? {
        // The `ringing` never came: the call starts here.
        let phone = e164(app, ws, ev.customer_number()).await?;
        store::insert(&mut tx, ws, &call_of(&ev, phone, None, at)).await?;
    }
    let call = store::get(&mut tx, ws, key).await?;
    tx.commit().await?;
    let mut conn = app.db.conn().await?;
    let to = audience(&mut conn, actor, &ev, call.as_ref()).await?;
    let agents = to.len();
    app.events.publish(Event::CallUpdated {
        workspace_id: ws,
        to: to.into(),
        call_id: ev.call_id,
        state: CallState::Answered,
        answered_by: ev.extension,
        duration_seconds: None,
        customer_id: call.as_ref().and_then(|c| c.customer_id),
    });
    Ok(CallOutcome {
        state: CallState::Answered,
        customer_id: call.and_then(|c| c.customer_id),
        agents,
        logged: None,
        not_logged: None,
    })
}

async fn ended(app: &App, actor: &Principal, ev: CallEvent) -> Result<CallOutcome, AppError> {
    let ws = actor.workspace_id;
    let at = ev.occurred_at.unwrap_or_else(crate::now);
    let key = (ev.source.as_str(), ev.call_id.as_str());
    let mut conn = app.db.conn().await?;
    let call = store::get(&mut conn, ws, key).await?;
    let to = audience(&mut conn, actor, &ev, call.as_ref()).await?;
    let began = call.as_ref().map_or(at, |c| c.ringing_at);
    let answered_at = call.as_ref().and_then(|c| c.answered_at);
    // The system's own figure when it gives one; else from our `answered` to this `ended`.
    let duration = ev
        .duration_seconds
        .or_else(|| answered_at.map(|a| seconds(a, at)))
        .unwrap_or(0);
    let answered = answered_at.is_some() || duration > 0;
    let extension = call
        .as_ref()
        .and_then(|c| c.answered_by.clone().or(c.extension.clone()))
        .or(ev.extension.clone());
    let agent = match &extension {
        Some(ext) => Some(agent_name(&mut conn, actor, ext).await?),
        None => None,
    };
    drop(conn);
    let number = call
        .as_ref()
        .map_or_else(|| ev.customer_number().to_owned(), |c| c.number.clone());
    let (logged, not_logged) = if is_withheld(&number) {
        (None, Some("the caller's number was withheld".to_owned()))
    } else {
        let attributes = json!({
            "call_id": ev.call_id,
            "duration_seconds": duration,
            "ring_seconds": seconds(began, answered_at.unwrap_or(at)),
            "answered": answered,
            "extension": extension,
            "queue": call.as_ref().and_then(|c| c.queue.clone()).or(ev.queue.clone()),
            "called": call.as_ref().and_then(|c| c.called.clone()).or(ev.to.clone()),
        });
        let draft = InteractionDraft {
            channel: Some("phone".into()),
            direction: Some(ev.direction.as_str().into()),
            kind: Some("call".into()),
            occurred_at: began.format(&Rfc3339).ok(),
            attributes: Some(attributes),
            agent,
            customer: Some(IdentityDraft {
                id: call
                    .as_ref()
                    .and_then(|c| c.customer_id)
                    .map(|c| c.to_string()),
                phone: Some(number),
                ..IdentityDraft::default()
            }),
            source: Some(ev.source.clone()),
            source_event_id: Some(ev.call_id.clone()),
            ..InteractionDraft::default()
        };
        let result = crate::interactions::ingest(app, actor, std::slice::from_ref(&draft))
            .await?
            .pop();
        match result {
            Some(Ok(done)) => (Some(done), None),
            Some(Err(issues)) => {
                let why = issues
                    .iter()
                    .map(|i| format!("{}: {}", i.field, i.problem))
                    .collect::<Vec<_>>()
                    .join("; ");
                (None, Some(why))
            }
            None => (None, Some("nothing was ingested".to_owned())),
        }
    };
    let mut tx = app.db.begin().await?;
    store::delete(&mut tx, ws, key).await?;
    tx.commit().await?;
    let customer_id = logged
        .as_ref()
        .map(|l| l.customer_id)
        .or(call.as_ref().and_then(|c| c.customer_id));
    let agents = to.len();
    app.events.publish(Event::CallUpdated {
        workspace_id: ws,
        to: to.into(),
        call_id: ev.call_id,
        state: CallState::Ended,
        answered_by: extension,
        duration_seconds: Some(duration),
        customer_id,
    });
    Ok(CallOutcome {
        state: CallState::Ended,
        customer_id,
        agents,
        logged,
        not_logged,
    })
}

/// The call an event starts (`ringing`, or an `answered` whose `ringing` never came), as
/// recorded until it ends.
fn call_of(
    ev: &CallEvent,
    phone: Option<String>,
    customer_id: Option<CustomerId>,
    at: OffsetDateTime,
) -> Call {
    let answered = ev.state == CallState::Answered;
    Call {
        source: ev.source.clone(),
        call_id: ev.call_id.clone(),
        direction: ev.direction.as_str().to_owned(),
        number: ev.customer_number().to_owned(),
        phone,
        called: ev.to.clone(),
        extension: ev.extension.clone(),
        queue: ev.queue.clone(),
        customer_id,
        state: ev.state.as_str().to_owned(),
        ringing_at: at,
        answered_at: answered.then_some(at),
        answered_by: ev.extension.clone().filter(|_| answered),
    }
}

/// The number as E.164 in the workspace's country, when it is a number.
async fn e164(
    app: &App,
    ws: vinculo_domain::ids::WorkspaceId,
    number: &str,
) -> Result<Option<String>, AppError> {
    if is_withheld(number) {
        return Ok(None);
    }
    let region = app.ingest_queue().region(&app.db, ws).await?;
    Ok(normalize_phone(number, region).ok())
}

/// Whom a call's updates go to: the agents its card went to, and the one answering now.
async fn audience(
    conn: &mut Conn,
    actor: &Principal,
    ev: &CallEvent,
    call: Option<&Call>,
) -> Result<Vec<UserId>, AppError> {
    let ws = actor.workspace_id;
    let rang = call.and_then(|c| c.extension.as_deref());
    let queue = call
        .and_then(|c| c.queue.as_deref())
        .or(ev.queue.as_deref());
    let mut to = store::agents(conn, ws, rang, queue).await?;
    if ev.extension.as_deref() != rang {
        to.extend(store::agents(conn, ws, ev.extension.as_deref(), None).await?);
        to.sort();
        to.dedup();
    }
    Ok(to)
}

/// The name of the member answering on an extension, for the call's `agent`.
async fn agent_name(conn: &mut Conn, actor: &Principal, ext: &str) -> Result<String, AppError> {
    let ws = actor.workspace_id;
    let ids = store::agents(conn, ws, Some(ext), None).await?;
    let mut names = Vec::new();
    for id in ids {
        if let Some(m) = vinculo_store::users::member(conn, ws, id).await? {
            names.push(m.name);
        }
    }
    Ok(match names.as_slice() {
        [one] => one.clone(),
        _ => format!("ext. {ext}"),
    })
}

fn seconds(from: OffsetDateTime, to: OffsetDateTime) -> u32 {
    u32::try_from((to - from).whole_seconds().max(0)).unwrap_or(u32::MAX)
}

/// The longest extension (or Twilio client name) an agent can answer on.
pub const MAX_EXTENSION: usize = 64;

/// Sets the extension `user` answers calls on in the actor's workspace (`None` or blank
/// clears it). Anyone sets their own; admins set anyone's.
pub async fn set_extension(
    app: &App,
    actor: &Principal,
    user: UserId,
    extension: Option<&str>,
) -> Result<Option<String>, AppError> {
    if user != actor.user_id {
        actor.require(Area::Users, Access::Write)?;
    }
    let ext = extension.map(str::trim).filter(|e| !e.is_empty());
    if let Some(e) = ext {
        let fits = e.chars().count() <= MAX_EXTENSION
            && e.chars().all(|c| {
                c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@' | '+' | '*' | '#')
            });
        if !fits {
            return Err(AppError::invalid(
                "extension",
                format!(
                    "up to {MAX_EXTENSION} letters, digits and _ - . @ + * # (like 201 or ana)"
                ),
            ));
        }
    }
    let ws = actor.workspace_id;
    let mut tx = app.db.begin().await?;
    let before = vinculo_store::users::member(&mut tx, ws, user)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    store::set_extension(&mut tx, ws, user, ext).await?;
    let b = json!({ "extension": before.extension });
    let a = json!({ "extension": ext });
    crate::audit::record(
        &mut tx,
        actor,
        vinculo_domain::audit::AuditAction::Update,
        "member",
        user,
        &b,
        &a,
    )
    .await?;
    tx.commit().await?;
    app.invalidate_principals();
    Ok(ext.map(str::to_owned))
}

/// The extension the actor answers calls on in their workspace.
pub async fn my_extension(app: &App, actor: &Principal) -> Result<Option<String>, AppError> {
    let mut conn = app.db.conn().await?;
    Ok(
        vinculo_store::users::member(&mut conn, actor.workspace_id, actor.user_id)
            .await?
            .and_then(|m| m.extension),
    )
}
