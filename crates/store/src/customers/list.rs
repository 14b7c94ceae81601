//! Listing customers: filters (kind, organisation, stage, owner, tag, archived, creation and
//! change dates, current consent, custom fields) and the search box's words, a page at a
//! time: newest or oldest first, or sorted by name, last change or a custom field with a
//! cursor that holds the last row's sort value.
use super::plan::{joined_prefixes, search_plan, term_prefix, walk_from, Driver};
use super::sorted::{page_ids_by_field, SortField};
use super::{
    Affiliations, CustomerFilter, CustomerRecord, CustomerSearch, CustomerTags, Customers,
};
use crate::page::{After, Cursor, Page};
use crate::{Backend, Conn, StoreError};
use sea_query::{Alias, Expr, Order, Query, SelectStatement, SimpleExpr};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::customers::custom::Condition;
use vinculo_domain::ids::WorkspaceId;

/// Customers newest first, `limit` at a time.
pub async fn list(
    conn: &mut Conn,
    ws: WorkspaceId,
    f: &CustomerFilter,
    before: Option<Cursor>,
    limit: u64,
) -> Result<Page<CustomerRecord>, StoreError> {
    let by_id = matches!(f.sort, Sort::Newest | Sort::Oldest);
    let plan = search_plan(conn, ws, &f.search, by_id).await?;
    // The page's ids first, then their records in one statement (see `one::many`).
    let joined = match &plan.driver {
        Some(Driver::Walk(prefix)) => joined_prefixes(prefix, &f.search),
        _ => Vec::new(),
    };
    // SQLite merges two or more prefix lists itself (see `merge`); PostgreSQL, and a single
    // list, walk one list and join the others.
    let merged = conn.backend() == Backend::Sqlite && joined.len() > 1;
    let walked = !joined.is_empty() && !merged;
    let mut stmt = if walked {
        walk_from(conn.backend(), ws, &joined)
    } else {
        Query::select()
            .column((Customers::Table, Customers::Id))
            .from(Customers::Table)
            .to_owned()
    };
    stmt.and_where(Expr::col((Customers::Table, Customers::WorkspaceId)).eq(ws.uuid()));
    if let Some(k) = f.kind {
        stmt.and_where(Expr::col(Customers::Kind).eq(k.as_str()));
    }
    if let Some(org) = f.organization {
        let linked = Query::select()
            .column(Affiliations::PersonId)
            .from(Affiliations::Table)
            .and_where(Expr::col(Affiliations::WorkspaceId).eq(ws.uuid()))
            .and_where(Expr::col(Affiliations::OrganizationId).eq(org.uuid()))
            .to_owned();
        stmt.and_where(Expr::col((Customers::Table, Customers::Id)).in_subquery(linked));
    }
    if let Some(s) = &f.stage {
        stmt.and_where(Expr::col(Customers::LifecycleStage).eq(s.as_str()));
    }
    if let Some(o) = &f.owner {
        stmt.and_where(Expr::col(Customers::Owner).eq(o.as_str()));
    }
    if !f.include_archived {
        stmt.and_where(Expr::col(Customers::ArchivedAt).is_null());
    }
    if let Some(tag) = &f.tag {
        let tagged = Query::select()
            .column(CustomerTags::CustomerId)
            .from(CustomerTags::Table)
            .and_where(Expr::col(CustomerTags::WorkspaceId).eq(ws.uuid()))
            .and_where(Expr::col(CustomerTags::Tag).eq(tag.as_str()))
            .to_owned();
        stmt.and_where(Expr::col((Customers::Table, Customers::Id)).in_subquery(tagged));
    }
    for (i, word) in f.search.iter().enumerate() {
        let mut matching = Query::select()
            .column((CustomerSearch::Table, CustomerSearch::CustomerId))
            .from(CustomerSearch::Table)
            .and_where(
                Expr::col((CustomerSearch::Table, CustomerSearch::WorkspaceId)).eq(ws.uuid()),
            )
            .to_owned();
        term_prefix(&mut matching, word);
        match &plan.driver {
            Some(Driver::Gather(g)) if *g == i => {
                stmt.and_where(Expr::col((Customers::Table, Customers::Id)).in_subquery(matching));
            }
            // A joined prefix list is exactly a three-letter word's matches.
            Some(Driver::Walk(_)) if joined.iter().any(|j| j == word) => {}
            // SQLite 3.46 evaluates a subquery as soon as the tables it names are read.
            // Walking one prefix list alone, the probes are correlated to the list's id, so
            // a customer's row is read only once its words match ("maria mart", both in the
            // "mar" list, at 1M customers: 8.9 instead of 14.0 ms). With other lists joined,
            // they are correlated to the customers row, the last table joined, so the cheap
            // joins filter first ("lucia mart": 3.0 instead of 6.2 ms).
            _ => {
                let by = if walked && joined.len() == 1 {
                    use super::CustomerPrefixes as P;
                    Expr::col((P::Table, P::CustomerId))
                } else {
                    Expr::col((Customers::Table, Customers::Id))
                };
                matching.and_where(
                    Expr::col((CustomerSearch::Table, CustomerSearch::CustomerId)).eq(by),
                );
                stmt.and_where(Expr::exists(matching));
            }
        }
    }
    let at = |c: Customers| Expr::col((Customers::Table, c));
    for (col, from, until) in [
        (Customers::CreatedAt, f.created_from, f.created_until),
        (Customers::UpdatedAt, f.updated_from, f.updated_until),
    ] {
        if let Some(t) = from {
            stmt.and_where(at(col).gte(t));
        }
        if let Some(t) = until {
            stmt.and_where(at(col).lt(t));
        }
    }
    if let Some((channel, purpose, state)) = &f.consent {
        consent_is(&mut stmt, ws, channel, purpose, state);
    }
    for (field, cond) in &f.custom {
        custom_is(&mut stmt, ws, *field, cond);
    }
    // Walking a prefix list, its own id column gives the order (the same ids), so the
    // database reads the list in order and stops after a page.
    let id = if walked {
        use super::CustomerPrefixes as P;
        Expr::col((P::Table, P::CustomerId))
    } else {
        Expr::col((Customers::Table, Customers::Id))
    };
    if let Sort::Field {
        field: Some((id, numeric)),
        desc,
        ..
    } = &f.sort
    {
        let by = SortField {
            id: *id,
            numeric: *numeric,
            desc: *desc,
        };
        let ids = page_ids_by_field(conn, ws, stmt, &by, before.as_ref(), limit + 1).await?;
        return page_of(conn, ws, f, &ids, limit).await;
    }
    let after = before.as_ref().map(|c| (c.0, c.1.clone()));
    let sort_col: Option<(SimpleExpr, bool)> = match &f.sort {
        Sort::Newest | Sort::Oldest => None,
        Sort::Name { desc } => Some((
            Expr::col((Customers::Table, Customers::SortName)).into(),
            *desc,
        )),
        Sort::Updated { desc } => Some((
            Expr::col((Customers::Table, Customers::UpdatedAt)).into(),
            *desc,
        )),
        // A field with its definition was answered above.
        Sort::Field { .. } => {
            return Err(StoreError::Corrupt("custom sort without its field".into()))
        }
    };
    match (&sort_col, after) {
        (None, Some((cid, _))) if f.sort == Sort::Oldest => {
            stmt.and_where(id.clone().gt(cid));
        }
        (None, Some((cid, _))) => {
            stmt.and_where(id.clone().lt(cid));
        }
        (Some((col, desc)), Some((cid, Some(a)))) => {
            let v = match (&a, &f.sort) {
                (After::Value(v), Sort::Updated { .. }) => Some(SimpleExpr::from(
                    OffsetDateTime::parse(v, &Rfc3339)
                        .map_err(|_| StoreError::Corrupt("cursor time".into()))?,
                )),
                (After::Value(v), _) => Some(SimpleExpr::from(v.clone())),
                (After::Missing, _) => None,
            };
            let beyond = |a, b| beyond(*desc, a, b);
            let col = || Expr::expr(col.clone());
            match v {
                Some(v) => {
                    stmt.and_where(
                        beyond(col().into(), v.clone())
                            .or(col().eq(v).and(beyond(id.clone().into(), cid.into()))),
                    );
                }
                None => {
                    return Err(StoreError::Corrupt(
                        "a cursor past the values of a sort without missing ones".into(),
                    ))
                }
            }
        }
        (Some(_), Some((_, None))) => {
            return Err(StoreError::Corrupt(
                "a sorted list's cursor needs its sort value".into(),
            ))
        }
        (_, None) => {}
    }
    let order = |desc: bool| if desc { Order::Desc } else { Order::Asc };
    match &sort_col {
        None => {
            stmt.order_by_expr(id.clone().into(), order(f.sort != Sort::Oldest));
        }
        Some((col, desc)) => {
            stmt.order_by_expr(col.clone(), order(*desc));
            stmt.order_by((Customers::Table, Customers::Id), order(*desc));
        }
    }
    stmt.limit(limit + 1);
    let ids = if merged {
        let from = before.as_ref().map(|c| c.0);
        let desc = f.sort != Sort::Oldest;
        super::merge::page_ids(conn, ws, &joined, stmt, from, desc, limit + 1).await?
    } else {
        page_ids(conn, stmt).await?
    };
    page_of(conn, ws, f, &ids, limit).await
}

