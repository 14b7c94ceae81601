//! `vinculo demo`: a demo workspace (users of every role, teams, organisations) filled with
//! as many generated people as asked, deterministic for a seed.
use crate::config::connect;
use crate::import::{print_report, progress_bar};
use anyhow::Context as _;
use vinculo_app::{App, AppConfig};
use vinculo_store::DbConfig;

#[derive(clap::Args)]
pub struct DemoArgs {
    /// How many people to generate.
    #[arg(long, default_value_t = 1000)]
    customers: u64,
    /// The same seed gives the same people.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Fill this workspace instead of the demo one.
    #[arg(long)]
    workspace: Option<String>,
    /// Write the generated people to this CSV file instead (a sample to try `vinculo import`;
    /// add --messy for the bad rows real exports have).
    #[arg(long)]
    csv: Option<std::path::PathBuf>,
    /// With --csv: include bad e-mails, unparseable phones and people listed twice.
    #[arg(long, requires = "csv")]
    messy: bool,
}

pub async fn run(args: DemoArgs, cfg: &DbConfig) -> anyhow::Result<()> {
    if let Some(path) = &args.csv {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("cannot create {} (it must not exist)", path.display()))?;
        let mut out = std::io::BufWriter::new(f);
        let mut people = vinculo_app::demo::DemoCsv::new(args.customers, args.seed, args.messy);
        std::io::copy(&mut people, &mut out)?;
        std::io::Write::flush(&mut out)?;
        eprintln!("{} people written to {}", args.customers, path.display());
        return Ok(());
    }
    let db = connect(cfg).await?;
    let app = App::new(db.clone(), AppConfig::default());
    let slug = match &args.workspace {
        Some(s) => s.clone(),
        None => {
            let info = vinculo_app::demo::seed(&app)
                .await
                .map_err(|e| anyhow::anyhow!("cannot create the demo workspace: {e}"))?;
            if info.created {
                eprintln!(
                    "demo workspace created; log in as {} with password {}",
                    info.logins.first().map(|l| l.0.as_str()).unwrap_or(""),
                    vinculo_app::demo::DEMO_PASSWORD
                );
            }
            vinculo_app::demo::DEMO_SLUG.to_owned()
        }
    };
    let operator = crate::operator::operator(&db, Some(&slug)).await?;
    let bar = progress_bar(
        args.customers,
        "{bar:30} {percent:>3}% {pos}/{len} people · {eta} left",
    );
    let started = std::time::Instant::now();
    let report = vinculo_app::demo::fill(&app, &operator, args.customers, args.seed, |p| {
        bar.set_position(p.rows);
    })
    .await;
    bar.finish_and_clear();
    db.close().await;
    let report = report.map_err(|e| anyhow::anyhow!("{e}"))?;
    print_report(&report);
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} people in {secs:.1} s ({:.0} rows/s) into workspace {slug}",
        report.counts.rows,
        report.counts.rows as f64 / secs.max(1e-9)
    );
    Ok(())
}
