//! The answer of a run: the key figures with their intervals, the update window in clock
//! time, then every metric — from `summary.json`.

use super::html::{definitions, escape, table};
use crate::output::numbers;
use crate::output::provenance::Provenance;
use serde_json::Value;

/// The figures a planner asks about first, when the run reports them.
const KEY: [&str; 5] = [
    "login_failure_rate",
    "host_availability",
    "forced_logoffs",
    "peak_sessions",
    "update_completion_minutes",
];

/// Title, answer section and provenance block of a run.
pub fn answer(
    summary: &[u8],
    update_csv: Option<&[u8]>,
) -> Result<(String, String, String), String> {
    let s: Value = serde_json::from_slice(summary).map_err(|e| format!("summary.json: {e}"))?;
    let name = s["scenario"].as_str().unwrap_or("run");
    let reps = s["replications"].as_u64().unwrap_or(0) as u32;
    let mut out = String::new();
    if let Some(d) = s["description"].as_str().filter(|d| !d.is_empty()) {
        out.push_str(&format!("<p>{}</p>\n", escape(d)));
    }
    out.push_str(&format!(
        "<p>{} of {}, seed {}.</p>\n",
        numbers::replications(reps),
        escape(s["duration"].as_str().unwrap_or("?")),
        s["seed"]
    ));
    let metrics = metric_rows(&s["metrics"]);
    let key: Vec<String> = KEY
        .iter()
        .filter_map(|k| metrics.iter().find(|(n, _, _)| n == k))
        .map(|(n, shown, _)| format!("<li><b>{}</b>: {}</li>", escape(n), escape(shown)))
        .collect();
    out.push_str(&format!("<ul class=\"verdict\" id=\"key-figures\">\n{}\n", key.join("\n")));
    if let Some(w) = s
        .get("update_window")
        .and_then(|w| serde_json::from_value::<crate::output::window::UpdateWindow>(w.clone()).ok())
    {
        out.push_str(&format!("<li id=\"update-window\"><b>{}</b></li>\n", escape(&w.sentence())));
    } else if let Some(line) = update_csv.and_then(replication0_window) {
        out.push_str(&format!("<li id=\"update-window\"><b>{}</b></li>\n", escape(&line)));
    }
    out.push_str("</ul>\n<h2>Every metric (mean and 95% confidence interval)</h2>\n");
    let head = ["metric", "mean (95% CI)", "meaning"].map(String::from);
    let rows: Vec<Vec<String>> =
        metrics.into_iter().map(|(n, shown, help)| vec![n, shown, help]).collect();
    // The meanings are sentences: left-aligned (the `metrics` class).
    out.push_str(&table(&head, &rows).replacen("<table>", "<table class=\"metrics\">", 1));
    let provenance = match serde_json::from_value::<Provenance>(s["provenance"].clone()) {
        Ok(p) => super::provenance_list(&p),
        Err(_) => definitions(&[("provenance", "not recorded (an older run)".to_string())]),
    };
    Ok((format!("poolsim report: {name}"), out, provenance))
}

/// (name, "mean (95% CI lo .. hi)", meaning) of every metric with a mean, coded ones left out.
fn metric_rows(metrics: &Value) -> Vec<(String, String, String)> {
    let Some(map) = metrics.as_object() else { return Vec::new() };
    crate::metrics::METRICS
        .iter()
        .filter(|d| numbers::kind(d.name) != numbers::Kind::Code)
        .filter_map(|d| {
            let m = map.get(d.name)?;
            let mean = m["mean"].as_f64()?;
            let ci = m["ci95"]
                .as_array()
                .and_then(|a| Some([a.first()?.as_f64()?, a.get(1)?.as_f64()?]));
            Some((d.name.to_string(), numbers::show_with_ci(d.name, mean, ci), d.help.to_string()))
        })
        .collect()
}

/// With several updates the summary holds no single window: the first drain to the last host
/// done of replication 0, from `update.csv`'s clock columns.
fn replication0_window(csv: &[u8]) -> Option<String> {
    let rec = crate::plot::records::Records::parse(csv).ok()?;
    let (ds, dc) = (rec.column("drain_start_s")?, rec.column("drain_start_clock")?);
    let (es, ec) = (rec.column("done_s")?, rec.column("done_clock")?);
    let first = (0..rec.len())
        .filter_map(|r| rec.num(r, ds).map(|t| (t, r)))
        .min_by(|a, b| a.0.total_cmp(&b.0))?;
    let last = (0..rec.len())
        .filter_map(|r| rec.num(r, es).map(|t| (t, r)))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(format!(
        "updates ran {} to {} (replication 0)",
        rec.text(first.1, dc),
        rec.text(last.1, ec)
    ))
}
