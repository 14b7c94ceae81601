//! Ingesting interactions from any channel, and reading them back as a customer's timeline.
//!
//! Ingest, for the interactions of every request waiting, in one transaction (`queue`):
//! 1. each interaction is validated; one that fails is answered with its field problems and
//!    the rest go on;
//! 2. a `(source, source_event_id)` already stored, or seen earlier in the transaction, is
//!    answered with the stored interaction (a retried delivery never duplicates);
//! 3. its customer is resolved (`resolve`): the one named by `customer.id` (or, for the id of
//!    a customer merged away, the one it was merged into), else the one
//!    owning the most of its keys (ties go to the stronger key: external id, then e-mail,
//!    then phone, then device). Keys owned by another customer raise a merge suggestion for
//!    the pair. Keys no one owns are added to the customer; when no key is known, a new
//!    prospect is created with them;
//! 4. the interactions are appended (`write`); the transaction commits before anything is
//!    answered.
//!
//! Creating a prospect and adding keys to a customer are audited as customer changes. The
//! interactions themselves are not copied into the audit log: they are an append-only record
//! that names who recorded them.
mod queue;
mod resolve;
pub(crate) mod view;
mod write;

pub(crate) use queue::Queue;
pub use view::{customer_360, summary, Customer360, Summary, COMPLAINT_DAYS};

use crate::{App, AppError, Principal};
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::FieldIssue;
use vinculo_domain::ids::{CustomerId, InteractionId};
use vinculo_domain::interactions::InteractionDraft;
use vinculo_store::customers as customer_store;
use vinculo_store::interactions::{self as store, InteractionRecord, TimelineFilter};
use vinculo_store::{Cursor, Page};

/// Interactions per batch request.
pub const MAX_BATCH: usize = 1_000;

/// What happened to one ingested interaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    /// Its source event was already stored: this is that interaction.
    Duplicate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingested {
    pub id: InteractionId,
    pub customer_id: CustomerId,
    pub outcome: Outcome,
    /// A new prospect was created for its unknown keys.
    pub new_customer: bool,
}

/// One answer per interaction sent, in order.
pub type IngestResult = Result<Ingested, Vec<FieldIssue>>;

/// Ingests interactions (one, or a batch of up to [`MAX_BATCH`]); answers once they are
/// committed. Concurrent requests share a transaction (see `queue`).
pub async fn ingest(
    app: &App,
    actor: &Principal,
    drafts: &[InteractionDraft],
) -> Result<Vec<IngestResult>, AppError> {
    actor.require(Area::Interactions, Access::Write)?;
    if drafts.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "interactions",
            format!("at most {MAX_BATCH} interactions per batch"),
        ));
    }
    let queue = app.ingest_queue();
    let region = queue.region(&app.db, actor.workspace_id).await?;
    let at = crate::now();
    let valid = drafts.iter().map(|d| d.validate(region, at)).collect();
    queue.ingest(actor.clone(), valid).await
}

/// An interaction validated for [`write_one`]: validation reads the workspace's country
/// (cached), so it happens before the caller's transaction begins.
pub(crate) struct Prepared {
    actor: Principal,
    valid: write::Valid,
}

pub(crate) async fn prepare(
    app: &App,
    actor: &Principal,
    draft: &InteractionDraft,
) -> Result<Prepared, AppError> {
    actor.require(Area::Interactions, Access::Write)?;
    let region = app
        .ingest_queue()
        .region(&app.db, actor.workspace_id)
        .await?;
    Ok(Prepared {
        actor: actor.clone(),
        valid: draft.validate(region, crate::now()),
    })
}

/// Writes one interaction in the caller's transaction, for a use case that records more in
/// the same commit (a reply, its conversation entry and its outbox row). Its problems are
/// an error here, not an answer; the caller calls [`published`] once it committed.
pub(crate) async fn write_one(
    conn: &mut vinculo_store::Conn,
    p: &Prepared,
) -> Result<Ingested, AppError> {
    let item = write::Item {
        actor: &p.actor,
        valid: &p.valid,
    };
    match write::write_items(conn, std::slice::from_ref(&item), crate::now())
        .await?
        .pop()
    {
        Some(Ok(i)) => Ok(i),
        Some(Err(issues)) => Err(AppError::InvalidFields(issues)),
        None => Err(AppError::Internal("ingest answered nothing".into())),
    }
}

/// Tells the live pages about an interaction [`write_one`] created, after its commit.
pub(crate) fn published(app: &App, actor: &Principal, i: &Ingested) {
    if i.outcome == Outcome::Created {
        app.events.publish(crate::events::Event::InteractionAdded {
            workspace_id: actor.workspace_id,
            customer_id: i.customer_id,
            interaction_id: i.id,
        });
    }
}

/// One interaction.
pub async fn get(
    app: &App,
    actor: &Principal,
    id: InteractionId,
) -> Result<InteractionRecord, AppError> {
    actor.require(Area::Interactions, Access::Read)?;
    let mut conn = app.db.conn().await?;
    store::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("interaction"))
}

/// A customer's interactions, newest first.
pub async fn timeline(
    app: &App,
    actor: &Principal,
    customer: CustomerId,
    filter: &TimelineFilter,
    before: Option<&Cursor>,
    limit: u64,
) -> Result<Page<InteractionRecord>, AppError> {
    actor.require(Area::Interactions, Access::Read)?;
    // A timeline's cursor carries the time of its last entry; another list's does not.
    if before.is_some_and(|c| !matches!(c.1, Some(vinculo_store::After::Value(_)))) {
        return Err(AppError::invalid(
            "cursor",
            "not a cursor from a previous page of this timeline",
        ));
    }
    let mut conn = app.db.conn().await?;
    if !customer_store::exists(&mut conn, actor.workspace_id, customer).await? {
        return Err(AppError::NotFound("customer"));
    }
    Ok(store::timeline(
        &mut conn,
        actor.workspace_id,
        customer,
        filter,
        before,
        limit,
    )
    .await?)
}

/// The open suggestions that two customers are one, newest first.
pub async fn merge_suggestions(
    app: &App,
    actor: &Principal,
    before: Option<&Cursor>,
    limit: u64,
) -> Result<Page<store::Suggestion>, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(store::open_suggestions(&mut conn, actor.workspace_id, before, limit.clamp(1, 200)).await?)
}

/// Dismisses an open suggestion that two customers are one (they are not, or not now).
pub async fn dismiss_suggestion(
    app: &App,
    actor: &Principal,
    id: vinculo_domain::ids::SuggestionId,
) -> Result<(), AppError> {
    actor.require(Area::Customers, Access::Write)?;
    let mut tx = app.db.begin().await?;
    match vinculo_store::merges::dismiss_suggestion(&mut tx, actor.workspace_id, id.uuid()).await? {
        None => return Err(AppError::NotFound("merge suggestion")),
        Some(false) => {
            return Err(AppError::State(
                "this suggestion is not open any more".into(),
            ))
        }
        Some(true) => {}
    }
    crate::audit::record(
        &mut tx,
        actor,
        vinculo_domain::audit::AuditAction::Update,
        "merge_suggestion",
        id,
        &serde_json::json!({"status": "open"}),
        &serde_json::json!({"status": "dismissed"}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
