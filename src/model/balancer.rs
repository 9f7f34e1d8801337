//! Pooled load balancing: which host a new session lands on.
//!
//! The balancer keeps an index of *candidate* hosts (Available, not drained, below the session
//! limit), bucketed by session count, so a pick costs O(distinct session counts) rather than a
//! scan of every host. The buckets are a vector indexed by the count with a bit per non-empty
//! one, not an ordered map: every login and log-off moves a host between two buckets, and a
//! map's node search and the allocation of a bucket each time one empties and fills again
//! were about a tenth of bench-large's instructions.
//!
//! Candidates are split into two tiers: hosts on the pool's target
//! configuration version are preferred, the rest used only when no preferred host has room
//! (the service's "new connections prefer hosts already updated"). Outside an update every
//! host is on the target version and the tiers do not matter.

use super::host::HostId;
use super::host_set::HostSet;
use crate::engine::rng::SimRng;
use crate::scenario::LoadBalancer;
use rand::RngExt;

/// Preference tier of a candidate: 0 is preferred (target version), 1 is the rest.
pub type Tier = usize;

#[derive(Default)]
struct TierIndex {
    /// `buckets[count]`: candidate hosts with that session count (unordered; positions in
    /// `Balancer`). Grows to the highest count seen.
    buckets: Vec<Vec<HostId>>,
    /// `sets[count]`: the same hosts as `buckets[count]`, as a set that finds the lowest id
    /// (depth-first's pick) without a scan.
    sets: Vec<HostSet>,
    /// Bit `count` set when `buckets[count]` is not empty.
    nonempty: Vec<u64>,
    len: usize,
}

impl TierIndex {
    /// Adds `host` to the bucket of `count`; returns its position there.
    fn insert(&mut self, count: u32, host: HostId) -> u32 {
        let c = count as usize;
        if self.buckets.len() <= c {
            self.buckets.resize_with(c + 1, Vec::new);
            self.sets.resize_with(c + 1, HostSet::default);
            self.nonempty.resize(c / 64 + 1, 0);
        }
        self.buckets[c].push(host);
        self.sets[c].insert(host);
        self.nonempty[c / 64] |= 1 << (c % 64);
        self.len += 1;
        self.buckets[c].len() as u32 - 1
    }

    /// Removes the host at `pos` of the bucket of `count`; returns the host moved into `pos`.
    fn remove(&mut self, count: u32, pos: u32) -> Option<HostId> {
        let c = count as usize;
        let bucket = &mut self.buckets[c];
        self.sets[c].remove(bucket.swap_remove(pos as usize));
        let moved = bucket.get(pos as usize).copied();
        if bucket.is_empty() {
            self.nonempty[c / 64] &= !(1 << (c % 64));
        }
        self.len -= 1;
        moved
    }

    /// The non-empty buckets, fewest sessions first.
    fn by_count(&self) -> impl Iterator<Item = &[HostId]> {
        self.nonempty.iter().enumerate().flat_map(move |(w, &bits)| {
            let rest = |b: &u64| Some(b & (b - 1)).filter(|&b| b != 0);
            std::iter::successors(Some(bits).filter(|&b| b != 0), rest)
                .map(move |b| &self.buckets[w * 64 + b.trailing_zeros() as usize][..])
        })
    }

