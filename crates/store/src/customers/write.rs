//! Writing a customer: the row, then its identity keys, tags, addresses, organisation links
//! and search terms, each in its own table. A change rewrites the child rows whole (they are
//! a handful per customer), inside the caller's transaction.
use super::{
    Affiliations, CustomerAddresses, CustomerSearch, CustomerTags, Customers, IdentityKeys,
};
use crate::{Conn, StoreError};
use sea_query::{Expr, Query, SimpleExpr};
use time::OffsetDateTime;
use vinculo_domain::customers::Customer;
use vinculo_domain::ids::{CustomerId, WorkspaceId};

fn values(c: &Customer) -> Vec<(Customers, SimpleExpr)> {
    vec![
        (Customers::Kind, c.kind.as_str().into()),
        (Customers::DisplayName, c.display_name.clone().into()),
        (Customers::GivenName, c.given_name.clone().into()),
        (Customers::FamilyName, c.family_name.clone().into()),
        (Customers::Language, c.language.clone().into()),
        (Customers::Timezone, c.timezone.clone().into()),
        (Customers::Birthday, c.birthday.into()),
        (Customers::TaxId, c.tax_id.clone().into()),
        (Customers::Industry, c.industry.clone().into()),
        (Customers::Size, c.size.clone().into()),
        (Customers::LifecycleStage, c.lifecycle_stage.clone().into()),
        (Customers::Owner, c.owner.map(|o| o.to_string()).into()),
        (Customers::Notes, c.notes.clone().into()),
    ]
}

/// Inserts a new customer with everything that hangs from it.
pub async fn insert(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    c: &Customer,
    terms: &[String],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let (mut cols, mut vals): (Vec<Customers>, Vec<SimpleExpr>) = values(c).into_iter().unzip();
    cols.extend([
        Customers::Id,
        Customers::WorkspaceId,
        Customers::CreatedAt,
        Customers::UpdatedAt,
    ]);
    vals.extend([id.uuid().into(), ws.uuid().into(), at.into(), at.into()]);
    let stmt = Query::insert()
        .into_table(Customers::Table)
        .columns(cols)
        .values_panic(vals)
        .to_owned();
    conn.execute(&stmt).await?;
    write_children(conn, ws, id, c).await?;
    write_terms(conn, ws, id, terms).await
}

/// Replaces a customer's fields and child rows (the caller merged what to keep). The kind
/// never changes: a person stays a person.
pub async fn replace(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    c: &Customer,
    terms: &[String],
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let mut values = values(c);
    values.push((Customers::UpdatedAt, at.into()));
    let stmt = Query::update()
        .table(Customers::Table)
        .values(values)
        .and_where(Expr::col(Customers::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Customers::Id).eq(id.uuid()))
        .and_where(Expr::col(Customers::Kind).eq(c.kind.as_str()))
        .to_owned();
    if conn.execute(&stmt).await? == 0 {
        return Ok(false);
    }
    clear_children(conn, ws, id).await?;
    write_children(conn, ws, id, c).await?;
    clear_terms(conn, ws, id).await?;
    write_terms(conn, ws, id, terms).await?;
    Ok(true)
}

/// Rewrites only the search terms (an organisation's people after it is renamed).
pub async fn replace_terms(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    terms: &[String],
) -> Result<(), StoreError> {
    clear_terms(conn, ws, id).await?;
    write_terms(conn, ws, id, terms).await
}

async fn write_terms(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    terms: &[String],
) -> Result<(), StoreError> {
    if terms.is_empty() {
        return Ok(());
    }
    let mut stmt = Query::insert()
        .into_table(CustomerSearch::Table)
        .columns([
            CustomerSearch::WorkspaceId,
            CustomerSearch::CustomerId,
            CustomerSearch::Term,
        ])
        .to_owned();
    for t in terms {
        stmt.values_panic([ws.uuid().into(), id.uuid().into(), t.clone().into()]);
    }
    conn.execute(&stmt).await.map(drop)
}

async fn clear_terms(conn: &mut Conn, ws: WorkspaceId, id: CustomerId) -> Result<(), StoreError> {
    use CustomerSearch as S;
    let stmt = delete_of((S::Table, S::WorkspaceId, S::CustomerId), ws, id);
    conn.execute(&stmt).await.map(drop)
}

