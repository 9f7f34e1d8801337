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

use super::config::{Action, ActionKind, ModelConfig, UpdateControl, UpdatePlan};
use super::control::DrainOwner;
use super::event::{Event, UpdateEvent};
use super::feature::Feature;
use super::host::{HostId, HostStatus};
use super::pool::Pool;
use super::session::{SessionState, UserId};
use super::streams;
use super::world::{LoginKind, LoginRequest, Queue, Reply, World};
use crate::engine::SimTime;
use crate::engine::rng::{SimRng, stream};
use crate::engine::time::{DAY, MINUTE};
use crate::metrics::catalog::{Metric, MetricValues};
use crate::scenario::{DelayFrom, UpdateOrder};
use rand::RngExt;

/// How long a paused update waits for a resume before it is canceled.
pub const PAUSE_LIMIT: SimTime = 14 * DAY;

/// Where an update stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The current batch's label (0 = the initial host): a `LogoffDue` event carries it, so
    /// the event of a batch that was cut short is recognised as stale and ignored.
    batch_label: u32,
    next_label: u32,
    /// Batches taken after the initial host, for `update.csv`: the initial host is batch 0
    /// (also when a retry takes it again), the batches after it 1, 2, …
    batches_after_initial: u32,
    in_flight: u32,
    initial_done: bool,
    batch_failed: bool,
    pause_requested: bool,
    cancel_requested: bool,
    /// Pauses so far: a `PauseExpired` event carries the number of its pause, so one from a
    /// pause that was resumed is recognised as stale and ignored.
    pauses: u32,
    attempted: Vec<bool>,
    /// Per host present at the start: named in `failing_hosts` (its first attempt fails).
    failing: Vec<bool>,
}

struct PendingRelogin {
    user: UserId,
    logoff: SimTime,
    planned_end: SimTime,
}

/// Every update of a replication, and what they did to users.
pub struct Updates<'c> {
    plans: &'c [UpdatePlan],
    runs: Vec<Run>,
    rng_time: SimRng,
    rng_failure: SimRng,
    rng_relogin_choice: SimRng,
    rng_relogin_delay: SimRng,
    relogins: Vec<Option<PendingRelogin>>,
    free_relogins: Vec<u32>,
    /// The update that is running or paused, if any (at most one).
    active: Option<usize>,
    forced_logoffs: u64,
    disrupted_ms: u128,
    min_available: Option<u64>,
    actions_ignored: u64,
    refused: u64,
}

impl Run {
    fn new() -> Self {
        Run {
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
            batches_after_initial: 0,
            in_flight: 0,
            initial_done: false,
            batch_failed: false,
            pause_requested: false,
            cancel_requested: false,
            pauses: 0,
            attempted: Vec::new(),
            failing: Vec::new(),
        }
    }
}

impl<'c> Updates<'c> {
    /// The updates of replication `replication` (`None` when the scenario has none).
    pub fn build(cfg: &'c ModelConfig, replication: u64) -> Option<Self> {
        if cfg.updates.is_empty() {
            return None;
        }
        let rng = |src| stream(cfg.seed, replication, src);
        Some(Self {
            plans: &cfg.updates,
            runs: cfg.updates.iter().map(|_| Run::new()).collect(),
            rng_time: rng(streams::UPDATE_TIME),
            rng_failure: rng(streams::UPDATE_FAILURE),
            rng_relogin_choice: rng(streams::RELOGIN_CHOICE),
            rng_relogin_delay: rng(streams::RELOGIN_DELAY),
            relogins: Vec::new(),
            free_relogins: Vec::new(),
            active: None,
            forced_logoffs: 0,
            disrupted_ms: 0,
            min_available: None,
            actions_ignored: 0,
            refused: 0,
        })
    }

    /// Each update's status, in scenario order.
    pub fn statuses(&self) -> Vec<UpdateStatus> {
        self.runs.iter().map(|r| r.status).collect()
    }

    /// Per-host records of every update that started, in start order then host order.
    pub fn records(&self) -> impl Iterator<Item = &HostRecord> {
        self.runs.iter().flat_map(|r| &r.records)
    }

