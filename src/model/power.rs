//! Power states of a pooled pool, and who changes them: an autoscale scaling plan
//! (`model/autoscale.rs`), the older scaling script (`model/scaling_script.rs`) and pooled
//! Start VM on Connect — with the host-hours and the money they cost.
//!
//! A host is running (Available, or any other allocated status), starting (billed, not
//! routable), or deallocated (`Shutdown`: not routable, only its disks billed). Stopping is
//! instantaneous here: billing ends when the deallocation starts. A deallocated host keeps its
//! configuration version.
//!
//! Rules (MODEL.md "Autoscale scaling plans", "The older scaling script", "Start VM on
//! Connect in pooled pools", "Cost"):
//! - A plan evaluates `evaluation_delay` after a sign-in or sign-out (batching a burst), at
//!   every phase start and every `check_interval`; the script runs every `interval`.
//! - After deallocating a host the scaler turns its drain mode off again.
//! - Pooled Start VM on Connect: a login that finds no host with room starts a stopped host
//!   only when no host runs or all running ones are full, at most one start per 5 minutes;
//!   the login waits for the boot (or for a host already booting, while it has room).
//!
//! Where the documents are silent (README "Autoscale and cost"): while a session host update
//! owns drain mode the scaler pauses (or, with `during_update = "scale_out_only"`, only
//! starts hosts); an admin drain on a host the scaler drained makes it the admin's.

use super::autoscale::{self, HostView, Phase, PhaseAt, Step, Why};
use super::config::{Action, ActionKind, ModelConfig, PowerConfig, Scaler};
use super::event::{Event, PowerEvent};
use super::failure::FailureReason;
use super::feature::{Feature, Routed};
use super::host::{HostId, HostStatus};
use super::lifecycle;
use super::pool::Pool;
use super::power_index::PowerIndexView;
use super::power_meter::Meter;
use super::scaling_script;
use super::session::UserId;
use super::streams;
use super::tied::Tied;
use super::world::{LoginKind, LoginRequest, Queue, World};
use crate::engine::SimTime;
use crate::engine::rng::{SimRng, stream};
use crate::engine::time::{DAY, HOUR, MINUTE, to_secs_f64};
use crate::metrics::catalog::{Metric, MetricValues};
use crate::metrics::stats::quantile;
use crate::scenario::LoadBalancer;
use crate::scenario::autoscale::{DuringUpdate, StopHostsWhen};
use rand::RngExt;
use std::collections::BTreeSet;
use std::fmt::Display;

/// Pooled Start VM on Connect starts at most one host per this long.
pub const SVOC_START_SPACING: SimTime = 5 * MINUTE;

/// The power state of one replication.
pub struct Power<'c> {
    cfg: &'c PowerConfig,
    limit: u32,
    warmup: SimTime,
    rng_boot: SimRng,
    rng_tie: SimRng,
    excluded: Vec<bool>,
    /// The hosts drained by the scaler, in host order.
    ours_list: BTreeSet<HostId>,
    /// Per host: drains so far (a force log-off names the drain it belongs to).
    drains: Vec<u32>,
    /// Per host: logins waiting for it to boot, with when they started waiting.
    waiters: Vec<Vec<(UserId, SimTime)>>,
    evaluation_pending: bool,
    /// Dynamic method: hosts being created (provisioning, not yet in the pool).
    creating: u32,
    rng_create: SimRng,
    created: u64,
    deleted: u64,
    last_svoc_start: Option<SimTime>,
    meter: Meter,
    boot_waits: Vec<SimTime>,
    starting_failures: u64,
    forced: u64,
    started: u64,
    stopped: u64,
}

