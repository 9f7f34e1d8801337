//! The metric contract: every metric poolsim reports, in a fixed order, with the direction
//! that counts as better. Outputs, summaries and regression checks all read this one list.

/// Which way a metric should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better (failures, disruption).
    Lower,
    /// Larger is better (availability, free capacity).
    Higher,
    /// Descriptive only; never a regression.
    Neither,
}

/// One metric's definition.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    /// Stable name, used as a CSV column and JSON key.
    pub name: &'static str,
    /// Which direction is better.
    pub better: Better,
    /// One-line meaning, for the README and reports.
    pub help: &'static str,
}

/// Declares the metrics once: a typed identifier per metric (so a misspelt metric does not
/// compile) and the catalog row with its name, direction and meaning, in output order.
macro_rules! metrics {
    ($($(#[$doc:meta])* $id:ident = $name:literal, $better:ident, $help:literal;)*) => {
        /// A metric's typed identifier; `Metric::X as usize` is its position in [`METRICS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Metric {
            $($(#[$doc])* #[doc = $help] $id,)*
        }

        /// All metrics, in output order.
        pub const METRICS: &[MetricDef] = &[
            $(MetricDef { name: $name, better: Better::$better, help: $help },)*
        ];
    };
}

metrics! {
    LoginsAttempted = "logins_attempted", Neither, "logins tried, including reconnections";
    LoginsSucceeded = "logins_succeeded", Neither, "logins that got a session";
    LoginsFailed = "logins_failed", Lower, "logins refused (no host could take them)";
    LoginFailureRate = "login_failure_rate", Lower, "logins_failed / logins_attempted";
    LoginFailuresNoCapacity = "login_failures_no_capacity", Lower,
        "failed: no available host below its session limit";
    ForcedLogoffs = "forced_logoffs", Lower,
        "sessions ended by the service or an admin, not the user";
    HostAvailability = "host_availability", Higher,
        "time-weighted share of hosts Available and accepting sessions";
    PeakSessions = "peak_sessions", Neither, "most sessions (active + disconnected) at once";
    MinFreeSlots = "min_free_slots", Higher,
        "fewest free session slots on accepting hosts at any time";
    // --- Session host updates and lifecycle (model/update.rs, model/lifecycle.rs) ---
    UpdateCompletionMinutes = "update_completion_minutes", Lower,
        "update start to last host done (longest over updates; absent when none finished)";
    UpdateHostsCompleted = "update_hosts_completed", Higher,
        "hosts on the new version after their update";
    UpdateHostsFailed = "update_hosts_failed", Lower, "hosts whose last update attempt failed";
    UpdateStatus = "update_status", Neither,
        "last update: 0 succeeded, 1 failed, 2 canceled, 3 paused, 4 running, 5 scheduled";
    MinAvailableHostsDuringUpdate = "min_available_hosts_during_update", Higher,
        "fewest hosts Available and not drained while an update ran";
    ForcedLogoffsUpdate = "forced_logoffs_update", Lower, "sessions logged off by an update";
    UserMinutesDisrupted = "user_minutes_disrupted", Lower,
        "planned active minutes users spent without a session after an update signed them out";
    AdminDrainRefused = "admin_drain_refused", Neither,
        "admin drain actions refused during an update";
    UpdateActionsIgnored = "update_actions_ignored", Neither,
        "pause/resume/cancel/retry that did not apply";
    UpdatesRefused = "updates_refused", Lower, "updates refused: another was running or paused";
    HostsAdded = "hosts_added", Neither, "deployed hosts that registered and joined the pool";
    HostsRegistrationExpired = "hosts_registration_expired", Lower,
        "deployed hosts that registered after the registration key expired";
    // Personal pools and RDS personal session collections (model/personal.rs). The failure
    // columns are 0 for pooled pools; the rest are absent there.
    LoginFailuresNoUnassignedHost = "login_failures_no_unassigned_host", Lower,
        "failed: automatic assignment found no unassigned available host";
    LoginFailuresNoResourcesAvailable = "login_failures_no_resources_available", Lower,
        "failed: the user has no assigned host and the pool does not assign automatically";
    LoginFailuresHostUnavailable = "login_failures_host_unavailable", Lower,
        "failed: the user's host is down, drained, or stopped without Start VM on Connect";
    LoginWaitP95Seconds = "login_wait_p95_seconds", Lower,
        "95th percentile of Start VM on Connect waits (logins that waited for a boot)";
    LoginsWaitedForBoot = "logins_waited_for_boot", Neither,
        "logins that waited for their host to boot";
    AssignmentActionsRefused = "assignment_actions_refused", Lower,
        "scheduled assign/reassign actions the run-time assignments did not allow";
    HostsAssigned = "hosts_assigned", Neither, "hosts with an owner at the end of the run";
    // Power, autoscale and cost (model/power.rs): absent unless the scenario has [autoscale],
    // [cost] or pooled Start VM on Connect.
    HostHoursRunning = "host_hours_running", Lower,
        "host-hours allocated (running or starting: billed)";
    HostHoursStopped = "host_hours_stopped", Neither,
        "host-hours deallocated (only the disks are billed)";
    Cost = "cost", Lower, "host_hours_running x host_hour + host_hours_stopped x stopped_host_hour (with [cost])";
    PeakHostsRunning = "peak_hosts_running", Neither, "most hosts allocated at once";
    HostsStarted = "hosts_started", Neither, "host starts (autoscale, Start VM on Connect)";
    HostsStopped = "hosts_stopped", Neither, "host deallocations by autoscale";
    ForcedLogoffsScaling = "forced_logoffs_scaling", Lower,
        "sessions ended by autoscale (ramp-down force log-off, stopping a host)";
    MeanCapacityUsedPct = "mean_capacity_used_pct", Neither,
        "time-weighted sessions / (limit x hosts open for new sessions), in percent";
    LoginFailuresHostStarting = "login_failures_host_starting", Lower,
        "logins that failed while a host was booting (they missed it, or it came up full)";
    HostsCreated = "hosts_created", Neither,
        "hosts created by dynamic autoscaling (counted when creation starts)";
    HostsDeleted = "hosts_deleted", Neither, "hosts deleted by dynamic autoscaling";
    // --- Replayed connection logs (model/replay.rs); absent for synthetic workloads ---
    LogConnections = "log_connections", Neither,
        "connections of the replayed log that log in within the measured time";
    LogFailedConnections = "log_failed_connections", Neither,
        "of those, connections that failed in the log (Started, never Connected)";
    LogRowsSkipped = "log_rows_skipped", Neither,
        "log rows left out: other host pools, connections begun before the log";
}

/// Position of metric `name` in [`METRICS`].
pub fn index_of(name: &str) -> Option<usize> {
    METRICS.iter().position(|d| d.name == name)
}

/// The definition of metric `name`.
pub fn def(name: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|d| d.name == name)
}

/// One replication's metric values, aligned with [`METRICS`]; `None` where a metric does not
/// apply (e.g. a failure rate with no login).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricValues(pub Vec<Option<f64>>);

impl MetricValues {
    /// All metrics absent.
    pub fn empty() -> Self {
        MetricValues(vec![None; METRICS.len()])
    }

    /// Sets a metric.
    pub fn set(&mut self, metric: Metric, value: Option<f64>) {
        self.0[metric as usize] = value;
    }

    /// The value of metric `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        index_of(name).and_then(|i| self.0[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_snake_case() {
        for (i, d) in METRICS.iter().enumerate() {
            assert!(
                d.name.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
            );
            assert_eq!(index_of(d.name), Some(i), "{} is listed twice", d.name);
        }
    }

    #[test]
    fn typed_ids_point_at_their_catalog_rows() {
        assert_eq!(METRICS[Metric::LoginsAttempted as usize].name, "logins_attempted");
        assert_eq!(METRICS[Metric::HostsAssigned as usize].name, "hosts_assigned");
        assert_eq!(METRICS[Metric::HostsAssigned as usize].name, "hosts_assigned");
        assert_eq!(METRICS.len(), Metric::LogRowsSkipped as usize + 1);
    }
}
