//! Undoing a merge, exactly or not at all, in one transaction: the survivor gets its own
//! rows back as they were before the merge, the losers come back under their own ids with
//! every row, the interactions and consent entries the merge moved go back (those that
//! arrived for the survivor later stay with it), the opt-outs it added go, people's links and
//! suggestions are as they were. The record then forgets what it kept.
//!
//! It refuses (409, saying why) when that can no longer be exact: the survivor changed since
//! the merge (undoing would lose the change), a loser's key now belongs to someone else, a
//! person's link to a merged organisation changed, or a customer in it was erased.
use super::merge::may_merge;
use super::reindex;
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use std::collections::BTreeSet;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{CustomerId, MergeId};
use vinculo_store::customers as store;
use vinculo_store::merges::{self, Cell, CustomerRows, MergeRecord, MOVING};
use vinculo_store::Conn;

/// Why a merge can no longer be undone exactly. The English text is the API's `detail`; the
/// web UI says each in its languages.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UndoBlocked {
    #[error("this merge was undone already")]
    AlreadyUndone,
    #[error("a customer in this merge was erased, and what the merge kept went with them")]
    Erased,
    #[error("the surviving customer {0} no longer exists: it was merged into another customer since (undo that merge first)")]
    SurvivorGone(CustomerId),
    #[error(
        "the surviving customer {0} was changed after the merge; undoing it would lose that change"
    )]
    SurvivorChanged(CustomerId),
    #[error("{key} now belongs to customer {owner}; a merged customer cannot get it back")]
    KeyTaken { key: String, owner: CustomerId },
    #[error("person {0} is no longer linked to the surviving organisation; their link changed after the merge")]
    LinkChanged(CustomerId),
}

/// The `(kind, value)` of each identity key of a loser, as kept.
fn keys_of(rows: &CustomerRows) -> Vec<(KeyKind, String)> {
    let text = |r: &merges::Row, c: &str| match r.0.get(c) {
        Some(Cell::Text(s)) => Some(s.clone()),
        _ => None,
    };
    rows.own
        .get("identity_keys")
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| Some((KeyKind::parse(&text(r, "kind")?)?, text(r, "value")?)))
        .collect()
}

