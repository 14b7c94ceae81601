//! Merging customers into one, in one transaction, in this order:
//! 1. the ids are checked, the customers locked and loaded, the survivor's record built
//!    (`domain::customers::merge`);
//! 2. everything a loser's undo needs is kept (`store::merges`): each customer's own rows,
//!    the suggestions naming a loser, and whose data the record holds;
//! 3. the losers' interactions and consent entries move to the survivor (noted one by one),
//!    and an opt-out of either side that the united ledger no longer says is appended again;
//!    people linked to a merged organisation are linked to the survivor;
//! 4. suggestions between the merged customers are resolved (deleted: a loser is gone, the
//!    record keeps them), those between a loser and someone else name the survivor instead;
//! 5. the losers are deleted (freeing their keys), the survivor written with its new search
//!    terms, the record completed with the survivor as the merge left it, and audited.
//!
//! Merging is for admins and managers: a wrong merge mixes two people's data, and although
//! it can be undone, the people who serve customers ask for it rather than do it.
use super::{linked_organizations, load, reindex, search_terms, Rules};
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area, Role};
use vinculo_domain::customers::consent::{
    opt_outs_to_keep, ConsentEntry, ConsentSource, ConsentState,
};
use vinculo_domain::customers::custom::check_values;
use vinculo_domain::customers::merge::{check_ids, merge as merged_record, Side};
use vinculo_domain::customers::{Affiliation, Customer, FieldIssue, Kind, Problem};
use vinculo_domain::ids::{CustomerId, MergeId};
use vinculo_store::customers::{self as store, CustomerRecord};
use vinculo_store::merges::{self, MergeRecord, Moved, MovedLink, Snapshot, MOVING};
use vinculo_store::Conn;

/// What a person asked to merge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeCommand {
    pub survivor: CustomerId,
    /// Merged into the survivor, then deleted.
    pub losers: Vec<CustomerId>,
    /// Field name to the id (as given) of the customer whose value it takes.
    pub fields: BTreeMap<String, String>,
}

