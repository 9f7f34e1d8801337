//! The future-event list: a radix heap ordered by (time, insertion sequence).
//!
//! Ties in time are broken by the order in which events were scheduled, so a run is a pure
//! function of its inputs. Each event is stored beside its key — time (48 bits) above the
//! insertion sequence (64 bits), one `u128` — so comparing two events is one integer compare
//! and the keys are unique.
//!
//! Why a radix heap: a simulation's queue is *monotone* — nothing is ever scheduled before
//! the event being handled — so an event can be filed in the bucket named by the highest bit
//! in which its key differs from the last key popped. A pop takes the lowest non-empty bucket
//! (one bit scan); when that bucket holds more than one event, its smallest key is popped and
//! the rest are filed again into lower buckets, so each event moves only a few times over its
//! life. A binary heap instead sifts through ~log2(n) levels of unpredictable branches on
//! every pop (14 levels at a 10,000-host pool's 90,000 pending events), most of them cache
//! misses once the heap outgrows the cache.
//!
//! The `radix-heap` crate implements the same structure, but its only way to see the next
//! key without popping (`constrain`) raises the floor under which nothing may be scheduled
//! any more; the engine needs to look at the next time (is it before the run's end?) without
//! that side effect, so the queue keeps its own buckets. Each bucket keeps its allocation, so
//! scheduling allocates nothing once the queue has reached its peak length.

use super::time::SimTime;

/// Bits of a key that hold the time: times up to 2^48 ms (about 8,900 years) are exact.
const TIME_BITS: u32 = 48;
/// Bits of a key below the time: the insertion sequence.
const SEQ_BITS: u32 = 64;
/// Buckets: a key differs from the last popped one in at most `TIME_BITS + SEQ_BITS` bits.
const BUCKETS: usize = (TIME_BITS + SEQ_BITS) as usize + 1;
const _: () = assert!(BUCKETS <= 128, "the occupancy mask is one u128");

/// The latest time the queue represents exactly; later events are held at this time (no run
/// lasts 8,900 years, so they are simply never reached).
pub const HORIZON: SimTime = (1 << TIME_BITS) - 1;

/// `time | seq`, most significant first: ordering keys orders by time, then by scheduling
/// order.
fn key(time: SimTime, seq: u64) -> u128 {
    (u128::from(time) << SEQ_BITS) | u128::from(seq)
}

fn key_time(key: u128) -> SimTime {
    (key >> SEQ_BITS) as SimTime
}

/// The bucket of `key` relative to the last popped key: the position of the highest bit in
/// which they differ, plus one (0 only for the last popped key itself, never stored).
fn bucket(key: u128, last: u128) -> usize {
    (u128::BITS - (key ^ last).leading_zeros()) as usize
}

