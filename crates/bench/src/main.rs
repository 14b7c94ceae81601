//! vinculo-bench: reproducible startup, memory and load benchmarks of the `vinculo` binary; prints figures, never asserts.
#![forbid(unsafe_code)]

mod builtin;
mod customers;
mod dedup;
mod dedup_data;
mod dedup_names;
mod http;
mod imap_fill;
mod import;
mod inbox;
mod inbox_data;
mod ingest;
mod inproc;
mod load;
mod machine;
mod mail_data;
mod mailbox;
mod memory;
mod phones;
mod report;
mod scale;
mod screenpop;
mod server;
mod setup;
mod startup;
mod stats;
mod wrk;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::{Args, Parser, Subcommand};

use load::{LoadOpts, Tool};
use machine::Machine;
use server::ServeCmd;

#[derive(Parser)]
#[command(
    name = "vinculo-bench",
    version,
    about = "Benchmarks of the vinculo binary; loopback only, figures are printed, never asserted"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Cold start: spawn of `vinculo serve` to first 200 on GET /healthz (first start vs restart).
    Startup {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        runs: Runs,
    },
    /// Idle resident memory (VmRSS, VmHWM) after a handful of requests.
    Memory {
        #[command(flatten)]
        target: Target,
        /// Also measure memory after one load run on GET /api/v1/me (uses the load options).
        #[arg(long)]
        after_load: bool,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Cost of normalising a phone number to E.164, against extracting its digits.
    Phones {
        /// How many generated numbers.
        #[arg(long, default_value_t = 200_000)]
        numbers: usize,
        #[arg(long, default_value_t = 5)]
        reps: usize,
    },
    /// Search latency (name, e-mail, phone) and GET /api/v1/customers/{id} throughput over a
    /// workspace of generated people.
    Customers {
        #[command(flatten)]
        target: Target,
        /// People in the workspace.
        #[arg(long, default_value_t = 100_000)]
        rows: u64,
        /// Queries per kind of search.
        #[arg(long, default_value_t = 500)]
        queries: usize,
        /// Keep the dataset in DIR, and serve the one an earlier run kept there instead of
        /// generating and importing it again (its import time is then not reported).
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// CSV import rows/s (dry run and real) against a raw SQLite bulk insert of the same rows.
    Import {
        /// The vinculo binary under test.
        #[arg(long, default_value = "target/release/vinculo")]
        bin: PathBuf,
        /// Generated people in the file.
        #[arg(long, default_value_t = 100_000)]
        rows: u64,
        #[arg(long, default_value_t = 3)]
        reps: usize,
    },
    /// Duplicate detection over generated people with injected duplicates: wall time, peak
    /// memory, precision and recall per kind of duplicate.
    Dedup {
        /// People generated (duplicates come on top).
        #[arg(long, default_value_t = 1_000_000)]
        customers: usize,
        /// Fraction of people given an injected duplicate.
        #[arg(long, default_value_t = 0.05)]
        duplicates: f64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Timed runs; the median is reported.
        #[arg(long, default_value_t = 3)]
        reps: usize,
    },
    /// Interaction ingest over HTTP (one per request, and batches of 1,000) against raw
    /// SQLite inserts of the same shape.
    Ingest {
        #[command(flatten)]
        target: Target,
        /// Concurrent requests of one interaction each.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Concurrent requests of 1,000 interactions each.
        #[arg(long, default_value_t = 4)]
        batches: usize,
        /// Seconds per figure.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Ingest into this kept dataset (one made by `vinculo-bench scale --keep DIR`)
        /// instead of a fresh data dir; it grows by what is ingested.
        #[arg(long)]
        into: Option<PathBuf>,
    },
    /// Screen pop latency: from a call's `ringing` POST to its card on an agent's open SSE
    /// stream, idle and under ingest load.
    ScreenPop {
        #[command(flatten)]
        target: Target,
        /// Calls per figure.
        #[arg(long, default_value_t = 1_000)]
        calls: u64,
    },
    /// Reading a mailbox: a folder of the local IMAP server filled with generated customer
    /// mail, read by the mailbox reader into a fresh store until drained; against the IMAP
    /// fetch alone and the parse alone.
    Mailbox {
        /// Messages in the folder.
        #[arg(long, default_value_t = 10_000)]
        messages: usize,
        /// Timed reads of the whole folder; medians are reported.
        #[arg(long, default_value_t = 3)]
        reps: usize,
        #[arg(long, default_value_t = 5)]
        seed: u64,
        /// The IMAP server and account (`imap://user:password@host:port`, STARTTLS).
        #[arg(long, env = "VINCULO_TEST_IMAP")]
        imap: String,
        /// PEM of the IMAP server's certificate.
        #[arg(long, env = "VINCULO_TEST_IMAP_CA")]
        imap_ca: PathBuf,
        /// Also read into a fresh database on this PostgreSQL server (an admin URL; the
        /// database is created and dropped by the bench).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Inbox list latency (p50, p99) of an agent's usual views over a workspace of 100,000
    /// conversations: the bare SQL, the use case, and GET /api/v1/conversations.
    Inbox {
        #[command(flatten)]
        target: Target,
        /// Conversations in the workspace.
        #[arg(long, default_value_t = 100_000)]
        conversations: usize,
        /// Requests per view and layer.
        #[arg(long, default_value_t = 300)]
        queries: usize,
        #[arg(long, default_value_t = 9)]
        seed: u64,
        /// Measure on a fresh database on this PostgreSQL server instead of SQLite (an admin
        /// URL; the database is created and dropped by the bench).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// The scale (1M customers, 20M interactions): the 360 view and the screen pop.
    Scale {
        #[command(flatten)]
        target: Target,
        #[arg(long, default_value_t = 1_000_000)]
        customers: u64,
        #[arg(long, default_value_t = 20_000_000)]
        interactions: u64,
        /// Keep the generated dataset here (and reuse it when it is there).
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Throughput and latency of GET /api/v1/me (bearer token) vs GET /healthz.
    Load {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Runs startup, memory and load, then prints a markdown snippet for docs/performance.md.
    All {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        runs: Runs,
        #[command(flatten)]
        load: LoadArgs,
    },
}

#[derive(Args)]
struct Target {
    /// The vinculo binary under test (build with `cargo build --release -p vinculo`).
    #[arg(long, default_value = "target/release/vinculo")]
    bin: PathBuf,
    /// Extra argument appended to `vinculo serve` (repeatable).
    #[arg(long = "serve-arg", allow_hyphen_values = true)]
    serve_args: Vec<String>,
}

#[derive(Args)]
struct Runs {
    /// Starts measured per case.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
}

#[derive(Args)]
struct LoadArgs {
    /// Concurrent connections.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: u32,
    /// Seconds per measured run.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    duration: u64,
    /// Repetitions per endpoint; medians are reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    reps: u32,
    /// Load generator.
    #[arg(long, value_enum, default_value_t = Tool::Auto)]
    tool: Tool,
    /// wrk threads (-t).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    wrk_threads: u32,
}

impl Target {
    fn serve_cmd(&self) -> Result<ServeCmd> {
        if !self.bin.is_file() {
            bail!(
                "{} not found; build it with `cargo build --release -p vinculo` or pass --bin",
                self.bin.display()
            );
        }
        Ok(ServeCmd {
            bin: self.bin.clone(),
            extra: self.serve_args.clone(),
        })
    }
}

impl LoadArgs {
    fn opts(&self) -> LoadOpts {
        LoadOpts {
            concurrency: self.concurrency as usize,
            duration: Duration::from_secs(self.duration),
            reps: self.reps as usize,
            tool: self.tool,
            wrk_threads: self.wrk_threads as usize,
        }
    }
}

fn header(machine: &Machine, serve: &ServeCmd) {
    println!("{machine}");
    println!("binary: {}", serve.bin.display());
    println!();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Print the cause chain without a backtrace: the causes carry the server's log tail.
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let machine = Machine::detect();
    match cli.cmd {
        Cmd::Startup { target, runs } => {
            let serve = target.serve_cmd()?;
            let report = startup::run(&serve, runs.runs as usize)?;
            header(&machine, &serve);
            println!("{report}");
        }
        Cmd::Memory {
            target,
            after_load,
            load,
        } => {
            let serve = target.serve_cmd()?;
            let opts = load.opts();
            let report = memory::run(&serve, after_load.then_some(&opts))?;
            header(&machine, &serve);
            println!("{report}");
        }
        Cmd::Phones { numbers, reps } => {
            println!("machine: {}\n", machine.one_line());
            println!("{}", phones::run(numbers, reps));
        }
        Cmd::Customers {
            target,
            rows,
            queries,
            keep,
        } => {
            let serve = target.serve_cmd()?;
            println!("machine: {}\n", machine.one_line());
            println!(
                "{}",
                customers::run(&serve, rows, queries, keep.as_deref())?
            );
        }
        Cmd::Import { bin, rows, reps } => {
            println!("machine: {}\n", machine.one_line());
            println!("{}", import::run(&bin, rows, reps)?);
        }
        Cmd::Dedup {
            customers,
            duplicates,
            seed,
            reps,
        } => {
            println!("machine: {}\n", machine.one_line());
            println!("{}", dedup::run(customers, duplicates, seed, reps)?);
        }
        Cmd::Ingest {
            target,
            concurrency,
            batches,
            seconds,
            into,
        } => {
            let serve = target.serve_cmd()?;
            println!("machine: {}\n", machine.one_line());
            let run = ingest::Opts {
                concurrency,
                batches,
                seconds,
                into: into.as_deref(),
            };
            println!("{}", ingest::run(&serve, &run)?);
        }
        Cmd::ScreenPop { target, calls } => {
            let serve = target.serve_cmd()?;
            println!("machine: {}\n", machine.one_line());
            println!("{}", screenpop::run(&serve, calls)?);
        }
        Cmd::Mailbox {
            messages,
            reps,
            seed,
            imap,
            imap_ca,
            postgres,
        } => {
            println!("machine: {}\n", machine.one_line());
            let srv = mailbox::ImapServer::from_url(&imap, &imap_ca)?;
            let opts = mailbox::Opts {
                messages,
                reps,
                seed,
                postgres,
            };
            println!("{}", mailbox::run(&srv, &opts)?);
        }
        Cmd::Inbox {
            target,
            conversations,
            queries,
            seed,
            postgres,
        } => {
            let serve = target.serve_cmd()?;
            println!("machine: {}\n", machine.one_line());
            let opts = inbox::Opts {
                conversations,
                queries,
                seed,
                postgres,
            };
            println!("{}", inbox::run(&serve, &opts)?);
        }
        Cmd::Scale {
            target,
            customers,
            interactions,
            keep,
        } => {
            let serve = target.serve_cmd()?;
            println!("machine: {}\n", machine.one_line());
            println!(
                "{}",
                scale::run(&serve, customers, interactions, keep.as_deref())?
            );
        }
        Cmd::Load { target, load } => {
            let serve = target.serve_cmd()?;
            let report = load::run(&serve, &load.opts())?;
            header(&machine, &serve);
            println!("{report}");
        }
        Cmd::All { target, runs, load } => {
            let serve = target.serve_cmd()?;
            let s = startup::run(&serve, runs.runs as usize)?;
            let m = memory::run(&serve, None)?;
            let l = load::run(&serve, &load.opts())?;
            header(&machine, &serve);
            println!("{s}\n\n{m}\n\n{l}\n");
            println!("## markdown for docs/performance.md\n");
            print!("{}", report::markdown(&machine, &s, &m, &l));
        }
    }
    Ok(())
}
