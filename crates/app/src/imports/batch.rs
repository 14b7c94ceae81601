//! Writing one batch of an import in one transaction: organisations by name, identity
//! matching against the database and the earlier rows of the file, bulk inserts of the new
//! people and one-by-one updates of the existing ones.
use super::Prepared;
use crate::customers::{changed_fields, search_terms, Draft, Rules};
use crate::{audit, now, App, AppError, Principal};
use serde::Serialize;
use std::collections::HashMap;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::customers::search::fold;
use vinculo_domain::customers::{
    ContactPoint, FieldIssue, OrganizationDraft, PersonDraft, Problem,
};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::CustomerId;
use vinculo_store::customers::{self as store, NewCustomer};
use vinculo_store::Conn;

/// A row that was not imported, and why: in English (`reason`, what the API and the CLI
/// say) and as problems the UI translates. A problem of the whole row has no field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub line: u64,
    pub reason: String,
    #[serde(skip)]
    pub issues: Vec<FieldIssue>,
}

impl Rejection {
    pub(crate) fn of_issues(line: u64, issues: Vec<FieldIssue>) -> Rejection {
        let reason = issues
            .iter()
            .map(|i| match i.field.as_str() {
                "" => i.problem.to_string(),
                f => format!("{f}: {}", i.problem),
            })
            .collect::<Vec<_>>()
            .join("; ");
        Rejection {
            line,
            reason,
            issues,
        }
    }

    /// The whole row is at fault.
    pub(crate) fn of_row(line: u64, problem: Problem) -> Rejection {
        Rejection::of_issues(line, vec![FieldIssue::new("", problem)])
    }
}

/// What a batch did.
#[derive(Default)]
pub(super) struct Outcome {
    pub created: u64,
    pub updated: u64,
    pub organizations_created: u64,
    pub rejected: Vec<Rejection>,
}

/// Who a key already points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Owner {
    /// A customer in the database.
    Stored(CustomerId),
    /// A new person of this batch (index into `fresh`).
    Fresh(usize),
    /// A new person of an earlier batch of a dry run (never written, so not `Stored`).
    Earlier,
}

/// A new person being assembled from one or more rows.
struct Fresh {
    id: CustomerId,
    row: Prepared,
}

pub(super) struct Writer<'a> {
    app: &'a App,
    actor: &'a Principal,
    dry_run: bool,
    rules: Rules,
    /// Organisations by folded name.
    organizations: HashMap<String, (CustomerId, String)>,
    /// In a dry run nothing reaches the database, so the keys of earlier batches are kept
    /// here to recognise the file's own duplicates.
    seen: HashMap<(KeyKind, String), Owner>,
}

impl<'a> Writer<'a> {
    pub async fn new(app: &'a App, actor: &'a Principal, dry_run: bool) -> Result<Self, AppError> {
        let mut conn = app.db.conn().await?;
        let rules = Rules::load(&mut conn, actor).await?;
        Ok(Writer {
            app,
            actor,
            dry_run,
            rules,
            organizations: HashMap::new(),
            seen: HashMap::new(),
        })
    }

