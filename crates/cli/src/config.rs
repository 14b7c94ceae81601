//! Configuration layering (defaults → `vinculo.toml` → `VINCULO_*` env → flags) and the
//! database options every subcommand shares.
use anyhow::Context as _;
use secrecy::SecretString;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use vinculo_store::{Db, DbConfig};

/// Options of the optional TOML file; every key is also a flag and an environment variable.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub max_connections: Option<u32>,
    pub public_url: Option<String>,
    pub secure_cookies: Option<bool>,
    pub trust_forwarded_for: Option<bool>,
    pub secret_key: Option<String>,
    pub log: Option<String>,
    pub mail_max_attachment_mb: Option<u32>,
}

impl FileConfig {
    /// Reads `path`, or `./vinculo.toml` when it exists; no file means all defaults.
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("vinculo.toml"), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .with_context(|| format!("{}: invalid configuration", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                Ok(FileConfig::default())
            }
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

#[derive(clap::Args)]
pub struct DbArgs {
    /// PostgreSQL URL (postgres://user:pass@host/db); without it, SQLite in --data-dir.
    #[arg(
        long,
        global = true,
        env = "VINCULO_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Folder of the embedded SQLite database and other local data [default: ./vinculo-data].
    #[arg(long, global = true, env = "VINCULO_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL connection pool size [default: 10].
    #[arg(long, global = true, env = "VINCULO_MAX_CONNECTIONS")]
    pub max_connections: Option<u32>,
    /// TOML configuration file [default: ./vinculo.toml when present].
    #[arg(long, global = true, env = "VINCULO_CONFIG")]
    pub config: Option<PathBuf>,
}

impl DbArgs {
    pub fn resolve(&self, file: &FileConfig) -> anyhow::Result<DbConfig> {
        let url = self
            .database_url
            .clone()
            .or_else(|| file.database_url.clone())
            .filter(|u| !u.is_empty());
        if let Some(u) = &url {
            let known = ["postgres://", "postgresql://", "sqlite:"]
                .iter()
                .any(|p| u.starts_with(p));
            anyhow::ensure!(
                known,
                "--database-url must start with postgres://, postgresql:// or sqlite: (got {})",
                vinculo_store::db::redact_url(u)
            );
        }
        Ok(DbConfig {
            url: url.map(SecretString::from),
            data_dir: self
                .data_dir
                .clone()
                .or_else(|| file.data_dir.clone())
                .unwrap_or_else(|| PathBuf::from("vinculo-data")),
            max_connections: self.max_connections.or(file.max_connections).unwrap_or(10),
        })
    }
}

/// Connects and applies migrations, explaining the usual failures.
pub async fn connect(cfg: &DbConfig) -> anyhow::Result<Db> {
    let db = Db::connect(cfg)
        .await
        .with_context(|| format!("cannot open the database ({cfg:?})"))?;
    db.migrate()
        .await
        .context("cannot apply database migrations")?;
    db.optimize()
        .await
        .context("cannot refresh the query planner's statistics")?;
    Ok(db)
}

pub async fn migrate(cfg: &DbConfig, status: bool) -> anyhow::Result<()> {
    let db = Db::connect(cfg)
        .await
        .with_context(|| format!("cannot open the database ({cfg:?})"))?;
    if !status {
        db.migrate()
            .await
            .context("cannot apply database migrations")?;
    }
    let list = db.migration_status().await?;
    let pending = list.iter().filter(|m| m.applied_at.is_none()).count();
    let rows: Vec<(String, String, &str)> = list
        .iter()
        .map(|m| {
            let applied = m
                .applied_at
                .map_or_else(|| "pending".to_owned(), applied_at);
            (m.version.to_string(), applied, m.description.as_str())
        })
        .collect();
    let (version, applied) = ("VERSION", "APPLIED");
    let vw = rows
        .iter()
        .map(|r| r.0.len())
        .fold(version.len(), usize::max);
    let aw = rows
        .iter()
        .map(|r| r.1.len())
        .fold(applied.len(), usize::max);
    println!("{version:<vw$}  {applied:<aw$}  DESCRIPTION");
    for (v, a, d) in &rows {
        println!("{v:<vw$}  {a:<aw$}  {d}");
    }
    println!(
        "{} migration(s), {} pending ({:?})",
        list.len(),
        pending,
        db.backend()
    );
    db.close().await;
    Ok(())
}

/// When a migration was applied, in RFC 3339 to the second, in UTC (`2026-11-23T06:32:19Z`).
fn applied_at(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::applied_at;

    #[test]
    fn an_applied_time_is_rfc_3339_in_utc_to_the_second() {
        let t = time::macros::datetime!(2026-11-23 7:32:19.123 +01:00);
        assert_eq!(applied_at(t), "2026-11-23T06:32:19Z");
    }
}
