//! Telephony: which members answer on an extension or a queue, and the calls in progress
//! (one row per call from `ringing` until it is logged at `ended`).
use crate::interactions::time_value;
use crate::teams::{TeamMembers, Teams};
use crate::users::Memberships;
use crate::{Conn, StoreError};
use sea_query::{Expr, Func, Iden, OnConflict, Query};
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::ids::{CustomerId, UserId, WorkspaceId};

#[derive(Iden, Clone, Copy)]
enum Calls {
    Table,
    WorkspaceId,
    Source,
    CallId,
    Direction,
    Number,
    Phone,
    Called,
    Extension,
    Queue,
    CustomerId,
    State,
    RingingAt,
    AnsweredAt,
    AnsweredBy,
}

/// Sets (or, with `None`, clears) the extension a member answers on.
pub async fn set_extension(
    conn: &mut Conn,
    ws: WorkspaceId,
    user: UserId,
    extension: Option<&str>,
) -> Result<bool, StoreError> {
    let stmt = Query::update()
        .table(Memberships::Table)
        .value(Memberships::Extension, extension)
        .and_where(Expr::col(Memberships::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Memberships::UserId).eq(user.uuid()))
        .to_owned();
    Ok(conn.execute(&stmt).await? > 0)
}

/// The active members answering on `extension`, and those of the team named `queue` (its
/// name in any case): whom a call's screen pop goes to.
pub async fn agents(
    conn: &mut Conn,
    ws: WorkspaceId,
    extension: Option<&str>,
    queue: Option<&str>,
) -> Result<Vec<UserId>, StoreError> {
    let mut out: Vec<UserId> = Vec::new();
    if let Some(ext) = extension {
        let stmt = Query::select()
            .column(Memberships::UserId)
            .from(Memberships::Table)
            .and_where(Expr::col(Memberships::WorkspaceId).eq(ws.uuid()))
            .and_where(Expr::col(Memberships::Extension).eq(ext))
            .and_where(Expr::col(Memberships::Disabled).eq(false))
            .to_owned();
        let rows: Vec<(Uuid,)> = conn.fetch_all(&stmt).await?;
        out.extend(rows.into_iter().map(|(u,)| UserId(u)));
    }
    if let Some(queue) = queue {
        let stmt = Query::select()
            .column((TeamMembers::Table, TeamMembers::UserId))
            .from(TeamMembers::Table)
            .inner_join(
                Teams::Table,
                Expr::col((Teams::Table, Teams::Id))
                    .equals((TeamMembers::Table, TeamMembers::TeamId)),
            )
            .inner_join(
                Memberships::Table,
                Expr::col((Memberships::Table, Memberships::UserId))
                    .equals((TeamMembers::Table, TeamMembers::UserId))
                    .and(
                        Expr::col((Memberships::Table, Memberships::WorkspaceId))
                            .equals((Teams::Table, Teams::WorkspaceId)),
                    ),
            )
            .and_where(Expr::col((Teams::Table, Teams::WorkspaceId)).eq(ws.uuid()))
            .and_where(
                Expr::expr(Func::lower(Expr::col((Teams::Table, Teams::Name))))
                    .eq(queue.to_lowercase()),
            )
            .and_where(Expr::col((Memberships::Table, Memberships::Disabled)).eq(false))
            .to_owned();
        let rows: Vec<(Uuid,)> = conn.fetch_all(&stmt).await?;
        out.extend(rows.into_iter().map(|(u,)| UserId(u)));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// A call between its `ringing` and its `ended`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub source: String,
    pub call_id: String,
    pub direction: String,
    /// The customer's number as the telephony system sent it.
    pub number: String,
    /// The same as E.164, when it parsed.
    pub phone: Option<String>,
    pub called: Option<String>,
    pub extension: Option<String>,
    pub queue: Option<String>,
    pub customer_id: Option<CustomerId>,
    pub state: String,
    pub ringing_at: OffsetDateTime,
    pub answered_at: Option<OffsetDateTime>,
    pub answered_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CallRow {
    source: String,
    call_id: String,
    direction: String,
    number: String,
    phone: Option<String>,
    called: Option<String>,
    extension: Option<String>,
    queue: Option<String>,
    customer_id: Option<Uuid>,
    state: String,
    ringing_at: OffsetDateTime,
    answered_at: Option<OffsetDateTime>,
    answered_by: Option<String>,
}

impl From<CallRow> for Call {
    fn from(r: CallRow) -> Call {
        Call {
            source: r.source,
            call_id: r.call_id,
            direction: r.direction,
            number: r.number,
            phone: r.phone,
            called: r.called,
            extension: r.extension,
            queue: r.queue,
            customer_id: r.customer_id.map(CustomerId),
            state: r.state,
            ringing_at: r.ringing_at,
            answered_at: r.answered_at,
            answered_by: r.answered_by,
        }
    }
}

const COLUMNS: [Calls; 13] = [
    Calls::Source,
    Calls::CallId,
    Calls::Direction,
    Calls::Number,
    Calls::Phone,
    Calls::Called,
    Calls::Extension,
    Calls::Queue,
    Calls::CustomerId,
    Calls::State,
    Calls::RingingAt,
    Calls::AnsweredAt,
    Calls::AnsweredBy,
];

/// Records a call (at its first `ringing`, or at an `answered` whose `ringing` never came).
/// A call already recorded is kept as it is: a queue rings its agents one `ringing` each,
/// and the call began at the first.
pub async fn insert(conn: &mut Conn, ws: WorkspaceId, call: &Call) -> Result<(), StoreError> {
    let backend = conn.backend();
    let stmt = Query::insert()
        .into_table(Calls::Table)
        .columns(std::iter::once(Calls::WorkspaceId).chain(COLUMNS))
        .values_panic([
            ws.uuid().into(),
            call.source.as_str().into(),
            call.call_id.as_str().into(),
            call.direction.as_str().into(),
            call.number.as_str().into(),
            call.phone.clone().into(),
            call.called.clone().into(),
            call.extension.clone().into(),
            call.queue.clone().into(),
            call.customer_id.map(|c| c.uuid()).into(),
            call.state.as_str().into(),
            time_value(backend, call.ringing_at),
            match call.answered_at {
                Some(t) => time_value(backend, t),
                None => Option::<OffsetDateTime>::None.into(),
            },
            call.answered_by.clone().into(),
        ])
        .on_conflict(
            OnConflict::columns([Calls::WorkspaceId, Calls::Source, Calls::CallId])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Marks a recorded call answered (the first answer counts); whether it was recorded.
pub async fn answered(
    conn: &mut Conn,
    ws: WorkspaceId,
    (source, call_id): (&str, &str),
    at: OffsetDateTime,
    by: Option<&str>,
) -> Result<bool, StoreError> {
    let backend = conn.backend();
    let stmt = Query::update()
        .table(Calls::Table)
        .value(Calls::State, "answered")
        .value(Calls::AnsweredAt, time_value(backend, at))
        .value(Calls::AnsweredBy, by)
        .and_where(Expr::col(Calls::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Calls::Source).eq(source))
        .and_where(Expr::col(Calls::CallId).eq(call_id))
        .and_where(Expr::col(Calls::AnsweredAt).is_null())
        .to_owned();
    conn.execute(&stmt).await?;
    Ok(get(conn, ws, (source, call_id)).await?.is_some())
}

/// A recorded call.
pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    (source, call_id): (&str, &str),
) -> Result<Option<Call>, StoreError> {
    let stmt = Query::select()
        .columns(COLUMNS)
        .from(Calls::Table)
        .and_where(Expr::col(Calls::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Calls::Source).eq(source))
        .and_where(Expr::col(Calls::CallId).eq(call_id))
        .to_owned();
    Ok(conn
        .fetch_optional::<CallRow, _>(&stmt)
        .await?
        .map(Call::from))
}

/// Forgets a call (it is logged, or it was never going to end).
pub async fn delete(
    conn: &mut Conn,
    ws: WorkspaceId,
    (source, call_id): (&str, &str),
) -> Result<(), StoreError> {
    let stmt = Query::delete()
        .from_table(Calls::Table)
        .and_where(Expr::col(Calls::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Calls::Source).eq(source))
        .and_where(Expr::col(Calls::CallId).eq(call_id))
        .to_owned();
    conn.execute(&stmt).await.map(drop)
}

/// Forgets calls that rang before `before` and never ended (their `ended` was lost): they
/// hold a caller's number, which is kept no longer than a call can last.
pub async fn prune(
    conn: &mut Conn,
    ws: WorkspaceId,
    before: OffsetDateTime,
) -> Result<u64, StoreError> {
    let backend = conn.backend();
    let stmt = Query::delete()
        .from_table(Calls::Table)
        .and_where(Expr::col(Calls::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Calls::RingingAt).lt(time_value(backend, before)))
        .to_owned();
    conn.execute(&stmt).await
}