    pub async fn write(
        &mut self,
        rows: Vec<Result<Prepared, Rejection>>,
    ) -> Result<Outcome, AppError> {
        let mut out = Outcome::default();
        // A dry run only reads: it needs no write transaction (nor SQLite's write lock).
        let mut tx = if self.dry_run {
            self.app.db.conn().await?
        } else {
            self.app.db.begin().await?
        };
        let mut ok: Vec<Prepared> = Vec::with_capacity(rows.len());
        for r in rows {
            match r {
                Ok(p) => ok.push(p),
                Err(rej) => out.rejected.push(rej),
            }
        }
        out.organizations_created = self.resolve_organizations(&mut tx, &mut ok).await?;
        let keys: Vec<(KeyKind, &str)> = ok
            .iter()
            .flat_map(|p| {
                p.customer
                    .keys
                    .iter()
                    .map(|k| (k.key.kind, k.key.value.as_str()))
            })
            .collect();
        let stored: HashMap<(KeyKind, String), CustomerId> =
            store::owners_of_keys(&mut tx, self.actor.workspace_id, &keys)
                .await?
                .into_iter()
                .map(|(c, kind, v)| ((kind, v), c))
                .collect();
        if !self.dry_run {
            self.seen.clear();
        }
        let mut fresh: Vec<Fresh> = Vec::new();
        let mut updates: Vec<(CustomerId, Prepared)> = Vec::new();
        for row in ok {
            let mut owners: Vec<Owner> = row
                .customer
                .keys
                .iter()
                .filter_map(|k| {
                    let key = (k.key.kind, k.key.value.clone());
                    stored
                        .get(&key)
                        .map(|c| Owner::Stored(*c))
                        .or_else(|| self.seen.get(&key).copied())
                })
                .collect();
            owners.sort_by_key(|o| format!("{o:?}"));
            owners.dedup();
            let owner = match owners.as_slice() {
                [] => {
                    fresh.push(Fresh {
                        id: CustomerId::new(),
                        row,
                    });
                    out.created += 1;
                    let last = fresh.len() - 1;
                    self.remember(&fresh[last].row, Owner::Fresh(last));
                    continue;
                }
                [one] => *one,
                _ => {
                    out.rejected
                        .push(Rejection::of_row(row.line, Problem::KeysOfSeveralCustomers));
                    continue;
                }
            };
            match owner {
                Owner::Fresh(i) if i < fresh.len() => match self.merge_fresh(&fresh[i].row, &row) {
                    Ok(merged) => {
                        self.remember(&row, owner);
                        fresh[i].row = merged;
                        out.updated += 1;
                    }
                    Err(rej) => out.rejected.push(rej),
                },
                Owner::Fresh(_) | Owner::Earlier => out.updated += 1,
                Owner::Stored(id) => {
                    self.remember(&row, owner);
                    updates.push((id, row));
                }
            }
        }
        if self.dry_run {
            for v in self.seen.values_mut() {
                if let Owner::Fresh(_) = v {
                    *v = Owner::Earlier;
                }
            }
        }
        self.insert_fresh(&mut tx, &fresh).await?;
        for (id, row) in updates {
            match self.update(&mut tx, id, row).await? {
                Ok(()) => out.updated += 1,
                Err(rej) => out.rejected.push(rej),
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    fn remember(&mut self, row: &Prepared, owner: Owner) {
        for k in &row.customer.keys {
            self.seen.insert((k.key.kind, k.key.value.clone()), owner);
        }
    }

    /// `base` with `row` laid over it, validated again.
    fn merge_fresh(&self, base: &Prepared, row: &Prepared) -> Result<Prepared, Rejection> {
        let mut over = row.draft.clone();
        over.phones = phones_in(row, base.region);
        let merged = Draft::Person(base.draft.clone())
            .overlay(Draft::Person(over))
            .and_then(|d| match d {
                Draft::Person(p) => Some(p),
                Draft::Organization(_) => None,
            })
            .unwrap_or_default();
        match self.rules.person(&merged, base.region) {
            Ok(mut customer) => {
                customer.affiliations = base.customer.affiliations.clone();
                for a in &row.customer.affiliations {
                    if !customer
                        .affiliations
                        .iter()
                        .any(|x| x.organization == a.organization)
                    {
                        customer.affiliations.push(a.clone());
                    }
                }
                Ok(Prepared {
                    line: base.line,
                    draft: merged,
                    customer,
                    organization: base.organization.clone(),
                    region: base.region,
                })
            }
            Err(issues) => Err(Rejection::of_issues(row.line, issues)),
        }
    }

    /// Finds the batch's organisations by name, creates the missing ones, and points each
    /// row's link at its organisation. Returns how many were created.
    async fn resolve_organizations(
        &mut self,
        tx: &mut Conn,
        rows: &mut [Prepared],
    ) -> Result<u64, AppError> {
        let ws = self.actor.workspace_id;
        let mut missing: Vec<String> = Vec::new();
        for name in rows.iter().filter_map(|r| r.organization.as_ref()) {
            if !self.organizations.contains_key(&fold(name)) && !missing.contains(name) {
                missing.push(name.clone());
            }
        }
        for (id, name) in store::organizations_named(tx, ws, &missing).await? {
            self.organizations.entry(fold(&name)).or_insert((id, name));
        }
        let mut created = 0;
        let stages: Vec<&str> = self.rules.stages.iter().map(String::as_str).collect();
        for name in missing {
            if self.organizations.contains_key(&fold(&name)) {
                continue;
            }
            let draft = OrganizationDraft {
                name: Some(name.clone()),
                ..OrganizationDraft::default()
            };
            let Ok(org) = draft.validate(self.rules.region, &stages) else {
                continue;
            };
            let id = CustomerId::new();
            if !self.dry_run {
                let terms = search_terms(&org, &HashMap::new());
                store::insert(tx, ws, id, &org, &terms, now()).await?;
            }
            self.organizations.insert(fold(&name), (id, name));
            created += 1;
        }
        for row in rows.iter_mut() {
            let found = row
                .organization
                .as_ref()
                .and_then(|n| self.organizations.get(&fold(n)));
            match (found, row.customer.affiliations.first_mut()) {
                (Some((id, _)), Some(a)) => {
                    a.organization = *id;
                    if let Some(d) = row.draft.organizations.first_mut() {
                        d.organization_id = id.to_string();
                    }
                }
                _ => {
                    row.customer.affiliations.clear();
                    row.draft.organizations.clear();
                }
            }
        }
        Ok(created)
    }

    async fn insert_fresh(&self, tx: &mut Conn, fresh: &[Fresh]) -> Result<(), AppError> {
        if self.dry_run || fresh.is_empty() {
            return Ok(());
        }
        let names: HashMap<CustomerId, String> = self
            .organizations
            .values()
            .map(|(id, n)| (*id, n.clone()))
            .collect();
        let terms: Vec<Vec<String>> = fresh
            .iter()
            .map(|f| search_terms(&f.row.customer, &names))
            .collect();
        let new: Vec<NewCustomer<'_>> = fresh
            .iter()
            .zip(&terms)
            .map(|(f, t)| NewCustomer {
                id: f.id,
                customer: &f.row.customer,
                terms: t,
            })
            .collect();
        store::insert_many(tx, self.actor.workspace_id, &new, now()).await?;
        Ok(())
    }

    /// Lays a row over a stored customer; a row that does not validate against it is rejected.
    async fn update(
        &self,
        tx: &mut Conn,
        id: CustomerId,
        row: Prepared,
    ) -> Result<Result<(), Rejection>, AppError> {
        let ws = self.actor.workspace_id;
        let Some(current) = store::get(tx, ws, id).await? else {
            return Ok(Err(Rejection::of_row(
                row.line,
                Problem::ErasedDuringImport,
            )));
        };
        let mut over: PersonDraft = row.draft.clone();
        over.phones = phones_in(&row, self.rules.region);
        over.organizations.retain(|a| !a.organization_id.is_empty());
        let merged = Draft::of(&current, self.rules.region).overlay(Draft::Person(over));
        let Some(merged) = merged else {
            return Ok(Err(Rejection::of_row(
                row.line,
                Problem::KeysOfOrganization(current.display_name.clone()),
            )));
        };
        let customer = match self.rules.validate(&merged) {
            Ok(c) => c,
            Err(AppError::InvalidFields(issues)) => {
                return Ok(Err(Rejection::of_issues(row.line, issues)))
            }
            Err(e) => return Err(e),
        };
        if self.dry_run {
            return Ok(Ok(()));
        }
        // Only this customer's organisations are searched by, so only their names are needed:
        // the ones it had, and the row's (found in the batch's cache by name).
        let mut names: HashMap<CustomerId, String> = current
            .affiliations
            .iter()
            .map(|a| (a.organization, a.name.clone()))
            .collect();
        if let Some((org, name)) = row
            .organization
            .as_ref()
            .and_then(|n| self.organizations.get(&fold(n)))
        {
            names.insert(*org, name.clone());
        }
        let terms = search_terms(&customer, &names);
        store::replace(tx, ws, id, &customer, &terms, now()).await?;
        let Some(record) = store::get(tx, ws, id).await? else {
            return Ok(Ok(()));
        };
        let (b, a) = changed_fields(Some(&current), &record);
        audit::record(tx, self.actor, AuditAction::Update, "customer", id, &b, &a).await?;
        Ok(Ok(()))
    }
}

/// The row's phones spelt so that they read as the same numbers in `region`: as typed when
/// the row was read in that region, else in E.164.
fn phones_in(row: &Prepared, region: vinculo_domain::identity::Region) -> Vec<ContactPoint> {
    if row.region == region {
        return row.draft.phones.clone();
    }
    row.customer
        .keys
        .iter()
        .filter(|k| k.key.kind == KeyKind::Phone)
        .map(|k| ContactPoint {
            value: k.key.value.clone(),
            label: k.label.clone(),
            primary: k.primary,
        })
        .collect()
}
