//! Baseline against now, metric by metric.
//!
//! A metric regresses when it moved in its worse direction (from the catalog's [`Better`]) by
//! more than its tolerance *and* by more than replication noise: the change must lie outside
//! the 95 % confidence interval of the difference of the two means, whose half-width is
//! approximately √(h_baseline² + h_now²) (h: each side's CI half-width). A difference that
//! chance alone could explain is never a regression, however large the tolerance is set.

use super::baseline::Baseline;
use super::tolerance::Tolerances;
use crate::metrics::catalog::{self, Better};
use crate::metrics::summary::split_window;
use crate::metrics::{MetricSummary, Summaries, WindowSummaries};
use serde::Serialize;

/// The outcome for one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Worse beyond tolerance and noise: the check fails.
    Regression,
    /// Better beyond tolerance and noise.
    Improvement,
    /// Within tolerance or noise (shown as `ok`, in the table and in JSON alike).
    #[serde(rename = "ok")]
    Unchanged,
    /// A descriptive metric (no better direction) moved beyond tolerance and noise.
    Changed,
    /// In the baseline but absent now: the check fails, the metric contract changed.
    Missing,
    /// Absent from the baseline but present now (a new metric): reported, not a failure.
    New,
}

impl Verdict {
    /// True when this verdict fails the check.
    pub fn fails(self) -> bool {
        matches!(self, Verdict::Regression | Verdict::Missing)
    }

    /// The word shown in tables and reports.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Regression => "REGRESSION",
            Verdict::Improvement => "improved",
            Verdict::Unchanged => "ok",
            Verdict::Changed => "changed",
            Verdict::Missing => "MISSING",
            Verdict::New => "new",
        }
    }
}

/// One metric's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The metric.
    pub metric: String,
    /// The baseline's mean (absent: not recorded or did not apply).
    pub baseline: Option<f64>,
    /// This run's mean.
    pub now: Option<f64>,
    /// now − baseline, when both exist.
    pub change: Option<f64>,
    /// The change that tolerance and noise allow, when both exist.
    pub allowed: Option<f64>,
    /// The outcome.
    pub verdict: Verdict,
}

/// Every metric's comparison: the catalog's metrics in order, then any metric only the
/// baseline knows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The rows.
    pub rows: Vec<Row>,
}

impl Comparison {
    /// True when any metric fails.
    pub fn failed(&self) -> bool {
        self.rows.iter().any(|r| r.verdict.fails())
    }

    /// The rows that fail.
    pub fn failures(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.verdict.fails())
    }
}

/// Compares this run's summaries with a baseline.
pub fn compare(baseline: &Baseline, now: &Summaries, tolerances: &Tolerances) -> Comparison {
    let mut rows: Vec<Row> = now
        .0
        .iter()
        .map(|(name, summary)| {
            let recorded = baseline.metric(name);
            let side = recorded.map(|m| Side { mean: m.mean, ci95: m.ci95 });
            compare_metric(name, side, Side::of(summary), tolerances)
        })
        .collect();
    for m in &baseline.metrics {
        if now.get(&m.name).is_none() {
            let side = Some(Side { mean: m.mean, ci95: m.ci95 });
            rows.push(compare_metric(&m.name, side, Side { mean: None, ci95: None }, tolerances));
        }
    }
    Comparison { rows }
}

/// Compares this run's window metrics (`metric[window]`) with the baseline's, as
/// [`compare`] does the whole run's.
pub fn compare_windows(
    baseline: &Baseline,
    now: &WindowSummaries,
    tolerances: &Tolerances,
) -> Vec<Row> {
    let flat: Vec<(String, &MetricSummary)> = now.flat().collect();
    let mut rows: Vec<Row> = flat
        .iter()
        .map(|(name, summary)| {
            let recorded = baseline.window_metric(name);
            let side = recorded.map(|m| Side { mean: m.mean, ci95: m.ci95 });
            compare_metric(name, side, Side::of(summary), tolerances)
        })
        .collect();
    for m in &baseline.windows {
        if !flat.iter().any(|(n, _)| *n == m.name) {
            let side = Some(Side { mean: m.mean, ci95: m.ci95 });
            rows.push(compare_metric(&m.name, side, Side { mean: None, ci95: None }, tolerances));
        }
    }
    rows
}

/// A metric's mean and confidence interval on one side.
#[derive(Clone, Copy)]
struct Side {
    mean: Option<f64>,
    ci95: Option<[f64; 2]>,
}

impl Side {
    fn of(s: &MetricSummary) -> Self {
        Side { mean: s.mean, ci95: s.ci95 }
    }

    /// Half the width of the confidence interval; zero without one (a single replication).
    fn half_width(&self) -> f64 {
        self.ci95.map_or(0.0, |[lo, hi]| (hi - lo).abs() / 2.0)
    }
}

