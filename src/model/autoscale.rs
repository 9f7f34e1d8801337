//! The pooled scaling plan (power management): which phase holds at an instant, and what one
//! evaluation decides — as pure functions of the plan, the hosts and the sessions, so each rule
//! of MODEL.md "Autoscale scaling plans" is tested on its own.
//!
//! - Schedules cover weekdays; each has ramp-up, peak, ramp-down and off-peak starting at a
//!   time of day. Days in no schedule keep the last off-peak until the next ramp-up.
//! - Minimum hosts = ⌈min % × all hosts⌉ (excluded hosts count in "all").
//! - Used capacity = sessions ÷ (limit × hosts open for new sessions); scale out while it is
//!   strictly above the threshold or fewer hosts than the minimum are on.
//! - Scale in (never in ramp-up) while used capacity is below the threshold and one host less
//!   would not push it above, never below the minimum: an empty host stops, a host with users
//!   is drained (in ramp-down with force log-off: users are signed out after the wait, unless
//!   ramp-down ends first).
//!
//! The feature that applies the decisions is `model/power.rs`.

use super::host::HostId;
use super::tied::Tied;
use super::workload::Sampler;
use crate::engine::SimTime;
use crate::engine::time::DAY;
use crate::scenario::LoadBalancer;
use crate::scenario::autoscale::StopHostsWhen;

/// A phase of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Hosts start for the morning; no scale-in.
    RampUp,
    /// Busy hours; ramp-up's threshold.
    Peak,
    /// Hosts are shed; the only phase that may force users off.
    RampDown,
    /// Quiet hours; ramp-down's threshold.
    OffPeak,
}

impl Phase {
    /// The four phases in their daily order.
    pub const ALL: [Phase; 4] = [Phase::RampUp, Phase::Peak, Phase::RampDown, Phase::OffPeak];

    /// Name in traces and `timeseries.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::RampUp => "ramp_up",
            Phase::Peak => "peak",
            Phase::RampDown => "ramp_down",
            Phase::OffPeak => "off_peak",
        }
    }
}

/// What one phase asks of the pool, with the inherited values filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseRules {
    /// Which phase.
    pub phase: Phase,
    /// Load balancing while it holds.
    pub balancer: LoadBalancer,
    /// Minimum percentage of all hosts on (0–100).
    pub min_pct: u32,
    /// Capacity threshold (1–100 %).
    pub threshold_pct: u32,
    /// Ramp-down with force log-off: the wait before users are signed out.
    pub force_wait: Option<SimTime>,
    /// When a drained host without force log-off is stopped.
    pub stop_when: StopHostsWhen,
    /// Dynamic method: the pool's minimum and maximum size (`None`: power management only).
    pub pool_size: Option<(u32, u32)>,
}

/// One schedule: its phases in order and when each starts within the day. `R` is what a
/// phase asks: a pooled plan's [`PhaseRules`] or a personal plan's rules
/// (`model/personal_plan.rs`).
#[derive(Debug, Clone)]
pub struct Schedule<R = PhaseRules> {
    /// Its name, for traces.
    pub name: String,
    /// Weekdays it covers (bit 0 = Monday).
    pub days: u8,
    /// Phase start times within the day, in phase order.
    pub starts: [SimTime; 4],
    /// The rules of each phase, in phase order.
    pub rules: [R; 4],
}

/// A scaling plan: its schedules and how it evaluates.
pub struct PlanConfig {
    /// The schedules (no day in two of them).
    pub schedules: Vec<Schedule>,
    /// Session events are batched this long before an evaluation.
    pub evaluation_delay: SimTime,
    /// The periodic check.
    pub check_interval: SimTime,
    /// Dynamic method: how a created host comes up (`None`: power management only).
    pub creation: Option<Creation>,
}

/// How a host dynamic autoscaling creates comes up: the times `add_hosts` deployments take.
pub struct Creation {
    /// From creation to registration.
    pub provisioning: Sampler,
    /// From registration to Available (the agent upgrade).
    pub agent_upgrade: Sampler,
}

/// The phase holding at an instant and when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseAt<R = PhaseRules> {
    /// The rules in force.
    pub rules: R,
    /// When the next phase starts (`None`: never, within a week).
    pub ends: Option<SimTime>,
}

impl PlanConfig {
    /// Whether some phase stops hosts at zero *active* sessions: the only rule that reads
    /// how many of a host's sessions are disconnected.
    pub fn reads_active_sessions(&self) -> bool {
        let mut rules = self.schedules.iter().flat_map(|s| &s.rules);
        rules.any(|r| r.stop_when == StopHostsWhen::ZeroActiveSessions)
    }

    /// The phase at `t` (see [`phase_at`]).
    pub fn phase_at(&self, t: SimTime) -> PhaseAt {
        phase_at(&self.schedules, t)
    }

    /// The first phase start after `t` (see [`next_change`]).
    pub fn next_change(&self, t: SimTime) -> Option<SimTime> {
        next_change(&self.schedules, t)
    }
}

