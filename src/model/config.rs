//! The model's configuration, resolved once from a validated [`Scenario`]: durations as
//! [`SimTime`], hosts and users by id, distributions as samplers. This is the one model file
//! that reads the scenario format; the rest of the model never sees file types, names or raw
//! integers from the file.

use super::autoscale::{Creation, Phase, PhaseRules, PlanConfig, Schedule};
use super::host::HostId;
use super::personal_plan::{After, PersonalPlan, PersonalRules};
use super::scaling_script::ScriptConfig;
use super::session::UserId;
use super::workload::{ArrivalKind, Sampler};
use crate::engine::SimTime;
use crate::engine::time::HOUR;
use crate::scenario::PoolKind;
use crate::scenario::autoscale::{
    AutoscaleSpec, DuringUpdate, PeakHours, PowerAfter, ScalerKind, ScalingMethod, ScheduleSpec,
    StopHostsWhen,
};
use crate::scenario::connection_log::ConnectionLog;
use crate::scenario::instant::TimeOfDay;
use crate::scenario::names::host_number;
use crate::scenario::planned_names;
use crate::scenario::{
    ActionSpec, ArrivalSpec, DelayFrom, DesktopChoice, LoadBalancer, ReconnectSpec, Scenario,
    SessionDist, UpdateOrder, UpdateSpec,
};
use rand_distr::LogNormal;

/// Everything a replication needs to know about its scenario.
pub struct ModelConfig {
    /// The scenario seed; every random stream derives from it.
    pub seed: u64,
    /// Metrics ignore `[0, warmup)`.
    pub warmup: SimTime,
    /// Width of a time-series row.
    pub time_bin: SimTime,
    /// The pool at the start.
    pub pool: PoolConfig,
    /// Size of the named population (`None`: every login is a new user).
    pub users: Option<u32>,
    /// The arrival processes, in scenario order.
    pub arrivals: Vec<ArrivalKind>,
    /// Length of a connection's active time.
    pub session: Sampler,
    /// Disconnects: the chance a session ends in a disconnect and how long the user is away.
    pub reconnect: Option<Chance>,
    /// Users signed out by an update: the chance they sign in again and after how long.
    pub relogin: Option<Chance>,
    /// Scheduled admin actions, in scenario order.
    pub actions: Vec<Action>,
    /// Session host updates, in scenario order.
    pub updates: Vec<UpdatePlan>,
    /// `add_hosts` deployments, in scenario order.
    pub deployments: Vec<Deployment>,
    /// Personal pools and RDS personal collections (`None` for a pooled pool).
    pub personal: Option<PersonalConfig>,
    /// Users, faults and windows (`model/retry.rs`, `model/attendance.rs`, `model/logon.rs`,
    /// `model/faults.rs`, `metrics/windows.rs`).
    pub behaviour: UsersConfig,
    /// Power states, autoscale and cost (`None` when the scenario uses none of them).
    pub power: Option<PowerConfig>,
    /// A replayed connection log (`None` for synthetic workloads).
    pub replay: Option<ReplayConfig>,
}

/// How users behave beyond arrivals and sessions, host faults, and the reporting windows.
#[derive(Default)]
pub struct UsersConfig {
    /// Logon duration: the desktop is ready this long after the login is placed.
    pub logon: Option<Sampler>,
    /// Refused users try again (`None`: they never do and nobody counts them).
    pub retry: Option<RetryConfig>,
    /// Chance a named user comes in on a given day (`None` when everybody always does).
    pub attendance: Option<f64>,
    /// Random host faults.
    pub faults: Option<FaultsConfig>,
    /// Clock-time windows whose metrics are reported apart, in scenario order.
    pub windows: Vec<Window>,
}

/// A refused user's retries.
pub struct RetryConfig {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Time from a refusal to the next attempt.
    pub after: Sampler,
}

/// Random host faults.
pub struct FaultsConfig {
    /// Mean time between failures of one host (ms).
    pub mtbf: f64,
    /// Time to repair.
    pub repair: Sampler,
    /// Chance a fault leaves the host NeedsAssistance (routable) rather than Unavailable.
    pub needs_assistance_probability: f64,
}

/// A clock-time window.
pub use crate::metrics::windows::Window;

