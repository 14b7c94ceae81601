//! Customer look-ups at scale: a workspace of N generated people (imported through
//! `vinculo import`), then, against `vinculo serve`:
//! - search latency one request at a time (p50/p99) for a name prefix, a first name with a
//!   family-name prefix, a whole e-mail, and a phone as typed, each query drawn from the data;
//! - `GET /api/v1/customers/{id}` throughput at concurrency 32 with wrk over many ids, against
//!   `GET /healthz` in the same run as the baseline.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::server::{Scratch, ServeCmd, Server};
use crate::stats::percentile;

fn vinculo(bin: &Path, args: &[&str], data_dir: &Path) -> Result<()> {
    let out = Command::new(bin)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .output()?;
    if !out.status.success() {
        bail!(
            "vinculo {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Queries of each kind, drawn from every k-th row of the file.
fn queries(
    csv_path: &Path,
    per_kind: usize,
    rows: u64,
) -> Result<Vec<(&'static str, Vec<String>)>> {
    let step = (rows / per_kind as u64).max(1);
    let mut rdr = csv::Reader::from_path(csv_path)?;
    let (mut prefix, mut full, mut email, mut phone) = (vec![], vec![], vec![], vec![]);
    for (i, r) in rdr.records().enumerate() {
        let r = r?;
        if !(i as u64).is_multiple_of(step) {
            continue;
        }
        let (given, family) = (r.get(0).unwrap_or(""), r.get(1).unwrap_or(""));
        prefix.push(family.chars().take(3).collect::<String>());
        full.push(format!(
            "{given} {}",
            family.chars().take(4).collect::<String>()
        ));
        email.push(r.get(2).unwrap_or("").to_owned());
        phone.push(r.get(3).unwrap_or("").to_owned());
    }
    Ok(vec![
        ("name prefix (3 letters of a family name)", prefix),
        ("given name + family-name prefix", full),
        ("whole e-mail", email),
        ("phone as typed", phone),
    ])
}

fn wrk_ids(
    wrk: &Path,
    url: &str,
    token: &str,
    ids: &[String],
    script: &Path,
) -> Result<crate::load::RunStats> {
    let list = ids
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(",");
    std::fs::write(
        script,
        format!(
            "ids = {{{list}}}\ni = 0\nrequest = function()\n  i = i % #ids + 1\n  return wrk.format(\"GET\", \"/api/v1/customers/\" .. ids[i])\nend\n"
        ),
    )?;
    let out = Command::new(wrk)
        .args(["-t2", "-c32", "-d10s", "--latency", "-s"])
        .arg(script)
        .arg("-H")
        .arg(format!("Authorization: Bearer {token}"))
        .arg(url)
        .output()
        .context("run wrk")?;
    crate::wrk::parse(&String::from_utf8_lossy(&out.stdout))
}

fn wrk_plain(wrk: &Path, url: &str) -> Result<crate::load::RunStats> {
    let out = Command::new(wrk)
        .args(["-t2", "-c32", "-d10s", "--latency"])
        .arg(url)
        .output()
        .context("run wrk")?;
    crate::wrk::parse(&String::from_utf8_lossy(&out.stdout))
}

pub fn run(serve: &ServeCmd, rows: u64, per_kind: usize, keep: Option<&Path>) -> Result<String> {
    let wrk = PathBuf::from("/usr/bin/wrk");
    if !wrk.is_file() {
        bail!("wrk not found (apt-get install wrk)");
    }
    let scratch = Scratch::new("customers")?;
    let data = match keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            dir.to_path_buf()
        }
        None => scratch.data_dir(),
    };
    let csv_path = data.join("people.csv");
    let token_file = data.join("bench-token");
    let (token, imported) = match std::fs::read_to_string(&token_file) {
        // A kept dataset of an earlier run: served as it is, not imported again.
        Ok(t) if keep.is_some() => (t.trim().to_owned(), None),
        _ => {
            let token = crate::setup::user_and_token(&serve.bin, &data)?;
            let secs = generate_and_import(&serve.bin, &data, &csv_path, rows)?;
            if keep.is_some() {
                std::fs::write(&token_file, &token)?;
            }
            (token, Some(secs))
        }
    };
    let db_mib =
        std::fs::metadata(data.join("vinculo.db")).map_or(0, |m| m.len()) as f64 / 1_048_576.0;
    let mut server = Server::spawn(serve, &data, scratch.log("serve"))?;
    server.wait_healthy(Duration::from_secs(60))?;
    let mut out = String::new();
    match imported {
        Some(secs) => writeln!(
            out,
            "dataset: {rows} people (imported in {secs:.0} s, {:.0} rows/s; database {db_mib:.0} MiB)",
            rows as f64 / secs,
        )?,
        None => writeln!(
            out,
            "dataset: kept from an earlier run in {} ({rows} people; database {db_mib:.0} MiB)",
            data.display()
        )?,
    }
    writeln!(out, "search, one request at a time, {per_kind} queries each (GET /api/v1/customers?q=…&limit=50):")?;
    for (kind, qs) in queries(&csv_path, per_kind, rows)? {
        // One warm-up pass, then the measured one.
        for q in qs.iter().take(20) {
            server.get(&format!("/api/v1/customers?q={}", enc(q)), Some(&token))?;
        }
        let mut ms = Vec::with_capacity(qs.len());
        let mut found = 0usize;
        for q in &qs {
            let t = Instant::now();
            let r = server.get(
                &format!("/api/v1/customers?q={}&limit=50", enc(q)),
                Some(&token),
            )?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            if r.status != 200 {
                bail!("search {q:?}: status {}", r.status);
            }
            found += usize::from(r.body.contains("\"id\""));
        }
        ms.sort_by(f64::total_cmp);
        writeln!(
            out,
            "  {kind:<42} p50 {:>6.2} ms  p99 {:>6.2} ms  ({found}/{} found something)",
            percentile(&ms, 50.0),
            percentile(&ms, 99.0),
            qs.len()
        )?;
    }
    let page = server.get("/api/v1/customers?limit=200", Some(&token))?;
    let ids: Vec<String> = page
        .body
        .split("\"id\":\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|s| s.len() == 36)
        .map(str::to_owned)
        .collect();
    if ids.is_empty() {
        bail!("no customer ids in the first page");
    }
    let base = wrk_plain(&wrk, &server.url("/healthz"))?;
    let one = wrk_ids(
        &wrk,
        &server.url("/"),
        &token,
        &ids,
        &scratch.log("ids.lua"),
    )?;
    writeln!(
        out,
        "GET /api/v1/customers/{{id}} over {} ids, c=32, 10 s (wrk): {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} bad",
        ids.len(),
        one.rps,
        one.p50_us / 1000.0,
        one.p99_us / 1000.0,
        one.bad
    )?;
    writeln!(
        out,
        "GET /healthz baseline, same run:                  {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
        base.rps,
        base.p50_us / 1000.0,
        base.p99_us / 1000.0
    )?;
    Ok(out)
}

/// Writes `rows` generated people (seed 3) to `csv` and imports them into a workspace
/// "bench" through `vinculo import`; the import's seconds.
pub(crate) fn generate_and_import(bin: &Path, data: &Path, csv: &Path, rows: u64) -> Result<f64> {
    let file = csv.to_string_lossy().into_owned();
    let rows_s = rows.to_string();
    vinculo(
        bin,
        &[
            "demo",
            "--customers",
            &rows_s,
            "--seed",
            "3",
            "--csv",
            &file,
        ],
        data,
    )?;
    let started = Instant::now();
    vinculo(
        bin,
        &["import", "customers", &file, "--workspace", "bench"],
        data,
    )?;
    Ok(started.elapsed().as_secs_f64())
}
