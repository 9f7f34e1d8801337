//! Rules shared by the scenario checks: the service's naming limits, the one-line failure
//! shape, and checks that several tables reuse (a length distribution, a host that must exist,
//! a name prefix). A leaf: it imports no check.

use crate::scenario::names::host_number;
use crate::scenario::{Scenario, SessionDist};

/// The service's limit on session hosts in one pool.
pub const MAX_HOSTS_PER_POOL: i64 = 10_000;
/// Longest host name prefix the service accepts.
pub const MAX_PREFIX_LEN: usize = 11;
/// Longest whole host name (prefix, hyphen and number) the service accepts.
pub const MAX_NAME_LEN: usize = 15;

/// A check's result: the field and what is wrong with it.
pub type Check = Result<(), (String, String)>;

pub fn fail(field: impl Into<String>, msg: impl Into<String>) -> Check {
    Err((field.into(), msg.into()))
}

/// Checks that `host` names one of the pool's initial hosts.
pub fn known_host(s: &Scenario, host: &str, field: &str) -> Check {
    let count = s.pool.hosts as u64;
    let prefix = &s.pool.name_prefix;
    let known = host_number(host, prefix).is_some_and(|n| n < count);
    if known {
        return Ok(());
    }
    fail(
        field,
        format!("no host named \"{host}\" (hosts are {prefix}-0 to {prefix}-{})", count - 1),
    )
}

/// The naming rules: prefix of 1 to 11 letters, digits or hyphens; `<prefix>-<n>` at most 15.
pub fn host_names(prefix: &str, count: u64) -> Check {
    let field = "pool.name_prefix";
    if prefix.is_empty() || prefix.len() > MAX_PREFIX_LEN {
        return fail(field, format!("must be 1 to {MAX_PREFIX_LEN} characters (got \"{prefix}\")"));
    }
    if !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return fail(field, format!("\"{prefix}\": only letters, digits and hyphens are allowed"));
    }
    let longest = format!("{prefix}-{}", count.saturating_sub(1));
    if longest.len() > MAX_NAME_LEN {
        return fail(
            field,
            format!("host name \"{longest}\" is longer than {MAX_NAME_LEN} characters"),
        );
    }
    Ok(())
}

pub fn session_dist(d: &SessionDist, field: &str) -> Check {
    match d {
        SessionDist::Fixed { value } if value.0 == 0 => {
            fail(format!("{field}.value"), "must be longer than zero")
        }
        SessionDist::Exponential { mean } if mean.0 == 0 => {
            fail(format!("{field}.mean"), "must be longer than zero")
        }
        SessionDist::Lognormal { mean, .. } if mean.0 == 0 => {
            fail(format!("{field}.mean"), "must be longer than zero")
        }
        SessionDist::Uniform { min, max } if min > max || max.0 == 0 => fail(
            field,
            format!("uniform needs 0 <= min <= max and max > 0 (got min {min}, max {max})"),
        ),
        _ => Ok(()),
    }
}
