//! `sweep.csv`: one row per grid point, the swept values, then for every metric its mean, p05,
//! p95 and 95 % confidence interval. Rendered here and read back (for `--goal`, `--resume` and
//! `poolsim plot`), so every consumer shares one definition of the columns.

use crate::metrics::{MetricSummary, Summaries, WindowSummaries};
use crate::output::tables::cell;

/// The statistics written for each metric, as column suffixes, in order.
pub const STATS: [&str; 5] = ["mean", "p05", "p95", "ci_low", "ci_high"];

/// Position of a statistic in [`STATS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    Mean = 0,
    P05 = 1,
    P95 = 2,
    CiLow = 3,
    CiHigh = 4,
}

/// The metric cells of one point, aligned with the table's metric columns.
pub fn metric_cells(summaries: &Summaries) -> Vec<String> {
    summaries.0.iter().flat_map(|(_, s)| stat_cells(Some(s))).collect()
}

/// The cells of window metrics `names` (`metric[window]`), empty where a point lacks one.
pub fn window_cells(windows: &WindowSummaries, names: &[String]) -> Vec<String> {
    let flat: Vec<(String, &MetricSummary)> = windows.flat().collect();
    names
        .iter()
        .flat_map(|n| stat_cells(flat.iter().find(|(f, _)| f == n).map(|(_, s)| *s)))
        .collect()
}

fn stat_cells(s: Option<&MetricSummary>) -> [String; 5] {
    let Some(s) = s else { return Default::default() };
    let [lo, hi] = s.ci95.map_or([None, None], |[l, h]| [Some(l), Some(h)]);
    [s.mean, s.p05, s.p95, lo, hi].map(cell)
}

/// The header: the parameters, then `<metric>_<stat>` for every metric.
pub fn header(params: &[String], metrics: &[&str]) -> Vec<String> {
    let mut h = params.to_vec();
    h.extend(metrics.iter().flat_map(|m| STATS.map(|s| format!("{m}_{s}"))));
    h
}

/// One row of `sweep.csv`, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The swept values.
    pub params: Vec<String>,
    /// `STATS.len()` cells per metric, empty where a statistic does not apply.
    pub cells: Vec<String>,
}

/// A whole `sweep.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepTable {
    /// Swept parameter paths, in axis order.
    pub params: Vec<String>,
    /// Metric names, in column order.
    pub metrics: Vec<String>,
    /// Rows in point order.
    pub rows: Vec<SweepRow>,
}

impl SweepTable {
    /// The CSV bytes.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let metrics: Vec<&str> = self.metrics.iter().map(String::as_str).collect();
        w.write_record(header(&self.params, &metrics)).expect("in-memory CSV");
        for r in &self.rows {
            w.write_record(r.params.iter().chain(&r.cells)).expect("in-memory CSV");
        }
        w.into_inner().expect("in-memory CSV")
    }

    /// Reads `sweep.csv`: parameters are the columns before the first complete group of
    /// `<metric>_mean … <metric>_ci_high`.
    pub fn from_csv(bytes: &[u8]) -> Result<Self, String> {
        let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
        let head: Vec<String> =
            r.headers().map_err(|e| e.to_string())?.iter().map(str::to_string).collect();
        let first = (0..head.len()).find(|&i| metric_group(&head[i..]).is_some()).unwrap_or(0);
        let mut metrics = Vec::new();
        let mut i = first;
        while i < head.len() {
            let m = metric_group(&head[i..])
                .ok_or_else(|| format!("column {}: expected <metric>_mean", head[i]))?;
            metrics.push(m);
            i += STATS.len();
        }
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| e.to_string())?;
            let fields: Vec<String> = rec.iter().map(str::to_string).collect();
            rows.push(SweepRow {
                params: fields[..first].to_vec(),
                cells: fields[first..].to_vec(),
            });
        }
        Ok(SweepTable { params: head[..first].to_vec(), metrics, rows })
    }

    /// Statistic `stat` of metric `metric` at row `row`, if present.
    pub fn value(&self, row: usize, metric: &str, stat: Stat) -> Option<f64> {
        let m = self.metrics.iter().position(|n| n == metric)?;
        self.rows.get(row)?.cells.get(m * STATS.len() + stat as usize)?.parse().ok()
    }

    /// The value of parameter `param` at row `row`, as text.
    pub fn param(&self, row: usize, param: &str) -> Option<&str> {
        let p = self.params.iter().position(|n| n == param)?;
        self.rows.get(row)?.params.get(p).map(String::as_str)
    }
}

/// The metric whose five columns start `cols`, if they do.
fn metric_group(cols: &[String]) -> Option<String> {
    let stem = cols.first()?.strip_suffix("_mean")?;
    let all = STATS.iter().enumerate().all(|(k, s)| cols.get(k) == Some(&format!("{stem}_{s}")));
    all.then(|| stem.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_reads_back_as_written() {
        let t = SweepTable {
            params: vec!["pool.hosts".into(), "seed".into()],
            metrics: vec!["a_rate".into(), "b".into()],
            rows: vec![SweepRow {
                params: vec!["3".into(), "7".into()],
                cells: ["0.5", "0.1", "0.9", "0.4", "0.6", "", "", "", "", ""]
                    .map(String::from)
                    .to_vec(),
            }],
        };
        let back = SweepTable::from_csv(&t.to_csv()).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.value(0, "a_rate", Stat::CiHigh), Some(0.6));
        assert_eq!(back.value(0, "b", Stat::Mean), None);
        assert_eq!(back.param(0, "seed"), Some("7"));
    }
}
