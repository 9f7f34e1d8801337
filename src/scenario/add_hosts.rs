//! The `add_hosts` admin action: deploy new session hosts that register with the pool's
//! registration key — and the naming rules they must follow.

use super::duration::Duration;
use super::instant::At;
use super::names::host_name;
use super::validate::{MAX_HOSTS_PER_POOL, MAX_NAME_LEN, MAX_PREFIX_LEN};
use super::workload::SessionDist;
use super::{ActionSpec, Scenario};
use crate::engine::time::{DAY, HOUR, MINUTE};
use std::collections::BTreeSet;

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

fn default_provisioning() -> SessionDist {
    SessionDist::Fixed { value: Duration(10 * MINUTE) }
}

fn default_agent_upgrade() -> SessionDist {
    SessionDist::Fixed { value: Duration(5 * MINUTE) }
}

fn default_key_lifetime() -> Duration {
    Duration(24 * HOUR)
}

/// The names of every host a scenario ever has: the initial ones, then each deployment's.
/// A deployment with the pool's prefix (or none) numbers on after the highest number used so
/// far under that prefix; another prefix starts at 0 (or continues its own numbering).
pub fn planned_names(s: &Scenario) -> Vec<Vec<String>> {
    let mut next: Vec<(String, u64)> =
        vec![(s.pool.name_prefix.clone(), s.pool.host_count() as u64)];
    let mut out = Vec::new();
    for a in &s.actions {
        let ActionSpec::AddHosts(spec) = a else { continue };
        let prefix = spec.name_prefix.clone().unwrap_or_else(|| s.pool.name_prefix.clone());
        let i = match next.iter().position(|(p, _)| *p == prefix) {
            Some(i) => i,
            None => {
                next.push((prefix.clone(), 0));
                next.len() - 1
            }
        };
        let first = next[i].1;
        let count = spec.count.clamp(0, MAX_HOSTS_PER_DEPLOYMENT) as u64;
        next[i].1 += count;
        out.push((first..first + count).map(|n| host_name(&prefix, n)).collect());
    }
    out
}

type Check = Result<(), (String, String)>;

fn fail(field: impl Into<String>, msg: impl Into<String>) -> Check {
    Err((field.into(), msg.into()))
}

/// Checks every `add_hosts` action: counts, key lifetime, and the naming rules.
pub fn check(s: &Scenario, session_dist: impl Fn(&SessionDist, &str) -> Check) -> Check {
    let mut total = s.pool.hosts;
    for (i, a) in s.actions.iter().enumerate() {
        let ActionSpec::AddHosts(spec) = a else { continue };
        let field = format!("actions[{i}]");
        if !(1..=MAX_HOSTS_PER_DEPLOYMENT).contains(&spec.count) {
            return fail(
                format!("{field}.count"),
                format!(
                    "must be 1 to {MAX_HOSTS_PER_DEPLOYMENT} hosts per deployment (got {})",
                    spec.count
                ),
            );
        }
        total += spec.count;
        if total > MAX_HOSTS_PER_POOL {
            return fail(
                format!("{field}.count"),
                format!("the pool would have {total} hosts; at most {MAX_HOSTS_PER_POOL} allowed"),
            );
        }
        if let Some(p) = &spec.name_prefix
            && (p.is_empty()
                || p.len() > MAX_PREFIX_LEN
                || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            return fail(
                format!("{field}.name_prefix"),
                format!("must be 1 to {MAX_PREFIX_LEN} letters, digits or hyphens (got \"{p}\")"),
            );
        }
        if !(MIN_KEY_LIFETIME..=MAX_KEY_LIFETIME).contains(&spec.key_valid_for) {
            return fail(
                format!("{field}.key_valid_for"),
                format!("a registration key lives 1 hour to 27 days (got {})", spec.key_valid_for),
            );
        }
        session_dist(&spec.provisioning, &format!("{field}.provisioning"))?;
        session_dist(&spec.agent_upgrade, &format!("{field}.agent_upgrade"))?;
    }
    unique_short_names(s)
}

fn unique_short_names(s: &Scenario) -> Check {
    // The initial names are unique by construction; listing them (thousands of strings) for
    // every point of a large sweep made planning take a minute.
    if !s.actions.iter().any(|a| matches!(a, ActionSpec::AddHosts(_))) {
        return Ok(());
    }
    let initial = (0..s.pool.host_count()).map(|n| format!("{}-{n}", s.pool.name_prefix));
    let mut seen: BTreeSet<String> = initial.collect();
    let deployments =
        s.actions.iter().enumerate().filter(|(_, a)| matches!(a, ActionSpec::AddHosts(_)));
    for ((i, _), names) in deployments.zip(planned_names(s)) {
        for name in names {
            if name.len() > MAX_NAME_LEN {
                return fail(
                    format!("actions[{i}].name_prefix"),
                    format!("host name \"{name}\" is longer than {MAX_NAME_LEN} characters"),
                );
            }
            if !seen.insert(name.clone()) {
                return fail(
                    format!("actions[{i}].name_prefix"),
                    format!("host name \"{name}\" is already taken; names must be unique"),
                );
            }
        }
    }
    Ok(())
}
