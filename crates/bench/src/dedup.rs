//! `dedup` benchmark: the duplicate matcher over generated people with known injected
//! duplicates: wall time (median of runs), peak memory, and precision and recall overall and
//! per kind of damage. Figures only, never asserted.
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;
use std::time::Instant;

use anyhow::Result;
use vinculo_domain::identity::matching::{self, MatchRecord, Scored, DEFAULT_MIN_PROBABILITY};
use vinculo_domain::ids::CustomerId;

use crate::dedup_data::{self, DupKind, KINDS};
use crate::server::Memory;
use crate::stats::median;

/// Ids that are the record's index, so a found pair maps straight back to the dataset.
fn id(i: usize) -> CustomerId {
    CustomerId(uuid::Uuid::from_u128(i as u128 + 1))
}

fn index(id: CustomerId) -> u32 {
    (id.0.as_u128() - 1) as u32
}

pub fn run(customers: usize, duplicates: f64, seed: u64, reps: usize) -> Result<String> {
    eprintln!("dedup: generating {customers} people, {duplicates} duplicates (seed {seed})");
    let started = Instant::now();
    let data = dedup_data::generate(customers, duplicates, seed);
    let generated = started.elapsed();
    let before = Memory::read(std::process::id())?;
    let mut times = Vec::new();
    let mut last = matching::Search::default();
    for rep in 0..reps.max(1) {
        let t = Instant::now();
        // Folding is part of the job: the store hands over raw fields.
        let records: Vec<MatchRecord> = data
            .people
            .iter()
            .enumerate()
            .map(|(i, f)| MatchRecord::new(id(i), f))
            .collect();
        let folded = t.elapsed();
        last = matching::search(&records, DEFAULT_MIN_PROBABILITY);
        let took = t.elapsed();
        eprintln!(
            "dedup: run {} of {}: {:.1} s ({:.1} s folding)",
            rep + 1,
            reps,
            took.as_secs_f64(),
            folded.as_secs_f64()
        );
        times.push(took.as_secs_f64());
    }
    let after = Memory::read(std::process::id())?;
    Ok(report(
        &data,
        &last,
        &times,
        generated.as_secs_f64(),
        before,
        after,
    ))
}

