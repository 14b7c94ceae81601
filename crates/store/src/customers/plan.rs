//! How a search's words find their customers (the plan), and the FROM of a walk: counting
//! each word's matches, gathering a rare word whole, walking or merging the prefix lists of
//! common ones (see `list` and `merge`).
use super::{CustomerSearch, Customers};
use crate::{Backend, Conn, StoreError};
use sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use uuid::Uuid;
use vinculo_domain::ids::WorkspaceId;

/// The FROM of a walk: the first prefix list of `joined`, then (joined by id) the others,
/// then the customers.
///
/// The walk only pays if the database reads the list in order and stops after a page. On
/// SQLite a CROSS JOIN fixes the join order (its documented use); left to itself, SQLite 3.46
/// started from another word's list and sorted every match (65 ms instead of 7 at 1M).
/// PostgreSQL takes no ON with CROSS JOIN, and plans this well from its statistics.
pub(super) fn walk_from(backend: Backend, ws: WorkspaceId, joined: &[String]) -> SelectStatement {
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
pub(super) fn joined_prefixes(prefix: &str, words: &[String]) -> Vec<String> {
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
pub(super) enum Driver {
    /// The word at this index is gathered by id (it is rare); the others are probed.
    Gather(usize),
    /// Customers are walked in the prefix list of this three-letter prefix, newest first;
    /// the other words' lists are joined, and words longer than their prefix probed.
    Walk(String),
}

pub(super) struct SearchPlan {
    pub driver: Option<Driver>,
}

/// Chooses how to answer the search words. The rarest word is gathered when it matches fewer
/// than [`GATHER_UP_TO`] customers (an e-mail, a phone, a rare name, a typo). When every word
/// is common ("gar", "ana gar"), the sparsest of their prefix lists is walked instead, the
/// others joined; only lists in id order can walk, so a list in another order gathers its
/// first word. Common words of one or two letters are only probed (a page is found within a
/// few hundred customers).
pub(super) async fn search_plan(
    conn: &mut Conn,
    ws: WorkspaceId,
    words: &[String],
    by_id: bool,
) -> Result<SearchPlan, StoreError> {
    if words.is_empty() {
        return Ok(SearchPlan { driver: None });
    }
    // Every word is counted, short ones too: one that matches almost nobody ("zz") is then
    // gathered rather than probed on every customer (6.5 s at 1M when it matched none).
    let all: Vec<&str> = words.iter().map(String::as_str).collect();
    let counts = counts_up_to(conn, ws, &all).await?;
    let mut rarest: Option<(usize, u64)> = None;
    for (i, n) in counts.into_iter().enumerate() {
        if rarest.is_none_or(|(_, m)| n < m) {
            rarest = Some((i, n));
        }
    }
    if let Some((i, _)) = rarest.filter(|(_, n)| *n < GATHER_UP_TO) {
        return Ok(SearchPlan {
            driver: Some(Driver::Gather(i)),
        });
    }
    let Some(first) = (0..words.len()).find(|i| words[*i].len() > BROAD) else {
        // Only short, common words: probed along the list's order.
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
pub(super) fn term_prefix(q: &mut SelectStatement, word: &str) {
    q.and_where(Expr::col((CustomerSearch::Table, CustomerSearch::Term)).gte(word))
        .and_where(
            Expr::col((CustomerSearch::Table, CustomerSearch::Term)).lt(format!("{word}\x7f")),
        );
}
