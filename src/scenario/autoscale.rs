//! The `[autoscale]` and `[cost]` tables: a pooled pool's scaling plan (or the older scaling
//! script) and the prices of running and stopped hosts — and the checks they must pass.
//!
//! The rules these keys drive are in MODEL.md "Autoscale scaling plans", "The older scaling
//! script" and "Cost"; the model is in `model/autoscale.rs`, `model/scaling_script.rs` and
//! `model/power.rs`.

use super::balancer::LoadBalancer;
use super::duration::Duration;
use super::instant::TimeOfDay;
use super::workload::SessionDist;
use crate::engine::time::{HOUR, MINUTE, SECOND};
use serde::Deserialize;

/// Which scaler drives the pool's power.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalerKind {
    /// An autoscale scaling plan (event-driven, four phases per schedule).
    #[default]
    ScalingPlan,
    /// The older basicScale.ps1 runbook, polled every `interval`.
    ScalingScript,
}

/// How a scaling plan changes capacity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalingMethod {
    /// Start and deallocate existing hosts.
    #[default]
    Power,
    /// Also create hosts (up to the phase's `max_pool_size`) and delete them (down to its
    /// `min_pool_size`).
    Dynamic,
}

/// When a ramp-down host without force log-off is stopped (`stopHostsWhen`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopHostsWhen {
    /// No session at all (active or disconnected).
    #[default]
    ZeroSessions,
    /// No active session (disconnected ones are ended with the host).
    ZeroActiveSessions,
}

/// What autoscale does while a session host update runs (the documents are silent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuringUpdate {
    /// Autoscale makes no decision until the update ends.
    #[default]
    Pause,
    /// Autoscale still starts hosts, but never drains or stops one (the update owns drain).
    ScaleOutOnly,
}

/// The days a schedule covers.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Days {
    /// `weekdays`, `weekends` or `daily`.
    Named(String),
    /// A list of weekday abbreviations: `["mon", "tue"]`.
    List(Vec<String>),
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Days {
    /// The covered weekdays as a mask (bit 0 = Monday), or what is wrong.
    pub fn mask(&self) -> Result<u8, String> {
        let day = |d: &str| WEEKDAYS.iter().position(|w| d.trim().eq_ignore_ascii_case(w));
        match self {
            Days::Named(n) => match n.as_str() {
                "weekdays" => Ok(0b001_1111),
                "weekends" => Ok(0b110_0000),
                "daily" => Ok(0b111_1111),
                other => day(other).map(|i| 1 << i).ok_or_else(|| {
                    format!("\"{}\": expected weekdays, weekends, daily or a list like [\"mon\", \"tue\"]", other.escape_debug())
                }),
            },
            Days::List(list) if list.is_empty() => {
                Err("a schedule needs at least one day, e.g. [\"mon\"] or \"weekdays\"".into())
            }
            Days::List(list) => list.iter().try_fold(0u8, |m, d| {
                day(d).map(|i| m | 1 << i).ok_or_else(|| {
                    format!("\"{}\" is not a weekday (mon, tue, wed, thu, fri, sat, sun)", d.escape_debug())
                })
            }),
        }
    }
}

/// One phase of a schedule. Ramp-up and ramp-down carry the minimum percentage and the
/// capacity threshold; peak inherits ramp-up's, off-peak ramp-down's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseSpec {
    /// Time of day the phase starts.
    pub start: TimeOfDay,
    /// Load balancing during the phase (default: breadth-first in ramp-up, depth-first after).
    pub load_balancer: Option<LoadBalancer>,
    /// Minimum percentage of all hosts kept running (0–100, rounded up to hosts).
    pub min_hosts_pct: Option<i64>,
    /// Used capacity above this (1–100 %) starts hosts.
    pub capacity_threshold_pct: Option<i64>,
    /// Ramp-down: sign users out of hosts being stopped after `wait`.
    pub force_logoff: Option<bool>,
    /// Ramp-down: how long users are warned before a forced log-off.
    pub wait: Option<Duration>,
    /// Ramp-down without force log-off: when a drained host is stopped.
    pub stop_hosts_when: Option<StopHostsWhen>,
    /// Dynamic method: the fewest hosts the pool keeps.
    pub min_pool_size: Option<i64>,
    /// Dynamic method: the most hosts the pool may have.
    pub max_pool_size: Option<i64>,
    /// Personal plans: Start VM on Connect while the phase holds (default on).
    pub start_vm_on_connect: Option<bool>,
    /// Personal plans: what happens to a host whose user disconnected, and after how long.
    pub on_disconnect: Option<PowerAfter>,
    /// Personal plans: what happens to a host whose user logged off, and after how long.
    pub on_logoff: Option<PowerAfter>,
    /// Personal plans, ramp-up only: which stopped hosts start when the phase begins.
    pub auto_start_hosts: Option<AutoStartHosts>,
}

/// A personal plan's power action on an idle host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdleAction {
    /// Leave the host running.
    #[default]
    None,
    /// Deallocate it (a disconnected session on it ends).
    Deallocate,
    /// Hibernate it (a disconnected session on it is kept; resuming is faster than a boot).
    Hibernate,
}

/// `{ wait = "30m", action = "hibernate" }`: after a user disconnects or logs off.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerAfter {
    /// How long the plan waits (0 to 360 minutes).
    pub wait: Duration,
    /// What it does then.
    pub action: IdleAction,
}

