//! What a customer spent: the sum of their `purchase` interactions' `attributes.total_cents`
//! (integer minor units) since a time, in one currency. It reads the customer's range of the
//! timeline index `(workspace_id, customer_id, occurred_at, id)` from that time on, as the
//! 360 view's channel counts read the whole of it: no index of its own on the largest table.
use super::{time_value, Interactions};
use crate::{Backend, Conn, StoreError};
use sea_query::{Alias, Expr, Func, Query, SimpleExpr};
use time::OffsetDateTime;
use vinculo_domain::ids::{CustomerId, WorkspaceId};
use vinculo_domain::interactions::InteractionType;

/// The customer's purchases since `since`, in minor units of `currency`.
///
/// Attributes are whatever the sender wrote, so a purchase counts only when its `total_cents`
/// is a JSON integer, and its `currency` is `currency` (any case) or absent (then it is taken
/// to be the workspace's). A total written as text or with decimals is left out rather than
/// guessed at.
///
/// The sum is a double on both backends: it is exact for any total below 2^53 minor units
/// (90 trillion euros), and an absurd total written by a faulty sender cannot overflow the
/// query (SQLite's integer SUM raises an error on overflow; PostgreSQL's bigint SUM is
/// numeric, which sqlx would need another crate to read).
pub async fn purchases_total(
    conn: &mut Conn,
    ws: WorkspaceId,
    customer: CustomerId,
    since: OffsetDateTime,
    currency: &str,
) -> Result<i64, StoreError> {
    let backend = conn.backend();
    // The JSON operators differ: SQLite's json_type/json_extract on the TEXT column,
    // PostgreSQL's jsonb_typeof and ->> on JSONB (its ->> gives text: the integer check is a
    // pattern before the cast, so text such as "12.5" never reaches it).
    let (is_integer, amount, given_currency) = match backend {
        Backend::Sqlite => (
            Expr::cust("json_type(attributes, '$.total_cents') = 'integer'"),
            Expr::cust("json_extract(attributes, '$.total_cents')"),
            Expr::cust("json_extract(attributes, '$.currency')"),
        ),
        Backend::Postgres => (
            Expr::cust(
                "(jsonb_typeof(attributes->'total_cents') = 'number' \
                 AND (attributes->>'total_cents') ~ '^-?[0-9]{1,18}$')",
            ),
            Expr::cust("(attributes->>'total_cents')::double precision"),
            Expr::cust("(attributes->>'currency')"),
        ),
    };
    let same_currency = SimpleExpr::from(Func::upper(Func::coalesce([
        given_currency,
        Expr::val(currency).into(),
    ])))
    .eq(currency.to_ascii_uppercase());
    let counted = Expr::case(is_integer.and(same_currency), amount);
    let total: SimpleExpr = match backend {
        // TOTAL is SQLite's SUM that is always a REAL (0.0 over no rows).
        Backend::Sqlite => Func::cust(Alias::new("TOTAL")).arg(counted).into(),
        Backend::Postgres => {
            Func::coalesce([Func::sum(counted).into(), Expr::val(0.0_f64).into()]).into()
        }
    };
    let stmt = Query::select()
        .expr(total)
        .from(Interactions::Table)
        .and_where(Expr::col(Interactions::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Interactions::CustomerId).eq(customer.uuid()))
        .and_where(Expr::col(Interactions::OccurredAt).gte(time_value(backend, since)))
        .and_where(Expr::col(Interactions::Kind).eq(InteractionType::Purchase.as_str()))
        .to_owned();
    let (total,): (f64,) = conn.fetch_one(&stmt).await?;
    // `as` saturates: a sum past i64 (only bad data gets there) stays the largest spend.
    Ok(total.round() as i64)
}
