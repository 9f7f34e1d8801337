//! `sweep.csv`: one row per grid point, the swept values, then for every metric its mean, p05,
//! p95 and 95 % confidence interval. Rendered here and read back (for `--goal`, `--resume` and
//! `poolsim plot`), so every consumer shares one definition of the columns.
//!
//! A column that would be empty on every row (a metric that does not apply to the scenario, or
//! the interval of a single replication) is left out of the file; reading it back, a missing
//! column is an empty cell. `sweep_long.csv` holds the same numbers in long ("tidy") form, one
//! row per point and metric, for data-frame tools.
//!
//! Confidence bounds are clamped to the metric's range (see `output/numbers.rs`).

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

/// The metric cells of one point, aligned with the table's metric columns; each confidence
/// interval clamped to its metric's range.
pub fn metric_cells(summaries: &Summaries) -> Vec<String> {
    summaries.0.iter().flat_map(|(name, s)| stat_cells(name, Some(s))).collect()
}

/// The cells of window metrics `names` (`metric[window]`), empty where a point lacks one.
pub fn window_cells(windows: &WindowSummaries, names: &[String]) -> Vec<String> {
    let flat: Vec<(String, &MetricSummary)> = windows.flat().collect();
    names
        .iter()
        .flat_map(|n| {
            let metric = n.split('[').next().unwrap_or(n);
            stat_cells(metric, flat.iter().find(|(f, _)| f == n).map(|(_, s)| *s))
        })
        .collect()
}

/// Mean, p05, p95 and the confidence interval clamped to `metric`'s range.
fn stat_cells(metric: &str, s: Option<&MetricSummary>) -> [String; 5] {
    let Some(s) = s else { return Default::default() };
    let ci = s.ci95.map(|c| crate::output::numbers::clamp_ci(metric, c));
    let [lo, hi] = ci.map_or([None, None], |[l, h]| [Some(l), Some(h)]);
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
    /// Whether column `c` of the metric cells is empty on every row.
    fn empty_column(&self, c: usize) -> bool {
        self.rows.iter().all(|r| r.cells.get(c).is_none_or(String::is_empty))
    }

    /// The CSV bytes, without the columns that are empty on every row.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let metrics: Vec<&str> = self.metrics.iter().map(String::as_str).collect();
        let full = header(&self.params, &metrics);
        let n = self.params.len();
        let keep: Vec<usize> = (0..full.len() - n).filter(|&c| !self.empty_column(c)).collect();
        let head = self.params.iter().chain(keep.iter().map(|&c| &full[n + c]));
        w.write_record(head).expect("in-memory CSV");
        for r in &self.rows {
            let cells = keep.iter().map(|&c| r.cells.get(c).map_or("", String::as_str));
            w.write_record(r.params.iter().map(String::as_str).chain(cells))
                .expect("in-memory CSV");
        }
        w.into_inner().expect("in-memory CSV")
    }

    /// `sweep_long.csv`: `point`, the swept parameters, `metric`, then the statistics — one row
    /// per point and metric that applies there.
    pub fn to_long_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let head = ["point"].into_iter().chain(self.params.iter().map(String::as_str));
        w.write_record(head.chain(["metric"]).chain(STATS)).expect("in-memory CSV");
        for (i, r) in self.rows.iter().enumerate() {
            for (m, metric) in self.metrics.iter().enumerate() {
                let cells = &r.cells[m * STATS.len()..(m + 1) * STATS.len()];
                if cells.iter().all(String::is_empty) {
                    continue;
                }
                let point = i.to_string();
                let fields = [point.as_str()]
                    .into_iter()
                    .chain(r.params.iter().map(String::as_str))
                    .chain([metric.as_str()])
                    .chain(cells.iter().map(String::as_str));
                w.write_record(fields).expect("in-memory CSV");
            }
        }
        w.into_inner().expect("in-memory CSV")
    }

    /// Reads `sweep.csv`: parameters are the columns before the first `<metric>_<stat>` one
    /// (metric names have no dot; parameter paths that end in a statistic's name do); columns
    /// left out because they were empty read back as empty cells.
    pub fn from_csv(bytes: &[u8]) -> Result<Self, String> {
        let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
        let head: Vec<String> =
            r.headers().map_err(|e| e.to_string())?.iter().map(str::to_string).collect();
        let first = head.iter().position(|h| split_stat(h).is_some()).unwrap_or(head.len());
        let mut metrics: Vec<String> = Vec::new();
        let mut slots = Vec::new();
        for h in &head[first..] {
            let (metric, stat) = split_stat(h).ok_or_else(|| {
                format!("column {h}: expected <metric>_<stat> ({})", STATS.join(", "))
            })?;
            let m = match metrics.iter().position(|x| x == metric) {
                Some(m) => m,
                None => {
                    metrics.push(metric.to_string());
                    metrics.len() - 1
                }
            };
            slots.push(m * STATS.len() + stat);
        }
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| e.to_string())?;
            let fields: Vec<String> = rec.iter().map(str::to_string).collect();
            let mut cells = vec![String::new(); metrics.len() * STATS.len()];
            for (k, &slot) in slots.iter().enumerate() {
                cells[slot] = fields.get(first + k).cloned().unwrap_or_default();
            }
            rows.push(SweepRow { params: fields[..first].to_vec(), cells });
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

/// Splits `<metric>_<stat>` into the metric and the statistic's position in [`STATS`];
/// `None` for a parameter column (dotted paths, or no statistic suffix).
fn split_stat(column: &str) -> Option<(&str, usize)> {
    if column.contains('.') {
        return None;
    }
    STATS.iter().enumerate().find_map(|(k, s)| {
        let metric = column.strip_suffix(s)?.strip_suffix('_')?;
        (!metric.is_empty()).then_some((metric, k))
    })
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
        let csv = String::from_utf8(t.to_csv()).unwrap();
        assert!(!csv.contains("b_mean"), "a metric empty everywhere has no column: {csv}");
        let back = SweepTable::from_csv(csv.as_bytes()).unwrap();
        assert_eq!(back.rows[0].cells[..5], t.rows[0].cells[..5]);
        assert_eq!(back.metrics, ["a_rate"]);
        assert_eq!(back.value(0, "a_rate", Stat::CiHigh), Some(0.6));
        assert_eq!(back.value(0, "b", Stat::Mean), None);
        assert_eq!(back.param(0, "seed"), Some("7"));
    }

    #[test]
    fn columns_empty_on_every_row_are_dropped_and_read_back_empty() {
        let row = |cells: [&str; 5]| SweepRow {
            params: vec!["1".into()],
            cells: cells.map(String::from).to_vec(),
        };
        // One replication per point: no interval anywhere.
        let t = SweepTable {
            params: vec!["pool.hosts".into()],
            metrics: vec!["peak_sessions".into()],
            rows: vec![row(["3", "3", "3", "", ""]), row(["4", "4", "4", "", ""])],
        };
        let csv = String::from_utf8(t.to_csv()).unwrap();
        assert_eq!(
            csv.lines().next(),
            Some("pool.hosts,peak_sessions_mean,peak_sessions_p05,peak_sessions_p95")
        );
        assert_eq!(SweepTable::from_csv(csv.as_bytes()).unwrap(), t);
        let long = String::from_utf8(t.to_long_csv()).unwrap();
        assert_eq!(
            long.lines().collect::<Vec<_>>(),
            [
                "point,pool.hosts,metric,mean,p05,p95,ci_low,ci_high",
                "0,1,peak_sessions,3,3,3,,",
                "1,1,peak_sessions,4,4,4,,"
            ]
        );
    }
}
