//! `timeseries.csv` with the power columns of a scenario with `[autoscale]`, `[cost]` or pooled
//! Start VM on Connect: `hosts_running`, `hosts_starting`, `hosts_stopped`,
//! `capacity_used_pct` and `phase`, appended after the usual columns. Other scenarios keep the
//! usual file byte for byte.

use super::tables::{TIMESERIES_COLUMNS, timeseries_csv, timeseries_fields};
use crate::engine::time::DAY;
use crate::metrics::timeseries::Row;
use crate::model::ModelConfig;
use crate::model::autoscale::used_pct;
use crate::model::config::Scaler;

/// The appended column names.
pub const POWER_COLUMNS: [&str; 5] =
    ["hosts_running", "hosts_starting", "hosts_stopped", "capacity_used_pct", "phase"];

/// `timeseries.csv` for a resolved scenario: with the power columns when it has power states.
pub fn timeseries_csv_for(cfg: &ModelConfig, rows: &[Row], clock: &super::Clock) -> Vec<u8> {
    let Some(power) = &cfg.power else { return timeseries_csv(rows, clock) };
    let limit = cfg.pool.session_limit;
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = TIMESERIES_COLUMNS.iter().chain(POWER_COLUMNS.iter());
    w.write_record(header).expect("in-memory CSV");
    for r in rows {
        let g = &r.gauges;
        let used = used_pct(g.sessions(), g.hosts_available, limit);
        let phase = match &power.scaler {
            Some(Scaler::Plan(p)) => p.phase_at(r.time).rules.phase.name(),
            Some(Scaler::Script(s)) => {
                let tod = r.time % DAY;
                if (s.peak_start..s.peak_end).contains(&tod) { "peak" } else { "off_peak" }
            }
            None => match cfg.personal.as_ref().and_then(|p| p.plan.as_ref()) {
                Some(plan) => plan.phase_at(r.time).rules.phase.name(),
                None => "",
            },
        };
        let mut fields = timeseries_fields(r, clock);
        fields.extend([
            g.hosts_running().to_string(),
            g.hosts_starting.to_string(),
            g.hosts_stopped.to_string(),
            if used.is_finite() { format!("{used:.1}") } else { String::new() },
            phase.to_string(),
        ]);
        w.write_record(&fields).expect("in-memory CSV");
    }
    w.into_inner().expect("writing CSV to memory cannot fail")
}