fn schedule_of<R>(schedules: &[Schedule<R>], day: u64) -> Option<&Schedule<R>> {
    let bit = 1u8 << (day % 7);
    schedules.iter().find(|s| s.days & bit != 0)
}

/// The phase of `schedules` (at least one) at `t` (the run starts on a Monday at 00:00).
/// Before a day's ramp-up, and on days without a schedule, the off-peak of the last scheduled
/// day holds (MODEL.md: "Friday off-peak lasts to Monday's ramp-up").
pub fn phase_at<R: Copy>(schedules: &[Schedule<R>], t: SimTime) -> PhaseAt<R> {
    let day = t / DAY;
    let ends = next_change(schedules, t);
    if let Some(s) = schedule_of(schedules, day) {
        let tod = t % DAY;
        if let Some(i) = (0..4).rev().find(|&i| s.starts[i] <= tod) {
            return PhaseAt { rules: s.rules[i], ends };
        }
    }
    // Walk back (cyclically over the week) to the last day with a schedule.
    let last = (1..=7).find_map(|back| schedule_of(schedules, day + 7 * 2 - back));
    let s = last.unwrap_or(&schedules[0]);
    PhaseAt { rules: s.rules[3], ends }
}

/// The first phase start of `schedules` after `t`, within eight days.
pub fn next_change<R>(schedules: &[Schedule<R>], t: SimTime) -> Option<SimTime> {
    let day = t / DAY;
    (day..day + 8).find_map(|d| {
        let s = schedule_of(schedules, d)?;
        s.starts.iter().map(|&st| d * DAY + st).find(|&at| at > t)
    })
}

/// A host as an evaluation sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostView {
    /// Power state.
    pub power: Power,
    /// Sessions (active + disconnected).
    pub sessions: u32,
    /// Active sessions.
    pub active: u32,
    /// Not in drain mode.
    pub undrained: bool,
    /// Drained by the scaler (so the scaler may undrain or stop it).
    pub ours: bool,
    /// The scaler may start, stop or drain it (not excluded, not drained by an admin).
    pub movable: bool,
}

/// A host's power state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// Running and healthy.
    Running,
    /// Powering on.
    Starting,
    /// Deallocated.
    Stopped,
    /// Neither (updating, unavailable): the scaler leaves it alone.
    Other,
    /// Deleted (dynamic method): not in the pool any more.
    Deleted,
}

/// One step an evaluation takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Power a stopped host on.
    Start(HostId),
    /// Take a host the scaler drained out of drain mode.
    Undrain(HostId),
    /// Drain a host and wait for its users to leave; `force_after`: sign them out after this.
    Drain { host: HostId, force_after: Option<SimTime> },
    /// Deallocate a host (its remaining sessions are ended).
    Stop(HostId),
    /// Dynamic method: create a host (it provisions, registers, upgrades its agent).
    Create,
    /// Dynamic method: delete an empty or deallocated host.
    Delete(HostId),
}

/// A step and why it was taken (the trace's detail).
pub type Decision = (Step, Why);

/// Why a step was taken, with the numbers that decided it: the trace's detail, written out
/// only when a trace is kept (an evaluation of a large pool takes thousands of steps a day).
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// Scale-out: `sessions` on `open` hosts of `limit` use more than the threshold.
    Over { phase: Phase, sessions: u64, open: u64, limit: u32, threshold_pct: u32 },
    /// Scale-out: `on` hosts are fewer than the phase's minimum.
    BelowMinimum { phase: Phase, on: u32, min: u32, min_pct: u32 },
    /// A drained host's users have left (or, by `stop_when`, are all disconnected).
    DrainedEmpty { phase: Phase, stop_when: StopHostsWhen },
    /// Scale-in: used capacity below the threshold, also on the `open` hosts left.
    Under { phase: Phase, sessions: u64, open: u64, limit: u32, threshold_pct: u32 },
    /// Dynamic method: the pool (`size` hosts) is above its minimum size.
    AboveMinimumSize { phase: Phase, size: u32, min_size: u32 },
    /// A reason already written out (the scaling script's).
    Text(String),
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::Over { phase, sessions, open, limit, threshold_pct } => write!(
                f,
                "{}: used capacity {:.1}% > threshold {threshold_pct}% ({sessions} sessions, {open} hosts open)",
                phase.name(),
                used_pct(*sessions, *open, *limit),
            ),
            Why::BelowMinimum { phase, on, min, min_pct } => {
                write!(f, "{}: {on} hosts on < minimum {min} ({min_pct}%)", phase.name())
            }
            Why::DrainedEmpty { phase, stop_when } => {
                let what = match stop_when {
                    StopHostsWhen::ZeroSessions => "sessions",
                    StopHostsWhen::ZeroActiveSessions => "active sessions",
                };
                write!(f, "{}: drained host has no {what}", phase.name())
            }
            Why::Under { phase, sessions, open, limit, threshold_pct } => write!(
                f,
                "{}: used capacity {:.1}% < threshold {threshold_pct}%, {:.1}% with one host less",
                phase.name(),
                used_pct(*sessions, open + 1, *limit),
                used_pct(*sessions, *open, *limit)
            ),
            Why::AboveMinimumSize { phase, size, min_size } => {
                write!(f, "{}: {size} hosts > minimum pool size {min_size}", phase.name())
            }
            Why::Text(text) => f.write_str(text),
        }
    }
}

