//! The shared inbox: messages arriving on a channel become interactions on the sender's
//! timeline and entries of a conversation (`receive`); agents read, assign and answer them.
pub mod mailboxes;
mod receive;

pub use receive::{receive, Attachment, Classified, InboundMessage, Received};

use crate::{AppError, Principal};
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::ids::ConversationId;
use vinculo_store::conversations::{self as store, ConversationRecord, EntryRecord};

/// A conversation with its entries, oldest first, and its labels.
pub struct Thread {
    pub conversation: ConversationRecord,
    pub entries: Vec<EntryRecord>,
    pub labels: Vec<String>,
}

/// One conversation as an agent opens it.
pub async fn thread(
    app: &crate::App,
    actor: &Principal,
    id: ConversationId,
) -> Result<Thread, AppError> {
    actor.require(Area::Interactions, Access::Read)?;
    let mut conn = app.db.conn().await?;
    let conversation = store::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let entries = store::entries(&mut conn, actor.workspace_id, id).await?;
    let labels = store::labels(&mut conn, actor.workspace_id, id).await?;
    Ok(Thread {
        conversation,
        entries,
        labels,
    })
}
