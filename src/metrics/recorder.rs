//! Collects one replication's measurements while it runs: counters, time integrals, extremes,
//! and (for the replication that keeps them) the time series and the trace.

use super::catalog::MetricValues;
use super::stats::quantile;
use super::timeseries::{Row, TimeSeries};
use super::trace::TraceRecord;
use crate::engine::SimTime;
use crate::engine::time::to_secs_f64;
use crate::model::pool::Gauges;

/// Why a login failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureReason {
    /// No Available, non-drained host below its session limit.
    NoCapacity,
    /// Personal, automatic assignment: no unassigned available host for a new user.
    NoUnassignedHost,
    /// Personal: the user has no host and the pool does not assign one (the portal's
    /// "No resources available").
    NoResourcesAvailable,
    /// Personal: the user's host is not routable (down, drained, or stopped without Start VM
    /// on Connect).
    HostUnavailable,
}

impl FailureReason {
    /// All reasons, in metric order.
    pub const ALL: [FailureReason; 4] = [
        FailureReason::NoCapacity,
        FailureReason::NoUnassignedHost,
        FailureReason::NoResourcesAvailable,
        FailureReason::HostUnavailable,
    ];

    /// The reason as it appears in metric names (`login_failures_<reason>`) and traces.
    pub fn name(self) -> &'static str {
        match self {
            FailureReason::NoCapacity => "no_capacity",
            FailureReason::NoUnassignedHost => "no_unassigned_host",
            FailureReason::NoResourcesAvailable => "no_resources_available",
            FailureReason::HostUnavailable => "host_unavailable",
        }
    }
}

/// One replication's running measurements.
pub struct Recorder {
    /// Measurements start here; the time series and trace cover the whole run.
    warmup: SimTime,
    last_time: SimTime,
    /// ∫ hosts accepting sessions dt, in host-milliseconds.
    open_host_time: u128,
    /// ∫ hosts in the pool dt, in host-milliseconds.
    total_host_time: u128,
    logins_attempted: u64,
    logins_succeeded: u64,
    failures: [u64; FailureReason::ALL.len()],
    forced_logoffs: u64,
    peak_sessions: u64,
    min_free_slots: u64,
    series: Option<TimeSeries>,
    trace: Option<Vec<TraceRecord>>,
    /// Personal pools only (`None` for pooled): waits, refused actions, hosts assigned.
    personal: Option<PersonalTally>,
}

/// What the recorder keeps for personal pools.
#[derive(Default)]
struct PersonalTally {
    /// Start VM on Connect waits, one per login that waited.
    boot_waits: Vec<SimTime>,
    actions_refused: u64,
    hosts_assigned: u64,
}

impl Recorder {
    /// A recorder starting at time zero with the pool in state `initial`; metrics count from
    /// `warmup` on; `series_bin` turns on the time series, `trace` the event trace.
    pub fn new(
        initial: &Gauges,
        warmup: SimTime,
        series_bin: Option<SimTime>,
        trace: bool,
    ) -> Self {
        let mut r = Self {
            warmup,
            last_time: 0,
            open_host_time: 0,
            total_host_time: 0,
            logins_attempted: 0,
            logins_succeeded: 0,
            failures: [0; FailureReason::ALL.len()],
            forced_logoffs: 0,
            peak_sessions: initial.sessions(),
            min_free_slots: initial.slots_free,
            series: series_bin.map(TimeSeries::new),
            trace: trace.then(Vec::new),
            personal: None,
        };
        r.advance(0, initial);
        r
    }

    /// Moves the clock to `now`; `gauges` is the state that held since the last call.
    pub fn advance(&mut self, now: SimTime, gauges: &Gauges) {
        self.integrate(now, gauges);
        if let Some(s) = &mut self.series {
            s.advance(now, gauges);
        }
    }

    /// Adds the time since the last call, with `gauges` holding, to the time integrals.
    /// Only the part after the warm-up counts; crossing the warm-up restarts the extremes from
    /// the state that held at that instant.
    fn integrate(&mut self, now: SimTime, gauges: &Gauges) {
        if self.last_time < self.warmup && now >= self.warmup {
            self.peak_sessions = gauges.sessions();
            self.min_free_slots = gauges.slots_free;
        }
        let from = self.last_time.max(self.warmup);
        let dt = u128::from(now.saturating_sub(from));
        self.open_host_time += dt * u128::from(gauges.hosts_available);
        self.total_host_time += dt * u128::from(gauges.hosts_total);
        self.last_time = self.last_time.max(now);
    }

    /// True once the warm-up is over.
    fn measuring(&self) -> bool {
        self.last_time >= self.warmup
    }

