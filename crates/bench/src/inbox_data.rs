//! The inbox bench's workspace: agents in teams, customers who write again and again, and
//! two years of conversations, most of them resolved, the recent ones open, pending or
//! snoozed; assigned to agents or waiting for anyone; in team queues; a third labelled; and
//! the measured agent's reads (what they opened, some of it answered since). Agents, teams
//! and customers go through the use cases; the conversations, their labels and reads are
//! written in bulk in the exact shape the store writes them.
use anyhow::{Context, Result};
use serde_json::json;
use time::OffsetDateTime;
use vinculo_app::{App, Principal};
use vinculo_domain::auth::Role;
use vinculo_domain::conversations::{Channel, Status};
use vinculo_domain::ids::{ConversationId, CustomerId, TeamId, UserId};
use vinculo_store::Db;

use crate::dedup_data::Rng;
use crate::dedup_names::{MEN, SURNAMES, WOMEN};
use crate::inproc::{self, Store};

/// Agents besides the measured one, and teams they are spread over.
pub const AGENTS: usize = 24;
pub const TEAMS: usize = 4;
/// Labels, the first ones common.
pub const LABELS: [&str; 12] = [
    "factura",
    "envio",
    "devolucion",
    "urgente",
    "vip",
    "garantia",
    "baja",
    "cuenta",
    "presupuesto",
    "tienda",
    "queja",
    "spam",
];

/// What the measured views need to know about the workspace.
pub struct Workspace {
    pub admin: Principal,
    /// The measured agent.
    pub me: Principal,
    pub my_team: TeamId,
    pub customers: usize,
    /// Conversations of each status, and assigned to the measured agent.
    pub open: usize,
    pub mine_open: usize,
    pub team_open: usize,
    pub labelled: usize,
}

fn name(rng: &mut Rng) -> String {
    let given = if rng.chance(0.5) {
        WOMEN[rng.below(WOMEN.len())]
    } else {
        MEN[rng.below(MEN.len())]
    };
    format!("{given} {}", SURNAMES[rng.below(SURNAMES.len())])
}