    /// The lowest-numbered host of the non-empty bucket with the most sessions.
    fn fullest_first(&self) -> Option<HostId> {
        let (w, bits) = self.nonempty.iter().enumerate().rev().find(|(_, b)| **b != 0)?;
        self.sets[w * 64 + 63 - bits.leading_zeros() as usize].first()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Slot {
    tier: Tier,
    count: u32,
    pos: u32,
}

/// The candidate index and the algorithm that picks from it.
pub struct Balancer {
    algorithm: LoadBalancer,
    tiers: [TierIndex; 2],
    slots: Vec<Option<Slot>>,
}

impl Balancer {
    /// An empty index for `algorithm`.
    pub fn new(algorithm: LoadBalancer) -> Self {
        Self { algorithm, tiers: Default::default(), slots: Vec::new() }
    }

    /// The algorithm in use.
    pub fn algorithm(&self) -> LoadBalancer {
        self.algorithm
    }

    /// Switches the algorithm; the index does not depend on it.
    pub fn set_algorithm(&mut self, algorithm: LoadBalancer) {
        self.algorithm = algorithm;
    }

    /// Records whether `host` is a candidate, in which tier and with how many sessions.
    /// `None` removes it. Cheap when nothing changed.
    pub fn set(&mut self, host: HostId, entry: Option<(Tier, u32)>) {
        let h = host as usize;
        if self.slots.len() <= h {
            self.slots.resize(h + 1, None);
        }
        let current = self.slots[h].map(|s| (s.tier, s.count));
        if current == entry {
            return;
        }
        if let Some(old) = self.slots[h].take() {
            self.remove(old);
        }
        if let Some((tier, count)) = entry {
            let pos = self.tiers[tier].insert(count, host);
            self.slots[h] = Some(Slot { tier, count, pos });
        }
    }

    fn remove(&mut self, slot: Slot) {
        if let Some(moved) = self.tiers[slot.tier].remove(slot.count, slot.pos)
            && let Some(s) = self.slots[moved as usize].as_mut()
        {
            s.pos = slot.pos;
        }
    }

    /// Number of candidate hosts.
    pub fn candidates(&self) -> usize {
        self.tiers[0].len + self.tiers[1].len
    }

    /// Picks the host for a new session, or `None` when no host can take one.
    pub fn pick(&self, rng: &mut SimRng) -> Option<HostId> {
        let tier = self.tiers.iter().find(|t| t.len > 0)?;
        match self.algorithm {
            LoadBalancer::BreadthFirst => pick_from_lower_half(tier, rng),
            LoadBalancer::BreadthFirstStrict => {
                let hosts = tier.by_count().next()?;
                Some(hosts[rng.random_range(0..hosts.len() as u32) as usize])
            }
            LoadBalancer::DepthFirst => tier.fullest_first(),
        }
    }
}

/// The public docs' breadth-first rule: a host at random from the ⌈n/2⌉ candidates with the
/// fewest sessions. Hosts tied at the boundary of the half are equally likely.
fn pick_from_lower_half(tier: &TierIndex, rng: &mut SimRng) -> Option<HostId> {
    let half = tier.len.div_ceil(2) as u32;
    let k = rng.random_range(0..half) as usize;
    let mut below = 0usize;
    for hosts in tier.by_count() {
        if k < below + hosts.len() {
            let fully_inside = below + hosts.len() <= half as usize;
            let idx = if fully_inside {
                k - below
            } else {
                rng.random_range(0..hosts.len() as u32) as usize
            };
            return Some(hosts[idx]);
        }
        below += hosts.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    fn with_counts(algorithm: LoadBalancer, counts: &[u32]) -> Balancer {
        let mut b = Balancer::new(algorithm);
        for (h, &c) in counts.iter().enumerate() {
            b.set(h as HostId, Some((0, c)));
        }
        b
    }

    #[test]
    fn breadth_first_picks_only_from_the_lower_half() {
        // The public page's example: nine hosts with 11..19 sessions → one of the five with
        // 11..15, each about equally often.
        let counts: Vec<u32> = (11..=19).collect();
        let b = with_counts(LoadBalancer::BreadthFirst, &counts);
        let mut rng = stream(1, 0, 0);
        let mut seen = [0u32; 9];
        for _ in 0..10_000 {
            seen[b.pick(&mut rng).unwrap() as usize] += 1;
        }
        assert!(seen[5..].iter().all(|&n| n == 0), "{seen:?}");
        assert!(seen[..5].iter().all(|&n| (1700..2300).contains(&n)), "{seen:?}");
    }

    #[test]
    fn strict_breadth_first_picks_a_least_loaded_host() {
        let b = with_counts(LoadBalancer::BreadthFirstStrict, &[3, 1, 2, 1]);
        let mut rng = stream(2, 0, 0);
        let picks: Vec<_> = (0..200).map(|_| b.pick(&mut rng).unwrap()).collect();
        assert!(picks.iter().all(|&h| h == 1 || h == 3));
        assert!(picks.contains(&1) && picks.contains(&3), "ties must be broken at random");
    }

    #[test]
    fn depth_first_fills_the_fullest_host_first_by_host_order() {
        let b = with_counts(LoadBalancer::DepthFirst, &[2, 4, 4, 1]);
        let mut rng = stream(3, 0, 0);
        assert_eq!(b.pick(&mut rng), Some(1));
    }

    #[test]
    fn counts_far_apart_keep_their_order() {
        // Counts in different 64-count words of the index, entered out of order.
        let counts = [130, 3, 70, 200, 3];
        let mut rng = stream(5, 0, 0);
        let depth = with_counts(LoadBalancer::DepthFirst, &counts);
        assert_eq!(depth.pick(&mut rng), Some(3), "the fullest host");
        let strict = with_counts(LoadBalancer::BreadthFirstStrict, &counts);
        assert!((0..50).all(|_| matches!(strict.pick(&mut rng), Some(1 | 4))));
        // Lower half of five candidates: the three with 3, 3 and 70 sessions.
        let breadth = with_counts(LoadBalancer::BreadthFirst, &counts);
        assert!((0..200).all(|_| matches!(breadth.pick(&mut rng), Some(1 | 2 | 4))));
        let mut emptied = with_counts(LoadBalancer::DepthFirst, &counts);
        emptied.set(3, None);
        emptied.set(0, Some((0, 2)));
        assert_eq!(emptied.pick(&mut rng), Some(2), "70 is now the most");
    }

    #[test]
    fn removed_hosts_are_never_picked_and_preferred_tier_wins() {
        let mut b = with_counts(LoadBalancer::BreadthFirstStrict, &[0, 0, 5]);
        b.set(0, None);
        b.set(1, Some((1, 0)));
        let mut rng = stream(4, 0, 0);
        for _ in 0..50 {
            assert_eq!(b.pick(&mut rng), Some(2), "tier 0 host must win over emptier tier 1");
        }
        b.set(2, None);
        assert_eq!(b.pick(&mut rng), Some(1));
        b.set(1, None);
        assert_eq!(b.pick(&mut rng), None);
        assert_eq!(b.candidates(), 0);
    }

    #[test]
    fn depth_first_matches_a_scan_as_hosts_come_and_go() {
        // MODEL.md's depth-first rule, checked against a scan of every candidate after each
        // change: the fullest candidates, the lowest host id among them.
        let mut b = Balancer::new(LoadBalancer::DepthFirst);
        let mut counts: Vec<Option<u32>> = vec![None; 300];
        let mut rng = stream(6, 0, 0);
        let mut x = 99u64;
        for _ in 0..5_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let host = ((x >> 33) % 300) as usize;
            let entry = (!(x >> 20).is_multiple_of(5)).then_some(((x >> 40) % 16) as u32);
            b.set(host as HostId, entry.map(|c| (0, c)));
            counts[host] = entry;
            let most = counts.iter().flatten().max();
            let expected = most.and_then(|m| counts.iter().position(|c| c.as_ref() == Some(m)));
            assert_eq!(b.pick(&mut rng), expected.map(|h| h as HostId));
        }
    }
}