impl<'c> Power<'c> {
    /// The power state of replication `replication` (`None` without `[autoscale]`, `[cost]`
    /// or pooled Start VM on Connect): hosts beyond the initial running count are
    /// deallocated before anything is recorded.
    pub fn build(cfg: &'c ModelConfig, replication: u64, pool: &mut Pool) -> Option<Self> {
        let p = cfg.power.as_ref()?;
        let hosts = pool.hosts().len();
        let mut excluded = vec![false; hosts];
        for &h in &p.excluded {
            excluded[h as usize] = true;
        }
        let initial = p.initial_running.unwrap_or_else(|| initial_running(p, hosts as u32));
        let mut running = excluded.iter().filter(|&&x| x).count() as u32;
        for h in (0..hosts).filter(|&h| !excluded[h]) {
            if running < initial {
                running += 1;
            } else {
                pool.set_status(h as HostId, HostStatus::Shutdown);
            }
        }
        let reads_active =
            matches!(&p.scaler, Some(Scaler::Plan(plan)) if plan.reads_active_sessions());
        pool.keep_power_index(reads_active);
        let rng = |src| stream(cfg.seed, replication, src);
        Some(Self {
            cfg: p,
            limit: pool.limit(),
            warmup: cfg.warmup,
            rng_boot: rng(streams::POWER_BOOT),
            rng_tie: rng(streams::SCALING_TIES),
            excluded,
            ours_list: BTreeSet::new(),
            drains: vec![0; hosts],
            waiters: vec![Vec::new(); hosts],
            evaluation_pending: false,
            creating: 0,
            rng_create: rng(streams::DYNAMIC_CREATION),
            created: 0,
            deleted: 0,
            last_svoc_start: None,
            meter: Meter::new(pool.gauges(), pool.limit()),
            boot_waits: Vec::new(),
            starting_failures: 0,
            forced: 0,
            started: 0,
            stopped: 0,
        })
    }

    /// Hosts added since (`add_hosts`) join the scaler's view.
    fn sync_hosts(&mut self, pool: &Pool) {
        let n = pool.hosts().len();
        if n > self.drains.len() {
            self.excluded.resize(n, false);
            self.drains.resize(n, 0);
            self.waiters.resize(n, Vec::new());
        }
    }

