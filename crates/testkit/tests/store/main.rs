//! The store suite: both migration trees must produce the same schema (tables, columns,
//! nullability, unique constraints), so a feature written once works on both backends.
use std::collections::BTreeSet;
use vinculo_store::{Db, DbConfig};
use vinculo_testkit::{fresh_db, Backend};

/// (table, column, not null) of every application table.
type Columns = BTreeSet<(String, String, bool)>;

async fn sqlite_columns(db: &Db) -> Columns {
    let Db::Sqlite { read, .. } = db else {
        panic!("sqlite expected")
    };
    let tables: Vec<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'")
        .fetch_all(read)
        .await
        .expect("tables");
    let mut out = Columns::new();
    for (t,) in tables {
        let cols: Vec<(i64, String, String, i64, Option<String>, i64)> =
            sqlx::query_as(&format!("PRAGMA table_info({t})"))
                .fetch_all(read)
                .await
                .expect("columns");
        for (_, name, _, notnull, _, pk) in cols {
            out.insert((t.clone(), name, notnull == 1 || pk > 0));
        }
    }
    out
}

async fn postgres_columns(db: &Db) -> Columns {
    let Db::Postgres(pool) = db else {
        panic!("postgres expected")
    };
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_%'",
    )
    .fetch_all(pool)
    .await
    .expect("columns");
    rows.into_iter()
        .map(|(t, c, nullable)| (t, c, nullable == "NO"))
        .collect()
}

