//! The pool model: the world, the features, and the core events that tie them together —
//! arrivals, the one login path, log-offs, disconnects and reconnects, admin actions.
//!
//! The engine pops events in (time, sequence) order and hands them to [`PoolSim::handle`].
//! Before each event the recorder integrates the state that held since the previous one; after
//! it, the recorder and the features note the new state.

use super::config::{ActionKind, ModelConfig};
use super::event::{Event, ReplayEvent};
use super::failure::FailureReason;
use super::feature::{Feature, Routed};
use super::host::HostId;
use super::lifecycle::Lifecycle;
use super::personal::Personal;
use super::pool::Pool;
use super::population::Population;
use super::power::Power;
use super::replay::{self, Replay};
use super::session::{SessionId, SessionState, UserId};
use super::streams;
use super::update::{UpdateRow, UpdateStatus, Updates};
use super::workload::ArrivalProcess;
use super::world::{LoginKind, Queue, World};
use crate::engine::rng::{SimRng, stream};
use crate::engine::{Model, SimTime};
use crate::metrics::Recorder;
use crate::metrics::catalog::{Metric, MetricValues};
use crate::metrics::timeseries::Row;
use crate::metrics::trace::TraceRecord;
use rand::RngExt;

/// What to keep besides the metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Keep the details a run reports for one replication (replication 0): the time series,
    /// `update.csv` rows and the final assignments.
    pub detail: bool,
    /// Keep the event trace.
    pub trace: bool,
}

/// The features of a replication; a feature the scenario does not use is `None`.
pub struct Features<'c> {
    /// Personal pools: assignments, Start VM on Connect, the personal scaling plan.
    pub personal: Option<Personal<'c>>,
    /// Session host updates.
    pub updates: Option<Updates<'c>>,
    /// Hosts deployed by `add_hosts`.
    pub lifecycle: Option<Lifecycle<'c>>,
    /// Power states, autoscale and cost.
    pub power: Option<Power<'c>>,
    /// A replayed connection log.
    pub replay: Option<Replay<'c>>,
}

/// Runs `$body` with `$f` bound to each feature present, in a fixed order. A macro rather
/// than a method taking a closure over `dyn Feature`, so every call is static and a hook a
/// feature leaves at its default costs nothing on the hot path.
macro_rules! each_feature {
    ($features:expr, |$f:ident| $body:expr) => {{
        if let Some($f) = &mut $features.personal {
            $body;
        }
        if let Some($f) = &mut $features.updates {
            $body;
        }
        if let Some($f) = &mut $features.lifecycle {
            $body;
        }
        if let Some($f) = &mut $features.power {
            $body;
        }
        if let Some($f) = &mut $features.replay {
            $body;
        }
    }};
}

/// What a finished replication hands back.
pub struct Finished {
    /// The replication's metrics.
    pub metrics: MetricValues,
    /// The time series, if kept.
    pub timeseries: Option<Vec<Row>>,
    /// The trace, if kept.
    pub trace: Option<Vec<TraceRecord>>,
    /// Per-host session host update records, if kept.
    pub update_rows: Vec<UpdateRow>,
    /// Each update's final status, in scenario order.
    pub update_statuses: Vec<UpdateStatus>,
}

/// The state of one replication.
pub struct PoolSim<'c> {
    world: World<'c>,
    features: Features<'c>,
    arrivals: Vec<(ArrivalProcess, SimRng)>,
    rng_session: SimRng,
    rng_users: SimRng,
    rng_reconnect_choice: SimRng,
    rng_reconnect_delay: SimRng,
    keep: Keep,
}

