//! Checks of the `[update]`/`[[updates]]` tables against the service's rules.

use super::rules::{Check, fail, known_host, session_dist};
use crate::scenario::instant::At;
use crate::scenario::spec::{PoolKind, Scenario};
use crate::scenario::update::{MAX_LOGOFF_DELAY, MAX_SCHEDULE_AHEAD, UpdateSpec};

/// Checks the updates' parameters against the service's rules.
pub fn check(s: &Scenario) -> Check {
    if s.update.is_some() && !s.updates.is_empty() {
        return fail("updates", "give either [update] or [[updates]], not both");
    }
    let mut previous_start: Option<At> = None;
    for (i, u) in s.all_updates().iter().enumerate() {
        let field = s.update_field(i);
        one(s, u, &field)?;
        session_dist(&u.host_update_time, &format!("{field}.host_update_time"))?;
        if let Some(prev) = previous_start
            && u.scheduled_at < prev
        {
            return fail(
                format!("{field}.scheduled_at"),
                "only one update is scheduled per pool at a time: schedule it at or after the \
                 previous update's start",
            );
        }
        previous_start = Some(u.start);
    }
    Ok(())
}

fn one(s: &Scenario, u: &UpdateSpec, field: &str) -> Check {
    if s.pool.kind != PoolKind::Pooled {
        return fail(
            field,
            "session host update is supported for pooled host pools only; personal host pools \
             aren't supported",
        );
    }
    let hosts = s.pool.hosts;
    if !(1..=hosts).contains(&u.batch_size) {
        return fail(
            format!("{field}.batch_size"),
            format!("must be 1 to the pool size {hosts} (got {})", u.batch_size),
        );
    }
    if u.logoff_delay > MAX_LOGOFF_DELAY {
        return fail(
            format!("{field}.logoff_delay"),
            format!("must be 0 to 60 minutes (got {})", u.logoff_delay),
        );
    }
    if u.start < u.scheduled_at {
        return fail(format!("{field}.start"), "is before the update is scheduled (scheduled_at)");
    }
    if u.start.0 - u.scheduled_at.0 > MAX_SCHEDULE_AHEAD.0 {
        return fail(
            format!("{field}.start"),
            "an update can be scheduled at most two weeks (14d) ahead of scheduled_at",
        );
    }
    if u.start.0 > s.duration.0 {
        return fail(
            format!("{field}.start"),
            format!("is after the end of the run ({})", s.duration),
        );
    }
    for (name, p) in [
        ("failure_probability", u.failure_probability),
        ("rollback_failure_probability", u.rollback_failure_probability),
    ] {
        if !(0.0..=1.0).contains(&p) {
            return fail(format!("{field}.{name}"), format!("must be between 0 and 1 (got {p})"));
        }
    }
    for (j, h) in u.failing_hosts.iter().enumerate() {
        known_host(s, h, &format!("{field}.failing_hosts[{j}]"))?;
    }
    Ok(())
}

/// Warnings: allowed but probably not meant.
pub fn warnings(s: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, u) in s.all_updates().iter().enumerate() {
        let w = s.warmup;
        if u.start.0 < w.0 {
            out.push((
                format!("{}.start", s.update_field(i)),
                format!(
                    "the update starts inside the warm-up ({w}): forced_logoffs leaves out what \
                     happens before it, the update metrics do not"
                ),
            ));
        }
        if u.batch_size == s.pool.hosts {
            out.push((
                format!("{}.batch_size", s.update_field(i)),
                format!(
                    "{} equals the pool size: hosts available during the update = pool size - \
                     batch size = 0 (after the initial host, every other host is taken at once)",
                    u.batch_size
                ),
            ));
        }
    }
    out
}
