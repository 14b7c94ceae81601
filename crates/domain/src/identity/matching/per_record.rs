//! Small per-record sorted lists, flattened into one vector (a million records' keys, or
//! their places in the blocks), and walking two of them for what they share.

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

    /// From lists already sorted per record (`items[offsets[i]..offsets[i + 1]]`), keeping
    /// the items `keep` says. Compacts in place: a million records' keys are not copied.
    pub fn filtered(
        mut items: Vec<T>,
        mut offsets: Vec<u32>,
        keep: impl Fn(&T) -> bool,
    ) -> PerRecord<T> {
        let (mut to, mut from) = (0, 0);
        for end in offsets.iter_mut().skip(1) {
            while from < *end as usize {
                if keep(&items[from]) {
                    items[to] = items[from];
                    to += 1;
                }
                from += 1;
            }
            *end = u32::try_from(to).unwrap_or(u32::MAX);
        }
        items.truncate(to);
        items.shrink_to_fit();
        PerRecord { items, offsets }
    }

    pub fn of(&self, i: u32) -> &[T] {
        let i = i as usize;
        &self.items[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// The smallest item two sorted lists share.
pub(crate) fn first_common(a: &[u64], b: &[u64]) -> Option<u64> {
    let (mut a, mut b) = (a.iter(), b.iter());
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

/// Calls `f` with the key and the two places of each key two records share, in key order,
/// given each one's places in `list` (ascending, so in key order), until `f` answers.
pub(crate) fn common_at<R>(
    list: &[(u64, u32)],
    a: &[u32],
    b: &[u32],
    mut f: impl FnMut(u64, u32, u32) -> Option<R>,
) -> Option<R> {
    let (mut a, mut b) = (a.iter(), b.iter());
    let (mut x, mut y) = (a.next(), b.next());
    while let (Some(&p), Some(&q)) = (x, y) {
        let (kp, kq) = (list[p as usize].0, list[q as usize].0);
        match kp.cmp(&kq) {
            std::cmp::Ordering::Equal => {
                if let Some(r) = f(kp, p, q) {
                    return Some(r);
                }
                (x, y) = (a.next(), b.next());
            }
            std::cmp::Ordering::Less => x = a.next(),
            std::cmp::Ordering::Greater => y = b.next(),
        }
    }
    None
}
