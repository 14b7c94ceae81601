//! Duplicate detection: which customers are probably one person, with the evidence a person
//! needs to decide. Blocking picks candidate pairs ([`blocking`]), comparators grade each
//! field ([`compare`]), a Fellegi–Sunter model turns the grades into a match probability
//! ([`model`]).
//!
//! Written here rather than taken from a record-linkage crate: scoring identity is the
//! product's core, the rules (households are not duplicates, Spanish double surnames, a
//! wrong merge costs more than a missed one) are ours to tune, and nothing in Rust does it.
//! `strsim` provides the string similarities.
pub mod blocking;
mod bound;
pub mod compare;
pub mod model;
mod oversized;
mod per_record;
pub mod record;

pub use blocking::{blocking_keys, BlockStats, MAX_BLOCK};
pub use bound::weight_bound;
pub use compare::{compare, Comparison};
pub use model::{probability, Field, Level, DEFAULT_MIN_PROBABILITY, PRIOR_LOG2_ODDS};
pub use oversized::WINDOW;
pub use record::{fold_words, MatchAddress, MatchFields, MatchRecord};

use crate::ids::CustomerId;
use blocking::{Blocks, Run};
use compare::Outcome;
use oversized::Tier;
use serde::{Deserialize, Serialize};

/// One field's part in a score, as stored with a suggestion and shown to a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub field: Field,
    pub level: Level,
    /// Bits for (positive) or against (negative), two decimals.
    pub weight: f64,
    pub a_value: String,
    pub b_value: String,
    /// Jaro–Winkler similarity behind a `similar` or `swapped` level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
}

/// A scored pair: `a` < `b`, as merge suggestions store them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub a: CustomerId,
    pub b: CustomerId,
    /// Total weight in bits (log2 likelihood ratio).
    pub weight: f64,
    /// Probability that `a` and `b` are one person, given [`PRIOR_LOG2_ODDS`].
    pub probability: f64,
    pub evidence: Vec<Evidence>,
}

/// What a search over many records found, and what it cost.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Search {
    /// Pairs at or above the minimum probability, most probable first.
    pub pairs: Vec<Scored>,
    /// Distinct candidate pairs scored, wherever they met (each pair is scored once).
    pub candidates: u64,
    /// Of those and of the pairs found, the ones that met only in a sub-block of an
    /// oversized block.
    pub in_sub_blocks: Tally,
    /// Of those and of the pairs found, the ones that met only in an oversized block's window.
    pub in_windows: Tally,
    /// The blocks, and what was done with the oversized ones.
    pub blocking: BlockStats,
}

/// Candidate pairs scored in one part of the search, and pairs found there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub candidates: u64,
    pub found: u64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.candidates += o.candidates;
        self.found += o.found;
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Evidence {
    /// One line for a person: "same phone: +34612345678",
    /// "given names similar: María / Mária (0.97)".
    pub fn describe(&self) -> String {
        let (f, a, b) = (self.field.label(), &self.a_value, &self.b_value);
        let both = if a == b {
            a.clone()
        } else {
            format!("{a} / {b}")
        };
        let sim = self
            .similarity
            .map(|s| format!(" ({s:.2})"))
            .unwrap_or_default();
        match self.level {
            Level::Exact => format!("same {f}: {both}"),
            Level::Similar => format!("{f} similar: {both}{sim}"),
            Level::Partial => format!("{f} partly agree: {both}"),
            Level::Swapped => format!("names swapped: {both}{sim}"),
            Level::SameLocalPart => format!("same e-mail user on another domain: {both}"),
            Level::SimilarLocalPart => format!("e-mail users one typo apart: {both}"),
            Level::SameAddress => format!("same address: {both}"),
            Level::SamePostcode => format!("same postal code, another street: {both}"),
            Level::Near => format!("{f} one typo apart: {both}"),
            Level::Different => format!("{f} differ: {both}"),
        }
    }
}

fn shown(typed: &str, folded: &str) -> String {
    if typed.trim().is_empty() {
        folded.to_owned()
    } else {
        typed.trim().to_owned()
    }
}

fn values(o: &Outcome, r: &MatchRecord, index: usize) -> String {
    let at = |v: &[String]| v.get(index).cloned().unwrap_or_default();
    match (o.field, o.level) {
        (Field::GivenName | Field::FamilyName, Level::Swapped) => {
            format!(
                "{} {}",
                shown(&r.given_as_typed, &r.given),
                shown(&r.family_as_typed, &r.family)
            )
        }
        (Field::GivenName, _) => shown(&r.given_as_typed, &r.given),
        (Field::FamilyName, _) => shown(&r.family_as_typed, &r.family),
        (Field::Email, _) => at(&r.emails),
        (Field::Phone, _) => at(&r.phones),
        (Field::Address, _) => r
            .addresses
            .get(index)
            .map(|a| format!("{} {}", a.postcode, a.street).trim().to_owned())
            .unwrap_or_default(),
        (Field::Birthday, _) => r.birthday.map(|d| d.to_string()).unwrap_or_default(),
        (Field::Organisation, _) => at(&r.organisations),
    }
}

