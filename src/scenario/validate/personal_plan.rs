//! Checks of a personal pool's scaling plan (`[autoscale]` on a personal pool): per phase
//! Start VM on Connect, what happens after a disconnect or a log-off (wait 0–360 minutes,
//! then deallocate, hibernate or nothing), and at ramp-up which hosts start (MODEL.md
//! "Autoscale scaling plans", personal pools).

use super::rules::{Check, fail, session_dist};
use super::schedules::schedules;
use crate::scenario::autoscale::{AutoscaleSpec, MAX_IDLE_WAIT, PhaseSpec, PowerAfter};
use crate::scenario::autoscale::{ScalerKind, ScalingMethod};
use crate::scenario::spec::Scenario;

/// Checks a personal pool's `[autoscale]`.
pub fn check(s: &Scenario, a: &AutoscaleSpec) -> Check {
    if a.kind != ScalerKind::ScalingPlan {
        return fail("autoscale.kind", "a personal pool takes a scaling plan (\"scaling_plan\")");
    }
    if a.method != ScalingMethod::Power {
        return fail("autoscale.method", "dynamic autoscaling applies to pooled pools only");
    }
    let pooled_only = [
        ("exclude", !a.exclude.is_empty()),
        ("peak", a.peak.is_some()),
        ("session_threshold_per_cpu", a.session_threshold_per_cpu.is_some()),
        ("vcpus", a.vcpus.is_some()),
        ("min_hosts", a.min_hosts.is_some()),
    ];
    if let Some((key, _)) = pooled_only.iter().find(|(_, set)| *set) {
        return fail(format!("autoscale.{key}"), "only applies to pooled pools");
    }
    session_dist(&a.boot_time, "autoscale.boot_time")?;
    session_dist(&a.resume_time_dist(), "autoscale.resume_time")?;
    if a.stop_unused_after().0 == 0 {
        return fail("autoscale.stop_unused_after", "must be longer than zero, e.g. \"1h\"");
    }
    if let Some(n) = a.initial_running
        && !(0..=s.pool.hosts).contains(&n)
    {
        return fail(
            "autoscale.initial_running",
            format!("must be 0 to pool.hosts ({})", s.pool.hosts),
        );
    }
    schedules(a, &phase)
}

/// One phase of a personal plan: only personal keys, waits within 0–360 minutes,
/// `auto_start_hosts` only at ramp-up.
fn phase(key: &str, p: &PhaseSpec, field: &dyn Fn(&str) -> String) -> Check {
    let pooled = [
        ("load_balancer", p.load_balancer.is_some()),
        ("min_hosts_pct", p.min_hosts_pct.is_some()),
        ("capacity_threshold_pct", p.capacity_threshold_pct.is_some()),
        ("force_logoff", p.force_logoff.is_some()),
        ("wait", p.wait.is_some()),
        ("stop_hosts_when", p.stop_hosts_when.is_some()),
        ("min_pool_size", p.min_pool_size.is_some()),
        ("max_pool_size", p.max_pool_size.is_some()),
    ];
    if let Some((k, _)) = pooled.iter().find(|(_, set)| *set) {
        return fail(
            field(k),
            "only applies to pooled pools; a personal plan's phase sets start_vm_on_connect, on_disconnect, on_logoff and (ramp_up) auto_start_hosts",
        );
    }
    if key != "ramp_up" && p.auto_start_hosts.is_some() {
        return fail(field("auto_start_hosts"), "only applies to ramp_up");
    }
    for (k, after) in [("on_disconnect", &p.on_disconnect), ("on_logoff", &p.on_logoff)] {
        if let Some(PowerAfter { wait, .. }) = after
            && *wait > MAX_IDLE_WAIT
        {
            return fail(
                field(&format!("{k}.wait")),
                format!("must be 0 to 360 minutes (got {wait})"),
            );
        }
    }
    Ok(())
}