/// ⌈pct × hosts ÷ 100⌉: the minimum hosts of a phase (MODEL.md: rounded up).
pub fn min_hosts(pct: u32, hosts: u32) -> u32 {
    (u64::from(pct) * u64::from(hosts)).div_ceil(100) as u32
}

/// True when `sessions` on `open` hosts of `limit` use strictly more than `pct` % (MODEL.md:
/// "strictly greater … equality does nothing"); no open host with sessions is over.
pub fn over_threshold(sessions: u64, open: u64, limit: u32, pct: u32) -> bool {
    sessions * 100 > u64::from(pct) * u64::from(limit) * open
}

/// Used capacity in percent (0 with no open host and no session).
pub fn used_pct(sessions: u64, open: u64, limit: u32) -> f64 {
    if open == 0 {
        return if sessions == 0 { 0.0 } else { f64::INFINITY };
    }
    sessions as f64 * 100.0 / (open as f64 * f64::from(limit))
}

/// The counts an evaluation works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Sessions (active + disconnected) in the pool.
    pub sessions: u64,
    /// Hosts running and open for new sessions, or starting (capacity on its way).
    pub open: u64,
    /// Hosts running or starting and not being shed by the scaler.
    pub on: u32,
    /// Hosts in the pool, and (dynamic method) being created.
    pub size: u32,
}

/// The counts of `hosts`.
pub fn counts(hosts: &[HostView]) -> Counts {
    let mut c = Counts { sessions: 0, open: 0, on: 0, size: 0 };
    for h in hosts {
        c.size += u32::from(h.power != Power::Deleted);
        c.sessions += u64::from(h.sessions);
        let open = match h.power {
            Power::Running => h.undrained,
            Power::Starting => true,
            _ => false,
        };
        c.open += u64::from(open);
        let live = matches!(h.power, Power::Running | Power::Starting);
        c.on += u32::from(live && !h.ours);
    }
    c
}

/// True when an evaluation in phase `r` of `hosts` hosts with counts `c` can neither scale out
/// nor scale in: then only the scaler's drained hosts need a look (see [`stop_drained`]).
/// `can_add` is false only when no host could be started or taken out of drain (a pool at
/// full size). Lets a large pool skip the per-host scan at most evaluations; [`decide`]
/// checks the same conditions.
pub fn quiet(r: &PhaseRules, c: &Counts, hosts: u32, limit: u32, can_add: bool) -> bool {
    let min = min_hosts(r.min_pct, hosts);
    let wants_more = over_threshold(c.sessions, c.open, limit, r.threshold_pct) || c.on < min;
    if wants_more && can_add {
        return false;
    }
    r.phase == Phase::RampUp || !may_scale_in(r, c, limit, min)
}

/// The scale-in conditions on the counts alone (MODEL.md: below the threshold, one host less
/// not above it, never below the minimum, one host kept while anyone has a session).
fn may_scale_in(r: &PhaseRules, c: &Counts, limit: u32, min: u32) -> bool {
    let floor = u64::from(min.max(u32::from(c.sessions > 0)));
    let fewer = c.open.saturating_sub(1);
    let below = c.sessions * 100 < u64::from(r.threshold_pct) * u64::from(limit) * c.open;
    c.open > 0
        && fewer >= floor
        && c.on > min
        && below
        && !over_threshold(c.sessions, fewer, limit, r.threshold_pct)
}

/// The hosts an evaluation looks at, by the questions it asks of them: a slice of views
/// answers by scanning; the power feature answers from the pool's power index, so a large
/// pool's evaluation costs what it decides rather than the pool's size. Every answer is in
/// host order, which keeps the decisions (and the tie draws) the same either way.
pub trait Hosts {
    /// Hosts in the pool, deleted ones included.
    fn host_count(&self) -> usize;
    /// Host `i` as the scaler sees it.
    fn view(&self, i: HostId) -> HostView;
    /// The counts of every host.
    fn counts(&self) -> Counts;
    /// At least the hosts the scaler drained, in host order.
    fn drained(&self) -> impl Iterator<Item = HostId> + '_;
    /// At least the hosts the scaler drained that a plan stopping drained hosts `when` would
    /// stop (no sessions, or no active sessions), in host order.
    fn drained_stoppable(&self, when: StopHostsWhen) -> impl Iterator<Item = HostId> + '_;
    /// At least the deallocated hosts, in host order.
    fn stopped(&self) -> impl DoubleEndedIterator<Item = HostId> + '_;
    /// Exactly the hosts scale-in may drain (running, undrained, movable), a group per
    /// session count, fewest sessions first; groups may be empty.
    fn scale_in_groups(&self) -> impl Iterator<Item = Tied> + '_;
}

impl Hosts for [HostView] {
    fn host_count(&self) -> usize {
        self.len()
    }