/// `base` is `None` when the baseline does not list the metric at all.
fn compare_metric(name: &str, base: Option<Side>, now: Side, tolerances: &Tolerances) -> Row {
    let mut row = Row {
        metric: name.to_string(),
        baseline: base.and_then(|b| b.mean),
        now: now.mean,
        change: None,
        allowed: None,
        verdict: Verdict::Unchanged,
    };
    let Some(base) = base else {
        row.verdict = Verdict::New;
        return row;
    };
    let (b, n) = match (base.mean, now.mean) {
        (Some(b), Some(n)) => (b, n),
        (None, None) => return row,
        (Some(_), None) => return Row { verdict: Verdict::Missing, ..row },
        (None, Some(_)) => return Row { verdict: Verdict::New, ..row },
    };
    let change = n - b;
    let noise = base.half_width().hypot(now.half_width());
    // A window's metric (`metric[window]`) has its metric's tolerance and direction.
    let (metric, _) = split_window(name);
    let allowed = tolerances.of(metric).slack(b).max(noise);
    row.change = Some(change);
    row.allowed = Some(allowed);
    if change.abs() <= allowed {
        return row;
    }
    let better = catalog::def(metric).map_or(Better::Neither, |d| d.better);
    row.verdict = match (better, change > 0.0) {
        (Better::Neither, _) => Verdict::Changed,
        (Better::Lower, true) | (Better::Higher, false) => Verdict::Regression,
        (Better::Lower, false) | (Better::Higher, true) => Verdict::Improvement,
    };
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::baseline::{FORMAT, MetricRecord};
    use crate::check::tolerance::Tolerances;
    use crate::metrics::{METRICS, MetricValues};

    /// Summaries of replications where every metric takes the values `f(metric index)`.
    fn summaries(values: impl Fn(&str) -> Vec<f64>) -> Summaries {
        let reps = values("logins_failed").len();
        let runs: Vec<MetricValues> = (0..reps)
            .map(|r| MetricValues(METRICS.iter().map(|d| Some(values(d.name)[r])).collect()))
            .collect();
        Summaries::of(&runs.iter().collect::<Vec<_>>())
    }

    fn baseline_of(s: &Summaries) -> Baseline {
        Baseline {
            format: FORMAT,
            scenario: "t".into(),
            seed: 1,
            replications: 3,
            duration: "1d".into(),
            windows: Vec::new(),
            provenance: None,
            metrics: s
                .0
                .iter()
                .map(|(n, m)| MetricRecord { name: n.to_string(), mean: m.mean, ci95: m.ci95 })
                .collect(),
        }
    }

    fn verdict(c: &Comparison, name: &str) -> Verdict {
        c.rows.iter().find(|r| r.metric == name).unwrap().verdict
    }

    #[test]
    fn worse_beyond_noise_fails_in_the_metrics_own_direction() {
        let base = summaries(|_| vec![100.0, 101.0, 99.0]);
        let b = baseline_of(&base);
        // Everything went up by 20, far outside the CI (half-width ≈ 2.5 each side).
        let now = summaries(|_| vec![120.0, 121.0, 119.0]);
        let c = compare(&b, &now, &Tolerances::default());
        assert_eq!(verdict(&c, "logins_failed"), Verdict::Regression, "lower is better");
        assert_eq!(verdict(&c, "host_availability"), Verdict::Improvement, "higher is better");
        assert_eq!(verdict(&c, "logins_attempted"), Verdict::Changed, "descriptive");
        assert!(c.failed());
        assert!(!compare(&b, &base, &Tolerances::default()).failed(), "a run matches itself");
    }

    #[test]
    fn differences_inside_the_confidence_interval_or_tolerance_pass() {
        let b = baseline_of(&summaries(|_| vec![100.0, 110.0, 90.0]));
        // +5 on a CI half-width of about 25: noise, even with zero tolerance.
        let now = summaries(|_| vec![105.0, 115.0, 95.0]);
        let strict = Tolerances::parse(&["*=0".into()]).unwrap();
        assert_eq!(verdict(&compare(&b, &now, &strict), "logins_failed"), Verdict::Unchanged);
        // Exact replications (no noise): a 5 % rise fails at 1 %, passes at 10 %.
        let b = baseline_of(&summaries(|_| vec![100.0, 100.0, 100.0]));
        let now = summaries(|_| vec![105.0, 105.0, 105.0]);
        assert!(compare(&b, &now, &Tolerances::default()).failed());
        let loose = Tolerances::parse(&["logins_failed=10%".into(), "*=6".into()]).unwrap();
        assert!(!compare(&b, &now, &loose).failed());
    }

    #[test]
    fn metrics_absent_on_one_side_are_reported() {
        let s = summaries(|_| vec![1.0, 2.0, 3.0]);
        let mut b = baseline_of(&s);
        b.metrics.retain(|m| m.name != "min_free_slots");
        b.metrics.push(MetricRecord { name: "retired_metric".into(), mean: Some(1.0), ci95: None });
        let c = compare(&b, &s, &Tolerances::default());
        assert_eq!(verdict(&c, "min_free_slots"), Verdict::New);
        assert_eq!(verdict(&c, "retired_metric"), Verdict::Missing);
        assert!(c.failed());
        assert_eq!(c.failures().count(), 1);
    }
}
