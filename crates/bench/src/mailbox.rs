//! Reading a mailbox end to end: a folder of the local IMAP server filled with generated
//! customer mail ([`crate::mail_data`]) is read by `conversations::reader::read_once` into a
//! fresh store (fetch, parse, resolve the sender, store interaction, conversation entry and
//! attachments) until the folder is drained. Baselines in the same run: the IMAP fetch alone
//! (the same batches over the same connection settings, nothing done with them) and the parse
//! alone (every fetched message through `email::parse`, on one core). The folder is this
//! run's own (`bench-<random>`), filled with MULTIAPPEND and deleted at the end.
use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use secrecy::SecretString;
use serde_json::json;
use vinculo_app::conversations::{mailboxes, reader};
use vinculo_channels::email_transport::{self as transport, imap, Cursor, ImapConfig, Security};
use vinculo_domain::auth::Role;

use crate::imap_fill::Raw;
use crate::inproc::{self, Store};
use crate::stats::median;

/// The test server, from a URL like `VINCULO_TEST_IMAP` (`imap://user:password@host:port`).
pub struct ImapServer {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// PEM of the server's certificate, trusted for STARTTLS.
    pub ca: String,
}

impl ImapServer {
    pub fn from_url(raw: &str, ca_path: &std::path::Path) -> Result<ImapServer> {
        let url = url::Url::parse(raw).context("the IMAP URL")?;
        let user = url::form_urlencoded::parse(url.username().as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default();
        Ok(ImapServer {
            host: url
                .host_str()
                .context("the IMAP URL has no host")?
                .to_owned(),
            port: url.port().unwrap_or(143),
            user,
            password: url.password().unwrap_or_default().to_owned(),
            ca: std::fs::read_to_string(ca_path)
                .with_context(|| format!("read the IMAP CA {}", ca_path.display()))?,
        })
    }

    /// STARTTLS, as the bench's mailbox is configured: fetch baseline and reader alike.
    fn config(&self, folder: &str) -> ImapConfig {
        let mut c = ImapConfig::new(
            &self.host,
            &self.user,
            SecretString::from(self.password.clone()),
        );
        c.port = self.port;
        c.security = Security::StartTls;
        c.extra_ca_pem = Some(self.ca.clone());
        c.folder = folder.to_owned();
        c
    }
}

/// What to run.
pub struct Opts {
    pub messages: usize,
    pub reps: usize,
    pub seed: u64,
    /// Also read into a fresh PostgreSQL database on this server (admin URL).
    pub postgres: Option<String>,
}

/// The fetch baseline: every message of the folder in the reader's batches; (seconds, raw).
async fn fetch_all(srv: &ImapServer, folder: &str) -> Result<(f64, Vec<Vec<u8>>)> {
    let t0 = Instant::now();
    let mut session = imap::connect(&srv.config(folder)).await?;
    let mut cursor: Option<Cursor> = None;
    let mut raw = Vec::new();
    loop {
        let batch = transport::fetch_new(&mut session, folder, cursor, reader::BATCH).await?;
        raw.extend(batch.messages.into_iter().map(|m| m.raw));
        cursor = Some(batch.cursor);
        if !batch.more {
            break;
        }
    }
    session.logout().await;
    Ok((t0.elapsed().as_secs_f64(), raw))
}

/// The parse baseline, on the calling thread: seconds for all.
fn parse_all(raw: &[Vec<u8>]) -> Result<f64> {
    let limits = vinculo_channels::email::Limits::default();
    let t0 = Instant::now();
    for m in raw {
        vinculo_channels::email::parse(m, &limits).map_err(|e| anyhow::anyhow!("parse: {e}"))?;
    }
    Ok(t0.elapsed().as_secs_f64())
}

/// What one full read produced.
struct Read {
    secs: f64,
    taken: usize,
    rows: Vec<(&'static str, i64)>,
}

/// `read_once` of the folder into a fresh store.
async fn read_into(srv: &ImapServer, folder: &str, postgres: Option<&str>) -> Result<Read> {
    let (store, db) = Store::fresh("mailbox", postgres).await?;
    let app = inproc::app(&db);
    let admin = inproc::member(&app, "bench", "admin@acme.test", "Admin", Role::Admin).await?;
    let draft = serde_json::from_value(json!({
        "name": "Soporte", "address": "soporte@acme.test", "folder": folder,
        "imap": {"host": srv.host, "port": srv.port, "security": "starttls", "username": srv.user, "password": srv.password},
        "smtp": {"host": srv.host, "port": 10025, "security": "starttls", "username": srv.user, "password": srv.password},
        "tls_ca_pem": srv.ca,
    }))?;
    let m = mailboxes::create(&app, &admin, &draft, None)
        .await
        .map_err(|e| anyhow::anyhow!("connect the mailbox: {e}"))?;
    let t0 = Instant::now();
    let taken = reader::read_once(&app, (admin.workspace_id, m.id))
        .await
        .map_err(|e| anyhow::anyhow!("read_once: {e}"))?;
    let secs = t0.elapsed().as_secs_f64();
    let rows = counts(&store).await?;
    store.drop_db(db).await?;
    Ok(Read { secs, taken, rows })
}

const COUNTED: [&str; 5] = [
    "customers",
    "interactions",
    "conversations",
    "conversation_entries",
    "attachments",
];

/// Rows the read left, read with a plain connection of the bench's own.
async fn counts(store: &Store) -> Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    if let Some(dir) = store.data_dir() {
        let pool = crate::import::raw_pool(&dir.join("vinculo.db")).await?;
        for t in COUNTED {
            let (n,): (i64,) = sqlx::query_as(&format!("SELECT count(*) FROM {t}"))
                .fetch_one(&pool)
                .await?;
            out.push((t, n));
        }
        pool.close().await;
    } else if let Some(url) = store.postgres_url() {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url).await?;
        for t in COUNTED {
            let (n,): (i64,) = sqlx::query_as(&format!("SELECT count(*) FROM {t}"))
                .fetch_one(&mut c)
                .await?;
            out.push((t, n));
        }
    }
    Ok(out)
}

