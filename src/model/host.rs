//! A session host: its status, drain mode, sessions and configuration version.

use super::session::SessionId;

/// Index of a host in its pool; also its stable order (creation order, i.e. by the number in
/// its name: `sh-2` before `sh-10`).
pub type HostId = u32;

/// Health status of a session host, as the service reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostStatus {
    /// Healthy and routable.
    Available,
    /// Not routable (agent upgrading, failed health checks, a failed rollback…).
    Unavailable,
    /// The VM is stopped (deallocated). Start VM on Connect can boot a personal one.
    Shutdown,
    /// Being replaced by a session host update: not routable, counted apart.
    Updating,
    /// Powering on after a start (autoscale, Start VM on Connect): billed, not routable
    /// (`model/power.rs`, `model/personal.rs`).
    Starting,
    /// Personal pools: hibernated by the scaling plan — not routable, not billed (disks
    /// are), a disconnected session on it kept; resumes faster than a boot.
    Hibernated,
    /// Deleted by dynamic autoscaling: no longer in the pool (kept only so host ids stay
    /// stable); counted nowhere.
    Deleted,
}

impl HostStatus {
    /// Only Available hosts receive new sessions (the service also routes to NeedsAssistance,
    /// which poolsim does not model separately).
    pub fn accepts_sessions(self) -> bool {
        self == HostStatus::Available
    }

    /// Deallocated or hibernated: not billed (only disks are), not routable.
    pub fn is_stopped(self) -> bool {
        matches!(self, HostStatus::Shutdown | HostStatus::Hibernated)
    }

    /// Name used in traces and outputs.
    pub fn name(self) -> &'static str {
        match self {
            HostStatus::Available => "available",
            HostStatus::Unavailable => "unavailable",
            HostStatus::Shutdown => "shutdown",
            HostStatus::Updating => "updating",
            HostStatus::Starting => "starting",
            HostStatus::Hibernated => "hibernated",
            HostStatus::Deleted => "deleted",
        }
    }
}

/// One session host.
#[derive(Debug, Clone)]
pub struct Host {
    /// Host name, `<prefix>-<n>`.
    pub name: String,
    /// Health status.
    pub status: HostStatus,
    /// Drain mode: existing sessions stay, no new session lands here.
    pub drain: bool,
    /// Sessions on this host, active and disconnected (both count toward the limit).
    pub sessions: Vec<SessionId>,
    /// Configuration version the host runs (bumped by session host updates).
    pub version: u32,
    /// Personal pools: the host has an owner, so only that user lands here and the load
    /// balancer never offers it to anyone else.
    pub owned: bool,
}

impl Host {
    /// A new, Available host with no sessions at version 0.
    pub fn new(name: String) -> Self {
        Self {
            name,
            status: HostStatus::Available,
            drain: false,
            sessions: Vec::new(),
            version: 0,
            owned: false,
        }
    }

    /// Number of sessions counted toward the session limit.
    pub fn session_count(&self) -> u32 {
        self.sessions.len() as u32
    }

    /// True when the host is healthy and not drained: it would take a new session if it had
    /// room.
    pub fn open_for_new_sessions(&self) -> bool {
        self.status.accepts_sessions() && !self.drain
    }

    /// True when a user with a session here can get back to it (reconnect): the host is up,
    /// even in drain mode.
    pub fn reachable(&self) -> bool {
        self.status.accepts_sessions()
    }
}
