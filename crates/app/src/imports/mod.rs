//! Importing people from a CSV file. One thread reads, maps and validates rows; the caller's
//! task writes them in batches, each batch one transaction:
//! 1. the organisations the batch names are found by name, or created;
//! 2. every identity key of the batch is looked up at once. A row whose keys belong to one
//!    existing customer updates it; to a row earlier in the file, is merged into it; to two
//!    different customers, is rejected; otherwise it is new;
//! 3. new people are written with multi-row INSERTs, updates one by one (with their audit
//!    entries).
//!
//! Rejected rows are reported with their line number and reason, and the rest is imported. A
//! dry run does all of it but write. Memory stays flat whatever the file's size (a dry run
//! remembers the keys it has seen, to count the file's own duplicates). Created customers are
//! audited as one entry for the import (file, counts), not one per row.
pub mod reader;

mod batch;

use crate::customers::Rules;
use crate::{audit, App, AppError, Principal};
pub use batch::Rejection;
use reader::CsvSource;
use serde::Serialize;
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::import::{known_stage_alias, read_row, Mapping, Row};
use vinculo_domain::customers::Customer;
use vinculo_domain::identity::Region;
use vinculo_domain::ids::CustomerId;

/// Rows validated per batch (and written per transaction).
const BATCH: usize = 10_000;
/// Rejections kept for the report (all are counted).
const MAX_KEPT: usize = 10_000;

/// What to import and how.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Overrides of the recognised headers: `Header=field,Other=ignore`.
    pub mapping: String,
    pub dry_run: bool,
    /// Named in the audit entry.
    pub file_name: String,
}

/// Counts so far (and at the end).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub bytes_read: u64,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub rejected: u64,
    pub organizations_created: u64,
}

/// The outcome of an import.
#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub encoding: &'static str,
    /// Each column and the field it was read as (`None`: ignored).
    pub columns: Vec<(String, Option<String>)>,
    pub counts: Progress,
    /// The first rejections, in file order.
    pub rejections: Vec<Rejection>,
}

/// A validated row, ready to write.
pub(crate) struct Prepared {
    pub line: u64,
    pub draft: vinculo_domain::customers::PersonDraft,
    pub customer: Customer,
    pub organization: Option<String>,
    pub region: Region,
}

/// Validates one row read from a file.
fn prepare(rules: &Rules, line: u64, mut row: Row) -> Result<Prepared, Rejection> {
    if let Some(s) = &row.person.lifecycle_stage {
        let known = rules
            .stages
            .iter()
            .any(|x| x.eq_ignore_ascii_case(s.trim()));
        if let (false, Some(alias)) = (known, known_stage_alias(s)) {
            if rules.stages.iter().any(|x| x == alias) {
                row.person.lifecycle_stage = Some(alias.to_owned());
            }
        }
    }
    // The organisation's id is known only once it is found or created: a placeholder passes
    // validation and is replaced when the batch is written.
    for a in &mut row.person.organizations {
        a.organization_id = uuid::Uuid::nil().to_string();
    }
    let region = row
        .country
        .as_deref()
        .and_then(Region::parse)
        .unwrap_or(rules.region);
    match rules.person(&row.person, region) {
        Ok(customer) => Ok(Prepared {
            line,
            draft: row.person,
            customer,
            organization: row.organization,
            region,
        }),
        Err(issues) => Err(Rejection::of_issues(line, issues)),
    }
}

type Batch = Vec<Result<Prepared, Rejection>>;

/// Imports the people of `source`; `on_progress` is called after every batch.
pub async fn import_csv(
    app: &App,
    actor: &Principal,
    source: CsvSource,
    opts: &ImportOptions,
    mut on_progress: impl FnMut(&Progress),
) -> Result<ImportReport, AppError> {
    actor.require(Area::Customers, Access::Write)?;
    // Imports write people: only people's fields are columns to map.
    let fields: Vec<_> = crate::customers::custom_fields(app, actor)
        .await?
        .into_iter()
        .filter(|d| {
            d.applies_to
                .includes(vinculo_domain::customers::Kind::Person)
        })
        .collect();
    let mapping = Mapping::new(&source.headers, &opts.mapping, &fields).map_err(|message| {
        AppError::Invalid {
            field: "map",
            message,
        }
    })?;
    let columns: Vec<(String, Option<String>)> = source
        .headers
        .iter()
        .zip(&mapping.0)
        .map(|(h, f)| (h.clone(), f.as_ref().map(ToString::to_string)))
        .collect();
    let encoding = source.encoding;
    let bytes_read = source.bytes_read.clone();
    let read: Producer = Box::new(move |rules, tx| read_csv(source, rules, &mapping, tx));
    let file = Described {
        encoding,
        columns,
        bytes_read,
    };
    run(app, actor, opts, file, read, &mut on_progress).await
}