/// The pool's starting shape.
pub struct PoolConfig {
    /// Hosts at the start, named `<prefix>-0`…
    pub hosts: u32,
    /// Host name prefix.
    pub name_prefix: String,
    /// Max sessions per host.
    pub session_limit: u32,
    /// The load-balancing algorithm.
    pub balancer: LoadBalancer,
}

/// Something that happens with a probability, after a random delay.
pub struct Chance {
    /// Probability in [0, 1].
    pub probability: f64,
    /// The delay.
    pub after: Sampler,
}

/// A scheduled admin action.
pub struct Action {
    /// When.
    pub at: SimTime,
    /// What.
    pub kind: ActionKind,
    /// The host it names, if one of the pool's starting hosts.
    pub host: Option<HostId>,
}

/// What an admin action does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionKind {
    /// Drain mode on (`true`) or off.
    Drain(bool),
    /// Personal: give the named host to `user`.
    Assign { user: Option<UserId> },
    /// Personal: take the named host from its owner.
    Unassign,
    /// Personal: give the named host to another user.
    Reassign { user: Option<UserId> },
    /// Personal, direct assignment: multiple desktops per user on (or, refused, off).
    MultipleDesktops { enabled: bool },
    /// Deploy the hosts of deployment `deployment`.
    AddHosts { deployment: u32 },
    /// Set the pool's max session limit.
    SetMaxSessions(u32),
    /// Control the current session host update.
    Update(UpdateControl),
}

/// Admin control of a session host update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateControl {
    /// Let the current batch finish, start nothing more.
    Pause,
    /// Go on where a pause stopped.
    Resume,
    /// Let current work finish, leave the rest on the old version.
    Cancel,
    /// Re-attempt the failed hosts and those never attempted.
    Retry,
}

impl ActionKind {
    /// The action's name, as written in the file and in traces.
    pub fn name(&self) -> &'static str {
        match self {
            ActionKind::Drain(true) => "drain_on",
            ActionKind::Drain(false) => "drain_off",
            ActionKind::Assign { .. } => "assign",
            ActionKind::Unassign => "unassign",
            ActionKind::Reassign { .. } => "reassign",
            ActionKind::MultipleDesktops { .. } => "multiple_desktops",
            ActionKind::AddHosts { .. } => "add_hosts",
            ActionKind::SetMaxSessions(_) => "set_max_sessions",
            ActionKind::Update(UpdateControl::Pause) => "update_pause",
            ActionKind::Update(UpdateControl::Resume) => "update_resume",
            ActionKind::Update(UpdateControl::Cancel) => "update_cancel",
            ActionKind::Update(UpdateControl::Retry) => "update_retry",
        }
    }
}

/// One session host update.
pub struct UpdatePlan {
    /// When it was scheduled (control actions before this do not reach it).
    pub scheduled_at: SimTime,
    /// When it starts.
    pub start: SimTime,
    /// Most hosts out of service at once.
    pub batch_size: u32,
    /// Time between the sign-out message and the forced log-off.
    pub logoff_delay: SimTime,
    /// Whether the delay counts from each batch or from the update's start.
    pub delay_from: DelayFrom,
    /// Which hosts go first.
    pub order: UpdateOrder,
    /// Time to replace one host.
    pub host_time: Sampler,
    /// Chance that a host's update fails.
    pub failure_probability: f64,
    /// Chance that a failed host's rollback fails too.
    pub rollback_failure_probability: f64,
    /// Original VMs kept: a rollback cannot fail.
    pub keep_original_vms: bool,
    /// Hosts whose first attempt fails, by name (deployed hosts may be among them, and get
    /// their ids only when they register; the update resolves the names when it starts).
    pub failing_hosts: Vec<String>,
}

/// One `add_hosts` deployment.
pub struct Deployment {
    /// The hosts' names, in deployment order.
    pub names: Vec<String>,
    /// Time from the action to a host's registration.
    pub provisioning: Sampler,
    /// Time a registered host stays Unavailable while its agent upgrades.
    pub agent_upgrade: Sampler,
    /// How long the registration key is valid.
    pub key_valid_for: SimTime,
}

