//! The `[update]` table (or a list of `[[updates]]`): a batched session host update of a
//! pooled pool, as the service schedules it — and the checks its parameters must pass.

use super::duration::Duration;
use super::instant::At;
use super::workload::SessionDist;
use super::{PoolKind, Scenario};
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

impl Scenario {
    /// Every update of the scenario, `[update]` or `[[updates]]`, in file order.
    pub fn all_updates(&self) -> &[UpdateSpec] {
        match &self.update {
            Some(u) => std::slice::from_ref(u),
            None => &self.updates,
        }
    }

    /// The field name of update `i`, for messages.
    pub fn update_field(&self, i: usize) -> String {
        if self.update.is_some() { "update".to_string() } else { format!("updates[{i}]") }
    }
}

type Check = Result<(), (String, String)>;

fn fail(field: impl Into<String>, msg: impl Into<String>) -> Check {
    Err((field.into(), msg.into()))
}

/// Checks the updates' parameters against the service's rules.
pub fn check(s: &Scenario, session_dist: impl Fn(&SessionDist, &str) -> Check) -> Check {
    if s.update.is_some() && !s.updates.is_empty() {
        return fail("updates", "give either [update] or [[updates]], not both");
    }
    let mut previous_start: Option<At> = None;
    for (i, u) in s.all_updates().iter().enumerate() {
        let field = s.update_field(i);
        one(s, u, &field)?;
        session_dist(&u.host_update_time, &format!("{field}.host_update_time"))?;
        if let Some(prev) = previous_start
            && u.scheduled_at < prev
        {
            return fail(
                format!("{field}.scheduled_at"),
                "only one update is scheduled per pool at a time: schedule it at or after the \
                 previous update's start",
            );
        }
        previous_start = Some(u.start);
    }
    Ok(())
}

fn one(s: &Scenario, u: &UpdateSpec, field: &str) -> Check {
    if s.pool.kind != PoolKind::Pooled {
        return fail(
            field,
            "session host update is supported for pooled host pools only; personal host pools \
             aren't supported",
        );
    }
    let hosts = s.pool.hosts;
    if !(1..=hosts).contains(&u.batch_size) {
        return fail(
            format!("{field}.batch_size"),
            format!("must be 1 to the pool size {hosts} (got {})", u.batch_size),
        );
    }
    if u.logoff_delay > MAX_LOGOFF_DELAY {
        return fail(
            format!("{field}.logoff_delay"),
            format!("must be 0 to 60 minutes (got {})", u.logoff_delay),
        );
    }
    if u.start < u.scheduled_at {
        return fail(format!("{field}.start"), "is before the update is scheduled (scheduled_at)");
    }
    if u.start.0 - u.scheduled_at.0 > MAX_SCHEDULE_AHEAD.0 {
        return fail(
            format!("{field}.start"),
            "an update can be scheduled at most two weeks (14d) ahead of scheduled_at",
        );
    }
    if u.start.0 > s.duration.0 {
        return fail(
            format!("{field}.start"),
            format!("is after the end of the run ({})", s.duration),
        );
    }
    for (name, p) in [
        ("failure_probability", u.failure_probability),
        ("rollback_failure_probability", u.rollback_failure_probability),
    ] {
        if !(0.0..=1.0).contains(&p) {
            return fail(format!("{field}.{name}"), format!("must be between 0 and 1 (got {p})"));
        }
    }
    for (j, h) in u.failing_hosts.iter().enumerate() {
        super::validate::known_host(s, h, &format!("{field}.failing_hosts[{j}]"))?;
    }
    Ok(())
}

/// Warnings: allowed but probably not meant.
pub fn warnings(s: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, u) in s.all_updates().iter().enumerate() {
        let w = s.warmup;
        if u.start.0 < w.0 {
            out.push((
                format!("{}.start", s.update_field(i)),
                format!(
                    "the update starts inside the warm-up ({w}): forced_logoffs leaves out what \
                     happens before it, the update metrics do not"
                ),
            ));
        }
        if u.logoff_delay_from == DelayFrom::UpdateStart {
            out.push((
                format!("{}.logoff_delay_from", s.update_field(i)),
                "\"update_start\": the delay is waited once, from the update's start; users on \
                 hosts of later batches are signed out with no notice at all"
                    .to_string(),
            ));
        }
        if u.batch_size == s.pool.hosts {
            out.push((
                format!("{}.batch_size", s.update_field(i)),
                format!(
                    "{} equals the pool size: hosts available during the update = pool size - \
                     batch size = 0 (after the initial host, every other host is taken at once)",
                    u.batch_size
                ),
            ));
        }
    }
    out
}