impl<'c> PoolSim<'c> {
    /// Builds replication `replication` of a resolved scenario and schedules its first events.
    pub fn new(cfg: &'c ModelConfig, replication: u64, keep: Keep, q: &mut Queue) -> Self {
        let rng = |source| stream(cfg.seed, replication, source);
        let p = &cfg.pool;
        let mut pool = Pool::new(p.hosts, &p.name_prefix, p.session_limit, p.balancer);
        // Personal pools set the starting state (assignments, stopped hosts) before anything
        // else is scheduled or recorded.
        let personal = Personal::build(cfg, replication, &mut pool, q);
        let power = Power::build(cfg, replication, &mut pool);
        let bin = keep.detail.then_some(cfg.time_bin);
        let recorder = Recorder::new(pool.gauges(), cfg.warmup, bin, keep.trace);
        let world = World {
            cfg,
            now: 0,
            pool,
            users: Population::new(cfg.users),
            recorder,
            control: Default::default(),
            rng_balancer: rng(streams::BALANCER),
            logins: Vec::new(),
        };
        let features = Features {
            personal,
            updates: Updates::build(cfg, replication),
            lifecycle: Lifecycle::build(cfg, replication),
            power,
            replay: Replay::build(cfg),
        };
        let arrivals = cfg
            .arrivals
            .iter()
            .enumerate()
            .map(|(i, a)| (ArrivalProcess::new(a), rng(streams::ARRIVALS + i as u64)))
            .collect();
        let mut sim = Self {
            world,
            features,
            arrivals,
            rng_session: rng(streams::SESSION_LENGTH),
            rng_users: rng(streams::USERS),
            rng_reconnect_choice: rng(streams::RECONNECT_CHOICE),
            rng_reconnect_delay: rng(streams::RECONNECT_DELAY),
            keep,
        };
        sim.schedule_initial(q);
        sim
    }

    fn schedule_initial(&mut self, q: &mut Queue) {
        for (i, a) in self.world.cfg.actions.iter().enumerate() {
            q.schedule(a.at, Event::Action { index: i as u32 });
        }
        let w = &mut self.world;
        each_feature!(self.features, |f| f.start(w, q));
        for source in 0..self.arrivals.len() {
            self.schedule_next_arrival(source as u32, 0, q);
        }
    }

    fn schedule_next_arrival(&mut self, source: u32, now: SimTime, q: &mut Queue) {
        let (process, rng) = &mut self.arrivals[source as usize];
        if let Some(t) = process.next_after(now, rng) {
            q.schedule(t, Event::Arrival { source });
        }
    }

    /// The pool, for inspection.
    pub fn pool(&self) -> &Pool {
        &self.world.pool
    }

