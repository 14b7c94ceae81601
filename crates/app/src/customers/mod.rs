//! Customer records: creating people and organisations (refusing, or merging into, a
//! customer that already owns one of the identity keys), reading, listing, changing,
//! archiving and erasing them; the consent ledger; the workspace's customer settings; a
//! customer's value tier.
//!
//! Audit entries for customers name the fields that changed but never their values: the log
//! outlives an erasure, and must not keep the personal data the erasure removed.
mod auto_merge;
mod consent;
mod draft;
pub mod duplicates;
mod fields;
mod merge;
mod owner;
mod settings;
pub(crate) mod tier;
mod undo;
mod views;

pub use auto_merge::auto_merge;
pub use consent::{consent_ledger, record_consent, ConsentChange};
pub use draft::{customer_of, Draft, Lists};
pub use fields::{
    create_field, custom_fields, delete_field, field_usage, update_field, FieldChange,
};
pub use merge::{
    get_merge, latest_merge_into, may_merge, merge, merge_history, merged_away_names, MergeCommand,
};
pub use settings::{customer_settings, update_customer_settings, SettingsChange};
pub use tier::{value_tier, ValueTier};
pub use undo::{undo, UndoBlocked};
pub use views::{delete_view, save_view, saved_views, LISTS};

use crate::{audit, now, App, AppError, Principal};
use serde_json::{json, Value};
use std::collections::HashMap;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area, Role};
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::customers::{Customer, FieldIssue, Kind, Problem};
use vinculo_domain::identity::{KeyKind, Region};
use vinculo_domain::ids::CustomerId;
use vinculo_store::customers::{self as store, CustomerFilter, CustomerRecord};
use vinculo_store::{Conn, Cursor, Page};

/// What to do when a new customer's keys already belong to a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Refuse, naming the existing customer.
    #[default]
    Reject,
    /// Update the existing customer with the new values and keys.
    Merge,
}

/// How the workspace reads drafts: its phone region, lifecycle stages and custom fields; and
/// whether ingest adds keys no one owns to the customer they were seen with.
pub(crate) struct Rules {
    pub region: Region,
    pub stages: Vec<String>,
    pub fields: Vec<FieldDef>,
    pub attach_new_keys: bool,
}

impl Rules {
    pub(crate) async fn load(conn: &mut Conn, actor: &Principal) -> Result<Rules, AppError> {
        let s = store::settings(conn, actor.workspace_id).await?;
        Ok(Rules {
            region: Region::parse(&s.default_country).unwrap_or(Region::ES),
            stages: s.stages,
            fields: store::field_defs(conn, actor.workspace_id).await?,
            attach_new_keys: s.attach_new_keys,
        })
    }

    pub(crate) fn validate(&self, d: &Draft) -> Result<Customer, AppError> {
        let stages: Vec<&str> = self.stages.iter().map(String::as_str).collect();
        d.validate(self.region, &stages, &self.fields)
            .map_err(AppError::InvalidFields)
    }

    /// A person read in `region` (an import row's country may differ from the workspace's).
    pub(crate) fn person(
        &self,
        p: &vinculo_domain::customers::PersonDraft,
        region: Region,
    ) -> Result<Customer, Vec<FieldIssue>> {
        let stages: Vec<&str> = self.stages.iter().map(String::as_str).collect();
        draft::with_custom(
            p.validate(region, &stages),
            &self.fields,
            Kind::Person,
            &p.custom_fields,
        )
    }
}

/// What the customer can be searched by: its own names and keys, and for a person the names
/// of their organisations.
pub(crate) fn search_terms(c: &Customer, org_names: &HashMap<CustomerId, String>) -> Vec<String> {
    let names: Vec<String> = c
        .affiliations
        .iter()
        .filter_map(|a| org_names.get(&a.organization).cloned())
        .collect();
    vinculo_domain::customers::search::terms(c, &names, vinculo_domain::identity::national_digits)
}

