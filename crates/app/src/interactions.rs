//! Ingesting interactions from any channel, and reading them back as a customer's timeline.
//!
//! Ingest, for a batch in one transaction:
//! 1. each interaction is validated; one that fails is answered with its field problems and
//!    the rest go on;
//! 2. a `(source, source_event_id)` already stored, or seen earlier in the batch, is answered
//!    with the stored interaction (a retried delivery never duplicates);
//! 3. its customer is resolved: the one named by `customer.id`, else the one owning the most
//!    of its keys (ties go to the stronger key: external id, then e-mail, then phone, then
//!    device). Keys owned by another customer raise a merge suggestion for the pair. Keys no
//!    one owns are added to the customer; when no key is known, a new prospect is created
//!    with them;
//! 4. the interactions are appended; the transaction commits before anything is answered.
//!
//! Creating a prospect and adding keys to a customer are audited as customer changes. The
//! interactions themselves are not copied into the audit log: they are an append-only record
//! that names who recorded them.
use crate::customers::{search_terms, Draft, Rules};
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use std::collections::HashMap;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::{ContactPoint, FieldIssue, PersonDraft, Problem};
use vinculo_domain::identity::{IdentityKey, KeyKind};
use vinculo_domain::ids::{CustomerId, InteractionId};
use vinculo_domain::interactions::{Interaction, InteractionDraft};
use vinculo_store::customers as customer_store;
use vinculo_store::interactions::{
    self as store, InteractionRecord, NewInteraction, TimelineFilter,
};
use vinculo_store::{Conn, Cursor, Page};

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

/// Ingests interactions (one, or a batch of up to [`MAX_BATCH`]).
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
    // A concurrent delivery of the same event, or a new customer with the same key, can
    // commit between this batch's look-ups and its writes (PostgreSQL runs writers side by
    // side). The batch then starts again, and finds them stored.
    match ingest_once(app, actor, drafts).await {
        Err(AppError::Conflict { .. }) => ingest_once(app, actor, drafts).await,
        other => other,
    }
}

async fn ingest_once(
    app: &App,
    actor: &Principal,
    drafts: &[InteractionDraft],
) -> Result<Vec<IngestResult>, AppError> {
    let ws = actor.workspace_id;
    let at = now();
    let mut tx = app.db.begin().await?;
    let rules = Rules::load(&mut tx, actor).await?;
    let mut results: Vec<Option<IngestResult>> = vec![None; drafts.len()];
    let mut valid: Vec<(usize, Interaction)> = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        match d.validate(rules.region, at) {
            Ok(v) => valid.push((i, v)),
            Err(issues) => results[i] = Some(Err(issues)),
        }
    }
    // Retried deliveries: stored ones, then repeats inside the batch.
    let events: Vec<(String, String)> = valid
        .iter()
        .filter_map(|(_, v)| Some((v.source.clone(), v.source_event_id.clone()?)))
        .collect();
    let mut seen: HashMap<(String, String), (InteractionId, CustomerId)> =
        store::by_source_events(&mut tx, ws, &events)
            .await?
            .into_iter()
            .map(|(s, e, id, c)| ((s, e), (id, c)))
            .collect();
    let mut resolver = Resolver::load(&mut tx, actor, &rules, &valid).await?;
    let mut new_rows: Vec<(usize, InteractionId, CustomerId)> = Vec::new();
    for (i, v) in &valid {
        let event = v.source_event_id.clone().map(|e| (v.source.clone(), e));
        if let Some((id, customer_id)) = event.as_ref().and_then(|e| seen.get(e)) {
            results[*i] = Some(Ok(Ingested {
                id: *id,
                customer_id: *customer_id,
                outcome: Outcome::Duplicate,
                new_customer: false,
            }));
            continue;
        }
        let (customer_id, new_customer) = match resolver.resolve(&mut tx, v, at).await? {
            Ok(c) => c,
            Err(issues) => {
                results[*i] = Some(Err(issues));
                continue;
            }
        };
        let id = InteractionId::new();
        if let Some(e) = event {
            seen.insert(e, (id, customer_id));
        }
        new_rows.push((*i, id, customer_id));
        results[*i] = Some(Ok(Ingested {
            id,
            customer_id,
            outcome: Outcome::Created,
            new_customer,
        }));
    }
    let recorded_by = match &actor.via {
        crate::principal::Via::Token { id, .. } => format!("token:{id}"),
        _ => format!("user:{}", actor.user_id),
    };
    let by_index: HashMap<usize, &Interaction> = valid.iter().map(|(i, v)| (*i, v)).collect();
    let rows: Vec<NewInteraction<'_>> = new_rows
        .iter()
        .filter_map(|(i, id, c)| {
            Some(NewInteraction {
                id: *id,
                customer: *c,
                interaction: by_index.get(i)?,
                recorded_by: recorded_by.clone(),
            })
        })
        .collect();
    let written = store::insert_many(&mut tx, ws, &rows, at).await?;
    if written != rows.len() as u64 {
        return Err(AppError::Conflict {
            field: "source_event".into(),
        });
    }
    tx.commit().await?;
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(vec![FieldIssue::new("", Problem::Missing)])))
        .collect())
}

