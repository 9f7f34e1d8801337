//! The power of a personal pool's hosts under its scaling plan (`model/personal_plan.rs`
//! holds the rules): boots and resumes, the waits after a user leaves, ramp-up's automatic
//! starts, the initial deallocated hosts, and what they count.
//!
//! A host is running (Available), starting (`Starting`: a boot or a resume, billed, not
//! routable), deallocated (`Shutdown`) or hibernated (`Hibernated`); a stopped host keeps its
//! owner and its configuration version. Every host has an idle *epoch*: anything that ends
//! a wait — a login, another disconnect or log-off, a start — moves it on, so the wait's
//! event, which carries the epoch it began in, is then ignored. A user who reconnects within
//! the wait cancels it too: the action only applies to a host with no active session.

use super::event::{Event, PersonalEvent};
use super::host::{HostId, HostStatus};
use super::personal_plan::{Idle, IdleAction, PersonalPlan, after, auto_starts};
use super::pool::Pool;
use super::session::SessionState;
use super::streams;
use super::world::{Queue, World};
use crate::engine::SimTime;
use crate::engine::rng::{SimRng, stream};
use crate::metrics::catalog::{Metric, MetricValues};

/// The plan's state of one replication.
pub struct PersonalPower<'c> {
    plan: &'c PersonalPlan,
    /// Per host: a boot or resume is under way.
    booting: Vec<bool>,
    /// Per host: the idle epoch (see the module comment).
    epoch: Vec<u32>,
    /// Per host: the wait under way, why, and what follows it.
    idle: Vec<Option<(Idle, IdleAction)>>,
    rng_boot: SimRng,
    rng_resume: SimRng,
    started: u64,
    stopped: u64,
    ended_sessions: u64,
}

impl<'c> PersonalPower<'c> {
    /// The plan's state: hosts beyond `initial_running` deallocated, the running ones on an
    /// unused-host wait (nobody has signed in yet).
    pub fn build(
        plan: &'c PersonalPlan,
        seed: u64,
        replication: u64,
        pool: &mut Pool,
        q: &mut Queue,
    ) -> Self {
        let hosts = pool.hosts().len();
        let mut me = Self {
            plan,
            booting: vec![false; hosts],
            epoch: vec![0; hosts],
            idle: vec![None; hosts],
            rng_boot: stream(seed, replication, streams::BOOT_TIME),
            rng_resume: stream(seed, replication, streams::RESUME_TIME),
            started: 0,
            stopped: 0,
            ended_sessions: 0,
        };
        for h in 0..hosts as HostId {
            if h < plan.initial_running {
                me.wait(h, Idle::Unused, plan.stop_unused_after, IdleAction::Deallocate, 0, q);
            } else {
                pool.set_status(h, HostStatus::Shutdown);
            }
        }
        me
    }

    /// Hosts added since (`add_hosts`) join running, with no wait (nobody could sign in yet).
    pub fn sync_hosts(&mut self, n: usize) {
        if n > self.booting.len() {
            self.booting.resize(n, false);
            self.epoch.resize(n, 0);
            self.idle.resize(n, None);
        }
    }

    /// Whether a login to `host` may start it and wait (Start VM on Connect in the phase in
    /// force) — or wait for a start under way.
    pub fn may_wait_for(&self, w: &World, host: HostId) -> bool {
        let h = w.pool.host(host);
        let rules = self.plan.phase_at(w.now).rules;
        let startable = h.status.is_stopped() || self.booting[host as usize];
        rules.start_vm_on_connect && startable && !h.drain
    }

    /// Whether Start VM on Connect may start `host` now (a stopped, undrained host).
    pub fn may_start(&self, w: &World, host: HostId) -> bool {
        let h = w.pool.host(host);
        self.plan.phase_at(w.now).rules.start_vm_on_connect && h.status.is_stopped() && !h.drain
    }

    /// Starts `host` (a boot, or a resume when it is hibernated) unless it is starting.
    pub fn start(&mut self, w: &mut World, q: &mut Queue, host: HostId, why: &str) {
        let i = host as usize;
        if self.booting[i] || !w.pool.host(host).status.is_stopped() {
            return;
        }
        self.booting[i] = true;
        self.void_wait(host);
        let resume = w.pool.host(host).status == HostStatus::Hibernated;
        let took = if resume {
            self.plan.resume_time.sample(w.now, &mut self.rng_resume)
        } else {
            self.plan.boot_time.sample(w.now, &mut self.rng_boot)
        };
        w.pool.set_status(host, HostStatus::Starting);
        self.started += u64::from(w.recorder.measuring());
        q.schedule(w.now.saturating_add(took), Event::Personal(PersonalEvent::BootDone { host }));
        let kind = if resume { "scale_resume" } else { "scale_start" };
        w.trace(kind, Some(host), None, why);
    }