/// Personal pools: how users get and reach their hosts.
pub struct PersonalConfig {
    /// A user without a host gets an unassigned one.
    pub auto_assign: bool,
    /// A user may own several hosts.
    pub multiple_desktops: bool,
    /// Which desktop a user with several picks.
    pub desktop_choice: DesktopChoice,
    /// Owners are local admins (RDS).
    pub grant_admin_privilege: bool,
    /// The personal scaling plan, which owns the hosts' power (without one, every host runs).
    pub plan: Option<PersonalPlan>,
    /// Assignments at the start: host, owner, friendly name.
    pub assignments: Vec<(HostId, UserId, Option<String>)>,
}

impl ModelConfig {
    /// Resolves a validated scenario.
    pub fn new(s: &Scenario) -> Self {
        let p = &s.pool;
        let replay = s.workload.replay.as_ref().and_then(|r| r.log.as_deref()).map(replay);
        let users = match &replay {
            Some(r) => Some(r.names.len() as u32),
            None => s.workload.users.map(|u| u.clamp(0, i64::from(u32::MAX)) as u32),
        };
        let pool = PoolConfig {
            hosts: p.host_count(),
            name_prefix: p.name_prefix.clone(),
            session_limit: p.session_limit(),
            balancer: p.load_balancer,
        };
        let host = |name: &str| {
            host_number(name, &pool.name_prefix).filter(|&n| n < u64::from(pool.hosts))
        };
        let host = |name: &str| host(name).map(|n| n as HostId);
        let user = |name: &str| s.user_named(name);
        let mut deployments = Vec::new();
        let mut names = planned_names(s).into_iter();
        let actions = s
            .actions
            .iter()
            .map(|a| Action {
                at: a.at().0,
                host: a.host().and_then(host),
                kind: action_kind(a, &user, &mut || {
                    let ActionSpec::AddHosts(spec) = a else { unreachable!() };
                    deployments.push(Deployment {
                        names: names.next().unwrap_or_default(),
                        provisioning: sampler(&spec.provisioning),
                        agent_upgrade: sampler(&spec.agent_upgrade),
                        key_valid_for: spec.key_valid_for.0,
                    });
                    deployments.len() as u32 - 1
                }),
            })
            .collect();
        let w = &s.workload;
        Self {
            seed: s.seed,
            warmup: s.warmup.0,
            time_bin: s.time_bin.0,
            users,
            arrivals: w.arrivals.as_slice().iter().map(arrival).collect(),
            session: match (&w.session, &replay) {
                (Some(d), _) => sampler(d),
                (None, Some(r)) => Sampler::Fixed(mean_connection(r)),
                (None, None) => Sampler::Fixed(0),
            },
            reconnect: w.reconnect.as_ref().map(chance),
            relogin: w.relogin.as_ref().map(chance),
            actions,
            updates: s.all_updates().iter().map(update).collect(),
            deployments,
            personal: personal(s, &host, &user),
            behaviour: behaviour(s),
            power: power(s, &host),
            pool,
            replay,
        }
    }
}

fn behaviour(s: &Scenario) -> UsersConfig {
    let w = &s.workload;
    UsersConfig {
        logon: w.logon.as_ref().map(sampler),
        retry: w.retry.as_ref().map(|r| RetryConfig {
            attempts: r.attempts.clamp(1, i64::from(u32::MAX)) as u32,
            after: sampler(&r.after),
        }),
        // Everybody in every day is the model without attendance: no stream, no reordering.
        attendance: w.attendance.filter(|&p| p < 1.0),
        faults: s.faults.as_ref().map(|f| FaultsConfig {
            mtbf: f.mtbf.0 as f64,
            repair: sampler(&f.repair),
            needs_assistance_probability: f.needs_assistance_probability,
        }),
        windows: s
            .windows
            .iter()
            .map(|x| Window { from: x.from.0, to: x.to.0, days: x.days })
            .collect(),
    }
}