    fn plan(&self) -> Option<&'c autoscale::PlanConfig> {
        match &self.cfg.scaler {
            Some(Scaler::Plan(p)) => Some(p),
            _ => None,
        }
    }

    /// Handles a power event.
    pub fn handle(&mut self, w: &mut World, q: &mut Queue, e: PowerEvent) {
        self.sync_hosts(&w.pool);
        match e {
            PowerEvent::Evaluate => {
                self.evaluation_pending = false;
                self.evaluate(w, q);
            }
            PowerEvent::Check => {
                if let Some(p) = self.plan() {
                    q.schedule(w.now.saturating_add(p.check_interval), Event::Power(e));
                }
                self.evaluate(w, q);
            }
            PowerEvent::PhaseChange => self.phase_change(w, q),
            PowerEvent::ScriptRun => {
                if let Some(Scaler::Script(s)) = &self.cfg.scaler {
                    q.schedule(w.now.saturating_add(s.interval), Event::Power(e));
                }
                self.evaluate(w, q);
            }
            PowerEvent::BootDone { host } => self.boot_done(w, q, host),
            PowerEvent::Created => self.created(w, q),
            PowerEvent::ForceLogoff { host, drain } => self.force_logoff(w, q, host, drain),
        }
    }

    fn phase_change(&mut self, w: &mut World, q: &mut Queue) {
        let Some(p) = self.plan() else { return };
        let at = p.phase_at(w.now);
        w.pool.set_balancer(at.rules.balancer);
        let detail = format!("{} ({})", at.rules.phase.name(), balancer_name(at.rules.balancer));
        w.trace("scaling_phase", None, None, &detail);
        if let Some(next) = at.ends {
            q.schedule(next, Event::Power(PowerEvent::PhaseChange));
        }
        self.evaluate(w, q);
    }

    /// Asks for a plan evaluation `evaluation_delay` from now, unless one is pending (a burst
    /// of sign-ins is evaluated once).
    fn request_evaluation(&mut self, w: &World, q: &mut Queue) {
        let Some(p) = self.plan() else { return };
        if self.evaluation_pending {
            return;
        }
        self.evaluation_pending = true;
        q.schedule(w.now.saturating_add(p.evaluation_delay), Event::Power(PowerEvent::Evaluate));
    }

    /// Whether the scaler acts now, and whether it may drain and stop hosts.
    fn may_act(&self, w: &World) -> Option<bool> {
        if w.control.scaler_may_drain() {
            return Some(true);
        }
        match self.cfg.during_update {
            DuringUpdate::Pause => None,
            DuringUpdate::ScaleOutOnly => Some(false),
        }
    }

    /// One evaluation of the plan or one run of the script; every step is traced with its
    /// reason.
    fn evaluate(&mut self, w: &mut World, q: &mut Queue) {
        let Some(scaler) = &self.cfg.scaler else { return };
        let Some(may_shed) = self.may_act(w) else {
            return w.trace("scaling_paused", None, None, "a session host update owns drain mode");
        };
        let decisions = match scaler {
            Scaler::Plan(p) => self.plan_decisions(p, w),
            Scaler::Script(s) => {
                scaling_script::decide(s, w.now % DAY, &self.views(&w.pool), self.limit)
            }
        };
        for (step, why) in decisions {
            let sheds = matches!(step, Step::Drain { .. } | Step::Stop(_));
            if sheds && !may_shed {
                continue;
            }
            self.apply(w, q, step, &why);
        }
    }

    fn views(&self, pool: &Pool) -> Vec<HostView> {
        (0..pool.hosts().len()).map(|i| self.view(pool, i as HostId)).collect()
    }

    /// Host `id` as the scaler sees it.
    fn view(&self, pool: &Pool, id: HostId) -> HostView {
        view(&self.excluded, pool, id)
    }

    /// Whether some host might be started or taken out of drain (over-approximated: a stopped
    /// host drained by an admin counts), without a per-host scan.
    fn can_add(&self, pool: &Pool) -> bool {
        let excluded_stopped = self
            .cfg
            .excluded
            .iter()
            .filter(|&&h| pool.host(h).status == HostStatus::Shutdown)
            .count() as u64;
        !self.ours_list.is_empty() || pool.gauges().hosts_stopped > excluded_stopped
    }

    /// One evaluation of the plan: the full decision, its picks read from the pool's power
    /// index, or — when the counts say nothing can scale — only the scaler's drained hosts the
    /// index says are ready to stop.
    fn plan_decisions(&mut self, p: &autoscale::PlanConfig, w: &World) -> Vec<autoscale::Decision> {
        let at = p.phase_at(w.now);
        let host_count = w.pool.hosts().len() as u32;
        let hosts = Indexed {
            ours_list: &self.ours_list,
            excluded: &self.excluded,
            excluded_ids: &self.cfg.excluded,
            pool: &w.pool,
            index: power_index(&w.pool),
        };
        let c = autoscale::Hosts::counts(&hosts);
        let dynamic = p.creation.is_some();
        let can_add = self.can_add(&w.pool);
        if !dynamic && autoscale::quiet(&at.rules, &c, host_count, self.limit, can_add) {
            return autoscale::stop_drained(&at.rules, &hosts);
        }
        let left = ramp_down_left(&at, w.now);
        let rng = &mut self.rng_tie;
        let mut tie = |n: usize| rng.random_range(0..n as u32) as usize;
        autoscale::decide(&at.rules, &hosts, self.limit, left, self.creating, &mut tie)
    }

    fn apply(&mut self, w: &mut World, q: &mut Queue, step: Step, why: &Why) {
        match step {
            Step::Start(h) => {
                self.start_host(w, q, h);
                trace_why(w, "scale_start", Some(h), why);
            }
            Step::Undrain(h) => {
                self.set_ours(w, h, false);
                trace_why(w, "scale_undrain", Some(h), why);
            }
            Step::Drain { host, force_after } => {
                self.set_ours(w, host, true);
                if let Some(after) = force_after {
                    let drain = self.drains[host as usize];
                    let ev = PowerEvent::ForceLogoff { host, drain };
                    q.schedule(w.now.saturating_add(after), Event::Power(ev));
                }
                if w.recorder.tracing() {
                    let detail = match force_after {
                        Some(after) => format!(
                            "{why}; users signed out after {}",
                            crate::scenario::Duration(after)
                        ),
                        None => format!("{why}; waiting for users to sign out"),
                    };
                    w.trace("scale_drain", Some(host), None, &detail);
                }
            }
            Step::Stop(h) => self.stop_host(w, h, why),
            Step::Create => self.create_host(w, q, why),
            Step::Delete(h) => self.delete_host(w, h, why),
        }
    }

    /// Dynamic method: a host is created; it registers after the provisioning time.
    fn create_host(&mut self, w: &mut World, q: &mut Queue, why: &Why) {
        let Some(c) = self.plan().and_then(|p| p.creation.as_ref()) else { return };
        self.creating += 1;
        self.created += u64::from(w.recorder.measuring());
        let t = c.provisioning.sample(w.now, &mut self.rng_create);
        q.schedule(w.now.saturating_add(t), Event::Power(PowerEvent::Created));
        trace_why(w, "scale_create", None, why);
    }

    /// A created host registers: it joins the pool (as an `add_hosts` host does), billed and
    /// not routable until its agent upgrade is over — starting, to the scaler.
    fn created(&mut self, w: &mut World, q: &mut Queue) {
        let Some(c) = self.plan().and_then(|p| p.creation.as_ref()) else { return };
        self.creating -= 1;
        let name =
            crate::scenario::names::host_name(&w.cfg.pool.name_prefix, w.pool.hosts().len() as u64);
        let host = lifecycle::join(w, name, HostStatus::Starting);
        self.sync_hosts(&w.pool);
        let t = c.agent_upgrade.sample(w.now, &mut self.rng_create);
        q.schedule(w.now.saturating_add(t), Event::Power(PowerEvent::BootDone { host }));
    }

    /// Dynamic method: an empty or deallocated host leaves the pool.
    fn delete_host(&mut self, w: &mut World, h: HostId, why: &Why) {
        let closed = w.force_logoff_all(h, "scaling");
        self.forced += if w.recorder.measuring() { closed.len() as u64 } else { 0 };
        if held(&w.pool, h) {
            self.mark_ours(&mut w.pool, h, false);
        }
        w.pool.update_host(h, |host| {
            host.drain = false;
            host.status = HostStatus::Deleted;
        });
        self.deleted += u64::from(w.recorder.measuring());
        trace_why(w, "scale_delete", Some(h), why);
    }

    /// Drains (`true`) or undrains a host on the scaler's behalf; each change is a new drain
    /// number, so a pending force log-off of an earlier drain is void.
    fn set_ours(&mut self, w: &mut World, h: HostId, on: bool) {
        self.mark_ours(&mut w.pool, h, on);
        w.pool.set_drain(h, on);
    }

    /// Notes whether the scaler holds `h` drained; any change voids a pending force log-off.
    fn mark_ours(&mut self, pool: &mut Pool, h: HostId, on: bool) {
        pool.set_scaler_held(h, on);
        self.drains[h as usize] += 1;
        if on {
            self.ours_list.insert(h);
        } else {
            self.ours_list.remove(&h);
        }
    }

    fn start_host(&mut self, w: &mut World, q: &mut Queue, h: HostId) {
        w.pool.set_status(h, HostStatus::Starting);
        self.started += u64::from(w.recorder.measuring());
        let boot = self.cfg.boot_time.sample(w.now, &mut self.rng_boot);
        q.schedule(w.now.saturating_add(boot), Event::Power(PowerEvent::BootDone { host: h }));
    }

    /// Deallocates `h`: its remaining sessions end (forced log-offs), drain mode goes off.
    fn stop_host(&mut self, w: &mut World, h: HostId, why: &dyn Display) {
        let closed = w.force_logoff_all(h, "scaling");
        if w.recorder.measuring() {
            self.forced += closed.len() as u64;
            self.stopped += 1;
        }
        if held(&w.pool, h) {
            self.mark_ours(&mut w.pool, h, false);
        }
        w.pool.update_host(h, |host| {
            host.drain = false;
            host.status = HostStatus::Shutdown;
        });
        trace_why(w, "scale_stop", Some(h), why);
    }

    fn boot_done(&mut self, w: &mut World, q: &mut Queue, h: HostId) {
        if w.pool.host(h).status == HostStatus::Starting {
            w.pool.set_status(h, HostStatus::Available);
        }
        w.trace("boot_done", Some(h), None, "");
        for (user, since) in std::mem::take(&mut self.waiters[h as usize]) {
            let waited = w.now - since;
            if w.recorder.measuring() {
                self.boot_waits.push(waited);
            }
            let host = w.pool.host(h);
            if host.open_for_new_sessions() && host.session_count() < w.pool.limit() {
                let kind = LoginKind::Fresh;
                let request = LoginRequest { user, host: Some(h), kind, reply: None, waited };
                w.request_login(request);
            } else {
                self.starting_failures += u64::from(w.recorder.measuring());
                w.fail_login(user, Some(h), FailureReason::NoCapacity);
            }
        }
        self.request_evaluation(w, q);
    }

    /// The wait of a ramp-down force log-off is over: if the drain still holds and ramp-down
    /// has not ended (MODEL.md: "if ramp-down ends before the wait is over, nobody is forced
    /// out"), remaining users are signed out and the host deallocated.
    fn force_logoff(&mut self, w: &mut World, q: &mut Queue, h: HostId, drain: u32) {
        if !held(&w.pool, h) || self.drains[h as usize] != drain {
            return;
        }
        if let Some(p) = self.plan()
            && p.phase_at(w.now).rules.phase != Phase::RampDown
        {
            return w.trace("scale_wait", Some(h), None, "ramp-down ended before the wait");
        }
        if self.may_act(w) != Some(true) {
            return;
        }
        self.stop_host(w, h, &"force log-off: the wait is over");
        self.request_evaluation(w, q);
    }

    /// Pooled Start VM on Connect for a login that found no host with room.
    fn start_on_connect(&mut self, w: &mut World, q: &mut Queue, user: UserId) -> Option<HostId> {
        let limit = w.pool.limit() as usize;
        let booting = (0..w.pool.hosts().len()).find(|&i| {
            let h = w.pool.host(i as HostId);
            h.status == HostStatus::Starting
                && !h.drain
                && h.session_count() as usize + self.waiters[i].len() < limit
        });
        let host = match booting {
            Some(i) => i as HostId,
            None => {
                let spaced = self.last_svoc_start.is_none_or(|t| w.now >= t + SVOC_START_SPACING);
                let stopped = (0..w.pool.hosts().len()).find(|&i| {
                    !self.excluded[i] && w.pool.host(i as HostId).status == HostStatus::Shutdown
                });
                let h = stopped.filter(|_| spaced)? as HostId;
                self.last_svoc_start = Some(w.now);
                self.start_host(w, q, h);
                w.trace(
                    "scale_start",
                    Some(h),
                    Some(user),
                    "start VM on connect: no host with room",
                );
                h
            }
        };
        self.waiters[host as usize].push((user, w.now));
        w.users.set_online(user);
        w.trace("boot_wait", Some(host), Some(user), "");
        Some(host)
    }
}