    /// The update rows of `update.csv`, with host names.
    pub fn rows(&self, pool: &Pool) -> Vec<UpdateRow> {
        self.records()
            .map(|r| UpdateRow { host: pool.host(r.host).name.clone(), record: *r })
            .collect()
    }

    /// The update that control actions act on: the latest one scheduled by `now` and not
    /// refused.
    fn current(&self, now: SimTime) -> Option<usize> {
        (0..self.runs.len()).rev().find(|&i| {
            self.plans[i].scheduled_at <= now && self.runs[i].status != UpdateStatus::Refused
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

    /// Marks update `u` as the running one: it owns drain mode from now.
    fn activate(&mut self, w: &mut World, u: usize) {
        self.active = Some(u);
        w.control.set_drain_owner(DrainOwner::Update);
    }

    /// Handles an update event.
    pub fn handle(&mut self, w: &mut World, q: &mut Queue, e: UpdateEvent) {
        match e {
            UpdateEvent::Scheduled { update } => self.schedule(w, update as usize),
            UpdateEvent::Start { update } => self.start_update(w, q, update as usize),
            UpdateEvent::LogoffDue { update, batch } => self.logoff(w, q, update as usize, batch),
            UpdateEvent::HostDone { update, host } => self.host_done(w, q, update as usize, host),
            UpdateEvent::PauseExpired { update, pause } => {
                let run = &self.runs[update as usize];
                if run.status == UpdateStatus::Paused && run.pauses == pause {
                    self.end(w, update as usize, UpdateStatus::Canceled);
                }
            }
            UpdateEvent::Relogin { slot } => self.relogin(w, slot),
        }
    }

    /// A scheduled pause, resume, cancel or retry.
    fn control(&mut self, w: &mut World, q: &mut Queue, control: UpdateControl) {
        let Some(u) = self.current(w.now) else {
            self.actions_ignored += 1;
            return;
        };
        let busy = self.active.is_some();
        let run = &mut self.runs[u];
        let applied = match (control, run.status) {
            (UpdateControl::Pause, UpdateStatus::Running) if !run.pause_requested => {
                run.pause_requested = true;
                true
            }
            (UpdateControl::Resume, UpdateStatus::Running) if run.pause_requested => {
                run.pause_requested = false;
                true
            }
            (UpdateControl::Resume, UpdateStatus::Paused) => {
                run.status = UpdateStatus::Running;
                self.next_batch(w, q, u);
                true
            }
            (UpdateControl::Cancel, UpdateStatus::Running) if !run.cancel_requested => {
                run.cancel_requested = true;
                true
            }
            (
                UpdateControl::Cancel,
                UpdateStatus::Paused | UpdateStatus::Failed | UpdateStatus::Scheduled,
            ) => {
                self.end(w, u, UpdateStatus::Canceled);
                true
            }
            (UpdateControl::Retry, UpdateStatus::Failed) if !busy => {
                let mut todo = std::mem::take(&mut run.failed);
                todo.append(&mut run.pending);
                todo.sort_unstable();
                run.pending = todo;
                run.batch_failed = false;
                run.status = UpdateStatus::Running;
                self.activate(w, u);
                self.next_batch(w, q, u);
                true
            }
            _ => false,
        };
        if !applied {
            self.actions_ignored += 1;
        }
    }

    /// The admin schedules update `u`. Only one update is scheduled or runs per pool at a time
    /// (MODEL.md, seed 004: "cancel the update and schedule a new one"): while another is
    /// scheduled, running or paused, the service refuses it.
    fn schedule(&mut self, w: &mut World, u: usize) {
        let occupied = (0..self.runs.len()).any(|v| {
            v != u
                && self.plans[v].scheduled_at <= w.now
                && matches!(
                    self.runs[v].status,
                    UpdateStatus::Scheduled | UpdateStatus::Running | UpdateStatus::Paused
                )
        });
        if occupied && self.runs[u].status == UpdateStatus::Scheduled {
            self.runs[u].status = UpdateStatus::Refused;
            self.refused += 1;
            w.trace("update_refused", None, None, "another update is scheduled or in progress");
        }
    }

    fn start_update(&mut self, w: &mut World, q: &mut Queue, u: usize) {
        if self.runs[u].status != UpdateStatus::Scheduled {
            return;
        }
        if self.active.is_some() {
            self.runs[u].status = UpdateStatus::Refused;
            self.refused += 1;
            w.trace("update_refused", None, None, "another update is in progress");
            return;
        }
        let version = w.pool.target_version() + 1;
        w.pool.set_target_version(version);
        let hosts = w.pool.hosts().len() as HostId;
        let failing = &self.plans[u].failing_hosts;
        let run = &mut self.runs[u];
        run.version = version;
        run.started = Some(w.now);
        run.status = UpdateStatus::Running;
        run.pending = (0..hosts).collect();
        run.attempted = vec![false; hosts as usize];
        // Resolved by name once, here: deployed hosts get their ids only when they register.
        run.failing = w.pool.hosts().iter().map(|h| failing.contains(&h.name)).collect();
        run.records = (0..hosts)
            .map(|h| HostRecord {
                host: h,
                batch: None,
                drain_start: None,
                logoff: None,
                update_start: None,
                done: None,
                outcome: Outcome::NotStarted,
                version: w.pool.host(h).version,
            })
            .collect();
        self.activate(w, u);
        w.trace("update_start", None, None, "");
        self.next_batch(w, q, u);
    }

    /// Starts the next batch, or ends the update (done, paused, canceled).
    fn next_batch(&mut self, w: &mut World, q: &mut Queue, u: usize) {
        let plan = &self.plans[u];
        let run = &mut self.runs[u];
        if run.cancel_requested {
            return self.end(w, u, UpdateStatus::Canceled);
        }
        if run.pending.is_empty() {
            return self.end(w, u, UpdateStatus::Succeeded);
        }
        if run.pause_requested {
            run.pause_requested = false;
            run.status = UpdateStatus::Paused;
            run.pauses += 1;
            let e = UpdateEvent::PauseExpired { update: u as u32, pause: run.pauses };
            q.schedule(w.now + PAUSE_LIMIT, Event::Update(e));
            w.trace("update_paused", None, None, "");
            return;
        }
        let size = if run.initial_done { plan.batch_size as usize } else { 1 };
        let size = size.min(run.pending.len());
        if plan.order == UpdateOrder::FewestSessions {
            let pool = &w.pool;
            run.pending.sort_by_key(|&h| (pool.host(h).session_count(), h));
        }
        run.batch.clear();
        run.batch.extend(run.pending.drain(..size));
        if plan.order == UpdateOrder::FewestSessions {
            run.pending.sort_unstable();
        }
        run.batch_label = run.next_label;
        run.next_label += 1;
        let shown = if run.initial_done {
            run.batches_after_initial += 1;
            run.batches_after_initial
        } else {
            0
        };
        run.in_flight = size as u32;
        for &h in &run.batch {
            let r = &mut run.records[h as usize];
            r.batch = Some(shown);
            r.drain_start = Some(w.now);
            (r.logoff, r.update_start, r.done) = (None, None, None);
            r.outcome = Outcome::InProgress;
            w.pool.set_drain(h, true);
            w.trace("update_drain", Some(h), None, "sign-out message sent");
        }
        let due = match plan.delay_from {
            DelayFrom::Batch => w.now + plan.logoff_delay,
            DelayFrom::UpdateStart => (run.started.unwrap_or(w.now) + plan.logoff_delay).max(w.now),
        };
        let e = UpdateEvent::LogoffDue { update: u as u32, batch: run.batch_label };
        q.schedule(due, Event::Update(e));
    }

    /// The log-off delay is over: sign out whoever is left and start replacing the hosts.
    fn logoff(&mut self, w: &mut World, q: &mut Queue, u: usize, batch: u32) {
        let run = &self.runs[u];
        if run.status != UpdateStatus::Running || run.batch_label != batch || run.in_flight == 0 {
            return;
        }
        let hosts = std::mem::take(&mut self.runs[u].batch);
        for &h in &hosts {
            self.force_logoff_all(w, q, h);
            w.pool.set_status(h, HostStatus::Updating);
            let r = &mut self.runs[u].records[h as usize];
            r.logoff = Some(w.now);
            r.update_start = Some(w.now);
            let t = self.plans[u].host_time.sample(w.now, &mut self.rng_time);
            let e = UpdateEvent::HostDone { update: u as u32, host: h };
            q.schedule(w.now.saturating_add(t), Event::Update(e));
        }
        self.runs[u].batch = hosts;
    }

    /// Logs off every session of `host`, counting each as a forced log-off by the update.
    fn force_logoff_all(&mut self, w: &mut World, q: &mut Queue, host: HostId) {
        for s in w.force_logoff_all(host, "update") {
            self.forced_logoffs += 1;
            if s.state == SessionState::Active {
                self.plan_relogin(w, q, s.user, s.planned_end);
            }
        }
    }

    /// A user signed out with planned time left may sign in again after a delay; the time
    /// without a session up to the planned end counts as disrupted.
    fn plan_relogin(&mut self, w: &World, q: &mut Queue, user: UserId, planned_end: SimTime) {
        let now = w.now;
        let remaining = planned_end.saturating_sub(now);
        if let Some(r) = &w.cfg.relogin
            && self.rng_relogin_choice.random_bool(r.probability)
        {
            let delay = r.after.sample(now, &mut self.rng_relogin_delay);
            if delay < remaining {
                let slot = self.add_relogin(PendingRelogin { user, logoff: now, planned_end });
                q.schedule(now + delay, Event::Update(UpdateEvent::Relogin { slot }));
                return;
            }
        }
        self.disrupted_ms += u128::from(remaining);
    }

    /// A signed-out user is back: if still without a session they sign in again (through the
    /// model's login path) for the rest of their planned connection.
    fn relogin(&mut self, w: &mut World, slot: u32) {
        let Some(p) = &self.relogins[slot as usize] else { return };
        if w.users.is_offline(p.user) {
            let kind = LoginKind::Resume { until: p.planned_end };
            let reply = Some(Reply::UpdateRelogin(slot));
            w.request_login(LoginRequest { user: p.user, host: None, kind, reply, waited: 0 });
        } else {
            // Already back through a fresh login: disrupted until now.
            self.relogin_done(w.now, slot, true);
        }
    }

    /// Closes pending relogin `slot`: back with a session, the user was disrupted until now;
    /// refused, they give up, disrupted until the planned end.
    fn relogin_done(&mut self, now: SimTime, slot: u32, ok: bool) {
        let Some(p) = self.relogins[slot as usize].take() else { return };
        self.free_relogins.push(slot);
        let until = if ok { now } else { p.planned_end };
        self.disrupted_ms += u128::from(until.saturating_sub(p.logoff));
    }

    fn host_done(&mut self, w: &mut World, q: &mut Queue, u: usize, h: HostId) {
        let plan = &self.plans[u];
        let run = &self.runs[u];
        if run.records.get(h as usize).is_none_or(|r| r.outcome != Outcome::InProgress) {
            return;
        }
        let first_attempt = !run.attempted[h as usize];
        let named_bad = first_attempt && run.failing[h as usize];
        let random_bad = self.rng_failure.random_bool(plan.failure_probability);
        let rollback_bad = !plan.keep_original_vms
            && self.rng_failure.random_bool(plan.rollback_failure_probability);
        let version = run.version;
        let outcome = if !(named_bad || random_bad) {
            w.pool.update_host(h, |x| {
                x.version = version;
                x.status = HostStatus::Available;
                x.drain = false;
            });
            Outcome::Updated
        } else if rollback_bad {
            w.pool.update_host(h, |x| {
                x.status = HostStatus::Unavailable;
                x.drain = true;
            });
            Outcome::Failed
        } else {
            w.pool.update_host(h, |x| {
                x.status = HostStatus::Available;
                x.drain = false;
            });
            Outcome::RolledBack
        };
        w.trace("update_host_done", Some(h), None, outcome.name());
        let host_version = w.pool.host(h).version;
        let run = &mut self.runs[u];
        run.attempted[h as usize] = true;
        let r = &mut run.records[h as usize];
        r.done = Some(w.now);
        r.outcome = outcome;
        r.version = host_version;
        run.last_done = Some(w.now);
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
            return self.end(w, u, UpdateStatus::Failed);
        }
        self.next_batch(w, q, u);
    }

    /// Ends (or, for a failure, suspends) update `u` with `status`; drain mode goes back to
    /// the admin.
    fn end(&mut self, w: &mut World, u: usize, status: UpdateStatus) {
        let run = &mut self.runs[u];
        run.status = status;
        run.pause_requested = false;
        run.cancel_requested = false;
        if status == UpdateStatus::Canceled {
            for &h in &run.pending {
                run.records[h as usize].outcome = Outcome::Canceled;
            }
        }
        if self.active == Some(u) {
            self.active = None;
            w.control.set_drain_owner(DrainOwner::Admin);
        }
        w.trace("update_end", None, None, status.name());
    }
}

impl Feature for Updates<'_> {
    fn start(&mut self, _w: &mut World, q: &mut Queue) {
        for (i, plan) in self.plans.iter().enumerate() {
            // The first update has nothing before it to be refused for.
            if i > 0 {
                let e = UpdateEvent::Scheduled { update: i as u32 };
                q.schedule(plan.scheduled_at, Event::Update(e));
            }
            q.schedule(plan.start, Event::Update(UpdateEvent::Start { update: i as u32 }));
        }
    }

    fn on_action(&mut self, w: &mut World, q: &mut Queue, a: &Action) -> Option<&'static str> {
        let ActionKind::Update(control) = a.kind else { return None };
        self.control(w, q, control);
        Some("")
    }

