//! Import throughput: `vinculo import customers` on a generated, messy CSV of people (every
//! row has a phone; 1% bad e-mails, 1% unparseable phones, 1% people listed twice; a third
//! work at one of ~2,000 companies), as a dry run (read, validate, match) and for real,
//! against the raw SQLite bulk-insert rate of the same rows in the same run: one table of the
//! file's eleven text columns, 128-row INSERTs through the same driver (sqlx) with the same
//! WAL and synchronous=NORMAL settings, no validation and no indexes.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::server::Scratch;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn vinculo(bin: &Path, args: &[&str], data_dir: &Path, stdin: Option<&str>) -> Result<String> {
    let mut cmd = Command::new(bin);
    cmd.args(args).arg("--data-dir").arg(data_dir);
    let out = if let Some(line) = stdin {
        use std::io::Write;
        let mut child = cmd
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        if let Some(mut s) = child.stdin.take() {
            s.write_all(format!("{line}\n").as_bytes())?;
        }
        child.wait_with_output()?
    } else {
        cmd.output()?
    };
    if !out.status.success() {
        bail!(
            "vinculo {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stderr).into_owned())
}

/// One connection to a new SQLite file with Vinculo's settings (WAL, synchronous=NORMAL):
/// where the raw-insert baselines write.
pub(crate) async fn raw_pool(db: &Path) -> Result<sqlx::SqlitePool> {
    let opts = SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await?)
}

