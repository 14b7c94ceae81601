//! Connecting to SQLite or PostgreSQL, running migrations, and [`Conn`]: the handle every
//! store function takes, which renders a sea-query statement for the backend it holds.
//!
//! SQLite gets two pools: one writer connection (SQLite allows one writer at a time; a single
//! connection serialises writers in-process instead of making them spin on SQLITE_BUSY) and a
//! pool of read-only connections, which WAL lets run beside the writer.
use crate::checkpoint::Checkpointer;
use crate::error::StoreError;
use crate::quick::QuickReaders;
use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
use sea_query_binder::{SqlxBinder, SqlxValues};
use secrecy::{ExposeSecret, SecretString};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{FromRow, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine is behind a [`Db`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the database is. The URL may hold a password, so `Debug` redacts it.
#[derive(Clone)]
pub struct DbConfig {
    /// `postgres://…`, `sqlite://path`, or `None` for `<data_dir>/vinculo.db`.
    pub url: Option<SecretString>,
    pub data_dir: PathBuf,
    /// PostgreSQL pool size; SQLite sizes its read pool from the number of cores.
    pub max_connections: u32,
}

impl fmt::Debug for DbConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbConfig")
            .field(
                "url",
                &self.url.as_ref().map(|u| redact_url(u.expose_secret())),
            )
            .field("data_dir", &self.data_dir)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// `postgres://ana:secret@db/x` becomes `postgres://ana:***@db/x`.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "<unparseable url>".to_owned(),
    }
}

