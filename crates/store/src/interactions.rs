//! Interactions: appended many at a time, found again by their source's event id (so a
//! retried delivery is recognised), read one by one, and listed as a customer's timeline,
//! newest first, with a cursor on (occurred_at, id). Merge suggestions raised at ingest. What
//! a customer spent is summed in `spend`.
use crate::page::{After, Cursor, Page};
use crate::{Backend, Conn, StoreError};
use sea_query::{Expr, Iden, OnConflict, Order, Query, SelectStatement, SimpleExpr};
use sqlx::types::Json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;
use vinculo_domain::ids::{CustomerId, InteractionId, SuggestionId, WorkspaceId};
use vinculo_domain::interactions::{Channel, Direction, Interaction, InteractionType, Links};

mod spend;
pub use spend::purchases_total;

#[derive(Iden, Clone, Copy)]
enum Interactions {
    Table,
    Id,
    WorkspaceId,
    CustomerId,
    Channel,
    Direction,
    Kind,
    OccurredAt,
    RecordedAt,
    Subject,
    Body,
    BodyHtml,
    Attributes,
    Agent,
    Links,
    Keys,
    RecordedBy,
    Source,
    SourceEventId,
}

#[derive(Iden, Clone, Copy)]
enum MergeSuggestions {
    Table,
    Id,
    WorkspaceId,
    CustomerA,
    CustomerB,
    Reason,
    Evidence,
    Status,
    CreatedAt,
    Score,
}

/// A time as both backends compare it. PostgreSQL has a timestamp type; SQLite keeps text,
/// which sorts as time only at a fixed width, so it gets exactly six fractional digits (the
/// driver's own RFC 3339 drops trailing zeros: "10:00:00Z" would sort after "10:00:00.5Z").
pub(crate) fn time_value(backend: Backend, t: OffsetDateTime) -> SimpleExpr {
    match backend {
        Backend::Postgres => t.into(),
        Backend::Sqlite => {
            let t = t.to_offset(time::UtcOffset::UTC);
            let micros = t.microsecond();
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{micros:06}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
            .into()
        }
    }
}

/// A new interaction, tied to its customer.
pub struct NewInteraction<'a> {
    pub id: InteractionId,
    pub customer: CustomerId,
    pub interaction: &'a Interaction,
    /// `user:<id>` or `token:<id>`.
    pub recorded_by: String,
}

/// A stored interaction.
#[derive(Clone, Debug, PartialEq)]
pub struct InteractionRecord {
    pub id: InteractionId,
    pub customer_id: CustomerId,
    pub channel: Channel,
    pub direction: Direction,
    pub kind: InteractionType,
    pub occurred_at: OffsetDateTime,
    pub recorded_at: OffsetDateTime,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub attributes: serde_json::Map<String, serde_json::Value>,
    pub agent: Option<String>,
    pub links: Links,
    /// The keys it was seen with, as `kind:value`.
    pub keys: Vec<String>,
    pub recorded_by: String,
    pub source: String,
    pub source_event_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    customer_id: Uuid,
    channel: String,
    direction: String,
    kind: String,
    occurred_at: OffsetDateTime,
    recorded_at: OffsetDateTime,
    subject: Option<String>,
    body: Option<String>,
    body_html: Option<String>,
    attributes: Json<serde_json::Map<String, serde_json::Value>>,
    agent: Option<String>,
    links: Json<Links>,
    keys: Json<Vec<String>>,
    recorded_by: String,
    source: String,
    source_event_id: Option<String>,
}

impl TryFrom<Row> for InteractionRecord {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("interaction {what} {v:?}"));
        Ok(InteractionRecord {
            id: InteractionId(r.id),
            customer_id: CustomerId(r.customer_id),
            channel: Channel::parse(&r.channel).ok_or_else(|| bad("channel", &r.channel))?,
            direction: Direction::parse(&r.direction)
                .ok_or_else(|| bad("direction", &r.direction))?,
            kind: InteractionType::parse(&r.kind).ok_or_else(|| bad("type", &r.kind))?,
            occurred_at: r.occurred_at,
            recorded_at: r.recorded_at,
            subject: r.subject,
            body: r.body,
            body_html: r.body_html,
            attributes: r.attributes.0,
            agent: r.agent,
            links: r.links.0,
            keys: r.keys.0,
            recorded_by: r.recorded_by,
            source: r.source,
            source_event_id: r.source_event_id,
        })
    }
}

