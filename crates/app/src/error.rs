//! The error every use case returns. Each variant carries what a person needs to fix the
//! request; the web layer maps variants to HTTP statuses and stable `code`s.
use vinculo_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is invalid; `field` names what to fix.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("wrong e-mail or password")]
    BadCredentials,
    #[error("not logged in, or the session has expired")]
    Unauthenticated,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Something with this value already exists.
    #[error("{field} is already taken")]
    Conflict { field: String },
    /// The request clashes with the current state (e.g. removing the last admin).
    #[error("{0}")]
    State(String),
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("setup has already been done")]
    AlreadySetUp,
    /// Several fields are invalid; each is named with its position (`emails[1]`).
    #[error("{} invalid field(s)", .0.len())]
    InvalidFields(Vec<vinculo_domain::customers::FieldIssue>),
    /// Identity keys of the request already belong to these customers: (customer, key).
    #[error("the identity keys belong to an existing customer")]
    KeyConflict(Vec<(vinculo_domain::ids::CustomerId, String)>),
    /// Records named by these fields are not in the workspace (`merge[1]`: no such customer).
    #[error("not found: {}", .0.iter().map(|i| i.field.as_str()).collect::<Vec<_>>().join(", "))]
    NotFoundAt(Vec<vinculo_domain::customers::FieldIssue>),
    /// A merge can no longer be undone exactly; says why.
    #[error("{0}")]
    NotUndoable(crate::customers::UndoBlocked),
    #[error(transparent)]
    Store(StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e.conflict_field() {
            Some(field) => AppError::Conflict {
                field: field.to_owned(),
            },
            None => AppError::Store(e),
        }
    }
}

impl AppError {
    pub fn invalid(field: &'static str, e: impl std::fmt::Display) -> Self {
        AppError::Invalid {
            field,
            message: e.to_string(),
        }
    }
}
