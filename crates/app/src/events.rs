//! Live events: what just happened, for the pages that show it as it happens (a customer's
//! timeline, an agent's screen pop). In-process and best effort: a subscriber that falls
//! behind misses events and reloads what it shows; nothing here is the record of anything.
use std::sync::Arc;

use tokio::sync::broadcast;
use vinculo_domain::ids::{ConversationId, CustomerId, InteractionId, UserId, WorkspaceId};
use vinculo_domain::interactions::CallState;

use crate::telephony::CallCard;

/// Something that happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A conversation got a message or a note, or an agent changed it.
    ConversationChanged {
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
    },
    /// Who has a conversation open now, and who is replying.
    Presence {
        workspace_id: WorkspaceId,
        conversation_id: ConversationId,
        viewers: Arc<[crate::conversations::presence::Viewer]>,
    },
    /// An interaction was committed to a customer's timeline.
    InteractionAdded {
        workspace_id: WorkspaceId,
        customer_id: CustomerId,
        interaction_id: InteractionId,
    },
    /// A call is ringing: its card, for the agents `to` (on its extension or queue).
    ScreenPop {
        workspace_id: WorkspaceId,
        to: Arc<[UserId]>,
        card: Arc<CallCard>,
    },
    /// A call was answered or ended: for the agents whose card shows it.
    CallUpdated {
        workspace_id: WorkspaceId,
        to: Arc<[UserId]>,
        call_id: String,
        state: CallState,
        /// The extension that answered.
        answered_by: Option<String>,
        /// At `ended`: the talk time.
        duration_seconds: Option<u32>,
        customer_id: Option<CustomerId>,
    },
}

/// Events missed by a subscriber this far behind are dropped for it (it is told so).
const BACKLOG: usize = 4_096;

/// Where events are published and subscribed to.
pub struct Events {
    tx: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(BACKLOG);
        Events { tx }
    }
}

impl Events {
    /// Tells every subscriber (none listening is fine).
    pub fn publish(&self, e: Event) {
        let _ = self.tx.send(e);
    }

    /// Every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}
