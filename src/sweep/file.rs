//! `sweep.json`, the companion of `sweep.csv`: what produced the sweep (provenance), how its
//! grid was laid out and which goals it answered. Written by `poolsim sweep`, read back by
//! `poolsim plot` (goal lines, lines only along ranges) and `poolsim report`.

use crate::output::provenance::Provenance;
use serde::{Deserialize, Serialize};

/// The contents of `sweep.json`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SweepFile {
    /// poolsim version, scenario file and hash, overrides (swept axes included), resolved pool
    /// (of the scenario before the swept values are applied).
    pub provenance: Provenance,
    /// The scenario's name.
    pub scenario: String,
    /// Replications per point.
    pub replications: u32,
    /// The seed every point uses.
    pub seed: u64,
    /// The swept keys, in column order.
    pub axes: Vec<AxisFile>,
    /// The goals, as written (`login_failure_rate<=0.01`).
    pub goals: Vec<String>,
}

/// One swept key in `sweep.json`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct AxisFile {
    /// Dotted scenario path.
    pub path: String,
    /// Its values, typed (numbers as numbers).
    pub values: Vec<serde_json::Value>,
    /// Written as a range `start..end:step`: a continuous quantity, drawn with lines.
    pub range: bool,
}

impl SweepFile {
    /// Parses `sweep.json`.
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    /// Whether axis `path` was written as a range.
    pub fn is_range(&self, path: &str) -> bool {
        self.axes.iter().any(|a| a.path == path && a.range)
    }

    /// The goals, parsed; ones that no longer parse (a renamed metric) are left out.
    pub fn goals(&self) -> Vec<super::Goal> {
        self.goals.iter().filter_map(|g| super::Goal::parse(g).ok()).collect()
    }
}
