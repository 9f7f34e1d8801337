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

/// Runs `model` over the half-open interval `[0, end)`: until the queue is empty or the next
/// event is at or after `end`.
pub fn run<M: Model>(model: &mut M, queue: &mut EventQueue<M::Event>, end: SimTime) -> RunStats {
    let mut events = 0u64;
    while queue.peek_time().is_some_and(|t| t < end) {
        let Some((now, event)) = queue.pop() else { break };
        model.handle(now, event, queue);
        events += 1;
    }
    RunStats { events, peak_queue: queue.peak_len() }
}
