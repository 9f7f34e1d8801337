//! The seam: what a feature (session host updates, host lifecycle, personal pools, …) can do
//! to the world, and when the model calls it.
//!
//! A feature is a struct built from the [`ModelConfig`](super::config::ModelConfig) — `None`
//! when the scenario does not use it — that owns its state, its random streams and its
//! metrics. It handles its own events (a variant of [`Event`](super::event::Event) wrapping
//! the feature's enum, dispatched in `sim.rs`) and implements [`Feature`] for the moments it
//! shares with the rest of the model. Every hook has a default that does nothing, so a feature
//! implements only what it reacts to.

use super::config::Action;
use super::failure::FailureReason;
use super::host::HostId;
use super::session::UserId;
use super::world::{Queue, Reply, World};
use crate::engine::SimTime;
use crate::metrics::MetricValues;

/// Where a login goes, when a feature routes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routed {
    /// A session can open on this host now.
    Now(HostId),
    /// The host is booting; the feature completes the login when it is up.
    Booting(HostId),
}

/// The hooks a feature implements.
pub trait Feature {
    /// Schedules the feature's first events, once, before the run.
    fn start(&mut self, _w: &mut World, _q: &mut Queue) {}

    /// An admin action at its time, before it is traced. Returns the trace detail when the
    /// action was this feature's to take (a refusal, say).
    fn on_action(&mut self, _w: &mut World, _q: &mut Queue, _a: &Action) -> Option<&'static str> {
        None
    }

    /// An admin action, after it is traced: for reactions the action's record introduces.
    fn after_action(&mut self, _w: &mut World, _q: &mut Queue, _a: &Action) {}

    /// Routes the login of `user`, who has no session. `None` leaves it to the pool's load
    /// balancer; at most one feature routes logins.
    fn route(
        &mut self,
        _w: &mut World,
        _q: &mut Queue,
        _user: UserId,
    ) -> Option<Result<Routed, FailureReason>> {
        None
    }

    /// A session opened on `host` (a login, not a reconnect).
    fn session_opened(&mut self, _w: &mut World, _q: &mut Queue, _host: HostId) {}

    /// A user disconnected from `host` (the session stays, disconnected).
    fn session_disconnected(&mut self, _w: &mut World, _q: &mut Queue, _host: HostId) {}
    /// A user logged off `host` (their own log-off, not a forced one).
    fn session_closed(&mut self, _w: &mut World, _q: &mut Queue, _host: HostId) {}

    /// A login this feature asked for (see [`World::request_login`]) got a session or not.
    fn login_result(&mut self, _w: &mut World, _q: &mut Queue, _reply: Reply, _ok: bool) {}

    /// The world after each event (for low-water marks and the like).
    fn observe(&mut self, _w: &World) {}

    /// Sets the feature's metrics at the end of the run, `end`.
    fn finish(&self, _w: &World, _m: &mut MetricValues, _end: SimTime) {}
}
