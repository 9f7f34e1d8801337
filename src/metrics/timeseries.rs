//! The per-bin time series of one replication (`timeseries.csv`).
//!
//! A row describes the bin `[time, time + time_bin)`: gauges are the pool's state at the bin's
//! start (after any event at exactly that instant), counters are what happened within the bin.

use crate::engine::SimTime;
use crate::model::pool::Gauges;

/// One row of the time series.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// Start of the bin.
    pub time: SimTime,
    /// The pool's state at `time`.
    pub gauges: Gauges,
    /// Logins tried within the bin.
    pub logins_attempted: u64,
    /// Logins refused within the bin.
    pub logins_failed: u64,
    /// Sessions forcibly ended within the bin.
    pub forced_logoffs: u64,
}

/// Builds rows as the clock advances.
pub struct TimeSeries {
    bin: SimTime,
    next_start: SimTime,
    rows: Vec<Row>,
}

impl TimeSeries {
    /// A series with bins of width `bin`.
    pub fn new(bin: SimTime) -> Self {
        Self { bin: bin.max(1), next_start: 0, rows: Vec::new() }
    }

    /// Opens every bin that starts at or before `t`, with `gauges` as their starting state
    /// (the state has not changed since the previous event).
    pub fn advance(&mut self, t: SimTime, gauges: &Gauges) {
        while self.next_start <= t {
            self.rows.push(Row { time: self.next_start, gauges: *gauges, ..Row::default() });
            self.next_start += self.bin;
        }
    }

    /// Opens the bins that start before `end`, without opening one at `end` itself.
    pub fn close(&mut self, end: SimTime, gauges: &Gauges) {
        if end > 0 {
            self.advance(end - 1, gauges);
        }
    }

    /// The bin being filled.
    pub fn current(&mut self) -> Option<&mut Row> {
        self.rows.last_mut()
    }

    /// The finished rows.
    pub fn into_rows(self) -> Vec<Row> {
        self.rows
    }
}