/// A priority queue of events of type `E`, popped in (time, insertion sequence) order.
pub struct EventQueue<E> {
    /// `buckets[b]`: pending events whose key first differs from `last` at bit `b - 1`.
    buckets: Vec<Vec<(u128, E)>>,
    /// Bit `b` set when `buckets[b]` is not empty.
    occupied: u128,
    /// The key popped last; every pending key is larger.
    last: u128,
    len: usize,
    next_seq: u64,
    now: SimTime,
    peak_len: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        Self {
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            occupied: 0,
            last: 0,
            len: 0,
            next_seq: 0,
            now: 0,
            peak_len: 0,
        }
    }

    /// The time of the event popped last (the simulation's "now").
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at absolute time `at`. An event in the past is clamped to now: the
    /// clock never runs backwards. One beyond [`HORIZON`] is held at the horizon.
    pub fn schedule(&mut self, at: SimTime, event: E) {
        let time = at.max(self.now).min(HORIZON);
        self.file(key(time, self.next_seq), event);
        self.next_seq += 1;
        self.len += 1;
        self.peak_len = self.peak_len.max(self.len);
    }

    fn file(&mut self, key: u128, event: E) {
        let b = bucket(key, self.last);
        self.buckets[b].push((key, event));
        self.occupied |= 1 << b;
    }

    /// Schedules `event` `delay` after now.
    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        self.schedule(self.now.saturating_add(delay), event);
    }

    /// Removes and returns the earliest event, advancing the clock to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_before(SimTime::MAX)
    }

    /// Removes and returns the earliest event if it happens before `end` (advancing the
    /// clock to its time); otherwise leaves the queue as it was.
    pub fn pop_before(&mut self, end: SimTime) -> Option<(SimTime, E)> {
        let (b, at) = self.earliest()?;
        let mut events = std::mem::take(&mut self.buckets[b]);
        if key_time(events[at].0) >= end {
            self.buckets[b] = events;
            return None;
        }
        let (key, event) = events.swap_remove(at);
        self.occupied &= !(1 << b);
        self.last = key;
        // The others differ from the new `last` only below bit `b - 1`: lower buckets.
        for (k, e) in events.drain(..) {
            self.file(k, e);
        }
        self.buckets[b] = events;
        self.len -= 1;
        self.now = key_time(key);
        Some((self.now, event))
    }

    /// The lowest non-empty bucket and the position of its smallest key.
    fn earliest(&self) -> Option<(usize, usize)> {
        if self.occupied == 0 {
            return None;
        }
        let b = self.occupied.trailing_zeros() as usize;
        let events = &self.buckets[b];
        let mut at = 0;
        for (i, (k, _)) in events.iter().enumerate().skip(1) {
            if *k < events[at].0 {
                at = i;
            }
        }
        Some((b, at))
    }

    /// The time of the earliest pending event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.earliest().map(|(b, at)| key_time(self.buckets[b][at].0))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The largest number of events that were pending at once.
    pub fn peak_len(&self) -> usize {
        self.peak_len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_by_time_then_insertion_order() {
        let mut q = EventQueue::new();
        q.schedule(10, "c");
        q.schedule(5, "a");
        q.schedule(10, "d");
        q.schedule(5, "b");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![(5, "a"), (5, "b"), (10, "c"), (10, "d")]);
    }

    #[test]
    fn past_events_are_clamped_to_now() {
        let mut q = EventQueue::new();
        q.schedule(100, 1);
        assert_eq!(q.pop(), Some((100, 1)));
        q.schedule(50, 2);
        assert_eq!(q.pop(), Some((100, 2)));
        assert_eq!(q.peak_len(), 1);
    }

    #[test]
    fn interleaved_use_matches_a_sorted_reference() {
        // Pseudo-random times with many ties (scale 1) or spread over hours (scale 2^20, so
        // events land in many buckets); each pop schedules up to two more events.
        for scale in [1, 1 << 20] {
            let mut q = EventQueue::new();
            let mut reference: Vec<(SimTime, u64)> = Vec::new();
            let (mut x, mut seq) = (12345u64, 0u64);
            let mut next = |m: u64| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (x >> 33) % m
            };
            for _ in 0..50 {
                let t = next(20) * scale;
                q.schedule(t, seq);
                reference.push((t, seq));
                seq += 1;
            }
            let mut popped = 0;
            while let Some((t, e)) = q.pop() {
                reference.sort();
                assert_eq!((t, e), reference.remove(0), "pop {popped} at scale {scale}");
                popped += 1;
                for _ in 0..next(3).min(2) {
                    if seq < 2_000 {
                        let at = t + next(10) * scale + next(2);
                        q.schedule(at, seq);
                        reference.push((at, seq));
                        seq += 1;
                    }
                }
            }
            assert!(reference.is_empty() && q.is_empty());
        }
    }

    #[test]
    fn looking_at_the_next_time_does_not_stop_earlier_events_from_being_scheduled() {
        let mut q = EventQueue::new();
        q.schedule(100, "late");
        assert_eq!(q.peek_time(), Some(100));
        assert_eq!(q.pop_before(100), None, "an event at the end is not run");
        q.schedule(50, "early");
        assert_eq!(q.pop_before(100), Some((50, "early")));
        assert_eq!(q.pop(), Some((100, "late")));
        assert!(q.is_empty());
    }

    #[test]
    fn times_beyond_the_horizon_wait_at_the_horizon() {
        let mut q = EventQueue::new();
        q.schedule(SimTime::MAX, "never");
        q.schedule(HORIZON - 1, "last");
        assert_eq!(q.pop(), Some((HORIZON - 1, "last")));
        assert_eq!(q.pop(), Some((HORIZON, "never")));
    }
}