impl DbConfig {
    pub fn backend(&self) -> Backend {
        match &self.url {
            Some(u) if is_postgres(u.expose_secret()) => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// The SQLite file this configuration points at (`None` for PostgreSQL).
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.url {
            None => Some(self.data_dir.join("vinculo.db")),
            Some(u) if is_postgres(u.expose_secret()) => None,
            Some(u) => {
                let s = u.expose_secret();
                let path = s
                    .strip_prefix("sqlite://")
                    .or_else(|| s.strip_prefix("sqlite:"))
                    .unwrap_or(s);
                Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
            }
        }
    }
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A connected database.
#[derive(Clone)]
pub enum Db {
    Sqlite {
        write: SqlitePool,
        read: SqlitePool,
        path: PathBuf,
        quick: Arc<QuickReaders>,
        checkpointer: Arc<Checkpointer>,
    },
    Postgres(PgPool),
}

impl Db {
    /// Connects (creating the SQLite file and its folder when missing). Does not migrate.
    pub async fn connect(cfg: &DbConfig) -> Result<Db, StoreError> {
        match cfg.sqlite_path() {
            Some(path) => Self::connect_sqlite(path).await,
            None => {
                let url = cfg
                    .url
                    .as_ref()
                    .map(|u| u.expose_secret().to_owned())
                    .unwrap_or_default();
                let opts = PgConnectOptions::from_str(&url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(cfg.max_connections.max(2))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    async fn connect_sqlite(path: PathBuf) -> Result<Db, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        // WAL with synchronous=NORMAL: a committed transaction survives a crash of the
        // process (the case that matters for acknowledged writes); only an OS crash or power
        // cut can lose the last commits. busy_timeout covers other processes (CLI, backup).
        // A 64 MiB page cache keeps the indexes a bulk import touches (terms, keys) in memory.
        let base = SqliteConnectOptions::new()
            .filename(&path)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            // Statement journals (kept so one multi-row INSERT can be undone alone) in memory
            // rather than a temporary file: they were a third of a bulk import's writes.
            .pragma("temp_store", "memory")
            // Checkpoints run on their own thread (see `checkpoint`); this only bounds the log.
            .pragma("wal_autocheckpoint", crate::checkpoint::SAFETY_NET_PAGES);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(base.clone().create_if_missing(true))
            .await?;
        let readers = std::thread::available_parallelism()
            .map_or(4, |n| n.get() as u32 * 2)
            .max(4);
        let read = SqlitePoolOptions::new()
            .max_connections(readers)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(base.read_only(true))
            .await?;
        let quick = Arc::new(QuickReaders::new(path.clone()));
        let checkpointer = Arc::new(Checkpointer::start(path.clone()));
        Ok(Db::Sqlite {
            write,
            read,
            path,
            quick,
            checkpointer,
        })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self {
            Db::Sqlite { .. } => &SQLITE_MIGRATOR,
            Db::Postgres(_) => &POSTGRES_MIGRATOR,
        }
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { write, .. } => SQLITE_MIGRATOR.run(write).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    /// Refreshes the planner's statistics where they are stale (after a bulk import, and at
    /// start). Without them SQLite guesses, and once picked a scan of a workspace's links over
    /// a look-up by person.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        match self {
            // 0x10002: also analyse tables that never were (a fresh database after an import).
            Db::Sqlite { write, .. } => {
                sqlx::query("PRAGMA optimize=0x10002")
                    .execute(write)
                    .await?;
            }
            Db::Postgres(pool) => {
                sqlx::query(
                    "ANALYZE customers, identity_keys, customer_search, customer_tags, \
                     customer_addresses, affiliations",
                )
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// Every known migration with whether (and when) it was applied.
    pub async fn migration_status(&self) -> Result<Vec<MigrationStatus>, StoreError> {
        let applied: Vec<(i64, time::OffsetDateTime)> = {
            let q = "SELECT version, installed_on FROM _sqlx_migrations WHERE success";
            let exists = self.table_exists("_sqlx_migrations").await?;
            match (exists, self) {
                (false, _) => Vec::new(),
                (true, Db::Sqlite { read, .. }) => sqlx::query_as(q).fetch_all(read).await?,
                (true, Db::Postgres(pool)) => sqlx::query_as(q).fetch_all(pool).await?,
            }
        };
        Ok(self
            .migrator()
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| MigrationStatus {
                version: m.version,
                description: m.description.to_string(),
                applied_at: applied
                    .iter()
                    .find(|(v, _)| *v == m.version)
                    .map(|(_, t)| *t),
            })
            .collect())
    }

    async fn table_exists(&self, name: &str) -> Result<bool, StoreError> {
        let n: i64 = match self {
            Db::Sqlite { read, .. } => {
                sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?")
                    .bind(name)
                    .fetch_one(read)
                    .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1")
                    .bind(name)
                    .fetch_one(pool)
                    .await?
            }
        };
        Ok(n > 0)
    }

    /// A write transaction. Commit it with [`Conn::commit`]; dropping it rolls back.
    pub async fn begin(&self) -> Result<Conn, StoreError> {
        Ok(match self {
            Db::Sqlite { write, .. } => Conn::SqliteTx(write.begin().await?),
            Db::Postgres(pool) => Conn::PgTx(pool.begin().await?),
        })
    }

    /// A connection for reads outside a transaction.
    pub async fn conn(&self) -> Result<Conn, StoreError> {
        Ok(match self {
            Db::Sqlite { read, .. } => Conn::Sqlite(read.acquire().await?),
            Db::Postgres(pool) => Conn::Pg(pool.acquire().await?),
        })
    }

    /// The first column of a key-bounded statement's first row, read on the calling thread
    /// when the backend allows it (see [`crate::quick`]); `None` means: use [`Db::conn`].
    pub fn quick_text<S: sea_query::QueryStatementWriter>(
        &self,
        stmt: &S,
    ) -> Option<Option<String>> {
        match self {
            Db::Sqlite { quick, .. } => quick.first_text(stmt),
            Db::Postgres(_) => None,
        }
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { read, .. } => sqlx::query("SELECT 1").execute(read).await.map(|_| ())?,
            Db::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(|_| ())?,
        }
        Ok(())
    }

    /// Pool gauges for `/metrics`: (pool name, open connections, idle connections).
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, u32)> {
        match self {
            Db::Sqlite { write, read, .. } => vec![
                ("sqlite_write", write.size(), write.num_idle() as u32),
                ("sqlite_read", read.size(), read.num_idle() as u32),
            ],
            Db::Postgres(pool) => vec![("postgres", pool.size(), pool.num_idle() as u32)],
        }
    }

    /// Writes a consistent copy of the SQLite database to the new file `dest` while it is in
    /// use, with SQLite's online backup API (see [`crate::backup`]).
    pub async fn sqlite_backup(
        &self,
        dest: &std::path::Path,
    ) -> Result<crate::backup::Copied, crate::backup::BackupError> {
        let Db::Sqlite { path, .. } = self else {
            return Err(crate::backup::BackupError::NotSqlite);
        };
        let (src, dest) = (path.clone(), dest.to_owned());
        tokio::task::spawn_blocking(move || crate::backup::online_backup(&src, &dest))
            .await
            .map_err(|e| crate::backup::BackupError::Io(std::io::Error::other(e)))?
    }

    /// `PRAGMA integrity_check` on a SQLite database (true when it reports `ok`).
    pub async fn sqlite_integrity_check(&self) -> Result<bool, StoreError> {
        match self {
            Db::Sqlite { read, .. } => {
                let r: String = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_one(read)
                    .await?;
                Ok(r == "ok")
            }
            Db::Postgres(_) => Ok(true),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite {
                write,
                read,
                checkpointer,
                ..
            } => {
                checkpointer.stop();
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// One migration and when it was applied (`None`: pending).
#[derive(Clone, Debug)]
pub struct MigrationStatus {
    pub version: i64,
    pub description: String,
    pub applied_at: Option<time::OffsetDateTime>,
}

/// A row type that decodes from both backends' rows.
pub trait AnyRow:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> AnyRow for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A connection or transaction on either backend. Store functions take `&mut Conn`.
pub enum Conn {
    SqliteTx(Transaction<'static, Sqlite>),
    PgTx(Transaction<'static, Postgres>),
    Sqlite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
}

macro_rules! on_backend {
    ($conn:expr, $stmt:expr, |$c:ident, $sql:ident, $values:ident| $body:expr) => {
        match $conn {
            Conn::SqliteTx(t) => {
                let ($sql, $values) = $stmt.build_sqlx(SqliteQueryBuilder);
                let $c = &mut **t;
                $body
            }
            Conn::Sqlite(p) => {
                let ($sql, $values) = $stmt.build_sqlx(SqliteQueryBuilder);
                let $c = &mut **p;
                $body
            }
            Conn::PgTx(t) => {
                let ($sql, $values) = $stmt.build_sqlx(PostgresQueryBuilder);
                let $c = &mut **t;
                $body
            }
            Conn::Pg(p) => {
                let ($sql, $values) = $stmt.build_sqlx(PostgresQueryBuilder);
                let $c = &mut **p;
                $body
            }
        }
    };
}

impl Conn {
    pub fn backend(&self) -> Backend {
        match self {
            Conn::SqliteTx(_) | Conn::Sqlite(_) => Backend::Sqlite,
            Conn::PgTx(_) | Conn::Pg(_) => Backend::Postgres,
        }
    }

    /// Commits a transaction (a plain connection has nothing to commit).
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Conn::SqliteTx(t) => t.commit().await?,
            Conn::PgTx(t) => t.commit().await?,
            Conn::Sqlite(_) | Conn::Pg(_) => {}
        }
        Ok(())
    }

    /// Runs a statement, returning the number of rows it touched.
    pub async fn execute<S: SqlxBinder>(&mut self, stmt: &S) -> Result<u64, StoreError> {
        on_backend!(self, stmt, |c, sql, values| {
            Ok(sqlx::query_with(&sql, values)
                .execute(c)
                .await?
                .rows_affected())
        })
    }

    pub async fn fetch_all<T: AnyRow, S: SqlxBinder>(
        &mut self,
        stmt: &S,
    ) -> Result<Vec<T>, StoreError> {
        on_backend!(self, stmt, |c, sql, values| {
            Ok(sqlx::query_as_with::<_, T, SqlxValues>(&sql, values)
                .fetch_all(c)
                .await?)
        })
    }

    pub async fn fetch_optional<T: AnyRow, S: SqlxBinder>(
        &mut self,
        stmt: &S,
    ) -> Result<Option<T>, StoreError> {
        on_backend!(self, stmt, |c, sql, values| {
            Ok(sqlx::query_as_with::<_, T, SqlxValues>(&sql, values)
                .fetch_optional(c)
                .await?)
        })
    }

    pub async fn fetch_one<T: AnyRow, S: SqlxBinder>(&mut self, stmt: &S) -> Result<T, StoreError> {
        on_backend!(self, stmt, |c, sql, values| {
            Ok(sqlx::query_as_with::<_, T, SqlxValues>(&sql, values)
                .fetch_one(c)
                .await?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_passwords_never_reach_debug_output() {
        let cfg = DbConfig {
            url: Some(SecretString::from("postgres://ana:s3cret@db.local/crm")),
            data_dir: PathBuf::from("x"),
            max_connections: 5,
        };
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("ana:***@db.local"), "{shown}");
        assert_eq!(cfg.backend(), Backend::Postgres);
    }

    #[test]
    fn sqlite_paths_come_from_the_data_dir_or_the_url() {
        let mut cfg = DbConfig {
            url: None,
            data_dir: PathBuf::from("data"),
            max_connections: 5,
        };
        assert_eq!(cfg.sqlite_path(), Some(PathBuf::from("data/vinculo.db")));
        cfg.url = Some(SecretString::from("sqlite://other/x.db?mode=rwc"));
        assert_eq!(cfg.sqlite_path(), Some(PathBuf::from("other/x.db")));
    }
}
