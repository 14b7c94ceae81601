//! Customer records: creating a person (refusing, or merging into, a customer that already
//! owns one of the identity keys), reading, listing, changing, archiving and erasing.
//!
//! Audit entries for customers name the fields that changed but never their values: the log
//! outlives an erasure, and must not keep the personal data the erasure removed.
use crate::{audit, now, App, AppError, Principal};
use serde_json::{json, Value};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area, Role};
use vinculo_domain::customers::consent::{
    Channel, ConsentEntry, ConsentSource, ConsentState, Purpose,
};
use vinculo_domain::customers::{ContactPoint, PersonDraft, DEFAULT_STAGES};
use vinculo_domain::identity::{KeyKind, Region};
use vinculo_domain::ids::CustomerId;
use vinculo_store::customers::{self as store, CustomerFilter, CustomerRecord};
use vinculo_store::{Conn, Cursor, Page};

/// What to do when a new person's keys already belong to a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Refuse, naming the existing customer.
    #[default]
    Reject,
    /// Update the existing customer with the new values and keys.
    Merge,
}

/// What the person can be searched by.
fn search_terms(p: &vinculo_domain::customers::Person) -> Vec<String> {
    vinculo_domain::customers::search::terms(p, vinculo_domain::identity::national_digits)
}

async fn region(conn: &mut Conn, actor: &Principal) -> Result<Region, AppError> {
    let code = store::default_country(conn, actor.workspace_id).await?;
    Ok(Region::parse(&code).unwrap_or(Region::ES))
}

/// A stored person as a draft, so a change or a merge can be validated as a whole.
pub fn draft_of(c: &CustomerRecord) -> PersonDraft {
    let points = |kind: KeyKind| -> Vec<ContactPoint> {
        c.keys
            .iter()
            .filter(|k| k.kind == kind)
            .map(|k| ContactPoint {
                value: k.display.clone(),
                label: k.label.clone(),
                primary: k.primary,
            })
            .collect()
    };
    PersonDraft {
        given_name: c.given_name.clone(),
        family_name: c.family_name.clone(),
        display_name: Some(c.display_name.clone()),
        emails: points(KeyKind::Email),
        phones: points(KeyKind::Phone),
        external_ids: c
            .keys
            .iter()
            .filter(|k| k.kind == KeyKind::External)
            .map(|k| k.value.clone())
            .collect(),
        language: c.language.clone(),
        timezone: c.timezone.clone(),
        birthday: c.birthday.map(|d| d.to_string()),
        lifecycle_stage: Some(c.lifecycle_stage.clone()),
        owner: c.owner.clone(),
        tags: c.tags.clone(),
        notes: c.notes.clone(),
    }
}

/// `base` with every field `over` sets; lists (e-mails, phones, ids, tags) are united.
fn overlay(base: PersonDraft, over: PersonDraft) -> PersonDraft {
    let pick = |b: Option<String>, o: Option<String>| o.or(b);
    // A new given or family name recomputes the display name unless one is given too.
    let renamed = over.given_name.is_some() || over.family_name.is_some();
    let display_name = over.display_name.clone().or(if renamed {
        None
    } else {
        base.display_name.clone()
    });
    let mut emails = base.emails;
    emails.extend(over.emails);
    let mut phones = base.phones;
    phones.extend(over.phones);
    let mut external_ids = base.external_ids;
    external_ids.extend(over.external_ids);
    let mut tags = base.tags;
    tags.extend(over.tags);
    PersonDraft {
        given_name: pick(base.given_name, over.given_name),
        family_name: pick(base.family_name, over.family_name),
        display_name,
        emails,
        phones,
        external_ids,
        language: pick(base.language, over.language),
        timezone: pick(base.timezone, over.timezone),
        birthday: pick(base.birthday, over.birthday),
        lifecycle_stage: pick(base.lifecycle_stage, over.lifecycle_stage),
        owner: pick(base.owner, over.owner),
        tags,
        notes: pick(base.notes, over.notes),
    }
}

