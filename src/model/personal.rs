//! The personal login path: personal host pools and RDS personal session collections.
//!
//! Rules (MODEL.md "Personal pools"; seeds 000 and 001):
//! - A user who owns a host goes to it (with several desktops: the one `desktop_choice` picks).
//! - A user without a host, in a pool that assigns automatically, is load-balanced to an
//!   *unassigned* available host, which becomes theirs; none → `no_unassigned_host`.
//! - A user without a host in a pool that does not assign automatically (direct assignment, or
//!   an RDS collection without `auto_assign_user`) → `no_resources_available`.
//! - The owner's host down, drained, or stopped without Start VM on Connect →
//!   `host_unavailable`. With Start VM on Connect (a phase of the personal scaling plan) a
//!   stopped host boots, a hibernated one resumes, and the login waits.
//! - Unassign and reassign log the former owner's session off (see README: one user per host,
//!   and the service asks for `force` and warns before it unassigns).
//!
//! The session limit of a personal host is one: its owner's session. Only owners' sessions
//! ever sit on a personal host, because a host is assigned before its first session opens and
//! unassigning it ends the session.
//!
//! Power — boots, resumes, deallocations and hibernations — is the personal scaling plan's
//! (`model/personal_power.rs`); without a plan every host runs all the time.

use super::assignment::{AssignError, Assignments};
use super::config::{Action, ActionKind, ModelConfig, PersonalConfig};
use super::event::{Event, PersonalEvent};
use super::failure::FailureReason;
use super::feature::{Feature, Routed};
use super::host::HostId;
use super::personal_plan::Idle;
use super::personal_power::PersonalPower;
use super::pool::Pool;
use super::population::Population;
use super::session::UserId;
use super::streams;
use super::world::{LoginKind, LoginRequest, Queue, World};
use crate::engine::SimTime;
use crate::engine::rng::{SimRng, stream};
use crate::engine::time::to_secs_f64;
use crate::metrics::catalog::{Metric, MetricValues};
use crate::metrics::stats::quantile;
use crate::scenario::{AssignmentSpec, DesktopChoice};
use rand::RngExt;

/// The personal state of one replication.
pub struct Personal<'c> {
    cfg: &'c PersonalConfig,
    assignments: Assignments,
    /// Per host: the user waiting for it to boot, and since when.
    waiting: Vec<Option<(UserId, SimTime)>>,
    /// The scaling plan's power state, when the pool has a plan.
    power: Option<PersonalPower<'c>>,
    rng_choice: SimRng,
    /// Start VM on Connect waits, one per login that waited (after the warm-up).
    boot_waits: Vec<SimTime>,
    actions_refused: u64,
}

impl<'c> Personal<'c> {
    /// The personal state of replication `replication` (`None` for a pooled pool): initial
    /// assignments applied, the plan's initial hosts deallocated — the pool's starting state,
    /// so this runs before any other event is scheduled.
    pub fn build(
        cfg: &'c ModelConfig,
        replication: u64,
        pool: &mut Pool,
        q: &mut Queue,
    ) -> Option<Self> {
        let p = cfg.personal.as_ref()?;
        let hosts = pool.hosts().len();
        let rng = |src| stream(cfg.seed, replication, src);
        let mut me = Self {
            cfg: p,
            assignments: Assignments::new(hosts as u32, p.multiple_desktops),
            waiting: vec![None; hosts],
            power: None,
            rng_choice: rng(streams::DESKTOP_CHOICE),
            boot_waits: Vec::new(),
            actions_refused: 0,
        };
        for (h, u, friendly) in &p.assignments {
            if me.assignments.assign(*h, *u).is_ok() {
                pool.update_host(*h, |host| host.owned = true);
                me.assignments.set_friendly_name(*h, friendly.clone());
            }
        }
        me.power =
            p.plan.as_ref().map(|plan| PersonalPower::build(plan, cfg.seed, replication, pool, q));
        Some(me)
    }

    /// Hosts added to the pool since (`add_hosts`) join unassigned, so automatic assignment
    /// can hand them out once they are Available.
    fn sync_hosts(&mut self, pool: &Pool) {
        let n = pool.hosts().len();
        if n > self.waiting.len() {
            self.waiting.resize(n, None);
            self.assignments.grow(n as u32);
        }
        if let Some(power) = &mut self.power {
            power.sync_hosts(n);
        }
    }

    /// The assignment table.
    pub fn assignments(&self) -> &Assignments {
        &self.assignments
    }

