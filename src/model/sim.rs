//! The pool model: the events of a host pool under a workload, and how each is handled.
//!
//! The engine pops events in (time, sequence) order and hands them to [`PoolSim::handle`].
//! Before each event the recorder integrates the state that held since the previous one; after
//! it, the recorder notes the new extremes.

use super::host::HostId;
use super::lifecycle::{Lifecycle, LifecycleEvent};
use super::personal::{Ctx, Personal, PersonalEvent, Routed};
use super::pool::Pool;
use super::population::Population;
use super::session::{SessionId, SessionState, UserId};
use super::update::{UpdateEvent, UpdateStatus, Updates};
use super::workload::{ArrivalProcess, Sampler};
use crate::engine::rng::{SimRng, stream};
use crate::engine::{EventQueue, Model, SimTime};
use crate::metrics::recorder::{FailureReason, Recorded, Recorder};
use crate::metrics::trace::TraceRecord;
use crate::scenario::{ActionSpec, AssignmentSpec, Scenario};
use rand::RngExt;

/// Random sources, one ChaCha stream each (see [`crate::engine::rng`]).
mod source {
    pub const SESSION_LENGTH: u64 = 1;
    pub const BALANCER: u64 = 2;
    pub const USERS: u64 = 3;
    pub const RECONNECT_CHOICE: u64 = 4;
    pub const RECONNECT_DELAY: u64 = 5;
    /// Personal pools: which of a user's desktops a login picks.
    pub const DESKTOP_CHOICE: u64 = 6;
    /// Personal pools: Start VM on Connect boot times.
    pub const BOOT_TIME: u64 = 7;
    // 40–44: session host updates and lifecycle (`model::update`, `model::lifecycle`).
    /// Arrival process `i` uses stream `ARRIVALS + i`.
    pub const ARRIVALS: u64 = 1_000;
}

/// Something that happens at an instant.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    /// The next login of arrival process `source`.
    Arrival { source: u32 },
    /// A connection's active time ends: the user logs off or disconnects.
    SessionEnd { session: SessionId },
    /// A disconnected user comes back.
    Reconnect { session: SessionId, user: UserId },
    /// Scheduled admin action `index` of the scenario.
    Action { index: u32 },
    /// Personal pools: boots and idle stops (`model/personal.rs`).
    Personal(PersonalEvent),
    /// A step of a session host update (`model::update`).
    Update(UpdateEvent),
    /// A step of a deployed host's lifecycle (`model::lifecycle`).
    Lifecycle(LifecycleEvent),
}

/// What to keep besides the metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Keep the time series.
    pub timeseries: bool,
    /// Keep the event trace.
    pub trace: bool,
}

/// The state of one replication.
pub struct PoolSim<'a> {
    pub(super) scenario: &'a Scenario,
    pub(super) pool: Pool,
    pub(super) users: Population,
    arrivals: Vec<(ArrivalProcess, SimRng)>,
    session_length: Sampler,
    reconnect: Option<(f64, Sampler)>,
    /// The host each action names, resolved once.
    action_hosts: Vec<Option<HostId>>,
    rng_session: SimRng,
    pub(super) rng_balancer: SimRng,
    rng_users: SimRng,
    rng_reconnect_choice: SimRng,
    rng_reconnect_delay: SimRng,
    pub(super) recorder: Recorder,
    pub(super) updates: Updates,
    pub(super) lifecycle: Lifecycle,
    keep_update_rows: bool,
    /// Personal pools: assignments, boots, idle stops (`None` for pooled pools).
    personal: Option<Personal>,
}

impl<'a> PoolSim<'a> {
    /// Builds replication `replication` of a validated scenario and schedules its first events.
    pub fn new(
        scenario: &'a Scenario,
        replication: u64,
        keep: Keep,
        queue: &mut EventQueue<Event>,
    ) -> Self {
        let seed = scenario.seed;
        let rng = |src| stream(seed, replication, src);
        let p = &scenario.pool;
        let mut pool =
            Pool::new(p.host_count(), &p.name_prefix, p.session_limit(), p.load_balancer);
        let personal_rngs = (rng(source::DESKTOP_CHOICE), rng(source::BOOT_TIME));
        let personal = Personal::new(scenario, &mut pool, personal_rngs, queue);
        let w = &scenario.workload;
        let arrivals = w
            .arrivals
            .as_slice()
            .iter()
            .enumerate()
            .map(|(i, spec)| (ArrivalProcess::new(spec), rng(source::ARRIVALS + i as u64)))
            .collect();
        let action_hosts =
            scenario.actions.iter().map(|a| a.host().and_then(|h| pool.host_by_name(h))).collect();
        let bin = keep.timeseries.then_some(scenario.time_bin.0);
        let mut recorder = Recorder::new(pool.gauges(), scenario.warmup.0, bin, keep.trace);
        if personal.is_some() {
            recorder.track_personal();
        }
        let mut sim = Self {
            scenario,
            users: Population::new(w.users.map(|u| u as u32)),
            arrivals,
            session_length: Sampler::new(&w.session),
            reconnect: w.reconnect.as_ref().map(|r| (r.probability, Sampler::new(&r.after))),
            action_hosts,
            rng_session: rng(source::SESSION_LENGTH),
            rng_balancer: rng(source::BALANCER),
            rng_users: rng(source::USERS),
            rng_reconnect_choice: rng(source::RECONNECT_CHOICE),
            rng_reconnect_delay: rng(source::RECONNECT_DELAY),
            pool,
            recorder,
            personal,
            updates: Updates::new(scenario, replication),
            lifecycle: Lifecycle::new(scenario, replication),
            keep_update_rows: keep.timeseries,
        };
        sim.schedule_initial(queue);
        sim
    }

