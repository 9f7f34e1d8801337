//! Batched session host updates: the state machine the service runs to move a pooled pool to
//! a new session host configuration.
//!
//! An update starts by raising the pool's target version (new logins now prefer updated
//! hosts), then takes **one initial host**, then batches of at most `batch_size` hosts, one
//! batch after another with no gap. Each host of a batch: drain on and sign-out message →
//! after the log-off delay, remaining sessions are logged off (forced log-offs) → the host is
//! replaced (`Updating`, for the update time) → back on the new version, drain off.
//!
//! A host that fails is rolled back to its old configuration (Available, old version; with
//! `rollback_failure_probability` the rollback fails too and the host stays Unavailable and
//! drained). The batch finishes, then the update is **failed**: only retry or cancel remain.
//! An initial-host failure therefore stops the update with every other host untouched.
//! Pause lets the current batch finish and starts nothing more; a pause not resumed within two
//! weeks becomes a cancel. Cancel lets the current batch finish and leaves the rest on the old
//! version. Retry re-attempts the failed hosts plus those never attempted (an initial host
//! first if the initial host never succeeded).

use super::host::{HostId, HostStatus};
use super::session::{SessionState, UserId};
use super::sim::{Event, PoolSim};
use super::workload::Sampler;
use crate::engine::rng::{SimRng, stream};
use crate::engine::time::{DAY, MINUTE};
use crate::engine::{EventQueue, SimTime};
use crate::metrics::MetricValues;
use crate::metrics::recorder::FailureReason;
use crate::model::pool::Gauges;
use crate::scenario::{ActionSpec, DelayFrom, Scenario, UpdateOrder, UpdateSpec};
use rand::RngExt;

/// How long a paused update waits for a resume before it is canceled.
pub const PAUSE_LIMIT: SimTime = 14 * DAY;

/// Random sources of this module (see `model::sim::source`; numbers never reused).
mod source {
    pub const UPDATE_TIME: u64 = 40;
    pub const UPDATE_FAILURE: u64 = 41;
    pub const RELOGIN_CHOICE: u64 = 42;
    pub const RELOGIN_DELAY: u64 = 43;
}

/// An update's events.
#[derive(Debug, Clone, Copy)]
pub enum UpdateEvent {
    /// Update `update` reaches its start time.
    Start { update: u32 },
    /// The log-off delay of batch `batch` has elapsed: sign out whoever is left.
    LogoffDue { update: u32, batch: u32 },
    /// Host `host` finished its update attempt.
    HostDone { update: u32, host: HostId },
    /// Pause number `pause` has lasted two weeks.
    PauseExpired { update: u32, pause: u32 },
    /// A user signed out by an update signs in again (pending relogin `slot`).
    Relogin { slot: u32 },
}

/// Where an update stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateStatus {
    /// Waiting for its start time.
    Scheduled,
    /// Working through batches.
    Running,
    /// Paused between batches.
    Paused,
    /// Every host updated.
    Succeeded,
    /// A host failed; only retry or cancel remain.
    Failed,
    /// Canceled (by an admin, or a pause that lasted two weeks).
    Canceled,
    /// Refused at its start: another update was running or paused.
    Refused,
}

impl UpdateStatus {
    /// The `update_status` metric: 0 succeeded, 1 failed, 2 canceled, 3 paused, 4 still
    /// running at the end of the run, 5 never started (scheduled past the run's events).
    pub fn code(self) -> Option<f64> {
        Some(match self {
            UpdateStatus::Succeeded => 0.0,
            UpdateStatus::Failed => 1.0,
            UpdateStatus::Canceled => 2.0,
            UpdateStatus::Paused => 3.0,
            UpdateStatus::Running => 4.0,
            UpdateStatus::Scheduled => 5.0,
            UpdateStatus::Refused => return None,
        })
    }

    /// The status as text, for people.
    pub fn name(self) -> &'static str {
        match self {
            UpdateStatus::Scheduled => "scheduled",
            UpdateStatus::Running => "running",
            UpdateStatus::Paused => "paused",
            UpdateStatus::Succeeded => "succeeded",
            UpdateStatus::Failed => "failed",
            UpdateStatus::Canceled => "canceled",
            UpdateStatus::Refused => "refused",
        }
    }
}

/// What happened to one host in one update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not reached before the run ended.
    NotStarted,
    /// In its batch right now.
    InProgress,
    /// On the new version.
    Updated,
    /// Failed, rolled back to the old version, available again.
    RolledBack,
    /// Failed and its rollback failed: unavailable, drained.
    Failed,
    /// Left on the old version by a cancel.
    Canceled,
}