/// The records of a page's ids (`limit` of them and one more, if there is more), with the
/// cursor of the next page carrying the last row's sort value.
async fn page_of(
    conn: &mut Conn,
    ws: WorkspaceId,
    f: &CustomerFilter,
    ids: &[Uuid],
    limit: u64,
) -> Result<Page<CustomerRecord>, StoreError> {
    let records = super::one::many(conn, ws, ids).await?;
    let mut page = Page::from_overfetch(records, limit, |c| c.id.uuid());
    if let (Some(next), Some(last)) = (page.next.as_mut(), page.items.last()) {
        next.1 = match &f.sort {
            Sort::Newest | Sort::Oldest => None,
            Sort::Name { .. } => Some(After::Value(last.sort_name.clone())),
            Sort::Updated { .. } => Some(After::Value(
                last.updated_at
                    .format(&Rfc3339)
                    .map_err(|e| StoreError::Corrupt(format!("time: {e}")))?,
            )),
            Sort::Field {
                field: Some((fid, numeric)),
                ..
            } => Some(
                match super::custom::sort_value(conn, ws, last.id.uuid(), *fid, *numeric).await? {
                    Some(v) => After::Value(v),
                    None => After::Missing,
                },
            ),
            Sort::Field { field: None, .. } => None,
        };
    }
    Ok(page)
}

