//! Fitting a synthetic workload to a connection log (`poolsim fit`): how many users, how many
//! logins in each hour of a weekday and of a weekend day — or a morning storm on weekdays where
//! the data shows one (`storm.rs`) —, how long connections last
//! (lognormal or exponential, whichever is closer by the Kolmogorov–Smirnov distance), how
//! often a connection ends in a disconnect and how long the user is away. Pure: the log comes
//! in, numbers and scenario text go out.

use crate::engine::SimTime;
use crate::engine::time::{DAY, HOUR, day_of_week, hour_of_day, is_weekend};
use crate::scenario::Duration;
use crate::scenario::connection_log::{ConnectionLog, NONE, OPEN};
pub use ks::ks;
use statrs::distribution::{ContinuousCDF, Exp, LogNormal};
pub use storm::StormFit;

pub mod ks;
pub mod storm;

/// A fitted length distribution and how far it is from the data.
#[derive(Debug, Clone, Copy)]
pub struct LengthFit {
    /// Exponential: the mean length (ms).
    pub mean: f64,
    /// Its Kolmogorov–Smirnov distance to the data.
    pub ks_exponential: f64,
    /// Lognormal: mean and standard deviation of the log of the length (ms).
    pub mu: f64,
    /// See `mu`.
    pub sigma: f64,
    /// Its Kolmogorov–Smirnov distance to the data.
    pub ks_lognormal: f64,
    /// Lengths fitted.
    pub n: usize,
}

impl LengthFit {
    /// Whether the lognormal is the closer fit.
    pub fn lognormal_wins(&self) -> bool {
        self.ks_lognormal < self.ks_exponential
    }

    /// The fitted lognormal's mean (ms).
    pub fn lognormal_mean(&self) -> f64 {
        (self.mu + self.sigma * self.sigma / 2.0).exp()
    }

    /// The fitted lognormal's standard deviation (ms).
    pub fn lognormal_sd(&self) -> f64 {
        self.lognormal_mean() * ((self.sigma * self.sigma).exp() - 1.0).sqrt()
    }
}

/// What `fit` derives from a log.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Distinct users.
    pub users: usize,
    /// Fresh logins (not reconnections) per hour of a weekday, averaged over the log's weekdays;
    /// with a storm, those outside its window (each hour's rate taken from the part of the hour
    /// the window leaves).
    pub weekday: [f64; 24],
    /// The candidate weekday storm (see `storm.rs`; a scenario has it when `chosen`).
    pub storm: Option<StormFit>,
    /// Logins of each weekday storm beyond the background profile's, when a storm is chosen.
    pub storm_logins: f64,
    /// The same for Saturdays and Sundays.
    pub weekend: [f64; 24],
    /// Length of a connection (Connected to Completed).
    pub session: Option<LengthFit>,
    /// Share of ended connections that a reconnection continues.
    pub disconnect_probability: f64,
    /// Mean time from a disconnect to the reconnection (ms), if any.
    pub reconnect_mean: Option<f64>,
    /// Hosts named in the log (at least 1).
    pub hosts: usize,
    /// Most sessions on one host at once in the log.
    pub peak_per_host: u64,
    /// Most sessions at once in the log (a session spans its chain of connections).
    pub peak_sessions: u64,
    /// All connections (logins, including reconnections) per hour of the log.
    pub logins_per_hour: f64,
    /// The run length that covers the log.
    pub duration: SimTime,
}

