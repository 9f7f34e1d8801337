//! `records.jsonl`: a shard's raw results, one JSON line per replication it ran — what the
//! merge needs to summarise every point or run exactly as the unsplit command does.
//!
//! Metric values travel as their IEEE-754 bits, so they come back bit for bit (a decimal
//! float read back by a JSON parser need not be the same number).

use crate::metrics::hourly::Hourly;
use crate::metrics::{METRICS, MetricValues};
use crate::model::update::UpdateStatus;
use serde::{Deserialize, Serialize};

/// The file's name in a shard folder.
pub const FILE: &str = "records.jsonl";

/// One replication's raw results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The sweep point (0 for a run).
    pub point: usize,
    /// The replication.
    pub replication: u32,
    /// Every metric in catalog order, as `f64::to_bits`; `null` where it does not apply.
    pub metrics: Vec<Option<u64>>,
    /// A run's updates' final statuses, in scenario order (the printed tally).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update_statuses: Vec<UpdateStatus>,
    /// Each window's metrics in scenario order, as bits like `metrics`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<Vec<Option<u64>>>,
    /// A run's week by the hour (summed exactly: every cell is an integer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hourly: Option<Hourly>,
}

impl Record {
    /// The record of replication `replication` of point `point`.
    pub fn new(point: usize, replication: u32, metrics: &MetricValues) -> Self {
        Record {
            point,
            replication,
            metrics: metrics.0.iter().map(|v| v.map(f64::to_bits)).collect(),
            update_statuses: Vec::new(),
            windows: Vec::new(),
            hourly: None,
        }
    }

    /// Adds each window's metrics.
    pub fn with_windows(mut self, windows: &[MetricValues]) -> Self {
        self.windows =
            windows.iter().map(|w| w.0.iter().map(|v| v.map(f64::to_bits)).collect()).collect();
        self
    }

    /// Each window's metric values, exactly as the replication produced them.
    pub fn window_values(&self) -> Vec<MetricValues> {
        let values = |w: &Vec<Option<u64>>| w.iter().map(|v| v.map(f64::from_bits)).collect();
        self.windows.iter().map(|w| MetricValues(values(w))).collect()
    }

    /// The metric values, exactly as the replication produced them.
    pub fn metric_values(&self) -> MetricValues {
        MetricValues(self.metrics.iter().map(|v| v.map(f64::from_bits)).collect())
    }
}

/// The file's bytes: one line per record, in the order given.
pub fn encode(records: &[Record]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        serde_json::to_writer(&mut out, r).expect("a record serialises");
        out.push(b'\n');
    }
    out
}

/// Reads the file back; `Err` names the first bad line.
pub fn decode(bytes: &[u8]) -> Result<Vec<Record>, String> {
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        return Err("its last line is cut short".into());
    }
    let mut records = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let r: Record = serde_json::from_slice(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        if r.metrics.len() != METRICS.len() {
            return Err(format!(
                "line {}: {} metrics, this poolsim has {}",
                i + 1,
                r.metrics.len(),
                METRICS.len()
            ));
        }
        records.push(r);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_bit_for_bit() {
        let mut values = vec![None; METRICS.len()];
        values[0] = Some(0.1 + 0.2);
        values[1] = Some(f64::MIN_POSITIVE / 3.0);
        values[2] = Some(-0.0);
        values[3] = Some(1.0 / 3.0);
        let m = MetricValues(values);
        let mut r = Record::new(4, 7, &m);
        r.update_statuses = vec![UpdateStatus::Succeeded, UpdateStatus::Refused];
        let back = decode(&encode(std::slice::from_ref(&r))).unwrap();
        assert_eq!(back, [r.clone()]);
        let bits = |v: &MetricValues| v.0.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
        assert_eq!(bits(&back[0].metric_values()), bits(&m));
        let bytes = encode(&[r]);
        assert!(decode(&bytes[..bytes.len() - 1]).is_err(), "a cut line is refused");
    }
}
