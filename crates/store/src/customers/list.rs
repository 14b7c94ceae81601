//! Listing customers: filters (kind, organisation, stage, owner, tag, archived, creation and
//! change dates, current consent, custom fields) and the search box's words, a page at a
//! time: newest or oldest first, or sorted by name, last change or a custom field with a
//! cursor that holds the last row's sort value.
use super::{
    Affiliations, CustomerFilter, CustomerRecord, CustomerSearch, CustomerTags, Customers,
};
use crate::page::{After, Cursor, Page};
use crate::{Backend, Conn, StoreError};
use sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
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
            // Correlated to the customers row, the last table joined, even when walking a
            // prefix list (the same id): SQLite 3.46 evaluates a subquery as soon as the
            // tables it names are read, and on the walked list's id it ran these probes
            // before the cheap join of the other prefix lists (6.2 instead of 3.0 ms for
            // "lucia mart" at 1M customers).
            _ => {
                matching.and_where(
                    Expr::col((CustomerSearch::Table, CustomerSearch::CustomerId))
                        .equals((Customers::Table, Customers::Id)),
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
    let after = before.as_ref().map(|c| (c.0, c.1.clone()));
    let sort_col: Option<(SimpleExpr, bool, bool)> = match &f.sort {
        Sort::Newest | Sort::Oldest => None,
        Sort::Name { desc } => Some((
            Expr::col((Customers::Table, Customers::SortName)).into(),
            *desc,
            false,
        )),
        Sort::Updated { desc } => Some((
            Expr::col((Customers::Table, Customers::UpdatedAt)).into(),
            *desc,
            false,
        )),
        Sort::Field {
            field: Some((fid, numeric)),
            desc,
            ..
        } => {
            use super::custom::CustomerFieldValues as V;
            let sv = Alias::new("sv");
            stmt.join_as(
                sea_query::JoinType::LeftJoin,
                V::Table,
                sv.clone(),
                Expr::col((sv.clone(), V::CustomerId))
                    .equals((Customers::Table, Customers::Id))
                    .and(Expr::col((sv.clone(), V::FieldId)).eq(*fid))
                    .and(Expr::col((sv.clone(), V::WorkspaceId)).eq(ws.uuid())),
            );
            let col = if *numeric { V::Number } else { V::Folded };
            Some((Expr::col((sv, col)).into(), *desc, true))
        }
        Sort::Field { field: None, .. } => {
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
        (Some((col, desc, nullable)), Some((cid, Some(a)))) => {
            let v = match (&a, &f.sort) {
                (After::Value(v), Sort::Updated { .. }) => Some(SimpleExpr::from(
                    OffsetDateTime::parse(v, &Rfc3339)
                        .map_err(|_| StoreError::Corrupt("cursor time".into()))?,
                )),
                (
                    After::Value(v),
                    Sort::Field {
                        field: Some((_, true)),
                        ..
                    },
                ) => Some(SimpleExpr::from(
                    v.parse::<f64>()
                        .map_err(|_| StoreError::Corrupt("cursor number".into()))?,
                )),
                (After::Value(v), _) => Some(SimpleExpr::from(v.clone())),
                (After::Missing, _) => None,
            };
            let beyond = |a: SimpleExpr, b: SimpleExpr| {
                if *desc {
                    Expr::expr(a).lt(b)
                } else {
                    Expr::expr(a).gt(b)
                }
            };
            let col = || Expr::expr(col.clone());
            match v {
                Some(v) => {
                    let next = beyond(col().into(), v.clone())
                        .or(col().eq(v).and(beyond(id.clone().into(), cid.into())));
                    if *nullable {
                        stmt.and_where(col().is_not_null().and(next).or(col().is_null()));
                    } else {
                        stmt.and_where(next);
                    }
                }
                None => {
                    stmt.and_where(col().is_null().and(beyond(id.clone().into(), cid.into())));
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
        Some((col, desc, nullable)) => {
            if *nullable {
                stmt.order_by_expr(Expr::expr(col.clone()).is_null(), Order::Asc);
            }
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
    let records = super::one::many(conn, ws, &ids).await?;
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

/// The FROM of a walk: the first prefix list of `joined`, then (joined by id) the others,
/// then the customers.
///
/// The walk only pays if the database reads the list in order and stops after a page. On
/// SQLite a CROSS JOIN fixes the join order (its documented use); left to itself, SQLite 3.46
/// started from another word's list and sorted every match (65 ms instead of 7 at 1M).
/// PostgreSQL takes no ON with CROSS JOIN, and plans this well from its statistics.
fn walk_from(backend: Backend, ws: WorkspaceId, joined: &[String]) -> SelectStatement {
    use super::CustomerPrefixes as P;
    let join = match backend {
        Backend::Sqlite => sea_query::JoinType::CrossJoin,
        Backend::Postgres => sea_query::JoinType::InnerJoin,
    };
    let mut stmt = Query::select()
        .column((Customers::Table, Customers::Id))
        .from(P::Table)
        .and_where(Expr::col((P::Table, P::WorkspaceId)).eq(ws.uuid()))
        .and_where(Expr::col((P::Table, P::Prefix)).eq(joined[0].as_str()))
        .to_owned();
    for (i, other) in joined.iter().enumerate().skip(1) {
        let alias = Alias::new(format!("p{i}"));
        stmt.join_as(
            join,
            P::Table,
            alias.clone(),
            Expr::col((alias.clone(), P::WorkspaceId))
                .eq(ws.uuid())
                .and(Expr::col((alias.clone(), P::Prefix)).eq(other.as_str()))
                .and(Expr::col((alias, P::CustomerId)).equals((P::Table, P::CustomerId))),
        );
    }
    stmt.join(
        join,
        Customers::Table,
        Expr::col((Customers::Table, Customers::Id)).equals((P::Table, P::CustomerId)),
    );
    stmt
}

/// The walked prefix first, then the distinct prefixes of the other words of three letters
/// or more: the lists every match is in.
fn joined_prefixes(prefix: &str, words: &[String]) -> Vec<String> {
    let mut joined = vec![prefix.to_owned()];
    for w in words.iter().filter(|w| w.len() > BROAD) {
        if let Some(other) = w.get(..super::PREFIX_CHARS) {
            if !joined.iter().any(|j| j == other) {
                joined.push(other.to_owned());
            }
        }
    }
    joined
}

/// Words this short match a good part of any workspace: they are only ever probed.
const BROAD: usize = 2;

/// A word matched by fewer customers than this is gathered whole and sorted; one matched by
/// more is walked in its prefix list newest first. Counting up to it reads at most this many
/// index entries (well under a millisecond); gathering and sorting as many costs about the
/// same as walking the tens of list entries per match a page needs at 1M customers.
const GATHER_UP_TO: u64 = 2_000;

/// How the search words find their customers.
enum Driver {
    /// The word at this index is gathered by id (it is rare); the others are probed.
    Gather(usize),
    /// Customers are walked in the prefix list of this three-letter prefix, newest first;
    /// the other words' lists are joined, and words longer than their prefix probed.
    Walk(String),
}

struct SearchPlan {
    driver: Option<Driver>,
}

/// Chooses how to answer the search words. Words of one or two letters are only probed
/// (customers are walked newest first, a page is found within a few hundred rows). Of the
/// others, the rarest is gathered when it matches fewer than [`GATHER_UP_TO`] customers
/// (an e-mail, a phone, a rare name); when every word is common ("gar", "ana gar") the
/// sparsest of their prefix lists is walked instead, the others joined. Only lists in id
/// order can walk.
async fn search_plan(
    conn: &mut Conn,
    ws: WorkspaceId,
    words: &[String],
    by_id: bool,
) -> Result<SearchPlan, StoreError> {
    let counted: Vec<usize> = (0..words.len())
        .filter(|i| words[*i].len() > BROAD)
        .collect();
    let Some(&first) = counted.first() else {
        return Ok(SearchPlan { driver: None });
    };
    if !by_id {
        return Ok(SearchPlan {
            driver: Some(Driver::Gather(first)),
        });
    }
    let mut prefixes: Vec<&str> = words
        .iter()
        .filter_map(|w| w.get(..super::PREFIX_CHARS))
        .filter(|p| p.len() == super::PREFIX_CHARS)
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    let counted_words: Vec<&str> = counted.iter().map(|i| words[*i].as_str()).collect();
    let counts = counts_up_to(conn, ws, &counted_words).await?;
    let mut rarest = (first, u64::MAX);
    for (i, n) in counted.iter().zip(counts) {
        if n < rarest.1 {
            rarest = (*i, n);
        }
    }
    if rarest.1 < GATHER_UP_TO {
        return Ok(SearchPlan {
            driver: Some(Driver::Gather(rarest.0)),
        });
    }
    // Walk the sparsest list: the one whose k-th newest entry lies furthest back (a list
    // shorter than k is sparsest of all).
    if conn.backend() == Backend::Sqlite && prefixes.len() > 1 {
        // Merged, not walked (see `merge`): the lists' densities do not matter.
        return Ok(SearchPlan {
            driver: Some(Driver::Walk(prefixes[0].to_owned())),
        });
    }
    let kths = kth_newest(conn, ws, &prefixes).await?;
    let mut sparsest: Option<(&str, Option<Uuid>)> = None;
    for (p, kth) in prefixes.into_iter().zip(kths) {
        let sparser = match (&sparsest, kth) {
            (None, _) => true,
            (Some((_, None)), _) => false,
            (Some((_, Some(_))), None) => true,
            (Some((_, Some(best))), Some(k)) => k < *best,
        };
        if sparser {
            sparsest = Some((p, kth));
        }
    }
    Ok(SearchPlan {
        driver: sparsest.map(|(p, _)| Driver::Walk(p.to_owned())),
    })
}

/// Entries read to tell how dense a prefix list is.
const DENSITY_PROBE: u64 = 2_000;

/// For each word, how many search terms start with it, counted up to [`GATHER_UP_TO`].
async fn counts_up_to(
    conn: &mut Conn,
    ws: WorkspaceId,
    words: &[&str],
) -> Result<Vec<u64>, StoreError> {
    let figures = words
        .iter()
        .map(|w| {
            let mut some = Query::select()
                .expr(Expr::val(1))
                .from(CustomerSearch::Table)
                .and_where(
                    Expr::col((CustomerSearch::Table, CustomerSearch::WorkspaceId)).eq(ws.uuid()),
                )
                .limit(GATHER_UP_TO)
                .to_owned();
            term_prefix(&mut some, w);
            subquery(
                Query::select()
                    .expr(Expr::cust("COUNT(*)"))
                    .from_subquery(some, Alias::new("m"))
                    .to_owned(),
            )
        })
        .collect();
    let values = scalars(conn, figures).await?;
    values
        .iter()
        .map(|v| v.as_u64())
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| StoreError::Corrupt("search word counts".into()))
}

/// For each prefix, the id of the [`DENSITY_PROBE`]-th newest customer in its list (`None`:
/// the list is shorter). Ids grow with time, so the smaller it is, the sparser the list:
/// walking it finds a page of matches of the other words in fewer steps.
async fn kth_newest(
    conn: &mut Conn,
    ws: WorkspaceId,
    prefixes: &[&str],
) -> Result<Vec<Option<Uuid>>, StoreError> {
    use super::CustomerPrefixes as P;
    let backend = conn.backend();
    let figures = prefixes
        .iter()
        .map(|p| {
            let kth = subquery(
                Query::select()
                    .column(P::CustomerId)
                    .from(P::Table)
                    .and_where(Expr::col(P::WorkspaceId).eq(ws.uuid()))
                    .and_where(Expr::col(P::Prefix).eq(*p))
                    .order_by(P::CustomerId, Order::Desc)
                    .limit(1)
                    .offset(DENSITY_PROBE)
                    .to_owned(),
            );
            // JSON holds no binary: the id goes as text (SQLite's hex of NULL is '').
            match backend {
                Backend::Sqlite => Func::cust(Alias::new("nullif"))
                    .args([
                        Func::cust(Alias::new("lower"))
                            .arg(Func::cust(Alias::new("hex")).arg(kth))
                            .into(),
                        Expr::val("").into(),
                    ])
                    .into(),
                Backend::Postgres => kth.cast_as(Alias::new("text")),
            }
        })
        .collect();
    scalars(conn, figures)
        .await?
        .iter()
        .map(|v| match v {
            serde_json::Value::Null => Ok(None),
            v => v
                .as_str()
                .and_then(|s| Uuid::parse_str(s).ok())
                .map(Some)
                .ok_or_else(|| StoreError::Corrupt("prefix list density".into())),
        })
        .collect()
}

fn subquery(q: SelectStatement) -> SimpleExpr {
    SimpleExpr::SubQuery(None, Box::new(q.into_sub_query_statement()))
}

/// The values of scalar expressions, read in one statement (one round trip) as one JSON array.
async fn scalars(
    conn: &mut Conn,
    figures: Vec<SimpleExpr>,
) -> Result<Vec<serde_json::Value>, StoreError> {
    let n = figures.len();
    let array: SimpleExpr = match conn.backend() {
        Backend::Sqlite => Func::cust(Alias::new("json_array")).args(figures).into(),
        Backend::Postgres => {
            SimpleExpr::from(Func::cust(Alias::new("json_build_array")).args(figures))
                .cast_as(Alias::new("text"))
        }
    };
    let (json,): (String,) = conn
        .fetch_one(&Query::select().expr(array).to_owned())
        .await?;
    match serde_json::from_str::<Vec<serde_json::Value>>(&json) {
        Ok(values) if values.len() == n => Ok(values),
        _ => Err(StoreError::Corrupt(format!("search plan figures: {json}"))),
    }
}

/// Prefix match as a range: terms are ASCII, and '\x7f' sorts after every ASCII character,
/// so [word, word + '\x7f') holds exactly the terms that start with word.
fn term_prefix(q: &mut SelectStatement, word: &str) {
    q.and_where(Expr::col((CustomerSearch::Table, CustomerSearch::Term)).gte(word))
        .and_where(
            Expr::col((CustomerSearch::Table, CustomerSearch::Term)).lt(format!("{word}\x7f")),
        );
}