/// Traces a scaling step; its reason is written out only when a trace is kept.
fn trace_why(w: &mut World, kind: &'static str, host: Option<HostId>, why: &dyn Display) {
    if w.recorder.tracing() {
        w.trace(kind, host, None, &why.to_string());
    }
}

/// Host `id` as the scaler sees it (`excluded`: per host, excluded from scaling). A host
/// counts as the scaler's only while the scaler holds it and it is still drained (an update's
/// end or an admin undrains it).
fn view(excluded: &[bool], pool: &Pool, id: HostId) -> HostView {
    let (i, h) = (id as usize, pool.host(id));
    let power = match h.status {
        HostStatus::Available => autoscale::Power::Running,
        HostStatus::Starting => autoscale::Power::Starting,
        HostStatus::Shutdown => autoscale::Power::Stopped,
        HostStatus::Deleted => autoscale::Power::Deleted,
        _ => autoscale::Power::Other,
    };
    let sessions = h.session_count();
    let ours = held(pool, id) && h.drain;
    HostView {
        power,
        sessions,
        // Counted only when a phase stops hosts at zero active sessions, the one reader.
        active: sessions - power_index(pool).disconnected(id).unwrap_or(0),
        undrained: !h.drain,
        ours,
        movable: !excluded[i] && (ours || !h.drain),
    }
}

