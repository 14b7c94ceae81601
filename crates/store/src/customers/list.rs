//! Listing customers: filters (kind, organisation, stage, owner, tag, archived, creation and
//! change dates, current consent) and the search box's words, newest or oldest first, a page
//! at a time.
use super::{
    hydrate, select, Affiliations, CustomerFilter, CustomerRecord, CustomerRow, CustomerSearch,
    CustomerTags, Customers,
};
use crate::page::{Cursor, Page};
use crate::{Conn, StoreError};
use sea_query::{Alias, Expr, Order, Query, SelectStatement, SimpleExpr};
use vinculo_domain::ids::WorkspaceId;

/// Customers newest first, `limit` at a time.
pub async fn list(
    conn: &mut Conn,
    ws: WorkspaceId,
    f: &CustomerFilter,
    before: Option<Cursor>,
    limit: u64,
) -> Result<Page<CustomerRecord>, StoreError> {
    let mut stmt = select()
        .and_where(Expr::col((Customers::Table, Customers::WorkspaceId)).eq(ws.uuid()))
        .to_owned();
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
    // A word's matching customers are gathered by id from the term index. A word of one or
    // two letters matches a good part of the workspace: it is instead probed per customer
    // while they are walked newest first, so a page is found within a few hundred rows rather
    // than after gathering and sorting most of the workspace.
    for word in &f.search {
        let mut matching = Query::select()
            .column((CustomerSearch::Table, CustomerSearch::CustomerId))
            .from(CustomerSearch::Table)
            .and_where(
                Expr::col((CustomerSearch::Table, CustomerSearch::WorkspaceId)).eq(ws.uuid()),
            )
            .to_owned();
        term_prefix(&mut matching, word);
        if word.len() > BROAD {
            stmt.and_where(Expr::col((Customers::Table, Customers::Id)).in_subquery(matching));
        } else {
            matching.and_where(
                Expr::col((CustomerSearch::Table, CustomerSearch::CustomerId))
                    .equals((Customers::Table, Customers::Id)),
            );
            stmt.and_where(Expr::exists(matching));
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
    let id = Expr::col((Customers::Table, Customers::Id));
    match (before, f.oldest_first) {
        (Some(c), false) => stmt.and_where(id.lt(c.0)),
        (Some(c), true) => stmt.and_where(id.gt(c.0)),
        (None, _) => &mut stmt,
    };
    let order = if f.oldest_first {
        Order::Asc
    } else {
        Order::Desc
    };
    stmt.order_by((Customers::Table, Customers::Id), order)
        .limit(limit + 1);
    let rows = conn.fetch_all::<CustomerRow, _>(&stmt).await?;
    let records = hydrate(conn, ws, rows).await?;
    Ok(Page::from_overfetch(records, limit, |c| c.id.uuid()))
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

/// Words this short match a good part of any workspace (see `list`).
const BROAD: usize = 2;

/// Prefix match as a range: terms are ASCII, and '\x7f' sorts after every ASCII character,
/// so [word, word + '\x7f') holds exactly the terms that start with word.
fn term_prefix(q: &mut SelectStatement, word: &str) {
    q.and_where(Expr::col((CustomerSearch::Table, CustomerSearch::Term)).gte(word))
        .and_where(
            Expr::col((CustomerSearch::Table, CustomerSearch::Term)).lt(format!("{word}\x7f")),
        );
}
