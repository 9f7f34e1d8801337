//! The baseline file (`results/baselines/<scenario>.json`): what a scenario's metrics were when
//! the baseline was last reviewed.
//!
//! The file is deterministic — fixed key order (the catalog's), no timestamps, no machine
//! details — so re-recording it after a behaviour change produces a small, reviewable diff.

use crate::metrics::{Summaries, WindowSummaries};
use crate::output::provenance::Provenance;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// The baseline format version; bumped when the layout changes incompatibly.
pub const FORMAT: u32 = 1;

/// A recorded baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Layout version ([`FORMAT`]).
    pub format: u32,
    /// The scenario's `name`.
    pub scenario: String,
    /// The seed the baseline was recorded with.
    pub seed: u64,
    /// How many replications it averaged.
    pub replications: u32,
    /// The simulated span of each replication, as written in scenarios (`"30d"`).
    pub duration: String,
    /// What recorded it: poolsim version, scenario file and hash, overrides, resolved pool.
    /// Absent in baselines recorded before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Each metric's mean and confidence interval, in catalog order.
    pub metrics: Vec<MetricRecord>,
    /// Each `[[windows]]` window's metrics, named `metric[window]`; absent without windows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<MetricRecord>,
}

/// One metric of a baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricRecord {
    /// The catalog name.
    pub name: String,
    /// Mean across replications; `None` where the metric did not apply.
    pub mean: Option<f64>,
    /// 95 % confidence interval of the mean; `None` with fewer than two values.
    pub ci95: Option<[f64; 2]>,
}

impl Baseline {
    /// The baseline of a finished run of `scenario`.
    pub fn of(scenario: &Scenario, provenance: &Provenance, summaries: &Summaries) -> Self {
        Self {
            format: FORMAT,
            scenario: scenario.name.clone(),
            seed: scenario.seed,
            replications: scenario.replications,
            duration: scenario.duration.to_string(),
            provenance: Some(provenance.clone()),
            metrics: summaries
                .0
                .iter()
                .map(|(name, s)| MetricRecord {
                    name: (*name).to_string(),
                    mean: s.mean,
                    ci95: s.ci95,
                })
                .collect(),
            windows: Vec::new(),
        }
    }

    /// Adds the windows' metrics of the same run.
    pub fn with_windows(mut self, windows: &WindowSummaries) -> Self {
        self.windows = windows
            .flat()
            .map(|(name, s)| MetricRecord { name, mean: s.mean, ci95: s.ci95 })
            .collect();
        self
    }

    /// The record of metric `name`.
    pub fn metric(&self, name: &str) -> Option<&MetricRecord> {
        self.metrics.iter().find(|m| m.name == name)
    }

    /// The record of window metric `name` (`metric[window]`).
    pub fn window_metric(&self, name: &str) -> Option<&MetricRecord> {
        self.windows.iter().find(|m| m.name == name)
    }

    /// Renders the file: pretty JSON with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a baseline serialises");
        bytes.push(b'\n');
        bytes
    }

    /// Parses a baseline file's text; the error says what is wrong and where.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.format != FORMAT {
            return Err(format!("format {} is not supported (expected {FORMAT})", b.format));
        }
        Ok(b)
    }
}