    fn login_result(&mut self, w: &mut World, _q: &mut Queue, reply: Reply, ok: bool) {
        let Reply::UpdateRelogin(slot) = reply else { return };
        self.relogin_done(w.now, slot, ok);
    }

    /// Notes the pool's state after an event, for the capacity low-water mark.
    fn observe(&mut self, w: &World) {
        if let Some(u) = self.active
            && self.runs[u].status == UpdateStatus::Running
        {
            let a = w.pool.gauges().hosts_available;
            self.min_available = Some(self.min_available.map_or(a, |m| m.min(a)));
        }
    }

    /// Sets the update metrics; `end` closes the disruption of users still waiting to sign in
    /// again.
    fn finish(&self, _w: &World, m: &mut MetricValues, end: SimTime) {
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
        m.set(Metric::UpdateCompletionMinutes, completion);
        let count = |o: &[Outcome]| {
            let n = self.records().filter(|h| o.contains(&h.outcome));
            Some(n.count() as f64)
        };
        m.set(Metric::UpdateHostsCompleted, count(&[Outcome::Updated]));
        m.set(Metric::UpdateHostsFailed, count(&[Outcome::RolledBack, Outcome::Failed]));
        let last = self.runs.iter().rev().find(|r| r.status != UpdateStatus::Refused);
        m.set(Metric::UpdateStatus, last.and_then(|r| r.status.code()));
        m.set(Metric::MinAvailableHostsDuringUpdate, self.min_available.map(|v| v as f64));
        m.set(Metric::ForcedLogoffsUpdate, Some(self.forced_logoffs as f64));
        let pending: u128 = self
            .relogins
            .iter()
            .flatten()
            .map(|p| u128::from(p.planned_end.min(end).saturating_sub(p.logoff)))
            .sum();
        let disrupted = (self.disrupted_ms + pending) as f64 / MINUTE as f64;
        m.set(Metric::UserMinutesDisrupted, Some(disrupted));
        m.set(Metric::UpdateActionsIgnored, Some(self.actions_ignored as f64));
        m.set(Metric::UpdatesRefused, Some(self.refused as f64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
