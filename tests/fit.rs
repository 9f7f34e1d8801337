//! `poolsim fit`: a run of a known scenario, exported and fitted, gives back its rates, its
//! mean session length, its disconnect probability and its reconnect delay.

use poolsim::scenario::connection_log::{LogFormat, ReadOptions};
use std::process::Command;

/// 20 logins an hour on weekdays, 5 on weekends, exponential sessions of 30 minutes, a
/// quarter of them ending in a disconnect for about 10 minutes; two weeks.
const KNOWN: &str = r#"
name = "known"
duration = "14d"
seed = 5
[pool]
kind = "pooled"
hosts = 10
max_sessions = 20
[workload]
users = 400
arrivals = { kind = "profile", per_hour = [20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,20], weekend = [5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5] }
session = { dist = "exponential", mean = "30m" }
reconnect = { probability = 0.25, after = { dist = "exponential", mean = "10m" } }
"#;

fn poolsim(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_poolsim")).args(args).current_dir(dir).output().unwrap()
}

#[test]
fn fitting_an_exported_run_recovers_its_rates_and_lengths() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("known.toml"), KNOWN).unwrap();
    let o = poolsim(&["run", "known.toml", "--out", "o", "--quiet", "--export-connections"], dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let opts = ReadOptions { format: LogFormat::Wvdconnections, utc_offset_ms: 0, host_pool: None };
    let log = poolsim::scenario::replay::read_file(&dir.join("o/connections.csv"), &opts).unwrap();
    let f = poolsim::fit::fit(&log);
    let hourly = |v: &[f64; 24]| v.iter().sum::<f64>() / 24.0;
    // About 4,800 weekday and 1,200 weekend logins: 10 % and 15 % are several standard errors.
    assert!((hourly(&f.weekday) - 20.0).abs() < 2.0, "weekday {:?}", f.weekday);
    assert!((hourly(&f.weekend) - 5.0).abs() < 0.75, "weekend {:?}", f.weekend);
    let s = f.session.unwrap();
    assert!((s.mean / 60_000.0 - 30.0).abs() < 3.0, "mean {} min", s.mean / 60_000.0);
    assert!(!s.lognormal_wins(), "exponential data: {s:?}");
    assert!((f.disconnect_probability - 0.25).abs() < 0.04, "{}", f.disconnect_probability);
    let gap = f.reconnect_mean.unwrap() / 60_000.0;
    assert!((gap - 10.0).abs() < 1.5, "reconnect after {gap} min");
    assert_eq!(f.users as u64, log.users.len() as u64);
    // Logins spread over the whole day are no storm.
    assert!(!f.storm.is_some_and(|s| s.chosen()), "{:?}", f.storm);
    assert!(f.users <= 400);

    // The command writes a scenario that loads and runs, and compares it with the log.
    let o = poolsim(&["fit", "o/connections.csv", "--out", "fitted.toml"], dir);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("exponential fits better"), "{stdout}");
    assert!(stdout.contains("peak concurrent sessions"), "{stdout}");
    assert!(stdout.contains("weekday logins: hourly profile"), "{stdout}");
    let v = poolsim(&["validate", "fitted.toml"], dir);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
}

#[test]
fn fit_refuses_a_bad_log_with_exit_code_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("log.csv"), "user,start,end\nann,yesterday,\n").unwrap();
    let o = poolsim(&["fit", "log.csv", "--format", "simple", "--out", "f.toml"], tmp.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("log.csv") && err.contains("line 2"), "{err}");
    assert!(!tmp.path().join("f.toml").exists());
}

/// A weekday morning storm: 500 logins a weekday, normal over 08:00–09:00 (σ = 10 min), each
/// user staying until about 17:00; two weeks, a pool that refuses no one.
const STORM: &str = r#"
name = "storm"
duration = "14d"
seed = 9
[pool]
kind = "pooled"
hosts = 20
max_sessions = 40
[workload]
users = 600
arrivals = { kind = "storm", users = 500, start = "08:00", window = "1h", shape = "normal", days = "weekdays" }
session = { dist = "until", time = "17:00", sd = "30m" }
"#;

#[test]
fn fitting_an_exported_storm_recovers_its_centre_spread_and_size() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("storm.toml"), STORM).unwrap();
    let o = poolsim(&["run", "storm.toml", "--out", "o", "--quiet", "--export-connections"], dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let opts = ReadOptions { format: LogFormat::Wvdconnections, utc_offset_ms: 0, host_pool: None };
    let log = poolsim::scenario::replay::read_file(&dir.join("o/connections.csv"), &opts).unwrap();
    let f = poolsim::fit::fit(&log);
    let s = f.storm.expect("enough weekday logins to look for a storm");
    assert!(s.chosen(), "{}", s.reason());
    // 5,000 logins: the centre's standard error is 10 min / sqrt(5000) = 0.14 min, σ's (from
    // the MAD) about 0.2 min; 1 min and 1.5 min are several of them.
    let minutes = |ms: f64| ms / 60_000.0;
    assert!((minutes(s.centre) - 510.0).abs() < 1.0, "centre {} min", minutes(s.centre));
    assert!((minutes(s.sigma) - 10.0).abs() < 1.5, "sigma {} min", minutes(s.sigma));
    // All of a weekday's 500 logins are the storm's (within 3 %: the ±3σ window of an
    // estimated σ may leave out a few in the tails).
    assert!((f.storm_logins - 500.0).abs() < 15.0, "storm logins {}", f.storm_logins);
    assert!(f.weekday.iter().sum::<f64>() < 5.0, "no background: {:?}", f.weekday);

    let o = poolsim(&["fit", "o/connections.csv", "--out", "fitted.toml"], dir);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("weekday logins: storm centred at 08:30"), "{stdout}");
    let fitted = std::fs::read_to_string(dir.join("fitted.toml")).unwrap();
    assert!(
        fitted.contains("kind = \"storm\"") && fitted.contains("days = \"weekdays\""),
        "{fitted}"
    );
    let v = poolsim(&["validate", "fitted.toml"], dir);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
}