fn action_kind(
    a: &ActionSpec,
    user: &impl Fn(&str) -> Option<UserId>,
    deploy: &mut impl FnMut() -> u32,
) -> ActionKind {
    match a {
        ActionSpec::DrainOn { .. } => ActionKind::Drain(true),
        ActionSpec::DrainOff { .. } => ActionKind::Drain(false),
        ActionSpec::Assign { user: u, .. } => ActionKind::Assign { user: user(u) },
        ActionSpec::Unassign { .. } => ActionKind::Unassign,
        ActionSpec::Reassign { user: u, .. } => ActionKind::Reassign { user: user(u) },
        ActionSpec::MultipleDesktops { enabled, .. } => {
            ActionKind::MultipleDesktops { enabled: *enabled }
        }
        ActionSpec::AddHosts(_) => ActionKind::AddHosts { deployment: deploy() },
        ActionSpec::UpdatePause { .. } => ActionKind::Update(UpdateControl::Pause),
        ActionSpec::UpdateResume { .. } => ActionKind::Update(UpdateControl::Resume),
        ActionSpec::UpdateCancel { .. } => ActionKind::Update(UpdateControl::Cancel),
        ActionSpec::UpdateRetry { .. } => ActionKind::Update(UpdateControl::Retry),
        ActionSpec::SetMaxSessions { max_sessions, .. } => {
            ActionKind::SetMaxSessions((*max_sessions).clamp(1, i64::from(u32::MAX)) as u32)
        }
    }
}

fn arrival(spec: &ArrivalSpec) -> ArrivalKind {
    let per_ms = |per_hour: f64| per_hour / HOUR as f64;
    match spec {
        ArrivalSpec::Poisson { rate_per_hour } => {
            ArrivalKind::Poisson { rate: per_ms(*rate_per_hour) }
        }
        ArrivalSpec::Profile { per_hour, weekend } => {
            let to_rates = |v: &[f64]| Box::new(std::array::from_fn(|h| per_ms(v[h])));
            let weekday = to_rates(per_hour);
            let weekend = weekend.as_deref().map_or_else(|| weekday.clone(), to_rates);
            ArrivalKind::Profile { weekday, weekend }
        }
        ArrivalSpec::Storm { users, start, window, shape, days } => ArrivalKind::Storm {
            users: (*users).clamp(0, i64::from(u32::MAX)) as u32,
            start: start.0,
            window: window.0,
            shape: *shape,
            days: *days,
        },
    }
}

fn chance(r: &ReconnectSpec) -> Chance {
    Chance { probability: r.probability, after: sampler(&r.after) }
}

fn update(u: &UpdateSpec) -> UpdatePlan {
    UpdatePlan {
        scheduled_at: u.scheduled_at.0,
        start: u.start.0,
        batch_size: u.batch_size.clamp(1, i64::from(u32::MAX)) as u32,
        logoff_delay: u.logoff_delay.0,
        delay_from: u.logoff_delay_from,
        order: u.order,
        host_time: sampler(&u.host_update_time),
        failure_probability: u.failure_probability,
        rollback_failure_probability: u.rollback_failure_probability,
        keep_original_vms: u.keep_original_vms,
        failing_hosts: u.failing_hosts.clone(),
    }
}

fn personal(
    s: &Scenario,
    host: &impl Fn(&str) -> Option<HostId>,
    user: &impl Fn(&str) -> Option<UserId>,
) -> Option<PersonalConfig> {
    let p = &s.pool;
    let mode = p.personal_mode()?;
    let assignments = p
        .initial_assignments()
        .filter_map(|(_, a)| Some((host(&a.host)?, user(&a.user)?, a.friendly_name.clone())))
        .collect();
    Some(PersonalConfig {
        auto_assign: mode.auto_assign,
        multiple_desktops: mode.multiple_desktops,
        desktop_choice: mode.desktop_choice,
        grant_admin_privilege: mode.grant_admin_privilege,
        plan: s.autoscale.as_ref().map(|a| personal_plan(a, p.host_count())),
        assignments,
    })
}

fn personal_plan(a: &AutoscaleSpec, hosts: u32) -> PersonalPlan {
    PersonalPlan {
        schedules: a.schedules.iter().map(personal_schedule).collect(),
        boot_time: sampler(&a.boot_time),
        resume_time: sampler(&a.resume_time_dist()),
        stop_unused_after: a.stop_unused_after().0.max(1),
        initial_running: a.initial_running.map_or(0, |n| n.clamp(0, i64::from(hosts)) as u32),
    }
}

