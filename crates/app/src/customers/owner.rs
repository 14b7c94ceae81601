//! Who may own a customer: a member or a team of the customer's workspace.
use crate::{AppError, Principal};
use vinculo_domain::customers::{Customer, FieldIssue, Problem};
use vinculo_domain::ownership::Owner;
use vinculo_store::customers::CustomerRecord;
use vinculo_store::Conn;

/// A customer's new owner must be a member or a team of the actor's workspace: one of another
/// workspace is as unknown as one that never was. The owner already stored is not checked
/// again, so a member who has since left does not block changing the customer's other fields.
pub(super) async fn check(
    conn: &mut Conn,
    actor: &Principal,
    c: &Customer,
    stored: Option<&CustomerRecord>,
) -> Result<(), AppError> {
    let Some(owner) = c.owner else {
        return Ok(());
    };
    let kept = stored
        .and_then(|r| r.owner.as_deref())
        .and_then(|o| o.parse::<Owner>().ok());
    if kept == Some(owner) {
        return Ok(());
    }
    let ws = actor.workspace_id;
    let known = match owner {
        Owner::User(u) => vinculo_store::users::member(conn, ws, u).await?.is_some(),
        Owner::Team(t) => vinculo_store::teams::get(conn, ws, t).await?.is_some(),
    };
    if known {
        Ok(())
    } else {
        Err(AppError::InvalidFields(vec![FieldIssue::new(
            "owner",
            Problem::NoSuchOwner(owner.to_string()),
        )]))
    }
}
