//! Renders a comparison for people (a table) and for CI systems (JSON or JUnit XML).

use super::compare::{Comparison, Row};
use serde::Serialize;

/// A machine-readable report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// JUnit XML: one test case per metric, failing ones with a `<failure>`.
    Junit,
    /// JSON: the scenario, the overall result and every row.
    Json,
}

fn number(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |x| format!("{x:.6}"))
}

fn change(r: &Row) -> String {
    match (r.change, r.baseline) {
        (Some(c), Some(b)) if b != 0.0 => format!("{c:+.6} ({:+.2}%)", 100.0 * c / b.abs()),
        (Some(c), _) => format!("{c:+.6}"),
        (None, _) => "-".to_string(),
    }
}

/// The table printed by `poolsim check`.
pub fn table(c: &Comparison) -> String {
    let w = c.rows.iter().map(|r| r.metric.len()).max().unwrap_or(0).max("metric".len());
    let mut out = format!(
        "{:<w$} {:>16} {:>16} {:>26}  {}\n",
        "metric", "baseline", "now", "change", "verdict"
    );
    for r in &c.rows {
        out.push_str(&format!(
            "{:<w$} {:>16} {:>16} {:>26}  {}\n",
            r.metric,
            number(r.baseline),
            number(r.now),
            change(r),
            r.verdict.label()
        ));
    }
    out
}

/// Why a failing row fails, in one line.
fn failure_message(r: &Row) -> String {
    match (r.change, r.allowed) {
        (Some(c), Some(a)) => format!(
            "{}: {} -> {} (change {c:+.6}, allowed ±{a:.6} by tolerance and the 95% CI)",
            r.metric,
            number(r.baseline),
            number(r.now)
        ),
        _ => format!("{}: in the baseline but not reported by this run", r.metric),
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    scenario: &'a str,
    baseline: &'a str,
    passed: bool,
    regressions: usize,
    metrics: &'a [Row],
}

/// The JSON report.
pub fn json(scenario: &str, baseline: &str, c: &Comparison) -> Vec<u8> {
    let report = JsonReport {
        scenario,
        baseline,
        passed: !c.failed(),
        regressions: c.failures().count(),
        metrics: &c.rows,
    };
    let mut bytes = serde_json::to_vec_pretty(&report).expect("a report serialises");
    bytes.push(b'\n');
    bytes
}

/// The JUnit XML report (written by `quick-junit`): a test suite named after the scenario, a
/// test case per metric, failing ones with a `<failure>` saying why.
pub fn junit(scenario: &str, c: &Comparison) -> Vec<u8> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let suite_name = format!("poolsim check {scenario}");
    let mut suite = TestSuite::new(suite_name.as_str());
    for r in &c.rows {
        let status = if r.verdict.fails() {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(failure_message(r));
            s
        } else {
            TestCaseStatus::success()
        };
        let mut case = TestCase::new(r.metric.as_str(), status);
        case.set_classname(suite_name.as_str());
        suite.add_test_case(case);
    }
    let mut report = Report::new("poolsim check");
    report.add_test_suite(suite);
    report.to_string().expect("a JUnit report serialises").into_bytes()
}

/// One line per failing metric, for the terminal.
pub fn failure_lines(c: &Comparison) -> Vec<String> {
    c.failures().map(failure_message).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::compare::Verdict;

    fn row(metric: &str, baseline: f64, now: f64, verdict: Verdict) -> Row {
        Row {
            metric: metric.into(),
            baseline: Some(baseline),
            now: Some(now),
            change: Some(now - baseline),
            allowed: Some(0.5),
            verdict,
        }
    }

    #[test]
    fn junit_marks_only_failing_metrics_and_escapes_text() {
        let c = Comparison {
            rows: vec![
                row("logins_failed", 10.0, 20.0, Verdict::Regression),
                row("host_availability", 0.9, 0.95, Verdict::Improvement),
            ],
        };
        let xml = String::from_utf8(junit("a<b>&\"c\"", &c)).unwrap();
        assert!(xml.contains("tests=\"2\"") && xml.contains("failures=\"1\""), "{xml}");
        assert_eq!(xml.matches("<failure ").count(), 1);
        assert!(xml.contains("a&lt;b&gt;&amp;&quot;c&quot;") && !xml.contains("a<b>"), "{xml}");
        assert!(xml.contains("10.000000 -&gt; 20.000000"), "{xml}");

        let json: serde_json::Value = serde_json::from_slice(&json("s", "b.json", &c)).unwrap();
        assert_eq!(json["passed"], false);
        assert_eq!(json["regressions"], 1);
        assert_eq!(json["metrics"][1]["verdict"], "improvement");
        let same = Comparison { rows: vec![row("peak_sessions", 5.0, 5.0, Verdict::Unchanged)] };
        let same: serde_json::Value =
            serde_json::from_slice(&super::json("s", "b.json", &same)).unwrap();
        assert_eq!(
            same["metrics"][0]["verdict"],
            Verdict::Unchanged.label(),
            "JSON says what the table says"
        );

        let t = table(&c);
        assert!(
            t.contains("REGRESSION") && t.contains("improved") && t.contains("+100.00%"),
            "{t}"
        );
    }
}