/// `DELETE FROM table WHERE ws_col = ws AND id_col = id`, for the child tables.
fn delete_of<T: sea_query::Iden + 'static>(
    (table, ws_col, id_col): (T, T, T),
    ws: WorkspaceId,
    id: CustomerId,
) -> sea_query::DeleteStatement {
    Query::delete()
        .from_table(table)
        .and_where(Expr::col(ws_col).eq(ws.uuid()))
        .and_where(Expr::col(id_col).eq(id.uuid()))
        .to_owned()
}

/// Deletes the customer's keys, tags, addresses and own organisation links.
pub(super) async fn clear_children(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<(), StoreError> {
    use Affiliations as A;
    use CustomerAddresses as Ad;
    use CustomerTags as T;
    use IdentityKeys as K;
    conn.execute(&delete_of(
        (K::Table, K::WorkspaceId, K::CustomerId),
        ws,
        id,
    ))
    .await?;
    conn.execute(&delete_of(
        (T::Table, T::WorkspaceId, T::CustomerId),
        ws,
        id,
    ))
    .await?;
    conn.execute(&delete_of(
        (Ad::Table, Ad::WorkspaceId, Ad::CustomerId),
        ws,
        id,
    ))
    .await?;
    conn.execute(&delete_of((A::Table, A::WorkspaceId, A::PersonId), ws, id))
        .await
        .map(drop)
}

async fn write_children(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    c: &Customer,
) -> Result<(), StoreError> {
    let (w, me) = (ws.uuid(), id.uuid());
    if !c.keys.is_empty() {
        let mut stmt = Query::insert()
            .into_table(IdentityKeys::Table)
            .columns([
                IdentityKeys::WorkspaceId,
                IdentityKeys::CustomerId,
                IdentityKeys::Kind,
                IdentityKeys::Value,
                IdentityKeys::Display,
                IdentityKeys::Label,
                IdentityKeys::IsPrimary,
                IdentityKeys::Position,
            ])
            .to_owned();
        for (i, k) in c.keys.iter().enumerate() {
            stmt.values_panic([
                w.into(),
                me.into(),
                k.key.kind.as_str().into(),
                k.key.value.clone().into(),
                k.key.display.clone().into(),
                k.label.clone().into(),
                k.primary.into(),
                (i as i64).into(),
            ]);
        }
        conn.execute(&stmt).await?;
    }
    if !c.tags.is_empty() {
        let mut stmt = Query::insert()
            .into_table(CustomerTags::Table)
            .columns([
                CustomerTags::WorkspaceId,
                CustomerTags::CustomerId,
                CustomerTags::Tag,
                CustomerTags::Position,
            ])
            .to_owned();
        for (i, t) in c.tags.iter().enumerate() {
            stmt.values_panic([w.into(), me.into(), t.clone().into(), (i as i64).into()]);
        }
        conn.execute(&stmt).await?;
    }
    if !c.addresses.is_empty() {
        let mut stmt = Query::insert()
            .into_table(CustomerAddresses::Table)
            .columns([
                CustomerAddresses::WorkspaceId,
                CustomerAddresses::CustomerId,
                CustomerAddresses::Position,
                CustomerAddresses::Label,
                CustomerAddresses::Street,
                CustomerAddresses::City,
                CustomerAddresses::Region,
                CustomerAddresses::PostalCode,
                CustomerAddresses::Country,
                CustomerAddresses::IsPrimary,
            ])
            .to_owned();
        for (i, a) in c.addresses.iter().enumerate() {
            stmt.values_panic([
                w.into(),
                me.into(),
                (i as i64).into(),
                a.label.clone().into(),
                a.street.clone().into(),
                a.city.clone().into(),
                a.region.clone().into(),
                a.postal_code.clone().into(),
                a.country.clone().into(),
                a.primary.into(),
            ]);
        }
        conn.execute(&stmt).await?;
    }
    if !c.affiliations.is_empty() {
        let mut stmt = Query::insert()
            .into_table(Affiliations::Table)
            .columns([
                Affiliations::WorkspaceId,
                Affiliations::PersonId,
                Affiliations::OrganizationId,
                Affiliations::Title,
                Affiliations::Position,
            ])
            .to_owned();
        for (i, a) in c.affiliations.iter().enumerate() {
            stmt.values_panic([
                w.into(),
                me.into(),
                a.organization.uuid().into(),
                a.title.clone().into(),
                (i as i64).into(),
            ]);
        }
        conn.execute(&stmt).await?;
    }
    Ok(())
}