/// Refuses the undo unless it can be exact (see the module note).
async fn check_exact(
    tx: &mut Conn,
    actor: &Principal,
    rec: &MergeRecord,
    losers: &[CustomerRows],
    after: CustomerRows,
) -> Result<(), AppError> {
    let ws = actor.workspace_id;
    let survivor = rec.survivor;
    let Some(now) = merges::snapshot::read(tx, ws, survivor).await? else {
        return Err(AppError::NotUndoable(UndoBlocked::SurvivorGone(survivor)));
    };
    if now.without_ledger() != after {
        return Err(AppError::NotUndoable(UndoBlocked::SurvivorChanged(
            survivor,
        )));
    }
    for l in losers {
        let keys = keys_of(l);
        let asked: Vec<(KeyKind, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let owners = store::owners_of_keys(tx, ws, &asked).await?;
        if let Some((owner, kind, value)) = owners.into_iter().find(|(c, _, _)| *c != survivor) {
            return Err(AppError::NotUndoable(UndoBlocked::KeyTaken {
                key: format!("{}:{value}", kind.as_str()),
                owner,
            }));
        }
    }
    let linked: BTreeSet<uuid::Uuid> = merges::links_to(tx, ws, survivor)
        .await?
        .iter()
        .filter_map(|r| r.uuid("person_id"))
        .collect();
    for link in rec.moved.links.iter().filter(|l| !l.dropped) {
        let Some(person) = link.row.uuid("person_id") else {
            continue;
        };
        let alive = store::exists(tx, ws, CustomerId(person)).await?;
        if alive && !linked.contains(&person) {
            return Err(AppError::NotUndoable(UndoBlocked::LinkChanged(CustomerId(
                person,
            ))));
        }
    }
    Ok(())
}

/// Undoes a merge (see the module note); returns the record, now `undone`.
pub async fn undo(app: &App, actor: &Principal, id: MergeId) -> Result<MergeRecord, AppError> {
    may_merge(actor)?;
    let ws = actor.workspace_id;
    let mut tx = app.db.begin().await?;
    let first = merges::get(&mut tx, ws, id)
        .await?
        .ok_or(AppError::NotFound("merge"))?;
    // Read again once the survivor is locked: an undo that ran meanwhile is seen as such.
    merges::lock(&mut tx, ws, &[first.survivor]).await?;
    let rec = merges::get(&mut tx, ws, id)
        .await?
        .ok_or(AppError::NotFound("merge"))?;
    match rec.status.as_str() {
        "merged" => {}
        "undone" => return Err(AppError::NotUndoable(UndoBlocked::AlreadyUndone)),
        _ => return Err(AppError::NotUndoable(UndoBlocked::Erased)),
    }
    let survivor = rec.survivor;
    let (kept, after) = merges::kept(&mut tx, ws, id)
        .await?
        .ok_or(AppError::NotFound("merge"))?;
    check_exact(&mut tx, actor, &rec, &kept.losers, after).await?;

    merges::snapshot::put_back(&mut tx, ws, &kept.survivor).await?;
    for l in &kept.losers {
        merges::snapshot::insert_again(&mut tx, ws, l).await?;
    }
    for table in MOVING {
        for l in &rec.losers {
            merges::move_back(&mut tx, ws, id, table, *l, survivor).await?;
        }
    }
    merges::delete_added(&mut tx, ws, id, "consent_events").await?;
    let mut reindexed: Vec<CustomerId> = std::iter::once(survivor)
        .chain(rec.losers.iter().copied())
        .collect();
    for link in &rec.moved.links {
        let Some(person) = link.row.uuid("person_id") else {
            continue;
        };
        if !store::exists(&mut tx, ws, CustomerId(person)).await? {
            continue;
        }
        if link.dropped {
            merges::link_again(&mut tx, &link.row).await?;
        } else {
            merges::unlink(&mut tx, ws, person, survivor).await?;
            merges::link_again(&mut tx, &link.row).await?;
        }
        reindexed.push(CustomerId(person));
    }
    merges::restore_suggestions(&mut tx, ws, &kept.suggestions).await?;
    reindex(&mut tx, actor, &reindexed).await?;
    let at = now();
    let by = actor.label();
    merges::close(&mut tx, ws, id, "undone", Some((&by, at)), &rec.moved).await?;
    merges::forget_subjects(&mut tx, ws, id).await?;
    let merge = json!(id.to_string());
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "customer",
        survivor,
        &json!({"merge": merge, "merge_status": "merged"}),
        &json!({"merge": merge, "merge_status": "undone"}),
    )
    .await?;
    for l in &rec.losers {
        let back = json!({"restored_by_undoing_merge": merge});
        audit::record(
            &mut tx,
            actor,
            AuditAction::Create,
            "customer",
            l,
            &json!(null),
            &back,
        )
        .await?;
    }
    let done = merges::get(&mut tx, ws, id)
        .await?
        .ok_or(AppError::NotFound("merge"))?;
    tx.commit().await?;
    Ok(done)
}

/// Empties the merge records holding data of an erased customer (called inside the
/// erasure's transaction). A merge still undoable becomes `erased`: it can no longer be
/// undone. When the customer was a merge's survivor, its losers (the same person) lose their
/// audit field lists too.
pub(super) async fn forget_erased(
    tx: &mut Conn,
    actor: &Principal,
    customer: CustomerId,
) -> Result<(), AppError> {
    let ws = actor.workspace_id;
    for m in merges::holding(tx, ws, customer).await? {
        let status = if m.status == "merged" {
            "erased"
        } else {
            m.status.as_str()
        };
        merges::close(tx, ws, m.id, status, None, &m.moved).await?;
        merges::forget_subjects(tx, ws, m.id).await?;
        if m.survivor == customer {
            for l in &m.losers {
                vinculo_store::audit::scrub_entity(tx, ws, "customer", &l.to_string()).await?;
            }
        }
    }
    Ok(())
}
