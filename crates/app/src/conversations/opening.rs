//! Opening a conversation for a customer's first message on a channel that says who it is for
//! (a web form names its team and the mailbox replies go out from): open, with its reference
//! token, its subject cut like an e-mail's, and given to whoever's turn it is when the team
//! assigns by turn (otherwise it waits unassigned in the team's queue).
use crate::AppError;
use time::OffsetDateTime;
use vinculo_domain::conversations::{self as rules, Channel, Status};
use vinculo_domain::ids::{ConversationId, CustomerId, MailChannelId, TeamId, WorkspaceId};
use vinculo_store::conversations::{self as store, NewConversation};

/// A conversation to open.
pub(crate) struct Opening<'a> {
    pub customer_id: CustomerId,
    pub channel: Channel,
    pub mail_channel_id: Option<MailChannelId>,
    pub subject: &'a str,
    pub team_id: Option<TeamId>,
    pub at: OffsetDateTime,
}

/// Opens the conversation (no entries yet) in the caller's transaction.
pub(crate) async fn open_conversation(
    conn: &mut vinculo_store::Conn,
    ws: WorkspaceId,
    o: &Opening<'_>,
) -> Result<ConversationId, AppError> {
    let id = ConversationId::new();
    let token = rules::token_for(id);
    let assignee = match o.team_id {
        Some(team) => super::turns::assign_by_turn(conn, ws, team).await?,
        None => None,
    };
    let subject = if o.subject.trim().is_empty() {
        "(sin asunto)".to_owned()
    } else {
        o.subject.trim().chars().take(998).collect()
    };
    store::insert(
        conn,
        ws,
        &NewConversation {
            id,
            customer_id: o.customer_id,
            channel: o.channel,
            mail_channel_id: o.mail_channel_id,
            subject: &subject,
            status: Status::Open,
            assignee_id: assignee,
            team_id: o.team_id,
            token: &token,
            at: o.at,
        },
    )
    .await?;
    Ok(id)
}
