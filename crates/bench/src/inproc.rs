//! Vinculo's use cases run inside the bench process, on a store of its own: a fresh SQLite
//! data dir, or a fresh database on a PostgreSQL server (created here, dropped by
//! [`Store::drop_db`]). For the figures whose subject is a use case rather than the HTTP
//! server (reading a mailbox), and for writing a dataset the server then serves.
use std::path::PathBuf;

use anyhow::{Context, Result};
use secrecy::SecretString;
use vinculo_app::auth::{create_account, NewAccount};
use vinculo_app::{App, AppConfig, Principal, Via};
use vinculo_domain::auth::Role;
use vinculo_store::{Db, DbConfig};

use crate::server::Scratch;

/// Where a bench's store lives.
pub enum Store {
    Sqlite(Scratch),
    Postgres { admin_url: String, name: String },
}

impl Store {
    /// A fresh SQLite data dir, or a fresh database on `postgres` (an admin URL).
    pub async fn fresh(label: &str, postgres: Option<&str>) -> Result<(Store, Db)> {
        let (store, cfg) = match postgres {
            None => {
                let scratch = Scratch::new(label)?;
                let cfg = DbConfig {
                    url: None,
                    data_dir: scratch.data_dir(),
                    max_connections: 5,
                };
                (Store::Sqlite(scratch), cfg)
            }
            Some(admin_url) => {
                let name = format!("vinculo_bench_{}", uuid::Uuid::new_v4().simple());
                let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(admin_url)
                    .await
                    .context("connect to the PostgreSQL admin URL")?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await?;
                let cfg = DbConfig {
                    url: Some(SecretString::from(db_url(admin_url, &name)?)),
                    data_dir: std::env::temp_dir(),
                    max_connections: 5,
                };
                (
                    Store::Postgres {
                        admin_url: admin_url.to_owned(),
                        name,
                    },
                    cfg,
                )
            }
        };
        let db = Db::connect(&cfg).await?;
        db.migrate().await?;
        Ok((store, db))
    }

    /// The SQLite data dir, if this is one.
    pub fn data_dir(&self) -> Option<PathBuf> {
        match self {
            Store::Sqlite(s) => Some(s.data_dir()),
            Store::Postgres { .. } => None,
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "SQLite",
            Store::Postgres { .. } => "PostgreSQL",
        }
    }

    /// The URL of this store's own PostgreSQL database.
    pub fn postgres_url(&self) -> Option<String> {
        match self {
            Store::Postgres { admin_url, name } => db_url(admin_url, name).ok(),
            Store::Sqlite(_) => None,
        }
    }

    /// Drops the PostgreSQL database (after `db` is closed); a SQLite dir goes with the scratch.
    pub async fn drop_db(self, db: Db) -> Result<()> {
        db.close().await;
        if let Store::Postgres { admin_url, name } = self {
            let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await?;
        }
        Ok(())
    }
}

fn db_url(admin_url: &str, name: &str) -> Result<String> {
    let mut url = url::Url::parse(admin_url).context("the PostgreSQL URL")?;
    url.set_path(name);
    Ok(url.to_string())
}

/// The app over `db`, with a cheap password hash (bench users are made by the hundred) and
/// a credentials key of its own (mailbox passwords are sealed with it).
pub fn app(db: &Db) -> App {
    App::new(
        db.clone(),
        AppConfig {
            password_memory_kib: 64,
            credentials: Some(std::sync::Arc::new(
                vinculo_app::credentials::CredentialsKey::random(),
            )),
            ..AppConfig::default()
        },
    )
}

/// Password of every user the bench creates in process.
pub const PASSWORD: &str = "bench-password-0123456789";

/// Creates `email` with `role` in the workspace `slug` (created if new); returns them acting.
pub async fn member(
    app: &App,
    slug: &str,
    email: &str,
    name: &str,
    role: Role,
) -> Result<Principal> {
    let (ws, user_id, _) = create_account(
        app,
        NewAccount {
            workspace_name: slug.to_owned(),
            workspace_slug: Some(slug.to_owned()),
            name: name.to_owned(),
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            role,
            locale: Some("es".into()),
            via: Via::Cli,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("create {email}: {e}"))?;
    Ok(Principal::new(
        (user_id, name, email),
        None,
        &ws,
        role,
        Via::Cli,
    ))
}