/// The names of a person's organisations; an id that is not an organisation of the workspace
/// is a field error.
async fn linked_organizations(
    conn: &mut Conn,
    actor: &Principal,
    c: &Customer,
) -> Result<HashMap<CustomerId, String>, AppError> {
    let ids: Vec<CustomerId> = c.affiliations.iter().map(|a| a.organization).collect();
    let names = store::organization_names(conn, actor.workspace_id, &ids).await?;
    let missing: Vec<FieldIssue> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !names.contains_key(id))
        .map(|(i, id)| {
            FieldIssue::new(
                format!("organizations[{i}].organization_id"),
                Problem::NoSuchOrganization(id.to_string()),
            )
        })
        .collect();
    if missing.is_empty() {
        Ok(names)
    } else {
        Err(AppError::InvalidFields(missing))
    }
}

/// Recomputes the search terms of `people` (after their organisation changed name or went).
async fn reindex(
    conn: &mut Conn,
    actor: &Principal,
    people: &[CustomerId],
) -> Result<(), AppError> {
    for id in people {
        let Some(rec) = store::get(conn, actor.workspace_id, *id).await? else {
            continue;
        };
        let names = rec
            .affiliations
            .iter()
            .map(|a| (a.organization, a.name.clone()))
            .collect();
        let mut c = customer_of(&rec);
        c.affiliations = rec
            .affiliations
            .iter()
            .map(|a| vinculo_domain::customers::Affiliation {
                organization: a.organization,
                title: a.title.clone(),
            })
            .collect();
        store::replace_terms(conn, actor.workspace_id, *id, &search_terms(&c, &names)).await?;
    }
    Ok(())
}

/// What a missing record is called in errors.
fn noun(k: Kind) -> &'static str {
    match k {
        Kind::Person => "customer",
        Kind::Organization => "organization",
    }
}

async fn load(
    conn: &mut Conn,
    actor: &Principal,
    id: CustomerId,
) -> Result<CustomerRecord, AppError> {
    store::get(conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("customer"))
}

/// Which fields changed, without their values (see the module note).
pub(crate) fn changed_fields(
    before: Option<&CustomerRecord>,
    after: &CustomerRecord,
) -> (Value, Value) {
    let shape = |c: &CustomerRecord| {
        let mut v = json!({
            "display_name": c.display_name, "given_name": c.given_name, "family_name": c.family_name,
            "language": c.language, "timezone": c.timezone, "birthday": c.birthday.map(|d| d.to_string()),
            "lifecycle_stage": c.lifecycle_stage, "owner": c.owner, "notes": c.notes, "tags": c.tags,
            "tax_id": c.tax_id, "industry": c.industry, "size": c.size,
            "addresses": c.addresses.iter().map(|a| a.one_line()).collect::<Vec<_>>(),
            "organizations": c.affiliations.iter().map(|a| a.organization.to_string()).collect::<Vec<_>>(),
            "identity_keys": c.keys.iter().map(|k| format!("{}:{}", k.kind.as_str(), k.value)).collect::<Vec<_>>(),
        });
        // Each custom field is its own entry; its values may be personal, so only marked.
        for (key, value) in &c.custom {
            v[format!("custom_fields.{key}")] = value.clone();
        }
        v
    };
    let a = shape(after);
    let b = before.map(shape).unwrap_or(Value::Null);
    let mut bm = serde_json::Map::new();
    let mut am = serde_json::Map::new();
    let empty = serde_json::Map::new();
    // A custom field cleared since `before` is a change too.
    if let Some(bo) = b.as_object() {
        for k in bo.keys().filter(|k| k.starts_with("custom_fields.")) {
            if a.get(k).is_none() {
                am.insert(k.clone(), json!("(cleared)"));
                bm.insert(k.clone(), json!("(previous)"));
            }
        }
    }
    for (k, av) in a.as_object().unwrap_or(&empty) {
        let bv = b.get(k);
        if bv != Some(av) {
            // Non-personal fields keep their values; personal ones are only marked changed.
            let plain = matches!(
                k.as_str(),
                "lifecycle_stage" | "owner" | "tags" | "industry" | "size" | "organizations"
            );
            am.insert(
                k.clone(),
                if plain {
                    av.clone()
                } else {
                    json!("(changed)")
                },
            );
            if let Some(bv) = bv {
                bm.insert(
                    k.clone(),
                    if plain {
                        bv.clone()
                    } else {
                        json!("(previous)")
                    },
                );
            }
        }
    }
    (
        if before.is_some() {
            Value::Object(bm)
        } else {
            Value::Null
        },
        Value::Object(am),
    )
}

