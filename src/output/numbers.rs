//! Numbers for people: what kind of quantity each metric is, the range it can take, and how
//! it is printed — counts as whole numbers, rates as percentages, durations in minutes.
//!
//! A Student-t interval is symmetric around the mean, so on few replications of a count that
//! is mostly 0 it reaches below zero, and a rate near 0 or 1 leaves [0, 1]. Everything shown
//! to a person (the printed summary, sweep tables, plots, the report) clamps the interval to
//! the metric's range with [`clamp_ci`]. `summary.json` and the baselines keep the raw
//! interval, whose width the regression check needs.

/// The kind of quantity a metric is, which fixes its range and its printed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A share in [0, 1], printed as a percentage.
    Rate,
    /// A number of things (logins, hosts, sessions): ≥ 0, whole in each replication.
    Count,
    /// A duration in minutes or seconds: ≥ 0.
    Duration,
    /// A coded state (`update_status`): its mean means nothing, it is never printed or drawn.
    Code,
}

/// The kind of metric `name`, from its name (the catalog's naming rules).
pub fn kind(name: &str) -> Kind {
    if name == "update_status" {
        Kind::Code
    } else if name.ends_with("_rate") || name.ends_with("availability") {
        Kind::Rate
    } else if name.ends_with("_minutes") || name.ends_with("_seconds") {
        Kind::Duration
    } else {
        Kind::Count
    }
}

/// The range a metric's values can take.
pub fn range(name: &str) -> (f64, f64) {
    match kind(name) {
        Kind::Rate => (0.0, 1.0),
        Kind::Count | Kind::Duration => (0.0, f64::INFINITY),
        Kind::Code => (f64::NEG_INFINITY, f64::INFINITY),
    }
}

/// A confidence interval cut to what metric `name` can take.
pub fn clamp_ci(name: &str, [lo, hi]: [f64; 2]) -> [f64; 2] {
    let (min, max) = range(name);
    [lo.clamp(min, max), hi.clamp(min, max)]
}

/// A value of metric `name` as printed: `40000`, `0.5`, `1.23%`, `490.0 min`.
pub fn show(name: &str, v: f64) -> String {
    match kind(name) {
        Kind::Rate => percent(v),
        Kind::Count | Kind::Code => count(v),
        Kind::Duration if name.ends_with("_seconds") => format!("{v:.1} s"),
        Kind::Duration => format!("{v:.1} min"),
    }
}

/// A mean with its clamped interval: `0.5 (95% CI 0 .. 1.42)`.
pub fn show_with_ci(name: &str, mean: f64, ci: Option<[f64; 2]>) -> String {
    match ci.map(|c| clamp_ci(name, c)) {
        // Every replication gave the same value: the interval says nothing more.
        Some([lo, hi]) if lo == mean && hi == mean => show(name, mean),
        Some([lo, hi]) => {
            format!("{} (95% CI {} .. {})", show(name, mean), show(name, lo), show(name, hi))
        }
        None => show(name, mean),
    }
}

/// A share as a percentage with two decimals; tiny non-zero shares do not print as 0.
pub fn percent(v: f64) -> String {
    if v > 0.0 && v < 0.00005 { "<0.01%".to_string() } else { format!("{:.2}%", v * 100.0) }
}

/// A count: whole when it is (one replication, or equal replications), else two decimals.
pub fn count(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{v:.0}") } else { format!("{v:.2}") }
}

/// `1 replication`, `10 replications`.
pub fn replications(n: u32) -> String {
    if n == 1 { "1 replication".into() } else { format!("{n} replications") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_metric_has_a_kind_with_a_sane_range() {
        for d in crate::metrics::METRICS {
            let (lo, hi) = range(d.name);
            assert!(lo < hi, "{}", d.name);
        }
        assert_eq!(kind("login_failure_rate"), Kind::Rate);
        assert_eq!(kind("host_availability"), Kind::Rate);
        assert_eq!(kind("forced_logoffs"), Kind::Count);
        assert_eq!(kind("update_completion_minutes"), Kind::Duration);
    }

    #[test]
    fn intervals_never_leave_the_range() {
        assert_eq!(clamp_ci("forced_logoffs", [-0.42, 1.42]), [0.0, 1.42]);
        assert_eq!(clamp_ci("host_availability", [0.97, 1.03]), [0.97, 1.0]);
        assert_eq!(clamp_ci("login_failure_rate", [-0.01, 0.02]), [0.0, 0.02]);
        assert_eq!(
            show_with_ci("forced_logoffs", 0.5, Some([-0.42, 1.42])),
            "0.50 (95% CI 0 .. 1.42)"
        );
    }

    #[test]
    fn counts_are_whole_and_rates_are_percentages() {
        assert_eq!(show("logins_attempted", 40000.0), "40000");
        assert_eq!(show("login_failure_rate", 0.0123), "1.23%");
        assert_eq!(show("login_failure_rate", 0.000001), "<0.01%");
        assert_eq!(show("update_completion_minutes", 490.0), "490.0 min");
        assert_eq!(replications(1), "1 replication");
        assert_eq!(replications(2), "2 replications");
    }
}
