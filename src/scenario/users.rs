//! Users as they behave: how long a logon takes, whether a refused user tries again, and who
//! comes in at all on a given day — the `workload.logon`, `workload.retry` and
//! `workload.attendance` keys, and the `set_max_sessions` action's checks.

use super::workload::SessionDist;
use super::{ActionSpec, MAX_SESSION_LIMIT, PoolKind, Scenario};
use serde::Deserialize;

/// Most attempts a user makes (the first one included).
pub const MAX_ATTEMPTS: i64 = 100;

/// `workload.retry = { attempts = 3, after = { dist = "exponential", mean = "2m" } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Attempts in all, the first included: 1 means a refused user gives up at once.
    pub attempts: i64,
    /// Time between a refusal and the next attempt.
    pub after: SessionDist,
}

type Check = Result<(), (String, String)>;

fn fail(field: impl Into<String>, msg: impl Into<String>) -> Check {
    Err((field.into(), msg.into()))
}

/// Checks logon, retry, attendance and `set_max_sessions`.
pub fn check(s: &Scenario, session_dist: impl Fn(&SessionDist, &str) -> Check) -> Check {
    let w = &s.workload;
    if let Some(logon) = &w.logon {
        session_dist(logon, "workload.logon")?;
    }
    if let Some(r) = &w.retry {
        if !(1..=MAX_ATTEMPTS).contains(&r.attempts) {
            return fail(
                "workload.retry.attempts",
                format!(
                    "must be 1 to {MAX_ATTEMPTS} (the first attempt included; got {})",
                    r.attempts
                ),
            );
        }
        session_dist(&r.after, "workload.retry.after")?;
    }
    if let Some(p) = w.attendance {
        if !(p > 0.0 && p <= 1.0) {
            return fail("workload.attendance", format!("must be above 0 and at most 1 (got {p})"));
        }
        if w.users.is_none() {
            return fail(
                "workload.attendance",
                "needs a named population (workload.users): attendance is per user and day",
            );
        }
    }
    for (i, a) in s.actions.iter().enumerate() {
        let ActionSpec::SetMaxSessions { max_sessions, .. } = a else { continue };
        let field = format!("actions[{i}].max_sessions");
        if s.pool.kind != PoolKind::Pooled {
            return fail(field, "the max session limit applies to pooled host pools only");
        }
        if !(1..=i64::from(MAX_SESSION_LIMIT)).contains(max_sessions) {
            return fail(field, format!("must be 1 to {MAX_SESSION_LIMIT} (got {max_sessions})"));
        }
    }
    Ok(())
}
