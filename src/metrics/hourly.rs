//! The week by the hour: for each of the 168 hours of the week (Monday 00:00 … Sunday 23:00),
//! logins, failures, mean and peak sessions and mean hosts available, summed over the days
//! and replications that cover it. `hourly.csv` and the heat map are drawn from it.

use crate::engine::SimTime;
use crate::engine::time::{HOUR, WEEK, day_of_week, hour_of_day};
use crate::model::pool::Gauges;

/// Hours in a week.
pub const HOURS: usize = 168;

/// One hour of the week, summed over its occurrences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HourCell {
    /// Login attempts.
    pub logins: u64,
    /// Refused attempts.
    pub failures: u64,
    /// Measured time in this hour (ms; one full occurrence is an hour).
    pub covered: u128,
    /// ∫ sessions dt (session-milliseconds).
    pub session_time: u128,
    /// ∫ hosts available dt (host-milliseconds).
    pub available_time: u128,
    /// Most sessions at once.
    pub peak_sessions: u64,
}

/// Every hour of the week.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hourly(pub Vec<HourCell>);

impl Default for Hourly {
    fn default() -> Self {
        Hourly(vec![HourCell::default(); HOURS])
    }
}

/// The hour of the week of `t`.
pub fn hour_of_week(t: SimTime) -> usize {
    day_of_week(t) * 24 + hour_of_day(t)
}

impl Hourly {
    /// The measured interval `[a, b)` held `g`.
    pub fn integrate(&mut self, a: SimTime, b: SimTime, g: &Gauges) {
        let mut t = a;
        while t < b {
            let end = ((t / HOUR + 1) * HOUR).min(b);
            let c = &mut self.0[hour_of_week(t)];
            let dt = u128::from(end - t);
            c.covered += dt;
            c.session_time += dt * u128::from(g.sessions());
            c.available_time += dt * u128::from(g.hosts_available);
            c.peak_sessions = c.peak_sessions.max(g.sessions());
            // Whole weeks with the same state add the same to every hour: skip ahead.
            if end - t == HOUR && b - end >= WEEK {
                let weeks = (b - end) / WEEK;
                for c in &mut self.0 {
                    c.covered += u128::from(weeks) * u128::from(HOUR);
                    c.session_time += u128::from(weeks * HOUR) * u128::from(g.sessions());
                    c.available_time += u128::from(weeks * HOUR) * u128::from(g.hosts_available);
                    c.peak_sessions = c.peak_sessions.max(g.sessions());
                }
                t = end + weeks * WEEK;
                continue;
            }
            t = end;
        }
    }

    /// The state after an event at `now`.
    pub fn observe(&mut self, now: SimTime, g: &Gauges) {
        let c = &mut self.0[hour_of_week(now)];
        c.peak_sessions = c.peak_sessions.max(g.sessions());
    }

    /// A login attempt at `now`.
    pub fn login_attempted(&mut self, now: SimTime) {
        self.0[hour_of_week(now)].logins += 1;
    }

    /// A refused login at `now` (already counted as an attempt).
    pub fn login_failed(&mut self, now: SimTime) {
        self.0[hour_of_week(now)].failures += 1;
    }

    /// Adds another replication's hours.
    pub fn add(&mut self, other: &Hourly) {
        for (c, o) in self.0.iter_mut().zip(&other.0) {
            c.logins += o.logins;
            c.failures += o.failures;
            c.covered += o.covered;
            c.session_time += o.session_time;
            c.available_time += o.available_time;
            c.peak_sessions = c.peak_sessions.max(o.peak_sessions);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::DAY;

    #[test]
    fn time_is_split_at_hour_boundaries_and_weeks_skip_ahead() {
        let g = Gauges { sessions_active: 3, hosts_available: 2, ..Default::default() };
        let mut h = Hourly::default();
        h.integrate(HOUR / 2, 2 * HOUR, &g);
        assert_eq!(h.0[0].covered, u128::from(HOUR / 2));
        assert_eq!(h.0[1].session_time, 3 * u128::from(HOUR));
        let mut slow = Hourly::default();
        let mut fast = Hourly::default();
        let (a, b) = (DAY + 1234, 3 * WEEK + 5 * HOUR + 17);
        let mut t = a;
        while t < b {
            let next = (t + HOUR / 3).min(b);
            slow.integrate(t, next, &g);
            t = next;
        }
        fast.integrate(a, b, &g);
        assert_eq!(slow, fast);
    }
}