    /// The features, for inspection.
    pub fn features(&self) -> &Features<'c> {
        &self.features
    }

    /// Each update's status so far, in scenario order.
    pub fn update_statuses(&self) -> Vec<UpdateStatus> {
        self.features.updates.as_ref().map_or_else(Vec::new, Updates::statuses)
    }

    /// The per-host update records so far, with host names (empty without updates).
    pub fn update_rows(&self) -> Vec<UpdateRow> {
        self.features.updates.as_ref().map_or_else(Vec::new, |u| u.rows(&self.world.pool))
    }

    /// Personal pools: the assignments now, in host order, with names (`None` for pooled).
    pub fn assignment_rows(&self) -> Option<Vec<crate::scenario::AssignmentSpec>> {
        let w = &self.world;
        self.features.personal.as_ref().map(|p| p.rows(&w.pool, &w.users))
    }

    /// Ends the replication at `end` and returns what was recorded.
    pub fn finish(mut self, end: SimTime) -> Finished {
        let w = &self.world;
        let mut metrics = MetricValues::empty();
        let admin_refused = w.control.admin_drain_refused() as f64;
        metrics.set(Metric::AdminDrainRefused, Some(admin_refused));
        each_feature!(self.features, |f| f.finish(w, &mut metrics, end));
        let update_rows = match (&self.features.updates, self.keep.detail) {
            (Some(u), true) => u.rows(&w.pool),
            _ => Vec::new(),
        };
        let update_statuses = self.update_statuses();
        let recorded = self.world.recorder.finish(end, self.world.pool.gauges(), metrics);
        Finished {
            metrics: recorded.metrics,
            timeseries: recorded.timeseries,
            trace: recorded.trace,
            update_rows,
            update_statuses,
        }
    }

    fn on_arrival(&mut self, source: u32, q: &mut Queue) {
        self.schedule_next_arrival(source, self.world.now, q);
        if let Some(user) = self.world.users.next_login(&mut self.rng_users) {
            self.login(user, LoginKind::Fresh, q);
        }
    }

    /// The one login path. A user without a session asks for one: a feature routes it
    /// (personal pools) or the load balancer picks a host; with no host the login fails
    /// (nothing queues; the user sees an error). Returns whether it got a session now.
    fn login(&mut self, user: UserId, kind: LoginKind, q: &mut Queue) -> bool {
        let w = &mut self.world;
        w.recorder.login_attempted();
        let mut routed = None;
        each_feature!(self.features, |f| {
            if routed.is_none() {
                routed = f.route(w, q, user);
            }
        });
        let routed = routed
            .unwrap_or_else(|| w.pick_host().map(Routed::Now).ok_or(FailureReason::NoCapacity));
        match routed {
            Ok(Routed::Now(host)) => {
                self.open_login(host, user, kind, q);
                true
            }
            Ok(Routed::Booting(_)) => false,
            Err(reason) => {
                w.fail_login(user, None, reason);
                false
            }
        }
    }

    /// A routed login gets its session on `host`.
    fn open_login(&mut self, host: HostId, user: UserId, kind: LoginKind, q: &mut Queue) {
        let w = &mut self.world;
        let session = w.open_session(host, user);
        let (end, conn) = match kind {
            LoginKind::Fresh => {
                w.trace("login", Some(host), Some(user), "");
                let length = w.cfg.session.sample(w.now, &mut self.rng_session);
                (w.now.saturating_add(length), None)
            }
            LoginKind::Resume { until } => {
                w.trace("relogin", Some(host), Some(user), "");
                (until, None)
            }
            LoginKind::Replay { conn } => {
                w.trace("login", Some(host), Some(user), "");
                (self.replayed_end(conn), Some(conn))
            }
        };
        let w = &mut self.world;
        w.pool.set_planned_end(session, end);
        q.schedule(end, end_event(session, conn));
        each_feature!(self.features, |f| f.session_opened(w, q, host));
    }

    /// When replayed connection `conn`, starting now, ends: as logged, or (a login the log
    /// saw fail) after the scenario's session length.
    fn replayed_end(&mut self, conn: u32) -> SimTime {
        let w = &self.world;
        match w.cfg.replay.as_ref().and_then(|r| r.end(conn)) {
            Some(end) => end,
            None => w.now.saturating_add(w.cfg.session.sample(w.now, &mut self.rng_session)),
        }
    }

    /// Serves the logins features asked for while handling an event, in order.
    fn serve_logins(&mut self, q: &mut Queue) {
        while !self.world.logins.is_empty() {
            for r in std::mem::take(&mut self.world.logins) {
                let ok = match r.host {
                    Some(host) => {
                        self.open_login(host, r.user, r.kind, q);
                        true
                    }
                    None => self.login(r.user, r.kind, q),
                };
                if let Some(reply) = r.reply {
                    let w = &mut self.world;
                    each_feature!(self.features, |f| f.login_result(w, q, reply, ok));
                }
            }
        }
    }

    /// A connection's active time is over: the user disconnects (and comes back later) or
    /// logs off. `conn`: the replayed connection it was, whose log says which.
    fn on_session_end(&mut self, id: SessionId, conn: Option<u32>, q: &mut Queue) {
        let w = &mut self.world;
        let replayed = conn.zip(w.cfg.replay.as_ref());
        let Some(s) = w.pool.session(id) else {
            if let Some((conn, r)) = replayed {
                replay::continue_chain(r, conn, w.now, q);
            }
            return;
        };
        if s.state != SessionState::Active {
            return;
        }
        let (user, host) = (s.user, s.host);
        if let Some((conn, r)) = replayed {
            if let Some(next) = r.successor(conn) {
                w.pool.set_session_state(id, SessionState::Disconnected);
                let at = r.connection(next).login.max(w.now);
                q.schedule(at, Event::Replay(ReplayEvent::Return { session: id, conn: next }));
                w.trace("disconnect", Some(host), Some(user), "");
                each_feature!(self.features, |f| f.session_disconnected(w, q, host));
                return;
            }
        } else if let Some(r) = &w.cfg.reconnect
            && self.rng_reconnect_choice.random_bool(r.probability)
        {
            let delay = r.after.sample(w.now, &mut self.rng_reconnect_delay);
            w.pool.set_session_state(id, SessionState::Disconnected);
            q.schedule(w.now.saturating_add(delay), Event::Reconnect { session: id, user });
            w.trace("disconnect", Some(host), Some(user), "");
            each_feature!(self.features, |f| f.session_disconnected(w, q, host));
            return;
        }
        w.pool.close_session(id);
        w.users.set_offline(user);
        w.trace("logoff", Some(host), Some(user), "");
        each_feature!(self.features, |f| f.session_closed(w, q, host));
    }

    /// A disconnected user returns to their session, whatever the algorithm and even on a
    /// drained host, as long as the host is up. If the session is gone, they log in afresh.
    /// `conn`: the replayed connection the user returns with.
    fn on_reconnect(&mut self, id: SessionId, user: UserId, conn: Option<u32>, q: &mut Queue) {
        let w = &mut self.world;
        let kind = conn.map_or(LoginKind::Fresh, |conn| LoginKind::Replay { conn });
        match w.pool.session(id).map(|s| s.host) {
            Some(h) if w.pool.host(h).reachable() => {
                w.recorder.login_attempted();
                w.pool.set_session_state(id, SessionState::Active);
                w.recorder.login_succeeded();
                w.trace("reconnect", Some(h), Some(user), "");
                let end = match conn {
                    Some(conn) => self.replayed_end(conn),
                    None => {
                        let w = &mut self.world;
                        let length = w.cfg.session.sample(w.now, &mut self.rng_session);
                        w.now.saturating_add(length)
                    }
                };
                self.world.pool.set_planned_end(id, end);
                q.schedule(end, end_event(id, conn));
            }
            Some(_) => {
                w.pool.close_session(id);
                w.users.set_offline(user);
                self.login(user, kind, q);
            }
            None if w.users.is_offline(user) => {
                self.login(user, kind, q);
            }
            None => {}
        }
    }

    /// A scheduled admin action: drain mode is the admin's unless the control rules say
    /// otherwise; features take the actions that are theirs, before and after the record.
    fn on_action(&mut self, index: u32, q: &mut Queue) {
        let w = &mut self.world;
        let action = &w.cfg.actions[index as usize];
        let mut detail = "";
        if let (ActionKind::Drain(on), Some(h)) = (&action.kind, action.host) {
            if w.control.admin_may_drain() {
                w.pool.set_drain(h, *on);
            } else {
                detail = "refused: an update controls drain mode";
            }
        }
        each_feature!(self.features, |f| {
            if let Some(d) = f.on_action(w, q, action) {
                detail = d;
            }
        });
        w.trace(action.kind.name(), action.host, None, detail);
        each_feature!(self.features, |f| f.after_action(w, q, action));
    }
}

