//! Collects one replication's measurements while it runs: counters, time integrals, extremes,
//! and (for the replication that keeps them) the time series and the trace.

use super::catalog::{Metric, MetricValues};
use super::hourly::{Hourly, HourlyRecorder};
use super::timeseries::{Row, TimeSeries};
use super::trace::TraceRecord;
use super::windows::{Window, WindowRecorder};
use crate::engine::SimTime;
use crate::model::failure::FailureReason;
use crate::model::pool::Gauges;

/// One replication's running measurements.
pub struct Recorder {
    /// Measurements start here; the time series and trace cover the whole run.
    warmup: SimTime,
    last_time: SimTime,
    /// ∫ hosts accepting sessions dt, in host-milliseconds.
    open_host_time: u128,
    /// ∫ hosts in the pool dt, in host-milliseconds.
    total_host_time: u128,
    /// ∫ sessions dt, in session-milliseconds.
    session_time: u128,
    logins_attempted: u64,
    logins_succeeded: u64,
    failures: [u64; FailureReason::ALL.len()],
    forced_logoffs: u64,
    peak_sessions: u64,
    min_free_slots: u64,
    series: Option<TimeSeries>,
    trace: Option<Vec<TraceRecord>>,
    /// Per clock-time window (`[[windows]]`).
    windows: WindowRecorder,
    /// Per hour of the week.
    hourly: HourlyRecorder,
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
            session_time: 0,
            logins_attempted: 0,
            logins_succeeded: 0,
            failures: [0; FailureReason::ALL.len()],
            forced_logoffs: 0,
            peak_sessions: initial.sessions(),
            min_free_slots: initial.slots_free,
            series: series_bin.map(TimeSeries::new),
            trace: trace.then(Vec::new),
            windows: WindowRecorder::default(),
            hourly: HourlyRecorder::default(),
        };
        r.advance(0, initial);
        r
    }

    /// Measures the clock-time `windows` too (before the first event).
    pub fn with_windows(mut self, windows: &[Window]) -> Self {
        self.windows = WindowRecorder::new(windows);
        self
    }

    /// Moves the clock to `now`; `gauges` is the state that held since the last call.
    #[inline]
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
        if now > from {
            self.windows.integrate(from, now, gauges);
            self.hourly.integrate(from, now, gauges);
        }
        self.open_host_time += dt * u128::from(gauges.hosts_available);
        self.total_host_time += dt * u128::from(gauges.hosts_total);
        self.session_time += dt * u128::from(gauges.sessions());
        self.last_time = self.last_time.max(now);
    }

    /// ∫ sessions dt after the warm-up until `now` (not before the last event), in
    /// session-milliseconds, `gauges` holding since the last event. The power meter reads it
    /// instead of integrating sessions itself at every sign-in and sign-out.
    pub fn session_time_at(&self, now: SimTime, gauges: &Gauges) -> u128 {
        let from = self.last_time.max(self.warmup);
        self.session_time + u128::from(now.saturating_sub(from)) * u128::from(gauges.sessions())
    }

    /// True once the warm-up is over.
    pub fn measuring(&self) -> bool {
        self.last_time >= self.warmup
    }

    /// Notes the state after an event, for the extremes. An event exactly at a bin's start
    /// is part of that bin's starting state.
    #[inline]
    pub fn observe(&mut self, gauges: &Gauges) {
        if self.measuring() {
            self.peak_sessions = self.peak_sessions.max(gauges.sessions());
            self.min_free_slots = self.min_free_slots.min(gauges.slots_free);
            self.windows.observe(self.last_time, gauges);
            self.hourly.observe(self.last_time, gauges);
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
        if self.measuring() {
            self.windows.login_attempted(self.last_time);
            self.hourly.login_attempted(self.last_time);
        }
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
        if self.measuring() {
            self.windows.login_failed(self.last_time);
            self.hourly.login_failed(self.last_time);
        }
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

    /// A refused user gave up (counted in the windows; the retry feature keeps the total).
    pub fn user_denied(&mut self) {
        if self.measuring() {
            self.windows.denied(self.last_time);
        }
    }

    /// A login placed now reached its desktop after `wait` (counted in the windows; the logon
    /// keeps the whole run's).
    pub fn time_to_desktop(&mut self, wait: SimTime) {
        if self.measuring() {
            self.windows.desktop(self.last_time, wait);
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

    /// Closes the integrals at `end` and returns the metrics — the features' `m`, with the
    /// recorder's own filled in — with the time series and trace.
    pub fn finish(mut self, end: SimTime, gauges: &Gauges, mut m: MetricValues) -> Recorded {
        self.integrate(end, gauges);
        if let Some(s) = &mut self.series {
            s.close(end, gauges);
        }
        let failed: u64 = self.failures.iter().sum();
        let count = |v: u64| Some(v as f64);
        m.set(Metric::LoginsAttempted, count(self.logins_attempted));
        m.set(Metric::LoginsSucceeded, count(self.logins_succeeded));
        m.set(Metric::LoginsFailed, count(failed));
        let rate =
            (self.logins_attempted > 0).then(|| failed as f64 / self.logins_attempted as f64);
        m.set(Metric::LoginFailureRate, rate);
        for reason in FailureReason::ALL {
            m.set(failure_metric(reason), count(self.failures[reason as usize]));
        }
        m.set(Metric::ForcedLogoffs, count(self.forced_logoffs));
        let availability = (self.total_host_time > 0)
            .then(|| self.open_host_time as f64 / self.total_host_time as f64);
        m.set(Metric::HostAvailability, availability);
        m.set(Metric::PeakSessions, count(self.peak_sessions));
        m.set(Metric::MinFreeSlots, count(self.min_free_slots));
        Recorded {
            windows: self.windows.finish(&m),
            hourly: self.hourly.finish(),
            metrics: m,
            timeseries: self.series.map(TimeSeries::into_rows),
            trace: self.trace,
        }
    }
}

/// The `login_failures_<reason>` metric of a failure reason.
fn failure_metric(reason: FailureReason) -> Metric {
    match reason {
        FailureReason::NoCapacity => Metric::LoginFailuresNoCapacity,
        FailureReason::NoUnassignedHost => Metric::LoginFailuresNoUnassignedHost,
        FailureReason::NoResourcesAvailable => Metric::LoginFailuresNoResourcesAvailable,
        FailureReason::HostUnavailable => Metric::LoginFailuresHostUnavailable,
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
    /// Each window's metrics, in scenario order.
    pub windows: Vec<MetricValues>,
    /// The week by the hour.
    pub hourly: Hourly,
}