    /// Notes the state after an event, for the extremes. An event exactly at a bin's start
    /// is part of that bin's starting state.
    pub fn observe(&mut self, gauges: &Gauges) {
        if self.measuring() {
            self.peak_sessions = self.peak_sessions.max(gauges.sessions());
            self.min_free_slots = self.min_free_slots.min(gauges.slots_free);
        }
        let now = self.last_time;
        if let Some(row) = self.row()
            && row.time == now
        {
            row.gauges = *gauges;
        }
    }

    /// Counts a login attempt.
    pub fn login_attempted(&mut self) {
        self.logins_attempted += u64::from(self.measuring());
        if let Some(row) = self.row() {
            row.logins_attempted += 1;
        }
    }

    /// Counts a successful login.
    pub fn login_succeeded(&mut self) {
        self.logins_succeeded += u64::from(self.measuring());
    }

    /// Counts a failed login.
    pub fn login_failed(&mut self, reason: FailureReason) {
        self.failures[reason as usize] += u64::from(self.measuring());
        if let Some(row) = self.row() {
            row.logins_failed += 1;
        }
    }

    /// Counts a session ended by the service or an admin.
    pub fn forced_logoff(&mut self) {
        self.forced_logoffs += u64::from(self.measuring());
        if let Some(row) = self.row() {
            row.forced_logoffs += 1;
        }
    }

    /// Turns on the personal-pool metrics.
    pub fn track_personal(&mut self) {
        self.personal.get_or_insert_with(PersonalTally::default);
    }

    /// Counts a login that waited `wait` for its host to boot (then succeeded or failed).
    pub fn login_waited(&mut self, wait: SimTime) {
        let measuring = self.measuring();
        if let Some(p) = &mut self.personal
            && measuring
        {
            p.boot_waits.push(wait);
        }
    }

    /// Counts an assignment action that the run-time assignments refused.
    pub fn assignment_action_refused(&mut self) {
        let measuring = self.measuring();
        if let Some(p) = &mut self.personal {
            p.actions_refused += u64::from(measuring);
        }
    }

    /// Notes the number of assigned hosts (at the end of the run).
    pub fn set_hosts_assigned(&mut self, n: u64) {
        if let Some(p) = &mut self.personal {
            p.hosts_assigned = n;
        }
    }

    fn row(&mut self) -> Option<&mut Row> {
        self.series.as_mut().and_then(|s| s.current())
    }

    /// True when the trace is being kept (so callers can skip building records).
    pub fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// Appends a trace record (ignored when tracing is off).
    pub fn trace(&mut self, record: TraceRecord) {
        if let Some(t) = &mut self.trace {
            t.push(record);
        }
    }

    /// Closes the integrals at `end` and returns the metrics, time series and trace.
    pub fn finish(mut self, end: SimTime, gauges: &Gauges) -> Recorded {
        self.integrate(end, gauges);
        if let Some(s) = &mut self.series {
            s.close(end, gauges);
        }
        let failed: u64 = self.failures.iter().sum();
        let mut m = MetricValues::empty();
        let count = |v: u64| Some(v as f64);
        m.set("logins_attempted", count(self.logins_attempted));
        m.set("logins_succeeded", count(self.logins_succeeded));
        m.set("logins_failed", count(failed));
        let rate =
            (self.logins_attempted > 0).then(|| failed as f64 / self.logins_attempted as f64);
        m.set("login_failure_rate", rate);
        for reason in FailureReason::ALL {
            let name = format!("login_failures_{}", reason.name());
            m.set(&name, count(self.failures[reason as usize]));
        }
        m.set("forced_logoffs", count(self.forced_logoffs));
        let availability = (self.total_host_time > 0)
            .then(|| self.open_host_time as f64 / self.total_host_time as f64);
        m.set("host_availability", availability);
        m.set("peak_sessions", count(self.peak_sessions));
        m.set("min_free_slots", count(self.min_free_slots));
        if let Some(p) = &self.personal {
            let waits: Vec<f64> = p.boot_waits.iter().map(|&w| to_secs_f64(w)).collect();
            m.set("login_wait_p95_seconds", quantile(&waits, 0.95));
            m.set("logins_waited_for_boot", count(p.boot_waits.len() as u64));
            m.set("assignment_actions_refused", count(p.actions_refused));
            m.set("hosts_assigned", count(p.hosts_assigned));
        }
        Recorded {
            metrics: m,
            timeseries: self.series.map(TimeSeries::into_rows),
            trace: self.trace,
            update_rows: Vec::new(),
            update_statuses: Vec::new(),
        }
    }
}

/// What a finished recorder hands back.
pub struct Recorded {
    /// The replication's metrics.
    pub metrics: MetricValues,
    /// The time series, if kept.
    pub timeseries: Option<Vec<Row>>,
    /// The trace, if kept.
    pub trace: Option<Vec<TraceRecord>>,
    /// Per-host session host update records (replication 0), for `update.csv`.
    pub update_rows: Vec<crate::model::update::UpdateRow>,
    /// Each update's final status, in scenario order.
    pub update_statuses: Vec<crate::model::update::UpdateStatus>,
}
