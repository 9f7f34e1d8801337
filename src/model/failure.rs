//! Why a login fails: a model concept that the recorder counts per reason.

/// Why a login failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureReason {
    /// No Available, non-drained host below its session limit.
    NoCapacity,
    /// Personal, automatic assignment: no unassigned available host for a new user.
    NoUnassignedHost,
    /// Personal: the user has no host and the pool does not assign one (the portal's
    /// "No resources available").
    NoResourcesAvailable,
    /// Personal: the user's host is not routable (down, drained, or stopped without Start VM
    /// on Connect).
    HostUnavailable,
}

impl FailureReason {
    /// All reasons, in metric order.
    pub const ALL: [FailureReason; 4] = [
        FailureReason::NoCapacity,
        FailureReason::NoUnassignedHost,
        FailureReason::NoResourcesAvailable,
        FailureReason::HostUnavailable,
    ];

    /// The reason as it appears in metric names (`login_failures_<reason>`) and traces.
    pub fn name(self) -> &'static str {
        match self {
            FailureReason::NoCapacity => "no_capacity",
            FailureReason::NoUnassignedHost => "no_unassigned_host",
            FailureReason::NoResourcesAvailable => "no_resources_available",
            FailureReason::HostUnavailable => "host_unavailable",
        }
    }
}
