//! The `[update]` table (or a list of `[[updates]]`): a batched session host update of a
//! pooled pool, as the service schedules it — and the checks its parameters must pass.

use super::duration::Duration;
use super::instant::At;
use super::workload::SessionDist;
use crate::engine::time::{DAY, MINUTE};
use serde::Deserialize;

/// The longest log-off delay the service accepts.
pub const MAX_LOGOFF_DELAY: Duration = Duration(60 * MINUTE);
/// How far ahead an update may be scheduled (two weeks).
pub const MAX_SCHEDULE_AHEAD: Duration = Duration(14 * DAY);

/// One session host update.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSpec {
    /// When the update starts: an offset, a time of day or a weekday and time.
    pub start: At,
    /// When the admin schedules it (default: the start of the run); `start` must lie at most
    /// two weeks after it.
    #[serde(default)]
    pub scheduled_at: At,
    /// The most hosts removed from service at a time (after the initial host).
    pub batch_size: i64,
    /// Time between the sign-out message and the forced log-off of a batch (0 to 60 minutes;
    /// the portal's default is 2).
    #[serde(default = "default_logoff_delay")]
    pub logoff_delay: Duration,
    /// What the log-off delay counts from: each batch's sign-out message (the process page's
    /// reading, default) or the update's start (the scheduling page's wording).
    #[serde(default)]
    pub logoff_delay_from: DelayFrom,
    /// Time to replace one host from the new configuration (default: fixed 20 minutes).
    #[serde(default = "default_update_time")]
    pub host_update_time: SessionDist,
    /// Chance that a host's update attempt fails (the host is then rolled back).
    #[serde(default)]
    pub failure_probability: f64,
    /// Chance that rolling a failed host back fails too (the host stays unavailable). Ignored
    /// with `keep_original_vms`: the original VM is simply restored.
    #[serde(default)]
    pub rollback_failure_probability: f64,
    /// Keep the original VMs so a failed host can always be rolled back (at extra cost).
    #[serde(default)]
    pub keep_original_vms: bool,
    /// Hosts (by name) whose first update attempt fails: a what-if for a known-bad host.
    #[serde(default)]
    pub failing_hosts: Vec<String>,
    /// Which hosts go first.
    #[serde(default)]
    pub order: UpdateOrder,
}

/// What the log-off delay counts from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayFrom {
    /// Each batch waits the delay after its sign-out message.
    #[default]
    Batch,
    /// Users are warned at the update's start; no batch signs anybody out before the delay
    /// has passed since then, later batches sign out at once.
    UpdateStart,
}

/// The order in which hosts are taken into batches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateOrder {
    /// By name, numbers compared as numbers (`sh-2` before `sh-10`): the service's order.
    #[default]
    ByName,
    /// At each batch, the pending hosts with the fewest sessions (ties by name): fewer users
    /// signed out.
    FewestSessions,
}

fn default_logoff_delay() -> Duration {
    Duration(2 * MINUTE)
}

fn default_update_time() -> SessionDist {
    SessionDist::Fixed { value: Duration(20 * MINUTE) }
}
