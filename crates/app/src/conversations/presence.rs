//! Who has a conversation open, and who is writing a reply in it: the collision warning
//! ("Luis is replying") that keeps two agents from answering the same customer twice.
//!
//! Kept in memory and published as live events: presence is a fact about open pages, gone
//! when they close, and never the record of anything. With several Vinculo processes behind
//! a balancer an agent sees the others on the same process only (documented); the reply
//! itself is still recorded once.
use crate::events::{Event, Events};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use vinculo_domain::ids::{ConversationId, UserId, WorkspaceId};

/// What an agent is doing in a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Viewing,
    Replying,
}

/// Someone with the conversation open.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Viewer {
    pub user_id: UserId,
    pub name: String,
    pub activity: Activity,
}

struct Seat {
    token: u64,
    viewer: Viewer,
}

type Key = (WorkspaceId, ConversationId);

/// The open conversations and who is in each.
#[derive(Default)]
pub struct Presence {
    seats: Mutex<HashMap<Key, Vec<Seat>>>,
    next: AtomicU64,
}

/// A page holding a conversation open; leaving (dropping it) tells the others.
pub struct Seated {
    presence: Arc<Presence>,
    events: Arc<Events>,
    key: Key,
    token: u64,
}

impl Presence {
    /// The people in a conversation, one entry per person (replying wins over viewing).
    pub fn viewers(&self, ws: WorkspaceId, id: ConversationId) -> Vec<Viewer> {
        let seats = self.seats.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<Viewer> = Vec::new();
        for s in seats.get(&(ws, id)).into_iter().flatten() {
            match out.iter_mut().find(|v| v.user_id == s.viewer.user_id) {
                Some(v) if s.viewer.activity == Activity::Replying => {
                    v.activity = Activity::Replying
                }
                Some(_) => {}
                None => out.push(s.viewer.clone()),
            }
        }
        out
    }

    fn publish(&self, events: &Events, key: Key) {
        events.publish(Event::Presence {
            workspace_id: key.0,
            conversation_id: key.1,
            viewers: self.viewers(key.0, key.1).into(),
        });
    }

    /// `user` opened the conversation.
    pub fn join(
        self: &Arc<Self>,
        events: &Arc<Events>,
        ws: WorkspaceId,
        id: ConversationId,
        user: UserId,
        name: &str,
    ) -> Seated {
        let token = self.next.fetch_add(1, Ordering::Relaxed);
        let key = (ws, id);
        self.seats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default()
            .push(Seat {
                token,
                viewer: Viewer {
                    user_id: user,
                    name: name.to_owned(),
                    activity: Activity::Viewing,
                },
            });
        self.publish(events, key);
        Seated {
            presence: self.clone(),
            events: events.clone(),
            key,
            token,
        }
    }

    /// Sets what `user` is doing on every page of theirs holding the conversation. False:
    /// they have none open.
    pub fn set_activity(
        &self,
        events: &Events,
        ws: WorkspaceId,
        id: ConversationId,
        user: UserId,
        activity: Activity,
    ) -> bool {
        let changed = {
            let mut seats = self.seats.lock().unwrap_or_else(|e| e.into_inner());
            let mut found = false;
            for s in seats.get_mut(&(ws, id)).into_iter().flatten() {
                if s.viewer.user_id == user {
                    s.viewer.activity = activity;
                    found = true;
                }
            }
            found
        };
        if changed {
            self.publish(events, (ws, id));
        }
        changed
    }
}

/// Opens a conversation's presence for `actor` (who may read the inbox; the conversation
/// must be theirs to see): held while their page is open.
pub async fn enter(
    app: &crate::App,
    actor: &crate::Principal,
    id: ConversationId,
) -> Result<Seated, crate::AppError> {
    use vinculo_domain::auth::{Access, Area};
    actor.require(Area::Service, Access::Read)?;
    let mut conn = app.db.conn().await?;
    if vinculo_store::conversations::get(&mut conn, actor.workspace_id, id)
        .await?
        .is_none()
    {
        return Err(crate::AppError::NotFound("conversation"));
    }
    Ok(app.presence.join(
        &app.events,
        actor.workspace_id,
        id,
        actor.user_id,
        &actor.user_name,
    ))
}

/// Says whether `actor` is writing a reply in a conversation they have open.
pub fn set(
    app: &crate::App,
    actor: &crate::Principal,
    id: ConversationId,
    activity: Activity,
) -> bool {
    app.presence
        .set_activity(&app.events, actor.workspace_id, id, actor.user_id, activity)
}

impl Drop for Seated {
    fn drop(&mut self) {
        {
            let mut seats = self
                .presence
                .seats
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if let Some(list) = seats.get_mut(&self.key) {
                list.retain(|s| s.token != self.token);
                if list.is_empty() {
                    seats.remove(&self.key);
                }
            }
        }
        self.presence.publish(&self.events, self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_join_reply_and_leave_and_each_change_is_told() {
        let presence = Arc::new(Presence::default());
        let events = Arc::new(Events::default());
        let mut rx = events.subscribe();
        let (ws, id) = (WorkspaceId::new(), ConversationId::new());
        let (ana, luis) = (UserId::new(), UserId::new());
        let a = presence.join(&events, ws, id, ana, "Ana");
        let l1 = presence.join(&events, ws, id, luis, "Luis");
        let l2 = presence.join(&events, ws, id, luis, "Luis");
        assert_eq!(presence.viewers(ws, id).len(), 2, "one entry per person");
        assert!(presence.set_activity(&events, ws, id, luis, Activity::Replying));
        let v = presence.viewers(ws, id);
        assert_eq!(v[1].activity, Activity::Replying);
        drop(l1);
        drop(l2);
        drop(a);
        assert!(presence.viewers(ws, id).is_empty());
        assert!(!presence.set_activity(&events, ws, id, luis, Activity::Viewing));
        let mut told = 0;
        while let Ok(Event::Presence { .. }) = rx.try_recv() {
            told += 1;
        }
        assert_eq!(told, 7, "three joins, one activity, three leaves");
    }
}
