//! `vinculo import customers FILE.csv`: people from a spreadsheet or another CRM's export,
//! with a progress bar, a dry run, and every rejected row reported by line.
use crate::config::connect;
use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use vinculo_app::imports::{
    import_csv, import_vcard, is_vcard, reader, ImportOptions, ImportReport,
};
use vinculo_app::{App, AppConfig};
use vinculo_store::DbConfig;

#[derive(clap::Subcommand)]
pub enum ImportCommand {
    /// Import people from CSV (UTF-8 or Windows-1252; comma, semicolon or tab) or vCard (a
    /// phone's contacts export; versions 2.1, 3.0 and 4.0). CSV headers of HubSpot and
    /// Salesforce exports, Spanish and English names and Vinculo's own export are recognised.
    /// Rows whose e-mail, phone or external id belongs to a customer update it.
    Customers {
        /// The CSV or vCard (.vcf) file.
        file: std::path::PathBuf,
        /// Column mapping overrides: "Header=field,Other=ignore". Fields: given_name,
        /// family_name, name, email, phone, external_id, external_id:SOURCE, organization,
        /// title, street, city, region, postal_code, country, lifecycle_stage, tags, notes,
        /// birthday, language, timezone.
        #[arg(long, default_value = "")]
        map: String,
        /// Report what would be created, updated and rejected, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write every rejected row (line, reason) to this CSV file.
        #[arg(long)]
        rejects: Option<std::path::PathBuf>,
        /// Workspace slug [default: the only workspace].
        #[arg(long)]
        workspace: Option<String>,
    },
}

pub async fn run(cmd: ImportCommand, cfg: &DbConfig) -> anyhow::Result<()> {
    let ImportCommand::Customers {
        file,
        map,
        dry_run,
        rejects,
        workspace,
    } = cmd;
    let mut f =
        std::fs::File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
    let total = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = [0u8; 512];
    let n = std::io::Read::read(&mut f, &mut head)?;
    let vcard = is_vcard(&head[..n]);
    std::io::Seek::rewind(&mut f)?;
    let db = connect(cfg).await?;
    let operator = crate::operator::operator(&db, workspace.as_deref()).await?;
    let app = App::new(db.clone(), AppConfig::default());
    let bar = progress_bar(
        total,
        "{bar:30} {percent:>3}% {binary_bytes}/{binary_total_bytes} · {msg} · {eta} left",
    );
    let opts = ImportOptions {
        mapping: map,
        dry_run,
        file_name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let progress = |p: &vinculo_app::imports::Progress| {
        bar.set_position(p.bytes_read);
        bar.set_message(format!(
            "{} rows: {} new, {} updated, {} rejected",
            p.rows, p.created, p.updated, p.rejected
        ));
    };
    let result = if vcard {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes)?;
        import_vcard(&app, &operator, bytes, &opts, progress).await
    } else {
        let source = reader::open(f).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        import_csv(&app, &operator, source, &opts, progress).await
    };
    bar.finish_and_clear();
    db.close().await;
    let report = result.map_err(|e| anyhow::anyhow!("{e}"))?;
    print_report(&report);
    if let Some(path) = rejects {
        write_rejects(&path, &report)?;
        eprintln!("rejected rows written to {}", path.display());
    }
    Ok(())
}

/// A progress bar on standard error (hidden when it is not a terminal).
pub fn progress_bar(len: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

pub fn print_report(r: &ImportReport) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "encoding {}{}",
        r.encoding,
        if r.columns.is_empty() {
            ""
        } else {
            "; columns:"
        }
    );
    for (header, field) in &r.columns {
        let _ = writeln!(
            err,
            "  {header:<30} → {}",
            field.as_deref().unwrap_or("(ignored)")
        );
    }
    let c = &r.counts;
    let _ = writeln!(
        err,
        "{}{} rows: {} new, {} updated, {} rejected; {} new organisation(s)",
        if r.dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        c.rows,
        c.created,
        c.updated,
        c.rejected,
        c.organizations_created,
    );
    for rej in r.rejections.iter().take(20) {
        let _ = writeln!(err, "  line {}: {}", rej.line, rej.reason);
    }
    if c.rejected > 20 {
        let _ = writeln!(err, "  … and {} more (see --rejects FILE)", c.rejected - 20);
    }
}

/// A CSV of rejected lines (`line,reason`), created new: an existing file is never
/// overwritten. Shared with `vinculo ingest`.
pub(crate) type RejectsCsv = csv::Writer<std::io::BufWriter<std::fs::File>>;

pub(crate) fn create_rejects(path: &std::path::Path) -> anyhow::Result<RejectsCsv> {
    let f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist)", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    w.write_record(["line", "reason"])?;
    Ok(w)
}

fn write_rejects(path: &std::path::Path, r: &ImportReport) -> anyhow::Result<()> {
    let mut w = create_rejects(path)?;
    for rej in &r.rejections {
        w.write_record([rej.line.to_string(), rej.reason.clone()])?;
    }
    w.flush()?;
    Ok(())
}
