//! `hourly.csv`: the week by the hour — for each hour of the week (Monday 00:00 … Sunday
//! 23:00), averaged over the days and replications that cover it after the warm-up: logins and
//! failures per hour, the failure rate, mean and peak sessions, mean hosts available. The
//! table a planner reads first; `heatmap.png` draws it.

use super::tables::cell;
use crate::engine::time::HOUR;
use crate::metrics::hourly::{HourCell, Hourly};

/// Weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The columns of `hourly.csv`.
pub const COLUMNS: [&str; 9] = [
    "weekday",
    "hour",
    "hours_measured",
    "logins_mean",
    "failures_mean",
    "failure_rate",
    "sessions_mean",
    "sessions_peak",
    "hosts_available_mean",
];

/// One hour's averages; `None` where the hour was never measured (or had no login, for the
/// failure rate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HourRow {
    /// Occurrences measured (hours; fractional at the run's edges).
    pub hours: f64,
    /// Logins per hour.
    pub logins: Option<f64>,
    /// Failed logins per hour.
    pub failures: Option<f64>,
    /// Failures ÷ logins.
    pub failure_rate: Option<f64>,
    /// Time-weighted mean sessions.
    pub sessions_mean: Option<f64>,
    /// Most sessions at once.
    pub sessions_peak: Option<f64>,
    /// Time-weighted mean hosts available.
    pub hosts_available: Option<f64>,
}

impl HourRow {
    /// The averages of one hour of the week.
    pub fn of(c: &HourCell) -> Self {
        let hours = c.covered as f64 / HOUR as f64;
        let measured = c.covered > 0;
        let per_hour = |n: u64| measured.then(|| n as f64 / hours);
        let mean = |integral: u128| measured.then(|| integral as f64 / c.covered as f64);
        HourRow {
            hours,
            logins: per_hour(c.logins),
            failures: per_hour(c.failures),
            failure_rate: (c.logins > 0).then(|| c.failures as f64 / c.logins as f64),
            sessions_mean: mean(c.session_time),
            sessions_peak: measured.then_some(c.peak_sessions as f64),
            hosts_available: mean(c.available_time),
        }
    }
}

/// The 168 rows, Monday 00:00 first.
pub fn rows(h: &Hourly) -> Vec<HourRow> {
    h.0.iter().map(HourRow::of).collect()
}

/// `hourly.csv`.
pub fn hourly_csv(h: &Hourly) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory CSV");
    for (i, r) in rows(h).iter().enumerate() {
        let fields = [
            WEEKDAYS[i / 24].to_string(),
            format!("{:02}:00", i % 24),
            r.hours.to_string(),
            cell(r.logins),
            cell(r.failures),
            cell(r.failure_rate),
            cell(r.sessions_mean),
            cell(r.sessions_peak),
            cell(r.hosts_available),
        ];
        w.write_record(fields).expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}
