//! `vinculo ingest FILE.jsonl`: interactions of any channel from a JSON Lines file (or standard
//! input), streamed in batches, with a progress bar and every rejected line reported by number.
use crate::config::connect;
use crate::import::progress_bar;
use crate::import::{create_rejects, RejectsCsv};
use anyhow::Context as _;
use indicatif::ProgressBar;
use std::io::{BufRead, Read as _, Write as _};
use std::path::{Path, PathBuf};
use vinculo_app::interactions::{ingest, IngestResult, Outcome, MAX_BATCH};
use vinculo_app::{App, AppConfig, Principal};
use vinculo_domain::customers::FieldIssue;
use vinculo_domain::interactions::InteractionDraft;
use vinculo_store::DbConfig;

/// Line bytes per batch, besides [`MAX_BATCH`] lines: a thousand long e-mails with their HTML
/// would otherwise be held at once (up to ~1 GB); 16 MiB keeps the memory small and a batch of
/// ordinary interactions (about 1 KiB each) still full.
const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

/// The longest line read. The largest interaction validation accepts (512 KiB of HTML, 100,000
/// characters of body, 32 KiB of attributes) fits, JSON-escaped; a longer line is rejected
/// without being held whole.
const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// Rejected lines listed on the console; all of them go to `--rejects FILE`.
const SHOWN: usize = 20;

#[derive(clap::Args)]
pub struct IngestArgs {
    /// The JSON Lines file (`-` reads standard input).
    file: PathBuf,
    /// Write every rejected line (line, reason) to this CSV file (must not exist).
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Workspace slug [default: the only workspace].
    #[arg(long)]
    workspace: Option<String>,
}

pub async fn run(args: IngestArgs, cfg: &DbConfig) -> anyhow::Result<()> {
    let (mut input, total) = open(&args.file)?;
    let db = connect(cfg).await?;
    let operator = crate::operator::operator(&db, args.workspace.as_deref()).await?;
    // Created before reading, so that a file already there stops the run before anything is
    // written, and rejections are streamed to it rather than kept.
    let mut rejects = match &args.rejects {
        Some(path) => Some(create_rejects(path)?),
        None => None,
    };
    let app = App::new(db.clone(), AppConfig::default());
    let bar = match total {
        Some(len) => progress_bar(
            len,
            "{bar:30} {percent:>3}% {binary_bytes}/{binary_total_bytes} · {msg} · {eta} left",
        ),
        None => progress_bar(0, "{spinner} {binary_bytes} · {msg}"),
    };
    let mut tally = Tally::default();
    let result = ingest_all(
        &app,
        &operator,
        &mut *input,
        &bar,
        &mut tally,
        rejects.as_mut(),
    )
    .await;
    bar.finish_and_clear();
    db.close().await;
    tally.print(args.rejects.is_some());
    if let Some(w) = rejects.as_mut() {
        w.flush()?;
    }
    result?;
    if let Some(path) = &args.rejects {
        eprintln!("rejected lines written to {}", path.display());
    }
    Ok(())
}

/// The input and its length (unknown for standard input).
fn open(file: &Path) -> anyhow::Result<(Box<dyn BufRead>, Option<u64>)> {
    if file.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin().lock()), None));
    }
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let len = f.metadata().map(|m| m.len()).ok();
    Ok((Box::new(std::io::BufReader::new(f)), len))
}

/// Reads every line, ingesting them a batch at a time.
async fn ingest_all(
    app: &App,
    actor: &Principal,
    input: &mut dyn BufRead,
    bar: &ProgressBar,
    tally: &mut Tally,
    mut rejects: Option<&mut RejectsCsv>,
) -> anyhow::Result<()> {
    let mut batch = Batch::default();
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut bytes_read = 0u64;
    bar.set_message(tally.progress());
    loop {
        let (consumed, too_long) = read_line(input, &mut buf)
            .with_context(|| format!("cannot read line {}", line_no + 1))?;
        if consumed == 0 {
            break;
        }
        line_no += 1;
        bytes_read += consumed as u64;
        bar.set_position(bytes_read);
        let mut line = buf.as_slice();
        if line_no == 1 {
            // Some Windows tools start UTF-8 text with a byte-order mark.
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.trim_ascii().is_empty() && !too_long {
            continue;
        }
        if too_long {
            batch.rejected.push((
                line_no,
                format!(
                    "the line is longer than {} MiB",
                    MAX_LINE_BYTES / (1024 * 1024)
                ),
            ));
            continue;
        }
        match parse(line) {
            Ok(draft) => {
                batch.bytes += line.len();
                batch.lines.push(line_no);
                batch.drafts.push(draft);
            }
            Err(reason) => batch.rejected.push((line_no, reason)),
        }
        if batch.drafts.len() == MAX_BATCH || batch.bytes >= MAX_BATCH_BYTES {
            batch
                .send(app, actor, tally, rejects.as_deref_mut())
                .await?;
            bar.set_message(tally.progress());
        }
    }
    batch.send(app, actor, tally, rejects).await
}

/// Reads one line into `buf` (its end included), keeping at most [`MAX_LINE_BYTES`] of it.
/// Returns the bytes consumed (0 at the end of the input) and whether the line was longer, in
/// which case the rest of it was skipped.
fn read_line(input: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    buf.clear();
    let limit = MAX_LINE_BYTES as u64 + 1;
    let n = (&mut *input).take(limit).read_until(b'\n', buf)?;
    if buf.len() > MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
        let rest = input.skip_until(b'\n')?;
        buf.clear();
        return Ok((n + rest, true));
    }
    Ok((n, false))
}