    fn view(&self, i: HostId) -> HostView {
        self[i as usize]
    }

    fn counts(&self) -> Counts {
        counts(self)
    }

    fn drained(&self) -> impl Iterator<Item = HostId> + '_ {
        (0..self.len() as HostId).filter(|&i| self[i as usize].ours)
    }

    fn drained_stoppable(&self, _when: StopHostsWhen) -> impl Iterator<Item = HostId> + '_ {
        self.drained()
    }

    fn stopped(&self) -> impl DoubleEndedIterator<Item = HostId> + '_ {
        (0..self.len() as HostId).filter(|&i| self[i as usize].power == Power::Stopped)
    }

    fn scale_in_groups(&self) -> impl Iterator<Item = Tied> + '_ {
        let candidate = |h: &HostView| h.movable && h.undrained && h.power == Power::Running;
        let fullest = self.iter().filter(|h| candidate(h)).map(|h| h.sessions).max();
        (0..fullest.map_or(0, |n| n + 1)).map(move |n| {
            let ids = (0..self.len() as HostId).filter(|&i| self[i as usize].sessions == n);
            Tied::from_hosts(n, ids.filter(|&i| candidate(&self[i as usize])))
        })
    }
}

/// One evaluation of a scaling plan in phase `r`: the steps, each with its reason.
/// `ramp_down_left` is the time until ramp-down ends (a forced log-off is only planned if its
/// wait fits); `tie` picks among `n` equally loaded hosts (MODEL.md: ties at random).
///
/// With the dynamic method (`r.pool_size`), `creating` hosts are on their way (capacity on
/// its way, like a starting host); a host is created when one is needed and none can be
/// started, up to the maximum size; a host scale-in sheds empty is deleted rather than
/// deallocated while the pool is above its minimum size, and deallocated hosts above it are
/// deleted too; the minimum percentage applies to the minimum size (MODEL.md).
pub fn decide<H: Hosts + ?Sized>(
    r: &PhaseRules,
    hosts: &H,
    limit: u32,
    ramp_down_left: Option<SimTime>,
    creating: u32,
    tie: &mut dyn FnMut(usize) -> usize,
) -> Vec<Decision> {
    let mut c = hosts.counts();
    c.open += u64::from(creating);
    c.on += creating;
    c.size += creating;
    let min = min_hosts(r.min_pct, r.pool_size.map_or(hosts.host_count() as u32, |(min, _)| min));
    let mut out = scale_out(r, hosts, limit, min, &mut c);
    if !out.is_empty() {
        return out;
    }
    out.extend(stop_drained(r, hosts));
    if r.phase != Phase::RampUp {
        out.extend(scale_in(r, hosts, limit, min, &mut c, ramp_down_left, tie));
    }
    out.extend(delete_stopped(r, hosts, &mut c));
    out
}

/// Dynamic method: deallocated hosts the scaler may move are deleted, last first, while the
/// pool is above its minimum size.
fn delete_stopped<H: Hosts + ?Sized>(r: &PhaseRules, hosts: &H, c: &mut Counts) -> Vec<Decision> {
    let Some((min_size, _)) = r.pool_size else { return Vec::new() };
    let mut out = Vec::new();
    for i in hosts.stopped().rev() {
        if c.size <= min_size {
            break;
        }
        let h = hosts.view(i);
        if h.movable && h.power == Power::Stopped {
            c.size -= 1;
            let why = Why::AboveMinimumSize { phase: r.phase, size: c.size + 1, min_size };
            out.push((Step::Delete(i), why));
        }
    }
    out
}

fn scale_out<H: Hosts + ?Sized>(
    r: &PhaseRules,
    hosts: &H,
    limit: u32,
    min: u32,
    c: &mut Counts,
) -> Vec<Decision> {
    // Hosts to undrain, built at the first step that needs one.
    let mut undrainable: Option<Vec<HostId>> = None;
    // Starts take the startable hosts in host order, so one pass over them serves every step.
    let mut startable = hosts
        .stopped()
        .filter(|&i| {
            let h = hosts.view(i);
            h.movable && h.power == Power::Stopped
        })
        .peekable();
    let mut out = Vec::new();
    loop {
        let over = over_threshold(c.sessions, c.open, limit, r.threshold_pct);
        if !over && c.on >= min {
            return out;
        }
        let phase = r.phase;
        let why = if over {
            let (sessions, open, threshold_pct) = (c.sessions, c.open, r.threshold_pct);
            Why::Over { phase, sessions, open, limit, threshold_pct }
        } else {
            Why::BelowMinimum { phase, on: c.on, min, min_pct: r.min_pct }
        };
        let undrain = undrainable.get_or_insert_with(|| undrain_order(hosts)).pop();
        let step = match (undrain, startable.peek().copied(), r.pool_size) {
            (Some(i), _, _) => Step::Undrain(i),
            (None, Some(i), _) => {
                startable.next();
                Step::Start(i)
            }
            (None, None, Some((_, max))) if c.size < max => {
                c.size += 1;
                Step::Create
            }
            _ => return out,
        };
        c.open += 1;
        c.on += 1;
        out.push((step, why));
    }
}

