//! Point reads answered on the calling thread (SQLite only).
//!
//! The SQLite driver of sqlx runs each connection on its own worker thread: a query is sent to
//! that thread and its rows come back over a channel, so even a look-up by primary key costs
//! two thread wake-ups. On two cores those hand-offs, not SQLite, bounded
//! `GET /customers/{id}` (about 9,500 req/s). A [`QuickReaders`] keeps read-only connections
//! of the same file (opened with `rusqlite` on the same bundled SQLite) that a caller borrows
//! and runs one statement on directly.
//!
//! Only statements bounded by a key belong here: the caller's thread is an async worker, and a
//! read of one customer (its row and child rows through their indexes) takes tens of
//! microseconds. Anything that may scan stays on the pool.
//!
//! It reads the file, not a cache, so a write by any process (the CLI importing into the same
//! file) is seen at its commit, as by the pool. When it cannot answer (the backend is not
//! SQLite, a value type it does not bind, a busy or failing database) it says so and the caller
//! takes the pool, which reports any real error the usual way.
use rusqlite::{types::Value as Sql, Connection, OpenFlags};
use sea_query::{QueryStatementWriter, SqliteQueryBuilder, Value};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// Idle read-only connections of one SQLite file; one is opened when none is idle, so there
/// are at most as many as threads that ever read at once.
pub struct QuickReaders {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl QuickReaders {
    pub fn new(path: PathBuf) -> Self {
        QuickReaders {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The first column of the statement's first row as text (`Some(None)`: no row, or NULL).
    /// `None` when it could not be answered here.
    pub fn first_text<S: QueryStatementWriter>(&self, stmt: &S) -> Option<Option<String>> {
        let (sql, values) = stmt.build(SqliteQueryBuilder);
        let params = values
            .into_iter()
            .map(bindable)
            .collect::<Option<Vec<Sql>>>()?;
        let conn = self.borrow()?;
        let answer = {
            let run = || -> rusqlite::Result<Option<String>> {
                let mut prepared = conn.prepare_cached(&sql)?;
                let mut rows = prepared.query(rusqlite::params_from_iter(params))?;
                match rows.next()? {
                    Some(row) => row.get::<_, Option<String>>(0),
                    None => Ok(None),
                }
            };
            run()
        };
        match answer {
            Ok(text) => {
                self.give_back(conn);
                Some(text)
            }
            Err(e) => {
                // Dropped rather than given back: a connection that failed is not trusted.
                tracing::debug!(error = %e, "quick read not answered; using the pool");
                None
            }
        }
    }

    fn borrow(&self) -> Option<Connection> {
        if let Some(c) = self.idle.lock().ok()?.pop() {
            return Some(c);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match Connection::open_with_flags(&self.path, flags) {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!(error = %e, "quick reader could not open the database");
                return None;
            }
        };
        // Short: a busy database sends the read to the pool, which waits properly, instead of
        // holding an async worker thread.
        conn.busy_timeout(Duration::from_millis(20)).ok()?;
        // Prepared statements kept per connection (the SQL of a point read is fixed).
        conn.set_prepared_statement_cache_capacity(32);
        Some(conn)
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }
}

/// A sea-query value as sqlx's SQLite encoding stores it (UUIDs as 16-byte blobs). Types the
/// quick path has no use for yet answer `None`, which sends the read to the pool.
fn bindable(v: Value) -> Option<Sql> {
    Some(match v {
        Value::Uuid(Some(u)) => Sql::Blob(u.as_bytes().to_vec()),
        Value::String(Some(s)) => Sql::Text(*s),
        Value::BigInt(Some(i)) => Sql::Integer(i),
        Value::Int(Some(i)) => Sql::Integer(i.into()),
        Value::Bool(Some(b)) => Sql::Integer(b.into()),
        Value::Uuid(None) | Value::String(None) | Value::BigInt(None) | Value::Int(None) => {
            Sql::Null
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_query::{Alias, Expr, Query};

    fn stmt(id: uuid::Uuid) -> sea_query::SelectStatement {
        Query::select()
            .expr(Expr::cust("name"))
            .from(Alias::new("t"))
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .to_owned()
    }

    #[test]
    fn reads_rows_written_by_another_connection_and_falls_back_when_it_cannot() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("q.db");
        let writer = Connection::open(&path).expect("open");
        writer
            .execute_batch(
                "PRAGMA journal_mode=WAL; CREATE TABLE t (id BLOB PRIMARY KEY, name TEXT);",
            )
            .expect("schema");
        let quick = QuickReaders::new(path.clone());
        let id = uuid::Uuid::now_v7();
        assert_eq!(quick.first_text(&stmt(id)), Some(None), "no row yet");
        writer
            .execute(
                "INSERT INTO t VALUES (?1, 'Ana')",
                [Sql::Blob(id.as_bytes().to_vec())],
            )
            .expect("insert");
        // The idle connection sees the other connection's commit.
        assert_eq!(quick.first_text(&stmt(id)), Some(Some("Ana".into())));
        // A value type it does not bind sends the read elsewhere.
        let timed = Query::select()
            .expr(Expr::cust("name"))
            .from(Alias::new("t"))
            .and_where(Expr::col(Alias::new("at")).eq(time::OffsetDateTime::UNIX_EPOCH))
            .to_owned();
        assert_eq!(quick.first_text(&timed), None);
        // So does a failing statement (no such table).
        let missing = Query::select()
            .expr(Expr::cust("name"))
            .from(Alias::new("nothing"))
            .to_owned();
        assert_eq!(quick.first_text(&missing), None);
        // A file that does not exist is not created.
        let nowhere = QuickReaders::new(dir.path().join("absent.db"));
        assert_eq!(nowhere.first_text(&stmt(id)), None);
        assert!(!dir.path().join("absent.db").exists());
    }
}
