//! The `vinculo` binary: `serve`, `migrate`, `user create`, `token create`, `import`,
//! `ingest`, `export`, `dedup`, `backup`, `restore`. Configuration comes from defaults, then
//! `vinculo.toml`, then `VINCULO_*` environment variables, then flags; each later source wins.
#![forbid(unsafe_code)]

mod accounts;
mod backup;
mod config;
mod dedup;
mod demo;
mod export;
mod import;
mod ingest;
mod operator;
mod serve;

use clap::{Parser, Subcommand};
use config::DbArgs;
use std::process::ExitCode;

/// mimalloc rather than glibc's malloc: under load the server's threads allocate and free each
/// other's request buffers, and glibc's arena locks were a sixth of `GET /customers/{id}`'s
/// profile (futex waits included). See docs/performance.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "vinculo", version, about = "Vinculo: one customer across every channel.", long_about = None)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve(serve::ServeArgs),
    /// Apply pending database migrations, or list them with --status.
    Migrate {
        /// List every migration and whether it is applied, without changing anything.
        #[arg(long)]
        status: bool,
    },
    /// Manage users.
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(accounts::TokenCommand),
    /// Export data (customers as CSV or vCard).
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Fill a workspace with generated people (names with accents, phones of several
    /// countries, organisations), deterministic with --seed.
    Demo(demo::DemoArgs),
    /// Import data (customers from CSV).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Ingest interactions (calls, e-mails, chats, visits…) from a JSON Lines file.
    ///
    /// One JSON object per line, e.g.
    ///   {"channel":"phone","type":"call","customer":{"phone":"+34 612 34 56 78"}}
    ///
    /// Fields: channel, type, direction (inbound or outbound), occurred_at (RFC 3339; now when
    /// missing), subject, body, body_html, attributes (an object), agent, links (ticket_id,
    /// order_id, campaign_id), customer (id, email, phone, external_id, device_id, name),
    /// source and source_event_id.
    ///
    /// Each interaction is tied to the customer its customer fields name, or to a new prospect.
    /// A line whose source and source_event_id are already stored is counted as already
    /// there, so running a file again adds nothing twice. Lines go in batches of 1000, each
    /// in one transaction; every rejected line is reported by number and the rest go on.
    #[command(verbatim_doc_comment)]
    Ingest(ingest::IngestArgs),
    /// Find likely duplicate people in a workspace and raise merge suggestions for them
    /// (with their score and evidence). Pairs already suggested, merged or dismissed are
    /// left as they are.
    Dedup(dedup::DedupArgs),
    /// Take a consistent online backup while the server runs (SQLite: one file, copied with
    /// SQLite's online backup API; PostgreSQL: pg_dump's custom format).
    ///
    /// Mailbox passwords are stored sealed with the credentials key (<data dir>/credentials.key
    /// or VINCULO_CREDENTIALS_KEY), which is not in the backup: keep a copy of it too, apart
    /// from the database backups (docs/operator-guide.md, "The credentials key").
    Backup {
        /// Where to write the backup (a new file: an existing one is never overwritten).
        path: std::path::PathBuf,
    },
    /// Restore a backup taken by `vinculo backup`. Stop the server first.
    ///
    /// SQLite: PATH is the backup file. It is checked first (it opens, passes SQLite's
    /// integrity check and holds Vinculo's migrations), then copied to the data directory as
    /// vinculo.db. An existing database is replaced only with --force, and kept aside as
    /// vinculo.db.before-restore-<time>. The next start applies any newer migrations.
    ///
    /// PostgreSQL: PATH is the pg_dump file `vinculo backup` wrote. This command only prints
    /// how to restore it; run, with the server stopped:
    ///
    ///   pg_restore --no-owner --clean --dbname postgres://USER@HOST/DB PATH
    ///
    /// (without --clean into a new, empty database). Then start Vinculo.
    ///
    /// The credentials key that opens the stored mailbox passwords is in no backup: put
    /// credentials.key back in the data directory (or set VINCULO_CREDENTIALS_KEY) from where
    /// you keep it; without it every mailbox password must be typed again.
    #[command(verbatim_doc_comment)]
    Restore {
        /// The backup file: a SQLite database from `vinculo backup` (or, on PostgreSQL, its
        /// pg_dump file, for which the pg_restore command is printed).
        path: std::path::PathBuf,
        /// Replace an existing database (it is kept aside as vinculo.db.before-restore-<time>).
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = config::FileConfig::load(cli.db.config.as_deref())?;
    let db_config = cli.db.resolve(&file)?;
    match cli.command {
        Command::Serve(args) => serve::run(args, db_config, &file).await,
        Command::Migrate { status } => config::migrate(&db_config, status).await,
        Command::User(cmd) => accounts::user(cmd, &db_config).await,
        Command::Token(cmd) => accounts::token(cmd, &db_config).await,
        Command::Export(cmd) => export::run(cmd, &db_config).await,
        Command::Import(cmd) => import::run(cmd, &db_config).await,
        Command::Ingest(args) => ingest::run(args, &db_config).await,
        Command::Demo(args) => demo::run(args, &db_config).await,
        Command::Dedup(args) => dedup::run(args, &db_config).await,
        Command::Backup { path } => backup::backup(&db_config, &path).await,
        Command::Restore { path, force } => backup::restore(&db_config, &path, force).await,
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every argument of every command, with the path of commands that leads to it.
    fn arguments(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
        for arg in cmd.get_arguments() {
            out.push((path.to_owned(), arg.clone()));
        }
        for sub in cmd.get_subcommands() {
            arguments(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn the_commands_are_well_formed_and_every_argument_says_what_it_is() {
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        let mut all = Vec::new();
        arguments(&cmd, "vinculo", &mut all);
        let silent: Vec<String> = all
            .iter()
            .filter(|(_, a)| a.get_help().is_none() && a.get_long_help().is_none())
            .map(|(path, a)| format!("{path} {}", a.get_id()))
            .collect();
        assert!(silent.is_empty(), "arguments without help: {silent:?}");
    }
}
