//! Pooled load balancing: which host a new session lands on.
//!
//! The balancer keeps an index of *candidate* hosts (Available, not drained, below the session
//! limit), bucketed by session count, so a pick costs O(distinct session counts) rather than a
//! scan of every host. Candidates are split into two tiers: hosts on the pool's target
//! configuration version are preferred, the rest used only when no preferred host has room
//! (the service's "new connections prefer hosts already updated"). Outside an update every
//! host is on the target version and the tiers do not matter.

use super::host::HostId;
use crate::engine::rng::SimRng;
use crate::scenario::LoadBalancer;
use rand::RngExt;
use std::collections::BTreeMap;

/// Preference tier of a candidate: 0 is preferred (target version), 1 is the rest.
pub type Tier = usize;

#[derive(Default)]
struct TierIndex {
    /// session count → candidate hosts with that count (unordered; positions in `Balancer`).
    buckets: BTreeMap<u32, Vec<HostId>>,
    len: usize,
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
            let bucket = self.tiers[tier].buckets.entry(count).or_default();
            bucket.push(host);
            self.tiers[tier].len += 1;
            self.slots[h] = Some(Slot { tier, count, pos: bucket.len() as u32 - 1 });
        }
    }

    fn remove(&mut self, slot: Slot) {
        let tier = &mut self.tiers[slot.tier];
        let bucket = tier.buckets.get_mut(&slot.count).expect("indexed host has a bucket");
        bucket.swap_remove(slot.pos as usize);
        if let Some(&moved) = bucket.get(slot.pos as usize)
            && let Some(s) = self.slots[moved as usize].as_mut()
        {
            s.pos = slot.pos;
        }
        if bucket.is_empty() {
            tier.buckets.remove(&slot.count);
        }
        tier.len -= 1;
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
                let (_, hosts) = tier.buckets.first_key_value()?;
                Some(hosts[rng.random_range(0..hosts.len() as u32) as usize])
            }
            LoadBalancer::DepthFirst => {
                let (_, hosts) = tier.buckets.last_key_value()?;
                hosts.iter().copied().min()
            }
        }
    }
}

/// The public docs' breadth-first rule: a host at random from the ⌈n/2⌉ candidates with the
/// fewest sessions. Hosts tied at the boundary of the half are equally likely.
fn pick_from_lower_half(tier: &TierIndex, rng: &mut SimRng) -> Option<HostId> {
    let half = tier.len.div_ceil(2) as u32;
    let k = rng.random_range(0..half) as usize;
    let mut below = 0usize;
    for hosts in tier.buckets.values() {
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
}
