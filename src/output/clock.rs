//! Clock time for people: simulated milliseconds since Monday 00:00 shown as `Tue 22:05`,
//! or with the scenario's `start_date` as `Tue 2026-03-03 22:05`. Every time a person reads
//! (CSV clock columns, the printed summary, plot ticks, the report) goes through here.

use crate::engine::SimTime;
use crate::engine::time::{DAY, HOUR, MINUTE, day_of_week};
use chrono::{Days, NaiveDate};

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// How simulated time is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    /// The date of time zero (a Monday), when the scenario gives one.
    pub start_date: Option<NaiveDate>,
}

impl Clock {
    /// The clock of a scenario.
    pub fn of(scenario: &crate::scenario::Scenario) -> Self {
        Clock { start_date: scenario.start_date.map(|d| d.0) }
    }

    /// `Tue 22:05`, or `Tue 2026-03-03 22:05` with a start date; minutes are rounded down.
    pub fn label(&self, t: SimTime) -> String {
        let day = WEEKDAYS[day_of_week(t)];
        let (h, m) = ((t % DAY) / HOUR, (t % HOUR) / MINUTE);
        match self.date(t) {
            Some(date) => format!("{day} {date} {h:02}:{m:02}"),
            None => format!("{day} {h:02}:{m:02}"),
        }
    }

    /// A label for whole seconds since the start (plot ticks, CSV read back).
    pub fn label_secs(&self, secs: f64) -> String {
        self.label(crate::engine::time::from_secs_f64(secs))
    }

    /// The calendar date at `t`, when the start date is known.
    pub fn date(&self, t: SimTime) -> Option<NaiveDate> {
        self.start_date?.checked_add_days(Days::new(t / DAY))
    }

    /// Reads the clock back from a label with a date (`Mon 2026-03-02 00:00`) written at
    /// `secs` seconds since the start; a label without a date gives the plain weekday clock.
    pub fn from_label(label: &str, secs: f64) -> Self {
        let date = label
            .split_whitespace()
            .nth(1)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .and_then(|d| d.checked_sub_days(Days::new((secs.max(0.0) as u64 * 1000) / DAY)));
        Clock { start_date: date }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_monday_start_and_the_calendar() {
        let plain = Clock::default();
        assert_eq!(plain.label(0), "Mon 00:00");
        assert_eq!(plain.label(DAY + 22 * HOUR + 5 * MINUTE + 59_999), "Tue 22:05");
        assert_eq!(plain.label(7 * DAY + HOUR), "Mon 01:00", "the week wraps");
        let dated = Clock { start_date: NaiveDate::from_ymd_opt(2026, 2, 23) };
        // Across the end of February.
        assert_eq!(dated.label(6 * DAY + 23 * HOUR), "Sun 2026-03-01 23:00");
        assert_eq!(dated.label(8 * DAY), "Tue 2026-03-03 00:00");
        let back = Clock::from_label(&dated.label(8 * DAY), 8.0 * 86_400.0);
        assert_eq!(back, dated);
        assert_eq!(Clock::from_label("Tue 22:05", 100.0), plain);
    }
}
