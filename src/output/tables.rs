//! Renders a run's results as CSV and JSON.

use super::provenance::Provenance;
use crate::engine::time::SECOND;
use crate::metrics::METRICS;
use crate::metrics::timeseries::Row;
use crate::metrics::trace::TraceRecord;
use crate::runner::RunOutput;
use crate::scenario::Scenario;
use serde::Serialize;

/// Formats an optional number for CSV: empty when absent.
pub fn cell(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing CSV to memory cannot fail")
}

/// `replications.csv`: one row per replication, one column per metric.
pub fn replications_csv(run: &RunOutput) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["replication".to_string()];
    header.extend(METRICS.iter().map(|d| d.name.to_string()));
    w.write_record(&header).expect("in-memory CSV");
    for r in &run.replications {
        let mut row = vec![r.index.to_string()];
        row.extend(r.metrics.0.iter().map(|v| cell(*v)));
        w.write_record(&row).expect("in-memory CSV");
    }
    finish(w)
}

/// Column names of `timeseries.csv`.
pub const TIMESERIES_COLUMNS: &[&str] = &[
    "time_s",
    "clock",
    "hosts_available",
    "hosts_draining",
    "hosts_unavailable",
    "sessions_active",
    "sessions_disconnected",
    "slots_free",
    "logins_attempted",
    "logins_failed",
    "forced_logoffs",
    "hosts_updating",
    "hosts_old",
    "hosts_new",
];

/// `timeseries.csv`: one row per time bin of replication 0; `clock` is the bin's start as a
/// person reads it (`Tue 22:05`, with a date when the scenario has a `start_date`).
pub fn timeseries_csv(rows: &[Row], clock: &super::Clock) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(TIMESERIES_COLUMNS).expect("in-memory CSV");
    for r in rows {
        w.write_record(timeseries_fields(r, clock)).expect("in-memory CSV");
    }
    finish(w)
}

/// One row of `timeseries.csv`, a field per [`TIMESERIES_COLUMNS`] (a scenario with power
/// states appends its own, see `output/power.rs`).
pub fn timeseries_fields(r: &Row, clock: &super::Clock) -> Vec<String> {
    let g = &r.gauges;
    let numbers = [
        g.hosts_available,
        g.hosts_draining,
        g.hosts_unavailable,
        g.sessions_active,
        g.sessions_disconnected,
        g.slots_free,
        r.logins_attempted,
        r.logins_failed,
        r.forced_logoffs,
        g.hosts_updating,
        g.hosts_old(),
        g.hosts_current_version,
    ];
    let mut fields = Vec::with_capacity(TIMESERIES_COLUMNS.len() + 5);
    fields.extend([(r.time / SECOND).to_string(), clock.label(r.time)]);
    fields.extend(numbers.iter().map(u64::to_string));
    fields
}

/// `trace.csv`: every event of replication 0.
pub fn trace_csv(records: &[TraceRecord]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["time_ms", "kind", "host", "user", "detail"]).expect("in-memory CSV");
    for r in records {
        let time = r.time.to_string();
        let fields = [
            time.as_str(),
            r.kind,
            r.host.as_deref().unwrap_or(""),
            r.user.as_deref().unwrap_or(""),
            r.detail.as_str(),
        ];
        w.write_record(fields).expect("in-memory CSV");
    }
    finish(w)
}

fn is_empty(w: &&crate::metrics::WindowSummaries) -> bool {
    w.0.is_empty()
}

#[derive(Serialize)]
struct SummaryFile<'a> {
    scenario: &'a str,
    /// What produced this file.
    provenance: &'a Provenance,
    description: &'a str,
    seed: u64,
    replications: u32,
    duration: String,
    /// The update window in clock time (a run with one update that finished).
    #[serde(skip_serializing_if = "Option::is_none")]
    update_window: Option<super::window::UpdateWindow>,
    metrics: &'a crate::metrics::Summaries,
    /// Per `[[windows]]` window, its interval metrics; absent without windows.
    #[serde(skip_serializing_if = "is_empty")]
    windows: &'a crate::metrics::WindowSummaries,
    /// Run statistics (`poolsim run --stats`); absent otherwise, as they vary run to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<serde_json::Value>,
}

/// `summary.json`: the scenario's identity, its provenance and every metric across
/// replications.
pub fn summary_json(scenario: &Scenario, provenance: &Provenance, run: &RunOutput) -> Vec<u8> {
    summary_json_with_stats(scenario, provenance, run, None::<&()>)
}

/// `summary.json` with a `"stats"` object (`poolsim run --stats`) when `stats` is given.
pub fn summary_json_with_stats<T: Serialize>(
    scenario: &Scenario,
    provenance: &Provenance,
    run: &RunOutput,
    stats: Option<&T>,
) -> Vec<u8> {
    let stats = stats.map(|s| serde_json::to_value(s).expect("run statistics serialise"));
    let file = SummaryFile {
        scenario: &scenario.name,
        provenance,
        description: &scenario.description,
        seed: scenario.seed,
        replications: scenario.replications,
        duration: scenario.duration.to_string(),
        update_window: super::window::UpdateWindow::of(scenario, &run.summaries),
        metrics: &run.summaries,
        windows: &run.windows,
        stats,
    };
    let mut bytes = serde_json::to_vec_pretty(&file).expect("summary serialises");
    bytes.push(b'\n');
    bytes
}
