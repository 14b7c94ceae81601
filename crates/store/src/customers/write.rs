//! Writing customers: the rows, then their identity keys, tags, addresses, organisation links
//! and search terms, each in its own table. New customers are written many at a time with
//! multi-row INSERTs (an import writes thousands per statement); a change rewrites one
//! customer's child rows whole (a handful), inside the caller's transaction.
use super::custom::CustomerFieldValues;
use super::{
    Affiliations, CustomerAddresses, CustomerPrefixes, CustomerSearch, CustomerTags, Customers,
    IdentityKeys,
};
use crate::{Conn, StoreError};
use sea_query::{Expr, Iden, Query, SimpleExpr};
use time::OffsetDateTime;
use vinculo_domain::customers::search::fold;
use vinculo_domain::customers::Customer;
use vinculo_domain::ids::{CustomerId, WorkspaceId};

fn values(c: &Customer) -> Vec<(Customers, SimpleExpr)> {
    vec![
        (Customers::Kind, c.kind.as_str().into()),
        (Customers::DisplayName, c.display_name.clone().into()),
        (Customers::SortName, fold(&c.display_name).into()),
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

/// A new customer to write.
pub struct NewCustomer<'a> {
    pub id: CustomerId,
    pub customer: &'a Customer,
    pub terms: &'a [String],
}

/// Rows per INSERT: full chunks share one SQL text, so the backend prepares it once and
/// reuses it (the driver caches prepared statements by text); a huge statement would be
/// parsed afresh for every batch. Kept under SQLite's 32,766 bound parameters.
const ROWS_PER_INSERT: usize = 128;

/// `INSERT INTO table (cols) VALUES …` for `rows`, as few statements as the limit allows.
async fn insert_rows<T: Iden + Clone + 'static>(
    conn: &mut Conn,
    table: T,
    cols: Vec<T>,
    rows: Vec<Vec<SimpleExpr>>,
) -> Result<(), StoreError> {
    let per_statement = ROWS_PER_INSERT;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut stmt = Query::insert()
            .into_table(table.clone())
            .columns(cols.clone())
            .to_owned();
        for row in rows.by_ref().take(per_statement) {
            stmt.values_panic(row);
        }
        conn.execute(&stmt).await?;
    }
    Ok(())
}

/// Inserts one new customer with everything that hangs from it.
pub async fn insert(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
    c: &Customer,
    terms: &[String],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let one = NewCustomer {
        id,
        customer: c,
        terms,
    };
    insert_many(conn, ws, &[one], at).await
}

/// Inserts new customers (none of whose keys may be taken) in a few statements per table.
pub async fn insert_many(
    conn: &mut Conn,
    ws: WorkspaceId,
    new: &[NewCustomer<'_>],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let Some(first) = new.first() else {
        return Ok(());
    };
    let mut cols: Vec<Customers> = values(first.customer).into_iter().map(|(c, _)| c).collect();
    cols.extend([
        Customers::Id,
        Customers::WorkspaceId,
        Customers::CreatedAt,
        Customers::UpdatedAt,
    ]);
    let rows = new
        .iter()
        .map(|n| {
            let mut row: Vec<SimpleExpr> = values(n.customer).into_iter().map(|(_, v)| v).collect();
            row.extend([n.id.uuid().into(), ws.uuid().into(), at.into(), at.into()]);
            row
        })
        .collect();
    insert_rows(conn, Customers::Table, cols, rows).await?;
    let pairs: Vec<(CustomerId, &Customer)> = new.iter().map(|n| (n.id, n.customer)).collect();
    write_children(conn, ws, &pairs).await?;
    let terms: Vec<(CustomerId, &[String])> = new.iter().map(|n| (n.id, n.terms)).collect();
    write_terms(conn, ws, &terms).await
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
    clear_values(conn, ws, id).await?;
    write_children(conn, ws, &[(id, c)]).await?;
    clear_terms(conn, ws, id).await?;
    write_terms(conn, ws, &[(id, terms)]).await?;
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
    write_terms(conn, ws, &[(id, terms)]).await
}

