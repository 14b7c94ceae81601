//! The consent ledger of a customer: appending a change, reading the ledger.
use super::store;
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::consent::{
    Channel, ConsentEntry, ConsentSource, ConsentState, Purpose,
};
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_domain::ids::CustomerId;

/// A consent change to record.
pub struct ConsentChange {
    pub channel: String,
    pub purpose: String,
    pub state: String,
    /// Defaults to `api` for API tokens and `agent` for people in the UI.
    pub source: Option<String>,
    pub note: Option<String>,
}

/// Appends an entry to a customer's consent ledger and returns the whole ledger.
pub async fn record_consent(
    app: &App,
    actor: &Principal,
    id: CustomerId,
    change: ConsentChange,
) -> Result<Vec<ConsentEntry>, AppError> {
    actor.require(Area::Customers, Access::Write)?;
    let mut issues = Vec::new();
    let mut word = |field: &str, parsed: Option<&'static str>, expected: String| {
        if parsed.is_none() {
            issues.push(FieldIssue::new(field, Problem::NotOneOf(expected)));
        }
    };
    let channel = Channel::parse(&change.channel);
    word("channel", channel.map(Channel::as_str), Channel::expected());
    let purpose = Purpose::parse(&change.purpose);
    word("purpose", purpose.map(Purpose::as_str), Purpose::expected());
    let state = ConsentState::parse(&change.state);
    word(
        "state",
        state.map(ConsentState::as_str),
        ConsentState::expected(),
    );
    let default_source = if actor.token_id().is_some() {
        ConsentSource::Api
    } else {
        ConsentSource::Agent
    };
    let source = match &change.source {
        None => Some(default_source),
        Some(s) => ConsentSource::parse(s),
    };
    word(
        "source",
        source.map(ConsentSource::as_str),
        ConsentSource::expected(),
    );
    let note = change
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        issues.push(FieldIssue::new("note", Problem::TooLong { max: 500 }));
    }
    let (Some(channel), Some(purpose), Some(state), Some(source)) =
        (channel, purpose, state, source)
    else {
        return Err(AppError::InvalidFields(issues));
    };
    if !issues.is_empty() {
        return Err(AppError::InvalidFields(issues));
    }
    let mut tx = app.db.begin().await?;
    if !store::exists(&mut tx, actor.workspace_id, id).await? {
        return Err(AppError::NotFound("customer"));
    }
    let entry = ConsentEntry {
        channel,
        purpose,
        state,
        source,
        actor: actor.label(),
        note,
        at: now(),
    };
    vinculo_store::consent::append(&mut tx, actor.workspace_id, id, &entry).await?;
    let field = format!("consent.{}.{}", channel.as_str(), purpose.as_str());
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "customer",
        id,
        &json!({}),
        &json!({ field: state.as_str(), "consent_source": source.as_str() }),
    )
    .await?;
    let ledger = vinculo_store::consent::ledger(&mut tx, actor.workspace_id, id).await?;
    tx.commit().await?;
    Ok(ledger)
}

/// A customer's consent ledger, oldest first.
pub async fn consent_ledger(
    app: &App,
    actor: &Principal,
    id: CustomerId,
) -> Result<Vec<ConsentEntry>, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    if !store::exists(&mut conn, actor.workspace_id, id).await? {
        return Err(AppError::NotFound("customer"));
    }
    Ok(vinculo_store::consent::ledger(&mut conn, actor.workspace_id, id).await?)
}
