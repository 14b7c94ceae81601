//! Inbox list latency over a workspace of 100,000 conversations ([`crate::inbox_data`]): an
//! agent's usual views (all open, assigned to me, my team, a label, the second page through
//! the cursor, and the unread count), each timed three ways one request at a time:
//! - the bare SQL: the statements the store sends for the view (the page with its customer
//!   names and the agent's reads, then the page's labels), on a plain sqlx connection;
//! - the use case, `conversations::inbox::list` / `unread`, in this process;
//! - `GET /api/v1/conversations` (and `:unread`) of the release server, with a bearer token.
//!
//! The layers are interleaved request by request, so load on the shared machine falls on all
//! three alike; the gap between them is the cost of each layer.
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use sqlx::Row as _;
use vinculo_app::conversations::inbox;
use vinculo_app::{App, Principal};
use vinculo_store::conversations::{Assignee, InboxFilter};
use vinculo_store::{Cursor, Db};

use crate::inbox_data::{self, Workspace};
use crate::inproc::{self, Store};
use crate::server::{ServeCmd, Server};
use crate::stats::percentile;

/// Rows per page, the API's default.
const LIMIT: u64 = 50;
/// Untimed rounds first (caches, prepared statements, connections).
const WARMUP: usize = 20;

/// What to run.
pub struct Opts {
    pub conversations: usize,
    pub queries: usize,
    pub seed: u64,
    pub postgres: Option<String>,
}

/// One of the agent's views.
struct View {
    name: &'static str,
    filter: InboxFilter,
    /// The API's query string for it.
    query: String,
    /// The second page: after the first page's last row.
    page2: bool,
    /// The unread count rather than a page.
    unread: bool,
}

fn views(ws: &Workspace, label: &str) -> Vec<View> {
    let open = InboxFilter {
        status: Some(vinculo_domain::conversations::Status::Open),
        ..InboxFilter::default()
    };
    let view = |name, filter, query: &str| View {
        name,
        filter,
        query: query.to_owned(),
        page2: false,
        unread: false,
    };
    vec![
        view("all open", open.clone(), "status=open"),
        view(
            "assigned to me, open",
            InboxFilter {
                assignee: Assignee::User(ws.me.user_id),
                ..open.clone()
            },
            "status=open&assignee=me",
        ),
        view(
            "my team, open",
            InboxFilter {
                team: Some(ws.my_team),
                ..open.clone()
            },
            &format!("status=open&team={}", ws.my_team),
        ),
        view(
            "a label, open",
            InboxFilter {
                label: Some(label.to_owned()),
                ..open.clone()
            },
            &format!("status=open&label={label}"),
        ),
        View {
            page2: true,
            ..view("all open, page 2 (cursor)", open.clone(), "status=open")
        },
        View {
            unread: true,
            ..view("unread count", InboxFilter::default(), "")
        },
    ]
}

/// A plain sqlx pool on the same database, for the bare SQL.
enum Bare {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// A bound value of a bare statement.
#[derive(Clone)]
enum Val {
    Uuid(uuid::Uuid),
    Text(String),
    /// A stored time as read back: text in SQLite, a timestamp in PostgreSQL.
    SqliteTime(String),
    PgTime(time::OffsetDateTime),
}

/// The columns the store's inbox page reads.
const PAGE_COLUMNS: &str = "c.id, c.customer_id, c.channel, c.mail_channel_id, c.subject, c.status, c.snoozed_until, c.assignee_id, c.team_id, c.token, c.last_message_at, c.last_inbound_at, c.created_at, c.updated_at, c.workspace_id, cu.display_name AS customer_name, r.read_at";

impl Bare {
    async fn open(store: &Store) -> Result<Bare> {
        if let Some(dir) = store.data_dir() {
            let opts = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(dir.join("vinculo.db"))
                .read_only(true);
            return Ok(Bare::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(opts)
                    .await?,
            ));
        }
        let url = store.postgres_url().context("no database URL")?;
        Ok(Bare::Postgres(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await?,
        ))
    }

