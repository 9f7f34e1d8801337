//! The SLO mode: `--goal 'login_failure_rate<=0.01'` (repeatable) picks the cheapest point of
//! a sweep that meets every goal — fewest hosts, then the shortest update — or, when none
//! does, the point that comes closest and by how much each goal misses there.
//!
//! A point meets a goal when the metric's mean across replications does; the confidence
//! interval is reported beside it so the planner can judge the margin.

use super::table::{Stat, SweepTable};
use crate::metrics::catalog;
use crate::output::numbers;
use serde::Serialize;
use std::collections::BTreeMap;

/// A comparison of a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `>`
    Gt,
}

impl Cmp {
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Le => "<=",
            Cmp::Lt => "<",
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
        }
    }
}

/// One service-level goal on a metric's mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// A metric of the catalog.
    pub metric: String,
    /// How the mean must compare with the target.
    pub cmp: Cmp,
    /// The target value.
    pub target: f64,
}

impl Goal {
    /// Parses `metric<=value` (also `<`, `>=`, `>`); the metric must be in the catalog. A
    /// window's metric is written `metric[window]` (the window is checked against the
    /// scenario by the caller).
    pub fn parse(text: &str) -> Result<Self, String> {
        let ops = [("<=", Cmp::Le), (">=", Cmp::Ge), ("<", Cmp::Lt), (">", Cmp::Gt)];
        let (metric, cmp, raw) = ops
            .iter()
            .find_map(|(s, c)| text.split_once(s).map(|(m, v)| (m.trim(), *c, v.trim())))
            .ok_or_else(|| format!("\"{text}\": expected metric<=value (or <, >=, >)"))?;
        if catalog::def(crate::metrics::summary::split_window(metric).0).is_none() {
            let names: Vec<&str> = catalog::METRICS.iter().map(|d| d.name).collect();
            return Err(format!("\"{metric}\" is not a metric; allowed: {}", names.join(", ")));
        }
        let target: f64 = raw
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("\"{text}\": the target must be a number, got \"{raw}\""))?;
        Ok(Goal { metric: metric.to_string(), cmp, target })
    }

    /// Whether `value` meets the goal.
    pub fn meets(&self, value: f64) -> bool {
        match self.cmp {
            Cmp::Le => value <= self.target,
            Cmp::Lt => value < self.target,
            Cmp::Ge => value >= self.target,
            Cmp::Gt => value > self.target,
        }
    }

    /// How far `value` misses the target, relative to the target's size: 0 when met, and
    /// infinite when the metric is absent, so goals on different scales compare.
    pub fn miss(&self, value: Option<f64>) -> f64 {
        let Some(v) = value else { return f64::INFINITY };
        if self.meets(v) {
            return 0.0;
        }
        (v - self.target).abs() / self.target.abs().max(1e-12)
    }
}

impl std::fmt::Display for Goal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}{}", self.metric, self.cmp.symbol(), self.target)
    }
}

/// The answer to the planner's question.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Row `row` is the cheapest point meeting every goal.
    Met { row: usize },
    /// No point meets every goal; row `row` comes closest (smallest worst miss).
    NoneMet { row: usize },
}

/// The metric that breaks ties between equally cheap points: the shortest update.
pub const UPDATE_TIME_METRIC: &str = "update_completion_minutes";

/// The parameter that measures cost: fewer hosts is cheaper.
pub const HOSTS_PARAM: &str = "pool.hosts";

/// The metric that measures money when the scenario has `[cost]`.
pub const COST_METRIC: &str = "cost";

/// Picks the cheapest row meeting every goal, or the closest one. `None` for an empty table.
/// Cheapest is the lowest `cost` when the sweep measured it (the scenario has `[cost]`), else
/// the fewest hosts.
pub fn choose(table: &SweepTable, goals: &[Goal]) -> Option<Verdict> {
    choose_minimizing(table, goals, None)
}

/// [`choose`], with "cheapest" meaning the lowest mean of `minimize` when given (then fewer
/// hosts, then the shortest update, break ties).
pub fn choose_minimizing(
    table: &SweepTable,
    goals: &[Goal],
    minimize: Option<&str>,
) -> Option<Verdict> {
    let measured = |m: &str| (0..table.rows.len()).any(|r| table.value(r, m, Stat::Mean).is_some());
    let by = minimize.or(measured(COST_METRIC).then_some(COST_METRIC));
    let cost = |t: &SweepTable, row: usize| cost(t, row, by);
    let mean = |row: usize, g: &Goal| table.value(row, &g.metric, Stat::Mean);
    let rows = 0..table.rows.len();
    let met =
        rows.clone().filter(|&r| goals.iter().all(|g| mean(r, g).is_some_and(|v| g.meets(v))));
    if let Some(row) =
        met.min_by(|&a, &b| cost(table, a).total_cmp(&cost(table, b)).then(a.cmp(&b)))
    {
        return Some(Verdict::Met { row });
    }
    let worst = |r: usize| goals.iter().map(|g| g.miss(mean(r, g))).fold(0.0, f64::max);
    rows.min_by(|&a, &b| worst(a).total_cmp(&worst(b)).then(a.cmp(&b)))
        .map(|row| Verdict::NoneMet { row })
}

