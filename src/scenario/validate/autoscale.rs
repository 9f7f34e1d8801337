//! Checks of `[autoscale]`, `[cost]` and the pooled Start VM on Connect key.

use super::personal_plan;
use super::rules::{Check, MAX_HOSTS_PER_POOL, fail, host_names, known_host, session_dist};
use super::schedules::schedules;
use crate::scenario::ActionSpec;
use crate::scenario::autoscale::*;
use crate::scenario::spec::{PoolKind, Scenario};

/// Checks `[autoscale]`, `[cost]` and the pooled Start VM on Connect key.
pub fn check(s: &Scenario) -> Check {
    if let Some(c) = &s.cost {
        cost(c)?;
    }
    if s.pool.kind == PoolKind::Pooled
        && s.pool.boot_time.is_some()
        && s.pool.start_vm_on_connect != Some(true)
    {
        return fail("pool.boot_time", "only applies with start_vm_on_connect = true");
    }
    let Some(a) = &s.autoscale else { return Ok(()) };
    if s.pool.kind != PoolKind::Pooled {
        return personal_plan::check(s, a);
    }
    for (key, set) in [
        ("resume_time", a.resume_time.is_some()),
        ("stop_unused_after", a.stop_unused_after.is_some()),
    ] {
        if set {
            return fail(format!("autoscale.{key}"), "only applies to personal pools");
        }
    }
    if s.pool.max_sessions.is_none() && s.pool.vcpus.is_none() {
        return fail("pool.max_sessions", "autoscale needs a configured max session limit");
    }
    session_dist(&a.boot_time, "autoscale.boot_time")?;
    if let Some(n) = a.initial_running
        && !(0..=s.pool.hosts).contains(&n)
    {
        return fail(
            "autoscale.initial_running",
            format!("must be 0 to pool.hosts ({})", s.pool.hosts),
        );
    }
    for (i, name) in a.exclude.iter().enumerate() {
        known_host(s, name, &format!("autoscale.exclude[{i}]"))?;
    }
    match a.kind {
        ScalerKind::ScalingPlan => plan(a).and_then(|()| dynamic(s, a)),
        ScalerKind::ScalingScript => script(s, a),
    }
}

fn cost(c: &CostSpec) -> Check {
    for (key, v) in [("host_hour", c.host_hour), ("stopped_host_hour", c.stopped_host_hour)] {
        if !v.is_finite() || v < 0.0 {
            return fail(format!("cost.{key}"), format!("must be a price of 0 or more (got {v})"));
        }
    }
    if c.currency.trim().is_empty() {
        return fail("cost.currency", "must not be empty, e.g. \"EUR\"");
    }
    Ok(())
}

fn plan(a: &AutoscaleSpec) -> Check {
    let method = a.method;
    schedules(a, &|key, p, field| pooled_phase(key, p, method, field))
}

/// A pooled plan's phase: minimum and threshold on ramp-up and ramp-down, force log-off on
/// ramp-down, pool sizes with the dynamic method, no personal key.
fn pooled_phase(
    key: &str,
    p: &PhaseSpec,
    method: ScalingMethod,
    field: &dyn Fn(&str) -> String,
) -> Check {
    for (k, set) in [
        ("start_vm_on_connect", p.start_vm_on_connect.is_some()),
        ("on_disconnect", p.on_disconnect.is_some()),
        ("on_logoff", p.on_logoff.is_some()),
        ("auto_start_hosts", p.auto_start_hosts.is_some()),
    ] {
        if set {
            return fail(
                field(k),
                "only applies to personal pools' scaling plans (pooled pools: [pool] start_vm_on_connect)",
            );
        }
    }
    let own = key == "ramp_up" || key == "ramp_down";
    if own {
        pct(p.min_hosts_pct, &field("min_hosts_pct"), 0)?;
        pct(p.capacity_threshold_pct, &field("capacity_threshold_pct"), 1)?;
    } else if p.min_hosts_pct.is_some() || p.capacity_threshold_pct.is_some() {
        let from = if key == "peak" { "ramp_up" } else { "ramp_down" };
        return fail(
            field("capacity_threshold_pct"),
            format!("{key} inherits {from}'s minimum and threshold; remove it"),
        );
    }
    if key != "ramp_down" {
        for (k, set) in [
            ("force_logoff", p.force_logoff.is_some()),
            ("wait", p.wait.is_some()),
            ("stop_hosts_when", p.stop_hosts_when.is_some()),
        ] {
            if set {
                return fail(field(k), "only applies to ramp_down");
            }
        }
    }
    if p.wait.is_some() && p.force_logoff != Some(true) {
        return fail(field("wait"), "only applies with force_logoff = true");
    }
    pool_size(p, own, method, field)
}

