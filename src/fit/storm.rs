//! Whether the log's weekday logins come in a morning storm, and its shape.
//!
//! The criterion, in three steps:
//! 1. **Where**: the busiest hour of the weekday fresh logins (all weekdays pooled by time of
//!    day); the storm's centre is the median of the logins within two hours of that hour's
//!    middle, its σ 1.4826 × their median absolute deviation (a robust σ: the background of
//!    the rest of the day moves it little).
//! 2. **Concentrated**: the window is centre ± 3σ, the shape of the `storm` arrival kind
//!    (`shape = "normal"`: the window is ±3σ). A window longer than three hours is no storm.
//! 3. **Better than the hourly profile**: the logins inside the window are compared with the
//!    two candidate descriptions of them by the Kolmogorov–Smirnov distance — the storm's
//!    normal truncated to the window, and the hourly profile (a constant rate within each
//!    hour, from the hourly counts). The storm is chosen when it is the closer of the two and
//!    the window holds at least [`MIN_LOGINS`] logins. An hourly profile cannot put most of an
//!    hour's logins in its middle minutes, so a real storm wins clearly; logins spread evenly
//!    within their hours (what a profile describes, however peaked) are closer to the profile.
//!
//! Only the normal shape is fitted: a uniform window is described well enough by the profile
//! when it is aligned with the hours, and by a wide normal otherwise.

use super::ks::ks;
use crate::engine::SimTime;
use crate::engine::time::{DAY, HOUR};
use statrs::distribution::{ContinuousCDF, Normal};

/// The fewest logins in a window to call it a storm.
pub const MIN_LOGINS: usize = 50;
/// The longest storm window (6σ).
pub const MAX_WINDOW: SimTime = 3 * HOUR;
/// How far from the busiest hour's middle the logins that estimate the storm reach.
const REACH: f64 = 2.0 * HOUR as f64;

/// A candidate storm: a normal of the weekday fresh logins' time of day.
#[derive(Debug, Clone, Copy)]
pub struct StormFit {
    /// The centre, milliseconds after midnight.
    pub centre: f64,
    /// σ in milliseconds.
    pub sigma: f64,
    /// Weekday fresh logins inside the window.
    pub inside: usize,
    /// Their share of all weekday fresh logins.
    pub share: f64,
    /// Kolmogorov–Smirnov distance of the logins inside to the truncated normal.
    pub ks_storm: f64,
    /// The same to the hourly profile.
    pub ks_profile: f64,
}

impl StormFit {
    /// The window's start (ms after midnight).
    pub fn start(&self) -> f64 {
        self.centre - 3.0 * self.sigma
    }

    /// The window's length (6σ, ms).
    pub fn window(&self) -> f64 {
        6.0 * self.sigma
    }

    /// Whether the time of day `t` (ms) falls in the window.
    pub fn contains(&self, t: f64) -> bool {
        (self.start()..=self.start() + self.window()).contains(&t)
    }

    /// Whether the data shows a storm (see the module's criterion).
    pub fn chosen(&self) -> bool {
        self.inside >= MIN_LOGINS
            && self.window() <= MAX_WINDOW as f64
            && self.ks_storm < self.ks_profile
    }

    /// Why the storm was or was not chosen, in a phrase.
    pub fn reason(&self) -> String {
        let minutes = self.window() / 60_000.0;
        if self.inside < MIN_LOGINS {
            format!("only {} logins in the window (at least {MIN_LOGINS} needed)", self.inside)
        } else if self.window() > MAX_WINDOW as f64 {
            format!("the window would be {minutes:.0} min (a storm lasts at most 3 h)")
        } else {
            let closer = if self.chosen() { "storm" } else { "hourly profile" };
            format!(
                "{:.0} % of weekday logins in a {minutes:.0}-min window; KS distance inside it: storm {:.3}, hourly profile {:.3} -> the {closer} is closer",
                100.0 * self.share,
                self.ks_storm,
                self.ks_profile
            )
        }
    }
}

/// The candidate storm of weekday fresh logins at times of day `times` (ms), or `None` when
/// there are too few logins to tell.
pub fn detect(mut times: Vec<SimTime>) -> Option<StormFit> {
    if times.len() < MIN_LOGINS {
        return None;
    }
    times.sort_unstable();
    let peak = busiest_hour(&times) as f64 + HOUR as f64 / 2.0;
    let near: Vec<f64> =
        times.iter().map(|&t| t as f64).filter(|t| (t - peak).abs() <= REACH).collect();
    let centre = median(&near);
    let deviations: Vec<f64> = near.iter().map(|t| (t - centre).abs()).collect();
    let sigma = (1.4826 * median(&deviations)).max(1_000.0);
    let (lo, hi) = (centre - 3.0 * sigma, centre + 3.0 * sigma);
    let inside: Vec<f64> =
        times.iter().map(|&t| t as f64).filter(|t| (lo..=hi).contains(t)).collect();
    let normal = Normal::new(centre, sigma).ok()?;
    let (a, b) = (normal.cdf(lo), normal.cdf(hi));
    let ks_storm = ks(&inside, |t| (normal.cdf(t) - a) / (b - a));
    let counts = hourly_counts(&times);
    let mass = |t: f64| profile_mass(&counts, lo, t);
    let total = mass(hi);
    let ks_profile = if total > 0.0 { ks(&inside, |t| mass(t) / total) } else { 1.0 };
    Some(StormFit {
        centre,
        sigma,
        inside: inside.len(),
        share: inside.len() as f64 / times.len() as f64,
        ks_storm,
        ks_profile,
    })
}