/// The ids `stmt` selects, in its order. On SQLite they come as one JSON row: the driver
/// hands every result row from its thread to the server's task separately, and a wake-up per
/// id cost more than finding them (see `one.rs`). PostgreSQL's driver reads rows off the
/// socket, so there they come as rows.
pub(super) async fn page_ids(
    conn: &mut Conn,
    stmt: SelectStatement,
) -> Result<Vec<Uuid>, StoreError> {
    match conn.backend() {
        crate::Backend::Sqlite => {
            let one = Query::select()
                .expr(Expr::cust("json_group_array(lower(hex(x.id)))"))
                .from_subquery(stmt, Alias::new("x"))
                .to_owned();
            let (ids,): (String,) = conn
                .fetch_optional(&one)
                .await?
                .unwrap_or_else(|| ("[]".to_owned(),));
            let ids: Vec<String> = serde_json::from_str(&ids)
                .map_err(|e| StoreError::Corrupt(format!("page ids: {e}")))?;
            ids.iter()
                .map(|i| {
                    Uuid::parse_str(i).map_err(|_| StoreError::Corrupt(format!("page id {i}")))
                })
                .collect()
        }
        crate::Backend::Postgres => {
            let ids: Vec<(Uuid,)> = conn.fetch_all(&stmt).await?;
            Ok(ids.into_iter().map(|(i,)| i).collect())
        }
    }
}