/// Fits `log`.
pub fn fit(log: &ConnectionLog) -> Fit {
    let duration = log.default_duration();
    let fresh_weekday = log.connections.iter().filter(|c| !c.continues && !is_weekend(c.login));
    let storm = storm::detect(fresh_weekday.map(|c| c.login % DAY).collect());
    let chosen = storm.filter(StormFit::chosen);
    let (weekday, weekend, weekdays) = hourly_profiles(log, duration, chosen.as_ref());
    let storm_logins = chosen.map_or(0.0, |s| {
        let background: f64 = (0..24).map(|h| weekday[h] * storm::overlap(&s, h)).sum();
        (s.inside as f64 / weekdays.max(1.0) - background).max(0.0)
    });
    let lengths: Vec<f64> = log
        .connections
        .iter()
        .filter(|c| c.connected && c.end != OPEN && c.end > c.login)
        .map(|c| (c.end - c.login) as f64)
        .collect();
    let ended = log.connections.iter().filter(|c| c.connected && c.end != OPEN);
    let (ended, continued) =
        ended.fold((0u64, 0u64), |(n, k), c| (n + 1, k + u64::from(c.next != NONE)));
    let gaps: Vec<f64> = log
        .connections
        .iter()
        .filter(|c| c.next != NONE && c.end != OPEN)
        .map(|c| log.connections[c.next as usize].login.saturating_sub(c.end) as f64)
        .collect();
    let (peak_sessions, peak_per_host) = peaks(log);
    Fit {
        users: log.users.len(),
        weekday,
        storm,
        storm_logins,
        weekend,
        session: fit_lengths(lengths),
        disconnect_probability: if ended == 0 { 0.0 } else { continued as f64 / ended as f64 },
        reconnect_mean: (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64),
        hosts: log.hosts.len().max(1),
        peak_per_host,
        peak_sessions,
        logins_per_hour: log.connections.len() as f64 / (duration as f64 / HOUR as f64),
        duration,
    }
}

/// Fresh logins per hour of day, averaged over the weekdays and weekend days in
/// [0, duration), and the number of weekdays. With a `storm`, weekday logins inside its window
/// are left out and each hour's count is scaled to the whole hour from the part the window
/// leaves (an hour the window covers almost entirely gets no background).
fn hourly_profiles(
    log: &ConnectionLog,
    duration: SimTime,
    storm: Option<&StormFit>,
) -> ([f64; 24], [f64; 24], f64) {
    let (mut wd, mut we) = ([0.0; 24], [0.0; 24]);
    for c in log.connections.iter().filter(|c| !c.continues) {
        if is_weekend(c.login) {
            we[hour_of_day(c.login)] += 1.0;
        } else if !storm.is_some_and(|s| s.contains((c.login % DAY) as f64)) {
            wd[hour_of_day(c.login)] += 1.0;
        }
    }
    if let Some(s) = storm {
        for (h, v) in wd.iter_mut().enumerate() {
            let left = 1.0 - storm::overlap(s, h);
            *v = if left < 0.05 { 0.0 } else { *v / left };
        }
    }
    let days = duration.div_ceil(DAY);
    let weekend_days = (0..days).filter(|d| day_of_week(d * DAY) >= 5).count() as f64;
    let weekdays = days as f64 - weekend_days;
    let per_day = |v: [f64; 24], n: f64| v.map(|x| if n > 0.0 { x / n } else { 0.0 });
    (per_day(wd, weekdays), per_day(we, weekend_days), weekdays)
}

/// Most sessions at once, overall and on one host. A session holds its slot from its first
/// connection's login to its last connection's end, disconnected gaps included.
fn peaks(log: &ConnectionLog) -> (u64, u64) {
    let mut changes: Vec<(SimTime, i64, u32)> = Vec::new();
    for c in log.connections.iter().filter(|c| !c.continues && c.connected) {
        let mut last = *c;
        while last.next != NONE {
            last = log.connections[last.next as usize];
        }
        changes.push((c.login, 1, c.host));
        if last.end != OPEN {
            changes.push((last.end, -1, c.host));
        }
    }
    changes.sort_unstable();
    let mut per_host = vec![0i64; log.hosts.len() + 1];
    let (mut now, mut peak, mut peak_host) = (0i64, 0i64, 0i64);
    for (_, d, host) in changes {
        now += d;
        let h = if host == NONE { log.hosts.len() } else { host as usize };
        per_host[h] += d;
        peak = peak.max(now);
        if host != NONE {
            peak_host = peak_host.max(per_host[h]);
        }
    }
    (peak as u64, if log.hosts.is_empty() { peak as u64 } else { peak_host as u64 })
}

/// Fits exponential and lognormal to positive lengths (`None` without any).
pub fn fit_lengths(mut x: Vec<f64>) -> Option<LengthFit> {
    x.retain(|v| *v > 0.0);
    if x.is_empty() {
        return None;
    }
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let mu = x.iter().map(|v| v.ln()).sum::<f64>() / n;
    let sigma = (x.iter().map(|v| (v.ln() - mu).powi(2)).sum::<f64>() / n).sqrt();
    let ks_exponential = Exp::new(1.0 / mean).map_or(1.0, |d| ks(&x, |v| d.cdf(v)));
    let ks_lognormal = LogNormal::new(mu, sigma.max(1e-9)).map_or(1.0, |d| ks(&x, |v| d.cdf(v)));
    Some(LengthFit { mean, ks_exponential, mu, sigma, ks_lognormal, n: x.len() })
}

