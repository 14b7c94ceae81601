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
use super::per_record::{common_at, first_common, PerRecord};
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
        // given "García", family "María" meets "María García": same tag, so the two keys
        // are one block.
        keys.push(hash(Tag::FamilyInitial, &[given.as_bytes(), fi]));
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

/// A stretch of entries scored together: of the sub-blocks' entries for a sub-block, of the
/// records' own for the others.
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

/// Every record's keys, and the blocks they form.
pub(crate) struct Blocks {
    /// (key, record index) of the records' own keys, sorted, each oversized block's stretch
    /// reordered for its window.
    entries: Vec<(u64, u32)>,
    /// (key, record index) of the sub-blocks of oversized blocks, sorted. Kept apart from
    /// `entries` so that neither is copied to grow the other.
    subs: Vec<(u64, u32)>,
    /// What to score: blocks and sub-blocks whole, oversized blocks by window.
    pub runs: Vec<Run>,
    /// Each record's keys of blocks that are scored whole (all but the oversized).
    scored: PerRecord<u64>,
    /// Each record's places in `subs`, in sub-blocks that are scored whole. Places rather
    /// than keys: 4 bytes each, and ascending places are ascending keys.
    sub_scored: PerRecord<u32>,
    /// Each record's places in `entries`, in oversized blocks. Two members' distance in the
    /// block's window order is the distance between their places.
    windows: PerRecord<u32>,
    pub stats: BlockStats,
}

/// Runs of one key in sorted `entries`: (start, end) of each.
fn runs_of(entries: &[(u64, u32)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
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
        // Each record's keys, kept per record: dropping the oversized ones afterwards costs
        // far less memory than collecting (record, key) pairs again.
        let mut keys: Vec<u64> = Vec::with_capacity(records.len() * 9);
        let mut offsets: Vec<u32> = Vec::with_capacity(records.len() + 1);
        offsets.push(0);
        for r in records {
            keys.extend(blocking_keys(r));
            offsets.push(idx(keys.len()));
        }
        let mut entries: Vec<(u64, u32)> = Vec::with_capacity(keys.len());
        for i in 0..records.len() {
            let (s, e) = (offsets[i] as usize, offsets[i + 1] as usize);
            entries.extend(keys[s..e].iter().map(|&k| (k, idx(i))));
        }
        entries.sort_unstable();
        let mut stats = BlockStats::default();
        let mut runs = Vec::new();
        let mut oversized = Vec::new();
        for (s, e) in runs_of(&entries) {
            match e - s {
                1 => {}
                n if n <= MAX_BLOCK => runs.push(Run {
                    start: s,
                    end: e,
                    tier: Tier::Block,
                }),
                _ => oversized.push((s, e)),
            }
        }
        stats.blocks = runs.len();
        stats.oversized = oversized.len();
        stats.windowed = oversized.len();
        stats.oversized_members = oversized.iter().map(|(s, e)| (e - s) as u64).sum();
        // Sorted, as `entries` is.
        let too_big: Vec<u64> = oversized.iter().map(|&(s, _)| entries[s].0).collect();
        let scored = PerRecord::filtered(keys, offsets, |k| too_big.binary_search(k).is_err());
        // Sub-blocks: what else the members of each oversized block share.
        let mut subs = oversized::sub_entries(records, &entries, &oversized);
        subs.sort_unstable();
        // A record with two addresses in one postcode would otherwise join its sub-block twice.
        subs.dedup();
        // Only the sub-blocks compared whole are kept, moved to the front: most sub-keys are
        // one member's (an employer or postcode no namesake shares).
        let mut sub_scored: Vec<(u32, u32)> = Vec::with_capacity(subs.len());
        let mut kept = 0;
        for (s, e) in runs_of(&subs) {
            match e - s {
                1 => {}
                n if n <= MAX_BLOCK => {
                    subs.copy_within(s..e, kept);
                    runs.push(Run {
                        start: kept,
                        end: kept + n,
                        tier: Tier::SubBlock,
                    });
                    sub_scored.extend((kept..kept + n).map(|p| (subs[p].1, idx(p))));
                    kept += n;
                }
                _ => stats.oversized_sub_blocks += 1,
            }
        }
        subs.truncate(kept);
        subs.shrink_to_fit();
        stats.sub_blocks = runs.len() - stats.blocks;
        // Windows: each oversized block in an order that puts likely duplicates side by side.
        let mut places: Vec<(u32, u32)> = Vec::with_capacity(stats.oversized_members as usize);
        for &(s, e) in &oversized {
            oversized::window_order(records, &mut entries[s..e]);
            places.extend((s..e).map(|p| (entries[p].1, idx(p))));
            runs.push(Run {
                start: s,
                end: e,
                tier: Tier::Window,
            });
        }
        Blocks {
            entries,
            subs,
            runs,
            scored,
            sub_scored: PerRecord::collect(records.len(), sub_scored),
            windows: PerRecord::collect(records.len(), places),
            stats,
        }
    }

    /// The (key, record) entries of `run`, in the order they are scored.
    pub fn members(&self, run: &Run) -> &[(u64, u32)] {
        let list = match run.tier {
            Tier::SubBlock => &self.subs,
            Tier::Block | Tier::Window => &self.entries,
        };
        &list[run.start..run.end]
    }

    /// The smallest key of a block or sub-block scored whole that records `i` and `j`
    /// share: a pair is scored only in that key's block, so it is scored once however many
    /// keys it shares.
    pub fn first_shared(&self, i: u32, j: u32) -> Option<u64> {
        // Sub-block keys carry the highest tag, so any shared block key comes first.
        first_common(self.scored.of(i), self.scored.of(j)).or_else(|| {
            let (a, b) = (self.sub_scored.of(i), self.sub_scored.of(j));
            common_at(&self.subs, a, b, |k, _, _| Some(k))
        })
    }

    /// Whether the window of an oversized block with a key below `key` already brought `i`
    /// and `j` within [`WINDOW`] places of each other (and so scored them).
    pub fn met_in_earlier_window(&self, i: u32, j: u32, key: u64) -> bool {
        let (a, b) = (self.windows.of(i), self.windows.of(j));
        common_at(&self.entries, a, b, |k, p, q| {
            if k >= key {
                Some(false)
            } else {
                (p.abs_diff(q) as usize <= WINDOW).then_some(true)
            }
        })
        .unwrap_or(false)
    }
}
