//! The shared inbox: messages arriving on a channel become interactions on the sender's
//! timeline and entries of a conversation (`receive`); agents read, assign and answer them.
pub mod canned;
pub mod checks;
pub mod inbox;
pub mod mailboxes;
mod opening;
pub mod presence;
pub mod reader;
mod receive;
pub mod reply;
pub mod sender;
pub mod turns;

pub(crate) use opening::{open_conversation, Opening};
pub use receive::{receive, receive_all, Attachment, Classified, InboundMessage, Received};

use crate::{AppError, Principal};
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::ids::{AttachmentId, ConversationId, InteractionId};
use vinculo_store::attachments::AttachmentInfo;
use vinculo_store::conversations::{self as store, ConversationRecord, EntryRecord};
use vinculo_store::interactions::InteractionRecord;

/// A conversation with its entries, oldest first, its labels, the interactions its messages
/// are and their attachments.
pub struct Thread {
    pub conversation: ConversationRecord,
    pub entries: Vec<EntryRecord>,
    pub labels: Vec<String>,
    pub interactions: std::collections::HashMap<InteractionId, InteractionRecord>,
    pub attachments: Vec<AttachmentInfo>,
}

/// One conversation as an agent opens it.
pub async fn thread(
    app: &crate::App,
    actor: &Principal,
    id: ConversationId,
) -> Result<Thread, AppError> {
    actor.require(Area::Service, Access::Read)?;
    let mut conn = app.db.conn().await?;
    let conversation = store::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let entries = store::entries(&mut conn, actor.workspace_id, id).await?;
    let labels = store::labels(&mut conn, actor.workspace_id, id).await?;
    let ids: Vec<InteractionId> = entries.iter().filter_map(|e| e.interaction_id).collect();
    let mut interactions = std::collections::HashMap::new();
    for i in &ids {
        if let Some(r) = vinculo_store::interactions::get(&mut conn, actor.workspace_id, *i).await?
        {
            interactions.insert(*i, r);
        }
    }
    let attachments =
        vinculo_store::attachments::of_interactions(&mut conn, actor.workspace_id, &ids).await?;
    Ok(Thread {
        conversation,
        entries,
        labels,
        interactions,
        attachments,
    })
}

/// Tells the live pages a conversation changed (after its commit).
pub(crate) fn changed(app: &crate::App, ws: vinculo_domain::ids::WorkspaceId, id: ConversationId) {
    app.events
        .publish(crate::events::Event::ConversationChanged {
            workspace_id: ws,
            conversation_id: id,
        });
}

/// A file that came with a message, with its bytes, for an agent to download. A file that
/// was not kept (refused for its size) has no bytes to give: not found.
pub async fn attachment(
    app: &crate::App,
    actor: &Principal,
    id: AttachmentId,
) -> Result<(AttachmentInfo, Vec<u8>), AppError> {
    actor.require(Area::Service, Access::Read)?;
    let mut conn = app.db.conn().await?;
    match vinculo_store::attachments::data(&mut conn, actor.workspace_id, id).await? {
        Some((info, Some(bytes))) => Ok((info, bytes)),
        _ => Err(AppError::NotFound("attachment")),
    }
}

/// A message's formatted (HTML) body as an agent reads it: its inline images pointing at
/// `file_url` of their stored files, its remote images loaded only when `remote_images`.
pub async fn message_html(
    app: &crate::App,
    actor: &Principal,
    id: InteractionId,
    remote_images: bool,
    file_url: impl Fn(AttachmentId) -> String,
) -> Result<String, AppError> {
    actor.require(Area::Service, Access::Read)?;
    let mut conn = app.db.conn().await?;
    let interaction = vinculo_store::interactions::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("message"))?;
    let html = interaction
        .body_html
        .ok_or(AppError::NotFound("formatted message"))?;
    let files =
        vinculo_store::attachments::of_interactions(&mut conn, actor.workspace_id, &[id]).await?;
    let inline = files
        .iter()
        .filter(|f| f.refused.is_none())
        .filter_map(|f| Some((f.content_id.clone()?, file_url(f.id))))
        .collect();
    Ok(vinculo_domain::html::for_display(
        &html,
        remote_images,
        &inline,
    ))
}
