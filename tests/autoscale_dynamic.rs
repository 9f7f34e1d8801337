//! Dynamic autoscaling end to end (MODEL.md "Autoscale scaling plans": "also creates and
//! deletes hosts between a minimum and a maximum host-pool size per phase"): the size stays
//! within the bounds, a created host takes the provisioning and agent-upgrade times, and runs
//! are deterministic.

mod common;

use common::scenario;
use poolsim::model::Keep;
use poolsim::runner::run_replication;
use poolsim::scenario::Scenario;

const MIN: u64 = 60_000;

/// 4 hosts of 10 sessions for a storm of 80 users (08:00–09:00, staying to about 17:00); the
/// plan may grow the pool to `max` hosts and shrink it to 2. Provisioning takes 10 minutes,
/// the agent upgrade 5.
fn dynamic(max: u32) -> Scenario {
    scenario(&format!(
        r#"
        name = "dynamic"
        duration = "3d"
        seed = 9
        [pool]
        kind = "pooled"
        hosts = 4
        max_sessions = 10
        [workload]
        users = 80
        arrivals = {{ kind = "storm", users = 80, start = "08:00", window = "1h", shape = "normal", days = "weekdays" }}
        session = {{ dist = "until", time = "17:00", sd = "30m" }}
        [autoscale]
        kind = "scaling_plan"
        method = "dynamic"
        boot_time = {{ dist = "fixed", value = "3m" }}
        provisioning = {{ dist = "fixed", value = "10m" }}
        agent_upgrade = {{ dist = "fixed", value = "5m" }}
        [[autoscale.schedules]]
        name = "weekdays"
        days = "weekdays"
        ramp_up = {{ start = "07:00", min_hosts_pct = 50, capacity_threshold_pct = 60, min_pool_size = 2, max_pool_size = {max} }}
        peak = {{ start = "09:00" }}
        ramp_down = {{ start = "17:00", min_hosts_pct = 0, capacity_threshold_pct = 90, min_pool_size = 2, max_pool_size = {max} }}
        off_peak = {{ start = "20:00" }}
        "#
    ))
}

#[test]
fn the_pool_never_grows_above_the_maximum_nor_shrinks_below_the_minimum() {
    for max in [6, 12] {
        let s = dynamic(max);
        let (mut lowest, mut highest) = (u64::MAX, 0);
        common::step(&s, |_, sim| {
            let total = sim.pool().gauges().hosts_total;
            lowest = lowest.min(total);
            highest = highest.max(total);
        });
        assert!(highest <= u64::from(max), "max {max}: {highest} hosts");
        if max == 6 {
            assert_eq!(highest, 6, "the storm needs more than 6 hosts");
        } else {
            assert!(highest > 6, "the pool grows past 6 when allowed: {highest}");
        }
        assert_eq!(lowest, 2, "idle nights shrink the pool to its minimum");
    }
}

#[test]
fn a_created_host_takes_the_provisioning_then_the_agent_upgrade_time() {
    let r = run_replication(&dynamic(12), 0, Keep { detail: true, trace: true });
    let trace = r.trace.unwrap();
    let at =
        |kind: &str| trace.iter().filter(|t| t.kind == kind).map(|t| t.time).collect::<Vec<_>>();
    let (created, registered) = (at("scale_create"), at("host_registered"));
    assert!(!created.is_empty());
    // Fixed times: the n-th registration is the n-th creation plus 10 minutes.
    let expected: Vec<u64> = created.iter().map(|t| t + 10 * MIN).collect();
    assert_eq!(registered, expected);
    for reg in trace.iter().filter(|t| t.kind == "host_registered") {
        let up = trace
            .iter()
            .find(|t| t.kind == "boot_done" && t.host == reg.host && t.time >= reg.time);
        assert_eq!(up.map(|t| t.time - reg.time), Some(5 * MIN), "{:?}", reg.host);
    }
    let count = |name: &str| r.metrics.get(name).unwrap();
    assert_eq!(count("hosts_created"), created.len() as f64, "no warm-up: every creation counts");
    assert_eq!(count("hosts_deleted"), at("scale_delete").len() as f64);
    assert!(count("hosts_deleted") > 0.0);
}

#[test]
fn dynamic_runs_are_deterministic_and_power_runs_report_no_creations() {
    let s = dynamic(12);
    let a = run_replication(&s, 1, Keep { detail: true, trace: true });
    let b = run_replication(&s, 1, Keep { detail: true, trace: true });
    assert_eq!(a.trace, b.trace);
    assert_eq!(format!("{:?}", a.metrics), format!("{:?}", b.metrics));
    let power = scenario(&poolsim_text_power());
    let r = run_replication(&power, 0, Keep::default());
    assert_eq!(r.metrics.get("hosts_created"), None);
    assert_eq!(r.metrics.get("hosts_deleted"), None);
}

fn poolsim_text_power() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/autoscale-plan.toml"))
        .unwrap()
}
