//! Semantic checks that serde cannot express: ranges, cross-field rules, names that must exist.
//! Each check returns the first problem found, naming the field and what is allowed.

pub mod add_hosts;
pub mod autoscale;
pub mod personal;
pub mod personal_plan;
pub mod rules;
pub mod schedules;
pub mod update;

use crate::scenario::{
    ArrivalSpec, Duration, LoadBalancer, MAX_SESSION_LIMIT, PoolSpec, Scenario, ScenarioError,
};
use rules::{Check, fail, host_names, known_host, session_dist};

pub use rules::{MAX_HOSTS_PER_POOL, MAX_NAME_LEN, MAX_PREFIX_LEN};

/// Longest run: ten years of simulated time.
const MAX_DURATION: Duration = Duration(3650 * crate::engine::time::DAY);
/// Most replications of one run (each keeps its metrics in memory until the run ends).
const MAX_REPLICATIONS: u32 = 10_000;
/// Most rows of `timeseries.csv`, which replication 0 keeps in memory.
const MAX_TIMESERIES_ROWS: u64 = 1_000_000;

/// Highest arrival rate of one process, in logins per hour: 100 a second, a mean gap of
/// 10 ms between logins.
///
/// The clock ticks in milliseconds, so each Poisson gap is rounded to a whole millisecond.
/// With a mean gap of m ms the rounded gaps average e^(1/2m) / (e^(1/m) − 1) ms: at m = 10 that
/// is 0.04 % short of m (so counts are 0.04 % high, far inside the Poisson noise of any run
/// that could be checked), while at m = 0.1 (3.6e7 an hour) almost every gap rounds to zero
/// and counts come out fifteen times too high; at m → 0 time stops. The same bound applies to
/// every hour of a profile and to a storm's average rate (users over its window).
pub const MAX_RATE_PER_HOUR: f64 = 360_000.0;

/// The groups of checks, in order: each reports the first problem it finds.
const GROUPS: [fn(&Scenario) -> Check; 8] = [
    top_level,
    pool,
    workload,
    actions,
    add_hosts::check,
    update::check,
    personal::check,
    autoscale::check,
];

/// Checks `s`; `file` names the scenario in the error.
pub fn check(s: &Scenario, file: &str) -> Result<(), ScenarioError> {
    run_checks(s).map_err(|(field, msg)| ScenarioError::new(file, &field, msg))
}