/// The start of the hour-long span (starting at a login) holding the most logins.
fn busiest_hour(sorted: &[SimTime]) -> SimTime {
    let (mut best, mut at, mut j) = (0, 0, 0);
    for (i, &t) in sorted.iter().enumerate() {
        while j < sorted.len() && sorted[j] < t + HOUR {
            j += 1;
        }
        if j - i > best {
            (best, at) = (j - i, t);
        }
    }
    at
}

fn median(sorted: &[f64]) -> f64 {
    let mut v = sorted.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn hourly_counts(times: &[SimTime]) -> [f64; 24] {
    let mut counts = [0.0; 24];
    for &t in times {
        counts[((t % DAY) / HOUR) as usize] += 1.0;
    }
    counts
}

/// The hourly profile's logins between times of day `from` and `to` (ms): each hour's count
/// spread evenly over the hour.
fn profile_mass(counts: &[f64; 24], from: f64, to: f64) -> f64 {
    let hour = HOUR as f64;
    (0..24)
        .map(|h| {
            let (a, b) = (h as f64 * hour, (h + 1) as f64 * hour);
            let overlap = (to.min(b) - from.max(a)).max(0.0);
            counts[h] * overlap / hour
        })
        .sum()
}

/// How much of hour `h` (0–23) the window of `s` covers, as a fraction of the hour.
pub fn overlap(s: &StormFit, h: usize) -> f64 {
    let hour = HOUR as f64;
    let (a, b) = (h as f64 * hour, (h + 1) as f64 * hour);
    ((s.start() + s.window()).min(b) - s.start().max(a)).max(0.0) / hour
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::MINUTE;

    /// Logins at the quantiles of a normal (centre, σ in minutes), `n` of them.
    fn normal_logins(centre: f64, sigma: f64, n: usize) -> Vec<SimTime> {
        let d = Normal::new(centre, sigma).unwrap();
        (0..n)
            .map(|i| (d.inverse_cdf((i as f64 + 0.5) / n as f64) * MINUTE as f64) as SimTime)
            .collect()
    }

    /// Logins spread evenly over each hour, `per_hour[h]` of them in hour h.
    fn profile_logins(per_hour: &[usize; 24]) -> Vec<SimTime> {
        let mut out = Vec::new();
        for (h, &n) in per_hour.iter().enumerate() {
            out.extend((0..n).map(|i| h as SimTime * HOUR + (i as SimTime * HOUR) / n as SimTime));
        }
        out
    }

    #[test]
    fn a_normal_storm_is_found_at_its_centre_with_its_spread() {
        // 08:30 ± 10 min, and a thin background all day.
        let mut times = normal_logins(510.0, 10.0, 2000);
        times.extend(profile_logins(&[4; 24]));
        let s = detect(times).unwrap();
        assert!(s.chosen(), "{}", s.reason());
        assert!((s.centre / MINUTE as f64 - 510.0).abs() < 1.0, "{s:?}");
        assert!((s.sigma / MINUTE as f64 - 10.0).abs() < 1.0, "{s:?}");
        assert!(s.ks_storm < 0.02 && s.ks_profile > 0.1, "{s:?}");
    }

    #[test]
    fn logins_spread_evenly_within_their_hours_stay_a_profile_however_peaked() {
        // A sharp 08:00–09:00 peak over a working-day background: a profile, not a storm.
        let mut per_hour = [0; 24];
        per_hour[8] = 400;
        per_hour[9..17].fill(40);
        let s = detect(profile_logins(&per_hour)).unwrap();
        assert!(!s.chosen(), "{}", s.reason());
        assert!(s.ks_profile < s.ks_storm, "{s:?}");
        // A flat day is far too wide for a storm.
        let flat = detect(profile_logins(&[20; 24])).unwrap();
        assert!(!flat.chosen() && flat.window() > MAX_WINDOW as f64, "{flat:?}");
    }

    #[test]
    fn too_few_logins_tell_nothing() {
        assert!(detect(normal_logins(510.0, 10.0, MIN_LOGINS - 1)).is_none());
    }

    #[test]
    fn the_overlap_of_a_window_with_an_hour_is_a_fraction_of_the_hour() {
        let s = StormFit {
            centre: 8.5 * HOUR as f64,
            sigma: 10.0 * MINUTE as f64,
            inside: 100,
            share: 1.0,
            ks_storm: 0.0,
            ks_profile: 1.0,
        };
        assert_eq!(overlap(&s, 8), 1.0);
        assert_eq!(overlap(&s, 9), 0.0);
        let late = StormFit { centre: 9.0 * HOUR as f64, ..s };
        assert!((overlap(&late, 8) - 0.5).abs() < 1e-12 && (overlap(&late, 9) - 0.5).abs() < 1e-12);
    }
}
