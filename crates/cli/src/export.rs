//! `vinculo export customers`: the operator's export of a workspace's customers as CSV or
//! vCard 4.0, to a file or standard output, in constant memory.
use crate::config::connect;
use anyhow::Context as _;
use std::io::Write;
use vinculo_app::exports::{export, Format};
use vinculo_app::{App, AppConfig};
use vinculo_store::customers::CustomerFilter;
use vinculo_store::DbConfig;

#[derive(clap::Subcommand)]
pub enum ExportCommand {
    /// Export customers (archived ones too with --archived).
    Customers {
        /// Workspace slug [default: the only workspace].
        #[arg(long)]
        workspace: Option<String>,
        /// csv or vcard.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Write here instead of standard output (must not exist).
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
        /// Include archived customers.
        #[arg(long)]
        archived: bool,
    },
}

pub async fn run(cmd: ExportCommand, cfg: &DbConfig) -> anyhow::Result<()> {
    let ExportCommand::Customers {
        workspace,
        format,
        output,
        archived,
    } = cmd;
    let format = match format.as_str() {
        "csv" => Format::Csv,
        "vcard" | "vcf" => Format::VCard,
        other => anyhow::bail!("--format {other:?}: expected csv or vcard"),
    };
    let db = connect(cfg).await?;
    let operator = crate::operator::operator(&db, workspace.as_deref()).await?;
    let mut out: Box<dyn Write + Send> = match &output {
        Some(path) => {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| format!("cannot create {} (it must not exist)", path.display()))?;
            Box::new(std::io::BufWriter::new(f))
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let app = App::new(db.clone(), AppConfig::default());
    let filter = CustomerFilter {
        include_archived: archived,
        ..CustomerFilter::default()
    };
    let mut failed: Option<std::io::Error> = None;
    let count = export(&app, &operator, &filter, format, |chunk| {
        let ok = failed.is_none() && out.write_all(&chunk).map_err(|e| failed = Some(e)).is_ok();
        std::future::ready(ok)
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(e) = failed {
        return Err(e).context("writing the export failed");
    }
    out.flush()?;
    if let Some(path) = output {
        eprintln!("{count} customer(s) exported to {}", path.display());
    }
    db.close().await;
    Ok(())
}
