//! The personal login path: personal host pools and RDS personal session collections.
//!
//! Rules (MODEL.md "Personal pools"; seeds 000 and 001):
//! - A user who owns a host goes to it (with several desktops: the one `desktop_choice` picks).
//! - A user without a host, in a pool that assigns automatically, is load-balanced to an
//!   *unassigned* available host, which becomes theirs; none → `no_unassigned_host`.
//! - A user without a host in a pool that does not assign automatically (direct assignment, or
//!   an RDS collection without `auto_assign_user`) → `no_resources_available`.
//! - The owner's host down, drained, or stopped without Start VM on Connect →
//!   `host_unavailable`. With Start VM on Connect a stopped host boots and the login waits.
//! - Unassign and reassign log the former owner's session off (see README: one user per host,
//!   and the service asks for `force` and warns before it unassigns).
//!
//! The session limit of a personal host is one: its owner's session. Only owners' sessions
//! ever sit on a personal host, because a host is assigned before its first session opens and
//! unassigning it ends the session.

use super::assignment::{AssignError, Assignments};
use super::host::{HostId, HostStatus};
use super::pool::Pool;
use super::population::{Population, user_id};
use super::session::UserId;
use super::sim::Event;
use super::workload::Sampler;
use crate::engine::rng::SimRng;
use crate::engine::{EventQueue, SimTime};
use crate::metrics::recorder::{FailureReason, Recorder};
use crate::metrics::trace::TraceRecord;
use crate::scenario::{ActionSpec, AssignmentSpec, DesktopChoice, PersonalMode, Scenario};
use rand::RngExt;

/// The personal pool's own events, wrapped in [`Event::Personal`].
#[derive(Debug, Clone, Copy)]
pub enum PersonalEvent {
    /// A stopped host finished booting.
    BootDone {
        /// The host.
        host: HostId,
    },
    /// Stop the host if it has been idle for `stop_when_idle`.
    StopIfIdle {
        /// The host.
        host: HostId,
    },
}

/// Where a personal login goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routed {
    /// A session can open on this host now.
    Now(HostId),
    /// The host is booting (Start VM on Connect); the login completes at [`PersonalEvent::BootDone`].
    Booting(HostId),
}

/// The parts of the simulation a personal handler works on (disjoint borrows of the sim).
pub struct Ctx<'a> {
    /// The pool.
    pub pool: &'a mut Pool,
    /// Who is online.
    pub users: &'a mut Population,
    /// Measurements.
    pub recorder: &'a mut Recorder,
    /// The event queue.
    pub queue: &'a mut EventQueue<Event>,
    /// The load balancer's random stream (automatic assignment).
    pub rng_balancer: &'a mut SimRng,
    /// The current time.
    pub now: SimTime,
}

impl Ctx<'_> {
    fn trace(&mut self, kind: &'static str, host: HostId, user: Option<UserId>, detail: &str) {
        if !self.recorder.tracing() {
            return;
        }
        let record = TraceRecord {
            time: self.now,
            kind,
            host: Some(self.pool.host(host).name.clone()),
            user: user.map(|u| self.users.name(u)),
            detail: detail.to_string(),
        };
        self.recorder.trace(record);
    }

    fn fail_login(&mut self, user: UserId, host: HostId, reason: FailureReason) {
        self.recorder.login_failed(reason);
        self.users.set_offline(user);
        self.trace("login_failed", host, Some(user), reason.name());
    }
}

/// The personal state of one replication.
pub struct Personal {
    mode: PersonalMode,
    assignments: Assignments,
    boot_time: Sampler,
    /// Per host: the user waiting for it to boot, and since when.
    waiting: Vec<Option<(UserId, SimTime)>>,
    /// Per host: a boot is under way.
    booting: Vec<bool>,
    /// Per host: when it last became idle (no session).
    idle_since: Vec<SimTime>,
    rng_choice: SimRng,
    rng_boot: SimRng,
}

impl Personal {
    /// The personal state of a validated scenario (`None` for a pooled pool): initial
    /// assignments applied, hosts stopped if asked, idle stops scheduled.
    pub fn new(
        scenario: &Scenario,
        pool: &mut Pool,
        rngs: (SimRng, SimRng),
        queue: &mut EventQueue<Event>,
    ) -> Option<Self> {
        let p = &scenario.pool;
        let mode = p.personal_mode()?;
        let (initially_stopped, stop_when_idle) = (mode.initially_stopped, mode.stop_when_idle);
        let hosts = pool.hosts().len();
        let users = scenario.workload.users.unwrap_or(0).clamp(0, u32::MAX as i64) as u32;
        let mut me = Self {
            assignments: Assignments::new(hosts as u32, mode.multiple_desktops),
            mode,
            boot_time: Sampler::new(&p.boot_time_dist()),
            waiting: vec![None; hosts],
            booting: vec![false; hosts],
            idle_since: vec![0; hosts],
            rng_choice: rngs.0,
            rng_boot: rngs.1,
        };
        for (_, a) in p.initial_assignments() {
            let (Some(h), Some(u)) = (pool.host_by_name(&a.host), user_id(&a.user, users)) else {
                continue;
            };
            if me.assignments.assign(h, u).is_ok() {
                pool.update_host(h, |host| host.owned = true);
                me.assignments.set_friendly_name(h, a.friendly_name.clone());
            }
        }
        for h in 0..hosts as HostId {
            if initially_stopped {
                pool.set_status(h, HostStatus::Shutdown);
            } else if let Some(d) = stop_when_idle {
                queue.schedule(d.0, Event::Personal(PersonalEvent::StopIfIdle { host: h }));
            }
        }
        Some(me)
    }