impl Comparison {
    /// The evidence behind the weight, strongest first, with `a`'s and `b`'s values.
    pub fn evidence(&self, a: &MatchRecord, b: &MatchRecord) -> Vec<Evidence> {
        // Swapped names are one finding, scored over both name fields: shown once.
        let swapped: f64 = self
            .outcomes
            .iter()
            .filter(|o| o.level == Level::Swapped)
            .map(|o| o.weight)
            .sum();
        let mut out: Vec<Evidence> = self
            .outcomes
            .iter()
            .filter(|o| !(o.level == Level::Swapped && o.field == Field::FamilyName))
            .map(|o| Evidence {
                field: o.field,
                level: o.level,
                weight: round2(if o.level == Level::Swapped {
                    swapped
                } else {
                    o.weight
                }),
                a_value: values(o, a, o.a),
                b_value: values(o, b, o.b),
                similarity: matches!(o.level, Level::Similar | Level::Swapped)
                    .then(|| round2(o.similarity)),
            })
            .collect();
        out.sort_by(|x, y| y.weight.abs().total_cmp(&x.weight.abs()));
        out
    }
}

/// Scores one pair, ordering it so that `a` < `b`.
pub fn score(x: &MatchRecord, y: &MatchRecord) -> Scored {
    let (a, b) = if x.id <= y.id { (x, y) } else { (y, x) };
    let c = compare(a, b);
    Scored {
        a: a.id,
        b: b.id,
        weight: round2(c.weight),
        probability: probability(c.weight),
        evidence: c.evidence(a, b),
    }
}

/// The pairs of `records` that are one person with at least `min_probability`, most
/// probable first.
pub fn find_duplicates(records: &[MatchRecord], min_probability: f64) -> Vec<Scored> {
    search(records, min_probability).pairs
}

/// [`find_duplicates`] with its counts. Runs on every core: blocks are shared out so each
/// thread gets about the same number of pairs.
pub fn search(records: &[MatchRecord], min_probability: f64) -> Search {
    let blocks = Blocks::build(records);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    let total: u64 = blocks.runs.iter().map(Run::cost).sum();
    let share = total / threads as u64 + 1;
    let mut chunks: Vec<&[Run]> = Vec::with_capacity(threads);
    let (mut from, mut acc) = (0, 0u64);
    for (i, run) in blocks.runs.iter().enumerate() {
        acc += run.cost();
        if acc >= share {
            chunks.push(&blocks.runs[from..=i]);
            (from, acc) = (i + 1, 0);
        }
    }
    chunks.push(&blocks.runs[from..]);
    let found: Vec<Found> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|runs| s.spawn(|| score_runs(records, &blocks, runs, min_probability)))
            .collect();
        handles
            .into_iter()
            // A panicking comparator is a bug; losing its thread's pairs is better than
            // taking the caller down with it.
            .filter_map(|h| h.join().ok())
            .collect()
    });
    let mut out = Search {
        blocking: blocks.stats,
        ..Search::default()
    };
    for f in found {
        out.pairs.extend(f.pairs);
        out.candidates += f.tallies.iter().map(|t| t.candidates).sum::<u64>();
        out.in_sub_blocks += f.tallies[1];
        out.in_windows += f.tallies[2];
    }
    out.pairs
        .sort_by(|x, y| y.probability.total_cmp(&x.probability).then(x.a.cmp(&y.a)));
    out
}

/// The weight a pair needs to reach `min_probability` (the inverse of [`probability`]).
fn min_weight(min_probability: f64) -> f64 {
    if min_probability <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if min_probability >= 1.0 {
        return f64::INFINITY;
    }
    (min_probability / (1.0 - min_probability)).log2() - PRIOR_LOG2_ODDS
}

/// What one thread scored: the pairs found, and a tally per [`Tier`].
struct Found {
    pairs: Vec<Scored>,
    tallies: [Tally; 3],
}

fn score_runs(
    records: &[MatchRecord],
    blocks: &Blocks,
    runs: &[Run],
    min_probability: f64,
) -> Found {
    let mut out = Found {
        pairs: Vec::new(),
        tallies: [Tally::default(); 3],
    };
    let needed = min_weight(min_probability);
    for run in runs {
        let members = blocks.members(run);
        let tally = &mut out.tallies[run.tier as usize];
        for (p, &(key, i)) in members.iter().enumerate() {
            let reach = match run.tier {
                Tier::Window => (p + 1 + WINDOW).min(members.len()),
                Tier::Block | Tier::SubBlock => members.len(),
            };
            for &(_, j) in &members[p + 1..reach] {
                // Each pair is scored once: in the first block or sub-block it shares, or
                // failing any, in the first window that brought it together.
                let first = match run.tier {
                    Tier::Window => {
                        blocks.first_shared(i, j).is_none()
                            && !blocks.met_in_earlier_window(i, j, key)
                    }
                    Tier::Block | Tier::SubBlock => blocks.first_shared(i, j) == Some(key),
                };
                if !first {
                    continue;
                }
                let (x, y) = (&records[i as usize], &records[j as usize]);
                // The same customer listed twice is not a duplicate of itself.
                if x.id == y.id {
                    continue;
                }
                tally.candidates += 1;
                if weight_bound(x, y) < needed {
                    continue;
                }
                if probability(compare(x, y).weight) >= min_probability {
                    tally.found += 1;
                    out.pairs.push(score(x, y));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod oversized_tests;
#[cfg(test)]
mod tests;
