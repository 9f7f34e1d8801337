//! The event trace of one replication (`trace.csv` with `--trace`).

use crate::engine::SimTime;

/// One traced event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRecord {
    /// When it happened.
    pub time: SimTime,
    /// What happened (`login`, `login_failed`, `logoff`, `drain_on`…).
    pub kind: &'static str,
    /// The host involved, by name.
    pub host: Option<String>,
    /// The user involved, by name.
    pub user: Option<String>,
    /// Anything else worth knowing (a failure reason, a session's length…).
    pub detail: String,
}