    /// The desktop a user connects to, if they own any.
    fn choose_desktop(&mut self, pool: &Pool, user: UserId) -> Option<HostId> {
        let hosts = self.assignments.hosts_of(user);
        match (hosts.len(), &self.cfg.desktop_choice) {
            (0, _) => None,
            (1, _) | (_, DesktopChoice::First) => Some(hosts[0]),
            (n, DesktopChoice::Prefer(name)) => {
                let named = |&h: &HostId| {
                    pool.host(h).name == *name
                        || self.assignments.friendly_name(h) == Some(name.as_str())
                };
                hosts
                    .iter()
                    .copied()
                    .find(named)
                    .or_else(|| Some(hosts[self.rng_choice.random_range(0..n as u32) as usize]))
            }
            (n, DesktopChoice::Random) => {
                Some(hosts[self.rng_choice.random_range(0..n as u32) as usize])
            }
        }
    }

    /// Automatic assignment: the load balancer over unassigned available hosts (owned hosts
    /// are never candidates); failing that, with Start VM on Connect, the first stopped
    /// unassigned host in host order.
    fn pick_unassigned(&self, w: &mut World) -> Option<HostId> {
        if let Some(h) = w.pick_host() {
            return Some(h);
        }
        let power = self.power.as_ref()?;
        self.assignments.unassigned_hosts().find(|&h| power.may_start(w, h))
    }

    fn assign(&mut self, w: &mut World, host: HostId, user: UserId, how: &str) {
        if self.assignments.assign(host, user).is_ok() {
            w.pool.update_host(host, |h| h.owned = true);
            let detail = if self.cfg.grant_admin_privilege {
                format!("{how} admin")
            } else {
                how.to_string()
            };
            w.trace("assign", Some(host), Some(user), &detail);
        }
    }

    /// The user goes to `host`: a session now, a boot (Start VM on Connect), or a failure.
    fn connect(
        &mut self,
        w: &mut World,
        q: &mut Queue,
        host: HostId,
        user: UserId,
    ) -> Result<Routed, FailureReason> {
        let h = w.pool.host(host);
        if h.open_for_new_sessions() && h.session_count() < w.pool.limit() {
            return Ok(Routed::Now(host));
        }
        let Some(power) = self.power.as_mut() else {
            return Err(FailureReason::HostUnavailable);
        };
        if !power.may_wait_for(w, host) || self.waiting[host as usize].is_some() {
            return Err(FailureReason::HostUnavailable);
        }
        self.waiting[host as usize] = Some((user, w.now));
        w.users.set_online(user);
        power.start(w, q, host, "start VM on connect");
        w.trace("boot_wait", Some(host), Some(user), "");
        Ok(Routed::Booting(host))
    }

    /// Handles a personal event.
    pub fn handle(&mut self, w: &mut World, q: &mut Queue, event: PersonalEvent) {
        self.sync_hosts(&w.pool);
        let Some(power) = self.power.as_mut() else { return };
        match event {
            PersonalEvent::BootDone { host } => {
                power.boot_done(w, host);
                self.on_boot_done(w, q, host);
            }
            PersonalEvent::Idle { host, epoch } => power.on_idle(w, host, epoch),
            PersonalEvent::PhaseChange => power.phase_change(w, q),
        }
    }

    /// A boot ended: the owner still waiting gets their session (through the model's login
    /// path), or the login fails.
    fn on_boot_done(&mut self, w: &mut World, q: &mut Queue, host: HostId) {
        w.trace("boot_done", Some(host), None, "");
        let Some((user, since)) = self.waiting[host as usize].take() else {
            return self.became_idle(w, q, host, Idle::Unused);
        };
        self.login_waited(w, w.now - since);
        let h = w.pool.host(host);
        let room = h.open_for_new_sessions() && h.session_count() < w.pool.limit();
        if self.assignments.owner(host) == Some(user) && room {
            let kind = LoginKind::Fresh;
            return w.request_login(LoginRequest { user, host: Some(host), kind, reply: None });
        }
        w.fail_login(user, Some(host), FailureReason::HostUnavailable);
        self.became_idle(w, q, host, Idle::Unused);
    }

    /// Counts a login that waited `wait` for its host to boot (then succeeded or failed).
    fn login_waited(&mut self, w: &World, wait: SimTime) {
        if w.recorder.measuring() {
            self.boot_waits.push(wait);
        }
    }

    /// Notes that `host` became idle for `why` (a log-off leaves it empty): the plan's wait
    /// begins.
    fn became_idle(&mut self, w: &World, q: &mut Queue, host: HostId, why: Idle) {
        let Some(power) = &mut self.power else { return };
        if why != Idle::Disconnected && !w.pool.host(host).sessions.is_empty() {
            return;
        }
        power.became_idle(w, q, host, why);
    }

    fn refuse(&mut self, w: &mut World, host: HostId, user: UserId, why: AssignError) {
        self.actions_refused += u64::from(w.recorder.measuring());
        w.trace("assignment_refused", Some(host), Some(user), why.name());
    }

