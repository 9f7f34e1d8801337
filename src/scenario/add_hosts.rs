//! The `add_hosts` admin action: deploy new session hosts that register with the pool's
//! registration key — and the naming rules they must follow.

use super::duration::Duration;
use super::instant::At;
use super::workload::SessionDist;
use crate::engine::time::{DAY, HOUR, MINUTE};

/// Most hosts in one deployment.
pub const MAX_HOSTS_PER_DEPLOYMENT: i64 = 400;
/// Shortest registration key lifetime the service accepts.
pub const MIN_KEY_LIFETIME: Duration = Duration(HOUR);
/// Longest registration key lifetime poolsim accepts (the public docs: 27 days).
pub const MAX_KEY_LIFETIME: Duration = Duration(27 * DAY);

/// One deployment of new hosts.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddHostsSpec {
    /// When the deployment starts (and the registration key is generated).
    pub at: At,
    /// How many hosts (1 to 400).
    pub count: i64,
    /// Name prefix; absent: the pool's, numbering after its highest host.
    pub name_prefix: Option<String>,
    /// Time from deployment to registration, per host (default: fixed 10 minutes).
    #[serde(default = "default_provisioning")]
    pub provisioning: SessionDist,
    /// Time a registered host stays Unavailable while its agent upgrades (default 5 minutes).
    #[serde(default = "default_agent_upgrade")]
    pub agent_upgrade: SessionDist,
    /// Lifetime of the registration key, from `at` (1 hour to 27 days; default 24 hours). A
    /// host whose registration completes later does not join.
    #[serde(default = "default_key_lifetime")]
    pub key_valid_for: Duration,
}

/// Default time from deployment to registration (also dynamic autoscaling's).
pub fn default_provisioning() -> SessionDist {
    SessionDist::Fixed { value: Duration(10 * MINUTE) }
}

/// Default agent upgrade time (also dynamic autoscaling's).
pub fn default_agent_upgrade() -> SessionDist {
    SessionDist::Fixed { value: Duration(5 * MINUTE) }
}

fn default_key_lifetime() -> Duration {
    Duration(24 * HOUR)
}