async fn write_terms(
    conn: &mut Conn,
    ws: WorkspaceId,
    terms: &[(CustomerId, &[String])],
) -> Result<(), StoreError> {
    use CustomerSearch as S;
    let rows = terms
        .iter()
        .flat_map(|(id, ts)| {
            ts.iter()
                .map(move |t| vec![ws.uuid().into(), id.uuid().into(), t.clone().into()])
        })
        .collect();
    insert_rows(
        conn,
        S::Table,
        vec![S::WorkspaceId, S::CustomerId, S::Term],
        rows,
    )
    .await?;
    use CustomerPrefixes as P;
    let rows = terms
        .iter()
        .flat_map(|(id, ts)| {
            super::prefixes(ts)
                .into_iter()
                .map(move |p| vec![ws.uuid().into(), p.to_owned().into(), id.uuid().into()])
        })
        .collect();
    insert_rows(
        conn,
        P::Table,
        vec![P::WorkspaceId, P::Prefix, P::CustomerId],
        rows,
    )
    .await
}

async fn clear_terms(conn: &mut Conn, ws: WorkspaceId, id: CustomerId) -> Result<(), StoreError> {
    use CustomerPrefixes as P;
    use CustomerSearch as S;
    let stmt = delete_of((S::Table, S::WorkspaceId, S::CustomerId), ws, id);
    conn.execute(&stmt).await?;
    let stmt = delete_of((P::Table, P::WorkspaceId, P::CustomerId), ws, id);
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

/// Deletes the customer's custom field values (rewritten whole with the other child rows).
pub(super) async fn clear_values(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: CustomerId,
) -> Result<(), StoreError> {
    use CustomerFieldValues as V;
    let stmt = delete_of((V::Table, V::WorkspaceId, V::CustomerId), ws, id);
    conn.execute(&stmt).await.map(drop)
}

async fn write_children(
    conn: &mut Conn,
    ws: WorkspaceId,
    customers: &[(CustomerId, &Customer)],
) -> Result<(), StoreError> {
    let w = ws.uuid();
    let mut keys = Vec::new();
    let mut tags = Vec::new();
    let mut addresses = Vec::new();
    let mut links = Vec::new();
    let mut custom = Vec::new();
    for (id, c) in customers {
        let me = id.uuid();
        for v in &c.custom {
            custom.push(vec![
                w.into(),
                me.into(),
                v.field.into(),
                v.value.to_string().into(),
                v.index.folded.clone().into(),
                v.index.number.into(),
            ]);
        }
        for (i, k) in c.keys.iter().enumerate() {
            keys.push(vec![
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
        for (i, t) in c.tags.iter().enumerate() {
            tags.push(vec![
                w.into(),
                me.into(),
                t.clone().into(),
                (i as i64).into(),
            ]);
        }
        for (i, a) in c.addresses.iter().enumerate() {
            addresses.push(vec![
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
        for (i, a) in c.affiliations.iter().enumerate() {
            links.push(vec![
                w.into(),
                me.into(),
                a.organization.uuid().into(),
                a.title.clone().into(),
                (i as i64).into(),
            ]);
        }
    }
    use IdentityKeys as K;
    let key_cols = vec![
        K::WorkspaceId,
        K::CustomerId,
        K::Kind,
        K::Value,
        K::Display,
        K::Label,
        K::IsPrimary,
        K::Position,
    ];
    insert_rows(conn, K::Table, key_cols, keys).await?;
    use CustomerTags as T;
    let tag_cols = vec![T::WorkspaceId, T::CustomerId, T::Tag, T::Position];
    insert_rows(conn, T::Table, tag_cols, tags).await?;
    use CustomerAddresses as Ad;
    let address_cols = vec![
        Ad::WorkspaceId,
        Ad::CustomerId,
        Ad::Position,
        Ad::Label,
        Ad::Street,
        Ad::City,
        Ad::Region,
        Ad::PostalCode,
        Ad::Country,
        Ad::IsPrimary,
    ];
    insert_rows(conn, Ad::Table, address_cols, addresses).await?;
    use Affiliations as A;
    let link_cols = vec![
        A::WorkspaceId,
        A::PersonId,
        A::OrganizationId,
        A::Title,
        A::Position,
    ];
    insert_rows(conn, A::Table, link_cols, links).await?;
    use CustomerFieldValues as V;
    let value_cols = vec![
        V::WorkspaceId,
        V::CustomerId,
        V::FieldId,
        V::Value,
        V::Folded,
        V::Number,
    ];
    insert_rows(conn, V::Table, value_cols, custom).await
}
