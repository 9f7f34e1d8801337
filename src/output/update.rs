//! `update.csv`: one row per host per session host update of replication 0 — the timeline an
//! admin would draw by hand (drain, log-off, update, done) and how each host ended.

use crate::engine::SimTime;
use crate::engine::time::SECOND;
use crate::model::update::UpdateRow;

/// Column names of `update.csv`.
pub const UPDATE_COLUMNS: &[&str] = &[
    "host",
    "batch",
    "drain_start_s",
    "drain_start_clock",
    "logoff_s",
    "logoff_clock",
    "update_start_s",
    "update_start_clock",
    "done_s",
    "done_clock",
    "outcome",
    "version",
];

/// Renders the rows; times in whole seconds since the run's start and as clock time (`Tue
/// 22:05`), empty when not reached.
pub fn update_csv(rows: &[UpdateRow], clock: &super::Clock) -> Vec<u8> {
    let secs = |t: Option<SimTime>| t.map(|t| (t / SECOND).to_string()).unwrap_or_default();
    let at = |t: Option<SimTime>| t.map(|t| clock.label(t)).unwrap_or_default();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(UPDATE_COLUMNS).expect("in-memory CSV");
    for row in rows {
        let r = &row.record;
        let fields = [
            row.host.clone(),
            r.batch.map(|b| b.to_string()).unwrap_or_default(),
            secs(r.drain_start),
            at(r.drain_start),
            secs(r.logoff),
            at(r.logoff),
            secs(r.update_start),
            at(r.update_start),
            secs(r.done),
            at(r.done),
            r.outcome.name().to_string(),
            r.version.to_string(),
        ];
        w.write_record(&fields).expect("in-memory CSV");
    }
    w.into_inner().expect("writing CSV to memory cannot fail")
}