/// A row's cost as (the minimized metric, hosts, update minutes), one comparable key.
fn cost(table: &SweepTable, row: usize, by: Option<&str>) -> Cost {
    let metric = by.map_or(0.0, |m| table.value(row, m, Stat::Mean).unwrap_or(f64::INFINITY));
    let hosts = table.param(row, HOSTS_PARAM).and_then(|h| h.parse::<f64>().ok()).unwrap_or(0.0);
    let update = table.value(row, UPDATE_TIME_METRIC, Stat::Mean).unwrap_or(f64::INFINITY);
    Cost(metric, hosts, update)
}

/// The minimized metric first (absent counts as most), then fewest hosts, then the shortest
/// update (absent counts as longest).
struct Cost(f64, f64, f64);

impl Cost {
    fn total_cmp(&self, other: &Cost) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(self.1.total_cmp(&other.1)).then(self.2.total_cmp(&other.2))
    }
}

/// One goal at the chosen point, for `goal.json`.
#[derive(Debug, Serialize)]
pub struct GoalAtPoint {
    /// The goal as written, e.g. `login_failure_rate<=0.01`.
    pub goal: String,
    /// The metric's mean at the point.
    pub mean: Option<f64>,
    /// Its 95 % confidence interval.
    pub ci95: Option<[f64; 2]>,
    /// Whether the mean meets the goal.
    pub met: bool,
    /// The best mean any point reached, and where (the planner's "how close can we get").
    pub best_mean: Option<f64>,
    /// The point of `best_mean`.
    pub best_at: BTreeMap<String, serde_json::Value>,
}

/// `goal.json`: the verdict, the point and every goal there.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Whether some point meets every goal.
    pub met: bool,
    /// The cheapest point meeting every goal, or the closest one; values typed as in the
    /// scenario (numbers as numbers).
    pub point: BTreeMap<String, serde_json::Value>,
    /// Each goal at that point.
    pub goals: Vec<GoalAtPoint>,
}

fn point_of(table: &SweepTable, row: usize) -> BTreeMap<String, serde_json::Value> {
    let values = table.rows[row].params.iter().map(|v| typed(v));
    table.params.iter().cloned().zip(values).collect()
}

/// A swept value as JSON, typed the way `--set` typed it: `124` a number, `true` a boolean,
/// `20m` a string.
pub fn typed(text: &str) -> serde_json::Value {
    match crate::scenario::parse_value(text) {
        toml::Value::Integer(i) => i.into(),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(text.into(), Into::into),
        toml::Value::Boolean(b) => b.into(),
        _ => text.into(),
    }
}

fn point_text(table: &SweepTable, row: usize) -> String {
    let pairs = table.params.iter().zip(&table.rows[row].params);
    pairs.map(|(p, v)| format!("{p}={v}")).collect::<Vec<_>>().join(" ")
}

/// The row with the best mean for `goal` (lowest for `<`, highest for `>`).
fn best_row(table: &SweepTable, goal: &Goal) -> Option<(usize, f64)> {
    let means = (0..table.rows.len())
        .filter_map(|r| table.value(r, &goal.metric, Stat::Mean).map(|v| (r, v)));
    match goal.cmp {
        Cmp::Le | Cmp::Lt => means.min_by(|a, b| a.1.total_cmp(&b.1)),
        Cmp::Ge | Cmp::Gt => means.max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0))),
    }
}

/// The machine-readable answer.
pub fn report(table: &SweepTable, goals: &[Goal], verdict: &Verdict) -> Report {
    let (met, row) = match *verdict {
        Verdict::Met { row } => (true, row),
        Verdict::NoneMet { row } => (false, row),
    };
    let goals = goals
        .iter()
        .map(|g| {
            let mean = table.value(row, &g.metric, Stat::Mean);
            let lo = table.value(row, &g.metric, Stat::CiLow);
            let hi = table.value(row, &g.metric, Stat::CiHigh);
            let best = best_row(table, g);
            GoalAtPoint {
                goal: g.to_string(),
                mean,
                ci95: lo.zip(hi).map(|(l, h)| [l, h]),
                met: mean.is_some_and(|v| g.meets(v)),
                best_mean: best.map(|b| b.1),
                best_at: best.map(|b| point_of(table, b.0)).unwrap_or_default(),
            }
        })
        .collect();
    Report { met, point: point_of(table, row), goals }
}

