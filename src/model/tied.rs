//! The hosts tied for fewest sessions that scale-in draws from.
//!
//! A plan's scale-in drains one of the running hosts with the fewest sessions, picked at
//! random among them (MODEL.md, "Autoscale scaling plans"). Those tied hosts are often many —
//! a morning ramp leaves hundreds of hosts with the same few sessions — and listing them one
//! by one at every scale-in step was most of what an evaluation cost (1.1 M hosts listed for
//! 20,549 steps in `benches/bench-large-plan.toml`). As one bit per host the group is a copy of
//! a row of the pool's power index: its size is a popcount, and the k-th member in host order
//! two word scans.

use super::host::HostId;

/// Hosts with `sessions` sessions each, one bit per host id, which draws remove in host order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tied {
    /// The session count they share.
    pub sessions: u32,
    words: Vec<u64>,
    len: usize,
}

impl Tied {
    /// The group of `words` (bit `i % 64` of word `i / 64` set for host `i`).
    pub fn from_words(sessions: u32, words: Vec<u64>) -> Self {
        let len = words.iter().map(|w| w.count_ones() as usize).sum();
        Self { sessions, words, len }
    }

    /// The group of `hosts`.
    pub fn from_hosts(sessions: u32, hosts: impl IntoIterator<Item = HostId>) -> Self {
        let mut words = Vec::new();
        for h in hosts {
            let w = h as usize / 64;
            if words.len() <= w {
                words.resize(w + 1, 0);
            }
            words[w] |= 1u64 << (h % 64);
        }
        Self::from_words(sessions, words)
    }

    /// How many hosts are left.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether none is left.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Takes out and returns the `k`-th host left, counting from 0 in host order; `None` when
    /// fewer than `k + 1` are left.
    pub fn take(&mut self, mut k: usize) -> Option<HostId> {
        for (w, word) in self.words.iter_mut().enumerate() {
            let n = word.count_ones() as usize;
            if k >= n {
                k -= n;
                continue;
            }
            let mut bits = *word;
            for _ in 0..k {
                bits &= bits - 1;
            }
            let bit = bits.trailing_zeros();
            *word &= !(1u64 << bit);
            self.len -= 1;
            return Some((w * 64) as HostId + bit);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_kth_host_left_in_host_order() {
        // Against a sorted list, across words, with a deterministic sequence of draws.
        let hosts: Vec<HostId> = (0..700).filter(|h| h % 3 != 1 && h % 7 != 2).collect();
        let mut list = hosts.clone();
        let mut tied = Tied::from_hosts(4, hosts.iter().copied());
        assert_eq!((tied.len(), tied.sessions), (list.len(), 4));
        let mut x = 11u64;
        while !list.is_empty() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let k = (x >> 33) as usize % list.len();
            assert_eq!(tied.take(k), Some(list.remove(k)));
            assert_eq!(tied.len(), list.len());
        }
        assert!(tied.is_empty());
        assert_eq!(tied.take(0), None);
    }

    #[test]
    fn from_words_counts_every_bit() {
        let tied = Tied::from_words(0, vec![0b1011, 0, u64::MAX]);
        assert_eq!(tied.len(), 67);
        assert_eq!(Tied::from_hosts(0, [0, 1, 3, 128]).len(), 4);
    }
}