/// Raw rows/s of inserting the CSV's rows into one plain SQLite table.
async fn baseline(csv_path: &Path, db: &Path) -> Result<f64> {
    let pool = raw_pool(db).await?;
    let cols: Vec<String> = (0..11).map(|i| format!("c{i} TEXT")).collect();
    sqlx::query(&format!("CREATE TABLE people ({})", cols.join(", ")))
        .execute(&pool)
        .await?;
    let started = Instant::now();
    let mut rdr = csv::Reader::from_path(csv_path)?;
    let mut tx = pool.begin().await?;
    let mut chunk: Vec<csv::StringRecord> = Vec::with_capacity(128);
    let mut n = 0u64;
    let mut records = rdr.records();
    loop {
        let next = records.next().transpose()?;
        if let Some(r) = next {
            chunk.push(r);
            if chunk.len() < 128 {
                continue;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO people ");
        q.push_values(chunk.iter(), |mut b, r| {
            for i in 0..11 {
                b.push_bind(r.get(i).unwrap_or("").to_owned());
            }
        });
        q.build().execute(&mut *tx).await?;
        n += chunk.len() as u64;
        chunk.clear();
        if n.is_multiple_of(10_000) {
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    tx.commit().await?;
    let secs = started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(n as f64 / secs)
}

/// The least SQLite work identity matching needs per person, as people/s: the row itself
/// (the CSV's 11 columns and an id, no secondary index) and its identity keys (e-mail
/// lowercased, the phone's digits, the external id) in a unique key table, written with the
/// same 128-person statements and 10,000 people per transaction as the import, with no
/// parsing, validation, search terms or child rows. An import that matches identities
/// cannot beat this rate on the same machine.
async fn identity_floor(csv_path: &Path, db: &Path) -> Result<f64> {
    let pool = raw_pool(db).await?;
    let cols: Vec<String> = (0..11).map(|i| format!("c{i} TEXT")).collect();
    sqlx::query(&format!(
        "CREATE TABLE people (id BLOB PRIMARY KEY NOT NULL, {})",
        cols.join(", ")
    ))
    .execute(&pool)
    .await?;
    sqlx::query(
        "CREATE TABLE identity_keys (kind TEXT NOT NULL, key TEXT NOT NULL, \
         person_id BLOB NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID",
    )
    .execute(&pool)
    .await?;
    let started = Instant::now();
    let mut rdr = csv::Reader::from_path(csv_path)?;
    let mut tx = pool.begin().await?;
    let mut chunk: Vec<(uuid::Uuid, csv::StringRecord)> = Vec::with_capacity(128);
    let mut n = 0u64;
    let mut records = rdr.records();
    loop {
        let next = records.next().transpose()?;
        if let Some(r) = next {
            chunk.push((uuid::Uuid::now_v7(), r));
            if chunk.len() < 128 {
                continue;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO people ");
        q.push_values(chunk.iter(), |mut b, (id, r)| {
            b.push_bind(id.as_bytes().to_vec());
            for i in 0..11 {
                b.push_bind(r.get(i).unwrap_or("").to_owned());
            }
        });
        q.build().execute(&mut *tx).await?;
        let keys: Vec<(&str, String, &uuid::Uuid)> = chunk
            .iter()
            .flat_map(|(id, r)| {
                let email = r.get(2).unwrap_or("").trim().to_lowercase();
                let phone: String = r
                    .get(3)
                    .unwrap_or("")
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                let external = r.get(10).unwrap_or("").trim().to_owned();
                [("email", email), ("phone", phone), ("external", external)]
                    .into_iter()
                    .filter(|(_, k)| !k.is_empty())
                    .map(move |(kind, k)| (kind, k, id))
            })
            .collect();
        if !keys.is_empty() {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT OR IGNORE INTO identity_keys (kind, key, person_id) ",
            );
            q.push_values(keys.iter(), |mut b, (kind, key, id)| {
                b.push_bind(*kind)
                    .push_bind(key.as_str())
                    .push_bind(id.as_bytes().to_vec());
            });
            q.build().execute(&mut *tx).await?;
        }
        n += chunk.len() as u64;
        chunk.clear();
        if n.is_multiple_of(10_000) {
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    tx.commit().await?;
    let secs = started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(n as f64 / secs)
}

/// Times `vinculo import customers` (`dry` or not) into a fresh data dir; rows/s.
fn import_once(bin: &Path, csv_path: &Path, rows: u64, dry: bool) -> Result<(f64, String)> {
    let scratch = Scratch::new("import")?;
    let data = scratch.data_dir();
    vinculo(
        bin,
        &[
            "user",
            "create",
            "--admin",
            "--email",
            "bench@example.invalid",
        ],
        &data,
        Some("bench-password-0123456789"),
    )?;
    let file = csv_path.to_string_lossy().into_owned();
    let mut args = vec!["import", "customers", file.as_str()];
    if dry {
        args.push("--dry-run");
    }
    let started = Instant::now();
    let out = vinculo(bin, &args, &data, None)?;
    let secs = started.elapsed().as_secs_f64();
    let summary = out
        .lines()
        .find(|l| l.contains(" rows: "))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let db_mib = scratch.db_bytes().unwrap_or(0) as f64 / (1024.0 * 1024.0);
    let summary = if dry {
        summary
    } else {
        format!("{summary}; database {db_mib:.0} MiB")
    };
    Ok((rows as f64 / secs, summary))
}

pub fn run(bin: &Path, rows: u64, reps: usize) -> Result<String> {
    if !bin.is_file() {
        bail!(
            "{} not found; build it with `cargo build --release -p vinculo`",
            bin.display()
        );
    }
    let scratch = Scratch::new("import-csv")?;
    let csv_path: PathBuf = scratch.data_dir().join("people.csv");
    let file = csv_path.to_string_lossy().into_owned();
    let rows_s = rows.to_string();
    vinculo(
        bin,
        &[
            "demo",
            "--customers",
            &rows_s,
            "--seed",
            "1",
            "--messy",
            "--csv",
            &file,
        ],
        &scratch.data_dir().join("unused"),
        None,
    )?;
    let size_mib =
        std::fs::metadata(&csv_path).context("generated CSV")?.len() as f64 / (1024.0 * 1024.0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut base = Vec::new();
    let mut floor = Vec::new();
    let mut dry = Vec::new();
    let mut real = Vec::new();
    let mut last = (String::new(), String::new());
    for i in 0..reps {
        let db = scratch.data_dir().join(format!("baseline-{i}.db"));
        base.push(rt.block_on(baseline(&csv_path, &db))?);
        let db = scratch.data_dir().join(format!("floor-{i}.db"));
        floor.push(rt.block_on(identity_floor(&csv_path, &db))?);
        let (r, s) = import_once(bin, &csv_path, rows, true)?;
        dry.push(r);
        last.0 = s;
        let (r, s) = import_once(bin, &csv_path, rows, false)?;
        real.push(r);
        last.1 = s;
    }
    let (b, f, d, r) = (median(base), median(floor), median(dry), median(real));
    Ok(format!(
        "dataset: {rows} generated people ({size_mib:.1} MiB CSV, messy), {reps} runs, medians\n\
         raw SQLite bulk insert (baseline): {b:>9.0} rows/s\n\
         raw person + identity keys (floor): {f:>8.0} rows/s  (the least an import that matches identities writes)\n\
         vinculo import --dry-run:          {d:>9.0} rows/s  ({:.0}% of baseline)  [{}]\n\
         vinculo import:                    {r:>9.0} rows/s  ({:.0}% of baseline)  [{}]",
        100.0 * d / b,
        last.0,
        100.0 * r / b,
        last.1
    ))
}
