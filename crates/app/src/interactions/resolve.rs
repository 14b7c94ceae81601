//! Finding the customer of an interaction: the one its `customer.id` names, else the one
//! owning the most of its keys; keys no one owns are added to that customer (unless the
//! workspace turned `attach_new_keys` off), or become a new prospect; keys owned by another
//! customer raise a merge suggestion for the pair.
use crate::customers::{search_terms, Draft, Rules};
use crate::{audit, now, AppError, Principal};
use serde_json::json;
use std::collections::HashMap;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::customers::{ContactPoint, Customer, FieldIssue, PersonDraft, Problem};
use vinculo_domain::identity::{IdentityKey, KeyKind};
use vinculo_domain::ids::{CustomerId, WorkspaceId};
use vinculo_domain::interactions::Interaction;
use vinculo_store::customers::{self as customer_store, NewCustomer};
use vinculo_store::interactions as store;
use vinculo_store::Conn;

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

/// A prospect to create for keys no one owns, with the interactions that named it.
struct Pending {
    id: CustomerId,
    keys: Vec<IdentityKey>,
    name: Option<String>,
    /// Who sent the first interaction that named it (the audit's actor).
    actor: usize,
}

/// Finds (or plans) the customer of each interaction of a transaction in one workspace, then
/// writes what that takes together ([`Resolver::finish`]): the new prospects in a few
/// multi-row statements, the keys added to customers, the merge suggestions. Writing one
/// prospect at a time cost about 14 statements each, and dominated ingest.
pub(super) struct Resolver<'a> {
    ws: WorkspaceId,
    rules: &'a Rules,
    /// Owner of each key (`kind:value`): stored, given to a stored customer, or pending.
    owners: HashMap<String, CustomerId>,
    pending: Vec<Pending>,
    /// Keys to add to stored customers, with the index of the actor who sent them.
    additions: Vec<(CustomerId, IdentityKey, usize)>,
    /// Pairs of customers seen together, with the evidence.
    suggestions: Vec<(CustomerId, CustomerId, serde_json::Value)>,
}

