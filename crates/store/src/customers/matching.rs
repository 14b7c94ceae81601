//! What the duplicate finder reads of a workspace's people (names, birthday, e-mail and phone
//! keys, postcodes and streets, organisation names) and the suggestions it writes. People
//! are read a page at a time in id order, with one query per child table over the page's id
//! range (ids are UUIDv7 and every child table is indexed by customer id), so a million
//! people take a few hundred queries rather than millions.
use super::{Affiliations, CustomerAddresses, Customers, IdentityKeys};
use crate::{Conn, StoreError};
use sea_query::{Expr, Order, Query};
use std::collections::HashMap;
use time::Date;
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::customers::Kind;
use vinculo_domain::identity::matching::MatchFields;
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::{CustomerId, WorkspaceId};

/// Up to `limit` people (archived ones left out) after `after` in id order, with the fields
/// the matcher compares. An empty page is the end.
pub async fn match_fields(
    conn: &mut Conn,
    ws: WorkspaceId,
    after: Option<CustomerId>,
    limit: u64,
) -> Result<Vec<(CustomerId, MatchFields)>, StoreError> {
    use Customers as C;
    let mut people = Query::select()
        .columns([
            C::Id,
            C::GivenName,
            C::FamilyName,
            C::DisplayName,
            C::Birthday,
        ])
        .from(C::Table)
        .and_where(Expr::col(C::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(C::Kind).eq(Kind::Person.as_str()))
        .and_where(Expr::col(C::ArchivedAt).is_null())
        .order_by(C::Id, Order::Asc)
        .limit(limit)
        .to_owned();
    if let Some(a) = after {
        people.and_where(Expr::col(C::Id).gt(a.uuid()));
    }
    type PersonRow = (Uuid, Option<String>, Option<String>, String, Option<Date>);
    let rows: Vec<PersonRow> = conn.fetch_all(&people).await?;
    let (Some(first), Some(last)) = (rows.first().map(|r| r.0), rows.last().map(|r| r.0)) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(CustomerId, MatchFields)> = Vec::with_capacity(rows.len());
    let mut at: HashMap<Uuid, usize> = HashMap::with_capacity(rows.len());
    for (id, given, family, display, birthday) in rows {
        at.insert(id, out.len());
        out.push((
            CustomerId(id),
            MatchFields {
                given_name: given,
                family_name: family,
                display_name: display,
                birthday,
                ..MatchFields::default()
            },
        ));
    }

    // Rows of organisations in the same id range come back too; `at` leaves them out.
    let keys = Query::select()
        .columns([
            IdentityKeys::CustomerId,
            IdentityKeys::Kind,
            IdentityKeys::Value,
        ])
        .from(IdentityKeys::Table)
        .and_where(Expr::col(IdentityKeys::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(IdentityKeys::CustomerId).between(first, last))
        .and_where(
            Expr::col(IdentityKeys::Kind).is_in([KeyKind::Email.as_str(), KeyKind::Phone.as_str()]),
        )
        .order_by(IdentityKeys::CustomerId, Order::Asc)
        .order_by(IdentityKeys::Position, Order::Asc)
        .to_owned();
    let key_rows: Vec<(Uuid, String, String)> = conn.fetch_all(&keys).await?;
    for (id, kind, value) in key_rows {
        if let Some(&i) = at.get(&id) {
            match KeyKind::parse(&kind) {
                Some(KeyKind::Email) => out[i].1.emails.push(value),
                Some(KeyKind::Phone) => out[i].1.phones.push(value),
                _ => {}
            }
        }
    }

    use CustomerAddresses as Ad;
    let addresses = Query::select()
        .columns([Ad::CustomerId, Ad::PostalCode, Ad::Street])
        .from(Ad::Table)
        .and_where(Expr::col(Ad::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Ad::CustomerId).between(first, last))
        .order_by(Ad::CustomerId, Order::Asc)
        .order_by(Ad::Position, Order::Asc)
        .to_owned();
    let address_rows: Vec<(Uuid, Option<String>, Option<String>)> =
        conn.fetch_all(&addresses).await?;
    for (id, postcode, street) in address_rows {
        if let Some(&i) = at.get(&id) {
            out[i].1.addresses.push((postcode, street));
        }
    }

    use Affiliations as A;
    let links = Query::select()
        .column((A::Table, A::PersonId))
        .column((Customers::Table, Customers::DisplayName))
        .from(A::Table)
        .inner_join(
            Customers::Table,
            Expr::col((Customers::Table, Customers::Id)).equals((A::Table, A::OrganizationId)),
        )
        .and_where(Expr::col((A::Table, A::WorkspaceId)).eq(ws.uuid()))
        .and_where(Expr::col((A::Table, A::PersonId)).between(first, last))
        .order_by((A::Table, A::PersonId), Order::Asc)
        .order_by((A::Table, A::Position), Order::Asc)
        .to_owned();
    let link_rows: Vec<(Uuid, String)> = conn.fetch_all(&links).await?;
    for (id, name) in link_rows {
        if let Some(&i) = at.get(&id) {
            out[i].1.organisations.push(name);
        }
    }
    Ok(out)
}

/// A pair the duplicate finder scored: `pair.0` < `pair.1`.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredPair {
    pub pair: (CustomerId, CustomerId),
    /// The probability that the two are one person.
    pub score: f64,
    pub evidence: serde_json::Value,
}

/// Raises `duplicate_score` suggestions and returns how many are new. A pair already
/// suggested (for any reason, open, merged or dismissed) is left as it is: a person who
/// dismissed it has decided.
pub async fn suggest_duplicates(
    conn: &mut Conn,
    ws: WorkspaceId,
    pairs: &[ScoredPair],
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    let rows: Vec<_> = pairs
        .iter()
        .map(|p| (p.pair, p.evidence.clone(), Some(p.score)))
        .collect();
    crate::interactions::insert_suggestions(conn, ws, "duplicate_score", &rows, at).await
}