    /// Takes `host` from its owner: their session on it is logged off (a forced log-off), a
    /// login waiting for it to boot fails, and the host is free for automatic assignment.
    fn unassign(&mut self, w: &mut World, q: &mut Queue, host: HostId, why: &str) {
        let Some(former) = self.assignments.unassign(host) else { return };
        w.pool.update_host(host, |h| h.owned = false);
        w.trace("unassign", Some(host), Some(former), why);
        w.force_logoff_all(host, why);
        if let Some((user, since)) = self.waiting[host as usize].take() {
            self.login_waited(w, w.now - since);
            w.fail_login(user, Some(host), FailureReason::NoResourcesAvailable);
        }
        self.became_idle(w, q, host, Idle::LoggedOff);
    }

    /// The final assignments, in host order, with names.
    pub fn rows(&self, pool: &Pool, users: &Population) -> Vec<AssignmentSpec> {
        self.assignments
            .iter()
            .map(|(h, u)| AssignmentSpec {
                user: users.name(u),
                host: pool.host(h).name.clone(),
                friendly_name: self.assignments.friendly_name(h).map(str::to_string),
            })
            .collect()
    }
}

impl Feature for Personal<'_> {
    /// Routes a login of `user` (who has no session): to their host, to a newly assigned one,
    /// to a booting one, or to a failure reason.
    fn route(
        &mut self,
        w: &mut World,
        q: &mut Queue,
        user: UserId,
    ) -> Option<Result<Routed, FailureReason>> {
        self.sync_hosts(&w.pool);
        let host = match self.choose_desktop(&w.pool, user) {
            Some(h) => h,
            None if !self.cfg.auto_assign => return Some(Err(FailureReason::NoResourcesAvailable)),
            None => {
                let Some(h) = self.pick_unassigned(w) else {
                    return Some(Err(FailureReason::NoUnassignedHost));
                };
                self.assign(w, h, user, "automatic");
                h
            }
        };
        Some(self.connect(w, q, host, user))
    }

    fn start(&mut self, _w: &mut World, q: &mut Queue) {
        if self.power.is_some() {
            q.schedule(0, Event::Personal(PersonalEvent::PhaseChange));
        }
    }

    /// A login on `host`: any wait under way there is over.
    fn session_opened(&mut self, w: &mut World, _q: &mut Queue, host: HostId) {
        self.sync_hosts(&w.pool);
        if let Some(power) = &mut self.power {
            power.void_wait(host);
        }
    }

    /// The owner disconnected from `host`: the plan's `on_disconnect` wait begins.
    fn session_disconnected(&mut self, w: &mut World, q: &mut Queue, host: HostId) {
        self.sync_hosts(&w.pool);
        self.became_idle(w, q, host, Idle::Disconnected);
    }

    /// A session on `host` ended (log-off): the plan's `on_logoff` wait begins.
    fn session_closed(&mut self, w: &mut World, q: &mut Queue, host: HostId) {
        self.sync_hosts(&w.pool);
        self.became_idle(w, q, host, Idle::LoggedOff);
    }

    /// A scheduled assignment action on `host`, after the action's record.
    fn after_action(&mut self, w: &mut World, q: &mut Queue, a: &Action) {
        match (&a.kind, a.host) {
            (ActionKind::Assign { user: Some(u) }, Some(h)) => {
                match self.assignments.can_assign(h, *u) {
                    Ok(()) => self.assign(w, h, *u, "direct"),
                    Err(e) => self.refuse(w, h, *u, e),
                }
            }
            (ActionKind::Unassign, Some(h)) => self.unassign(w, q, h, "unassigned"),
            (ActionKind::Reassign { user: Some(u) }, Some(h)) => {
                let u = *u;
                if self.assignments.owner(h) == Some(u) {
                    return;
                }
                let multiple = self.assignments.multiple_desktops();
                if let Some(&other) = self.assignments.hosts_of(u).first()
                    && !multiple
                {
                    return self.refuse(w, h, u, AssignError::UserHasHost(other));
                }
                self.unassign(w, q, h, "reassigned");
                self.assign(w, h, u, "reassign");
            }
            (ActionKind::MultipleDesktops { enabled: true }, _) => {
                self.assignments.enable_multiple_desktops();
            }
            _ => {}
        }
    }

    fn finish(&self, _w: &World, m: &mut MetricValues, _end: SimTime) {
        let waits: Vec<f64> = self.boot_waits.iter().map(|&w| to_secs_f64(w)).collect();
        let count = |v: u64| Some(v as f64);
        m.set(Metric::LoginWaitP95Seconds, quantile(&waits, 0.95));
        m.set(Metric::LoginsWaitedForBoot, count(self.boot_waits.len() as u64));
        m.set(Metric::AssignmentActionsRefused, count(self.actions_refused));
        m.set(Metric::HostsAssigned, count(self.assignments.assigned_hosts()));
        if let Some(power) = &self.power {
            power.finish(m);
        }
    }
}