impl<'a> Resolver<'a> {
    /// A resolver for the workspace's interactions `valid`, knowing who owns their keys.
    pub(super) async fn load(
        conn: &mut Conn,
        ws: WorkspaceId,
        rules: &'a Rules,
        valid: &[&Interaction],
    ) -> Result<Resolver<'a>, AppError> {
        let keys: Vec<(KeyKind, &str)> = valid
            .iter()
            .flat_map(|v| v.identity.keys.iter().map(|k| (k.kind, k.value.as_str())))
            .collect();
        let owners = customer_store::owners_of_keys(conn, ws, &keys)
            .await?
            .into_iter()
            .map(|(c, kind, v)| (format!("{}:{v}", kind.as_str()), c))
            .collect();
        Ok(Resolver {
            ws,
            rules,
            owners,
            pending: Vec::new(),
            additions: Vec::new(),
            suggestions: Vec::new(),
        })
    }

    /// The interaction's customer, and whether it is a prospect created for it. `actor` is
    /// the index of who sent it (the audit names them for a new prospect or added keys).
    /// Nothing is written until [`Resolver::finish`].
    pub(super) async fn plan(
        &mut self,
        conn: &mut Conn,
        actor: usize,
        v: &Interaction,
    ) -> Result<Result<(CustomerId, bool), Vec<FieldIssue>>, AppError> {
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
            Some(id) if customer_store::exists(conn, self.ws, id).await? => Some(id),
            // An id kept from before a merge names the customer it was merged into.
            Some(id) => match vinculo_store::merges::merged_into(conn, self.ws, id).await? {
                Some(survivor) => Some(survivor),
                None => {
                    return Ok(Err(vec![FieldIssue::new(
                        "customer.id",
                        Problem::NoSuchCustomer(id.to_string()),
                    )]))
                }
            },
            None => votes
                .iter()
                .max_by_key(|(c, (n, s))| (*n, *s, std::cmp::Reverse(**c)))
                .map(|(c, _)| *c),
        };
        let unowned: Vec<(String, IdentityKey)> = named
            .iter()
            .filter(|(n, _)| !self.owners.contains_key(n))
            .map(|(n, k)| (n.clone(), (*k).clone()))
            .collect();
        let Some(chosen) = chosen else {
            let id = CustomerId::new();
            for (n, _) in &unowned {
                self.owners.insert(n.clone(), id);
            }
            self.pending.push(Pending {
                id,
                keys: unowned.into_iter().map(|(_, k)| k).collect(),
                name: v.identity.name.clone(),
                actor,
            });
            return Ok(Ok((id, true)));
        };
        for other in votes.keys().filter(|c| **c != chosen) {
            let keys: Vec<&String> = named.iter().map(|(n, _)| n).collect();
            let evidence =
                json!({ "keys": keys, "source": v.source, "source_event_id": v.source_event_id });
            self.suggestions.push((chosen, *other, evidence));
        }
        // With `attach_new_keys` off, keys seen with a customer stay no one's, whether or not
        // the customer is written yet: how requests happen to share a transaction must not
        // change what a customer's record holds.
        if self.rules.attach_new_keys {
            for (n, k) in unowned {
                self.owners.insert(n, chosen);
                match self.pending.iter_mut().find(|p| p.id == chosen) {
                    // A prospect not yet written takes them as part of its creation.
                    Some(p) => p.keys.push(k),
                    None => self.additions.push((chosen, k, actor)),
                }
            }
        }
        Ok(Ok((chosen, false)))
    }

    /// Writes what the plans need: the new prospects, the keys added to stored customers and
    /// the merge suggestions. Returns the prospects that could not be created, with why.
    pub(super) async fn finish(
        self,
        conn: &mut Conn,
        actors: &[&Principal],
        at: time::OffsetDateTime,
    ) -> Result<HashMap<CustomerId, Vec<FieldIssue>>, AppError> {
        let mut failed = HashMap::new();
        let mut made: Vec<(CustomerId, Customer, usize)> = Vec::new();
        for p in &self.pending {
            match self.prospect(p) {
                Ok(c) => made.push((p.id, c, p.actor)),
                Err(issues) => {
                    failed.insert(p.id, issues);
                }
            }
        }
        let terms: Vec<Vec<String>> = made
            .iter()
            .map(|(_, c, _)| search_terms(c, &HashMap::new()))
            .collect();
        let new: Vec<NewCustomer<'_>> = made
            .iter()
            .zip(&terms)
            .map(|((id, c, _), t)| NewCustomer {
                id: *id,
                customer: c,
                terms: t,
            })
            .collect();
        customer_store::insert_many(conn, self.ws, &new, at).await?;
        for (id, c, actor) in &made {
            let after = created(c);
            audit::record(
                conn,
                actors[*actor],
                AuditAction::Create,
                "customer",
                id,
                &json!(null),
                &after,
            )
            .await?;
        }
        let mut by_customer: Vec<(CustomerId, Vec<&IdentityKey>, usize)> = Vec::new();
        for (c, k, actor) in &self.additions {
            match by_customer.iter_mut().find(|(x, _, _)| x == c) {
                Some((_, keys, _)) => keys.push(k),
                None => by_customer.push((*c, vec![k], *actor)),
            }
        }
        for (customer, keys, actor) in by_customer {
            self.add_keys(conn, actors[actor], customer, &keys).await?;
        }
        for (a, b, evidence) in self.suggestions {
            if failed.contains_key(&a) || failed.contains_key(&b) {
                continue;
            }
            store::suggest_merge(conn, self.ws, (a, b), "shared_interaction", evidence, at).await?;
        }
        Ok(failed)
    }

    /// The person a pending prospect becomes.
    fn prospect(&self, p: &Pending) -> Result<Customer, Vec<FieldIssue>> {
        let keys: Vec<&IdentityKey> = p.keys.iter().collect();
        let mut draft = person_with(&keys);
        // Known only by an external or device id, the prospect is called by it until someone
        // names them (a person needs a name, an e-mail or a phone).
        let nameless = draft.emails.is_empty() && draft.phones.is_empty();
        match p.name.as_deref().map(str::trim) {
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
        draft.lifecycle_stage = ["prospect", "lead"]
            .into_iter()
            .find(|s| self.rules.stages.iter().any(|x| x == s))
            .map(str::to_owned);
        match self.rules.validate(&Draft::Person(draft)) {
            Ok(c) => Ok(c),
            Err(AppError::InvalidFields(issues)) => Err(issues
                .into_iter()
                .map(|i| FieldIssue::new(format!("customer.{}", i.field), i.problem))
                .collect()),
            Err(e) => Err(vec![FieldIssue::new(
                "customer",
                Problem::UnreadableRow(e.to_string()),
            )]),
        }
    }

    /// Adds keys no one owns to a stored `customer` (seen together with one of its own).
    async fn add_keys(
        &self,
        conn: &mut Conn,
        actor: &Principal,
        customer: CustomerId,
        keys: &[&IdentityKey],
    ) -> Result<(), AppError> {
        let ws = self.ws;
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
                actor,
                AuditAction::Update,
                "customer",
                customer,
                &b,
                &a,
            )
            .await?;
        }
        Ok(())
    }
}

/// The audit's "after" of a prospect created at ingest: which fields it was given, the
/// personal ones only marked (see `customers`), and its stage.
fn created(c: &Customer) -> serde_json::Value {
    let mut after = serde_json::Map::new();
    for (field, set) in [
        ("display_name", true),
        ("given_name", c.given_name.is_some()),
        ("family_name", c.family_name.is_some()),
        ("identity_keys", !c.keys.is_empty()),
    ] {
        if set {
            after.insert(field.into(), json!("(changed)"));
        }
    }
    after.insert("lifecycle_stage".into(), json!(c.lifecycle_stage));
    serde_json::Value::Object(after)
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