/// Whether the actor may merge or undo a merge (see the module note).
pub fn may_merge(actor: &Principal) -> Result<(), AppError> {
    actor.require(Area::Customers, Access::Write)?;
    actor.require(Area::Interactions, Access::Write)?;
    if matches!(actor.role, Role::Admin | Role::Manager) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A stored customer as the validated shape, with its organisations and custom values.
fn whole(rec: &CustomerRecord, rules: &Rules) -> Result<Customer, AppError> {
    let mut c = super::customer_of(rec);
    c.affiliations = rec
        .affiliations
        .iter()
        .map(|a| Affiliation {
            organization: a.organization,
            title: a.title.clone(),
        })
        .collect();
    c.custom =
        check_values(&rules.fields, rec.kind, &rec.custom).map_err(AppError::InvalidFields)?;
    Ok(c)
}

/// Merges `cmd.losers` into `cmd.survivor` (see the module note); returns the record.
pub async fn merge(
    app: &App,
    actor: &Principal,
    cmd: MergeCommand,
) -> Result<MergeRecord, AppError> {
    may_merge(actor)?;
    check_ids(cmd.survivor, &cmd.losers).map_err(AppError::InvalidFields)?;
    let ws = actor.workspace_id;
    let (survivor, losers) = (cmd.survivor, cmd.losers.clone());
    let all: Vec<CustomerId> = std::iter::once(survivor).chain(losers.clone()).collect();
    let mut tx = app.db.begin().await?;
    merges::lock(&mut tx, ws, &all).await?;
    let mut records = Vec::new();
    let mut missing = Vec::new();
    for (i, id) in all.iter().enumerate() {
        match store::get(&mut tx, ws, *id).await? {
            Some(r) => records.push(r),
            None => missing.push(FieldIssue::new(
                if i == 0 {
                    "survivor".to_owned()
                } else {
                    format!("merge[{}]", i - 1)
                },
                Problem::NoSuchCustomer(id.to_string()),
            )),
        }
    }
    if !missing.is_empty() {
        return Err(AppError::NotFoundAt(missing));
    }
    let rules = Rules::load(&mut tx, actor).await?;
    let customers = records
        .iter()
        .map(|r| whole(r, &rules))
        .collect::<Result<Vec<_>, _>>()?;
    let sides: Vec<Side<'_>> = all
        .iter()
        .zip(&customers)
        .map(|(id, c)| Side {
            id: *id,
            customer: c,
        })
        .collect();
    let customer = merged_record(sides[0], &sides[1..], &cmd.fields, &rules.fields)
        .map_err(AppError::InvalidFields)?;
    let kind = customer.kind;

    // 2. What undo needs.
    let mut kept = Snapshot::default();
    for id in &all {
        let rows = merges::snapshot::read(&mut tx, ws, *id)
            .await?
            .ok_or(AppError::NotFound("customer"))?;
        if *id == survivor {
            kept.survivor = rows;
        } else {
            kept.losers.push(rows);
        }
    }
    kept.suggestions = merges::suggestions_naming(&mut tx, ws, &losers).await?;
    let mut member_links = Vec::new();
    if kind == Kind::Organization {
        for l in &losers {
            member_links.push((*l, merges::links_to(&mut tx, ws, *l).await?));
        }
    }
    let mut subjects = all.clone();
    for r in &kept.suggestions {
        subjects.extend(
            [r.uuid("customer_a"), r.uuid("customer_b")]
                .into_iter()
                .flatten()
                .map(CustomerId),
        );
    }
    for (_, links) in &member_links {
        subjects.extend(
            links
                .iter()
                .filter_map(|r| r.uuid("person_id"))
                .map(CustomerId),
        );
    }
    let mut ledgers: Vec<Vec<ConsentEntry>> = Vec::new();
    for id in &all {
        ledgers.push(vinculo_store::consent::ledger(&mut tx, ws, *id).await?);
    }
    let at = now();
    let mut rec = MergeRecord {
        id: MergeId::new(),
        survivor,
        losers: losers.clone(),
        fields: cmd.fields.clone(),
        status: "merged".into(),
        merged_by: actor.label(),
        merged_at: at,
        undone_by: None,
        undone_at: None,
        moved: Moved::default(),
    };
    merges::insert(&mut tx, ws, &rec, &kept, &subjects).await?;

    // 3. Rows that move, consent that must hold, people's links.
    let mut moved = Moved::default();
    for table in MOVING {
        let mut n = 0;
        for l in &losers {
            n += merges::move_rows(&mut tx, ws, rec.id, table, *l, survivor).await?;
        }
        moved.counts.insert(table.to_owned(), n);
    }
    let united = vinculo_store::consent::ledger(&mut tx, ws, survivor).await?;
    let sides: Vec<&[ConsentEntry]> = ledgers.iter().map(Vec::as_slice).collect();
    let keep = opt_outs_to_keep(&sides, &united);
    for (channel, purpose) in &keep {
        let entry = ConsentEntry {
            channel: *channel,
            purpose: *purpose,
            state: ConsentState::OptedOut,
            source: ConsentSource::Merge,
            actor: actor.label(),
            note: Some(format!(
                "kept from a merged customer's opt-out (merge {})",
                rec.id
            )),
            at,
        };
        let row = vinculo_store::consent::append(&mut tx, ws, survivor, &entry).await?;
        merges::record_added(&mut tx, ws, rec.id, "consent_events", row, survivor).await?;
    }
    moved
        .counts
        .insert("consents_added".into(), keep.len() as u64);
    let mut people_of_survivor: BTreeSet<uuid::Uuid> = merges::links_to(&mut tx, ws, survivor)
        .await?
        .iter()
        .filter_map(|r| r.uuid("person_id"))
        .collect();
    let mut reindexed = Vec::new();
    for (loser, links) in member_links {
        for row in links {
            let Some(person) = row.uuid("person_id") else {
                continue;
            };
            let dropped = people_of_survivor.contains(&person);
            if dropped {
                merges::unlink(&mut tx, ws, person, loser).await?;
            } else {
                merges::relink(&mut tx, ws, person, loser, survivor).await?;
                people_of_survivor.insert(person);
            }
            reindexed.push(CustomerId(person));
            moved.links.push(MovedLink { row, dropped });
        }
    }
    moved
        .counts
        .insert("links".into(), moved.links.len() as u64);

    // 4. Suggestions.
    let merged_ids: BTreeSet<CustomerId> = all.iter().copied().collect();
    let mut paired: BTreeSet<CustomerId> = merges::suggestions_naming(&mut tx, ws, &[survivor])
        .await?
        .iter()
        .flat_map(|r| [r.uuid("customer_a"), r.uuid("customer_b")])
        .flatten()
        .map(CustomerId)
        .collect();
    let mut resolved = Vec::new();
    for r in &kept.suggestions {
        let (Some(id), Some(a), Some(b)) =
            (r.uuid("id"), r.uuid("customer_a"), r.uuid("customer_b"))
        else {
            continue;
        };
        let other = [CustomerId(a), CustomerId(b)]
            .into_iter()
            .find(|c| !merged_ids.contains(c));
        match other {
            Some(t) if !paired.contains(&t) => {
                merges::repoint_suggestion(&mut tx, ws, id, (survivor, t)).await?;
                paired.insert(t);
            }
            _ => resolved.push(id),
        }
    }
    merges::delete_suggestions(&mut tx, ws, &resolved).await?;
    moved
        .counts
        .insert("suggestions_resolved".into(), resolved.len() as u64);

    // 5. The losers go, the survivor is written.
    for l in &losers {
        store::delete(&mut tx, ws, *l).await?;
    }
    let names = linked_organizations(&mut tx, actor, &customer).await?;
    let terms = search_terms(&customer, &names);
    store::replace(&mut tx, ws, survivor, &customer, &terms, at).await?;
    reindex(&mut tx, actor, &reindexed).await?;
    let after = merges::snapshot::read(&mut tx, ws, survivor)
        .await?
        .ok_or(AppError::NotFound("customer"))?
        .without_ledger();
    merges::finish(&mut tx, ws, rec.id, &after, &moved).await?;
    rec.moved = moved;
    audit_merge(&mut tx, actor, &rec, &records[0]).await?;
    tx.commit().await?;
    Ok(rec)
}

/// The survivor's entry (the fields that changed, and from which merge) and each loser's
/// deletion, naming the merge and the survivor.
async fn audit_merge(
    tx: &mut Conn,
    actor: &Principal,
    rec: &MergeRecord,
    before: &CustomerRecord,
) -> Result<(), AppError> {
    let after = load(tx, actor, rec.survivor).await?;
    let (mut b, mut a) = super::changed_fields(Some(before), &after);
    b["merged"] = json!(null);
    a["merged"] = json!({
        "merge": rec.id.to_string(),
        "customers": rec.losers.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
    });
    let survivor = rec.survivor;
    audit::record(tx, actor, AuditAction::Update, "customer", survivor, &b, &a).await?;
    for l in &rec.losers {
        let gone = json!({"merged_into": survivor.to_string(), "merge": rec.id.to_string()});
        audit::record(
            tx,
            actor,
            AuditAction::Delete,
            "customer",
            l,
            &gone,
            &json!(null),
        )
        .await?;
    }
    Ok(())
}

/// One merge of the workspace.
pub async fn get_merge(app: &App, actor: &Principal, id: MergeId) -> Result<MergeRecord, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    merges::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("merge"))
}