/// The longest wait a personal plan allows before acting on an idle host.
pub const MAX_IDLE_WAIT: Duration = Duration(360 * MINUTE);

/// Which hosts a personal plan starts when ramp-up begins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoStartHosts {
    /// None: users' hosts start when they connect (Start VM on Connect).
    #[default]
    None,
    /// Hosts that have an assigned user.
    WithAssignedUser,
    /// Every host.
    All,
}

/// One schedule: a set of weekdays and its four phases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSpec {
    /// A name for traces and errors.
    pub name: String,
    /// The days it covers.
    pub days: Days,
    /// Ramp-up phase.
    pub ramp_up: PhaseSpec,
    /// Peak phase.
    pub peak: PhaseSpec,
    /// Ramp-down phase.
    pub ramp_down: PhaseSpec,
    /// Off-peak phase (lasts to the next ramp-up, across days without a schedule).
    pub off_peak: PhaseSpec,
}

impl ScheduleSpec {
    /// The phases in order, with their keys.
    pub fn phases(&self) -> [(&'static str, &PhaseSpec); 4] {
        [
            ("ramp_up", &self.ramp_up),
            ("peak", &self.peak),
            ("ramp_down", &self.ramp_down),
            ("off_peak", &self.off_peak),
        ]
    }
}

/// The older scaling script's peak hours.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeakHours {
    /// `BeginPeakTime`.
    pub start: TimeOfDay,
    /// `EndPeakTime`.
    pub end: TimeOfDay,
}

/// The `[autoscale]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoscaleSpec {
    /// Scaling plan or the older script.
    #[serde(default)]
    pub kind: ScalerKind,
    /// Power management (default) or dynamic.
    #[serde(default)]
    pub method: ScalingMethod,
    /// Time from a start to a running host (default uniform 2–5 minutes).
    #[serde(default = "default_boot_time")]
    pub boot_time: SessionDist,
    /// Plans: session events are batched this long before an evaluation.
    #[serde(default = "default_evaluation_delay")]
    pub evaluation_delay: Duration,
    /// Plans: the periodic check for missed events.
    #[serde(default = "default_check_interval")]
    pub check_interval: Duration,
    /// Hosts running at time 0 (default: what the plan or script asks at time 0; none in a
    /// personal pool).
    pub initial_running: Option<i64>,
    /// Dynamic method: time from a host's creation to its registration (as `add_hosts`;
    /// default fixed 10 minutes).
    #[serde(default = "super::add_hosts::default_provisioning")]
    pub provisioning: SessionDist,
    /// Dynamic method: a registered host's agent upgrade (as `add_hosts`; default 5 minutes).
    #[serde(default = "super::add_hosts::default_agent_upgrade")]
    pub agent_upgrade: SessionDist,
    /// Personal plans: time from a resume to a running host (default uniform 30s–1m).
    pub resume_time: Option<SessionDist>,
    /// Personal plans: a running host nobody signs into is deallocated after this (the
    /// service's length is undocumented; default 1h).
    pub stop_unused_after: Option<Duration>,
    /// Hosts (by name) never started, stopped or drained.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Plans: the schedules.
    #[serde(default)]
    pub schedules: Vec<ScheduleSpec>,
    /// What autoscale does while a session host update runs.
    #[serde(default)]
    pub during_update: DuringUpdate,
    /// Script: the runbook's period.
    #[serde(default = "default_interval")]
    pub interval: Duration,
    /// Script: `BeginPeakTime`–`EndPeakTime`.
    pub peak: Option<PeakHours>,
    /// Script: `SessionThresholdPerCPU`.
    pub session_threshold_per_cpu: Option<f64>,
    /// Script: vCPUs per host (default: the pool's, when it is sized by vCPUs).
    pub vcpus: Option<i64>,
    /// Script: `MinimumNumberOfRDSH`.
    pub min_hosts: Option<i64>,
    /// Script: `LimitSecondsToForceLogOffUser` (0 = never force).
    #[serde(default)]
    pub force_logoff_after: Duration,
}

impl AutoscaleSpec {
    /// Personal plans: the resume time (default uniform 30 seconds to 1 minute).
    pub fn resume_time_dist(&self) -> SessionDist {
        self.resume_time
            .clone()
            .unwrap_or(SessionDist::Uniform { min: Duration(30 * SECOND), max: Duration(MINUTE) })
    }

    /// Personal plans: how long a running host nobody signs into stays on (default 1h).
    pub fn stop_unused_after(&self) -> Duration {
        self.stop_unused_after.unwrap_or(Duration(HOUR))
    }
}

fn default_boot_time() -> SessionDist {
    SessionDist::Uniform { min: Duration(2 * MINUTE), max: Duration(5 * MINUTE) }
}
fn default_evaluation_delay() -> Duration {
    Duration(MINUTE)
}
fn default_check_interval() -> Duration {
    Duration(5 * MINUTE)
}
fn default_interval() -> Duration {
    Duration(15 * MINUTE)
}

/// The `[cost]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostSpec {
    /// Currency code, for reports.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Price per running (allocated) host-hour.
    pub host_hour: f64,
    /// Price per deallocated host-hour (disks).
    #[serde(default)]
    pub stopped_host_hour: f64,
}

fn default_currency() -> String {
    "EUR".to_string()
}