    /// A start ended: the host runs.
    pub fn boot_done(&mut self, w: &mut World, host: HostId) {
        self.booting[host as usize] = false;
        if w.pool.host(host).status == HostStatus::Starting {
            w.pool.set_status(host, HostStatus::Available);
        }
    }

    /// Whether a start of `host` is under way.
    pub fn booting(&self, host: HostId) -> bool {
        self.booting[host as usize]
    }

    /// `host` became idle for `why`: the phase in force now says how long to wait and what
    /// follows (a new wait replaces any earlier one).
    pub fn became_idle(&mut self, w: &World, q: &mut Queue, host: HostId, why: Idle) {
        let rules = self.plan.phase_at(w.now).rules;
        let a = after(&rules, why, self.plan.stop_unused_after);
        self.wait(host, why, a.wait, a.action, w.now, q);
    }

    fn wait(
        &mut self,
        host: HostId,
        why: Idle,
        wait: SimTime,
        action: IdleAction,
        now: SimTime,
        q: &mut Queue,
    ) {
        self.void_wait(host);
        if action == IdleAction::None {
            return;
        }
        let i = host as usize;
        self.idle[i] = Some((why, action));
        let epoch = self.epoch[i];
        q.schedule(now.saturating_add(wait), Event::Personal(PersonalEvent::Idle { host, epoch }));
    }

    /// Ends any wait under way on `host` (a login, a start).
    pub fn void_wait(&mut self, host: HostId) {
        let i = host as usize;
        self.epoch[i] = self.epoch[i].wrapping_add(1);
        self.idle[i] = None;
    }

    /// A wait is over: unless voided since, or the user is back (an active session), the
    /// host is deallocated (a disconnected session on it ends) or hibernated (it is kept).
    pub fn on_idle(&mut self, w: &mut World, host: HostId, epoch: u32) {
        let i = host as usize;
        if epoch != self.epoch[i] {
            return;
        }
        let Some((why, action)) = self.idle[i].take() else { return };
        let h = w.pool.host(host);
        let active = h
            .sessions
            .iter()
            .any(|&s| w.pool.session(s).is_some_and(|s| s.state == SessionState::Active));
        if active || h.status != HostStatus::Available || self.booting[i] {
            return;
        }
        let phase = self.plan.phase_at(w.now).rules.phase.name();
        let detail = format!("{phase}: {}", why.name());
        let measuring = w.recorder.measuring();
        match action {
            IdleAction::Deallocate => {
                let ended = w.force_logoff_all(host, "deallocated");
                w.pool.set_status(host, HostStatus::Shutdown);
                self.ended_sessions += if measuring { ended.len() as u64 } else { 0 };
                w.trace("scale_deallocate", Some(host), None, &detail);
            }
            IdleAction::Hibernate => {
                w.pool.set_status(host, HostStatus::Hibernated);
                w.trace("scale_hibernate", Some(host), None, &detail);
            }
            IdleAction::None => return,
        }
        self.stopped += u64::from(measuring);
    }

    /// A phase starts: it is traced, the next is scheduled, and ramp-up starts the hosts its
    /// `auto_start_hosts` names.
    pub fn phase_change(&mut self, w: &mut World, q: &mut Queue) {
        let at = self.plan.phase_at(w.now);
        w.trace("scaling_phase", None, None, at.rules.phase.name());
        if let Some(next) = at.ends {
            q.schedule(next, Event::Personal(PersonalEvent::PhaseChange));
        }
        for h in 0..w.pool.hosts().len() as HostId {
            let host = w.pool.host(h);
            if !host.drain && auto_starts(at.rules.auto_start, host.owned) {
                self.start(w, q, h, "ramp_up: auto-start");
            }
        }
    }

    /// The plan's counts: starts (boots and resumes), stops (deallocations and hibernations),
    /// and the disconnected sessions deallocations ended.
    pub fn finish(&self, m: &mut MetricValues) {
        let count = |v: u64| Some(v as f64);
        m.set(Metric::HostsStarted, count(self.started));
        m.set(Metric::HostsStopped, count(self.stopped));
        m.set(Metric::ForcedLogoffsScaling, count(self.ended_sessions));
    }
}