    fn schedule_initial(&mut self, queue: &mut EventQueue<Event>) {
        for (i, a) in self.scenario.actions.iter().enumerate() {
            queue.schedule(a.at().0, Event::Action { index: i as u32 });
        }
        Updates::schedule(self.scenario, queue);
        for source in 0..self.arrivals.len() {
            self.schedule_next_arrival(source as u32, 0, queue);
        }
    }

    fn schedule_next_arrival(&mut self, source: u32, now: SimTime, queue: &mut EventQueue<Event>) {
        let (process, rng) = &mut self.arrivals[source as usize];
        if let Some(t) = process.next_after(now, rng) {
            queue.schedule(t, Event::Arrival { source });
        }
    }

    /// The pool, for inspection.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Ends the replication at `end` and returns what was recorded.
    pub fn into_recorded(mut self, end: SimTime) -> Recorded {
        if let Some(p) = &self.personal {
            self.recorder.set_hosts_assigned(p.assignments().assigned_hosts());
        }
        let rows = if self.keep_update_rows { self.update_rows() } else { Vec::new() };
        let statuses = self.updates.statuses();
        let mut recorded = self.recorder.finish(end, self.pool.gauges());
        self.updates.fill_metrics(&mut recorded.metrics, end);
        self.lifecycle.fill_metrics(&mut recorded.metrics);
        recorded.update_rows = rows;
        recorded.update_statuses = statuses;
        recorded
    }

    /// Each update's status so far, in scenario order.
    pub fn update_statuses(&self) -> Vec<UpdateStatus> {
        self.updates.statuses()
    }

    /// Personal pools: the assignments now, in host order (`None` for pooled pools).
    pub fn assignment_rows(&self) -> Option<Vec<AssignmentSpec>> {
        self.personal.as_ref().map(|p| p.rows(&self.pool, &self.users))
    }

    /// Personal pools: the assignment table (`None` for pooled pools).
    pub fn personal(&self) -> Option<&Personal> {
        self.personal.as_ref()
    }

    /// Runs `f` on the personal state with the rest of the sim (`None` for pooled pools).
    fn with_personal<R>(
        &mut self,
        now: SimTime,
        queue: &mut EventQueue<Event>,
        f: impl FnOnce(&mut Personal, &mut Ctx) -> R,
    ) -> Option<R> {
        let p = self.personal.as_mut()?;
        let mut ctx = Ctx {
            pool: &mut self.pool,
            users: &mut self.users,
            recorder: &mut self.recorder,
            queue,
            rng_balancer: &mut self.rng_balancer,
            now,
        };
        Some(f(p, &mut ctx))
    }

    fn on_arrival(&mut self, now: SimTime, source: u32, queue: &mut EventQueue<Event>) {
        self.schedule_next_arrival(source, now, queue);
        if let Some(user) = self.users.next_login(&mut self.rng_users) {
            self.login(now, user, queue);
        }
    }

    /// A user without a session asks for one: the load balancer picks a host or the login
    /// fails (nothing queues; the user sees an error). Personal pools route by assignment.
    fn login(&mut self, now: SimTime, user: UserId, queue: &mut EventQueue<Event>) {
        self.recorder.login_attempted();
        let routed = match self.with_personal(now, queue, |p, ctx| p.route(ctx, user)) {
            Some(routed) => routed,
            None => self
                .pool
                .pick_host(&mut self.rng_balancer)
                .map(Routed::Now)
                .ok_or(FailureReason::NoCapacity),
        };
        match routed {
            Ok(Routed::Now(host)) => self.open_login(now, host, user, queue),
            Ok(Routed::Booting(_)) => {}
            Err(reason) => {
                self.recorder.login_failed(reason);
                self.trace(now, "login_failed", None, Some(user), reason.name());
            }
        }
    }

    /// A login gets its session on `host`.
    fn open_login(
        &mut self,
        now: SimTime,
        host: HostId,
        user: UserId,
        queue: &mut EventQueue<Event>,
    ) {
        let session = self.pool.open_session(host, user, now);
        self.users.set_online(user);
        self.recorder.login_succeeded();
        self.trace(now, "login", Some(host), Some(user), "");
        self.start_connection(now, session, queue);
    }

    /// Schedules the end of a connection's active time.
    fn start_connection(
        &mut self,
        now: SimTime,
        session: SessionId,
        queue: &mut EventQueue<Event>,
    ) {
        let length = self.session_length.sample(now, &mut self.rng_session);
        let end = now.saturating_add(length);
        self.pool.set_planned_end(session, end);
        queue.schedule(end, Event::SessionEnd { session });
    }