impl Model for PoolSim<'_> {
    type Event = Event;

    fn handle(&mut self, now: SimTime, event: Event, q: &mut Queue) {
        let w = &mut self.world;
        w.now = now;
        w.recorder.advance(now, w.pool.gauges());
        match event {
            Event::Arrival { source } => self.on_arrival(source, q),
            Event::SessionEnd { session } => self.on_session_end(session, None, q),
            Event::Reconnect { session, user } => self.on_reconnect(session, user, None, q),
            Event::Action { index } => self.on_action(index, q),
            Event::Personal(e) => {
                if let Some(p) = &mut self.features.personal {
                    p.handle(w, q, e);
                }
            }
            Event::Update(e) => {
                if let Some(u) = &mut self.features.updates {
                    u.handle(w, q, e);
                }
            }
            Event::Lifecycle(e) => {
                if let Some(l) = &mut self.features.lifecycle {
                    l.handle(w, q, e);
                }
            }
            Event::Power(e) => {
                if let Some(p) = &mut self.features.power {
                    p.handle(w, q, e);
                }
            }
            Event::Replay(ReplayEvent::End { session, conn }) => {
                self.on_session_end(session, Some(conn), q);
            }
            Event::Replay(ReplayEvent::Return { session, conn }) => {
                let user = w.cfg.replay.as_ref().map_or(0, |r| r.connection(conn).user);
                self.on_reconnect(session, user, Some(conn), q);
            }
            Event::Replay(e) => {
                if let Some(r) = &mut self.features.replay {
                    r.handle(w, q, e);
                }
            }
        }
        if !self.world.logins.is_empty() {
            self.serve_logins(q);
        }
        let w = &mut self.world;
        w.recorder.observe(w.pool.gauges());
        let w = &self.world;
        each_feature!(self.features, |f| f.observe(w));
    }
}

/// The event that ends a session's connection: the model's own, or a replayed connection's.
fn end_event(session: SessionId, conn: Option<u32>) -> Event {
    match conn {
        Some(conn) => Event::Replay(ReplayEvent::End { session, conn }),
        None => Event::SessionEnd { session },
    }
}