/// The running hosts the scaler drained, in reverse of the order scale-out takes them out of
/// drain (`pop` gives the next): the most sessions first, then the lowest host id.
fn undrain_order<H: Hosts + ?Sized>(hosts: &H) -> Vec<HostId> {
    let mut order: Vec<(u32, HostId)> = hosts
        .drained()
        .map(|i| (i, hosts.view(i)))
        .filter(|(_, h)| h.ours && h.power == Power::Running)
        .map(|(i, h)| (h.sessions, i))
        .collect();
    order.sort_unstable_by_key(|&(n, i)| (n, std::cmp::Reverse(i)));
    order.into_iter().map(|(_, i)| i).collect()
}

/// Drained hosts whose users have left (or, with `zero_active_sessions`, are all
/// disconnected) are deallocated, in host order.
pub fn stop_drained<H: Hosts + ?Sized>(r: &PhaseRules, hosts: &H) -> Vec<Decision> {
    let gone = |h: &HostView| match r.stop_when {
        StopHostsWhen::ZeroSessions => h.sessions == 0,
        StopHostsWhen::ZeroActiveSessions => h.active == 0,
    };
    hosts
        .drained_stoppable(r.stop_when)
        .map(|i| (i, hosts.view(i)))
        .filter(|(_, h)| h.ours && h.power == Power::Running && gone(h))
        .map(|(i, _)| (Step::Stop(i), Why::DrainedEmpty { phase: r.phase, stop_when: r.stop_when }))
        .collect()
}

