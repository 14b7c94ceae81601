//! Who is acting: a logged-in user, an API token acting for its owner, or the operator's CLI.
//! Every use case starts with `principal.require(area, access)`.
use crate::AppError;
use vinculo_domain::auth::{allows, Access, Area, Role, Scopes};
use vinculo_domain::ids::{TokenId, UserId, WorkspaceId};

#[derive(Clone, Debug)]
pub enum Via {
    /// A browser session; `token_hash` identifies it for logout and password change.
    Session { token_hash: Vec<u8> },
    /// An API token, narrowed to its scopes.
    Token {
        id: TokenId,
        name: String,
        scopes: Scopes,
    },
    /// The operator at the command line, acting as the named user.
    Cli,
    /// One of Vinculo's own channel readers (a mailbox), recording what arrives.
    Channel,
}

#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: UserId,
    pub user_name: String,
    pub email: String,
    pub locale: Option<String>,
    pub workspace_id: WorkspaceId,
    pub workspace_slug: String,
    pub workspace_name: String,
    pub role: Role,
    /// Whether calls can ring for them here (they have an extension, or are in a team a
    /// call queue can name): their pages then listen for screen pops.
    pub answers_calls: bool,
    pub via: Via,
    /// The request id, copied into audit entries.
    pub request_id: Option<String>,
}

impl Principal {
    /// A principal for a user acting in a workspace (request id unset).
    pub fn new(
        user: (UserId, &str, &str),
        locale: Option<String>,
        ws: &vinculo_store::workspaces::Workspace,
        role: Role,
        via: Via,
    ) -> Self {
        let (user_id, name, email) = user;
        Principal {
            user_id,
            user_name: name.to_owned(),
            email: email.to_owned(),
            locale,
            workspace_id: ws.id,
            workspace_slug: ws.slug.clone(),
            workspace_name: ws.name.clone(),
            role,
            answers_calls: false,
            via,
            request_id: None,
        }
    }

    pub fn can(&self, area: Area, access: Access) -> bool {
        allows(self.role, area, access)
            && match &self.via {
                Via::Token { scopes, .. } => scopes.grants(area, access),
                Via::Session { .. } | Via::Cli => true,
                // A channel reader records what arrives, and nothing else.
                Via::Channel => {
                    matches!(area, Area::Interactions | Area::Customers | Area::Service)
                }
            }
    }

    pub fn require(&self, area: Area, access: Access) -> Result<(), AppError> {
        if self.can(area, access) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// How the audit log names this actor.
    pub fn label(&self) -> String {
        match &self.via {
            Via::Token { name, .. } => format!("{} (token {name})", self.user_name),
            Via::Cli => format!("{} (cli)", self.user_name),
            Via::Channel => self.user_name.clone(),
            Via::Session { .. } => self.user_name.clone(),
        }
    }

    pub fn token_id(&self) -> Option<TokenId> {
        match &self.via {
            Via::Token { id, .. } => Some(*id),
            _ => None,
        }
    }
}
