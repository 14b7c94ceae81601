//! Writing interactions inside one transaction: however many requests they came from and
//! whichever workspaces they belong to, each workspace's rules, stored events and key owners
//! are read once, and its new interactions are inserted together.
use super::resolve::Resolver;
use super::{IngestResult, Ingested, Outcome};
use crate::customers::Rules;
use crate::{AppError, Principal, Via};
use std::collections::{BTreeMap, HashMap};
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_domain::ids::{CustomerId, InteractionId, WorkspaceId};
use vinculo_domain::interactions::Interaction;
use vinculo_store::interactions::{self as store, NewInteraction};
use vinculo_store::Conn;

/// An interaction as validated by its request, or its problems.
pub(super) type Valid = Result<Interaction, Vec<FieldIssue>>;

/// One interaction to write, and who sent it.
pub(super) struct Item<'a> {
    pub actor: &'a Principal,
    pub valid: &'a Valid,
}

/// `user:<id>` or `token:<id>`: who recorded an interaction.
fn recorded_by(actor: &Principal) -> String {
    match &actor.via {
        Via::Token { id, .. } => format!("token:{id}"),
        Via::Channel => format!("channel:{}", actor.user_name),
        _ => format!("user:{}", actor.user_id),
    }
}

/// Writes `items` in the caller's transaction; one answer per item, in order. An invalid
/// item is answered with its problems, the others are written. An error of the database
/// fails them all (the caller rolls back).
pub(super) async fn write_items(
    conn: &mut Conn,
    items: &[Item<'_>],
    at: time::OffsetDateTime,
) -> Result<Vec<IngestResult>, AppError> {
    let mut results: Vec<Option<IngestResult>> = vec![None; items.len()];
    let mut by_workspace: BTreeMap<WorkspaceId, Vec<usize>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        by_workspace
            .entry(item.actor.workspace_id)
            .or_default()
            .push(i);
    }
    for (ws, indices) in by_workspace {
        let Some(first) = indices.first().map(|i| items[*i].actor) else {
            continue;
        };
        let rules = Rules::load(conn, first).await?;
        let mut valid: Vec<(usize, &Interaction)> = Vec::new();
        for i in indices {
            match items[i].valid {
                Ok(v) => valid.push((i, v)),
                Err(issues) => results[i] = Some(Err(issues.clone())),
            }
        }
        write_workspace(conn, ws, &rules, items, valid, at, &mut results).await?;
    }
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(vec![FieldIssue::new("", Problem::Missing)])))
        .collect())
}

/// The valid interactions of one workspace: retried deliveries are answered with what is
/// stored, the others resolved to their customers and inserted.
async fn write_workspace(
    conn: &mut Conn,
    ws: WorkspaceId,
    rules: &Rules,
    items: &[Item<'_>],
    valid: Vec<(usize, &Interaction)>,
    at: time::OffsetDateTime,
    results: &mut [Option<IngestResult>],
) -> Result<(), AppError> {
    // Retried deliveries: stored ones, then repeats among these items.
    let events: Vec<(String, String)> = valid
        .iter()
        .filter_map(|(_, v)| Some((v.source.clone(), v.source_event_id.clone()?)))
        .collect();
    let mut seen: HashMap<(String, String), (InteractionId, CustomerId)> =
        store::by_source_events(conn, ws, &events)
            .await?
            .into_iter()
            .map(|(s, e, id, c)| ((s, e), (id, c)))
            .collect();
    let all: Vec<&Interaction> = valid.iter().map(|(_, v)| *v).collect();
    let mut resolver = Resolver::load(conn, ws, rules, &all).await?;
    // First every interaction finds (or plans) its customer, then the new prospects and
    // added keys are written together, then the interactions.
    let mut planned: Vec<(usize, &Interaction, InteractionId, CustomerId, bool)> = Vec::new();
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
        let (customer_id, new_customer) = match resolver.plan(conn, *i, v).await? {
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
        planned.push((*i, v, id, customer_id, new_customer));
    }
    let actors: Vec<&Principal> = items.iter().map(|it| it.actor).collect();
    let failed = resolver.finish(conn, &actors, at).await?;
    let mut rows: Vec<NewInteraction<'_>> = Vec::new();
    for (i, v, id, customer_id, new_customer) in planned {
        if let Some(issues) = failed.get(&customer_id) {
            results[i] = Some(Err(issues.clone()));
            continue;
        }
        rows.push(NewInteraction {
            id,
            customer: customer_id,
            interaction: v,
            recorded_by: recorded_by(items[i].actor),
        });
        results[i] = Some(Ok(Ingested {
            id,
            customer_id,
            outcome: Outcome::Created,
            new_customer,
        }));
    }
    let written = store::insert_many(conn, ws, &rows, at).await?;
    if written != rows.len() as u64 {
        // Another writer stored one of these events since the look-up (see `ingest`).
        return Err(AppError::Conflict {
            field: "source_event".into(),
        });
    }
    Ok(())
}
