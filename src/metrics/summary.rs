//! Summaries of a metric across replications: mean, p05, p95, 95 % confidence interval.

use super::catalog::{METRICS, Metric, MetricValues};
use super::stats::{confidence_interval, mean, quantile};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// One metric across replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSummary {
    /// Mean of the replications where the metric applies.
    pub mean: Option<f64>,
    /// 5th percentile.
    pub p05: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 95 % confidence interval of the mean (Student t); absent with fewer than 2 values.
    pub ci95: Option<[f64; 2]>,
    /// Per-replication values, in replication order (`null` where it does not apply).
    pub values: Vec<Option<f64>>,
}

impl MetricSummary {
    /// Summarises per-replication values.
    pub fn of(values: Vec<Option<f64>>) -> Self {
        let present: Vec<f64> = values.iter().flatten().copied().collect();
        Self {
            mean: mean(&present),
            p05: quantile(&present, 0.05),
            p95: quantile(&present, 0.95),
            ci95: confidence_interval(&present, 0.95).map(|(lo, hi)| [lo, hi]),
            values,
        }
    }
}

/// Every metric of a run, in catalog order.
#[derive(Debug, Clone, PartialEq)]
pub struct Summaries(pub Vec<(&'static str, MetricSummary)>);

impl Summaries {
    /// Summarises the replications' metric values.
    pub fn of(replications: &[&MetricValues]) -> Self {
        Summaries(
            METRICS
                .iter()
                .enumerate()
                .map(|(i, def)| {
                    let values = replications.iter().map(|r| r.0[i]).collect();
                    (def.name, MetricSummary::of(values))
                })
                .collect(),
        )
    }

    /// Summarises only `metrics` (in the order given), e.g. a window's.
    pub fn of_metrics(replications: &[&MetricValues], metrics: &[Metric]) -> Self {
        Summaries(
            metrics
                .iter()
                .map(|&m| {
                    let values = replications.iter().map(|r| r.0[m as usize]).collect();
                    (METRICS[m as usize].name, MetricSummary::of(values))
                })
                .collect(),
        )
    }

    /// The summary of metric `name`.
    pub fn get(&self, name: &str) -> Option<&MetricSummary> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
    }
}

impl Serialize for Summaries {
    /// A JSON object keyed by metric name, in catalog order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, summary) in &self.0 {
            map.serialize_entry(name, summary)?;
        }
        map.end()
    }
}

/// Every window's metrics across replications, in scenario order: (window name, summaries).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WindowSummaries(pub Vec<(String, Summaries)>);

impl WindowSummaries {
    /// The summary of `metric` in window `window`.
    pub fn get(&self, window: &str, metric: &str) -> Option<&MetricSummary> {
        self.0.iter().find(|(w, _)| w == window).and_then(|(_, s)| s.get(metric))
    }

    /// Every (`metric[window]`, summary), window by window: the names goals and baselines use.
    pub fn flat(&self) -> impl Iterator<Item = (String, &MetricSummary)> {
        self.0.iter().flat_map(|(w, s)| s.0.iter().map(move |(m, v)| (format!("{m}[{w}]"), v)))
    }
}

impl Serialize for WindowSummaries {
    /// A JSON object keyed by window name, each keyed by metric name.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, summaries) in &self.0 {
            map.serialize_entry(name, summaries)?;
        }
        map.end()
    }
}

/// Splits `metric[window]` into its parts; a plain metric name has no window.
pub fn split_window(name: &str) -> (&str, Option<&str>) {
    match name.strip_suffix(']').and_then(|n| n.split_once('[')) {
        Some((metric, window)) => (metric, Some(window)),
        None => (name, None),
    }
}