    fn on_session_end(&mut self, now: SimTime, id: SessionId, queue: &mut EventQueue<Event>) {
        let Some(s) = self.pool.session(id) else { return };
        if s.state != SessionState::Active {
            return;
        }
        let (user, host) = (s.user, s.host);
        if let Some((p, after)) = &self.reconnect
            && self.rng_reconnect_choice.random_bool(*p)
        {
            let delay = after.sample(now, &mut self.rng_reconnect_delay);
            self.pool.set_session_state(id, SessionState::Disconnected);
            queue.schedule(now.saturating_add(delay), Event::Reconnect { session: id, user });
            self.trace(now, "disconnect", Some(host), Some(user), "");
            return;
        }
        self.pool.close_session(id);
        self.users.set_offline(user);
        self.trace(now, "logoff", Some(host), Some(user), "");
        self.with_personal(now, queue, |p, ctx| p.session_closed(ctx, host));
    }

    /// A disconnected user returns to their session, whatever the algorithm and even on a
    /// drained host, as long as the host is up. If the session is gone, they log in afresh.
    fn on_reconnect(
        &mut self,
        now: SimTime,
        id: SessionId,
        user: UserId,
        queue: &mut EventQueue<Event>,
    ) {
        let host = self.pool.session(id).map(|s| s.host);
        match host {
            Some(h) if self.pool.host(h).reachable() => {
                self.recorder.login_attempted();
                self.pool.set_session_state(id, SessionState::Active);
                self.recorder.login_succeeded();
                self.trace(now, "reconnect", Some(h), Some(user), "");
                self.start_connection(now, id, queue);
            }
            Some(_) => {
                self.pool.close_session(id);
                self.users.set_offline(user);
                self.login(now, user, queue);
            }
            None if self.users.is_offline(user) => self.login(now, user, queue),
            None => {}
        }
    }

    fn on_action(&mut self, now: SimTime, index: u32, queue: &mut EventQueue<Event>) {
        let scenario = self.scenario;
        let action = &scenario.actions[index as usize];
        let host = self.action_hosts[index as usize];
        let mut detail = "";
        match (action, host) {
            (ActionSpec::DrainOn { .. } | ActionSpec::DrainOff { .. }, Some(_))
                if self.updates.controls_drain() =>
            {
                // While an update runs, drain mode belongs to the update, not the admin.
                self.updates.refuse_admin_drain();
                detail = "refused: an update controls drain mode";
            }
            (ActionSpec::DrainOn { .. }, Some(h)) => self.pool.set_drain(h, true),
            (ActionSpec::DrainOff { .. }, Some(h)) => self.pool.set_drain(h, false),
            (ActionSpec::AddHosts(_), _) => self.on_add_hosts(now, index, queue),
            (
                ActionSpec::UpdatePause { .. }
                | ActionSpec::UpdateResume { .. }
                | ActionSpec::UpdateCancel { .. }
                | ActionSpec::UpdateRetry { .. },
                _,
            ) => self.on_update_control(now, action, queue),
            _ => {}
        }
        self.trace(now, action.kind(), host, None, detail);
        if action.is_assignment() {
            self.with_personal(now, queue, |p, ctx| p.on_action(ctx, action, host));
        }
    }

    /// Personal pools: a boot ended or an idle host may stop.
    fn on_personal(&mut self, now: SimTime, event: PersonalEvent, queue: &mut EventQueue<Event>) {
        if let Some(Some((host, user))) =
            self.with_personal(now, queue, |p, ctx| p.on_event(ctx, event))
        {
            self.open_login(now, host, user, queue);
        }
    }

    pub(super) fn trace(
        &mut self,
        now: SimTime,
        kind: &'static str,
        host: Option<HostId>,
        user: Option<UserId>,
        detail: &str,
    ) {
        if !self.recorder.tracing() {
            return;
        }
        let record = TraceRecord {
            time: now,
            kind,
            host: host.map(|h| self.pool.host(h).name.clone()),
            user: user.map(|u| self.users.name(u)),
            detail: detail.to_string(),
        };
        self.recorder.trace(record);
    }
}

impl Model for PoolSim<'_> {
    type Event = Event;

    fn handle(&mut self, now: SimTime, event: Event, queue: &mut EventQueue<Event>) {
        self.recorder.advance(now, self.pool.gauges());
        match event {
            Event::Arrival { source } => self.on_arrival(now, source, queue),
            Event::SessionEnd { session } => self.on_session_end(now, session, queue),
            Event::Reconnect { session, user } => self.on_reconnect(now, session, user, queue),
            Event::Action { index } => self.on_action(now, index, queue),
            Event::Personal(e) => self.on_personal(now, e, queue),
            Event::Update(e) => self.on_update(now, e, queue),
            Event::Lifecycle(e) => self.on_lifecycle(now, e, queue),
        }
        self.recorder.observe(self.pool.gauges());
        self.updates.observe(self.pool.gauges());
    }
}