/// Whether the scaler holds host `h` drained: the power index keeps it (Power::mark_ours).
fn held(pool: &Pool, h: HostId) -> bool {
    power_index(pool).held(h)
}

/// The pool's power index, which [`Power::build`] keeps.
fn power_index(pool: &Pool) -> PowerIndexView<'_> {
    pool.power_index().expect("the power feature keeps the pool's power index")
}

/// The hosts as a plan evaluation reads them: views on demand, the picks from the pool's
/// power index and the scaler's drained hosts — no per-host scan.
struct Indexed<'a> {
    ours_list: &'a BTreeSet<HostId>,
    excluded: &'a [bool],
    /// The excluded hosts, as listed in the plan.
    excluded_ids: &'a [HostId],
    pool: &'a Pool,
    index: PowerIndexView<'a>,
}

impl autoscale::Hosts for Indexed<'_> {
    fn host_count(&self) -> usize {
        self.pool.hosts().len()
    }

    fn view(&self, i: HostId) -> HostView {
        view(self.excluded, self.pool, i)
    }

    /// Equal to `autoscale::counts` of every view: running is Available, open is running
    /// undrained or starting, on is running or starting and not drained by the scaler.
    fn counts(&self) -> autoscale::Counts {
        let g = self.pool.gauges();
        let ours_running = self.index.held_running();
        let (available, starting) = (self.index.available(), self.index.starting());
        autoscale::Counts {
            sessions: g.sessions(),
            open: self.index.open() + starting,
            on: (available + starting - ours_running) as u32,
            size: g.hosts_total as u32,
        }
    }

    fn drained(&self) -> impl Iterator<Item = HostId> + '_ {
        self.ours_list.iter().copied()
    }

    fn drained_stoppable(&self, when: StopHostsWhen) -> impl Iterator<Item = HostId> + '_ {
        self.index.held_empty(when == StopHostsWhen::ZeroActiveSessions)
    }

    fn stopped(&self) -> impl DoubleEndedIterator<Item = HostId> + '_ {
        self.index.stopped()
    }

    /// The index's open hosts (Available, not in drain mode) but the excluded ones: an
    /// undrained host is movable unless excluded.
    fn scale_in_groups(&self) -> impl Iterator<Item = Tied> + '_ {
        let rows = self.index.open_rows().filter(|(_, row)| row.iter().any(|&w| w != 0));
        rows.map(|(n, row)| {
            let mut words = row.to_vec();
            for &h in self.excluded_ids {
                if let Some(w) = words.get_mut(h as usize / 64) {
                    *w &= !(1u64 << (h % 64));
                }
            }
            Tied::from_words(n, words)
        })
    }
}

