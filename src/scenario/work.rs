//! How much work a scenario asks for, in events, known before anything runs.
//!
//! Every limit on its own (duration, replications, logins per storm, points of a sweep) keeps
//! memory bounded, but together they can ask for weeks of computing. The estimate counts the
//! events that dominate a run: each login is an arrival and, per connection, an end; with
//! reconnects a login makes 1 / (1 − p) connections and p / (1 − p) reconnections. Host-side
//! events (updates, boots, actions) are a few per host and are left out: they are small next
//! to the logins of any run long enough to matter.

use super::Scenario;
use super::workload::{ArrivalSpec, StormDays};
use crate::engine::time::{DAY, HOUR, SimTime, is_weekend};

/// Events a run or sweep may need before it is refused without `--force`: about half an hour
/// of one core at poolsim's measured 5–7 million events a second.
pub const MAX_EVENTS_WITHOUT_FORCE: f64 = 1e10;

/// Events from which a run is long enough to say how much work it is (a few seconds).
pub const EVENTS_WORTH_ANNOUNCING: f64 = 5e7;

/// The expected events of one replication of `s`.
pub fn events_per_replication(s: &Scenario) -> f64 {
    let logins: f64 =
        s.workload.arrivals.as_slice().iter().map(|a| expected_logins(a, s.duration.0)).sum();
    let p = s.workload.reconnect.as_ref().map_or(0.0, |r| r.probability.clamp(0.0, 0.99));
    let per_login = 1.0 + (1.0 + p) / (1.0 - p);
    logins * per_login
}

/// The expected events of the whole run: every replication.
pub fn events(s: &Scenario) -> f64 {
    events_per_replication(s) * f64::from(s.replications)
}

/// Expected logins of one arrival process over `[0, end)`.
fn expected_logins(a: &ArrivalSpec, end: SimTime) -> f64 {
    match a {
        ArrivalSpec::Poisson { rate_per_hour } => rate_per_hour * end as f64 / HOUR as f64,
        ArrivalSpec::Profile { per_hour, weekend } => {
            let weekend = weekend.as_deref().unwrap_or(per_hour);
            let hours_of = |day: u64| if is_weekend(day * DAY) { weekend } else { per_hour };
            let whole_days = end / DAY;
            let days: f64 = (0..whole_days).map(|d| hours_of(d).iter().sum::<f64>()).sum();
            let last_hours = (end % DAY).div_ceil(HOUR) as usize;
            days + hours_of(whole_days).iter().take(last_hours).sum::<f64>()
        }
        ArrivalSpec::Storm { users, start, days, .. } => {
            let occurrences = match days {
                StormDays::Once => u64::from(start.0 < end),
                StormDays::Daily => end.saturating_sub(start.0).div_ceil(DAY),
                StormDays::Weekdays => (0..end.saturating_sub(start.0).div_ceil(DAY))
                    .filter(|d| !is_weekend(start.0 + d * DAY))
                    .count() as u64,
            };
            *users as f64 * occurrences as f64
        }
    }
}

/// Events as words: "2.1 million", "36 billion".
pub fn describe(events: f64) -> String {
    let (scale, word) = match events {
        e if e >= 1e12 => (1e12, " trillion"),
        e if e >= 1e9 => (1e9, " billion"),
        e if e >= 1e6 => (1e6, " million"),
        _ => (1.0, ""),
    };
    let v = events / scale;
    if v >= 100.0 { format!("{v:.0}{word}") } else { format!("{v:.2}{word}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::from_str;

    fn scenario(duration: &str, arrivals: &str, extra: &str) -> Scenario {
        let text = format!(
            "name = \"w\"\nduration = \"{duration}\"\nreplications = 3\n[pool]\nkind = \"pooled\"\nhosts = 2\n\
             max_sessions = 5\n[workload]\narrivals = {arrivals}\n\
             session = {{ dist = \"fixed\", value = \"1m\" }}\n{extra}"
        );
        from_str(&text, "w.toml", &[]).unwrap()
    }

    #[test]
    fn poisson_logins_make_two_events_each_and_reconnects_add_theirs() {
        let s = scenario("10h", "{ kind = \"poisson\", rate_per_hour = 60 }", "");
        assert_eq!(events_per_replication(&s), 600.0 * 2.0);
        assert_eq!(events(&s), 3.0 * 1200.0);
        let reconnect =
            "reconnect = { probability = 0.5, after = { dist = \"fixed\", value = \"1m\" } }";
        let r = scenario("10h", "{ kind = \"poisson\", rate_per_hour = 60 }", reconnect);
        // 600 arrivals, 2 connections and 1 reconnection per login: 600 × (1 + 2 + 1).
        assert_eq!(events_per_replication(&r), 2400.0);
    }

    #[test]
    fn profiles_follow_weekdays_and_weekends_and_storms_their_days() {
        let profile = "{ kind = \"profile\", per_hour = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1], weekend = [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0] }";
        // Two weeks and a half day: ten weekdays, four weekend days, then 12 Monday hours.
        let s = scenario("14d12h", profile, "");
        assert_eq!(events_per_replication(&s), (10.0 * 24.0 + 12.0) * 2.0);
        let short = scenario("2d", profile, "");
        assert_eq!(events_per_replication(&short), 48.0 * 2.0);
        let storm = "{ kind = \"storm\", users = 100, start = \"08:00\", window = \"1h\", days = \"weekdays\" }";
        assert_eq!(events_per_replication(&scenario("14d", storm, "")), 10.0 * 100.0 * 2.0);
    }

    #[test]
    fn large_numbers_read_as_words() {
        assert_eq!(describe(2_123_092.0), "2.12 million");
        assert_eq!(describe(3.6e13), "36.00 trillion");
        assert_eq!(describe(950.0), "950");
    }
}
