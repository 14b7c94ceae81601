//! Blocking: which pairs are worth comparing. Each record gets a handful of keys (surname and
//! initial, phone, e-mail, postcode and surname, birthday and initial…); two records are a
//! candidate pair when they share a key. Keys are 64-bit hashes, and blocks are found by
//! sorting (key, record) pairs: at a million records that is ~10M entries of 16 bytes,
//! where a map of key to member lists would cost several times more.
//!
//! A block of more than [`MAX_BLOCK`] members (every "García" with an "M" when nothing else is
//! known) is not compared whole, which would be quadratic, nor skipped, which hides its
//! duplicates: [`oversized`](super::oversized) splits it by what else its members share and
//! walks it with a window.
use super::oversized::{self, Tier, WINDOW};
use super::record::MatchRecord;
use crate::identity::national_digits;

/// Blocks with more members than this are not compared pair by pair. A key that 200 records
/// share (García and an "M", one postcode and "gar") carries little evidence that two of them
/// are one person, and 200 members are ~20,000 pairs, so the cap also bounds a block's cost.
pub const MAX_BLOCK: usize = 200;

/// Which kind of key, mixed into the hash so "garcia" the surname and "garcia" the e-mail
/// user name never meet, and kept in the key's top four bits so an oversized block knows
/// what its members already share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Tag {
    FamilyInitial = 1,
    SwappedFamilyInitial,
    NameWords,
    Phone,
    Email,
    LocalPart,
    PostcodeFamily,
    BirthdayGiven,
    BirthdayFamily,
    /// A sub-block of an oversized block (see `oversized`).
    Sub,
}

const TAG_SHIFT: u32 = 60;

impl Tag {
    /// The tag a key was made with.
    pub fn of(key: u64) -> Option<Tag> {
        use Tag::*;
        [
            FamilyInitial,
            SwappedFamilyInitial,
            NameWords,
            Phone,
            Email,
            LocalPart,
            PostcodeFamily,
            BirthdayGiven,
            BirthdayFamily,
            Sub,
        ]
        .into_iter()
        .find(|t| *t as u64 == key >> TAG_SHIFT)
    }
}