    /// Hosts added to the pool since (`add_hosts`) join unassigned, so automatic assignment
    /// can hand them out once they are Available.
    fn sync_hosts(&mut self, pool: &Pool) {
        let n = pool.hosts().len();
        if n > self.waiting.len() {
            self.waiting.resize(n, None);
            self.booting.resize(n, false);
            self.idle_since.resize(n, 0);
            self.assignments.grow(n as u32);
        }
    }

    /// The assignment table.
    pub fn assignments(&self) -> &Assignments {
        &self.assignments
    }

    /// Routes a login of `user` (who has no session): to their host, to a newly assigned one,
    /// to a booting one, or to a failure reason.
    pub fn route(&mut self, ctx: &mut Ctx, user: UserId) -> Result<Routed, FailureReason> {
        self.sync_hosts(ctx.pool);
        let host = match self.choose_desktop(ctx.pool, user) {
            Some(h) => h,
            None if !self.mode.auto_assign => return Err(FailureReason::NoResourcesAvailable),
            None => {
                let h = self.pick_unassigned(ctx).ok_or(FailureReason::NoUnassignedHost)?;
                self.assign(ctx, h, user, "automatic");
                h
            }
        };
        self.connect(ctx, host, user)
    }

    /// The desktop a user connects to, if they own any.
    fn choose_desktop(&mut self, pool: &Pool, user: UserId) -> Option<HostId> {
        let hosts = self.assignments.hosts_of(user);
        match (hosts.len(), &self.mode.desktop_choice) {
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
    fn pick_unassigned(&self, ctx: &mut Ctx) -> Option<HostId> {
        if let Some(h) = ctx.pool.pick_host(ctx.rng_balancer) {
            return Some(h);
        }
        if !self.mode.start_vm_on_connect {
            return None;
        }
        let pool = &*ctx.pool;
        self.assignments.unassigned_hosts().find(|&h| self.can_boot(pool.host(h)))
    }

    fn can_boot(&self, h: &super::host::Host) -> bool {
        self.mode.start_vm_on_connect && h.status == HostStatus::Shutdown && !h.drain
    }

    fn assign(&mut self, ctx: &mut Ctx, host: HostId, user: UserId, how: &str) {
        if self.assignments.assign(host, user).is_ok() {
            ctx.pool.update_host(host, |h| h.owned = true);
            let detail = if self.mode.grant_admin_privilege {
                format!("{how} admin")
            } else {
                how.to_string()
            };
            ctx.trace("assign", host, Some(user), &detail);
        }
    }

    /// The user goes to `host`: a session now, a boot (Start VM on Connect), or a failure.
    fn connect(
        &mut self,
        ctx: &mut Ctx,
        host: HostId,
        user: UserId,
    ) -> Result<Routed, FailureReason> {
        let h = ctx.pool.host(host);
        if h.open_for_new_sessions() && h.session_count() < ctx.pool.limit() {
            return Ok(Routed::Now(host));
        }
        if !self.can_boot(h) || self.waiting[host as usize].is_some() {
            return Err(FailureReason::HostUnavailable);
        }
        self.waiting[host as usize] = Some((user, ctx.now));
        ctx.users.set_online(user);
        if !self.booting[host as usize] {
            self.booting[host as usize] = true;
            let boot = self.boot_time.sample(ctx.now, &mut self.rng_boot);
            let at = ctx.now.saturating_add(boot);
            ctx.queue.schedule(at, Event::Personal(PersonalEvent::BootDone { host }));
        }
        ctx.trace("boot_wait", host, Some(user), "");
        Ok(Routed::Booting(host))
    }

    /// Handles a personal event; returns a login to complete (host, user) when a boot ends
    /// with its owner still waiting.
    pub fn on_event(&mut self, ctx: &mut Ctx, event: PersonalEvent) -> Option<(HostId, UserId)> {
        match event {
            PersonalEvent::BootDone { host } => self.on_boot_done(ctx, host),
            PersonalEvent::StopIfIdle { host } => {
                self.stop_if_idle(ctx, host);
                None
            }
        }
    }

    fn on_boot_done(&mut self, ctx: &mut Ctx, host: HostId) -> Option<(HostId, UserId)> {
        self.booting[host as usize] = false;
        if ctx.pool.host(host).status == HostStatus::Shutdown {
            ctx.pool.set_status(host, HostStatus::Available);
        }
        ctx.trace("boot_done", host, None, "");
        let Some((user, since)) = self.waiting[host as usize].take() else {
            self.became_idle(ctx, host);
            return None;
        };
        ctx.recorder.login_waited(ctx.now - since);
        let h = ctx.pool.host(host);
        let room = h.open_for_new_sessions() && h.session_count() < ctx.pool.limit();
        if self.assignments.owner(host) == Some(user) && room {
            return Some((host, user));
        }
        ctx.fail_login(user, host, FailureReason::HostUnavailable);
        self.became_idle(ctx, host);
        None
    }

    fn stop_if_idle(&mut self, ctx: &mut Ctx, host: HostId) {
        let Some(after) = self.mode.stop_when_idle else { return };
        let h = ctx.pool.host(host);
        let idle = h.sessions.is_empty()
            && !self.booting[host as usize]
            && self.waiting[host as usize].is_none()
            && ctx.now >= self.idle_since[host as usize].saturating_add(after.0);
        if idle && h.status == HostStatus::Available {
            ctx.pool.set_status(host, HostStatus::Shutdown);
            ctx.trace("stop", host, None, "idle");
        }
    }

    /// Notes that `host` has no session from now; with `stop_when_idle`, schedules the stop.
    fn became_idle(&mut self, ctx: &mut Ctx, host: HostId) {
        let Some(after) = self.mode.stop_when_idle else { return };
        if !ctx.pool.host(host).sessions.is_empty() {
            return;
        }
        self.idle_since[host as usize] = ctx.now;
        let at = ctx.now.saturating_add(after.0);
        ctx.queue.schedule(at, Event::Personal(PersonalEvent::StopIfIdle { host }));
    }

    /// A session on `host` ended (log-off).
    pub fn session_closed(&mut self, ctx: &mut Ctx, host: HostId) {
        self.sync_hosts(ctx.pool);
        self.became_idle(ctx, host);
    }

    /// A scheduled assignment action on `host` (resolved by name).
    pub fn on_action(&mut self, ctx: &mut Ctx, action: &ActionSpec, host: Option<HostId>) {
        let n = ctx.users.size().unwrap_or(0);
        match (action, host) {
            (ActionSpec::Assign { user, .. }, Some(h)) => {
                let Some(u) = user_id(user, n) else { return };
                match self.assignments.can_assign(h, u) {
                    Ok(()) => self.assign(ctx, h, u, "direct"),
                    Err(e) => self.refuse(ctx, h, u, e),
                }
            }
            (ActionSpec::Unassign { .. }, Some(h)) => self.unassign(ctx, h, "unassigned"),
            (ActionSpec::Reassign { user, .. }, Some(h)) => {
                let Some(u) = user_id(user, n) else { return };
                if self.assignments.owner(h) == Some(u) {
                    return;
                }
                let multiple = self.assignments.multiple_desktops();
                if let Some(&other) = self.assignments.hosts_of(u).first()
                    && !multiple
                {
                    return self.refuse(ctx, h, u, AssignError::UserHasHost(other));
                }
                self.unassign(ctx, h, "reassigned");
                self.assign(ctx, h, u, "reassign");
            }
            (ActionSpec::MultipleDesktops { enabled: true, .. }, _) => {
                self.assignments.enable_multiple_desktops();
            }
            _ => {}
        }
    }

    fn refuse(&mut self, ctx: &mut Ctx, host: HostId, user: UserId, why: AssignError) {
        ctx.recorder.assignment_action_refused();
        ctx.trace("assignment_refused", host, Some(user), why.name());
    }

    /// Takes `host` from its owner: their session on it is logged off (a forced log-off), a
    /// login waiting for it to boot fails, and the host is free for automatic assignment.
    fn unassign(&mut self, ctx: &mut Ctx, host: HostId, why: &str) {
        let Some(former) = self.assignments.unassign(host) else { return };
        ctx.pool.update_host(host, |h| h.owned = false);
        ctx.trace("unassign", host, Some(former), why);
        for s in ctx.pool.close_all_sessions(host) {
            ctx.users.set_offline(s.user);
            ctx.recorder.forced_logoff();
            ctx.trace("forced_logoff", host, Some(s.user), why);
        }
        if let Some((user, since)) = self.waiting[host as usize].take() {
            ctx.recorder.login_waited(ctx.now - since);
            ctx.fail_login(user, host, FailureReason::NoResourcesAvailable);
        }
        self.became_idle(ctx, host);
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
