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

const fn m(name: &'static str, better: Better, help: &'static str) -> MetricDef {
    MetricDef { name, better, help }
}

/// All metrics, in output order.
pub const METRICS: &[MetricDef] = &[
    m("logins_attempted", Better::Neither, "logins tried, including reconnections"),
    m("logins_succeeded", Better::Neither, "logins that got a session"),
    m("logins_failed", Better::Lower, "logins refused (no host could take them)"),
    m("login_failure_rate", Better::Lower, "logins_failed / logins_attempted"),
    m(
        "login_failures_no_capacity",
        Better::Lower,
        "failed: no available host below its session limit",
    ),
    m("forced_logoffs", Better::Lower, "sessions ended by the service or an admin, not the user"),
    m(
        "host_availability",
        Better::Higher,
        "time-weighted share of hosts Available and accepting sessions",
    ),
    m("peak_sessions", Better::Neither, "most sessions (active + disconnected) at once"),
    m("min_free_slots", Better::Higher, "fewest free session slots on accepting hosts at any time"),
    // --- Session host updates and lifecycle (model/update.rs, model/lifecycle.rs) ---
    m(
        "update_completion_minutes",
        Better::Lower,
        "update start to last host done (longest over updates; absent when none finished)",
    ),
    m("update_hosts_completed", Better::Higher, "hosts on the new version after their update"),
    m("update_hosts_failed", Better::Lower, "hosts whose last update attempt failed"),
    m(
        "update_status",
        Better::Neither,
        "last update: 0 succeeded, 1 failed, 2 canceled, 3 paused, 4 running, 5 scheduled",
    ),
    m(
        "min_available_hosts_during_update",
        Better::Higher,
        "fewest hosts Available and not drained while an update ran",
    ),
    m("forced_logoffs_update", Better::Lower, "sessions logged off by an update"),
    m(
        "user_minutes_disrupted",
        Better::Lower,
        "planned active minutes users spent without a session after an update signed them out",
    ),
    m("admin_drain_refused", Better::Neither, "admin drain actions refused during an update"),
    m("update_actions_ignored", Better::Neither, "pause/resume/cancel/retry that did not apply"),
    m("updates_refused", Better::Lower, "updates refused: another was running or paused"),
    m("hosts_added", Better::Neither, "deployed hosts that registered and joined the pool"),
    m(
        "hosts_registration_expired",
        Better::Lower,
        "deployed hosts that registered after the registration key expired",
    ),
    // Personal pools and RDS personal session collections (model/personal.rs). The failure
    // columns are 0 for pooled pools; the rest are absent there.
    m(
        "login_failures_no_unassigned_host",
        Better::Lower,
        "failed: automatic assignment found no unassigned available host",
    ),
    m(
        "login_failures_no_resources_available",
        Better::Lower,
        "failed: the user has no assigned host and the pool does not assign automatically",
    ),
    m(
        "login_failures_host_unavailable",
        Better::Lower,
        "failed: the user's host is down, drained, or stopped without Start VM on Connect",
    ),
    m(
        "login_wait_p95_seconds",
        Better::Lower,
        "95th percentile of Start VM on Connect waits (logins that waited for a boot)",
    ),
    m("logins_waited_for_boot", Better::Neither, "logins that waited for their host to boot"),
    m(
        "assignment_actions_refused",
        Better::Lower,
        "scheduled assign/reassign actions the run-time assignments did not allow",
    ),
    m("hosts_assigned", Better::Neither, "hosts with an owner at the end of the run"),
];

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

    /// Sets metric `name`. Panics on an unknown name: that is a programming error caught by
    /// the tests, never user input.
    pub fn set(&mut self, name: &str, value: Option<f64>) {
        let i = index_of(name).unwrap_or_else(|| panic!("metric {name} is not in the catalog"));
        self.0[i] = value;
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
}