/// FNV-1a: deterministic from run to run (so blocks and counts are reproducible) and fast on
/// the short strings keys are made of. The tag replaces the top four bits.
pub(crate) fn hash(tag: Tag, parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(tag as u8);
    for p in parts {
        for &b in *p {
            eat(b);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        eat(0xff);
    }
    (tag as u64) << TAG_SHIFT | (h >> 4)
}

pub(crate) fn first_word(s: &str) -> &str {
    s.split(' ').next().unwrap_or(s)
}

/// The blocking keys of one record, sorted and without repeats.
pub fn blocking_keys(r: &MatchRecord) -> Vec<u64> {
    let mut keys = Vec::with_capacity(12);
    let (given, family) = (first_word(&r.given), first_word(&r.family));
    let gi = &given.as_bytes()[..given.len().min(1)];
    let fi = &family.as_bytes()[..family.len().min(1)];
    if !given.is_empty() && !family.is_empty() {
        keys.push(hash(Tag::FamilyInitial, &[family.as_bytes(), gi]));
        // The same key with the names the other way round, so "García, María" written as
        // given "García", family "María" meets "María García".
        keys.push(hash(Tag::SwappedFamilyInitial, &[given.as_bytes(), fi]));
        let mut words: Vec<&str> = r.given.split(' ').chain(r.family.split(' ')).collect();
        words.sort_unstable();
        keys.push(hash(Tag::NameWords, &[words.join(" ").as_bytes()]));
    }
    for p in &r.phones {
        // National digits, so a number read with the wrong country code still meets.
        let digits = national_digits(p).unwrap_or_else(|| p.clone());
        keys.push(hash(Tag::Phone, &[digits.as_bytes()]));
    }
    for e in &r.emails {
        keys.push(hash(Tag::Email, &[e.as_bytes()]));
        let local = e.rsplit_once('@').map(|(l, _)| l).unwrap_or(e);
        if local.len() >= 4 {
            keys.push(hash(Tag::LocalPart, &[local.as_bytes()]));
        }
    }
    let fam3 = &family.as_bytes()[..family.len().min(3)];
    for a in &r.addresses {
        if !a.postcode.is_empty() && !fam3.is_empty() {
            keys.push(hash(Tag::PostcodeFamily, &[a.postcode.as_bytes(), fam3]));
        }
    }
    if let Some(d) = r.birthday {
        let day = (d.year().to_le_bytes(), u8::from(d.month()), d.day());
        let day = [&day.0[..], &[day.1, day.2]].concat();
        if !gi.is_empty() {
            keys.push(hash(Tag::BirthdayGiven, &[&day, gi]));
        }
        if !fi.is_empty() {
            keys.push(hash(Tag::BirthdayFamily, &[&day, fi]));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// What blocking made of the records, for the report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockStats {
    /// Blocks of 2..=[`MAX_BLOCK`] members, compared pair by pair.
    pub blocks: usize,
    /// Blocks of more than [`MAX_BLOCK`] members. None is skipped: each is split into
    /// sub-blocks and walked with a window.
    pub oversized: usize,
    /// Members of the oversized blocks, summed over the blocks.
    pub oversized_members: u64,
    /// Sub-blocks of the oversized ones with 2..=[`MAX_BLOCK`] members, compared pair by pair.
    pub sub_blocks: usize,
    /// Sub-blocks still over [`MAX_BLOCK`] members: their pairs meet only in the window.
    pub oversized_sub_blocks: usize,
    /// Oversized blocks walked with a window of [`WINDOW`] neighbours (all of them).
    pub windowed: usize,
}

/// A stretch of [`Blocks::entries`] scored together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    pub start: usize,
    pub end: usize,
    pub tier: Tier,
}

impl Run {
    /// Pairs the run may score: all of a block, `window` per member of a window.
    pub fn cost(&self) -> u64 {
        let n = (self.end - self.start) as u64;
        match self.tier {
            Tier::Window => n * WINDOW as u64,
            _ => n * n.saturating_sub(1) / 2,
        }
    }
}

/// Per-record sorted lists, flattened: record i's are `items[offsets[i]..offsets[i + 1]]`.
pub(crate) struct PerRecord<T> {
    items: Vec<T>,
    offsets: Vec<u32>,
}

impl<T: Copy + Ord> PerRecord<T> {
    /// From (record, item) pairs in any order.
    pub fn collect(records: usize, mut pairs: Vec<(u32, T)>) -> PerRecord<T> {
        pairs.sort_unstable();
        pairs.dedup();
        let mut offsets = Vec::with_capacity(records + 1);
        offsets.push(0);
        let mut at = 0;
        for i in 0..records {
            at += pairs[at..].partition_point(|p| p.0 as usize == i);
            offsets.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        PerRecord {
            items: pairs.into_iter().map(|p| p.1).collect(),
            offsets,
        }
    }

    pub fn of(&self, i: u32) -> &[T] {
        let i = i as usize;
        &self.items[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// Every record's keys, and the blocks they form.
pub(crate) struct Blocks {
    /// (key, record index): first the records' own keys sorted, each oversized block's
    /// stretch reordered for its window; then the sub-blocks' keys, sorted.
    pub entries: Vec<(u64, u32)>,
    /// What to score: blocks and sub-blocks whole, oversized blocks by window.
    pub runs: Vec<Run>,
    /// Each record's keys of blocks and sub-blocks that are scored whole.
    scored: PerRecord<u64>,
    /// Each record's oversized blocks, with its place in the block's window order.
    windows: PerRecord<(u64, u32)>,
    pub stats: BlockStats,
}

/// Runs of one key in sorted `entries[from..]`: (start, end) of each.
fn runs_of(entries: &[(u64, u32)], from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = from;
    while start < entries.len() {
        let key = entries[start].0;
        let end = start + entries[start..].partition_point(|e| e.0 == key);
        out.push((start, end));
        start = end;
    }
    out
}

impl Blocks {
    pub fn build(records: &[MatchRecord]) -> Blocks {
        let idx = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let mut entries: Vec<(u64, u32)> = Vec::with_capacity(records.len() * 9);
        for (i, r) in records.iter().enumerate() {
            entries.extend(blocking_keys(r).into_iter().map(|k| (k, idx(i))));
        }
        entries.sort_unstable();
        let mut stats = BlockStats::default();
        let mut runs = Vec::new();
        let mut oversized = Vec::new();
        let mut scored: Vec<(u32, u64)> = Vec::with_capacity(entries.len());
        for (s, e) in runs_of(&entries, 0) {
            match e - s {
                1 => {}
                n if n <= MAX_BLOCK => {
                    runs.push(Run {
                        start: s,
                        end: e,
                        tier: Tier::Block,
                    });
                    scored.extend(entries[s..e].iter().map(|&(k, i)| (i, k)));
                }
                _ => oversized.push((s, e)),
            }
        }
        stats.blocks = runs.len();
        stats.oversized = oversized.len();
        stats.windowed = oversized.len();
        stats.oversized_members = oversized.iter().map(|(s, e)| (e - s) as u64).sum();
        // Sub-blocks: what else the members of each oversized block share.
        let mut subs = oversized::sub_entries(records, &entries, &oversized);
        subs.sort_unstable();
        // A record with two addresses in one postcode would otherwise join its sub-block twice.
        subs.dedup();
        let base = entries.len();
        entries.extend(subs);
        for (s, e) in runs_of(&entries, base) {
            match e - s {
                1 => {}
                n if n <= MAX_BLOCK => {
                    runs.push(Run {
                        start: s,
                        end: e,
                        tier: Tier::SubBlock,
                    });
                    scored.extend(entries[s..e].iter().map(|&(k, i)| (i, k)));
                }
                _ => stats.oversized_sub_blocks += 1,
            }
        }
        stats.sub_blocks = runs.len() - stats.blocks;
        // Windows: each oversized block in an order that puts likely duplicates side by side.
        let mut ranks: Vec<(u32, (u64, u32))> =
            Vec::with_capacity(stats.oversized_members as usize);
        for &(s, e) in &oversized {
            oversized::window_order(records, &mut entries[s..e]);
            ranks.extend(
                entries[s..e]
                    .iter()
                    .enumerate()
                    .map(|(rank, &(k, i))| (i, (k, idx(rank)))),
            );
            runs.push(Run {
                start: s,
                end: e,
                tier: Tier::Window,
            });
        }
        Blocks {
            entries,
            runs,
            scored: PerRecord::collect(records.len(), scored),
            windows: PerRecord::collect(records.len(), ranks),
            stats,
        }
    }

    /// The smallest key of a block or sub-block scored whole that records `i` and `j`
    /// share: a pair is scored only in that key's block, so it is scored once however many
    /// keys it shares.
    pub fn first_shared(&self, i: u32, j: u32) -> Option<u64> {
        let (mut a, mut b) = (self.scored.of(i).iter(), self.scored.of(j).iter());
        let (mut x, mut y) = (a.next(), b.next());
        while let (Some(p), Some(q)) = (x, y) {
            match p.cmp(q) {
                std::cmp::Ordering::Equal => return Some(*p),
                std::cmp::Ordering::Less => x = a.next(),
                std::cmp::Ordering::Greater => y = b.next(),
            }
        }
        None
    }

    /// Whether the window of an oversized block with a key below `key` already brought `i`
    /// and `j` within [`WINDOW`] places of each other (and so scored them).
    pub fn met_in_earlier_window(&self, i: u32, j: u32, key: u64) -> bool {
        let (mut a, mut b) = (self.windows.of(i).iter(), self.windows.of(j).iter());
        let (mut x, mut y) = (a.next(), b.next());
        while let (Some(&(p, rp)), Some(&(q, rq))) = (x, y) {
            if p >= key || q >= key {
                return false;
            }
            match p.cmp(&q) {
                std::cmp::Ordering::Equal => {
                    if rp.abs_diff(rq) as usize <= WINDOW {
                        return true;
                    }
                    (x, y) = (a.next(), b.next());
                }
                std::cmp::Ordering::Less => x = a.next(),
                std::cmp::Ordering::Greater => y = b.next(),
            }
        }
        false
    }
}
