//! Oversized blocks: a key shared by more than [`MAX_BLOCK`](super::MAX_BLOCK) records
//! (García and an "M", one busy postcode and "gar", a company's switchboard). Comparing all
//! their pairs would be quadratic; skipping them hides every duplicate whose rarer keys are
//! missing (people known only by a common name, a postcode and a birthday). So each such block
//! is searched twice, at a cost linear in its size:
//! 1. **split** into sub-blocks by what else two of its members would have to share to
//!    outweigh a common name: a postcode, a birth month, an employer, a street and number;
//!    a sub-block is compared whole when it has at most `MAX_BLOCK` members;
//! 2. **walked with a window**: sorted so that likely duplicates sit side by side (by e-mail
//!    user name within a name block, by name within any other), each member is compared
//!    with its next [`WINDOW`] neighbours. This finds what agrees only nearly (an e-mail
//!    user name with a typo, a birthday one digit off), which no exact key can.
use super::blocking::{first_word, hash, Tag};
use super::record::MatchRecord;

/// Neighbours each member of an oversized block is compared with in the window. Ten keeps the
/// window's cost at ten pairs a member (a million members: ten million cheap bound checks,
/// a few seconds on one core) while a typo'd e-mail user name sorted next to the right one
/// is still caught when a few others share its number.
pub const WINDOW: usize = 10;

/// Where a pair was compared: a block, a sub-block of an oversized block, or its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tier {
    Block,
    SubBlock,
    Window,
}

/// A second key an oversized block is split by.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Second {
    Postcode = 1,
    /// Year and month, so a birthday typed with one wrong day still meets.
    BirthMonth,
    Organisation,
    /// The street's first word and house number ("mayor 5"): the same home without a
    /// postcode, however floor and door were written.
    Street,
    /// Given and family initials, in order, so swapped names meet too.
    Initials,
}

/// What the members of an oversized block of `tag` are split by: what else two of them must
/// share to be worth comparing, given what the key already says they share.
fn seconds(tag: Tag) -> &'static [Second] {
    use Second::*;
    match tag {
        // Same name: a name alone is never enough, so they must share a place, a birth
        // month, an employer or a home.
        Tag::FamilyInitial | Tag::NameWords => &[Postcode, BirthMonth, Organisation, Street],
        // Same postcode and surname start (a busy postcode, a common surname).
        Tag::PostcodeFamily => &[Initials, BirthMonth, Street],
        // A popular birthday (1 January, made-up dates) and an initial.
        Tag::BirthdayGiven | Tag::BirthdayFamily => &[Initials, Postcode],
        // A phone or e-mail many share (a switchboard, info@): the name must agree.
        Tag::Phone | Tag::Email | Tag::LocalPart => &[Initials],
        Tag::Sub => &[],
    }
}

/// At most this many addresses or organisations of one record make sub-keys, so a record
/// with twenty addresses does not join twenty sub-blocks of every oversized block it is in.
const MAX_VALUES: usize = 2;

/// Calls `f` with each value of `second` that `r` has.
fn values(second: Second, r: &MatchRecord, mut f: impl FnMut(&[u8])) {
    match second {
        Second::Postcode => r
            .addresses
            .iter()
            .filter(|a| !a.postcode.is_empty())
            .take(MAX_VALUES)
            .for_each(|a| f(a.postcode.as_bytes())),
        Second::BirthMonth => {
            if let Some(d) = r.birthday {
                let y = d.year().to_le_bytes();
                f(&[y[0], y[1], y[2], y[3], u8::from(d.month())]);
            }
        }
        Second::Organisation => r
            .organisations
            .iter()
            .take(MAX_VALUES)
            .for_each(|o| f(o.as_bytes())),
        Second::Street => {
            for a in r.addresses.iter().take(MAX_VALUES) {
                let mut words = a.street.split(' ');
                let name = words.find(|w| !w.bytes().all(|b| b.is_ascii_digit()));
                let number = a
                    .street
                    .split(' ')
                    .find(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()));
                // A street without a number is a neighbourhood, not a home.
                if let (Some(name), Some(number)) = (name, number) {
                    f(format!("{name} {number}").as_bytes());
                }
            }
        }
        Second::Initials => {
            let (g, fam) = (first_word(&r.given), first_word(&r.family));
            if let (Some(&a), Some(&b)) = (g.as_bytes().first(), fam.as_bytes().first()) {
                f(&[a.min(b), a.max(b)]);
            }
        }
    }
}

/// The sub-block entries (sub-key, record) of the oversized blocks `oversized` (ranges of
/// `entries`, one key each). A sub-key is the block's key and one second value, hashed.
pub(crate) fn sub_entries(
    records: &[MatchRecord],
    entries: &[(u64, u32)],
    oversized: &[(usize, usize)],
) -> Vec<(u64, u32)> {
    // Room for every value there could be, so the vector is never copied to grow: pages
    // reserved and not written cost no memory.
    let most: usize = oversized
        .iter()
        .map(|&(s, e)| {
            let per = Tag::of(entries[s].0).map_or(0, |t| seconds(t).len() * MAX_VALUES);
            (e - s) * per
        })
        .sum();
    let mut out = Vec::with_capacity(most);
    for &(s, e) in oversized {
        let key = entries[s].0;
        let Some(tag) = Tag::of(key) else { continue };
        let k = key.to_le_bytes();
        for &second in seconds(tag) {
            for &(_, i) in &entries[s..e] {
                values(second, &records[i as usize], |v| {
                    out.push((hash(Tag::Sub, &[&k, &[second as u8], v]), i));
                });
            }
        }
    }
    out
}

/// Up to the first eight bytes, big-endian, so integers order as the strings do.
fn packed(bytes: impl Iterator<Item = u8>) -> u64 {
    let mut out = [0u8; 8];
    for (slot, b) in out.iter_mut().zip(bytes) {
        *slot = b;
    }
    u64::from_be_bytes(out)
}

/// Where `r` goes in the window of an oversized block of `tag`.
///
/// Members of a name block share the name, so they are ordered by e-mail user name: by its
/// digits first (two of them with "1985" or "4471" are worth a look; the comparator asks an
/// e-mail typo to keep the digits), then by its letters. Without an e-mail, by birthday, so
/// a day typed one off sits close. Members of any other block are ordered by name, family
/// first, so one typo late in a name keeps the two together.
fn order(tag: Tag, r: &MatchRecord) -> (u64, u64) {
    match tag {
        Tag::FamilyInitial | Tag::NameWords => match r.emails.first() {
            Some(e) => {
                let local = e.rsplit_once('@').map_or(e.as_str(), |(l, _)| l);
                let digits = local.bytes().filter(u8::is_ascii_digit).fold(0u64, |n, d| {
                    n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                });
                (
                    digits,
                    packed(local.bytes().filter(|b| !b.is_ascii_digit())),
                )
            }
            None => (
                u64::MAX,
                r.birthday
                    .map_or(0, |d| u64::try_from(d.to_julian_day()).unwrap_or(0)),
            ),
        },
        _ => {
            let name = r.family.bytes().chain([b' ']).chain(r.given.bytes());
            (packed(name.clone()), packed(name.skip(8)))
        }
    }
}

/// Sorts one oversized block's entries (one key) into its window order.
pub(crate) fn window_order(records: &[MatchRecord], block: &mut [(u64, u32)]) {
    let Some(tag) = block.first().and_then(|e| Tag::of(e.0)) else {
        return;
    };
    block.sort_by_cached_key(|&(_, i)| (order(tag, &records[i as usize]), i));
}