fn personal_schedule(s: &ScheduleSpec) -> Schedule<PersonalRules> {
    let phases = s.phases();
    let after = |a: Option<PowerAfter>| {
        a.map_or(After::NOTHING, |a| After { wait: a.wait.0, action: a.action })
    };
    let rules = |i: usize| {
        let spec = phases[i].1;
        PersonalRules {
            phase: Phase::ALL[i],
            start_vm_on_connect: spec.start_vm_on_connect.unwrap_or(true),
            on_disconnect: after(spec.on_disconnect),
            on_logoff: after(spec.on_logoff),
            auto_start: spec.auto_start_hosts.unwrap_or_default(),
        }
    };
    Schedule {
        name: s.name.clone(),
        days: s.days.mask().unwrap_or(0),
        starts: phases.map(|(_, p)| p.start.0),
        rules: std::array::from_fn(rules),
    }
}

/// The sampler of a validated length distribution (a lognormal whose parameters cannot be
/// formed falls back to its mean).
pub fn sampler(dist: &SessionDist) -> Sampler {
    match dist {
        SessionDist::Fixed { value } => Sampler::Fixed(value.0),
        SessionDist::Exponential { mean } => Sampler::Exponential(mean.0 as f64),
        SessionDist::Lognormal { mean, sd } => {
            let cv = sd.0 as f64 / mean.0 as f64;
            match LogNormal::from_mean_cv(mean.0 as f64, cv) {
                Ok(d) => Sampler::Lognormal(d),
                Err(_) => Sampler::Fixed(mean.0),
            }
        }
        SessionDist::Uniform { min, max } => Sampler::Uniform(min.0, max.0),
        SessionDist::Until { time, sd } => Sampler::Until { time: time.0, sd: sd.0 as f64 },
    }
}

/// Power states of a pooled pool: what starts and stops hosts, and what they cost.
pub struct PowerConfig {
    /// Time from a start to a running host.
    pub boot_time: Sampler,
    /// Hosts running at time 0 (`None`: what the scaler asks at time 0, or all).
    pub initial_running: Option<u32>,
    /// Hosts the scaler never starts, stops or drains.
    pub excluded: Vec<HostId>,
    /// The scaling plan or script, if any.
    pub scaler: Option<Scaler>,
    /// What the scaler does while a session host update runs.
    pub during_update: DuringUpdate,
    /// Pooled Start VM on Connect.
    pub start_vm_on_connect: bool,
    /// Prices (`[cost]`).
    pub prices: Option<Prices>,
}

/// What drives a pool's power.
pub enum Scaler {
    /// An autoscale scaling plan.
    Plan(PlanConfig),
    /// The older 15-minute scaling script.
    Script(ScriptConfig),
}

/// Prices per host-hour.
#[derive(Debug, Clone, Copy)]
pub struct Prices {
    /// Per running (allocated) host-hour.
    pub host_hour: f64,
    /// Per deallocated host-hour.
    pub stopped_host_hour: f64,
}

fn power(s: &Scenario, host: &impl Fn(&str) -> Option<HostId>) -> Option<PowerConfig> {
    let p = &s.pool;
    let svoc = p.kind == PoolKind::Pooled && p.start_vm_on_connect == Some(true);
    if s.autoscale.is_none() && s.cost.is_none() && !svoc {
        return None;
    }
    // A personal pool's plan is the personal feature's; here it only meters host-hours.
    let a = s.autoscale.as_ref().filter(|_| p.kind == PoolKind::Pooled);
    let boot = a.map_or_else(|| p.boot_time_dist(), |a| a.boot_time.clone());
    let mut excluded: Vec<HostId> =
        a.map(|a| a.exclude.iter().filter_map(|n| host(n)).collect()).unwrap_or_default();
    excluded.sort_unstable();
    excluded.dedup();
    Some(PowerConfig {
        boot_time: sampler(&boot),
        initial_running: a
            .and_then(|a| a.initial_running)
            .map(|n| n.clamp(0, i64::from(u32::MAX)) as u32),
        excluded,
        scaler: a.map(|a| scaler(a, p)),
        during_update: a.map(|a| a.during_update).unwrap_or_default(),
        start_vm_on_connect: svoc,
        prices: s
            .cost
            .as_ref()
            .map(|c| Prices { host_hour: c.host_hour, stopped_host_hour: c.stopped_host_hour }),
    })
}