/// The customers (other than `except`) that own any of the person's identity keys, each with
/// the key as `kind:value` — what a conflict answer names.
async fn key_owners(
    conn: &mut Conn,
    actor: &Principal,
    person: &Customer,
    except: Option<CustomerId>,
) -> Result<Vec<(CustomerId, String)>, AppError> {
    let keys: Vec<(KeyKind, &str)> = person
        .keys
        .iter()
        .map(|k| (k.key.kind, k.key.value.as_str()))
        .collect();
    Ok(store::owners_of_keys(conn, actor.workspace_id, &keys)
        .await?
        .into_iter()
        .filter(|(c, _, _)| Some(*c) != except)
        .map(|(c, kind, v)| (c, format!("{}:{v}", kind.as_str())))
        .collect())
}

/// Creates a person or an organisation. Keys owned by an existing customer are a conflict
/// naming that customer, or, with [`OnConflict::Merge`], an update of it (when it is of the
/// same kind). Returns the record and whether it is new.
pub async fn create(
    app: &App,
    actor: &Principal,
    draft: Draft,
    on_conflict: OnConflict,
) -> Result<(CustomerRecord, bool), AppError> {
    actor.require(Area::Customers, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let rules = Rules::load(&mut tx, actor).await?;
    let customer = rules.validate(&draft)?;
    let owners = key_owners(&mut tx, actor, &customer, None).await?;
    let mut existing: Vec<CustomerId> = owners.iter().map(|(c, _)| *c).collect();
    existing.sort();
    existing.dedup();
    let at = now();
    let (id, before, customer) = match (existing.as_slice(), on_conflict) {
        ([], _) => (CustomerId::new(), None, customer),
        ([one], OnConflict::Merge) => {
            let current = load(&mut tx, actor, *one).await?;
            let merged = Draft::of(&current, rules.region)
                .overlay(draft)
                .ok_or_else(|| AppError::KeyConflict(owners.clone()))?;
            (*one, Some(current), rules.validate(&merged)?)
        }
        _ => return Err(AppError::KeyConflict(owners)),
    };
    owner::check(&mut tx, actor, &customer, before.as_ref()).await?;
    let names = linked_organizations(&mut tx, actor, &customer).await?;
    let terms = search_terms(&customer, &names);
    if before.is_some() {
        store::replace(&mut tx, actor.workspace_id, id, &customer, &terms, at).await?;
    } else {
        store::insert(&mut tx, actor.workspace_id, id, &customer, &terms, at).await?;
    }
    let record = load(&mut tx, actor, id).await?;
    let (b, a) = changed_fields(before.as_ref(), &record);
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    audit::record(&mut tx, actor, action, "customer", id, &b, &a).await?;
    tx.commit().await?;
    Ok((record, before.is_none()))
}

/// One customer; `kind`, when given, must match (an organisation is not found as a person).
pub async fn get(
    app: &App,
    actor: &Principal,
    id: CustomerId,
    kind: Option<Kind>,
) -> Result<CustomerRecord, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let c = store::read(&app.db, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    match kind {
        Some(k) if k != c.kind => Err(AppError::NotFound(noun(k))),
        _ => Ok(c),
    }
}

/// `filter` with its custom field filters and sort checked against the workspace's fields
/// (an export checks them before its answer starts streaming).
pub async fn checked_filter(
    app: &App,
    actor: &Principal,
    filter: &CustomerFilter,
) -> Result<CustomerFilter, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut f = filter.clone();
    let mut conn = app.db.conn().await?;
    let defs = store::field_defs(&mut conn, actor.workspace_id).await?;
    fields::resolve(&defs, &mut f, None)?;
    Ok(f)
}

pub async fn list(
    app: &App,
    actor: &Principal,
    filter: &CustomerFilter,
    before: Option<Cursor>,
    limit: u64,
) -> Result<Page<CustomerRecord>, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    let sorted_by_field = matches!(filter.sort, store::Sort::Field { field: None, .. });
    let checked;
    let filter =
        if filter.fields.len() != filter.custom.len() || sorted_by_field || before.is_some() {
            let mut f = filter.clone();
            let defs = if f.fields.is_empty() && !sorted_by_field {
                Vec::new()
            } else {
                store::field_defs(&mut conn, actor.workspace_id).await?
            };
            fields::resolve(&defs, &mut f, before.as_ref())?;
            checked = f;
            &checked
        } else {
            filter
        };
    Ok(store::list(
        &mut conn,
        actor.workspace_id,
        filter,
        before,
        limit.clamp(1, 200),
    )
    .await?)
}

