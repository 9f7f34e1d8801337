//! Metrics per clock-time window (`[[windows]]`): the interval metrics — logins, failures,
//! failure rate, users denied, peak sessions, fewest free slots, host availability, time to
//! desktop — counted only while the clock is inside a window.
//!
//! Counts are attributed to the instant they happen; the time integrals and extremes take the
//! part of each interval between events that lies inside a window, so a window that opens
//! between two events still sees the state that held when it opened. A window covering the
//! whole week therefore reproduces the whole run's metrics exactly.

use super::catalog::{Metric, MetricValues};
use super::stats::quantile;
use crate::engine::SimTime;
use crate::engine::time::{DAY, SECOND, is_weekend};
use crate::model::pool::Gauges;
use crate::scenario::windows::WindowDays;

/// The metrics a window reports, in catalog order.
pub const WINDOW_METRICS: [Metric; 9] = [
    Metric::LoginsAttempted,
    Metric::LoginsFailed,
    Metric::LoginFailureRate,
    Metric::HostAvailability,
    Metric::PeakSessions,
    Metric::MinFreeSlots,
    Metric::UsersDenied,
    Metric::TimeToDesktopP50Seconds,
    Metric::TimeToDesktopP95Seconds,
];

/// A window of clock time that recurs on some days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Start, as an offset within the day.
    pub from: SimTime,
    /// End (excluded), as an offset within the day; `from` itself means a whole day, an
    /// earlier time means the next day's.
    pub to: SimTime,
    /// The days on which an occurrence starts.
    pub days: WindowDays,
}

impl Window {
    /// Length of one occurrence.
    fn length(&self) -> SimTime {
        match (self.to + DAY - self.from) % DAY {
            0 => DAY,
            n => n,
        }
    }

    /// Whether an occurrence starts on day `d` (0 = the first Monday).
    fn on_day(&self, d: u64) -> bool {
        let weekend = is_weekend(d * DAY);
        match self.days {
            WindowDays::Daily => true,
            WindowDays::Weekdays => !weekend,
            WindowDays::Weekends => weekend,
        }
    }

    /// The occurrences that may touch `[a, b)`: those starting the day before `a` through
    /// the day of `b`.
    fn occurrences(&self, a: SimTime, b: SimTime) -> impl Iterator<Item = (SimTime, SimTime)> {
        let (first, last) = ((a / DAY).saturating_sub(1), b / DAY);
        let len = self.length();
        (first..=last)
            .filter(|&d| self.on_day(d))
            .map(move |d| (d * DAY + self.from, d * DAY + self.from + len))
    }

    /// True when `t` lies inside an occurrence.
    pub fn contains(&self, t: SimTime) -> bool {
        self.occurrences(t, t).any(|(s, e)| s <= t && t < e)
    }

    /// How much of `[a, b)` lies inside occurrences.
    pub fn overlap(&self, a: SimTime, b: SimTime) -> SimTime {
        if a >= b {
            return 0;
        }
        self.occurrences(a, b).map(|(s, e)| e.min(b).saturating_sub(s.max(a))).sum()
    }
}

/// One window's running measurements.
#[derive(Debug, Clone, Default)]
struct Tally {
    attempted: u64,
    failed: u64,
    denied: u64,
    peak_sessions: Option<u64>,
    min_free_slots: Option<u64>,
    open_host_time: u128,
    total_host_time: u128,
    desktop: Vec<SimTime>,
}

impl Tally {
    fn note(&mut self, g: &Gauges) {
        self.peak_sessions = Some(self.peak_sessions.map_or(g.sessions(), |p| p.max(g.sessions())));
        self.min_free_slots =
            Some(self.min_free_slots.map_or(g.slots_free, |m| m.min(g.slots_free)));
    }
}

/// The measurements of every window of a replication.
#[derive(Debug, Clone, Default)]
pub struct WindowRecorder {
    windows: Vec<(Window, Tally)>,
}

impl WindowRecorder {
    /// A recorder for `windows` (empty: records nothing).
    pub fn new(windows: &[Window]) -> Self {
        Self { windows: windows.iter().map(|w| (*w, Tally::default())).collect() }
    }

    /// The measured interval `[a, b)` held `g`.
    pub fn integrate(&mut self, a: SimTime, b: SimTime, g: &Gauges) {
        for (w, t) in &mut self.windows {
            let dt = u128::from(w.overlap(a, b));
            if dt > 0 {
                t.open_host_time += dt * u128::from(g.hosts_available);
                t.total_host_time += dt * u128::from(g.hosts_total);
                t.note(g);
            }
        }
    }