fn scaler(a: &AutoscaleSpec, p: &crate::scenario::PoolSpec) -> Scaler {
    match a.kind {
        ScalerKind::ScalingPlan => Scaler::Plan(PlanConfig {
            schedules: a.schedules.iter().map(schedule).collect(),
            evaluation_delay: a.evaluation_delay.0,
            check_interval: a.check_interval.0.max(1),
            creation: (a.method == ScalingMethod::Dynamic).then(|| Creation {
                provisioning: sampler(&a.provisioning),
                agent_upgrade: sampler(&a.agent_upgrade),
            }),
        }),
        ScalerKind::ScalingScript => {
            let peak = a.peak.unwrap_or(PeakHours { start: TimeOfDay(0), end: TimeOfDay(0) });
            Scaler::Script(ScriptConfig {
                interval: a.interval.0.max(1),
                peak_start: peak.start.0,
                peak_end: peak.end.0,
                threshold_per_cpu: a.session_threshold_per_cpu.unwrap_or(1.0),
                vcpus: a.vcpus.or(p.vcpus).unwrap_or(1).clamp(1, 1024) as u32,
                min_hosts: a.min_hosts.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
                force_logoff_after: (a.force_logoff_after.0 > 0).then_some(a.force_logoff_after.0),
            })
        }
    }
}

fn schedule(s: &ScheduleSpec) -> Schedule {
    let phases = s.phases();
    let pct = |v: Option<i64>| v.unwrap_or(0).clamp(0, 100) as u32;
    let (up, down) = (&s.ramp_up, &s.ramp_down);
    let rules = |i: usize, phase: Phase| {
        let spec = phases[i].1;
        let own = if i < 2 { up } else { down };
        let default_lb = if phase == Phase::RampUp {
            LoadBalancer::BreadthFirst
        } else {
            LoadBalancer::DepthFirst
        };
        PhaseRules {
            phase,
            balancer: spec.load_balancer.unwrap_or(default_lb),
            min_pct: pct(own.min_hosts_pct),
            threshold_pct: pct(own.capacity_threshold_pct).max(1),
            force_wait: (phase == Phase::RampDown && spec.force_logoff == Some(true))
                .then(|| spec.wait.map_or(0, |w| w.0)),
            stop_when: if i < 2 {
                StopHostsWhen::ZeroSessions
            } else {
                down.stop_hosts_when.unwrap_or_default()
            },
            pool_size: own.min_pool_size.zip(own.max_pool_size).map(|(min, max)| {
                let size = |n: i64| n.clamp(0, i64::from(u32::MAX)) as u32;
                (size(min), size(max))
            }),
        }
    };
    Schedule {
        name: s.name.clone(),
        days: s.days.mask().unwrap_or(0),
        starts: phases.map(|(_, p)| p.start.0),
        rules: std::array::from_fn(|i| rules(i, Phase::ALL[i])),
    }
}

/// The replay of a connection log read at load time.
fn replay(log: &ConnectionLog) -> ReplayConfig {
    let connections = log
        .connections
        .iter()
        .map(|c| Connection {
            login: c.login,
            end: c.end,
            user: c.user,
            next: c.next,
            connected: c.connected,
        })
        .collect();
    ReplayConfig::new(log.users.clone(), connections, log.rows_skipped)
}

/// The mean length of the log's connected connections that ended (one minute if none did).
fn mean_connection(r: &ReplayConfig) -> SimTime {
    let ended = r.connections.iter().filter(|c| c.connected && c.end != SimTime::MAX);
    let (n, total) =
        ended.fold((0u64, 0u128), |(n, t), c| (n + 1, t + u128::from(c.end - c.login)));
    if n == 0 { crate::engine::time::MINUTE } else { (total / u128::from(n)) as SimTime }
}

/// One logged connection, resolved to the simulated clock.
#[derive(Debug, Clone, Copy)]
pub struct Connection {
    /// When it logs in (the logged Connected time, or Started when it never connected).
    pub login: SimTime,
    /// When it ends (`SimTime::MAX`: still open at the log's end).
    pub end: SimTime,
    /// Who.
    pub user: u32,
    /// The reconnection that continues its session, or [`NO_CONNECTION`].
    pub next: u32,
    /// It reached Connected in the log.
    pub connected: bool,
}

/// The replayed log.
pub struct ReplayConfig {
    /// User names from the log; a user's id is its index.
    pub names: Vec<String>,
    /// The connections, by login time.
    pub connections: Vec<Connection>,
    /// The connections that continue nothing, by login time: the arrivals.
    pub heads: Vec<u32>,
    /// Rows of the log left out (other host pools, connections begun before the log).
    pub rows_skipped: u64,
}