impl Outcome {
    /// The `outcome` column of `update.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::NotStarted => "not_started",
            Outcome::InProgress => "in_progress",
            Outcome::Updated => "updated",
            Outcome::RolledBack => "rolled_back",
            Outcome::Failed => "failed",
            Outcome::Canceled => "canceled",
        }
    }
}

/// One host's timeline in one update (times since the run's start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostRecord {
    /// The host.
    pub host: HostId,
    /// Its batch: 0 for the initial host, then 1, 2, …
    pub batch: Option<u32>,
    /// Drain on and sign-out message.
    pub drain_start: Option<SimTime>,
    /// Remaining sessions logged off.
    pub logoff: Option<SimTime>,
    /// Replacement started.
    pub update_start: Option<SimTime>,
    /// Attempt finished.
    pub done: Option<SimTime>,
    /// How it ended.
    pub outcome: Outcome,
    /// Configuration version after the update.
    pub version: u32,
}

/// One row of `update.csv`, with the host's name resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRow {
    /// Host name.
    pub host: String,
    /// The record.
    pub record: HostRecord,
}

/// The run-time state of one update.
struct Run {
    status: UpdateStatus,
    version: u32,
    started: Option<SimTime>,
    last_done: Option<SimTime>,
    /// Per host present at the start, by host id.
    records: Vec<HostRecord>,
    /// Hosts not yet attempted (or to retry), by host id.
    pending: Vec<HostId>,
    /// Hosts that failed, for a retry.
    failed: Vec<HostId>,
    batch: Vec<HostId>,
    batch_label: u32,
    next_label: u32,
    in_flight: u32,
    initial_done: bool,
    batch_failed: bool,
    pause_requested: bool,
    cancel_requested: bool,
    pauses: u32,
    attempted: Vec<bool>,
}

struct PendingRelogin {
    user: UserId,
    logoff: SimTime,
    planned_end: SimTime,
}

/// Every update of a replication, and what they did to users.
pub struct Updates {
    runs: Vec<Run>,
    update_time: Vec<Sampler>,
    rng_time: SimRng,
    rng_failure: SimRng,
    relogin: Option<(f64, Sampler)>,
    rng_relogin_choice: SimRng,
    rng_relogin_delay: SimRng,
    relogins: Vec<Option<PendingRelogin>>,
    free_relogins: Vec<u32>,
    /// The update that is running or paused, if any (at most one).
    active: Option<usize>,
    forced_logoffs: u64,
    disrupted_ms: u128,
    min_available: Option<u64>,
    admin_drain_refused: u64,
    actions_ignored: u64,
    refused: u64,
}

impl Updates {
    /// The updates of `scenario`, replication `replication`, all scheduled.
    pub fn new(scenario: &Scenario, replication: u64) -> Self {
        let rng = |src| stream(scenario.seed, replication, src);
        let specs = scenario.all_updates();
        let runs = specs
            .iter()
            .map(|_| Run {
                status: UpdateStatus::Scheduled,
                version: 0,
                started: None,
                last_done: None,
                records: Vec::new(),
                pending: Vec::new(),
                failed: Vec::new(),
                batch: Vec::new(),
                batch_label: 0,
                next_label: 0,
                in_flight: 0,
                initial_done: false,
                batch_failed: false,
                pause_requested: false,
                cancel_requested: false,
                pauses: 0,
                attempted: Vec::new(),
            })
            .collect();
        let w = &scenario.workload;
        Self {
            runs,
            update_time: specs.iter().map(|u| Sampler::new(&u.host_update_time)).collect(),
            rng_time: rng(source::UPDATE_TIME),
            rng_failure: rng(source::UPDATE_FAILURE),
            relogin: w.relogin.as_ref().map(|r| (r.probability, Sampler::new(&r.after))),
            rng_relogin_choice: rng(source::RELOGIN_CHOICE),
            rng_relogin_delay: rng(source::RELOGIN_DELAY),
            relogins: Vec::new(),
            free_relogins: Vec::new(),
            active: None,
            forced_logoffs: 0,
            disrupted_ms: 0,
            min_available: None,
            admin_drain_refused: 0,
            actions_ignored: 0,
            refused: 0,
        }
    }

