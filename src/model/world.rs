//! The shared world of one replication: the pool, the users, the recorder, the control rules
//! and the load balancer's random stream — and the steps every feature takes on them (open a
//! session, log users off, fail a login, trace). Features change the pool only through here or
//! through [`Pool`]'s own methods, so the gauges and the balancer index stay consistent.

use super::config::ModelConfig;
use super::control::Control;
use super::event::Event;
use super::failure::FailureReason;
use super::host::HostId;
use super::pool::Pool;
use super::population::Population;
use super::session::{Session, SessionId, UserId};
use crate::engine::rng::SimRng;
use crate::engine::{EventQueue, SimTime};
use crate::metrics::Recorder;
use crate::metrics::trace::TraceRecord;

/// The event queue as the model sees it.
pub type Queue = EventQueue<Event>;

/// How a login that gets a session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginKind {
    /// A new connection: its active time is drawn from the session length.
    Fresh,
    /// The rest of a connection an update cut short: it ends at `until` (traced `relogin`).
    Resume {
        /// When the connection was planned to end.
        until: SimTime,
    },
    /// Logged connection `conn` of a replay: it lasts as long as it did in the log.
    Replay {
        /// The connection, an index into the replay's connections.
        conn: u32,
    },
}

/// Where a feature wants the answer to a login it asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The update's pending relogin `slot`.
    UpdateRelogin(u32),
    /// Attempt `attempt` (2, 3, …) of a refused `user` (`model/retry.rs`).
    Retry {
        /// Who.
        user: UserId,
        /// Which attempt.
        attempt: u32,
    },
    /// The replay's connection `conn`.
    Replay(u32),
}

/// A login a feature asks the world to make, served by the model's one login path right after
/// the feature's handler returns.
#[derive(Debug, Clone, Copy)]
pub struct LoginRequest {
    /// Who.
    pub user: UserId,
    /// `Some`: the login was already routed (and counted) to this host, which is ready now.
    pub host: Option<HostId>,
    /// How the session runs.
    pub kind: LoginKind,
    /// Who to tell whether it got a session.
    pub reply: Option<Reply>,
    /// How long the login already waited (for a boot) before this request: part of its time
    /// to desktop.
    pub waited: SimTime,
}

/// The state every feature shares.
pub struct World<'c> {
    /// The resolved scenario.
    pub cfg: &'c ModelConfig,
    /// The current time.
    pub now: SimTime,
    /// Hosts and sessions.
    pub pool: Pool,
    /// Who is online.
    pub users: Population,
    /// Measurements.
    pub recorder: Recorder,
    /// Who controls drain mode and power.
    pub control: Control,
    /// The load balancer's random stream.
    pub rng_balancer: SimRng,
    /// Logins asked for by features, in order.
    pub logins: Vec<LoginRequest>,
}

impl World<'_> {
    /// Picks a host for a new session with the pool's load-balancing algorithm.
    pub fn pick_host(&mut self) -> Option<HostId> {
        self.pool.pick_host(&mut self.rng_balancer)
    }

    /// Opens an active session for `user` on `host` (which has room) and counts the success.
    pub fn open_session(&mut self, host: HostId, user: UserId) -> SessionId {
        let session = self.pool.open_session(host, user);
        self.users.set_online(user);
        self.recorder.login_succeeded();
        session
    }

    /// Counts a failed login of `user` (on `host`, when it had one) and traces it.
    pub fn fail_login(&mut self, user: UserId, host: Option<HostId>, reason: FailureReason) {
        self.recorder.login_failed(reason);
        self.users.set_offline(user);
        self.trace("login_failed", host, Some(user), reason.name());
    }

    /// Logs off every session of `host` (the service or an admin ends them), counting each as
    /// a forced log-off and tracing it with `why`; returns them, newest first.
    pub fn force_logoff_all(&mut self, host: HostId, why: &str) -> Vec<Session> {
        let closed = self.pool.close_all_sessions(host);
        for s in &closed {
            self.users.set_offline(s.user);
            self.recorder.forced_logoff();
            self.trace("forced_logoff", Some(host), Some(s.user), why);
        }
        closed
    }

    /// Asks for a login through the model's login path (see [`LoginRequest`]).
    pub fn request_login(&mut self, request: LoginRequest) {
        self.logins.push(request);
    }

    /// Appends a trace record about a host known only by name (one that never joined the
    /// pool, such as a host whose registration key had expired).
    pub fn trace_named(&mut self, kind: &'static str, host: &str, detail: &str) {
        if self.recorder.tracing() {
            let (time, host, detail) = (self.now, Some(host.to_string()), detail.to_string());
            self.recorder.trace(TraceRecord { time, kind, host, user: None, detail });
        }
    }

    /// A user's name: the log's name in a replay, else the population's (`user0042`).
    pub fn user_name(&self, user: UserId) -> String {
        match &self.cfg.replay {
            Some(r) => r.names[user as usize].clone(),
            None => self.users.name(user),
        }
    }

    /// Appends a trace record (skipped cheaply when tracing is off: the check is inlined into
    /// every event handler, the record is built out of line).
    #[inline]
    pub fn trace(
        &mut self,
        kind: &'static str,
        host: Option<HostId>,
        user: Option<UserId>,
        detail: &str,
    ) {
        if self.recorder.tracing() {
            self.trace_record(kind, host, user, detail);
        }
    }

    #[cold]
    #[inline(never)]
    fn trace_record(
        &mut self,
        kind: &'static str,
        host: Option<HostId>,
        user: Option<UserId>,
        detail: &str,
    ) {
        let record = TraceRecord {
            time: self.now,
            kind,
            host: host.map(|h| self.pool.host(h).name.clone()),
            user: user.map(|u| self.user_name(u)),
            detail: detail.to_string(),
        };
        self.recorder.trace(record);
    }
}
