//! Runs a scenario's replications, in parallel with rayon, and gathers their results in
//! replication order — so the output is the same whatever the thread count.

use crate::engine::{self, EventQueue, RunStats, SimTime};
use crate::metrics::catalog::Metric;
use crate::metrics::hourly::Hourly;
use crate::metrics::timeseries::Row;
use crate::metrics::trace::TraceRecord;
use crate::metrics::windows::WINDOW_METRICS;
use crate::metrics::{MetricValues, Summaries, WindowSummaries};
use crate::model::update::{UpdateRow, UpdateStatus};
use crate::model::{Event, Keep, ModelConfig, PoolSim};
use crate::scenario::{AssignmentSpec, Scenario};
use rayon::prelude::*;

/// What one replication produced.
#[derive(Debug, Clone)]
pub struct ReplicationOutput {
    /// Replication index (0-based).
    pub index: u32,
    /// Its metrics.
    pub metrics: MetricValues,
    /// Its time series, when kept (replication 0).
    pub timeseries: Option<Vec<Row>>,
    /// Its trace, when asked for (replication 0).
    pub trace: Option<Vec<TraceRecord>>,
    /// Engine counters.
    pub stats: RunStats,
    /// Personal pools: the final assignments, when kept (replication 0).
    pub assignments: Option<Vec<AssignmentSpec>>,
    /// Per-host session host update records (replication 0).
    pub update_rows: Vec<UpdateRow>,
    /// Each update's final status, in scenario order.
    pub update_statuses: Vec<UpdateStatus>,
    /// Each `[[windows]]` window's metrics, in scenario order.
    pub windows: Vec<MetricValues>,
    /// The week by the hour.
    pub hourly: Hourly,
}

/// A replication whose simulated time stopped advancing (see
/// [`engine::MAX_EVENTS_PER_INSTANT`]): a scenario the validation let through but that the
/// clock cannot represent, or a model bug. Never a panic or a hang: the shell reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "simulated time stopped advancing at {at} ms in replication {replication}: more than \
     {max} events at one instant, the last from {source_field}",
    max = engine::MAX_EVENTS_PER_INSTANT
)]
pub struct Stall {
    /// The replication.
    pub replication: u32,
    /// The instant, in ms.
    pub at: SimTime,
    /// The scenario part whose event went over the limit, e.g. `workload.arrivals[1]`.
    pub source_field: String,
}

/// The scenario part that schedules `event`, as a dotted field path.
fn source_of(scenario: &Scenario, event: &Event) -> String {
    match event {
        Event::Arrival { source } if scenario.workload.arrivals.as_slice().len() == 1 => {
            format!("workload.arrivals (process {source})")
        }
        Event::Arrival { source } => format!("workload.arrivals[{source}]"),
        Event::SessionEnd { .. } => "workload.session".into(),
        Event::Reconnect { .. } => "workload.reconnect".into(),
        Event::Action { index } => format!("actions[{index}]"),
        Event::Personal(_) => "pool (personal hosts' boots and idle stops)".into(),
        Event::Update(_) => "the session host update".into(),
        Event::Lifecycle(_) => "the lifecycle of added hosts".into(),
        Event::Users(_) => "workload.retry or workload.attendance".into(),
        Event::Fault(_) => "faults".into(),
        Event::Power(_) => "autoscale (power and scaling)".into(),
        Event::Replay(_) => "workload.replay".into(),
    }
}

