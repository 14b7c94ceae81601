//! `vinculo backup` and `vinculo restore`.
//!
//! SQLite: SQLite's online backup API copies the live file while the server keeps writing
//! (`vinculo_store::backup` says how a steady stream of writes is dealt with), into a single
//! self-contained file. PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`
//! (printed by `restore`).
//!
//! Neither holds the credentials key that seals the stored mailbox passwords: the operator's
//! guide says to keep it apart from the database backups (a stolen backup then reveals no
//! password), so `backup` reminds of it rather than copying it next to the backup.
use crate::config::connect;
use anyhow::Context as _;
use secrecy::ExposeSecret;
use std::path::{Path, PathBuf};
use vinculo_store::{Backend, Db, DbConfig};

/// Where `vinculo serve` keeps the credentials key when `VINCULO_CREDENTIALS_KEY` is not set.
const KEY_FILE: &str = "credentials.key";
const KEY_ENV: &str = "VINCULO_CREDENTIALS_KEY";

pub async fn backup(cfg: &DbConfig, dest: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !dest.exists(),
        "{} already exists; choose a new file name",
        dest.display()
    );
    match cfg.backend() {
        Backend::Sqlite => {
            let db = connect(cfg).await?;
            let copied = db
                .sqlite_backup(dest)
                .await
                .with_context(|| format!("backup to {} failed", dest.display()));
            db.close().await;
            let copied = copied?;
            let size = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
            let restarts = match copied.restarts {
                0 => String::new(),
                n => format!(
                    "; the server wrote meanwhile and the copy started again {n} time(s){}",
                    if copied.in_one_step {
                        ", then finished in one step"
                    } else {
                        ""
                    }
                ),
            };
            println!(
                "Backup written to {} ({} KiB, {} pages{restarts}). Restore it with `vinculo restore {}`.",
                dest.display(),
                size / 1024,
                copied.pages,
                dest.display()
            );
        }
        Backend::Postgres => pg_dump(cfg, dest)?,
    }
    remind_of_the_key(cfg);
    Ok(())
}

/// The credentials key is in no backup: say where it is, so it is kept too.
fn remind_of_the_key(cfg: &DbConfig) {
    let from_env = std::env::var(KEY_ENV).is_ok_and(|k| !k.trim().is_empty());
    let file = cfg.data_dir.join(KEY_FILE);
    if from_env {
        println!("Mailbox passwords are sealed with the key in {KEY_ENV}, which is not in this backup: keep that value too, apart from the backups (see the operator's guide, \"The credentials key\").");
    } else if file.is_file() {
        println!("Mailbox passwords are sealed with {}, which is not in this backup: keep a copy of that file too, apart from the backups (see the operator's guide, \"The credentials key\").", file.display());
    }
}

fn pg_dump(cfg: &DbConfig, dest: &Path) -> anyhow::Result<()> {
    let raw = cfg
        .url
        .as_ref()
        .map(|u| u.expose_secret().to_owned())
        .unwrap_or_default();
    let mut url = url::Url::parse(&raw).context("the database URL does not parse")?;
    // The password goes in the environment, not the command line that `ps` shows.
    let password = url.password().map(str::to_owned);
    let _ = url.set_password(None);
    let mut cmd = std::process::Command::new("pg_dump");
    cmd.arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(dest)
        .arg("--dbname")
        .arg(url.as_str());
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let status = cmd.status().map_err(|e| {
        anyhow::anyhow!("cannot run pg_dump ({e}). Install the PostgreSQL client tools (Debian: apt-get install postgresql-client) and run again, or back up with your usual PostgreSQL tooling")
    })?;
    anyhow::ensure!(status.success(), "pg_dump failed ({status})");
    println!("Backup written to {} (pg_dump custom format).\nRestore into an empty database with:\n  pg_restore --no-owner --dbname <postgres-url> {}", dest.display(), dest.display());
    Ok(())
}

pub async fn restore(cfg: &DbConfig, src: &Path, force: bool) -> anyhow::Result<()> {
    let Some(target) = cfg.sqlite_path() else {
        anyhow::bail!("for PostgreSQL, restore with: pg_restore --no-owner --clean --dbname <postgres-url> {}\n(stop Vinculo first, leave out --clean for a new empty database; then start it, and it applies any newer migrations. Put back the credentials key too: {KEY_ENV}, or {KEY_FILE} in the data directory)", src.display());
    };
    anyhow::ensure!(src.is_file(), "{} is not a file", src.display());
    anyhow::ensure!(
        !target.exists() || force,
        "{} exists; stop the server and add --force to replace it (the current file is kept aside)",
        target.display()
    );
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // The backup is copied next to the database and the copy is checked, so the operator's
    // file is only ever read (opening a database can change it: its journal mode, its
    // statistics), and what is put in place is exactly what passed the checks.
    let staged = PathBuf::from(format!("{}.restoring", target.display()));
    remove_with_sides(&staged);
    std::fs::copy(src, &staged)
        .with_context(|| format!("cannot copy {} to {}", src.display(), staged.display()))?;
    if let Err(e) = check_backup(cfg, &staged, src).await {
        remove_with_sides(&staged);
        return Err(e);
    }
    if target.exists() {
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let aside = target.with_extension(format!("db.before-restore-{stamp}"));
        std::fs::rename(&target, &aside)
            .with_context(|| format!("cannot move {} aside", target.display()))?;
        for ext in ["db-wal", "db-shm"] {
            let side = target.with_extension(ext);
            if side.exists() {
                std::fs::rename(
                    &side,
                    aside.with_extension(format!("{ext}.before-restore-{stamp}")),
                )
                .ok();
            }
        }
        println!("The previous database was kept as {}", aside.display());
    }
    // The check closed its connections, which folds the copy's log back into it; a log
    // left behind goes along with it.
    for side in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{side}", staged.display()));
        if from.exists() {
            std::fs::rename(&from, format!("{}{side}", target.display()))
                .with_context(|| format!("cannot move {} into place", from.display()))?;
        }
    }
    std::fs::rename(&staged, &target)
        .with_context(|| format!("cannot move {} into place", staged.display()))?;
    println!(
        "Restored {} into {}. Start the server as usual.",
        src.display(),
        target.display()
    );
    let key = cfg.data_dir.join(KEY_FILE);
    if !key.is_file() && std::env::var(KEY_ENV).is_err() {
        println!("No credentials key at {}: put back the copy kept with your backups (or set {KEY_ENV}), or every mailbox password must be typed again.", key.display());
    }
    Ok(())
}

/// Checks a copy of a backup before it is put in place: it must open, carry Vinculo's
/// migration table and pass SQLite's integrity check.
async fn check_backup(cfg: &DbConfig, copy: &Path, src: &Path) -> anyhow::Result<()> {
    let check = DbConfig {
        url: Some(format!("sqlite://{}", copy.display()).into()),
        ..cfg.clone()
    };
    let db = Db::connect(&check)
        .await
        .with_context(|| format!("{} is not a SQLite database", src.display()))?;
    let status = db.migration_status().await;
    let ok = db.sqlite_integrity_check().await;
    db.close().await;
    let status = status.context("cannot read the backup's migrations")?;
    anyhow::ensure!(
        status.iter().any(|m| m.applied_at.is_some()),
        "{} is not a Vinculo backup (no migrations applied)",
        src.display()
    );
    anyhow::ensure!(
        ok?,
        "{} fails SQLite's integrity check; not restoring it",
        src.display()
    );
    Ok(())
}

/// Removes a database file and its log files, if there.
fn remove_with_sides(db: &Path) {
    for side in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", db.display()));
    }
}
