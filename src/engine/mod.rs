//! The discrete-event engine: a clock, an event queue and a loop. It knows nothing of host
//! pools; a [`Model`] schedules and handles its own events.

pub mod queue;
pub mod rng;
pub mod time;

pub use queue::EventQueue;
pub use time::SimTime;

/// A simulation model driven by the engine.
pub trait Model {
    /// The model's event type.
    type Event;

    /// Handles one event at time `now`; may schedule further events on `queue`.
    fn handle(&mut self, now: SimTime, event: Self::Event, queue: &mut EventQueue<Self::Event>);
}

/// What the engine observed while running a model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Events handled.
    pub events: u64,
    /// The largest number of events pending at once.
    pub peak_queue: usize,
}

/// Most events handled at one instant before the engine calls the run stalled.
///
/// Simulated time only moves when an event lies in the future; a source that keeps scheduling
/// at "now" (an arrival gap rounded to 0 ms, a model bug) would spin forever while memory grows.
/// Validated scenarios stay far below this (arrival rates are bounded so the mean gap is at
/// least ten clock ticks; the largest legitimate bursts — a whole pool's hosts or a storm's
/// logins in one millisecond — are thousands, not millions), and ten million events take
/// about a second, so a stall is reported quickly.
pub const MAX_EVENTS_PER_INSTANT: u64 = 10_000_000;

/// The run stopped because simulated time stopped advancing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stalled<E> {
    /// The instant time stuck at.
    pub at: SimTime,
    /// The event that went over [`MAX_EVENTS_PER_INSTANT`] (not handled): its source is
    /// almost certainly the one spinning.
    pub event: E,
}

/// Runs `model` over the half-open interval `[0, end)`: until the queue is empty or the next
/// event is at or after `end`. Returns [`Stalled`] instead of spinning when more than
/// [`MAX_EVENTS_PER_INSTANT`] events happen at one instant.
pub fn run<M: Model>(
    model: &mut M,
    queue: &mut EventQueue<M::Event>,
    end: SimTime,
) -> Result<RunStats, Stalled<M::Event>> {
    let mut events = 0u64;
    let (mut instant, mut at_instant) = (0, 0u64);
    while let Some((now, event)) = queue.pop_before(end) {
        if now != instant {
            (instant, at_instant) = (now, 0);
        }
        at_instant += 1;
        if at_instant > MAX_EVENTS_PER_INSTANT {
            return Err(Stalled { at: now, event });
        }
        model.handle(now, event, queue);
        events += 1;
    }
    Ok(RunStats { events, peak_queue: queue.peak_len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts events; `Again` schedules itself at the same instant forever, `Next` one
    /// millisecond later (for a while).
    #[derive(Default)]
    struct Spinner(u64);

    #[derive(Debug, PartialEq, Eq)]
    enum Tick {
        Once,
        Again,
        Next,
    }

    impl Model for Spinner {
        type Event = Tick;
        fn handle(&mut self, now: SimTime, event: Tick, queue: &mut EventQueue<Tick>) {
            self.0 += 1;
            match event {
                Tick::Again => queue.schedule(now, Tick::Again),
                Tick::Next if self.0 <= MAX_EVENTS_PER_INSTANT => {
                    queue.schedule(now + 1, Tick::Next)
                }
                _ => {}
            }
        }
    }

    #[test]
    fn a_source_that_never_lets_time_advance_is_reported_not_spun() {
        let mut queue = EventQueue::new();
        queue.schedule(5, Tick::Once);
        queue.schedule(7, Tick::Again);
        let mut model = Spinner::default();
        let stalled = run(&mut model, &mut queue, 1_000).unwrap_err();
        assert_eq!(stalled, Stalled { at: 7, event: Tick::Again });
        assert_eq!(model.0, 1 + MAX_EVENTS_PER_INSTANT);
    }

    #[test]
    fn many_events_spread_over_time_are_not_a_stall() {
        let mut queue = EventQueue::new();
        queue.schedule(0, Tick::Next);
        let stats = run(&mut Spinner::default(), &mut queue, SimTime::MAX).unwrap();
        assert_eq!(stats.events, MAX_EVENTS_PER_INSTANT + 1);
    }
}
