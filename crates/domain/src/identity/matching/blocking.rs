//! Blocking: which pairs are worth comparing. Each record gets a handful of keys (surname and
//! initial, phone, e-mail, postcode and surname, birthday and initial…); two records are a
//! candidate pair when they share a key. Keys are 64-bit hashes, and blocks are found by
//! sorting (key, record) pairs: at a million records that is ~10M entries of 16 bytes,
//! where a map of key to member lists would cost several times more.
use super::record::MatchRecord;
use crate::identity::national_digits;

/// Blocks with more members than this are skipped. A key that 200 records share (García and
/// an "M", one postcode and "gar") carries no evidence that two of them are one person;
/// their pairs are still found through a rarer key (a phone, an e-mail, a birthday) when
/// one is shared. 200 members are ~20,000 pairs, so the cap also bounds a block's cost.
pub const MAX_BLOCK: usize = 200;

/// Which kind of key, mixed into the hash so "garcia" the surname and "garcia" the e-mail
/// user name never meet.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Tag {
    FamilyInitial = 1,
    SwappedFamilyInitial,
    NameWords,
    Phone,
    Email,
    LocalPart,
    PostcodeFamily,
    BirthdayGiven,
    BirthdayFamily,
}

/// FNV-1a: deterministic from run to run (so blocks and counts are reproducible) and fast on
/// the short strings keys are made of.
fn hash(tag: Tag, parts: &[&[u8]]) -> u64 {
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
    h
}

fn first_word(s: &str) -> &str {
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

/// Every record's keys, and the blocks they form.
pub(crate) struct Blocks {
    /// (key, record index), sorted.
    pub entries: Vec<(u64, u32)>,
    /// Ranges of `entries` with one key and 2..=MAX_BLOCK members.
    pub runs: Vec<(usize, usize)>,
    /// Each record's usable keys (sorted), flattened; record i's are
    /// `keys[offsets[i]..offsets[i + 1]]`.
    keys: Vec<u64>,
    offsets: Vec<u32>,
    /// Blocks skipped for being larger than [`MAX_BLOCK`].
    pub skipped: usize,
}

impl Blocks {
    pub fn build(records: &[MatchRecord]) -> Blocks {
        let mut keys: Vec<u64> = Vec::with_capacity(records.len() * 8);
        let mut offsets: Vec<u32> = Vec::with_capacity(records.len() + 1);
        offsets.push(0);
        for r in records {
            keys.extend(blocking_keys(r));
            offsets.push(u32::try_from(keys.len()).unwrap_or(u32::MAX));
        }
        let mut entries: Vec<(u64, u32)> = Vec::with_capacity(keys.len());
        for i in 0..records.len() {
            let (s, e) = (offsets[i] as usize, offsets[i + 1] as usize);
            let idx = u32::try_from(i).unwrap_or(u32::MAX);
            entries.extend(keys[s..e].iter().map(|&k| (k, idx)));
        }
        entries.sort_unstable();
        let mut runs = Vec::new();
        let mut oversized: Vec<u64> = Vec::new();
        let mut start = 0;
        while start < entries.len() {
            let key = entries[start].0;
            let end = start + entries[start..].partition_point(|e| e.0 == key);
            match end - start {
                1 => {}
                n if n <= MAX_BLOCK => runs.push((start, end)),
                _ => oversized.push(key),
            }
            start = end;
        }
        // Drop oversized keys from each record's list so a pair is never assigned to a
        // block that is not scored (see `first_shared`).
        if !oversized.is_empty() {
            let mut kept = Vec::with_capacity(keys.len());
            let mut new_offsets = Vec::with_capacity(offsets.len());
            new_offsets.push(0);
            for i in 0..records.len() {
                let (s, e) = (offsets[i] as usize, offsets[i + 1] as usize);
                kept.extend(
                    keys[s..e]
                        .iter()
                        .filter(|k| oversized.binary_search(k).is_err()),
                );
                new_offsets.push(u32::try_from(kept.len()).unwrap_or(u32::MAX));
            }
            keys = kept;
            offsets = new_offsets;
        }
        Blocks {
            entries,
            runs,
            keys,
            offsets,
            skipped: oversized.len(),
        }
    }

    fn keys_of(&self, i: u32) -> &[u64] {
        let i = i as usize;
        &self.keys[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The smallest key records `i` and `j` share: a pair is scored only in that key's
    /// block, so it is scored once however many keys it shares.
    pub fn first_shared(&self, i: u32, j: u32) -> Option<u64> {
        let (mut a, mut b) = (self.keys_of(i).iter(), self.keys_of(j).iter());
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
}