/// Every problem found, for `poolsim validate`: each group of checks (top level, pool,
/// workload, actions, added hosts, updates, personal pools, autoscale) reports its first problem, and
/// every group runs. Groups rely on the ones before only for sound numbers, which they
/// re-check themselves, so later groups never panic on an earlier group's problem.
pub fn check_all(s: &Scenario, file: &str) -> Vec<ScenarioError> {
    let mut errors: Vec<ScenarioError> = Vec::new();
    for group in GROUPS {
        if let Err((field, msg)) = group(s) {
            let e = ScenarioError::new(file, &field, msg);
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
    }
    errors
}

fn run_checks(s: &Scenario) -> Check {
    GROUPS.iter().try_for_each(|group| group(s))
}

fn top_level(s: &Scenario) -> Check {
    if s.name.trim().is_empty() {
        return fail("name", "must not be empty");
    }
    if s.name.contains(['/', '\\']) || s.name.starts_with('.') {
        return fail("name", "is used as a directory name: no '/', '\\' or leading '.'");
    }
    if s.duration.0 == 0 {
        return fail("duration", "is required, e.g. \"7d\" (only a replay may leave it out)");
    }
    if s.duration > MAX_DURATION {
        let msg = format!("must be longer than zero and at most {MAX_DURATION} (ten years)");
        return fail("duration", msg);
    }
    if s.warmup >= s.duration {
        let msg = format!("must be shorter than the run's duration ({})", s.duration);
        return fail("warmup", msg);
    }
    if !(1..=MAX_REPLICATIONS).contains(&s.replications) {
        return fail("replications", format!("must be 1 to {MAX_REPLICATIONS}"));
    }
    if s.time_bin.0 == 0 {
        return fail("time_bin", "must be longer than zero, e.g. \"5m\"");
    }
    let rows = s.duration.0.div_ceil(s.time_bin.0);
    if rows > MAX_TIMESERIES_ROWS {
        let msg = format!(
            "{} / {} gives {rows} rows of timeseries.csv, more than {MAX_TIMESERIES_ROWS}: use a longer time_bin",
            s.duration, s.time_bin
        );
        return fail("time_bin", msg);
    }
    Ok(())
}

fn pool(s: &Scenario) -> Check {
    let p = &s.pool;
    if !(1..=MAX_HOSTS_PER_POOL).contains(&p.hosts) {
        return fail("pool.hosts", format!("must be 1 to {MAX_HOSTS_PER_POOL} (got {})", p.hosts));
    }
    sizing(p)?;
    let sized = p.vcpus.is_some() && p.user_type.is_some();
    if let Some(m) = p.max_sessions {
        if !(1..=MAX_SESSION_LIMIT as i64).contains(&m) {
            return fail(
                "pool.max_sessions",
                format!("must be 1 to {MAX_SESSION_LIMIT} (got {m})"),
            );
        }
    } else if p.load_balancer == LoadBalancer::DepthFirst && !sized && !p.kind.is_personal() {
        return fail(
            "pool.max_sessions",
            "depth_first load balancing requires a max session limit: set pool.max_sessions",
        );
    }
    host_names(&p.name_prefix, p.hosts as u64)
}

/// `vcpus` and `user_type` come together, and not beside an explicit `max_sessions`.
fn sizing(p: &PoolSpec) -> Check {
    match (p.vcpus, p.user_type, p.max_sessions) {
        (Some(_), Some(_), Some(_)) => fail(
            "pool.max_sessions",
            "set either max_sessions or vcpus with user_type (which sizes the limit), not both",
        ),
        (Some(v), Some(_), None) if !(1..=1024).contains(&v) => {
            fail("pool.vcpus", format!("must be 1 to 1024 (got {v})"))
        }
        (Some(_), None, _) => {
            fail("pool.user_type", "vcpus needs user_type: light, medium, heavy or power")
        }
        (None, Some(_), _) => fail("pool.vcpus", "user_type needs vcpus, the host's vCPU count"),
        _ => Ok(()),
    }
}

fn workload(s: &Scenario) -> Check {
    let w = &s.workload;
    if let Some(u) = w.users
        && !(1..=10_000_000).contains(&u)
    {
        return fail("workload.users", format!("must be 1 to 10000000 (got {u})"));
    }
    if w.replay.is_some() {
        super::replay::check(s)?;
    }
    let arrivals = w.arrivals.as_slice();
    if arrivals.is_empty() && w.replay.is_none() {
        return fail("workload.arrivals", "needs at least one arrival process");
    }
    for (i, a) in arrivals.iter().enumerate() {
        let field = if arrivals.len() == 1 {
            "workload.arrivals".to_string()
        } else {
            format!("workload.arrivals[{i}]")
        };
        arrival(a, &field)?;
    }
    match (&w.session, &w.replay) {
        (Some(d), _) => session_dist(d, "workload.session")?,
        (None, None) => {
            return fail(
                "workload.session",
                "is required, e.g. { dist = \"exponential\", mean = \"60m\" }",
            );
        }
        (None, Some(_)) => {}
    }
    for (name, r) in [("reconnect", &w.reconnect), ("relogin", &w.relogin)] {
        let Some(r) = r else { continue };
        if !(0.0..=1.0).contains(&r.probability) {
            return fail(format!("workload.{name}.probability"), "must be between 0 and 1");
        }
        session_dist(&r.after, &format!("workload.{name}.after"))?;
    }
    Ok(())
}

fn arrival(a: &ArrivalSpec, field: &str) -> Check {
    match a {
        ArrivalSpec::Poisson { rate_per_hour } => {
            if !(rate_per_hour.is_finite()
                && *rate_per_hour > 0.0
                && *rate_per_hour <= MAX_RATE_PER_HOUR)
            {
                return fail(
                    format!("{field}.rate_per_hour"),
                    format!(
                        "must be a number greater than 0 and at most {MAX_RATE_PER_HOUR} \
                         (100 logins a second; the clock ticks in milliseconds) (got {rate_per_hour})"
                    ),
                );
            }
        }
        ArrivalSpec::Profile { per_hour, weekend } => {
            hourly(per_hour, &format!("{field}.per_hour"))?;
            if let Some(w) = weekend {
                hourly(w, &format!("{field}.weekend"))?;
            }
        }
        ArrivalSpec::Storm { users, window, .. } => {
            if !(1..=10_000_000).contains(users) {
                let msg = format!("must be 1 to 10000000 logins per storm (got {users})");
                return fail(format!("{field}.users"), msg);
            }
            if window.0 == 0 {
                return fail(format!("{field}.window"), "must be longer than zero");
            }
            let per_hour = *users as f64 / window.0 as f64 * crate::engine::time::HOUR as f64;
            if per_hour > MAX_RATE_PER_HOUR {
                let shortest =
                    Duration((*users as u64).div_ceil(100) * crate::engine::time::SECOND);
                let msg = format!(
                    "{users} logins in {window} is more than {MAX_RATE_PER_HOUR} an hour \
                     (100 a second; the clock ticks in milliseconds): make the window at least {shortest}"
                );
                return fail(format!("{field}.window"), msg);
            }
        }
    }
    Ok(())
}

fn hourly(values: &[f64], field: &str) -> Check {
    if values.len() != 24 {
        return fail(field, format!("needs 24 values, one per hour of day (got {})", values.len()));
    }
    if let Some((hour, v)) = values
        .iter()
        .enumerate()
        .find(|(_, v)| !v.is_finite() || **v < 0.0 || **v > MAX_RATE_PER_HOUR)
    {
        let msg = format!(
            "values must be logins per hour from 0 to {MAX_RATE_PER_HOUR} (100 a second; the \
             clock ticks in milliseconds) (got {v} for hour {hour})"
        );
        return fail(field, msg);
    }
    if values.iter().all(|v| *v == 0.0) && !field.ends_with("weekend") {
        return fail(field, "all 24 values are 0: no user would ever log in");
    }
    Ok(())
}

fn actions(s: &Scenario) -> Check {
    for (i, a) in s.actions.iter().enumerate() {
        let field = format!("actions[{i}]");
        if a.at().0 >= s.duration.0 {
            return fail(
                format!("{field}.at"),
                format!("must be before the end of the run ({})", s.duration),
            );
        }
        if let Some(host) = a.host() {
            known_host(s, host, &format!("{field}.host"))?;
        }
    }
    Ok(())
}