pub fn run(srv: &ImapServer, opts: &Opts) -> Result<String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let folder = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let (mail, mix) = crate::mail_data::generate(opts.messages, opts.seed, &folder);
    let mut raw = rt.block_on(Raw::login(&srv.host, srv.port, &srv.user, &srv.password))?;
    rt.block_on(raw.create(&folder))?;
    let outcome = rt.block_on(measure(srv, &folder, &mail, opts, &mut raw));
    // The folder goes whatever happened.
    let cleanup = rt.block_on(raw.delete(&folder));
    rt.block_on(raw.logout());
    let report = outcome?;
    cleanup.with_context(|| format!("delete the folder {folder}"))?;
    Ok(format!("dataset: {mix}\n{report}"))
}

async fn measure(
    srv: &ImapServer,
    folder: &str,
    mail: &[Vec<u8>],
    opts: &Opts,
    raw: &mut Raw,
) -> Result<String> {
    let mut out = String::new();
    let t0 = Instant::now();
    raw.append_all(folder, mail).await?;
    let fill = t0.elapsed().as_secs_f64();
    writeln!(
        out,
        "folder {folder} filled by MULTIAPPEND (LITERAL+, 500 a command) in {fill:.2} s ({:.0} messages/s)",
        mail.len() as f64 / fill
    )?;
    let n = mail.len() as f64;
    let (mut fetch, mut parse) = (Vec::new(), Vec::new());
    let mut backends: Vec<(&str, Option<&str>)> = vec![("SQLite", None)];
    if let Some(url) = opts.postgres.as_deref() {
        backends.push(("PostgreSQL", Some(url)));
    }
    let mut full: Vec<Vec<f64>> = vec![Vec::new(); backends.len()];
    let mut last: Vec<Option<Read>> = backends.iter().map(|_| None).collect();
    // Interleaved, so that a burst of load on the shared machine falls on every figure alike.
    for _ in 0..opts.reps {
        let (secs, fetched) = fetch_all(srv, folder).await?;
        if fetched.len() != mail.len() {
            bail!("fetched {} of {} messages", fetched.len(), mail.len());
        }
        fetch.push(secs);
        parse.push(parse_all(&fetched)?);
        for (k, (_, pg)) in backends.iter().enumerate() {
            let r = read_into(srv, folder, *pg).await?;
            full[k].push(r.secs);
            last[k] = Some(r);
        }
    }
    let rate = |secs: &[f64]| n / median(secs);
    writeln!(
        out,
        "IMAP fetch alone (STARTTLS, batches of {}), baseline: {:>7.0} messages/s (median of {}: {:.2} s)",
        reader::BATCH,
        rate(&fetch),
        fetch.len(),
        median(&fetch)
    )?;
    writeln!(
        out,
        "parse alone (email::parse, one core), baseline:       {:>7.0} messages/s ({:.2} s)",
        rate(&parse),
        median(&parse)
    )?;
    for (k, (name, _)) in backends.iter().enumerate() {
        let Some(r) = &last[k] else { continue };
        let rows: Vec<String> = r.rows.iter().map(|(t, c)| format!("{c} {t}")).collect();
        writeln!(
            out,
            "read_once into a fresh {name} store (fetch, parse, resolve, store): {:>7.0} messages/s (median of {}: {:.2} s; runs {}); {} taken; {}",
            rate(&full[k]),
            full[k].len(),
            median(&full[k]),
            full[k].iter().map(|s| format!("{s:.2}")).collect::<Vec<_>>().join(", "),
            r.taken,
            rows.join(", ")
        )?;
    }
    Ok(out.trim_end().to_owned())
}