/// `a` comes after `b` in a list in that direction.
pub(super) fn beyond(desc: bool, a: SimpleExpr, b: SimpleExpr) -> SimpleExpr {
    if desc {
        Expr::expr(a).lt(b)
    } else {
        Expr::expr(a).gt(b)
    }
}

/// Keeps customers whose value of `field` meets `cond`.
fn custom_is(stmt: &mut SelectStatement, ws: WorkspaceId, field: Uuid, cond: &Condition) {
    use super::custom::CustomerFieldValues as V;
    let mut having = Query::select()
        .column(V::CustomerId)
        .from(V::Table)
        .and_where(Expr::col(V::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(V::FieldId).eq(field))
        .to_owned();
    let (folded, number) = (Expr::col(V::Folded), Expr::col(V::Number));
    match cond {
        Condition::TextIs(t) => having.and_where(folded.eq(t.as_str())),
        Condition::Has(c) => having.and_where(super::custom::has_choice(folded, c)),
        Condition::NumberIs(n) => having.and_where(number.eq(*n)),
        Condition::TextMin(t) => having.and_where(folded.gte(t.as_str())),
        Condition::TextMax(t) => having.and_where(folded.lte(t.as_str())),
        Condition::NumberMin(n) => having.and_where(number.gte(*n)),
        Condition::NumberMax(n) => having.and_where(number.lte(*n)),
        Condition::Empty(_) => &mut having,
    };
    let id = Expr::col((Customers::Table, Customers::Id));
    if *cond == Condition::Empty(true) {
        stmt.and_where(id.not_in_subquery(having));
    } else {
        stmt.and_where(id.in_subquery(having));
    }
}

/// The order of a list.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Sort {
    /// Newest first (by id: UUIDv7 ids grow with time).
    #[default]
    Newest,
    Oldest,
    /// By display name, without case or accents.
    Name {
        desc: bool,
    },
    /// By last change.
    Updated {
        desc: bool,
    },
    /// By a custom field's value; customers without one come last. `field` (id, compared as
    /// a number) is filled from `key` by the use case.
    Field {
        key: String,
        field: Option<(Uuid, bool)>,
        desc: bool,
    },
}

/// Keeps customers whose latest ledger entry for (channel, purpose) has `state`; with no entry
/// the state is `unknown`. The ledger's index (workspace, customer, time) answers each probe.
fn consent_is(
    stmt: &mut SelectStatement,
    ws: WorkspaceId,
    channel: &str,
    purpose: &str,
    state: &str,
) {
    let col = |c: &str| Expr::col((Alias::new("consent_events"), Alias::new(c)));
    let latest = Query::select()
        .column((Alias::new("consent_events"), Alias::new("state")))
        .from(Alias::new("consent_events"))
        .and_where(col("workspace_id").eq(ws.uuid()))
        .and_where(col("customer_id").equals((Customers::Table, Customers::Id)))
        .and_where(col("channel").eq(channel))
        .and_where(col("purpose").eq(purpose))
        .order_by(
            (Alias::new("consent_events"), Alias::new("at")),
            Order::Desc,
        )
        .order_by(
            (Alias::new("consent_events"), Alias::new("id")),
            Order::Desc,
        )
        .limit(1)
        .to_owned();
    let current = SimpleExpr::SubQuery(None, Box::new(latest.into_sub_query_statement()));
    let matches = Expr::expr(current.clone()).eq(state);
    if state == "unknown" {
        stmt.and_where(matches.or(Expr::expr(current).is_null()));
    } else {
        stmt.and_where(matches);
    }
}