async fn sqlite_uniques(db: &Db) -> BTreeSet<String> {
    let Db::Sqlite { read, .. } = db else {
        panic!("sqlite expected")
    };
    let sql: Vec<(String,)> =
        sqlx::query_as("SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")
            .fetch_all(read)
            .await
            .expect("sql");
    sql.iter()
        .flat_map(|(s,)| {
            s.split("CONSTRAINT \"")
                .skip(1)
                .filter_map(|rest| rest.split('"').next().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn postgres_uniques(db: &Db) -> BTreeSet<String> {
    let Db::Postgres(pool) = db else {
        panic!("postgres expected")
    };
    let rows: Vec<(String,)> = sqlx::query_as("SELECT c.conname::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'u' AND n.nspname = current_schema()").fetch_all(pool).await.expect("constraints");
    rows.into_iter().map(|(c,)| c).collect()
}

async fn migrated(cfg: &DbConfig) -> Db {
    let db = Db::connect(cfg).await.expect("connect");
    db.migrate().await.expect("migrate");
    db
}

#[tokio::test]
async fn both_migration_trees_produce_the_same_schema() {
    let (sqlite_cfg, _dir) = fresh_db(Backend::Sqlite)
        .await
        .expect("sqlite")
        .expect("always available");
    let sqlite = migrated(&sqlite_cfg).await;
    let lite = sqlite_columns(&sqlite).await;
    assert!(
        lite.iter()
            .any(|(t, c, _)| t == "audit_log" && c == "workspace_id"),
        "{lite:?}"
    );
    let Some((pg_cfg, _pg_guard)) = fresh_db(Backend::Postgres).await.expect("postgres") else {
        return;
    };
    let pg = migrated(&pg_cfg).await;
    let pgc = postgres_columns(&pg).await;
    let only_sqlite: Vec<_> = lite.difference(&pgc).collect();
    let only_pg: Vec<_> = pgc.difference(&lite).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "schemas differ:\n only in SQLite: {only_sqlite:?}\n only in PostgreSQL: {only_pg:?}"
    );
    assert_eq!(
        sqlite_uniques(&sqlite).await,
        postgres_uniques(&pg).await,
        "unique constraints are named alike on both"
    );
}

#[tokio::test]
async fn every_tenant_table_carries_the_workspace_id() {
    let (cfg, _dir) = fresh_db(Backend::Sqlite)
        .await
        .expect("sqlite")
        .expect("always available");
    let db = migrated(&cfg).await;
    let cols = sqlite_columns(&db).await;
    let tables: BTreeSet<&str> = cols.iter().map(|(t, _, _)| t.as_str()).collect();
    // Users are people across workspaces (scoped through memberships); workspaces are the
    // boundary itself; instance settings belong to the installation.
    let global = ["users", "workspaces", "instance_settings"];
    for t in tables.iter().filter(|t| !global.contains(t)) {
        assert!(
            cols.contains(&(t.to_string(), "workspace_id".to_owned(), true)),
            "{t} has no NOT NULL workspace_id"
        );
    }
}

#[tokio::test]
async fn an_orphaned_idempotency_reservation_is_taken_over_after_a_minute() {
    use vinculo_store::idempotency::{reserve, Reservation};
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some((cfg, _dir)) = fresh_db(backend).await.expect("db") else {
            continue;
        };
        let db = migrated(&cfg).await;
        let ws = vinculo_store::workspaces::Workspace {
            id: vinculo_domain::ids::WorkspaceId::new(),
            slug: "acme".into(),
            name: "Acme".into(),
            default_locale: "es".into(),
            created_at: time::OffsetDateTime::now_utc(),
        };
        let mut tx = db.begin().await.expect("tx");
        vinculo_store::workspaces::insert(&mut tx, &ws)
            .await
            .expect("workspace");
        let t0 = time::OffsetDateTime::now_utc();
        assert_eq!(
            reserve(&mut tx, ws.id, "token:x", "k", b"hash", t0)
                .await
                .expect("reserve"),
            Reservation::New
        );
        // The first request is still running (or its process died): a quick retry waits...
        let soon = t0 + time::Duration::seconds(10);
        assert_eq!(
            reserve(&mut tx, ws.id, "token:x", "k", b"hash", soon)
                .await
                .expect("reserve"),
            Reservation::InProgress,
            "{backend}"
        );
        // ...a different body with the same key is refused either way...
        assert_eq!(
            reserve(&mut tx, ws.id, "token:x", "k", b"other", soon)
                .await
                .expect("reserve"),
            Reservation::Mismatch,
            "{backend}"
        );
        // ...and after a minute without an answer, the retry takes the reservation over, once.
        let later = t0 + time::Duration::seconds(61);
        assert_eq!(
            reserve(&mut tx, ws.id, "token:x", "k", b"hash", later)
                .await
                .expect("reserve"),
            Reservation::New,
            "{backend}"
        );
        assert_eq!(
            reserve(&mut tx, ws.id, "token:x", "k", b"hash", later)
                .await
                .expect("reserve"),
            Reservation::InProgress,
            "{backend}"
        );
        tx.commit().await.expect("commit");
    }
}

#[tokio::test]
async fn the_write_ahead_log_is_checkpointed_without_the_writer() {
    let (cfg, dir) = fresh_db(Backend::Sqlite)
        .await
        .expect("sqlite")
        .expect("always available");
    let db = migrated(&cfg).await;
    let Db::Sqlite { write, path, .. } = &db else {
        panic!("sqlite expected")
    };
    let size = || std::fs::metadata(path).map_or(0, |m| m.len());
    // Settle what the migrations wrote, then write a few MiB: far below the connections'
    // own automatic checkpoint, so only the checkpoint thread copies them into the file.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let before = size();
    let mut tx = write.begin().await.expect("tx");
    sqlx::query("CREATE TABLE filler (b BLOB)")
        .execute(&mut *tx)
        .await
        .expect("table");
    for _ in 0..200 {
        sqlx::query("INSERT INTO filler VALUES (randomblob(8000))")
            .execute(&mut *tx)
            .await
            .expect("insert");
    }
    tx.commit().await.expect("commit");
    let mut grown = false;
    for _ in 0..40 {
        if size() > before + 1_000_000 {
            grown = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(grown, "the database file stayed at {} bytes", size());
    db.close().await;
    drop(dir);
}