fn pct(v: Option<i64>, field: &str, min: i64) -> Check {
    match v {
        None => fail(field, format!("is required ({min} to 100)")),
        Some(v) if !(min..=100).contains(&v) => {
            fail(field, format!("must be {min} to 100 (got {v})"))
        }
        Some(_) => Ok(()),
    }
}

fn pool_size(
    p: &PhaseSpec,
    own: bool,
    method: ScalingMethod,
    field: &dyn Fn(&str) -> String,
) -> Check {
    let set = p.min_pool_size.is_some() || p.max_pool_size.is_some();
    if method == ScalingMethod::Power || !own {
        if set {
            return fail(
                field("min_pool_size"),
                "only applies to ramp_up and ramp_down with method = \"dynamic\"",
            );
        }
        return Ok(());
    }
    let (Some(min), Some(max)) = (p.min_pool_size, p.max_pool_size) else {
        return fail(
            field("min_pool_size"),
            "method = \"dynamic\" needs min_pool_size and max_pool_size",
        );
    };
    if min < 0 || max < min.max(1) {
        return fail(
            field("max_pool_size"),
            format!("need 0 <= min_pool_size <= max_pool_size, max at least 1 (got {min}, {max})"),
        );
    }
    if max > MAX_HOSTS_PER_POOL {
        return fail(
            field("max_pool_size"),
            format!("must be at most {MAX_HOSTS_PER_POOL}, the service's limit (got {max})"),
        );
    }
    Ok(())
}

/// The dynamic method: no `add_hosts` beside it (both would name new hosts), names that fit
/// the largest pool, valid provisioning and agent-upgrade times.
fn dynamic(s: &Scenario, a: &AutoscaleSpec) -> Check {
    if a.method != ScalingMethod::Dynamic {
        return Ok(());
    }
    if let Some(i) = s.actions.iter().position(|x| matches!(x, ActionSpec::AddHosts(_))) {
        return fail(
            format!("actions[{i}].kind"),
            "add_hosts does not combine with method = \"dynamic\" (the plan creates hosts)",
        );
    }
    if !s.all_updates().is_empty() {
        return fail(
            "autoscale.method",
            "method = \"dynamic\" with a session host update is not modelled; use \"power\"",
        );
    }
    session_dist(&a.provisioning, "autoscale.provisioning")?;
    session_dist(&a.agent_upgrade, "autoscale.agent_upgrade")?;
    let max = a.schedules.iter().flat_map(|s| [s.ramp_up.max_pool_size, s.ramp_down.max_pool_size]);
    let most = max.flatten().max().unwrap_or(0).max(s.pool.hosts);
    host_names(&s.pool.name_prefix, most.clamp(0, MAX_HOSTS_PER_POOL) as u64)
        .map_err(|(_, m)| ("autoscale.schedules".to_string(), format!("max_pool_size: {m}")))
}

fn script(s: &Scenario, a: &AutoscaleSpec) -> Check {
    if !a.schedules.is_empty() {
        return fail("autoscale.schedules", "only applies to kind = \"scaling_plan\"");
    }
    let Some(peak) = a.peak else {
        return fail(
            "autoscale.peak",
            "the scaling script needs peak hours: peak = { start = \"09:00\", end = \"17:00\" }",
        );
    };
    if peak.end.0 <= peak.start.0 {
        return fail("autoscale.peak.end", "must be after peak.start within the day");
    }
    if a.interval.0 == 0 {
        return fail("autoscale.interval", "must be longer than zero, e.g. \"15m\"");
    }
    match a.session_threshold_per_cpu {
        Some(t) if t.is_finite() && t > 0.0 => {}
        _ => {
            return fail(
                "autoscale.session_threshold_per_cpu",
                "is required: sessions per vCPU, more than 0",
            );
        }
    }
    match a.vcpus.or(s.pool.vcpus) {
        Some(v) if (1..=1024).contains(&v) => {}
        _ => {
            return fail(
                "autoscale.vcpus",
                "is required (1 to 1024) unless the pool is sized by vcpus",
            );
        }
    }
    match a.min_hosts {
        Some(m) if (0..=s.pool.hosts).contains(&m) => Ok(()),
        _ => {
            fail("autoscale.min_hosts", format!("is required: 0 to pool.hosts ({})", s.pool.hosts))
        }
    }
}