fn report(
    data: &dedup_data::Dataset,
    found: &matching::Search,
    times: &[f64],
    generated: f64,
    before: Memory,
    after: Memory,
) -> String {
    let truth: BTreeMap<(u32, u32), DupKind> = data
        .injected
        .iter()
        .map(|&(a, b, k)| ((a.min(b), a.max(b)), k))
        .collect();
    let suggested: HashSet<(u32, u32)> = found
        .pairs
        .iter()
        .map(|p| {
            let (a, b) = (index(p.a), index(p.b));
            (a.min(b), a.max(b))
        })
        .collect();
    let hits = suggested.iter().filter(|p| truth.contains_key(p)).count();
    let wrong: Vec<&Scored> = found
        .pairs
        .iter()
        .filter(|p| !truth.contains_key(&(index(p.a).min(index(p.b)), index(p.a).max(index(p.b)))))
        .collect();
    let mut md = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(md, "## dedup: duplicate detection over generated people");
    let _ = writeln!(
        md,
        "records: {} ({} people + {} injected duplicates; generated in {generated:.1} s)",
        data.people.len(),
        data.people.len() - data.injected.len(),
        data.injected.len()
    );
    let b = &found.blocking;
    let _ = writeln!(
        md,
        "candidate pairs scored: {} ({} in {} blocks of ≤ {} members, {} in {} sub-blocks of \
         oversized blocks, {} in windows of {} neighbours)",
        found.candidates,
        found.candidates - found.in_sub_blocks.candidates - found.in_windows.candidates,
        b.blocks,
        matching::MAX_BLOCK,
        found.in_sub_blocks.candidates,
        b.sub_blocks,
        found.in_windows.candidates,
        matching::WINDOW,
    );
    let _ = writeln!(
        md,
        "oversized blocks (> {} members): {} with {} members in all, none skipped: each split \
         ({} sub-blocks still oversized, left to the window) and windowed ({})",
        matching::MAX_BLOCK,
        b.oversized,
        b.oversized_members,
        b.oversized_sub_blocks,
        b.windowed,
    );
    let _ = writeln!(
        md,
        "pairs found only in sub-blocks: {}; only in windows: {}",
        found.in_sub_blocks.found, found.in_windows.found
    );
    let _ = writeln!(
        md,
        "suggested pairs (p ≥ {DEFAULT_MIN_PROBABILITY}): {}",
        found.pairs.len()
    );
    let precision = hits as f64 / suggested.len().max(1) as f64;
    let recall = hits as f64 / truth.len().max(1) as f64;
    let _ = writeln!(
        md,
        "precision {precision:.4} ({hits} of {} suggested are injected duplicates); recall {recall:.4} ({hits} of {} injected found)",
        suggested.len(),
        truth.len()
    );
    // A missed pair that scores above the threshold when compared directly was lost to
    // blocking (never compared); the others were compared and judged too uncertain.
    let record = |i: u32| MatchRecord::new(id(i as usize), &data.people[i as usize]);
    let unblocked = truth
        .keys()
        .filter(|p| !suggested.contains(p))
        .filter(|&&(a, b)| {
            matching::score(&record(a), &record(b)).probability >= DEFAULT_MIN_PROBABILITY
        })
        .count();
    let _ = writeln!(
        md,
        "missed pairs that would be suggested if compared (lost to blocking): {unblocked}"
    );
    let _ = writeln!(md, "\n| injected kind | pairs | found | recall |");
    let _ = writeln!(md, "| --- | --- | --- | --- |");
    for kind in KINDS {
        let of_kind: Vec<&(u32, u32)> = truth
            .iter()
            .filter(|(_, k)| **k == kind)
            .map(|(p, _)| p)
            .collect();
        let got = of_kind.iter().filter(|p| suggested.contains(p)).count();
        let _ = writeln!(
            md,
            "| {} | {} | {got} | {:.4} |",
            kind.name(),
            of_kind.len(),
            got as f64 / of_kind.len().max(1) as f64
        );
    }
    let sorted = {
        let mut v = times.to_vec();
        v.sort_by(f64::total_cmp);
        v
    };
    let _ = writeln!(
        md,
        "\nwall time (fold + block + score, {} threads): median {:.2} s of {} runs (min {:.2}, max {:.2})",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        median(times),
        times.len(),
        sorted.first().copied().unwrap_or(f64::NAN),
        sorted.last().copied().unwrap_or(f64::NAN)
    );
    let _ = writeln!(
        md,
        "memory: RSS with the dataset generated {:.0} MiB; peak (VmHWM) over the runs {:.0} MiB",
        before.rss_mib(),
        after.hwm_mib()
    );
    if !wrong.is_empty() {
        let _ = writeln!(md, "\nfirst wrong suggestions:");
        for p in wrong.iter().take(5) {
            let lines: Vec<String> = p.evidence.iter().map(|e| e.describe()).collect();
            let _ = writeln!(md, "- p={:.3}: {}", p.probability, lines.join("; "));
        }
    }
    let missed: Vec<(&(u32, u32), &DupKind)> = truth
        .iter()
        .filter(|(p, _)| !suggested.contains(p))
        .take(5)
        .collect();
    if !missed.is_empty() {
        let _ = writeln!(md, "\nfirst missed duplicates:");
        for ((a, b), kind) in missed {
            let (x, y) = (
                MatchRecord::new(id(*a as usize), &data.people[*a as usize]),
                MatchRecord::new(id(*b as usize), &data.people[*b as usize]),
            );
            let s = matching::score(&x, &y);
            let lines: Vec<String> = s.evidence.iter().map(|e| e.describe()).collect();
            let _ = writeln!(
                md,
                "- {} p={:.3}: {}",
                kind.name(),
                s.probability,
                lines.join("; ")
            );
        }
    }
    md
}
