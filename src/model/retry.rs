//! Refused users try again: `workload.retry = { attempts = 3, after = … }`.
//!
//! A login the user started (an arrival or a return from a disconnect) that is refused makes
//! the user try again after the `after` delay, through the model's one login path, until an
//! attempt gets a session or `attempts` attempts (the first included) have been refused; then
//! the user gives up (`users_denied`). Every refused attempt still counts in
//! `logins_failed` and `login_failure_rate`; `login_retries` counts the attempts after the
//! first. While retrying, and after giving up until the next midnight, a named user is held
//! out of the arrivals' choice: a storm's or profile's next login is somebody else's, not the
//! same person again under another arrival. With `attempts = 1` nobody is held: that is the
//! model without retries, unchanged, with the refused users counted.

use super::config::{ModelConfig, RetryConfig};
use super::event::{Event, UsersEvent};
use super::feature::Feature;
use super::session::UserId;
use super::streams;
use super::world::{LoginKind, LoginRequest, Queue, Reply, World};
use crate::engine::SimTime;
use crate::engine::rng::{SimRng, stream};
use crate::engine::time::DAY;
use crate::metrics::catalog::{Metric, MetricValues};

/// The retries of one replication.
pub struct Retries<'c> {
    cfg: &'c RetryConfig,
    rng: SimRng,
    retries: u64,
    denied: u64,
}

impl<'c> Retries<'c> {
    /// The retry behaviour of replication `replication` (`None` without `workload.retry`).
    pub fn build(cfg: &'c ModelConfig, replication: u64) -> Option<Self> {
        let retry = cfg.behaviour.retry.as_ref()?;
        let rng = stream(cfg.seed, replication, streams::RETRY_DELAY);
        Some(Self { cfg: retry, rng, retries: 0, denied: 0 })
    }

    /// Attempt `attempt` (2, 3, …) of `user` is due, or a user who gave up is back.
    pub fn handle(&mut self, w: &mut World, e: UsersEvent) {
        let (user, attempt) = match e {
            UsersEvent::Retry { user, attempt } => (user, attempt),
            UsersEvent::Release { user } => return w.users.release(user),
            UsersEvent::Day => return,
        };
        if !w.users.is_offline(user) {
            return;
        }
        self.retries += u64::from(w.recorder.measuring());
        let reply = Some(Reply::Retry { user, attempt: u32::from(attempt) });
        w.request_login(LoginRequest {
            user,
            host: None,
            kind: LoginKind::Fresh,
            reply,
            waited: 0,
        });
    }

    /// Attempt `attempt` of `user` was refused: try again later or give up.
    fn refused(&mut self, w: &mut World, q: &mut Queue, user: UserId, attempt: u32) {
        // One attempt is the model without retries, exactly: nobody is held.
        if self.cfg.attempts == 1 {
            self.denied += u64::from(w.recorder.measuring());
            return w.recorder.user_denied();
        }
        w.users.hold(user);
        if attempt >= self.cfg.attempts {
            self.denied += u64::from(w.recorder.measuring());
            w.recorder.user_denied();
            let midnight = (w.now / DAY + 1) * DAY;
            q.schedule(midnight, Event::Users(UsersEvent::Release { user }));
            return;
        }
        let delay = self.cfg.after.sample(w.now, &mut self.rng);
        let next = (attempt + 1).min(u32::from(u16::MAX)) as u16;
        let e = UsersEvent::Retry { user, attempt: next };
        q.schedule(w.now.saturating_add(delay), Event::Users(e));
    }
}

impl Feature for Retries<'_> {
    fn login_refused(&mut self, w: &mut World, q: &mut Queue, user: UserId) {
        self.refused(w, q, user, 1);
    }

    fn login_result(&mut self, w: &mut World, q: &mut Queue, reply: Reply, ok: bool) {
        if let (Reply::Retry { user, attempt }, false) = (reply, ok) {
            self.refused(w, q, user, attempt);
        }
    }

    /// Sets `users_denied` and `login_retries`.
    fn finish(&self, _w: &World, m: &mut MetricValues, _end: SimTime) {
        m.set(Metric::UsersDenied, Some(self.denied as f64));
        m.set(Metric::LoginRetries, Some(self.retries as f64));
    }
}