/// Which fields changed, without their values (see the module note).
fn changed_fields(before: Option<&CustomerRecord>, after: &CustomerRecord) -> (Value, Value) {
    let shape = |c: &CustomerRecord| {
        json!({
            "display_name": c.display_name, "given_name": c.given_name, "family_name": c.family_name,
            "language": c.language, "timezone": c.timezone, "birthday": c.birthday.map(|d| d.to_string()),
            "lifecycle_stage": c.lifecycle_stage, "owner": c.owner, "notes": c.notes, "tags": c.tags,
            "identity_keys": c.keys.iter().map(|k| format!("{}:{}", k.kind.as_str(), k.value)).collect::<Vec<_>>(),
        })
    };
    let a = shape(after);
    let b = before.map(shape).unwrap_or(Value::Null);
    let mut bm = serde_json::Map::new();
    let mut am = serde_json::Map::new();
    let empty = serde_json::Map::new();
    for (k, av) in a.as_object().unwrap_or(&empty) {
        let bv = b.get(k);
        if bv != Some(av) {
            // Non-personal fields keep their values; personal ones are only marked changed.
            let plain = matches!(k.as_str(), "lifecycle_stage" | "owner" | "tags");
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
    person: &vinculo_domain::customers::Person,
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

/// Creates a person. Keys owned by an existing customer are a conflict naming that customer,
/// or, with [`OnConflict::Merge`], an update of it. Returns the record and whether it is new.
pub async fn create_person(
    app: &App,
    actor: &Principal,
    draft: PersonDraft,
    on_conflict: OnConflict,
) -> Result<(CustomerRecord, bool), AppError> {
    actor.require(Area::Customers, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let region = region(&mut tx, actor).await?;
    let person = draft
        .validate(region, &DEFAULT_STAGES)
        .map_err(AppError::InvalidFields)?;
    let owners = key_owners(&mut tx, actor, &person, None).await?;
    let mut existing: Vec<CustomerId> = owners.iter().map(|(c, _)| *c).collect();
    existing.sort();
    existing.dedup();
    let at = now();
    match (existing.as_slice(), on_conflict) {
        ([], _) => {
            let id = CustomerId::new();
            store::insert_person(
                &mut tx,
                actor.workspace_id,
                id,
                &person,
                &search_terms(&person),
                at,
            )
            .await?;
            let record = store::get(&mut tx, actor.workspace_id, id)
                .await?
                .ok_or(AppError::NotFound("customer"))?;
            let (b, a) = changed_fields(None, &record);
            audit::record(&mut tx, actor, AuditAction::Create, "customer", id, &b, &a).await?;
            tx.commit().await?;
            Ok((record, true))
        }
        ([one], OnConflict::Merge) => {
            let current = store::get(&mut tx, actor.workspace_id, *one)
                .await?
                .ok_or(AppError::NotFound("customer"))?;
            let merged = overlay(draft_of(&current), draft)
                .validate(region, &DEFAULT_STAGES)
                .map_err(AppError::InvalidFields)?;
            store::replace_person(
                &mut tx,
                actor.workspace_id,
                *one,
                &merged,
                &search_terms(&merged),
                at,
            )
            .await?;
            let record = store::get(&mut tx, actor.workspace_id, *one)
                .await?
                .ok_or(AppError::NotFound("customer"))?;
            let (b, a) = changed_fields(Some(&current), &record);
            audit::record(&mut tx, actor, AuditAction::Update, "customer", one, &b, &a).await?;
            tx.commit().await?;
            Ok((record, false))
        }
        _ => Err(AppError::KeyConflict(owners)),
    }
}

pub async fn get(app: &App, actor: &Principal, id: CustomerId) -> Result<CustomerRecord, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    store::get(&mut conn, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("customer"))
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
    Ok(store::list(
        &mut conn,
        actor.workspace_id,
        filter,
        before,
        limit.clamp(1, 200),
    )
    .await?)
}

/// Changes a person. Fields present in `patch` replace the stored ones, except the lists of
/// e-mails, phones, external ids and tags, which `patch` replaces whole when given.
pub async fn update_person(
    app: &App,
    actor: &Principal,
    id: CustomerId,
    patch: PersonDraft,
    replace_lists: [bool; 4],
    archived: Option<bool>,
) -> Result<CustomerRecord, AppError> {
    actor.require(Area::Customers, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let region = region(&mut tx, actor).await?;
    let current = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    let mut base = draft_of(&current);
    let [emails, phones, external_ids, tags] = replace_lists;
    if emails {
        base.emails.clear();
    }
    if phones {
        base.phones.clear();
    }
    if external_ids {
        base.external_ids.clear();
    }
    if tags {
        base.tags.clear();
    }
    let person = overlay(base, patch)
        .validate(region, &DEFAULT_STAGES)
        .map_err(AppError::InvalidFields)?;
    let taken = key_owners(&mut tx, actor, &person, Some(id)).await?;
    if !taken.is_empty() {
        return Err(AppError::KeyConflict(taken));
    }
    let at = now();
    store::replace_person(
        &mut tx,
        actor.workspace_id,
        id,
        &person,
        &search_terms(&person),
        at,
    )
    .await?;
    if let Some(a) = archived {
        if a != current.archived_at.is_some() {
            store::set_archived(&mut tx, actor.workspace_id, id, a.then_some(at)).await?;
        }
    }
    let record = store::get(&mut tx, actor.workspace_id, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    let (mut b, mut a) = changed_fields(Some(&current), &record);
    if current.archived_at.is_some() != record.archived_at.is_some() {
        b["archived"] = json!(current.archived_at.is_some());
        a["archived"] = json!(record.archived_at.is_some());
    }
    audit::record(&mut tx, actor, AuditAction::Update, "customer", id, &b, &a).await?;
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
    vinculo_store::consent::delete_for(&mut tx, actor.workspace_id, id).await?;
    if !store::delete(&mut tx, actor.workspace_id, id).await? {
        return Err(AppError::NotFound("customer"));
    }
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
            issues.push(vinculo_domain::customers::FieldIssue {
                field: field.into(),
                message: format!("expected one of {expected}"),
            });
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
        issues.push(vinculo_domain::customers::FieldIssue {
            field: "note".into(),
            message: "longer than 500 characters".into(),
        });
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
