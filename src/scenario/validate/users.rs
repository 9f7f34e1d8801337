//! Checks of logon, retry, attendance and `set_max_sessions`.

use super::rules::{Check, fail, session_dist};
use crate::scenario::workload::MAX_ATTEMPTS;
use crate::scenario::{ActionSpec, MAX_SESSION_LIMIT, PoolKind, Scenario};

/// Checks logon, retry, attendance and `set_max_sessions`.
pub fn check(s: &Scenario) -> Check {
    let w = &s.workload;
    if let Some(logon) = &w.logon {
        session_dist(logon, "workload.logon")?;
    }
    if let Some(r) = &w.retry {
        if w.replay.is_some() {
            return fail(
                "workload.retry",
                "a replay's logins and their timing are the log's; remove retry",
            );
        }
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
