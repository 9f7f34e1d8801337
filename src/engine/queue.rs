//! The future-event list: a binary heap ordered by (time, insertion sequence).
//!
//! Ties in time are broken by the order in which events were scheduled, so a run is a pure
//! function of its inputs. The heap holds only 16-byte keys — time, sequence and the slot of
//! the event in a side table — packed into one `u128`, so each comparison is one integer
//! compare and the heap is exactly as compact as a bare `BinaryHeap` of (time, sequence)
//! pairs. The events wait in a slab whose freed slots are reused, so scheduling allocates
//! nothing once the queue has reached its peak length.

use super::time::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Bits of a key that hold the time: times up to 2^48 ms (about 8,900 years) are exact.
const TIME_BITS: u32 = 48;
/// Bits of a key that hold the insertion sequence (2^48 events per run).
const SEQ_BITS: u32 = 48;
/// Bits of a key that hold the slot (2^32 events pending at once).
const SLOT_BITS: u32 = 32;
const _: () = assert!(TIME_BITS + SEQ_BITS + SLOT_BITS == 128);

/// The latest time the queue represents exactly; later events are held at this time (no run
/// lasts 8,900 years, so they are simply never reached).
pub const HORIZON: SimTime = (1 << TIME_BITS) - 1;

/// `time | seq | slot`, most significant first: ordering keys orders by time, then by
/// scheduling order (sequences are unique, so the slot never decides).
fn key(time: SimTime, seq: u64, slot: u32) -> u128 {
    (u128::from(time) << (SEQ_BITS + SLOT_BITS)) | (u128::from(seq) << SLOT_BITS) | u128::from(slot)
}

fn key_time(key: u128) -> SimTime {
    (key >> (SEQ_BITS + SLOT_BITS)) as SimTime
}

fn key_slot(key: u128) -> usize {
    (key & u128::from(u32::MAX)) as usize
}

/// A priority queue of events of type `E`, popped in (time, insertion sequence) order.
pub struct EventQueue<E> {
    /// Min-heap of keys.
    heap: BinaryHeap<Reverse<u128>>,
    /// The pending events, by slot.
    events: Vec<Option<E>>,
    /// Slots free for reuse.
    free: Vec<u32>,
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
            heap: BinaryHeap::new(),
            events: Vec::new(),
            free: Vec::new(),
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
        let slot = match self.free.pop() {
            Some(slot) => {
                self.events[slot as usize] = Some(event);
                slot
            }
            None => {
                self.events.push(Some(event));
                u32::try_from(self.events.len() - 1).expect("fewer than 2^32 pending events")
            }
        };
        debug_assert!(self.next_seq < 1 << SEQ_BITS, "fewer than 2^48 events per run");
        self.heap.push(Reverse(key(time, self.next_seq, slot)));
        self.next_seq += 1;
        self.peak_len = self.peak_len.max(self.heap.len());
    }

    /// Schedules `event` `delay` after now.
    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        self.schedule(self.now.saturating_add(delay), event);
    }

    /// Removes and returns the earliest event, advancing the clock to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let Reverse(key) = self.heap.pop()?;
        self.now = key_time(key);
        let slot = key_slot(key);
        let event = self.events[slot].take().expect("a queued key has its event");
        self.free.push(slot as u32);
        Some((self.now, event))
    }

    /// The time of the earliest pending event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse(k)| key_time(*k))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
    fn interleaved_use_matches_a_sorted_reference_and_reuses_slots() {
        // Pseudo-random times with many ties; each pop schedules up to two more events.
        let mut q = EventQueue::new();
        let mut reference: Vec<(SimTime, u64)> = Vec::new();
        let (mut x, mut seq) = (12345u64, 0u64);
        let mut next = |m: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for _ in 0..50 {
            let t = next(20);
            q.schedule(t, seq);
            reference.push((t, seq));
            seq += 1;
        }
        let mut popped = 0;
        while let Some((t, e)) = q.pop() {
            reference.sort();
            assert_eq!((t, e), reference.remove(0), "pop {popped}");
            popped += 1;
            for _ in 0..next(3).min(2) {
                if seq < 2_000 {
                    let at = t + next(10);
                    q.schedule(at, seq);
                    reference.push((at, seq));
                    seq += 1;
                }
            }
        }
        assert!(reference.is_empty());
        assert!(q.events.len() <= q.peak_len(), "slots are reused, not leaked");
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
