//! Metric definitions checked against cases whose answer is known exactly.

mod common;

use poolsim::model::Keep;
use poolsim::runner::run_replication;

const DRAIN_QUARTER: &str = r#"
name = "drain"
duration = "4d"
time_bin = "1h"
[pool]
kind = "pooled"
hosts = 4
max_sessions = 2
[workload]
arrivals = { kind = "poisson", rate_per_hour = 1 }
session = { dist = "fixed", value = "30m" }
[[actions]]
at = "1d"
kind = "drain_on"
host = "sh-3"
[[actions]]
at = "2d"
kind = "drain_off"
host = "sh-3"
"#;

#[test]
fn host_availability_is_time_weighted() {
    // One host of four drained for a quarter of the run: 1 − ¼·¼ = 0.9375 exactly.
    let s = common::scenario(DRAIN_QUARTER);
    let m = run_replication(&s, 0, Keep::default()).metrics;
    assert_eq!(m.get("host_availability"), Some(0.9375));
}

#[test]
fn timeseries_has_one_row_per_bin_with_the_state_at_its_start() {
    let s = common::scenario(DRAIN_QUARTER);
    let out = run_replication(&s, 0, Keep { detail: true, trace: false });
    let rows = out.timeseries.unwrap();
    assert_eq!(rows.len(), 96);
    assert!(rows.iter().enumerate().all(|(i, r)| r.time == i as u64 * 3_600_000));
    for r in &rows {
        let drained = (24..48).contains(&(r.time / 3_600_000));
        assert_eq!(r.gauges.hosts_draining, u64::from(drained), "hour {}", r.time / 3_600_000);
        assert_eq!(r.gauges.hosts_available + r.gauges.hosts_draining, 4);
    }
    let attempted: u64 = rows.iter().map(|r| r.logins_attempted).sum();
    assert_eq!(Some(attempted as f64), out.metrics.get("logins_attempted"));
}

#[test]
fn counts_add_up_and_extremes_bound_the_run() {
    let s = common::loss_system(2, 3, 20.0, r#"{ dist = "exponential", mean = "30m" }"#, 5, 1);
    let m = run_replication(&s, 0, Keep::default()).metrics;
    let get = |k| m.get(k).unwrap();
    assert_eq!(get("logins_attempted"), get("logins_succeeded") + get("logins_failed"));
    assert_eq!(get("logins_failed"), get("login_failures_no_capacity"));
    assert_eq!(get("login_failure_rate"), get("logins_failed") / get("logins_attempted"));
    assert_eq!(get("peak_sessions"), 6.0, "a busy 6-slot pool fills up");
    assert_eq!(get("min_free_slots"), 0.0);
    assert_eq!(get("host_availability"), 1.0);
}

#[test]
fn warmup_excludes_the_start_from_every_metric() {
    // Measuring from day 1: one host of four drained for one day of three → 11/12.
    let s = common::scenario(&DRAIN_QUARTER.replace("time_bin", "warmup = \"1d\"\ntime_bin"));
    let out = run_replication(&s, 0, Keep { detail: true, trace: false });
    let m = &out.metrics;
    assert!((m.get("host_availability").unwrap() - 11.0 / 12.0).abs() < 1e-12);
    let rows = out.timeseries.unwrap();
    assert_eq!(rows.len(), 96, "the time series still covers the whole run");
    let after: u64 = rows.iter().filter(|r| r.time >= 86_400_000).map(|r| r.logins_attempted).sum();
    assert_eq!(m.get("logins_attempted"), Some(after as f64));
}