/// Runs replication `index` of `scenario`.
///
/// # Panics
/// When simulated time stops advancing, which validation rules out; callers that must not
/// panic (the command line) use [`try_run_replication`].
pub fn run_replication(scenario: &Scenario, index: u32, keep: Keep) -> ReplicationOutput {
    replication(scenario, &ModelConfig::new(scenario), index, keep)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs replication `index` of `scenario`, or says where simulated time stopped advancing.
pub fn try_run_replication(
    scenario: &Scenario,
    index: u32,
    keep: Keep,
) -> Result<ReplicationOutput, Stall> {
    replication(scenario, &ModelConfig::new(scenario), index, keep)
}

/// Runs replication `index` of `scenario`, resolved once as `cfg`.
fn replication(
    scenario: &Scenario,
    cfg: &ModelConfig,
    index: u32,
    keep: Keep,
) -> Result<ReplicationOutput, Stall> {
    let mut queue = EventQueue::new();
    let mut sim = PoolSim::new(cfg, u64::from(index), keep, &mut queue);
    let end = scenario.duration.0;
    let stats = engine::run(&mut sim, &mut queue, end).map_err(|s| Stall {
        replication: index,
        at: s.at,
        source_field: source_of(scenario, &s.event),
    })?;
    let assignments = if keep.detail { sim.assignment_rows() } else { None };
    let recorded = sim.finish(end);
    Ok(ReplicationOutput {
        index,
        metrics: recorded.metrics,
        timeseries: recorded.timeseries,
        trace: recorded.trace,
        stats,
        assignments,
        update_rows: recorded.update_rows,
        update_statuses: recorded.update_statuses,
        windows: recorded.windows,
        hourly: recorded.hourly,
    })
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Per replication, in order.
    pub replications: Vec<ReplicationOutput>,
    /// Metrics summarised across replications.
    pub summaries: Summaries,
    /// Each window's metrics summarised across replications.
    pub windows: WindowSummaries,
    /// The week by the hour, summed over replications.
    pub hourly: Hourly,
}

impl RunOutput {
    /// Total events handled across replications.
    pub fn events(&self) -> u64 {
        self.replications.iter().map(|r| r.stats.events).sum()
    }
}

/// Runs every replication of `scenario` on the current rayon pool. Replication 0 keeps the
/// time series (and the trace when `trace` is set); `on_done` is called as each finishes.
pub fn run(
    scenario: &Scenario,
    trace: bool,
    on_done: &(dyn Fn() + Sync),
) -> Result<RunOutput, Stall> {
    let all: Vec<u32> = (0..scenario.replications).collect();
    Ok(gather(scenario, run_some(scenario, &all, trace, on_done)?))
}

/// Runs the replications `indices` of `scenario` (a shard's share) on the current rayon pool,
/// in the order given; replication 0, if among them, keeps its detail as in [`run`].
pub fn run_some(
    scenario: &Scenario,
    indices: &[u32],
    trace: bool,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<ReplicationOutput>, Stall> {
    let cfg = ModelConfig::new(scenario);
    indices
        .par_iter()
        .map(|&i| {
            let keep = Keep { detail: i == 0, trace: trace && i == 0 };
            let out = replication(scenario, &cfg, i, keep);
            on_done();
            out
        })
        .collect()
}

/// A run's results from its replications, in replication order: the one summary of a run,
/// whether its replications ran here or in shards.
pub fn gather(scenario: &Scenario, replications: Vec<ReplicationOutput>) -> RunOutput {
    let summaries = Summaries::of(&replications.iter().map(|r| &r.metrics).collect::<Vec<_>>());
    let windows = summarise_windows(scenario, replications.iter().map(|r| r.windows.as_slice()));
    let mut hourly = Hourly::default();
    replications.iter().for_each(|r| hourly.add(&r.hourly));
    RunOutput { replications, summaries, windows, hourly }
}

/// The metrics a scenario's windows report: users denied only with retries, time to desktop
/// only with a logon time, as for the whole run.
pub fn window_metrics(scenario: &Scenario) -> Vec<Metric> {
    let w = &scenario.workload;
    WINDOW_METRICS
        .into_iter()
        .filter(|m| match m {
            Metric::UsersDenied => w.retry.is_some(),
            Metric::TimeToDesktopP50Seconds | Metric::TimeToDesktopP95Seconds => w.logon.is_some(),
            _ => true,
        })
        .collect()
}

/// Summarises each window across replications; `replications` gives each replication's
/// window values (in scenario order), in replication order.
pub fn summarise_windows<'a>(
    scenario: &Scenario,
    replications: impl Iterator<Item = &'a [MetricValues]> + Clone,
) -> WindowSummaries {
    let per_window: Vec<Vec<&MetricValues>> = (0..scenario.windows.len())
        .map(|i| replications.clone().filter_map(|w| w.get(i)).collect())
        .collect();
    let metrics = window_metrics(scenario);
    WindowSummaries(
        scenario
            .windows
            .iter()
            .zip(per_window)
            .map(|(w, values)| (w.name.clone(), Summaries::of_metrics(&values, &metrics)))
            .collect(),
    )
}