    fn at(&mut self, now: SimTime) -> impl Iterator<Item = &mut Tally> {
        self.windows.iter_mut().filter(move |(w, _)| w.contains(now)).map(|(_, t)| t)
    }

    /// The state after an event at `now`.
    pub fn observe(&mut self, now: SimTime, g: &Gauges) {
        self.at(now).for_each(|t| t.note(g));
    }

    /// A login attempt at `now`.
    pub fn login_attempted(&mut self, now: SimTime) {
        self.at(now).for_each(|t| t.attempted += 1);
    }

    /// A refused login at `now` (already counted as an attempt).
    pub fn login_failed(&mut self, now: SimTime) {
        self.at(now).for_each(|t| t.failed += 1);
    }

    /// A user gave up at `now`.
    pub fn denied(&mut self, now: SimTime) {
        self.at(now).for_each(|t| t.denied += 1);
    }

    /// A login placed at `now` reached its desktop after `wait`.
    pub fn desktop(&mut self, now: SimTime, wait: SimTime) {
        self.at(now).for_each(|t| t.desktop.push(wait));
    }

    /// Each window's metrics: the run-level `m` says which metrics apply (users denied only
    /// with retries, time to desktop only with a logon time).
    pub fn finish(self, m: &MetricValues) -> Vec<MetricValues> {
        let applies = |metric: Metric| m.0[metric as usize].is_some();
        self.windows
            .into_iter()
            .map(|(_, t)| {
                let mut v = MetricValues::empty();
                let count = |n: u64| Some(n as f64);
                let attempted = t.attempted;
                v.set(Metric::LoginsAttempted, count(attempted));
                v.set(Metric::LoginsFailed, count(t.failed));
                let rate = (attempted > 0).then(|| t.failed as f64 / attempted as f64);
                v.set(Metric::LoginFailureRate, rate);
                let availability = (t.total_host_time > 0)
                    .then(|| t.open_host_time as f64 / t.total_host_time as f64);
                v.set(Metric::HostAvailability, availability);
                v.set(Metric::PeakSessions, t.peak_sessions.map(|p| p as f64));
                v.set(Metric::MinFreeSlots, t.min_free_slots.map(|p| p as f64));
                if applies(Metric::UsersDenied) {
                    v.set(Metric::UsersDenied, count(t.denied));
                }
                if applies(Metric::TimeToDesktopP50Seconds) {
                    let (p50, p95) = desktop_percentiles(&t.desktop);
                    v.set(Metric::TimeToDesktopP50Seconds, p50);
                    v.set(Metric::TimeToDesktopP95Seconds, p95);
                }
                v
            })
            .collect()
    }
}

/// The median and 95th percentile of times to desktop, in seconds.
pub fn desktop_percentiles(waits: &[SimTime]) -> (Option<f64>, Option<f64>) {
    let secs: Vec<f64> = waits.iter().map(|&w| w as f64 / SECOND as f64).collect();
    (quantile(&secs, 0.5), quantile(&secs, 0.95))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{HOUR, WEEK};

    #[test]
    fn overlap_counts_only_the_days_and_hours_of_the_window() {
        let storm = Window { from: 8 * HOUR, to: 9 * HOUR, days: WindowDays::Weekdays };
        assert_eq!(storm.overlap(0, WEEK), 5 * HOUR);
        assert_eq!(storm.overlap(8 * HOUR + 1_000, 10 * HOUR), HOUR - 1_000);
        assert!(storm.contains(8 * HOUR) && !storm.contains(9 * HOUR));
        assert!(!storm.contains(5 * DAY + 8 * HOUR), "Saturday");
        let night = Window { from: 22 * HOUR, to: 6 * HOUR, days: WindowDays::Daily };
        // No occurrence before the run: Monday 00:00-06:00 is outside; Sunday 22:00 runs 2h.
        assert_eq!(night.overlap(0, WEEK), 6 * 8 * HOUR + 2 * HOUR);
        assert!(night.contains(DAY + 3 * HOUR) && !night.contains(DAY + 7 * HOUR));
        let all = Window { from: 0, to: 0, days: WindowDays::Daily };
        assert_eq!(all.overlap(12_345, 3 * WEEK), 3 * WEEK - 12_345);
    }
}