    /// Runs `sql` (with `?` placeholders) and returns each row's id and sort time.
    async fn rows(&self, sql: &str, binds: &[Val]) -> Result<Vec<(uuid::Uuid, Val)>> {
        match self {
            Bare::Sqlite(pool) => {
                let mut q = sqlx::query(sql);
                for b in binds {
                    q = match b {
                        Val::Uuid(u) => q.bind(*u),
                        Val::Text(t) | Val::SqliteTime(t) => q.bind(t.clone()),
                        Val::PgTime(t) => q.bind(*t),
                    };
                }
                let rows = q.fetch_all(pool).await?;
                rows.iter()
                    .map(|r| {
                        let at = r
                            .try_get::<String, _>("last_message_at")
                            .unwrap_or_default();
                        Ok((r.try_get("id")?, Val::SqliteTime(at)))
                    })
                    .collect()
            }
            Bare::Postgres(pool) => {
                let sql = numbered(sql);
                let mut q = sqlx::query(&sql);
                for b in binds {
                    q = match b {
                        Val::Uuid(u) => q.bind(*u),
                        Val::Text(t) | Val::SqliteTime(t) => q.bind(t.clone()),
                        Val::PgTime(t) => q.bind(*t),
                    };
                }
                let rows = q.fetch_all(pool).await?;
                rows.iter()
                    .map(|r| {
                        let at = r
                            .try_get::<time::OffsetDateTime, _>("last_message_at")
                            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
                        Ok((r.try_get("id")?, Val::PgTime(at)))
                    })
                    .collect()
            }
        }
    }

    async fn count(&self, sql: &str, binds: &[Val]) -> Result<i64> {
        match self {
            Bare::Sqlite(pool) => {
                let mut q = sqlx::query_scalar(sql);
                for b in binds {
                    if let Val::Uuid(u) = b {
                        q = q.bind(*u);
                    } else if let Val::Text(t) = b {
                        q = q.bind(t.clone());
                    }
                }
                Ok(q.fetch_one(pool).await?)
            }
            Bare::Postgres(pool) => {
                let sql = numbered(sql);
                let mut q = sqlx::query_scalar(&sql);
                for b in binds {
                    if let Val::Uuid(u) = b {
                        q = q.bind(*u);
                    } else if let Val::Text(t) = b {
                        q = q.bind(t.clone());
                    }
                }
                Ok(q.fetch_one(pool).await?)
            }
        }
    }
}

/// `?` placeholders as PostgreSQL's `$1, $2, …`.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// The bare SQL of a page of `view`: the statements the store sends (see
/// `store::conversations::inbox`); `after` is the previous page's last (id, time).
async fn bare_page(
    bare: &Bare,
    ws: &Workspace,
    view: &View,
    after: Option<&(uuid::Uuid, Val)>,
) -> Result<Vec<(uuid::Uuid, Val)>> {
    let me = ws.me.user_id.uuid();
    let wsid = ws.me.workspace_id.uuid();
    let f = &view.filter;
    // Filtered by a label, the page is read from the label's index, in its copy of the time.
    let (from, order_at, order_id, mut binds) = match &f.label {
        Some(l) => (
            match bare {
                // The join order the store forces in SQLite (see `store::conversations::inbox`).
                Bare::Sqlite(_) => {
                    "conversation_labels l CROSS JOIN conversations c ON c.id = l.conversation_id"
                }
                Bare::Postgres(_) => {
                    "conversations c JOIN conversation_labels l ON l.conversation_id = c.id"
                }
            },
            "l.last_message_at",
            "l.conversation_id",
            vec![
                Val::Uuid(me),
                Val::Uuid(wsid),
                Val::Text(l.clone()),
                Val::Uuid(wsid),
            ],
        ),
        None => (
            "conversations c",
            "c.last_message_at",
            "c.id",
            vec![Val::Uuid(me), Val::Uuid(wsid)],
        ),
    };
    let label_where = if f.label.is_some() {
        " AND l.workspace_id = ? AND l.label = ?"
    } else {
        ""
    };
    let mut sql = format!(
        "SELECT {PAGE_COLUMNS} FROM {from} JOIN customers cu ON cu.id = c.customer_id \
         LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = ? \
         WHERE 1 = 1{label_where} AND c.workspace_id = ?"
    );
    if let Some(s) = f.status {
        sql.push_str(" AND c.status = ?");
        binds.push(Val::Text(s.as_str().to_owned()));
    }
    if let Assignee::User(u) = f.assignee {
        sql.push_str(" AND c.assignee_id = ?");
        binds.push(Val::Uuid(u.uuid()));
    }
    if let Some(t) = f.team {
        sql.push_str(" AND c.team_id = ?");
        binds.push(Val::Uuid(t.uuid()));
    }
    if let Some((id, at)) = after {
        sql.push_str(&format!(
            " AND ({order_at} < ? OR ({order_at} = ? AND {order_id} < ?))"
        ));
        binds.extend([at.clone(), at.clone(), Val::Uuid(*id)]);
    }
    sql.push_str(&format!(
        " ORDER BY {order_at} DESC, {order_id} DESC LIMIT {}",
        LIMIT + 1
    ));
    let rows = bare.rows(&sql, &binds).await?;
    if !rows.is_empty() {
        let marks = vec!["?"; rows.len()].join(", ");
        let sql = format!(
            "SELECT conversation_id AS id, label AS last_message_at FROM conversation_labels \
             WHERE workspace_id = ? AND conversation_id IN ({marks}) ORDER BY label"
        );
        let mut binds = vec![Val::Uuid(wsid)];
        binds.extend(rows.iter().map(|(id, _)| Val::Uuid(*id)));
        bare.rows(&sql, &binds).await?;
    }
    Ok(rows)
}