/// The human answer, a few lines.
pub fn describe(table: &SweepTable, goals: &[Goal], verdict: &Verdict) -> String {
    let r = report(table, goals, verdict);
    let row = match *verdict {
        Verdict::Met { row } | Verdict::NoneMet { row } => row,
    };
    let mut out = if r.met {
        format!("cheapest point meeting every goal: {}", point_text(table, row))
    } else {
        format!("no point meets every goal; closest: {}", point_text(table, row))
    };
    for (g, at) in goals.iter().zip(&r.goals) {
        let value =
            at.mean.map_or("absent".to_string(), |m| numbers::show_with_ci(&g.metric, m, at.ci95));
        let verdict = if at.met {
            "met".to_string()
        } else {
            format!("missed by {:.0}%", g.miss(at.mean) * 100.0)
        };
        out.push_str(&format!("\n  {g}: {value} — {verdict}"));
        if !r.met
            && let Some((b, v)) = best_row(table, g)
        {
            let v = numbers::show(&g.metric, v);
            out.push_str(&format!("; best in the sweep {v} at {}", point_text(table, b)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::table::SweepRow;

    fn table(rows: &[(&str, &str)]) -> SweepTable {
        SweepTable {
            params: vec![HOSTS_PARAM.into()],
            metrics: vec!["login_failure_rate".into()],
            rows: rows
                .iter()
                .map(|(h, v)| SweepRow {
                    params: vec![h.to_string()],
                    cells: vec![
                        v.to_string(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ],
                })
                .collect(),
        }
    }

    #[test]
    fn goal_json_types_the_point_as_the_scenario_does() {
        let t = table(&[("124", "0.001")]);
        let g = [Goal::parse("login_failure_rate<=0.01").unwrap()];
        let json = serde_json::to_value(report(&t, &g, &Verdict::Met { row: 0 })).unwrap();
        assert_eq!(json["point"][HOSTS_PARAM], serde_json::json!(124));
        assert_eq!(json["goals"][0]["best_at"][HOSTS_PARAM], serde_json::json!(124));
        assert_eq!(typed("0.5"), serde_json::json!(0.5));
        assert_eq!(typed("20m"), serde_json::json!("20m"));
        assert_eq!(typed("depth_first"), serde_json::json!("depth_first"));
    }

    #[test]
    fn goals_parse_and_name_bad_metrics() {
        let g = Goal::parse("login_failure_rate<=0.01").unwrap();
        assert_eq!((g.cmp, g.target), (Cmp::Le, 0.01));
        assert_eq!(Goal::parse("host_availability > 0.9").unwrap().cmp, Cmp::Gt);
        assert!(Goal::parse("nonsense<=1").unwrap_err().contains("login_failure_rate"));
        assert!(Goal::parse("login_failure_rate<=x").is_err());
        assert!(Goal::parse("login_failure_rate").is_err());
    }

    #[test]
    fn equal_host_counts_are_split_by_the_shortest_update() {
        let cells = |rate: &str, minutes: &str| {
            let mut c = vec![rate.to_string()];
            c.extend(["", "", "", ""].map(String::from));
            c.push(minutes.to_string());
            c.extend(["", "", "", ""].map(String::from));
            c
        };
        let row = |h: &str, b: &str, rate: &str, minutes: &str| SweepRow {
            params: vec![h.into(), b.into()],
            cells: cells(rate, minutes),
        };
        let t = SweepTable {
            params: vec![HOSTS_PARAM.into(), "update.batch_size".into()],
            metrics: vec!["login_failure_rate".into(), UPDATE_TIME_METRIC.into()],
            rows: vec![
                row("30", "1", "0.004", "240"),
                row("30", "5", "0.006", "60"),
                row("30", "10", "0.02", "30"),
                row("40", "10", "0.001", "20"),
            ],
        };
        let g = [Goal::parse("login_failure_rate<=0.01").unwrap()];
        assert_eq!(choose(&t, &g), Some(Verdict::Met { row: 1 }));
    }

    #[test]
    fn the_fewest_hosts_that_meet_the_goal_win() {
        let t = table(&[("40", "0.001"), ("20", "0.05"), ("30", "0.008"), ("35", "0.002")]);
        let g = [Goal::parse("login_failure_rate<=0.01").unwrap()];
        assert_eq!(choose(&t, &g), Some(Verdict::Met { row: 2 }));
        let strict = [Goal::parse("login_failure_rate<=0.0001").unwrap()];
        assert_eq!(choose(&t, &strict), Some(Verdict::NoneMet { row: 0 }));
        // --minimize names another metric: the lowest failure rate among the points
        // meeting the goal, whatever their host count.
        assert_eq!(
            choose_minimizing(&t, &g, Some("login_failure_rate")),
            Some(Verdict::Met { row: 0 })
        );
    }

    #[test]
    fn with_a_cost_column_the_cheapest_point_is_by_money() {
        // More hosts under a scaling plan can cost less than fewer hosts always on.
        let row = |h: &str, rate: &str, cost: &str| SweepRow {
            params: vec![h.into()],
            cells: [rate, "", "", "", "", cost, "", "", "", ""].map(String::from).to_vec(),
        };
        let t = SweepTable {
            params: vec![HOSTS_PARAM.into()],
            metrics: vec!["login_failure_rate".into(), COST_METRIC.into()],
            rows: vec![row("20", "0.001", "900"), row("30", "0.001", "700"), row("10", "0.5", "1")],
        };
        let g = [Goal::parse("login_failure_rate<=0.01").unwrap()];
        assert_eq!(choose(&t, &g), Some(Verdict::Met { row: 1 }));
        assert_eq!(choose_minimizing(&t, &g, Some("none_such")), Some(Verdict::Met { row: 0 }));
    }
}