fn scale_in<H: Hosts + ?Sized>(
    r: &PhaseRules,
    hosts: &H,
    limit: u32,
    min: u32,
    c: &mut Counts,
    ramp_down_left: Option<SimTime>,
    tie: &mut dyn FnMut(usize) -> usize,
) -> Vec<Decision> {
    let mut out = Vec::new();
    // The candidates, a group per session count, fewest first; each step takes one of the
    // hosts left in the current group at random.
    let mut groups = hosts.scale_in_groups().filter(|g| !g.is_empty());
    let mut tied = Tied::default();
    loop {
        if !may_scale_in(r, c, limit, min) {
            return out;
        }
        if tied.is_empty() {
            let Some(next) = groups.next() else {
                return out;
            };
            tied = next;
        }
        let pick = if tied.len() > 1 { tie(tied.len()) } else { 0 };
        let Some(host) = tied.take(pick) else {
            return out;
        };
        let fewest = tied.sessions;
        c.open -= 1;
        c.on -= 1;
        let (phase, sessions, open, threshold_pct) = (r.phase, c.sessions, c.open, r.threshold_pct);
        let why = Why::Under { phase, sessions, open, limit, threshold_pct };
        if fewest == 0 {
            let delete = r.pool_size.is_some_and(|(min_size, _)| c.size > min_size);
            c.size -= u32::from(delete);
            out.push((if delete { Step::Delete(host) } else { Step::Stop(host) }, why));
            continue;
        }
        let force_after = match (r.phase, r.force_wait, ramp_down_left) {
            (Phase::RampDown, Some(wait), Some(left)) if wait <= left => Some(wait),
            _ => None,
        };
        out.push((Step::Drain { host, force_after }, why));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tests' pools are vectors: they answer as the slice does.
    impl Hosts for Vec<HostView> {
        fn host_count(&self) -> usize {
            self.as_slice().host_count()
        }
        fn view(&self, i: HostId) -> HostView {
            self.as_slice().view(i)
        }
        fn counts(&self) -> Counts {
            self.as_slice().counts()
        }
        fn drained(&self) -> impl Iterator<Item = HostId> + '_ {
            self.as_slice().drained()
        }
        fn drained_stoppable(&self, when: StopHostsWhen) -> impl Iterator<Item = HostId> + '_ {
            self.as_slice().drained_stoppable(when)
        }
        fn stopped(&self) -> impl DoubleEndedIterator<Item = HostId> + '_ {
            self.as_slice().stopped()
        }
        fn scale_in_groups(&self) -> impl Iterator<Item = Tied> + '_ {
            self.as_slice().scale_in_groups()
        }
    }
    use crate::engine::time::{HOUR, MINUTE};

    fn rules(phase: Phase, min_pct: u32, threshold_pct: u32) -> PhaseRules {
        PhaseRules {
            phase,
            balancer: LoadBalancer::DepthFirst,
            min_pct,
            threshold_pct,
            force_wait: None,
            stop_when: StopHostsWhen::ZeroSessions,
            pool_size: None,
        }
    }

    fn running(sessions: u32) -> HostView {
        HostView {
            power: Power::Running,
            sessions,
            active: sessions,
            undrained: true,
            ours: false,
            movable: true,
        }
    }

    fn stopped() -> HostView {
        HostView { power: Power::Stopped, ..running(0) }
    }

    /// `on` running hosts sharing `sessions` as evenly as possible, then `off` stopped ones.
    fn pool(sessions: u32, on: u32, off: u32) -> Vec<HostView> {
        let mut v: Vec<_> =
            (0..on).map(|i| running(sessions / on + u32::from(i < sessions % on))).collect();
        v.extend((0..off).map(|_| stopped()));
        v
    }

    fn no_tie(_: usize) -> usize {
        0
    }

    fn starts(d: &[Decision]) -> usize {
        d.iter().filter(|(s, _)| matches!(s, Step::Start(_))).count()
    }

    #[test]
    fn the_minimum_percentage_rounds_up() {
        // MODEL.md, autoscale: "rounded up: 30 % of 6 → 2, 10 % of 7 → 1".
        assert_eq!(min_hosts(30, 6), 2);
        assert_eq!(min_hosts(10, 7), 1);
        assert_eq!(min_hosts(0, 7), 0);
        assert_eq!(min_hosts(100, 7), 7);
        // And the plan starts hosts to reach it: 30 % of 6 with none on starts two.
        let d = decide(&rules(Phase::RampUp, 30, 90), &pool(0, 0, 6), 5, None, 0, &mut no_tie);
        assert_eq!(starts(&d), 2, "{d:?}");
    }

    #[test]
    fn the_threshold_is_strict_the_docs_examples() {
        // MODEL.md: limit 5, threshold 30 %: 5 sessions on 3 hosts (33 %) → start;
        // 6 on 4 (30 %) → nothing; 7 on 4 (35 %) → start.
        assert!(over_threshold(5, 3, 5, 30));
        assert!(!over_threshold(6, 4, 5, 30));
        assert!(over_threshold(7, 4, 5, 30));
        let r = rules(Phase::Peak, 0, 30);
        assert_eq!(starts(&decide(&r, &pool(5, 3, 3), 5, None, 0, &mut no_tie)), 1);
        assert_eq!(starts(&decide(&r, &pool(6, 4, 3), 5, None, 0, &mut no_tie)), 0);
        assert_eq!(starts(&decide(&r, &pool(7, 4, 3), 5, None, 0, &mut no_tie)), 1);
        // Limit 20, 2 hosts, 75 %: a third host starts above 30 sessions.
        let r = rules(Phase::Peak, 0, 75);
        assert_eq!(starts(&decide(&r, &pool(30, 2, 1), 20, None, 0, &mut no_tie)), 0);
        assert_eq!(starts(&decide(&r, &pool(31, 2, 1), 20, None, 0, &mut no_tie)), 1);
    }

    #[test]
    fn scale_out_starts_until_at_or_below_the_threshold() {
        // 40 sessions, limit 10, threshold 50 %: 8 open hosts bring it to 50 % (equality).
        let r = rules(Phase::Peak, 0, 50);
        let d = decide(&r, &pool(40, 2, 10), 10, None, 0, &mut no_tie);
        assert_eq!(starts(&d), 6, "{d:?}");
    }

    #[test]
    fn no_scale_in_during_ramp_up() {
        // MODEL.md: scale in "never during ramp-up". Four idle hosts, minimum 0 %.
        let idle = pool(0, 4, 0);
        assert!(decide(&rules(Phase::RampUp, 0, 60), &idle, 10, None, 0, &mut no_tie).is_empty());
        let peak = decide(&rules(Phase::Peak, 0, 60), &idle, 10, None, 0, &mut no_tie);
        assert_eq!(peak.len(), 4, "peak sheds every idle host: {peak:?}");
    }

    #[test]
    fn all_hosts_off_only_with_zero_percent_and_no_sessions() {
        // MODEL.md: "All hosts are off only with minimum 0 % and no sessions."
        let off = |min_pct, sessions| {
            let d = decide(
                &rules(Phase::OffPeak, min_pct, 90),
                &pool(sessions, 3, 0),
                10,
                None,
                0,
                &mut no_tie,
            );
            3 - d.len()
        };
        assert_eq!(off(0, 0), 0, "0 % and no sessions: every host goes");
        assert_eq!(off(0, 1), 1, "one session keeps one host");
        assert_eq!(off(10, 0), 1, "10 % of 3 rounds up to one host");
    }

    #[test]
    fn scale_in_never_pushes_above_the_threshold() {
        // 10 sessions, limit 10, threshold 50 %: 3 hosts (33 %) → 2 hosts is exactly 50 %,
        // allowed; 1 host would be 100 %.
        let d = decide(&rules(Phase::Peak, 0, 50), &pool(10, 3, 0), 10, None, 0, &mut no_tie);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(matches!(d[0].0, Step::Drain { force_after: None, .. }));
    }

    #[test]
    fn a_quiet_evaluation_decides_nothing() {
        // The fast path is safe: whenever `quiet` holds, the full evaluation of the same
        // hosts (none drained by the scaler) takes no step; and whenever the full evaluation
        // takes a step, `quiet` did not hold.
        let mut seen = [0; 2];
        for phase in Phase::ALL {
            for (min_pct, thr) in [(0, 50), (20, 60), (100, 90), (10, 1), (0, 100)] {
                for sessions in 0..60 {
                    for (on, off) in [(0, 5), (1, 4), (3, 2), (5, 0)] {
                        let r = rules(phase, min_pct, thr);
                        let hosts = pool(sessions.min(on * 10), on, off);
                        let c = counts(&hosts);
                        let d = decide(&r, &hosts, 10, None, 0, &mut no_tie);
                        let can_add = hosts.iter().any(|h| h.power == Power::Stopped);
                        let q = quiet(&r, &c, 5, 10, can_add);
                        assert!(
                            !q || d.is_empty(),
                            "{phase:?} {min_pct} {thr} {sessions} {on}: {d:?}"
                        );
                        seen[usize::from(q)] += 1;
                    }
                }
            }
        }
        assert!(seen[0] > 100 && seen[1] > 100, "both paths exercised: {seen:?}");
    }

    #[test]
    fn reasons_read_with_the_numbers_that_decided() {
        // 10 sessions, limit 10: on 3 hosts 33.3 %, on the 2 left 50.0 % (MODEL.md's example
        // of a scale-in that one host less does not push above a 50 % threshold).
        let d = decide(&rules(Phase::Peak, 0, 50), &pool(10, 3, 0), 10, None, 0, &mut no_tie);
        let under = "peak: used capacity 33.3% < threshold 50%, 50.0% with one host less";
        assert_eq!(d[0].1.to_string(), under);
        let d = decide(&rules(Phase::RampUp, 0, 30), &pool(5, 3, 3), 5, None, 0, &mut no_tie);
        let over = "ramp_up: used capacity 33.3% > threshold 30% (5 sessions, 3 hosts open)";
        assert_eq!(d[0].1.to_string(), over);
    }

    #[test]
    fn the_host_with_fewest_sessions_is_drained_and_an_empty_one_stopped() {
        let hosts = vec![running(4), running(1), running(3), running(0)];
        let d = decide(&rules(Phase::RampDown, 0, 90), &hosts, 10, None, 0, &mut no_tie);
        assert_eq!(d[0].0, Step::Stop(3));
        assert_eq!(d[1].0, Step::Drain { host: 1, force_after: None });
    }

    #[test]
    fn forced_log_off_only_in_ramp_down_and_only_if_the_wait_fits() {
        // MODEL.md: force log-off only in ramp-down; "if ramp-down ends before the wait is
        // over, nobody is forced out".
        let mut r = rules(Phase::RampDown, 0, 90);
        r.force_wait = Some(30 * MINUTE);
        let hosts = vec![running(5), running(1)];
        let d = decide(&r, &hosts, 10, Some(HOUR), 0, &mut no_tie);
        assert_eq!(d[0].0, Step::Drain { host: 1, force_after: Some(30 * MINUTE) });
        let d = decide(&r, &hosts, 10, Some(29 * MINUTE), 0, &mut no_tie);
        assert_eq!(d[0].0, Step::Drain { host: 1, force_after: None });
        r.phase = Phase::OffPeak;
        let d = decide(&r, &hosts, 10, None, 0, &mut no_tie);
        assert_eq!(d[0].0, Step::Drain { host: 1, force_after: None });
    }

    #[test]
    fn ties_go_to_the_tie_breaker() {
        let hosts = vec![running(2), running(2), running(2)];
        let mut asked = Vec::new();
        let d = decide(&rules(Phase::Peak, 0, 90), &hosts, 10, None, 0, &mut |n| {
            asked.push(n);
            n - 1
        });
        assert_eq!(asked[0], 3, "three hosts tie for fewest sessions");
        assert_eq!(d[0].0, Step::Drain { host: 2, force_after: None });
    }

    #[test]
    fn excluded_hosts_are_never_touched_but_count_in_the_minimum() {
        // MODEL.md: excluded hosts "are never started, stopped or drained, but count in the
        // minimum percentage".
        let mut hosts = pool(0, 2, 2);
        hosts[0].movable = false; // excluded, running, idle
        hosts[2].movable = false; // excluded, stopped
        let d = decide(&rules(Phase::OffPeak, 0, 90), &hosts, 10, None, 0, &mut no_tie);
        assert_eq!(d, vec![(Step::Stop(1), d[0].1.clone())]);
        let d = decide(&rules(Phase::RampUp, 100, 90), &hosts, 10, None, 0, &mut no_tie);
        assert_eq!(d.iter().map(|x| x.0).collect::<Vec<_>>(), vec![Step::Start(3)]);
    }

    #[test]
    fn a_drained_host_comes_back_before_a_stopped_one_starts() {
        // MODEL.md: "taking it out of drain again if capacity is needed".
        let mut hosts = pool(9, 1, 1);
        hosts.push(HostView { undrained: false, ours: true, ..running(3) });
        let d = decide(&rules(Phase::Peak, 0, 50), &hosts, 10, None, 0, &mut no_tie);
        assert_eq!(d[0].0, Step::Undrain(2));
    }

    #[test]
    fn drained_hosts_stop_by_stop_hosts_when() {
        let drained = HostView { undrained: false, ours: true, active: 0, ..running(2) };
        let hosts = vec![running(1), drained];
        let mut r = rules(Phase::RampDown, 0, 90);
        assert!(decide(&r, &hosts, 10, None, 0, &mut no_tie).iter().all(|d| d.0 != Step::Stop(1)));
        r.stop_when = StopHostsWhen::ZeroActiveSessions;
        assert!(decide(&r, &hosts, 10, None, 0, &mut no_tie).iter().any(|d| d.0 == Step::Stop(1)));
    }

    fn dynamic(phase: Phase, min_pct: u32, threshold_pct: u32, size: (u32, u32)) -> PhaseRules {
        PhaseRules { pool_size: Some(size), ..rules(phase, min_pct, threshold_pct) }
    }

    #[test]
    fn dynamic_the_minimum_percentage_applies_to_the_minimum_pool_size() {
        // MODEL.md, dynamic autoscaling: "the minimum percentage then applies to the minimum
        // pool size": 50 % of a minimum size of 4 is 2 hosts, not 5 of the 10 there are.
        let r = dynamic(Phase::RampUp, 50, 90, (4, 10));
        assert_eq!(starts(&decide(&r, &pool(0, 0, 10), 10, None, 0, &mut no_tie)), 2);
    }

    #[test]
    fn dynamic_creates_only_when_nothing_can_start_and_never_above_the_maximum() {
        let creates = |d: &[Decision]| d.iter().filter(|(s, _)| *s == Step::Create).count();
        // 20 sessions on 2 full hosts of 10, threshold 20 %: 10 hosts wanted; the stopped
        // host starts first, then hosts are created up to the maximum of 6 in all.
        let r = dynamic(Phase::Peak, 0, 20, (2, 6));
        let d = decide(&r, &pool(20, 2, 1), 10, None, 0, &mut no_tie);
        assert_eq!((starts(&d), creates(&d)), (1, 3), "{d:?}");
        // Hosts already being created count as capacity on its way, and toward the maximum.
        let d = decide(&r, &pool(20, 2, 1), 10, None, 3, &mut no_tie);
        assert_eq!((starts(&d), creates(&d)), (1, 0), "{d:?}");
    }

    #[test]
    fn dynamic_deletes_empty_and_stopped_hosts_down_to_the_minimum_pool_size() {
        let deletes =
            |d: &[Decision]| d.iter().filter(|(s, _)| matches!(s, Step::Delete(_))).count();
        // Off-peak, no sessions, minimum 0 %: 3 idle running hosts and 3 stopped ones; a
        // minimum size of 2 keeps two of the six, the rest are deleted: the idle running
        // hosts (scale-in) first, then the last stopped one.
        let r = dynamic(Phase::OffPeak, 0, 90, (2, 10));
        let d = decide(&r, &pool(0, 3, 3), 10, None, 0, &mut no_tie);
        let steps: Vec<Step> = d.iter().map(|x| x.0).collect();
        assert_eq!(steps, [Step::Delete(0), Step::Delete(1), Step::Delete(2), Step::Delete(5)]);
        // At the minimum size, an idle host is deallocated, not deleted.
        let d = decide(&r, &pool(0, 2, 0), 10, None, 0, &mut no_tie);
        assert_eq!(deletes(&d), 0, "{d:?}");
        assert_eq!(d.len(), 2, "{d:?}");
    }

    fn weekday_plan() -> PlanConfig {
        let r = |phase| rules(phase, 0, 50);
        let starts = [7 * HOUR, 9 * HOUR, 17 * HOUR, 20 * HOUR];
        PlanConfig {
            schedules: vec![Schedule {
                name: "weekdays".into(),
                days: 0b001_1111,
                starts,
                rules: Phase::ALL.map(r),
            }],
            evaluation_delay: MINUTE,
            check_interval: 5 * MINUTE,
            creation: None,
        }
    }

    #[test]
    fn phases_follow_the_clock_and_off_peak_carries_over_days_without_a_schedule() {
        // MODEL.md: "Days in no schedule keep the last off-peak settings until the next
        // ramp-up (Friday off-peak lasts to Monday's ramp-up)".
        let p = weekday_plan();
        let phase = |t| p.phase_at(t).rules.phase;
        assert_eq!(phase(8 * HOUR), Phase::RampUp);
        assert_eq!(phase(9 * HOUR), Phase::Peak);
        assert_eq!(phase(3 * HOUR), Phase::OffPeak, "Monday before ramp-up: Friday's off-peak");
        assert_eq!(phase(5 * DAY + 12 * HOUR), Phase::OffPeak, "Saturday noon");
        assert_eq!(phase(6 * DAY + 23 * HOUR), Phase::OffPeak, "Sunday night");
        assert_eq!(phase(7 * DAY + 7 * HOUR), Phase::RampUp, "next Monday");
        assert_eq!(p.next_change(4 * DAY + 21 * HOUR), Some(7 * DAY + 7 * HOUR));
        assert_eq!(p.phase_at(10 * HOUR).ends, Some(17 * HOUR));
    }
}