const COLUMNS: [Interactions; 17] = [
    Interactions::Id,
    Interactions::CustomerId,
    Interactions::Channel,
    Interactions::Direction,
    Interactions::Kind,
    Interactions::OccurredAt,
    Interactions::RecordedAt,
    Interactions::Subject,
    Interactions::Body,
    Interactions::BodyHtml,
    Interactions::Attributes,
    Interactions::Agent,
    Interactions::Links,
    Interactions::Keys,
    Interactions::RecordedBy,
    Interactions::Source,
    Interactions::SourceEventId,
];

/// Rows per INSERT: one prepared text for full chunks, well under SQLite's bound-parameter
/// limit (18 columns).
const ROWS_PER_INSERT: usize = 64;

/// Appends interactions. A source event id already stored is skipped, not an error (two
/// deliveries racing past the caller's check): returns the ids that were written.
pub async fn insert_many(
    conn: &mut Conn,
    ws: WorkspaceId,
    new: &[NewInteraction<'_>],
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    let backend = conn.backend();
    let mut written = 0;
    for chunk in new.chunks(ROWS_PER_INSERT) {
        let mut cols = vec![Interactions::WorkspaceId];
        cols.extend(COLUMNS);
        let mut stmt = Query::insert()
            .into_table(Interactions::Table)
            .columns(cols)
            .on_conflict(
                OnConflict::columns([
                    Interactions::WorkspaceId,
                    Interactions::Source,
                    Interactions::SourceEventId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .to_owned();
        for n in chunk {
            let i = n.interaction;
            let keys: Vec<String> = i.identity.keys.iter().map(|k| k.to_string()).collect();
            let json = |v: serde_json::Value| SimpleExpr::from(v);
            stmt.values_panic([
                ws.uuid().into(),
                n.id.uuid().into(),
                n.customer.uuid().into(),
                i.channel.as_str().into(),
                i.direction.as_str().into(),
                i.kind.as_str().into(),
                time_value(backend, i.occurred_at),
                time_value(backend, at),
                i.subject.clone().into(),
                i.body.clone().into(),
                i.body_html.clone().into(),
                json(serde_json::Value::Object(i.attributes.clone())),
                i.agent.clone().into(),
                json(serde_json::to_value(&i.links).unwrap_or_default()),
                json(serde_json::Value::from(keys)),
                n.recorded_by.clone().into(),
                i.source.clone().into(),
                i.source_event_id.clone().into(),
            ]);
        }
        written += conn.execute(&stmt).await?;
    }
    Ok(written)
}

/// The interactions already stored for these `(source, source_event_id)` pairs: each pair
/// with the interaction's id and customer.
pub async fn by_source_events(
    conn: &mut Conn,
    ws: WorkspaceId,
    events: &[(String, String)],
) -> Result<Vec<(String, String, InteractionId, CustomerId)>, StoreError> {
    let mut out = Vec::new();
    for chunk in events.chunks(200) {
        let stmt =
            Query::select()
                .columns([
                    Interactions::Source,
                    Interactions::SourceEventId,
                    Interactions::Id,
                    Interactions::CustomerId,
                ])
                .from(Interactions::Table)
                .and_where(Expr::col(Interactions::WorkspaceId).eq(ws.uuid()))
                .and_where(
                    Expr::tuple([
                        Expr::col(Interactions::Source).into(),
                        Expr::col(Interactions::SourceEventId).into(),
                    ])
                    .in_tuples(chunk.iter().map(|(s, e)| {
                        sea_query::ValueTuple::Two(s.as_str().into(), e.as_str().into())
                    })),
                )
                .to_owned();
        let rows: Vec<(String, String, Uuid, Uuid)> = conn.fetch_all(&stmt).await?;
        out.extend(
            rows.into_iter()
                .map(|(s, e, id, c)| (s, e, InteractionId(id), CustomerId(c))),
        );
    }
    Ok(out)
}

fn select() -> SelectStatement {
    Query::select()
        .columns(COLUMNS)
        .from(Interactions::Table)
        .to_owned()
}

/// One interaction of the workspace.
pub async fn get(
    conn: &mut Conn,
    ws: WorkspaceId,
    id: InteractionId,
) -> Result<Option<InteractionRecord>, StoreError> {
    let stmt = select()
        .and_where(Expr::col(Interactions::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Interactions::Id).eq(id.uuid()))
        .to_owned();
    conn.fetch_optional::<Row, _>(&stmt)
        .await?
        .map(InteractionRecord::try_from)
        .transpose()
}

/// What a timeline shows.
#[derive(Clone, Debug, Default)]
pub struct TimelineFilter {
    /// Only these channels (all when empty).
    pub channels: Vec<Channel>,
    /// Only these types (all when empty).
    pub kinds: Vec<InteractionType>,
    pub from: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

/// A customer's interactions, newest first, `limit` at a time. The cursor holds the last
/// row's id and time: the timeline index is read from there on.
pub async fn timeline(
    conn: &mut Conn,
    ws: WorkspaceId,
    customer: CustomerId,
    f: &TimelineFilter,
    before: Option<&Cursor>,
    limit: u64,
) -> Result<Page<InteractionRecord>, StoreError> {
    let backend = conn.backend();
    let mut stmt = select()
        .and_where(Expr::col(Interactions::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Interactions::CustomerId).eq(customer.uuid()))
        .to_owned();
    if !f.channels.is_empty() {
        stmt.and_where(
            Expr::col(Interactions::Channel).is_in(f.channels.iter().map(|c| c.as_str())),
        );
    }
    if !f.kinds.is_empty() {
        stmt.and_where(Expr::col(Interactions::Kind).is_in(f.kinds.iter().map(|k| k.as_str())));
    }
    if let Some(t) = f.from {
        stmt.and_where(Expr::col(Interactions::OccurredAt).gte(time_value(backend, t)));
    }
    if let Some(t) = f.until {
        stmt.and_where(Expr::col(Interactions::OccurredAt).lt(time_value(backend, t)));
    }
    if let Some(Cursor(id, after)) = before {
        let Some(After::Value(v)) = after else {
            return Err(StoreError::Corrupt(
                "a timeline cursor needs its time".into(),
            ));
        };
        let t = OffsetDateTime::parse(v, &Rfc3339)
            .map_err(|_| StoreError::Corrupt("timeline cursor time".into()))?;
        stmt.and_where(
            Expr::tuple([
                Expr::col(Interactions::OccurredAt).into(),
                Expr::col(Interactions::Id).into(),
            ])
            .lt(Expr::tuple([time_value(backend, t), (*id).into()])),
        );
    }
    stmt.order_by(Interactions::OccurredAt, Order::Desc)
        .order_by(Interactions::Id, Order::Desc)
        .limit(limit + 1);
    let rows = conn
        .fetch_all::<Row, _>(&stmt)
        .await?
        .into_iter()
        .map(InteractionRecord::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let mut page = Page::from_overfetch(rows, limit, |r| r.id.uuid());
    if let (Some(next), Some(last)) = (page.next.as_mut(), page.items.last()) {
        let t = last
            .occurred_at
            .format(&Rfc3339)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        next.1 = Some(After::Value(t));
    }
    Ok(page)
}

/// Raises (once per pair) a suggestion that two customers are one.
pub async fn suggest_merge(
    conn: &mut Conn,
    ws: WorkspaceId,
    pair: (CustomerId, CustomerId),
    reason: &str,
    evidence: serde_json::Value,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    insert_suggestions(conn, ws, reason, &[(pair, evidence, None)], at)
        .await
        .map(drop)
}

/// Rows per insert statement: 500 rows of 9 values stay under SQLite's 32,766 bound
/// parameters and PostgreSQL's 65,535.
const SUGGESTIONS_PER_INSERT: usize = 500;

/// Raises suggestions for these pairs (evidence, and a score when there is one), a batch
/// per statement, and returns how many are new. A pair already suggested (for any reason,
/// open, merged or dismissed) is left as it is: a person who dismissed it has decided.
pub(crate) async fn insert_suggestions(
    conn: &mut Conn,
    ws: WorkspaceId,
    reason: &str,
    rows: &[((CustomerId, CustomerId), serde_json::Value, Option<f64>)],
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    use MergeSuggestions as M;
    let backend = conn.backend();
    let mut added = 0;
    for chunk in rows.chunks(SUGGESTIONS_PER_INSERT) {
        let mut stmt = Query::insert()
            .into_table(M::Table)
            .columns([
                M::Id,
                M::WorkspaceId,
                M::CustomerA,
                M::CustomerB,
                M::Reason,
                M::Evidence,
                M::Status,
                M::CreatedAt,
                M::Score,
            ])
            .on_conflict(
                OnConflict::columns([M::WorkspaceId, M::CustomerA, M::CustomerB])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        for (pair, evidence, score) in chunk {
            // `customer_a` < `customer_b`: a pair is one row whichever way it was seen.
            let (a, b) = (pair.0.min(pair.1), pair.0.max(pair.1));
            stmt.values([
                SuggestionId::new().uuid().into(),
                ws.uuid().into(),
                a.uuid().into(),
                b.uuid().into(),
                reason.into(),
                evidence.clone().into(),
                "open".into(),
                time_value(backend, at),
                (*score).into(),
            ])
            .map_err(|e| StoreError::Corrupt(format!("suggestion row: {e}")))?;
        }
        added += conn.execute(&stmt).await?;
    }
    Ok(added)
}

/// A suggestion that two customers are one.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub id: SuggestionId,
    pub customer_a: CustomerId,
    pub customer_b: CustomerId,
    pub reason: String,
    pub evidence: serde_json::Value,
    pub status: String,
    pub created_at: OffsetDateTime,
    /// The duplicate finder's probability (`duplicate_score` suggestions only).
    pub score: Option<f64>,
}

#[derive(sqlx::FromRow)]
struct SuggestionRow {
    id: Uuid,
    customer_a: Uuid,
    customer_b: Uuid,
    reason: String,
    evidence: Json<serde_json::Value>,
    status: String,
    created_at: OffsetDateTime,
    score: Option<f64>,
}

/// The open suggestions, newest first.
pub async fn open_suggestions(
    conn: &mut Conn,
    ws: WorkspaceId,
    before: Option<&Cursor>,
    limit: u64,
) -> Result<Page<Suggestion>, StoreError> {
    use MergeSuggestions as M;
    let mut stmt = Query::select()
        .columns([
            M::Id,
            M::CustomerA,
            M::CustomerB,
            M::Reason,
            M::Evidence,
            M::Status,
            M::CreatedAt,
            M::Score,
        ])
        .from(M::Table)
        .and_where(Expr::col(M::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(M::Status).eq("open"))
        .order_by(M::Id, Order::Desc)
        .limit(limit + 1)
        .to_owned();
    if let Some(c) = before {
        stmt.and_where(Expr::col(M::Id).lt(c.0));
    }
    let rows: Vec<SuggestionRow> = conn.fetch_all(&stmt).await?;
    let items = rows
        .into_iter()
        .map(|r| Suggestion {
            id: SuggestionId(r.id),
            customer_a: CustomerId(r.customer_a),
            customer_b: CustomerId(r.customer_b),
            reason: r.reason,
            evidence: r.evidence.0,
            status: r.status,
            created_at: r.created_at,
            score: r.score,
        })
        .collect();
    Ok(Page::from_overfetch(items, limit, |s| s.id.uuid()))
}

/// How often and how lately a customer was in touch on each channel.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelUse {
    pub channel: Channel,
    pub interactions: u64,
    pub last_at: OffsetDateTime,
}

/// The customer's channels, the most used first.
pub async fn channel_use(
    conn: &mut Conn,
    ws: WorkspaceId,
    customer: CustomerId,
) -> Result<Vec<ChannelUse>, StoreError> {
    let stmt = Query::select()
        .column(Interactions::Channel)
        .expr(Expr::col(Interactions::Id).count())
        .expr(Expr::col(Interactions::OccurredAt).max())
        .from(Interactions::Table)
        .and_where(Expr::col(Interactions::WorkspaceId).eq(ws.uuid()))
        .and_where(Expr::col(Interactions::CustomerId).eq(customer.uuid()))
        .group_by_col(Interactions::Channel)
        .to_owned();
    let rows: Vec<(String, i64, OffsetDateTime)> = conn.fetch_all(&stmt).await?;
    let mut out = rows
        .into_iter()
        .map(|(c, n, last_at)| {
            Ok(ChannelUse {
                channel: Channel::parse(&c)
                    .ok_or_else(|| StoreError::Corrupt(format!("interaction channel {c:?}")))?,
                interactions: u64::try_from(n).unwrap_or_default(),
                last_at,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    out.sort_by(|a, b| {
        b.interactions
            .cmp(&a.interactions)
            .then(b.last_at.cmp(&a.last_at))
    });
    Ok(out)
}