/// A runnable scenario with the fitted workload, on a pool like the log's.
pub fn scenario_toml(f: &Fit, name: &str, source: &str) -> String {
    let d = |ms: f64| Duration(((ms / 1000.0).round() as SimTime).max(1) * 1000).to_string();
    let list = |v: &[f64; 24]| {
        let items: Vec<String> = v.iter().map(|x| format!("{:.3}", x)).collect();
        format!("[{}]", items.join(", "))
    };
    let session = match f.session {
        Some(s) if s.lognormal_wins() => format!(
            "{{ dist = \"lognormal\", mean = \"{}\", sd = \"{}\" }}",
            d(s.lognormal_mean()),
            d(s.lognormal_sd())
        ),
        Some(s) => format!("{{ dist = \"exponential\", mean = \"{}\" }}", d(s.mean)),
        None => "{ dist = \"exponential\", mean = \"1h\" }".to_string(),
    };
    let profile = format!(
        "{{ kind = \"profile\", per_hour = {}, weekend = {} }}",
        list(&f.weekday),
        list(&f.weekend)
    );
    // A profile needs some weekday logins: a storm that holds them all stands alone (and a
    // weekend profile beside it would have no weekday half to go with).
    let background = f.weekday.iter().any(|&x| format!("{x:.3}") != "0.000");
    let arrivals = match f.storm.filter(StormFit::chosen) {
        Some(s) if background => {
            format!("[\n  {},\n  {profile},\n]", storm_toml(&s, f.storm_logins))
        }
        Some(s) => storm_toml(&s, f.storm_logins),
        None => profile,
    };
    let reconnect = match f.reconnect_mean {
        Some(m) if f.disconnect_probability > 0.0 => format!(
            "reconnect = {{ probability = {:.4}, after = {{ dist = \"exponential\", mean = \"{}\" }} }}\n",
            f.disconnect_probability,
            d(m)
        ),
        _ => String::new(),
    };
    format!(
        "# {name} — a synthetic workload fitted by `poolsim fit` to the connection log {source:?}.\n\
         # The pool has the log's hosts, each limited to the most sessions one of them held.\n\
         name = \"{name}\"\n\
         duration = \"{duration}\"\n\
         seed = 1\n\n\
         [pool]\n\
         kind = \"pooled\"\n\
         load_balancer = \"breadth_first\"\n\
         hosts = {hosts}\n\
         max_sessions = {limit}\n\n\
         [workload]\n\
         users = {users}\n\
         arrivals = {arrivals}\n\
         session = {session}\n\
         {reconnect}",
        duration = Duration(f.duration),
        hosts = f.hosts,
        limit = f.peak_per_host.max(1),
        users = f.users.max(1),
    )
}

/// The `storm` arrival kind of `s`: its window to the minute, on weekdays.
fn storm_toml(s: &StormFit, logins: f64) -> String {
    let minute = 60_000.0;
    let start = (s.start() / minute).round().max(0.0) as u64;
    let window = ((s.window() / minute).round() as u64).max(1);
    format!(
        "{{ kind = \"storm\", users = {}, start = \"{:02}:{:02}\", window = \"{}\", shape = \"normal\", days = \"weekdays\" }}",
        logins.round().max(1.0),
        start / 60,
        start % 60,
        Duration(window * 60_000)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ks_is_zero_for_a_perfect_staircase_and_large_for_a_wrong_scale() {
        let x: Vec<f64> = (1..=1000).map(|i| i as f64 / 1000.0).collect();
        assert!(ks(&x, |v| v) <= 0.001 + 1e-12);
        assert!(ks(&x, |v| (v / 2.0).min(1.0)) > 0.45);
    }

    #[test]
    fn exponential_data_prefers_the_exponential() {
        // Quantiles of an exponential with mean 30: -30 ln(1 - p).
        let x: Vec<f64> =
            (0..2000).map(|i| -30.0 * (1.0 - (i as f64 + 0.5) / 2000.0).ln()).collect();
        let f = fit_lengths(x).unwrap();
        assert!((f.mean - 30.0).abs() < 0.5, "{}", f.mean);
        assert!(!f.lognormal_wins(), "{f:?}");
    }
}
