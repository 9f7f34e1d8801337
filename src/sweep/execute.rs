//! Runs a sweep's points × replications on the current rayon pool.
//!
//! Every (point, replication) pair is one job, so a sweep of few points still uses every
//! core. A point's replications are summarised in replication order once the last one is in,
//! whatever order they finished in: the results do not depend on the thread count. Every point
//! uses the scenario's own seed (common random numbers), so differences between points come
//! from the parameters, not from different luck.

use crate::metrics::{MetricValues, Summaries, WindowSummaries};
use crate::model::Keep;
use crate::runner::{Stall, summarise_windows, try_run_replication};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// One point to run: its number in the grid and its scenario.
#[derive(Debug, Clone)]
pub struct PointJob {
    /// The point's number (its row in `sweep.csv`).
    pub index: usize,
    /// The scenario with the point's values applied.
    pub scenario: Scenario,
}

/// A finished point.
#[derive(Debug, Clone)]
pub struct PointResult {
    /// The point's number.
    pub index: usize,
    /// Its metrics across replications.
    pub summaries: Summaries,
    /// Its windows' metrics across replications.
    pub windows: WindowSummaries,
}

/// Collects one point's replications until all are in.
struct Slot {
    /// Per replication: the run's metrics and each window's.
    values: Vec<Option<(MetricValues, Vec<MetricValues>)>>,
    missing: usize,
}

/// Runs every job; `on_replication` is called after each replication, `on_point` once per
/// finished point (from worker threads, in no particular order). Once `cancel` is set no
/// new replication starts; points already finished have been reported. A replication whose
/// simulated time stops advancing stops the sweep (the point's number and the stall).
pub fn execute(
    jobs: &[PointJob],
    cancel: &AtomicBool,
    on_replication: &(dyn Fn() + Sync),
    on_point: &(dyn Fn(PointResult) + Sync),
) -> Result<(), (usize, Stall)> {
    let stalled: Mutex<Option<(usize, Stall)>> = Mutex::new(None);
    let stop = AtomicBool::new(false);
    let slots: Vec<Mutex<Slot>> = jobs
        .iter()
        .map(|j| {
            let n = j.scenario.replications as usize;
            Mutex::new(Slot { values: vec![None; n], missing: n })
        })
        .collect();
    let pairs: Vec<(usize, u32)> = jobs
        .iter()
        .enumerate()
        .flat_map(|(j, job)| (0..job.scenario.replications).map(move |r| (j, r)))
        .collect();
    pairs.into_par_iter().for_each(|(j, r)| {
        if cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
            return;
        }
        let keep = Keep { detail: false, trace: false };
        let values = match try_run_replication(&jobs[j].scenario, r, keep) {
            Ok(out) => (out.metrics, out.windows),
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                let mut first = stalled.lock().unwrap_or_else(|p| p.into_inner());
                first.get_or_insert((jobs[j].index, e));
                return;
            }
        };
        on_replication();
        if let Some((summaries, windows)) =
            deposit(&jobs[j].scenario, &slots[j], r as usize, values)
        {
            on_point(PointResult { index: jobs[j].index, summaries, windows });
        }
    });
    stalled.into_inner().unwrap_or_else(|p| p.into_inner()).map_or(Ok(()), Err)
}

/// A unit's result: the point's number, the replication, its metrics and its windows'.
pub type UnitResult = (usize, u32, MetricValues, Vec<MetricValues>);

/// Runs the given `(job, replication)` units — a shard's share of the sweep — and returns each
/// one's metrics with its point's number, in the order given. Once `cancel` is set no new
/// replication starts and `Ok(None)` says the share is incomplete.
pub fn execute_units(
    jobs: &[PointJob],
    units: &[(usize, u32)],
    cancel: &AtomicBool,
    on_replication: &(dyn Fn() + Sync),
) -> Result<Option<Vec<UnitResult>>, (usize, Stall)> {
    let done: Vec<Option<UnitResult>> = units
        .par_iter()
        .map(|&(j, r)| {
            if cancel.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let keep = Keep { detail: false, trace: false };
            let out =
                try_run_replication(&jobs[j].scenario, r, keep).map_err(|e| (jobs[j].index, e))?;
            on_replication();
            Ok(Some((jobs[j].index, r, out.metrics, out.windows)))
        })
        .collect::<Result<_, _>>()?;
    Ok(done.into_iter().collect())
}

/// Stores a replication's metrics; returns the point's summaries when it was the last one.
fn deposit(
    scenario: &Scenario,
    slot: &Mutex<Slot>,
    r: usize,
    values: (MetricValues, Vec<MetricValues>),
) -> Option<(Summaries, WindowSummaries)> {
    let mut s = slot.lock().unwrap_or_else(|p| p.into_inner());
    s.values[r] = Some(values);
    s.missing -= 1;
    if s.missing > 0 {
        return None;
    }
    let all: Vec<&MetricValues> = s.values.iter().flatten().map(|(m, _)| m).collect();
    let windows = summarise_windows(scenario, s.values.iter().flatten().map(|(_, w)| w.as_slice()));
    Some((Summaries::of(&all), windows))
}
