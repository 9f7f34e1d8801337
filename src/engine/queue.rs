//! The future-event list: a radix heap with 256-way digits, popped in (time, insertion
//! sequence) order.
//!
//! Ties in time are broken by the order in which events were scheduled, so a run is a pure
//! function of its inputs.
//!
//! Why a radix heap: a simulation's queue is *monotone* — nothing is ever scheduled before
//! the event being handled — so an event can be filed by how far its time is from now: in
//! the bucket named by the highest byte in which the two times differ (the *level*) and the
//! event's value of that byte (the *digit*). Every event of a lower level, or of the same
//! level and a lower digit, is earlier, so the lowest non-empty bucket (two bit scans) holds
//! the earliest event. Popping from it moves the clock to its earliest time and files its
//! other events again, each at a strictly lower level: an event moves at most six times in
//! its life (48 bits of time, 8 a level), about three for the hours-long delays of a session.
//! Events at the current time wait in a FIFO of their own, in scheduling order. A binary heap
//! instead sifts through ~log2(n) levels of unpredictable branches on every pop (14 at a
//! 10,000-host pool's 90,000 pending events), most of them cache misses once the heap
//! outgrows the cache.
//!
//! The `radix-heap` crate implements the binary (one bit a level) form, which moved events
//! about ten times each here; and its only way to see the next key without popping
//! (`constrain`) raises the floor under which nothing may be scheduled any more, while the
//! engine needs to look at the next time (is it before the run's end?) without that side
//! effect. So the queue keeps its own buckets.

use super::time::SimTime;
use std::collections::VecDeque;

/// Bits of time the queue represents: times up to 2^48 ms (about 8,900 years) are exact.
const TIME_BITS: u32 = 48;
/// Bits of time one level of buckets resolves.
const DIGIT_BITS: u32 = 8;
/// Buckets per level.
const DIGITS: usize = 1 << DIGIT_BITS;
/// Levels: one per byte of time.
const LEVELS: usize = (TIME_BITS / DIGIT_BITS) as usize;

/// Most events a bucket keeps room for once emptied (32 bytes each, 1,536 buckets).
const KEPT_CAPACITY: usize = 16;
/// The level whose buckets keep their allocation whatever its size (see `advance`).
const KEPT_LEVEL: usize = 2;

/// The latest time the queue represents exactly; later events are held at this time (no run
/// lasts 8,900 years, so they are simply never reached).
pub const HORIZON: SimTime = (1 << TIME_BITS) - 1;

/// A pending event that is not at the current time.
struct Pending<E> {
    time: SimTime,
    seq: u64,
    event: E,
}

/// A priority queue of events of type `E`, popped in (time, insertion sequence) order.
pub struct EventQueue<E> {
    /// Events at time `now` with their insertion sequence, in scheduling order.
    current: VecDeque<(u64, E)>,
    /// `buckets[level * DIGITS + digit]`: events whose time first differs from `now` in byte
    /// `level`, where it has the value `digit`.
    buckets: Vec<Vec<Pending<E>>>,
    /// Per level, one bit per digit whose bucket is not empty.
    occupied: [[u64; DIGITS / 64]; LEVELS],
    /// One bit per level with a non-empty bucket.
    levels: u32,
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
            current: VecDeque::new(),
            buckets: (0..LEVELS * DIGITS).map(|_| Vec::new()).collect(),
            occupied: [[0; DIGITS / 64]; LEVELS],
            levels: 0,
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
        if time == self.now {
            // Every event already waiting for now was scheduled earlier.
            self.current.push_back((self.next_seq, event));
        } else {
            self.file(Pending { time, seq: self.next_seq, event });
        }
        self.next_seq += 1;
        self.len += 1;
        self.peak_len = self.peak_len.max(self.len);
    }

    /// Files an event later than now in its bucket.
    fn file(&mut self, p: Pending<E>) {
        let differ = p.time ^ self.now;
        let level = (u64::BITS - 1 - differ.leading_zeros()) / DIGIT_BITS;
        let digit = ((p.time >> (level * DIGIT_BITS)) as usize) & (DIGITS - 1);
        let level = level as usize;
        self.buckets[level * DIGITS + digit].push(p);
        self.occupied[level][digit / 64] |= 1 << (digit % 64);
        self.levels |= 1 << level;
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
    /// clock to its time); otherwise leaves the queue as it was. Always inlined into the
    /// event loop, its one hot caller: left to the compiler, whether it was came and went
    /// with unrelated changes elsewhere, and with it 40 M instructions of bench-large.
    #[inline(always)]
    pub fn pop_before(&mut self, end: SimTime) -> Option<(SimTime, E)> {
        if self.current.is_empty() {
            let (bucket, next) = self.lowest()?;
            if next >= end {
                return None;
            }
            self.advance(bucket, next);
        } else if self.now >= end {
            return None;
        }
        let (_, event) = self.current.pop_front()?;
        if self.current.is_empty() {
            // Back to the start of its buffer (`clear` on an empty deque moves nothing), so
            // the usual one or two events a time reuse the same cache line, not a new slot
            // of a buffer once grown by a burst (a plan's 250 hosts started at once).
            self.current.clear();
        }
        self.len -= 1;
        Some((self.now, event))
    }

    /// The lowest non-empty bucket and its earliest time.
    #[inline(always)]
    fn lowest(&self) -> Option<(usize, SimTime)> {
        if self.levels == 0 {
            return None;
        }
        let level = self.levels.trailing_zeros() as usize;
        let (word, bits) = self.occupied[level].iter().enumerate().find(|(_, w)| **w != 0)?;
        let bucket = level * DIGITS + word * 64 + bits.trailing_zeros() as usize;
        let next = self.buckets[bucket].iter().map(|p| p.time).min()?;
        Some((bucket, next))
    }

    /// Moves the clock to `next`, the earliest time in `bucket`: its events at that time go
    /// to `current` in scheduling order, the others to lower levels.
    #[inline(always)]
    fn advance(&mut self, bucket: usize, next: SimTime) {
        let (level, digit) = (bucket / DIGITS, bucket % DIGITS);
        self.occupied[level][digit / 64] &= !(1 << (digit % 64));
        if self.occupied[level].iter().all(|&w| w == 0) {
            self.levels &= !(1 << level);
        }
        self.now = next;
        let mut events = std::mem::take(&mut self.buckets[bucket]);
        for p in events.drain(..) {
            if p.time == next {
                self.current.push_back((p.seq, p.event));
            } else {
                self.file(p);
            }
        }
        // A small bucket keeps its allocation for the next events filed there, and so does
        // every bucket of level 2 (65 seconds of time each, 65 seconds to 4.7 hours from now:
        // where session ends are filed). Those fill up to a thousand events at 10,000 hosts;
        // growing them again from nothing each time copied every event once or twice, and the
        // copies were a quarter of the run's last-level cache misses. Their kept memory is at
        // most 256 times the busiest 65 seconds' events. Other large buckets give theirs back,
        // or every bucket a run ever filled would hold its largest size to the end (at 10,000
        // hosts, ten times the memory of the pending events).
        if events.capacity() <= KEPT_CAPACITY || level == KEPT_LEVEL {
            self.buckets[bucket] = events;
        }
        if self.current.len() > 1 {
            self.current.make_contiguous().sort_unstable_by_key(|&(seq, _)| seq);
        }
    }

    /// The time of the earliest pending event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        if self.current.is_empty() { self.lowest().map(|(_, t)| t) } else { Some(self.now) }
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
