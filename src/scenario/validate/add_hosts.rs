//! Checks of `add_hosts` actions: naming rules, deployment sizes, key lifetimes.

use super::rules::{Check, MAX_HOSTS_PER_POOL, MAX_NAME_LEN, MAX_PREFIX_LEN, fail, session_dist};
use crate::scenario::actions::ActionSpec;
use crate::scenario::add_hosts::{MAX_HOSTS_PER_DEPLOYMENT, MAX_KEY_LIFETIME, MIN_KEY_LIFETIME};
use crate::scenario::spec::{Scenario, planned_names};
use std::collections::BTreeSet;

/// Checks every `add_hosts` action: counts, key lifetime, and the naming rules.
pub fn check(s: &Scenario) -> Check {
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