/// Changes a customer. Fields present in `patch` replace the stored ones, except the lists,
/// which `patch` replaces whole when `lists` says they were given. `archived` archives or
/// restores. The patch must be of the customer's kind.
pub async fn update(
    app: &App,
    actor: &Principal,
    id: CustomerId,
    patch: Draft,
    lists: Lists,
    archived: Option<bool>,
) -> Result<CustomerRecord, AppError> {
    actor.require(Area::Customers, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let rules = Rules::load(&mut tx, actor).await?;
    let current = load(&mut tx, actor, id).await?;
    if current.kind != patch.kind() {
        return Err(AppError::NotFound(noun(patch.kind())));
    }
    let mut base = Draft::of(&current, rules.region);
    base.clear(lists);
    let merged = base.overlay(patch).ok_or(AppError::NotFound("customer"))?;
    let customer = rules.validate(&merged)?;
    let taken = key_owners(&mut tx, actor, &customer, Some(id)).await?;
    if !taken.is_empty() {
        return Err(AppError::KeyConflict(taken));
    }
    owner::check(&mut tx, actor, &customer, Some(&current)).await?;
    let names = linked_organizations(&mut tx, actor, &customer).await?;
    let at = now();
    store::replace(
        &mut tx,
        actor.workspace_id,
        id,
        &customer,
        &search_terms(&customer, &names),
        at,
    )
    .await?;
    if current.kind == Kind::Organization && current.display_name != customer.display_name {
        let people = store::people_of(&mut tx, actor.workspace_id, id).await?;
        reindex(&mut tx, actor, &people).await?;
    }
    if let Some(a) = archived {
        if a != current.archived_at.is_some() {
            store::set_archived(&mut tx, actor.workspace_id, id, a.then_some(at)).await?;
        }
    }
    let record = load(&mut tx, actor, id).await?;
    let (mut b, mut a) = changed_fields(Some(&current), &record);
    if current.archived_at.is_some() != record.archived_at.is_some() {
        b["archived"] = json!(current.archived_at.is_some());
        a["archived"] = json!(record.archived_at.is_some());
    }
    audit::record(&mut tx, actor, AuditAction::Update, "customer", id, &b, &a).await?;
    tx.commit().await?;
    Ok(record)
}

/// Archives (`true`) or restores a customer of either kind.
pub async fn set_archived(
    app: &App,
    actor: &Principal,
    id: CustomerId,
    archived: bool,
) -> Result<CustomerRecord, AppError> {
    actor.require(Area::Customers, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let current = load(&mut tx, actor, id).await?;
    if archived != current.archived_at.is_some() {
        store::set_archived(&mut tx, actor.workspace_id, id, archived.then(now)).await?;
        audit::record(
            &mut tx,
            actor,
            AuditAction::Update,
            "customer",
            id,
            &json!({"archived": !archived}),
            &json!({"archived": archived}),
        )
        .await?;
    }
    let record = load(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(record)
}

/// Erases a customer for good (GDPR): the record, keys and tags are deleted, earlier audit
/// entries about them lose their field lists, and one entry records the erasure with no
/// personal data. Admins only.
pub async fn erase(app: &App, actor: &Principal, id: CustomerId) -> Result<(), AppError> {
    actor.require(Area::Customers, Access::Write)?;
    if actor.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.db.begin().await?;
    // An organisation's people lose its name from their search terms.
    let people = store::people_of(&mut tx, actor.workspace_id, id).await?;
    vinculo_store::consent::delete_for(&mut tx, actor.workspace_id, id).await?;
    if !store::delete(&mut tx, actor.workspace_id, id).await? {
        return Err(AppError::NotFound("customer"));
    }
    reindex(&mut tx, actor, &people).await?;
    // Merge records may keep this person's data (to undo a merge): it goes too.
    undo::forget_erased(&mut tx, actor, id).await?;
    vinculo_store::audit::scrub_entity(&mut tx, actor.workspace_id, "customer", &id.to_string())
        .await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Delete,
        "customer",
        id,
        &json!({"erased": false}),
        &json!(null),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