    /// Schedules every update's start.
    pub fn schedule(scenario: &Scenario, queue: &mut EventQueue<Event>) {
        for (i, u) in scenario.all_updates().iter().enumerate() {
            queue.schedule(u.start.0, Event::Update(UpdateEvent::Start { update: i as u32 }));
        }
    }

    /// True while an update runs or is paused: drain mode belongs to the update then.
    pub fn controls_drain(&self) -> bool {
        self.active.is_some()
    }

    /// Counts an admin drain action refused because an update controls drain mode.
    pub fn refuse_admin_drain(&mut self) {
        self.admin_drain_refused += 1;
    }

    /// Notes the pool's state after an event, for the capacity low-water mark.
    pub fn observe(&mut self, gauges: &Gauges) {
        if let Some(u) = self.active
            && self.runs[u].status == UpdateStatus::Running
        {
            let a = gauges.hosts_available;
            self.min_available = Some(self.min_available.map_or(a, |m| m.min(a)));
        }
    }

    /// Each update's final status, in scenario order.
    pub fn statuses(&self) -> Vec<UpdateStatus> {
        self.runs.iter().map(|r| r.status).collect()
    }

    /// Sets the update metrics (absent when the scenario has no update); `end` closes the
    /// disruption of users still waiting to sign in again.
    pub fn fill_metrics(&self, m: &mut MetricValues, end: SimTime) {
        m.set("admin_drain_refused", Some(self.admin_drain_refused as f64));
        if self.runs.is_empty() {
            return;
        }
        let finished = |r: &&Run| {
            matches!(
                r.status,
                UpdateStatus::Succeeded | UpdateStatus::Failed | UpdateStatus::Canceled
            )
        };
        let completion = self
            .runs
            .iter()
            .filter(finished)
            .filter_map(|r| Some(r.last_done? - r.started?))
            .max()
            .map(|t| t as f64 / MINUTE as f64);
        m.set("update_completion_minutes", completion);
        let count = |o: &[Outcome]| {
            let n = self.runs.iter().flat_map(|r| &r.records).filter(|h| o.contains(&h.outcome));
            Some(n.count() as f64)
        };
        m.set("update_hosts_completed", count(&[Outcome::Updated]));
        m.set("update_hosts_failed", count(&[Outcome::RolledBack, Outcome::Failed]));
        let last = self.runs.iter().rev().find(|r| r.status != UpdateStatus::Refused);
        m.set("update_status", last.and_then(|r| r.status.code()));
        m.set("min_available_hosts_during_update", self.min_available.map(|v| v as f64));
        m.set("forced_logoffs_update", Some(self.forced_logoffs as f64));
        let pending: u128 = self
            .relogins
            .iter()
            .flatten()
            .map(|p| u128::from(p.planned_end.min(end).saturating_sub(p.logoff)))
            .sum();
        let disrupted = (self.disrupted_ms + pending) as f64 / MINUTE as f64;
        m.set("user_minutes_disrupted", Some(disrupted));
        m.set("update_actions_ignored", Some(self.actions_ignored as f64));
        m.set("updates_refused", Some(self.refused as f64));
    }

    /// Per-host records of every update that started, in start order then host order.
    pub fn records(&self) -> impl Iterator<Item = &HostRecord> {
        self.runs.iter().flat_map(|r| &r.records)
    }

    /// The update that control actions act on: the latest one scheduled by `now` and not
    /// refused.
    fn current(&self, scenario: &Scenario, now: SimTime) -> Option<usize> {
        let specs = scenario.all_updates();
        (0..self.runs.len()).rev().find(|&i| {
            specs[i].scheduled_at.0 <= now && self.runs[i].status != UpdateStatus::Refused
        })
    }

    fn add_relogin(&mut self, p: PendingRelogin) -> u32 {
        if let Some(slot) = self.free_relogins.pop() {
            self.relogins[slot as usize] = Some(p);
            slot
        } else {
            self.relogins.push(Some(p));
            self.relogins.len() as u32 - 1
        }
    }
}