/// Customers made the way mail makes them: an e-mail interaction from an unknown address
/// creates a prospect. Batches of 1,000 through the ingest use case.
async fn customers(
    app: &App,
    admin: &Principal,
    n: usize,
    rng: &mut Rng,
) -> Result<Vec<CustomerId>> {
    let mut ids = Vec::with_capacity(n);
    let all: Vec<usize> = (0..n).collect();
    for chunk in all.chunks(1_000) {
        let drafts = chunk
            .iter()
            .map(|k| {
                serde_json::from_value(json!({
                    "channel": "email", "type": "message", "direction": "inbound",
                    "subject": "Consulta",
                    "customer": {"email": format!("cliente{k}@correo.test"), "name": name(rng)},
                    "source": "bench", "source_event_id": format!("seed-{k}"),
                }))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let answers = vinculo_app::interactions::ingest(app, admin, &drafts)
            .await
            .map_err(|e| anyhow::anyhow!("seed customers: {e}"))?;
        for a in answers {
            match a {
                Ok(i) => ids.push(i.customer_id),
                Err(issues) => anyhow::bail!("seed customer refused: {issues:?}"),
            }
        }
    }
    Ok(ids)
}

/// A conversation's row.
struct Conv {
    id: ConversationId,
    customer: CustomerId,
    channel: Channel,
    subject: &'static str,
    status: Status,
    snoozed_until: Option<OffsetDateTime>,
    assignee: Option<UserId>,
    team: Option<TeamId>,
    created: OffsetDateTime,
    last: OffsetDateTime,
    inbound: OffsetDateTime,
}

#[derive(Default)]
struct Rows {
    conversations: Vec<Conv>,
    /// (conversation, label, its last activity).
    labels: Vec<(ConversationId, &'static str, OffsetDateTime)>,
    /// The measured agent's reads.
    reads: Vec<(ConversationId, OffsetDateTime)>,
}

/// A time as the store writes it: text of fixed width in SQLite (see
/// `store::interactions::time_value`), a timestamp in PostgreSQL.
fn sqlite_time(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Binds a time the way the backend stores it.
macro_rules! bind_time {
    ($b:expr, sqlite, opt $t:expr) => {
        $b.push_bind($t.map(sqlite_time))
    };
    ($b:expr, postgres, opt $t:expr) => {
        $b.push_bind($t)
    };
    ($b:expr, sqlite, $t:expr) => {
        $b.push_bind(sqlite_time($t))
    };
    ($b:expr, postgres, $t:expr) => {
        $b.push_bind($t)
    };
}

/// Writes the rows in multi-row INSERTs, the shape `store::conversations` writes them in
/// (the store's one-row functions took 7 minutes for 100,000 conversations on the shared
/// machine); the same statements on both backends, times bound as each stores them.
macro_rules! write_rows {
    ($tx:expr, $db:ty, $kind:ident, $ws:expr, $me:expr, $rows:expr) => {{
        for chunk in $rows.conversations.chunks(500) {
            let mut q = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO conversations (id, workspace_id, customer_id, channel, mail_channel_id, subject, status, snoozed_until, assignee_id, team_id, token, last_message_at, last_inbound_at, created_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, c| {
                b.push_bind(c.id.uuid())
                    .push_bind($ws.uuid())
                    .push_bind(c.customer.uuid())
                    .push_bind(c.channel.as_str())
                    .push_bind(None::<uuid::Uuid>)
                    .push_bind(c.subject)
                    .push_bind(c.status.as_str());
                bind_time!(b, $kind, opt c.snoozed_until);
                b.push_bind(c.assignee.map(|u| u.uuid()))
                    .push_bind(c.team.map(|t| t.uuid()))
                    .push_bind(vinculo_domain::conversations::token_for(c.id));
                bind_time!(b, $kind, c.last);
                bind_time!(b, $kind, c.inbound);
                bind_time!(b, $kind, c.created);
                bind_time!(b, $kind, c.last);
            });
            q.build().execute(&mut *$tx).await?;
        }
        for chunk in $rows.labels.chunks(1_000) {
            let mut q = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO conversation_labels (workspace_id, conversation_id, label, last_message_at) ",
            );
            q.push_values(chunk, |mut b, (id, label, at)| {
                b.push_bind($ws.uuid()).push_bind(id.uuid()).push_bind(*label);
                bind_time!(b, $kind, *at);
            });
            q.build().execute(&mut *$tx).await?;
        }
        for chunk in $rows.reads.chunks(1_000) {
            let mut q = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO conversation_reads (workspace_id, conversation_id, user_id, read_at) ",
            );
            q.push_values(chunk, |mut b, (id, at)| {
                b.push_bind($ws.uuid()).push_bind(id.uuid()).push_bind($me.uuid());
                bind_time!(b, $kind, *at);
            });
            q.build().execute(&mut *$tx).await?;
        }
    }};
}

async fn write(
    store: &Store,
    ws: vinculo_domain::ids::WorkspaceId,
    me: UserId,
    rows: &Rows,
) -> Result<()> {
    match store.data_dir() {
        Some(dir) => {
            let opts = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(dir.join("vinculo.db"))
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(30));
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(opts)
                .await?;
            let mut tx = pool.begin().await?;
            write_rows!(tx, sqlx::Sqlite, sqlite, ws, me, rows);
            tx.commit().await?;
            pool.close().await;
        }
        None => {
            let url = store.postgres_url().context("no database URL")?;
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await?;
            let mut tx = pool.begin().await?;
            write_rows!(tx, sqlx::Postgres, postgres, ws, me, rows);
            tx.commit().await?;
            pool.close().await;
        }
    }
    Ok(())
}

/// Everything, into the fresh store `db`.
pub async fn seed(db: &Db, store: &Store, conversations: usize, seed: u64) -> Result<Workspace> {
    let app = inproc::app(db);
    let mut rng = Rng::new(seed);
    let admin = inproc::member(&app, "bench", "admin@acme.test", "Admin", Role::Admin).await?;
    let me = inproc::member(&app, "bench", "me@acme.test", "Agente Medido", Role::Agent).await?;
    let mut agents: Vec<UserId> = vec![me.user_id];
    for a in 0..AGENTS {
        let who = name(&mut rng);
        let p = inproc::member(
            &app,
            "bench",
            &format!("agente{a}@acme.test"),
            &who,
            Role::Agent,
        )
        .await?;
        agents.push(p.user_id);
    }
    let mut teams = Vec::new();
    for t in 0..TEAMS {
        // The measured agent is in the first team; the others are dealt round.
        let members: Vec<UserId> = agents
            .iter()
            .enumerate()
            .filter(|(k, _)| k % TEAMS == t)
            .map(|(_, u)| *u)
            .collect();
        let team = vinculo_app::teams::create(&app, &admin, &format!("Equipo {t}"), &members)
            .await
            .map_err(|e| anyhow::anyhow!("team: {e}"))?;
        teams.push(team.id);
    }
    let n_customers = (conversations * 3 / 10).max(1);
    let customers = customers(&app, &admin, n_customers, &mut rng).await?;
    let mut ws = Workspace {
        my_team: teams[0],
        admin: admin.clone(),
        me: me.clone(),
        customers: customers.len(),
        open: 0,
        mine_open: 0,
        team_open: 0,
        labelled: 0,
    };
    let now = OffsetDateTime::now_utc();
    let span = 2 * 365 * 86_400i64;
    let mut rows = Rows::default();
    for k in 0..conversations {
        // Older first; `age` in seconds before now, so the newest are the last written.
        let age = span - (span * k as i64) / conversations as i64 + rng.below(3_600) as i64;
        let at = now - time::Duration::seconds(age.max(60));
        let recent = age < 30 * 86_400;
        let status = match (recent, rng.below(100)) {
            (true, 0..=44) => Status::Open,
            (true, 45..=59) => Status::Pending,
            (true, 60..=64) => Status::Snoozed,
            (false, 0..=1) => Status::Open,
            (false, 2..=3) => Status::Pending,
            _ => Status::Resolved,
        };
        let unassigned = status == Status::Open && rng.chance(0.25);
        let assignee = (!unassigned).then(|| agents[rng.below(agents.len())]);
        let team = rng.chance(0.85).then(|| teams[rng.below(TEAMS)]);
        let id = ConversationId::new();
        // The customer wrote last, or an agent answered after.
        let inbound = at - time::Duration::minutes(rng.below(120) as i64);
        let last = if rng.chance(0.6) { at } else { inbound };
        rows.conversations.push(Conv {
            id,
            customer: customers[rng.below(customers.len())],
            channel: if rng.chance(0.9) {
                Channel::Email
            } else {
                Channel::WebForm
            },
            subject: crate::mail_data::subject(rng.below(100)),
            status,
            snoozed_until: (status == Status::Snoozed).then(|| now + time::Duration::days(2)),
            assignee,
            team,
            created: at - time::Duration::hours(2),
            last,
            inbound,
        });
        if rng.chance(0.35) {
            let n = 1 + rng.below(2);
            let mut labels: Vec<&str> = (0..n)
                .map(|_| LABELS[rng.below(LABELS.len()).min(rng.below(LABELS.len()))])
                .collect();
            labels.sort_unstable();
            labels.dedup();
            rows.labels
                .extend(labels.into_iter().map(|l| (id, l, last)));
            ws.labelled += 1;
        }
        // The measured agent opened what is theirs or their team's, mostly; some of it
        // the customer answered since (unread again).
        let theirs = assignee == Some(me.user_id) || team == Some(teams[0]);
        if theirs && rng.chance(0.8) {
            let read = if rng.chance(0.8) {
                last
            } else {
                inbound - time::Duration::minutes(5)
            };
            rows.reads.push((id, read));
        } else if rng.chance(0.05) {
            rows.reads.push((id, last));
        }
        if status == Status::Open {
            ws.open += 1;
            ws.mine_open += usize::from(assignee == Some(me.user_id));
            ws.team_open += usize::from(team == Some(teams[0]));
        }
    }
    write(store, admin.workspace_id, me.user_id, &rows).await?;
    db.optimize().await?;
    Ok(ws)
}