/// The workspace's merges newest first, or those of one customer (the one that stayed, or
/// one merged into it): where a merge is found again to be checked or undone.
pub async fn merge_history(
    app: &App,
    actor: &Principal,
    customer: Option<CustomerId>,
    before: Option<&vinculo_store::Cursor>,
    limit: u64,
) -> Result<vinculo_store::Page<MergeRecord>, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let limit = limit.clamp(1, 200);
    let mut conn = app.db.conn().await?;
    let rows = merges::history(
        &mut conn,
        actor.workspace_id,
        customer,
        before.map(|c| c.0),
        limit + 1,
    )
    .await?;
    Ok(vinculo_store::Page::from_overfetch(rows, limit, |r| {
        r.id.uuid()
    }))
}

/// The names the merged-away customers had, as the merge kept them (while it can still be
/// undone; an undone merge's customers are back, an erased one's are gone).
pub async fn merged_away_names(
    app: &App,
    actor: &Principal,
    id: MergeId,
) -> Result<Vec<String>, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    let Some((snapshot, _)) = merges::kept(&mut conn, actor.workspace_id, id).await? else {
        return Err(AppError::NotFound("merge"));
    };
    Ok(snapshot
        .losers
        .iter()
        .filter_map(|l| match l.customer.0.get("display_name") {
            Some(vinculo_store::merges::Cell::Text(name)) => Some(name.clone()),
            _ => None,
        })
        .collect())
}

/// The newest merge into `survivor` that can still be undone, if any.
pub async fn latest_merge_into(
    app: &App,
    actor: &Principal,
    survivor: CustomerId,
) -> Result<Option<MergeRecord>, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(merges::latest_into(&mut conn, actor.workspace_id, survivor).await?)
}