impl PoolSim<'_> {
    /// Handles an update event.
    pub(super) fn on_update(&mut self, now: SimTime, e: UpdateEvent, q: &mut EventQueue<Event>) {
        match e {
            UpdateEvent::Start { update } => self.update_start(now, update as usize, q),
            UpdateEvent::LogoffDue { update, batch } => {
                self.update_logoff(now, update as usize, batch, q)
            }
            UpdateEvent::HostDone { update, host } => {
                self.update_host_done(now, update as usize, host, q)
            }
            UpdateEvent::PauseExpired { update, pause } => {
                let run = &mut self.updates.runs[update as usize];
                if run.status == UpdateStatus::Paused && run.pauses == pause {
                    self.update_finish(now, update as usize, UpdateStatus::Canceled);
                }
            }
            UpdateEvent::Relogin { slot } => self.relogin(now, slot, q),
        }
    }

    /// Handles a scheduled pause, resume, cancel or retry.
    pub(super) fn on_update_control(
        &mut self,
        now: SimTime,
        action: &ActionSpec,
        q: &mut EventQueue<Event>,
    ) {
        let Some(u) = self.updates.current(self.scenario, now) else {
            self.updates.actions_ignored += 1;
            return;
        };
        let busy = self.updates.active.is_some();
        let run = &mut self.updates.runs[u];
        let applied = match (action, run.status) {
            (ActionSpec::UpdatePause { .. }, UpdateStatus::Running) if !run.pause_requested => {
                run.pause_requested = true;
                true
            }
            (ActionSpec::UpdateResume { .. }, UpdateStatus::Running) if run.pause_requested => {
                run.pause_requested = false;
                true
            }
            (ActionSpec::UpdateResume { .. }, UpdateStatus::Paused) => {
                run.status = UpdateStatus::Running;
                self.update_next_batch(now, u, q);
                true
            }
            (ActionSpec::UpdateCancel { .. }, UpdateStatus::Running) if !run.cancel_requested => {
                run.cancel_requested = true;
                true
            }
            (
                ActionSpec::UpdateCancel { .. },
                UpdateStatus::Paused | UpdateStatus::Failed | UpdateStatus::Scheduled,
            ) => {
                self.update_finish(now, u, UpdateStatus::Canceled);
                true
            }
            (ActionSpec::UpdateRetry { .. }, UpdateStatus::Failed) if !busy => {
                let mut todo = std::mem::take(&mut run.failed);
                todo.append(&mut run.pending);
                todo.sort_unstable();
                run.pending = todo;
                run.batch_failed = false;
                run.status = UpdateStatus::Running;
                self.updates.active = Some(u);
                self.update_next_batch(now, u, q);
                true
            }
            _ => false,
        };
        if !applied {
            self.updates.actions_ignored += 1;
        }
    }

    fn update_start(&mut self, now: SimTime, u: usize, q: &mut EventQueue<Event>) {
        if self.updates.runs[u].status != UpdateStatus::Scheduled {
            return;
        }
        if self.updates.active.is_some() {
            self.updates.runs[u].status = UpdateStatus::Refused;
            self.updates.refused += 1;
            self.trace(now, "update_refused", None, None, "another update is in progress");
            return;
        }
        let version = self.pool.target_version() + 1;
        self.pool.set_target_version(version);
        let hosts = self.pool.hosts().len() as HostId;
        let run = &mut self.updates.runs[u];
        run.version = version;
        run.started = Some(now);
        run.status = UpdateStatus::Running;
        run.pending = (0..hosts).collect();
        run.attempted = vec![false; hosts as usize];
        run.records = (0..hosts)
            .map(|h| HostRecord {
                host: h,
                batch: None,
                drain_start: None,
                logoff: None,
                update_start: None,
                done: None,
                outcome: Outcome::NotStarted,
                version: self.pool.host(h).version,
            })
            .collect();
        self.updates.active = Some(u);
        self.trace(now, "update_start", None, None, "");
        self.update_next_batch(now, u, q);
    }

    /// Starts the next batch, or ends the update (done, paused, canceled).
    fn update_next_batch(&mut self, now: SimTime, u: usize, q: &mut EventQueue<Event>) {
        let scenario = self.scenario;
        let spec: &UpdateSpec = &scenario.all_updates()[u];
        let run = &mut self.updates.runs[u];
        if run.cancel_requested {
            return self.update_finish(now, u, UpdateStatus::Canceled);
        }
        if run.pending.is_empty() {
            return self.update_finish(now, u, UpdateStatus::Succeeded);
        }
        if run.pause_requested {
            run.pause_requested = false;
            run.status = UpdateStatus::Paused;
            run.pauses += 1;
            let e = UpdateEvent::PauseExpired { update: u as u32, pause: run.pauses };
            q.schedule(now + PAUSE_LIMIT, Event::Update(e));
            self.trace(now, "update_paused", None, None, "");
            return;
        }
        let size = if run.initial_done { spec.batch_size as usize } else { 1 };
        let size = size.min(run.pending.len());
        if spec.order == UpdateOrder::FewestSessions {
            let pool = &self.pool;
            run.pending.sort_by_key(|&h| (pool.host(h).session_count(), h));
        }
        run.batch.clear();
        run.batch.extend(run.pending.drain(..size));
        if spec.order == UpdateOrder::FewestSessions {
            run.pending.sort_unstable();
        }
        run.batch_label = run.next_label;
        run.next_label += 1;
        run.in_flight = size as u32;
        for i in 0..size {
            let h = self.updates.runs[u].batch[i];
            let label = self.updates.runs[u].batch_label;
            let r = &mut self.updates.runs[u].records[h as usize];
            r.batch = Some(label);
            r.drain_start = Some(now);
            (r.logoff, r.update_start, r.done) = (None, None, None);
            r.outcome = Outcome::InProgress;
            self.pool.set_drain(h, true);
            self.trace(now, "update_drain", Some(h), None, "sign-out message sent");
        }
        let run = &self.updates.runs[u];
        let due = match spec.logoff_delay_from {
            DelayFrom::Batch => now + spec.logoff_delay.0,
            DelayFrom::UpdateStart => (run.started.unwrap_or(now) + spec.logoff_delay.0).max(now),
        };
        let e = UpdateEvent::LogoffDue { update: u as u32, batch: run.batch_label };
        q.schedule(due, Event::Update(e));
    }

    /// The log-off delay is over: sign out whoever is left and start replacing the hosts.
    fn update_logoff(&mut self, now: SimTime, u: usize, batch: u32, q: &mut EventQueue<Event>) {
        let run = &self.updates.runs[u];
        if run.status != UpdateStatus::Running || run.batch_label != batch || run.in_flight == 0 {
            return;
        }
        let hosts = std::mem::take(&mut self.updates.runs[u].batch);
        for &h in &hosts {
            self.force_logoff_all(now, h, q);
            self.pool.set_status(h, HostStatus::Updating);
            let r = &mut self.updates.runs[u].records[h as usize];
            r.logoff = Some(now);
            r.update_start = Some(now);
            let t = self.updates.update_time[u].sample(now, &mut self.updates.rng_time);
            let e = UpdateEvent::HostDone { update: u as u32, host: h };
            q.schedule(now.saturating_add(t), Event::Update(e));
        }
        self.updates.runs[u].batch = hosts;
    }

    /// Logs off every session of `host`, counting each as a forced log-off.
    fn force_logoff_all(&mut self, now: SimTime, host: HostId, q: &mut EventQueue<Event>) {
        for s in self.pool.close_all_sessions(host) {
            self.users.set_offline(s.user);
            self.recorder.forced_logoff();
            self.updates.forced_logoffs += 1;
            self.trace(now, "forced_logoff", Some(host), Some(s.user), "update");
            if s.state == SessionState::Active {
                self.plan_relogin(now, s.user, s.planned_end, q);
            }
        }
    }

    /// A user signed out with planned time left may sign in again after a delay; the time
    /// without a session up to the planned end counts as disrupted.
    fn plan_relogin(
        &mut self,
        now: SimTime,
        user: UserId,
        planned_end: SimTime,
        q: &mut EventQueue<Event>,
    ) {
        let remaining = planned_end.saturating_sub(now);
        let up = &mut self.updates;
        if let Some((p, after)) = &up.relogin
            && up.rng_relogin_choice.random_bool(*p)
        {
            let delay = after.sample(now, &mut up.rng_relogin_delay);
            if delay < remaining {
                let slot = up.add_relogin(PendingRelogin { user, logoff: now, planned_end });
                q.schedule(now + delay, Event::Update(UpdateEvent::Relogin { slot }));
                return;
            }
        }
        up.disrupted_ms += u128::from(remaining);
    }

    fn relogin(&mut self, now: SimTime, slot: u32, q: &mut EventQueue<Event>) {
        let Some(p) = self.updates.relogins[slot as usize].take() else { return };
        self.updates.free_relogins.push(slot);
        // Back with a session (or already back through a fresh login): disrupted until now.
        // The login fails: the user gives up, disrupted until the planned end.
        let mut until = now;
        if self.users.is_offline(p.user) && !self.relogin_session(now, p.user, p.planned_end, q) {
            until = p.planned_end;
        }
        self.updates.disrupted_ms += u128::from(until.saturating_sub(p.logoff));
    }

    /// A pooled login (updates exist for pooled pools only) for the rest of a planned
    /// connection, ending at `planned_end`. Counted like any login; false when it fails.
    fn relogin_session(
        &mut self,
        now: SimTime,
        user: UserId,
        planned_end: SimTime,
        q: &mut EventQueue<Event>,
    ) -> bool {
        self.recorder.login_attempted();
        let Some(host) = self.pool.pick_host(&mut self.rng_balancer) else {
            self.recorder.login_failed(FailureReason::NoCapacity);
            self.trace(now, "login_failed", None, Some(user), FailureReason::NoCapacity.name());
            return false;
        };
        let id = self.pool.open_session(host, user, now);
        self.users.set_online(user);
        self.recorder.login_succeeded();
        self.trace(now, "relogin", Some(host), Some(user), "");
        self.pool.set_planned_end(id, planned_end);
        q.schedule(planned_end, Event::SessionEnd { session: id });
        true
    }

    fn update_host_done(&mut self, now: SimTime, u: usize, h: HostId, q: &mut EventQueue<Event>) {
        let scenario = self.scenario;
        let spec: &UpdateSpec = &scenario.all_updates()[u];
        let run = &self.updates.runs[u];
        if run.records.get(h as usize).is_none_or(|r| r.outcome != Outcome::InProgress) {
            return;
        }
        let first_attempt = !run.attempted[h as usize];
        let named_bad = first_attempt && spec.failing_hosts.contains(&self.pool.host(h).name);
        let random_bad = self.updates.rng_failure.random_bool(spec.failure_probability);
        let rollback_bad = !spec.keep_original_vms
            && self.updates.rng_failure.random_bool(spec.rollback_failure_probability);
        let version = self.updates.runs[u].version;
        let outcome = if !(named_bad || random_bad) {
            self.pool.update_host(h, |x| {
                x.version = version;
                x.status = HostStatus::Available;
                x.drain = false;
            });
            Outcome::Updated
        } else if rollback_bad {
            self.pool.update_host(h, |x| {
                x.status = HostStatus::Unavailable;
                x.drain = true;
            });
            Outcome::Failed
        } else {
            self.pool.update_host(h, |x| {
                x.status = HostStatus::Available;
                x.drain = false;
            });
            Outcome::RolledBack
        };
        self.trace(now, "update_host_done", Some(h), None, outcome.name());
        let host_version = self.pool.host(h).version;
        let run = &mut self.updates.runs[u];
        run.attempted[h as usize] = true;
        let r = &mut run.records[h as usize];
        r.done = Some(now);
        r.outcome = outcome;
        r.version = host_version;
        run.last_done = Some(now);
        if outcome == Outcome::Updated {
            run.initial_done = true;
        } else {
            run.failed.push(h);
            run.batch_failed = true;
        }
        run.in_flight -= 1;
        if run.in_flight > 0 {
            return;
        }
        // A failure marks the update failed once the batch is done — unless the admin has
        // already asked to cancel it, which then wins.
        if run.batch_failed && !run.cancel_requested {
            return self.update_finish(now, u, UpdateStatus::Failed);
        }
        self.update_next_batch(now, u, q);
    }

    /// Ends (or, for a failure, suspends) update `u` with `status`.
    fn update_finish(&mut self, now: SimTime, u: usize, status: UpdateStatus) {
        let run = &mut self.updates.runs[u];
        run.status = status;
        run.pause_requested = false;
        run.cancel_requested = false;
        if status == UpdateStatus::Canceled {
            for &h in &run.pending {
                run.records[h as usize].outcome = Outcome::Canceled;
            }
        }
        if self.updates.active == Some(u) {
            self.updates.active = None;
        }
        self.trace(now, "update_end", None, None, status.name());
    }

    /// The update rows of `update.csv`, with host names.
    pub fn update_rows(&self) -> Vec<UpdateRow> {
        self.updates
            .records()
            .map(|r| UpdateRow { host: self.pool.host(r.host).name.clone(), record: *r })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_events_keep_the_event_queue_entry_small() {
        // The queue moves events on every push and pop: an update must not make them larger.
        assert!(std::mem::size_of::<Event>() <= 16, "{}", std::mem::size_of::<Event>());
    }

    #[test]
    fn status_codes_are_distinct_and_refused_has_none() {
        use UpdateStatus::*;
        let codes: Vec<_> = [Succeeded, Failed, Canceled, Paused, Running, Scheduled]
            .iter()
            .map(|s| s.code().unwrap())
            .collect();
        assert_eq!(codes, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(Refused.code(), None);
    }
}
