//! Finding the customer of an interaction: the one its `customer.id` names, else the one
//! owning the most of its keys; keys no one owns are added to that customer, or become a new
//! prospect; keys owned by another customer raise a merge suggestion for the pair.
use crate::customers::{search_terms, Draft, Rules};
use crate::{audit, now, AppError, Principal};
use serde_json::json;
use std::collections::HashMap;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::customers::{ContactPoint, FieldIssue, PersonDraft, Problem};
use vinculo_domain::identity::{IdentityKey, KeyKind};
use vinculo_domain::ids::{CustomerId, WorkspaceId};
use vinculo_domain::interactions::Interaction;
use vinculo_store::customers as customer_store;
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

/// Finds (or creates) the customer of each interaction of a batch.
pub(super) struct Resolver<'a> {
    ws: WorkspaceId,
    rules: &'a Rules,
    /// Owner of each key (`kind:value`), stored or created in this batch.
    owners: HashMap<String, CustomerId>,
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
        Ok(Resolver { ws, rules, owners })
    }

    /// The interaction's customer, and whether it was created for it; `actor` sent it (and
    /// is who the audit names for a new prospect or added keys).
    pub(super) async fn resolve(
        &mut self,
        conn: &mut Conn,
        actor: &Principal,
        v: &Interaction,
        at: time::OffsetDateTime,
    ) -> Result<Result<(CustomerId, bool), Vec<FieldIssue>>, AppError> {
        let ws = self.ws;
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
            return self.create_prospect(conn, actor, v, &unowned, at).await;
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
            self.add_keys(conn, actor, chosen, &unowned).await?;
        }
        Ok(Ok((chosen, false)))
    }

    async fn create_prospect(
        &mut self,
        conn: &mut Conn,
        actor: &Principal,
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
        customer_store::insert(conn, self.ws, id, &customer, &terms, at).await?;
        let record = customer_store::get(conn, self.ws, id)
            .await?
            .ok_or(AppError::NotFound("customer"))?;
        let (b, a) = crate::customers::changed_fields(None, &record);
        audit::record(conn, actor, AuditAction::Create, "customer", id, &b, &a).await?;
        for k in keys {
            self.owners.insert(k.to_string(), id);
        }
        Ok(Ok((id, true)))
    }

    /// Adds keys no one owns to `customer` (seen together with one of its own).
    async fn add_keys(
        &mut self,
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
