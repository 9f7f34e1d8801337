//! The update window in clock time: when the update starts and when, on average, it is done —
//! "update started Tue 22:00, done Wed 06:10 (490 min)". Printed after a run, kept in
//! `summary.json` and shown first in the report.

use super::Clock;
use crate::engine::time::from_secs_f64;
use crate::metrics::Summaries;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// The metric that measures an update: its start to its last host done.
const COMPLETION: &str = "update_completion_minutes";

/// A finished update's window, across replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateWindow {
    /// When the update starts (`Tue 22:00`).
    pub started: String,
    /// When it is done on average: the start plus the mean completion time.
    pub done: String,
    /// The mean completion time, in minutes.
    pub minutes: f64,
}

impl UpdateWindow {
    /// The window of a run's single update; `None` without an update, when none finished,
    /// or with several updates (the completion metric is then the longest one's, whose start
    /// the summary does not say).
    pub fn of(scenario: &Scenario, summaries: &Summaries) -> Option<Self> {
        let [one] = scenario.all_updates() else { return None };
        let minutes = summaries.get(COMPLETION)?.mean?;
        let clock = Clock::of(scenario);
        Some(UpdateWindow {
            started: clock.label(one.start.0),
            done: clock.label(one.start.0 + from_secs_f64(minutes * 60.0)),
            minutes,
        })
    }

    /// "update started Tue 22:00, done Wed 06:10 (490 min)".
    pub fn sentence(&self) -> String {
        format!("update started {}, done {} ({:.0} min)", self.started, self.done, self.minutes)
    }
}