fn initial_running(p: &PowerConfig, hosts: u32) -> u32 {
    match &p.scaler {
        Some(Scaler::Plan(plan)) => autoscale::min_hosts(plan.phase_at(0).rules.min_pct, hosts),
        Some(Scaler::Script(s)) => s.min_hosts,
        None if p.start_vm_on_connect => 0,
        None => hosts,
    }
}

fn ramp_down_left(at: &PhaseAt, now: SimTime) -> Option<SimTime> {
    (at.rules.phase == Phase::RampDown).then(|| at.ends.map_or(SimTime::MAX, |e| e - now))
}

fn balancer_name(b: LoadBalancer) -> &'static str {
    match b {
        LoadBalancer::BreadthFirst => "breadth_first",
        LoadBalancer::BreadthFirstStrict => "breadth_first_strict",
        LoadBalancer::DepthFirst => "depth_first",
    }
}

impl Feature for Power<'_> {
    fn start(&mut self, w: &mut World, q: &mut Queue) {
        match &self.cfg.scaler {
            Some(Scaler::Plan(p)) => {
                q.schedule(0, Event::Power(PowerEvent::PhaseChange));
                q.schedule(p.check_interval, Event::Power(PowerEvent::Check));
            }
            Some(Scaler::Script(_)) => {
                // basicScale.ps1 sets the pool to breadth-first.
                w.pool.set_balancer(LoadBalancer::BreadthFirst);
                q.schedule(0, Event::Power(PowerEvent::ScriptRun));
            }
            None => {}
        }
    }

    /// Pooled logins: the load balancer's pick; with none, Start VM on Connect (when on), and
    /// a failure counted as `host_starting` when a host was booting.
    fn route(
        &mut self,
        w: &mut World,
        q: &mut Queue,
        user: UserId,
    ) -> Option<Result<Routed, FailureReason>> {
        if self.cfg.scaler.is_none() && !self.cfg.start_vm_on_connect {
            return None;
        }
        self.sync_hosts(&w.pool);
        if let Some(h) = w.pick_host() {
            return Some(Ok(Routed::Now(h)));
        }
        if self.cfg.start_vm_on_connect
            && let Some(h) = self.start_on_connect(w, q, user)
        {
            return Some(Ok(Routed::Booting(h)));
        }
        if w.pool.gauges().hosts_starting > 0 {
            self.starting_failures += u64::from(w.recorder.measuring());
        }
        Some(Err(FailureReason::NoCapacity))
    }

    fn session_opened(&mut self, w: &mut World, q: &mut Queue, _host: HostId) {
        self.request_evaluation(w, q);
    }

    fn session_closed(&mut self, w: &mut World, q: &mut Queue, _host: HostId) {
        self.request_evaluation(w, q);
    }

    /// An admin drain on a host the scaler drained makes the drain the admin's: the scaler
    /// neither undrains nor stops it, and a pending force log-off is void.
    fn after_action(&mut self, w: &mut World, _q: &mut Queue, a: &Action) {
        self.sync_hosts(&w.pool);
        if let (ActionKind::Drain(_), Some(h)) = (&a.kind, a.host)
            && w.control.scaler_may_drain()
            && held(&w.pool, h)
        {
            self.mark_ours(&mut w.pool, h, false);
        }
    }

    fn observe(&mut self, w: &World) {
        let changes = power_index(&w.pool).host_changes();
        self.meter.observe(w.now, self.warmup, w.pool.gauges(), &w.recorder, changes);
    }

    fn finish(&self, w: &World, m: &mut MetricValues, end: SimTime) {
        let meter = self.meter.until(end, self.warmup, w.pool.gauges(), &w.recorder);
        let count = |v: u64| Some(v as f64);
        let running = meter.running_ms as f64 / HOUR as f64;
        let stopped = meter.stopped_ms as f64 / HOUR as f64;
        m.set(Metric::HostHoursRunning, Some(running));
        m.set(Metric::HostHoursStopped, Some(stopped));
        if let Some(p) = &self.cfg.prices {
            m.set(Metric::Cost, Some(running * p.host_hour + stopped * p.stopped_host_hour));
        }
        m.set(Metric::PeakHostsRunning, count(meter.peak_running));
        m.set(Metric::MeanCapacityUsedPct, meter.mean_used_pct());
        // Starts, stops and their failures are this feature's only when it drives power (a
        // personal pool's boots and idle stops are `model/personal.rs`'s).
        if self.cfg.scaler.is_some() || self.cfg.start_vm_on_connect {
            m.set(Metric::HostsStarted, count(self.started));
            m.set(Metric::HostsStopped, count(self.stopped));
            m.set(Metric::LoginFailuresHostStarting, count(self.starting_failures));
        }
        if self.cfg.scaler.is_some() {
            m.set(Metric::ForcedLogoffsScaling, count(self.forced));
        }
        if self.plan().is_some_and(|p| p.creation.is_some()) {
            m.set(Metric::HostsCreated, count(self.created));
            m.set(Metric::HostsDeleted, count(self.deleted));
        }
        if self.cfg.start_vm_on_connect {
            let waits: Vec<f64> = self.boot_waits.iter().map(|&w| to_secs_f64(w)).collect();
            m.set(Metric::LoginWaitP95Seconds, quantile(&waits, 0.95));
            m.set(Metric::LoginsWaitedForBoot, count(self.boot_waits.len() as u64));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::autoscale::{Hosts, PhaseRules};
    use crate::model::session::{SessionId, SessionState};

    /// A pseudo-random draw below `n`.
    fn below(x: &mut u64, n: usize) -> usize {
        *x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*x >> 33) as usize % n
    }

    /// The decision over the pool's power index equals the decision over a scan of every
    /// host (the slice of views), tie draws included, for every phase, as sessions come and
    /// go and hosts start, stop, drain and are held — with excluded hosts among the open
    /// ones, which the index files like any other and scale-in must skip.
    #[test]
    fn the_indexed_decision_equals_the_scan() {
        let (n, limit) = (150, 6);
        let mut pool = Pool::new(n, "sh", limit, LoadBalancer::DepthFirst);
        pool.keep_power_index(true);
        let excluded_ids: Vec<HostId> = vec![3, 70, 140];
        let mut excluded = vec![false; n as usize];
        excluded_ids.iter().for_each(|&h| excluded[h as usize] = true);
        let mut ours = vec![false; n as usize];
        let mut ours_list = BTreeSet::new();
        let mut sessions: Vec<SessionId> = Vec::new();
        let mut x = 17u64;
        let mut compared = 0;
        for step in 0..4_000 {
            let h = below(&mut x, n as usize) as HostId;
            match below(&mut x, 12) {
                0..=4 if pool.host(h).session_count() < limit => {
                    sessions.push(pool.open_session(h, step));
                }
                5..=6 if !sessions.is_empty() => {
                    let s = sessions.swap_remove(below(&mut x, sessions.len()));
                    pool.close_session(s);
                }
                7 if !sessions.is_empty() => {
                    let s = sessions[below(&mut x, sessions.len())];
                    pool.set_session_state(s, SessionState::Disconnected);
                }
                // The scaler holds only running hosts, and lets go before stopping one.
                8 if ours[h as usize] || pool.host(h).status == HostStatus::Available => {
                    let held = !ours[h as usize];
                    ours[h as usize] = held;
                    pool.set_scaler_held(h, held);
                    pool.set_drain(h, held);
                    if held {
                        ours_list.insert(h)
                    } else {
                        ours_list.remove(&h)
                    };
                }
                9 => pool.set_drain(h, !pool.host(h).drain),
                10 if pool.host(h).session_count() == 0 && !ours[h as usize] => {
                    let to = [HostStatus::Shutdown, HostStatus::Starting, HostStatus::Available];
                    pool.set_status(h, to[below(&mut x, 3)]);
                }
                _ => {}
            }
            if step % 97 != 0 {
                continue;
            }
            let views: Vec<HostView> = (0..n).map(|i| view(&excluded, &pool, i)).collect();
            let indexed = Indexed {
                ours_list: &ours_list,
                excluded: &excluded,
                excluded_ids: &excluded_ids,
                pool: &pool,
                index: power_index(&pool),
            };
            for phase in [Phase::RampUp, Phase::Peak, Phase::RampDown, Phase::OffPeak] {
                for (min_pct, threshold_pct) in [(0, 90), (20, 60), (10, 30)] {
                    let r = PhaseRules {
                        phase,
                        balancer: LoadBalancer::DepthFirst,
                        min_pct,
                        threshold_pct,
                        force_wait: Some(30 * MINUTE),
                        stop_when: StopHostsWhen::ZeroSessions,
                        pool_size: None,
                    };
                    // Both sides draw their ties from the same sequence.
                    let tie = || {
                        let mut y = step as u64;
                        move |k: usize| below(&mut y, k)
                    };
                    let scan =
                        autoscale::decide(&r, views.as_slice(), limit, Some(HOUR), 0, &mut tie());
                    let ix = autoscale::decide(&r, &indexed, limit, Some(HOUR), 0, &mut tie());
                    assert_eq!(ix, scan, "step {step}, {phase:?}, {min_pct} %, {threshold_pct} %");
                    assert_eq!(indexed.counts(), views.as_slice().counts());
                    compared += usize::from(ix.iter().any(|d| matches!(d.0, Step::Drain { .. })));
                }
            }
        }
        assert!(compared > 20, "scale-in drained in {compared} comparisons");
    }
}