/// The usual cause of a line that is not a whole object: JSON pretty-printed over several lines.
const SPLIT_HINT: &str = "(each object on one line of its own)";

/// One line's draft, or why it is not one.
fn parse(line: &[u8]) -> Result<InteractionDraft, String> {
    // serde would read an array as the draft's fields in order, and say `[1]` has a number
    // where `channel` is; a person needs to hear it is not an object.
    if !line.trim_ascii_start().starts_with(b"{") {
        return Err(match serde_json::from_slice::<serde_json::Value>(line) {
            Ok(v) => format!("expected a JSON object, found {}", kind(&v)),
            Err(_) => format!("expected a JSON object {SPLIT_HINT}"),
        });
    }
    serde_json::from_slice(line).map_err(|e| json_error(&e))
}

fn kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value::*;
    match v {
        Null => "null",
        Bool(_) => "a boolean",
        Number(_) => "a number",
        String(_) => "a string",
        Array(_) => "an array",
        Object(_) => "an object",
    }
}

/// serde_json's message without its "at line 1 column N" (every line is parsed on its own, so
/// only the column says anything), and with the draft types named as a person knows them.
fn json_error(e: &serde_json::Error) -> String {
    if e.classify() == serde_json::error::Category::Eof {
        // The usual cause: an object cut short, or pretty-printed over several lines.
        return format!("the line ends before the object does {SPLIT_HINT}");
    }
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full
        .strip_suffix(&suffix)
        .unwrap_or(&full)
        .replace("struct InteractionDraft", "an interaction object")
        .replace("struct IdentityDraft", "a customer object")
        .replace("struct LinksDraft", "a links object");
    if e.line() == 0 {
        message
    } else {
        format!("{message} (column {})", e.column())
    }
}

/// Lines read but not yet sent, and those already rejected among them.
#[derive(Default)]
struct Batch {
    lines: Vec<u64>,
    drafts: Vec<InteractionDraft>,
    bytes: usize,
    rejected: Vec<(u64, String)>,
}

impl Batch {
    /// Ingests the drafts (one transaction) and counts every line of the batch.
    async fn send(
        &mut self,
        app: &App,
        actor: &Principal,
        tally: &mut Tally,
        mut rejects: Option<&mut RejectsCsv>,
    ) -> anyhow::Result<()> {
        // Counted once sent: a batch that fails is not part of the summary.
        let lines = (self.lines.len() + self.rejected.len()) as u64;
        if !self.drafts.is_empty() {
            let rejected = self.rejected.iter().map(|(line, _)| line);
            let first = self
                .lines
                .iter()
                .chain(rejected)
                .min()
                .copied()
                .unwrap_or(0);
            // Display, not the cause chain: the store's message already ends with its cause.
            let results = ingest(app, actor, &self.drafts).await.map_err(|e| {
                anyhow::anyhow!(
                    "ingesting stopped at line {first} (every line before it is done): {e}"
                )
            })?;
            for (line, result) in self.lines.iter().zip(results) {
                tally.count(*line, result, &mut self.rejected);
            }
        }
        tally.lines += lines;
        // Parse and validation rejections, back in file order.
        self.rejected.sort_by_key(|(line, _)| *line);
        for (line, reason) in self.rejected.drain(..) {
            tally.reject(line, reason, rejects.as_deref_mut())?;
        }
        self.lines.clear();
        self.drafts.clear();
        self.bytes = 0;
        Ok(())
    }
}

/// What became of the lines so far.
#[derive(Default)]
struct Tally {
    lines: u64,
    created: u64,
    new_customers: u64,
    duplicates: u64,
    rejected: u64,
    /// The first [`SHOWN`] rejections, for the console.
    shown: Vec<(u64, String)>,
}

impl Tally {
    fn count(&mut self, line: u64, result: IngestResult, rejected: &mut Vec<(u64, String)>) {
        match result {
            Ok(i) if i.outcome == Outcome::Duplicate => self.duplicates += 1,
            Ok(i) => {
                self.created += 1;
                self.new_customers += u64::from(i.new_customer);
            }
            Err(issues) => rejected.push((line, issues_text(&issues))),
        }
    }

    fn reject(
        &mut self,
        line: u64,
        reason: String,
        rejects: Option<&mut RejectsCsv>,
    ) -> anyhow::Result<()> {
        self.rejected += 1;
        if let Some(w) = rejects {
            w.write_record([line.to_string(), reason.clone()])
                .context("cannot write the rejected lines")?;
        }
        if self.shown.len() < SHOWN {
            self.shown.push((line, reason));
        }
        Ok(())
    }

    fn progress(&self) -> String {
        format!(
            "{} lines: {} ingested, {} already there, {} rejected",
            self.lines, self.created, self.duplicates, self.rejected
        )
    }

    fn print(&self, has_rejects_file: bool) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "{} lines: {} ingested ({} new customer(s)), {} already there, {} rejected",
            self.lines, self.created, self.new_customers, self.duplicates, self.rejected
        );
        for (line, reason) in &self.shown {
            let _ = writeln!(err, "  line {line}: {reason}");
        }
        let more = self.rejected.saturating_sub(self.shown.len() as u64);
        if more > 0 {
            let hint = if has_rejects_file {
                ""
            } else {
                " (see --rejects FILE)"
            };
            let _ = writeln!(err, "  … and {more} more{hint}");
        }
    }
}

/// `customer.email: "ana@" is not an e-mail address; type: …`.
fn issues_text(issues: &[FieldIssue]) -> String {
    issues
        .iter()
        .map(|i| {
            if i.field.is_empty() {
                i.message()
            } else {
                format!("{}: {}", i.field, i.message())
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
