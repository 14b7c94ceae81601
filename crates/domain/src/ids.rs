//! Typed UUIDv7 ids. Version 7 ids sort by creation time, which keeps B-tree inserts local
//! and lets cursor pagination order by id alone.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            /// The underlying UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    )*};
}

id_type!(
    /// A workspace: the tenant boundary.
    WorkspaceId,
    /// A person who logs in to Vinculo.
    UserId,
    /// A team of users inside a workspace.
    TeamId,
    /// A named API token.
    TokenId,
    /// A pending invitation to join a workspace.
    InviteId,
    /// An audit-log entry.
    AuditId,
    /// A customer: a person or an organisation.
    CustomerId,
    /// An interaction: one contact with a customer on any channel.
    InteractionId,
    /// A suggestion that two customers are one.
    SuggestionId,
    /// A merge of customers into one, kept so it can be undone.
    MergeId,
    /// A conversation of the shared inbox: a thread with one customer.
    ConversationId,
    /// A message or an internal note in a conversation.
    EntryId,
    /// A mailbox read over IMAP and answered over SMTP.
    MailChannelId,
    /// A file that came with a message.
    AttachmentId,
    /// A reply waiting for, or handed to, the SMTP server.
    OutboxId,
    /// A saved reply an agent inserts.
    CannedResponseId,
    /// A web form an admin built.
    FormId,
);
