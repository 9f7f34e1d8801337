//! The table a sweep prints: one line per point, its swept values and a few key metrics'
//! means (the goals' metrics first), the chosen point marked — the answer at a glance,
//! before anyone opens `sweep.csv`.

use super::goal::{Goal, Verdict};
use super::table::{Stat, SweepTable};
use crate::output::numbers;

/// Metrics shown after the goals', when the sweep reports them.
const KEY_METRICS: [&str; 7] = [
    "login_failure_rate",
    "host_availability",
    "forced_logoffs",
    "update_completion_minutes",
    "user_minutes_disrupted",
    "min_free_slots",
    "peak_sessions",
];

/// At most this many metric columns, so the table fits a terminal.
const MAX_METRICS: usize = 5;

/// The metrics the table shows: the goals', then the key ones that differ between points.
pub fn shown_metrics(table: &SweepTable, goals: &[Goal]) -> Vec<String> {
    let mut shown: Vec<String> = Vec::new();
    let goal_metrics: Vec<&str> = goals.iter().map(|g| g.metric.as_str()).collect();
    for m in goal_metrics.iter().copied().chain(KEY_METRICS) {
        let means: Vec<Option<f64>> =
            (0..table.rows.len()).map(|r| table.value(r, m, Stat::Mean)).collect();
        let reported = means.iter().any(Option::is_some);
        let varies = means.iter().any(|v| *v != means[0]) || goal_metrics.contains(&m);
        if reported && varies && !shown.iter().any(|s| s == m) && shown.len() < MAX_METRICS {
            shown.push(m.to_string());
        }
    }
    shown
}

/// The printed table, a header line and a line per point; `→` marks the verdict's point.
pub fn points_table(table: &SweepTable, goals: &[Goal], verdict: Option<&Verdict>) -> String {
    let metrics = shown_metrics(table, goals);
    let chosen = verdict.map(|v| match *v {
        Verdict::Met { row } | Verdict::NoneMet { row } => row,
    });
    let mut lines: Vec<Vec<String>> = Vec::new();
    lines.push(
        std::iter::once(String::new())
            .chain(table.params.iter().cloned())
            .chain(metrics.iter().cloned())
            .collect(),
    );
    for (r, row) in table.rows.iter().enumerate() {
        let mark = if chosen == Some(r) { "→" } else { "" };
        let values = metrics.iter().map(|m| {
            table.value(r, m, Stat::Mean).map_or("-".to_string(), |v| numbers::show(m, v))
        });
        lines.push(
            std::iter::once(mark.to_string())
                .chain(row.params.iter().cloned())
                .chain(values)
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for l in &lines {
        let cells: Vec<String> =
            l.iter().zip(&widths).map(|(cell, &w)| format!("{cell:>w$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::table::SweepRow;

    #[test]
    fn the_table_shows_goal_metrics_first_and_marks_the_answer() {
        let row = |h: &str, rate: &str| SweepRow {
            params: vec![h.into()],
            cells: [rate, "", "", "", ""].map(String::from).to_vec(),
        };
        let t = SweepTable {
            params: vec!["pool.hosts".into()],
            metrics: vec!["login_failure_rate".into()],
            rows: vec![row("10", "0.2"), row("20", "0.004")],
        };
        let g = [Goal::parse("login_failure_rate<=0.01").unwrap()];
        let text = points_table(&t, &g, Some(&Verdict::Met { row: 1 }));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].contains("pool.hosts") && lines[0].contains("login_failure_rate"));
        assert!(lines[2].starts_with('→') && lines[2].contains("0.40%"), "{text}");
        assert!(!lines[1].contains('→') && lines[1].contains("20.00%"), "{text}");
    }
}