/// Whether a file looks like vCard rather than CSV.
pub fn is_vcard(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]);
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_uppercase()
        .starts_with("BEGIN:VCARD")
}

/// Imports the people of a vCard file (a phone's or mail client's contacts export; UTF-8, or
/// Windows-1252 from old desktop exports). The file is read whole: contact lists are small.
pub async fn import_vcard(
    app: &App,
    actor: &Principal,
    bytes: Vec<u8>,
    opts: &ImportOptions,
    mut on_progress: impl FnMut(&Progress),
) -> Result<ImportReport, AppError> {
    actor.require(Area::Customers, Access::Write)?;
    let size = bytes.len() as u64;
    let (text, encoding) = match String::from_utf8(bytes) {
        Ok(t) => (t, "UTF-8"),
        Err(e) => (
            encoding_rs::WINDOWS_1252
                .decode(e.as_bytes())
                .0
                .into_owned(),
            "windows-1252",
        ),
    };
    let bytes_read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(size));
    let read: Producer = Box::new(move |rules, tx| {
        let mut batch: Batch = Vec::new();
        for card in vinculo_domain::customers::vcard::read_cards(&text) {
            batch.push(match card {
                Ok((line, row)) => prepare(rules, line, row),
                Err((line, problem)) => Err(Rejection::of_row(line, problem)),
            });
            if batch.len() >= BATCH && tx.blocking_send(std::mem::take(&mut batch)).is_err() {
                return;
            }
        }
        if !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
    });
    let file = Described {
        encoding,
        columns: Vec::new(),
        bytes_read,
    };
    run(app, actor, opts, file, read, &mut on_progress).await
}

/// What was detected about the file.
struct Described {
    encoding: &'static str,
    columns: Vec<(String, Option<String>)>,
    bytes_read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// Reads a file into batches of validated rows, on a thread of its own.
type Producer = Box<dyn FnOnce(&Rules, tokio::sync::mpsc::Sender<Batch>) + Send>;

/// Writes the batches a producer reads, and records the import.
async fn run(
    app: &App,
    actor: &Principal,
    opts: &ImportOptions,
    file: Described,
    read: Producer,
    on_progress: &mut impl FnMut(&Progress),
) -> Result<ImportReport, AppError> {
    let mut conn = app.db.conn().await?;
    let rules = Rules::load(&mut conn, actor).await?;
    drop(conn);
    let Described {
        encoding,
        columns,
        bytes_read,
    } = file;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
    let reading = tokio::task::spawn_blocking(move || read(&rules, tx));
    let mut writer = batch::Writer::new(app, actor, opts.dry_run).await?;
    let mut counts = Progress::default();
    let mut rejections: Vec<Rejection> = Vec::new();
    while let Some(rows) = rx.recv().await {
        counts.rows += rows.len() as u64;
        let outcome = writer.write(rows).await?;
        counts.created += outcome.created;
        counts.updated += outcome.updated;
        counts.organizations_created += outcome.organizations_created;
        counts.rejected += outcome.rejected.len() as u64;
        let room = MAX_KEPT.saturating_sub(rejections.len());
        rejections.extend(outcome.rejected.into_iter().take(room));
        counts.bytes_read = bytes_read.load(std::sync::atomic::Ordering::Relaxed);
        on_progress(&counts);
    }
    reading
        .await
        .map_err(|e| AppError::Internal(format!("the reader stopped: {e}")))?;
    rejections.sort_by_key(|r| r.line);
    if !opts.dry_run {
        app.db.optimize().await?;
        let mut tx = app.db.begin().await?;
        let after = json!({
            "file": opts.file_name, "rows": counts.rows, "created": counts.created,
            "updated": counts.updated, "rejected": counts.rejected,
            "organizations_created": counts.organizations_created,
        });
        let id = CustomerId::new();
        audit::record(
            &mut tx,
            actor,
            AuditAction::Create,
            "import",
            id,
            &json!(null),
            &after,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(ImportReport {
        dry_run: opts.dry_run,
        encoding,
        columns,
        counts,
        rejections,
    })
}

/// The reading thread of a CSV: rows to batches of prepared rows or rejections.
fn read_csv(
    mut source: CsvSource,
    rules: &Rules,
    mapping: &Mapping,
    tx: tokio::sync::mpsc::Sender<Batch>,
) {
    let mut batch: Batch = Vec::with_capacity(BATCH);
    let mut record = csv::StringRecord::new();
    loop {
        let line = source.reader.position().line() + 1;
        match source.reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                let cells: Vec<&str> = record.iter().collect();
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                batch.push(prepare(rules, line, read_row(mapping, &cells)));
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                batch.push(Err(Rejection::of_row(
                    line,
                    vinculo_domain::customers::Problem::UnreadableRow(e.to_string()),
                )));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
        if batch.len() >= BATCH
            && tx
                .blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .is_err()
        {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = tx.blocking_send(batch);
    }
}
