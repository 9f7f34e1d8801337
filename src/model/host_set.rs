//! A set of host ids that finds its lowest member in two bit scans.
//!
//! Depth-first load balancing gives a new session to the lowest-numbered host among the
//! fullest candidates. Those candidates are often many (overnight, thousands of hosts a
//! session below the limit at 10,000 hosts), and finding the lowest by scanning them was a
//! tenth of the instructions of a 10,000-host run and most of what made its events dearer
//! than at 1,000 hosts. One bit per host, and one bit per non-zero word of those, makes it two
//! scans of a few words.

use super::host::HostId;

/// Host ids, one bit each, with a summary bit per non-zero word.
#[derive(Default)]
pub struct HostSet {
    words: Vec<u64>,
    summary: Vec<u64>,
}

impl HostSet {
    /// Adds `host`.
    pub fn insert(&mut self, host: HostId) {
        let w = host as usize / 64;
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
            self.summary.resize(w / 64 + 1, 0);
        }
        self.words[w] |= 1 << (host % 64);
        self.summary[w / 64] |= 1 << (w % 64);
    }

    /// Removes `host` (a host not in the set is ignored).
    pub fn remove(&mut self, host: HostId) {
        let w = host as usize / 64;
        let Some(word) = self.words.get_mut(w) else { return };
        *word &= !(1 << (host % 64));
        if *word == 0 {
            self.summary[w / 64] &= !(1 << (w % 64));
        }
    }

    /// The lowest host in the set.
    pub fn first(&self) -> Option<HostId> {
        let (s, bits) = self.summary.iter().enumerate().find(|(_, b)| **b != 0)?;
        let w = s * 64 + bits.trailing_zeros() as usize;
        Some((w * 64) as HostId + self.words[w].trailing_zeros())
    }

    /// The members in host order, from either end.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = HostId> + '_ {
        let words = self.words.iter().enumerate();
        words.flat_map(|(w, &bits)| Bits { base: (w * 64) as HostId, bits })
    }
}

/// The hosts of one word of a bitset (bit `b` set for host `base + b`), in host order from
/// either end.
pub struct Bits {
    /// The host of bit 0.
    pub base: HostId,
    /// The bits not yet returned.
    pub bits: u64,
}

impl Iterator for Bits {
    type Item = HostId;

    fn next(&mut self) -> Option<HostId> {
        (self.bits != 0).then(|| {
            let b = self.bits.trailing_zeros();
            self.bits &= self.bits - 1;
            self.base + b
        })
    }
}

impl DoubleEndedIterator for Bits {
    fn next_back(&mut self) -> Option<HostId> {
        (self.bits != 0).then(|| {
            let b = 63 - self.bits.leading_zeros();
            self.bits &= !(1 << b);
            self.base + b
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn iterates_its_members_in_host_order_from_either_end() {
        // Against an ordered set, across words and both edge bits of a word.
        let (mut set, mut reference) = (HostSet::default(), BTreeSet::new());
        for h in (0..1_000).filter(|h| h % 5 == 0 || h % 64 == 63 || h % 7 == 3) {
            set.insert(h);
            reference.insert(h);
        }
        set.remove(700);
        reference.remove(&700);
        assert!(set.iter().eq(reference.iter().copied()));
        assert!(set.iter().rev().eq(reference.iter().rev().copied()));
        // Taking from both ends meets in the middle without losing or repeating a host.
        let mut both = set.iter();
        let (mut front, mut back) = (Vec::new(), Vec::new());
        while let Some(h) = both.next() {
            front.push(h);
            back.extend(both.next_back());
        }
        back.reverse();
        front.extend(back);
        assert!(front.iter().eq(reference.iter()));
    }

    #[test]
    fn the_first_host_is_the_lowest_member() {
        // Against an ordered set, across several words and summary words (ids up to 9,999).
        let (mut set, mut reference) = (HostSet::default(), BTreeSet::new());
        let mut x = 7u64;
        for step in 0..20_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let host = ((x >> 33) % 10_000) as HostId;
            if step % 3 == 0 {
                set.remove(host);
                reference.remove(&host);
            } else {
                set.insert(host);
                reference.insert(host);
            }
            assert_eq!(set.first(), reference.first().copied(), "step {step}");
        }
        while let Some(h) = set.first() {
            assert_eq!(Some(&h), reference.iter().next());
            set.remove(h);
            reference.remove(&h);
        }
        assert!(reference.is_empty());
        assert_eq!(set.iter().next(), None);
        set.remove(123_456);
        assert_eq!(set.first(), None);
    }
}
