//! Listing customers: filters (kind, organisation, stage, owner, tag, archived) and the search
//! box's words, newest first, a page at a time.
use super::{
    hydrate, select, Affiliations, CustomerFilter, CustomerRecord, CustomerRow, CustomerSearch,
    CustomerTags, Customers,
};
use crate::page::{Cursor, Page};
use crate::{Conn, StoreError};
use sea_query::{Expr, Order, Query, SelectStatement};
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
    if let Some(c) = before {
        stmt.and_where(Expr::col((Customers::Table, Customers::Id)).lt(c.0));
    }
    stmt.order_by((Customers::Table, Customers::Id), Order::Desc)
        .limit(limit + 1);
    let rows = conn.fetch_all::<CustomerRow, _>(&stmt).await?;
    let records = hydrate(conn, ws, rows).await?;
    Ok(Page::from_overfetch(records, limit, |c| c.id.uuid()))
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