/// The bare SQL of the unread count (see `store::conversations::unread_count`).
async fn bare_unread(bare: &Bare, ws: &Workspace) -> Result<i64> {
    let me = Val::Uuid(ws.me.user_id.uuid());
    let sql = "SELECT count(c.id) FROM conversations c LEFT JOIN conversation_reads r \
               ON r.conversation_id = c.id AND r.user_id = ? \
               WHERE c.workspace_id = ? AND c.status = 'open' \
               AND (c.assignee_id = ? OR c.assignee_id IS NULL) AND c.last_inbound_at IS NOT NULL \
               AND (r.read_at IS NULL OR r.read_at < c.last_inbound_at)";
    bare.count(sql, &[me.clone(), Val::Uuid(ws.me.workspace_id.uuid()), me])
        .await
}

/// The layers' timings of one view, in ms.
#[derive(Default)]
struct Samples {
    bare: Vec<f64>,
    app: Vec<f64>,
    api: Vec<f64>,
    /// Rows on the measured page (or the count), as each layer saw it.
    rows: (usize, usize, usize),
}

fn ms(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1000.0
}

async fn app_page(
    app: &App,
    me: &Principal,
    view: &View,
    after: Option<&Cursor>,
) -> Result<(usize, Option<Cursor>)> {
    let page = inbox::list(app, me, &view.filter, after, LIMIT)
        .await
        .map_err(|e| anyhow::anyhow!("inbox::list: {e}"))?;
    Ok((page.items.len(), page.next))
}

async fn api_page(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    view: &View,
    cursor: Option<&str>,
) -> Result<(usize, Option<String>)> {
    let mut url = format!("{base}/api/v1/conversations?limit={LIMIT}&{}", view.query);
    if let Some(c) = cursor {
        url.push_str(&format!("&cursor={c}"));
    }
    let r = client.get(&url).bearer_auth(token).send().await?;
    if !r.status().is_success() {
        bail!(
            "GET {url}: HTTP {}: {}",
            r.status(),
            r.text().await.unwrap_or_default()
        );
    }
    let v: serde_json::Value = r.json().await?;
    let n = v["data"].as_array().map_or(0, Vec::len);
    Ok((n, v["next_cursor"].as_str().map(str::to_owned)))
}

async fn api_unread(client: &reqwest::Client, base: &str, token: &str) -> Result<usize> {
    let r = client
        .get(format!("{base}/api/v1/conversations:unread"))
        .bearer_auth(token)
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("GET /conversations:unread: HTTP {}", r.status());
    }
    let v: serde_json::Value = r.json().await?;
    Ok(v["unread"].as_u64().unwrap_or_default() as usize)
}

/// One request of each layer for `view`; pushes the times unless warming up.
#[allow(clippy::too_many_arguments)]
async fn round(
    s: &mut Samples,
    view: &View,
    ws: &Workspace,
    bare: &Bare,
    app: &App,
    client: &reqwest::Client,
    (base, token): (&str, &str),
    timed: bool,
) -> Result<()> {
    let keep = |v: &mut Vec<f64>, x: f64| {
        if timed {
            v.push(x);
        }
    };
    if view.unread {
        let t0 = Instant::now();
        let n = bare_unread(bare, ws).await?;
        keep(&mut s.bare, ms(t0));
        let t0 = Instant::now();
        let a = inbox::unread(app, &ws.me)
            .await
            .map_err(|e| anyhow::anyhow!("inbox::unread: {e}"))?;
        keep(&mut s.app, ms(t0));
        let t0 = Instant::now();
        let h = api_unread(client, base, token).await?;
        keep(&mut s.api, ms(t0));
        s.rows = (n as usize, a as usize, h);
        return Ok(());
    }
    // The second page: its first page is fetched untimed, each time, the way an agent gets
    // there (the cursor is then a real one).
    let (bare_after, app_after, api_after) = if view.page2 {
        let rows = bare_page(bare, ws, view, None).await?;
        let last = rows.get(LIMIT as usize - 1).cloned();
        let (_, next) = app_page(app, &ws.me, view, None).await?;
        let (_, api_next) = api_page(client, base, token, view, None).await?;
        (last, next, api_next)
    } else {
        (None, None, None)
    };
    let t0 = Instant::now();
    let b = bare_page(bare, ws, view, bare_after.as_ref()).await?.len();
    keep(&mut s.bare, ms(t0));
    let t0 = Instant::now();
    let (a, _) = app_page(app, &ws.me, view, app_after.as_ref()).await?;
    keep(&mut s.app, ms(t0));
    let t0 = Instant::now();
    let (h, _) = api_page(client, base, token, view, api_after.as_deref()).await?;
    keep(&mut s.api, ms(t0));
    s.rows = (b.min(LIMIT as usize), a, h);
    Ok(())
}

