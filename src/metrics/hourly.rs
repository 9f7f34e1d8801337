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

impl HourCell {
    /// `dt` milliseconds of this hour held `g`.
    #[inline]
    fn hold(&mut self, dt: u128, g: &Gauges) {
        self.covered += dt;
        self.session_time += dt * u128::from(g.sessions());
        self.available_time += dt * u128::from(g.hosts_available);
        self.peak_sessions = self.peak_sessions.max(g.sessions());
    }
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
            self.0[hour_of_week(t)].hold(u128::from(end - t), g);
            // Whole weeks with the same state add the same to every hour: skip ahead.
            if end - t == HOUR && b - end >= WEEK {
                let weeks = (b - end) / WEEK;
                for c in &mut self.0 {
                    c.hold(u128::from(weeks * HOUR), g);
                }
                t = end + weeks * WEEK;
                continue;
            }
            t = end;
        }
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

/// Records the week by the hour while a replication runs. It remembers the hour the clock is
/// in, so the usual case — an interval or an event inside that hour — goes to one cell without
/// working out the hour of the week again (a division per call, on every event of the run).
#[derive(Debug, Clone, Default)]
pub struct HourlyRecorder {
    hours: Hourly,
    /// The cell of the hour `[start, end)`; empty before the first call.
    cell: usize,
    start: SimTime,
    end: SimTime,
}

impl HourlyRecorder {
    /// The cell of the hour holding `t`, moving the cursor there if needed.
    #[inline]
    fn cell_at(&mut self, t: SimTime) -> &mut HourCell {
        if t < self.start || t >= self.end {
            self.cell = hour_of_week(t);
            self.start = t / HOUR * HOUR;
            self.end = self.start + HOUR;
        }
        &mut self.hours.0[self.cell]
    }

    /// The measured interval `[a, b)` held `g`.
    #[inline]
    pub fn integrate(&mut self, a: SimTime, b: SimTime, g: &Gauges) {
        if a >= self.start && b <= self.end {
            self.hours.0[self.cell].hold(u128::from(b - a), g);
        } else {
            self.hours.integrate(a, b, g);
        }
    }

    /// The state after an event at `now`.
    #[inline]
    pub fn observe(&mut self, now: SimTime, g: &Gauges) {
        let c = self.cell_at(now);
        c.peak_sessions = c.peak_sessions.max(g.sessions());
    }

    /// A login attempt at `now`.
    pub fn login_attempted(&mut self, now: SimTime) {
        self.cell_at(now).logins += 1;
    }

    /// A refused login at `now` (already counted as an attempt).
    pub fn login_failed(&mut self, now: SimTime) {
        self.cell_at(now).failures += 1;
    }

    /// The hours recorded.
    pub fn finish(self) -> Hourly {
        self.hours
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

    #[test]
    fn the_recorder_with_its_cursor_adds_what_the_plain_integral_adds() {
        // Intervals of every shape: inside one hour, across hours, across a week; events and
        // logins at their ends.
        let mut plain = Hourly::default();
        let mut rec = HourlyRecorder::default();
        let mut t = 3 * HOUR + 59 * 60_000;
        for step in 0u64..400 {
            let dt = [1, 59_999, 60_000, HOUR, HOUR + 1, 7 * HOUR / 3, WEEK + 5][step as usize % 7];
            let g = Gauges {
                sessions_active: step % 13,
                hosts_available: 1 + step % 5,
                ..Default::default()
            };
            plain.integrate(t, t + dt, &g);
            rec.integrate(t, t + dt, &g);
            t += dt;
            plain.0[hour_of_week(t)].peak_sessions =
                plain.0[hour_of_week(t)].peak_sessions.max(g.sessions());
            rec.observe(t, &g);
            plain.0[hour_of_week(t)].logins += 1;
            rec.login_attempted(t);
        }
        assert_eq!(rec.finish(), plain);
    }
}