/// How strongly a key says who someone is, for breaking ties between customers.
fn strength(k: &str) -> u8 {
    match k.split_once(':') {
        Some(("external", v)) if v.starts_with("device:") => 1,
        Some(("external", _)) => 4,
        Some(("email", _)) => 3,
        Some(("phone", _)) => 2,
        _ => 0,
    }
}

/// Finds (or creates) the customer of each interaction of a batch.
struct Resolver<'a> {
    actor: &'a Principal,
    rules: &'a Rules,
    /// Owner of each key (`kind:value`), stored or created in this batch.
    owners: HashMap<String, CustomerId>,
}

impl<'a> Resolver<'a> {
    async fn load(
        conn: &mut Conn,
        actor: &'a Principal,
        rules: &'a Rules,
        valid: &[(usize, Interaction)],
    ) -> Result<Resolver<'a>, AppError> {
        let keys: Vec<(KeyKind, &str)> = valid
            .iter()
            .flat_map(|(_, v)| v.identity.keys.iter().map(|k| (k.kind, k.value.as_str())))
            .collect();
        let owners = customer_store::owners_of_keys(conn, actor.workspace_id, &keys)
            .await?
            .into_iter()
            .map(|(c, kind, v)| (format!("{}:{v}", kind.as_str()), c))
            .collect();
        Ok(Resolver {
            actor,
            rules,
            owners,
        })
    }

    /// The interaction's customer, and whether it was created for it.
    async fn resolve(
        &mut self,
        conn: &mut Conn,
        v: &Interaction,
        at: time::OffsetDateTime,
    ) -> Result<Result<(CustomerId, bool), Vec<FieldIssue>>, AppError> {
        let ws = self.actor.workspace_id;
        let named: Vec<(String, &IdentityKey)> =
            v.identity.keys.iter().map(|k| (k.to_string(), k)).collect();
        // Customers owning its keys, with how many and how strong.
        let mut votes: HashMap<CustomerId, (usize, u8)> = HashMap::new();
        for (name, _) in &named {
            if let Some(c) = self.owners.get(name) {
                let e = votes.entry(*c).or_default();
                e.0 += 1;
                e.1 = e.1.max(strength(name));
            }
        }
        let chosen = match v.identity.customer_id {
            Some(id) => {
                if !customer_store::exists(conn, ws, id).await? {
                    return Ok(Err(vec![FieldIssue::new(
                        "customer.id",
                        Problem::NoSuchCustomer(id.to_string()),
                    )]));
                }
                Some(id)
            }
            None => votes
                .iter()
                .max_by_key(|(c, (n, s))| (*n, *s, std::cmp::Reverse(**c)))
                .map(|(c, _)| *c),
        };
        let unowned: Vec<&IdentityKey> = named
            .iter()
            .filter(|(n, _)| !self.owners.contains_key(n))
            .map(|(_, k)| *k)
            .collect();
        let Some(chosen) = chosen else {
            return self.create_prospect(conn, v, &unowned, at).await;
        };
        for other in votes.keys().filter(|c| **c != chosen) {
            let keys: Vec<&String> = named.iter().map(|(n, _)| n).collect();
            let evidence =
                json!({ "keys": keys, "source": v.source, "source_event_id": v.source_event_id });
            store::suggest_merge(
                conn,
                ws,
                (chosen, *other),
                "shared_interaction",
                evidence,
                at,
            )
            .await?;
        }
        if !unowned.is_empty() {
            self.add_keys(conn, chosen, &unowned).await?;
        }
        Ok(Ok((chosen, false)))
    }

    async fn create_prospect(
        &mut self,
        conn: &mut Conn,
        v: &Interaction,
        keys: &[&IdentityKey],
        at: time::OffsetDateTime,
    ) -> Result<Result<(CustomerId, bool), Vec<FieldIssue>>, AppError> {
        let mut draft = person_with(keys);
        // Known only by an external or device id, the prospect is called by it until someone
        // names them (a person needs a name, an e-mail or a phone).
        let nameless = draft.emails.is_empty() && draft.phones.is_empty();
        match v.identity.name.as_deref().map(str::trim) {
            // Given and family name, as the customer form edits them: "Lucía Pérez Gil" is
            // Lucía, Pérez Gil (a sender with one name field cannot say more).
            Some(name) => {
                let (given, family) = name.split_once(char::is_whitespace).unwrap_or((name, ""));
                draft.given_name = Some(given.to_owned());
                draft.family_name = Some(family.trim().to_owned()).filter(|f| !f.is_empty());
            }
            None if nameless => draft.display_name = keys.first().map(|k| k.value.clone()),
            None => {}
        }
        let stage = ["prospect", "lead"]
            .into_iter()
            .find(|s| self.rules.stages.iter().any(|x| x == s))
            .map(str::to_owned);
        draft.lifecycle_stage = stage;
        let customer = match self.rules.validate(&Draft::Person(draft)) {
            Ok(c) => c,
            Err(AppError::InvalidFields(issues)) => {
                return Ok(Err(issues
                    .into_iter()
                    .map(|i| FieldIssue::new(format!("customer.{}", i.field), i.problem))
                    .collect()))
            }
            Err(e) => return Err(e),
        };
        let id = CustomerId::new();
        let terms = search_terms(&customer, &HashMap::new());
        customer_store::insert(conn, self.actor.workspace_id, id, &customer, &terms, at).await?;
        let record = customer_store::get(conn, self.actor.workspace_id, id)
            .await?
            .ok_or(AppError::NotFound("customer"))?;
        let (b, a) = crate::customers::changed_fields(None, &record);
        audit::record(
            conn,
            self.actor,
            AuditAction::Create,
            "customer",
            id,
            &b,
            &a,
        )
        .await?;
        for k in keys {
            self.owners.insert(k.to_string(), id);
        }
        Ok(Ok((id, true)))
    }

    /// Adds keys no one owns to `customer` (seen together with one of its own).
    async fn add_keys(
        &mut self,
        conn: &mut Conn,
        customer: CustomerId,
        keys: &[&IdentityKey],
    ) -> Result<(), AppError> {
        let ws = self.actor.workspace_id;
        let Some(current) = customer_store::get(conn, ws, customer).await? else {
            return Ok(());
        };
        let merged =
            Draft::of(&current, self.rules.region).overlay(Draft::Person(person_with(keys)));
        let Some(merged) = merged else {
            // An organisation keeps its own keys: ingest does not add people's to it.
            return Ok(());
        };
        let Ok(updated) = self.rules.validate(&merged) else {
            // The customer as stored no longer validates (a stage since removed): leave it.
            return Ok(());
        };
        let names = current
            .affiliations
            .iter()
            .map(|a| (a.organization, a.name.clone()))
            .collect();
        let terms = search_terms(&updated, &names);
        customer_store::replace(conn, ws, customer, &updated, &terms, now()).await?;
        if let Some(record) = customer_store::get(conn, ws, customer).await? {
            let (b, a) = crate::customers::changed_fields(Some(&current), &record);
            audit::record(
                conn,
                self.actor,
                AuditAction::Update,
                "customer",
                customer,
                &b,
                &a,
            )
            .await?;
        }
        for k in keys {
            self.owners.insert(k.to_string(), customer);
        }
        Ok(())
    }
}

/// A person draft holding just these keys, as they were typed.
fn person_with(keys: &[&IdentityKey]) -> PersonDraft {
    let mut d = PersonDraft::default();
    for k in keys {
        let point = ContactPoint {
            value: k.display.clone(),
            label: None,
            primary: false,
        };
        match k.kind {
            KeyKind::Email => d.emails.push(point),
            KeyKind::Phone => d.phones.push(point),
            KeyKind::External => d.external_ids.push(k.value.clone()),
            KeyKind::Domain => {}
        }
    }
    d
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