fn p(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    percentile(&v, q)
}

pub fn run(serve: &ServeCmd, opts: &Opts) -> Result<String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (store, db) = rt.block_on(Store::fresh("inbox", opts.postgres.as_deref()))?;
    let outcome = measure(&rt, serve, &store, &db, opts);
    rt.block_on(store.drop_db(db))?;
    outcome
}

fn measure(
    rt: &tokio::runtime::Runtime,
    serve: &ServeCmd,
    store: &Store,
    db: &Db,
    opts: &Opts,
) -> Result<String> {
    let t0 = Instant::now();
    let ws = rt.block_on(inbox_data::seed(db, store, opts.conversations, opts.seed))?;
    let seeded = t0.elapsed().as_secs_f64();
    let app = inproc::app(db);
    let token = rt
        .block_on(vinculo_app::tokens::create(
            &app,
            &ws.admin,
            "bench",
            "read",
            Some(ws.me.user_id),
        ))
        .map_err(|e| anyhow::anyhow!("token: {e}"))?
        .secret;
    // The server on the same database: the data dir, or the PostgreSQL URL.
    let (data, cmd) = match (store.data_dir(), store.postgres_url()) {
        (Some(dir), _) => (dir, serve.clone()),
        (None, Some(url)) => {
            let mut cmd = serve.clone();
            cmd.extra.extend(["--database-url".to_owned(), url]);
            (std::env::temp_dir(), cmd)
        }
        (None, None) => bail!("no store"),
    };
    let scratch = crate::server::Scratch::new("inbox-serve")?;
    let mut server = Server::spawn(&cmd, &data, scratch.log("serve"))?;
    server.wait_healthy(Duration::from_secs(60))?;
    let base = server.url("").trim_end_matches('/').to_owned();
    let label = inbox_data::LABELS[1];
    let views = views(&ws, label);
    let samples = rt.block_on(async {
        let bare = Bare::open(store).await?;
        let client = reqwest::Client::new();
        let mut samples: Vec<Samples> = views.iter().map(|_| Samples::default()).collect();
        for i in 0..WARMUP + opts.queries {
            for (v, s) in views.iter().zip(samples.iter_mut()) {
                round(
                    s,
                    v,
                    &ws,
                    &bare,
                    &app,
                    &client,
                    (&base, &token),
                    i >= WARMUP,
                )
                .await?;
            }
        }
        anyhow::Ok(samples)
    })?;
    server.ensure_running()?;
    server.stop()?;
    let mut out = String::new();
    writeln!(
        out,
        "dataset: {} conversations ({} open; {} open assigned to the measured agent, {} open in their team; {} labelled) of {} customers, {} agents in {} teams, on {}; seeded in {seeded:.0} s",
        opts.conversations,
        ws.open,
        ws.mine_open,
        ws.team_open,
        ws.labelled,
        ws.customers,
        inbox_data::AGENTS + 1,
        inbox_data::TEAMS,
        store.backend()
    )?;
    writeln!(
        out,
        "{} requests per view and layer, one at a time, pages of {LIMIT}, after {WARMUP} untimed; ms",
        opts.queries
    )?;
    writeln!(
        out,
        "{:<28} {:>14} {:>14} {:>14}  rows",
        "view", "bare SQL p50/p99", "inbox::list p50/p99", "GET API p50/p99"
    )?;
    for (v, s) in views.iter().zip(&samples) {
        writeln!(
            out,
            "{:<28} {:>7.2} / {:<6.2} {:>7.2} / {:<6.2} {:>7.2} / {:<6.2}  {:?}",
            if v.name == "a label, open" {
                format!("label \"{label}\", open")
            } else {
                v.name.to_owned()
            },
            p(&s.bare, 50.0),
            p(&s.bare, 99.0),
            p(&s.app, 50.0),
            p(&s.app, 99.0),
            p(&s.api, 50.0),
            p(&s.api, 99.0),
            s.rows
        )?;
    }
    Ok(out.trim_end().to_owned())
}
