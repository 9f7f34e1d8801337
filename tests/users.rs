//! Users as they behave (logon time, retries, attendance, a session limit changed at run time),
//! host faults and per-window metrics, checked end to end against MODEL.md's rules and closed
//! forms.

mod common;

use common::{scenario, step};
use poolsim::engine::time::{HOUR, MINUTE};
use poolsim::metrics::METRICS;
use poolsim::metrics::stats::{confidence_interval, mean};
use poolsim::model::Keep;
use poolsim::runner::{self, ReplicationOutput, run_replication};
use poolsim::scenario::Scenario;

fn run(s: &Scenario) -> ReplicationOutput {
    run_replication(s, 0, Keep { detail: false, trace: true })
}

fn metric(out: &ReplicationOutput, name: &str) -> f64 {
    out.metrics.get(name).unwrap_or_else(|| panic!("{name} is absent"))
}

/// A storm of `users` named users every weekday at 08:00 on `hosts` hosts of 10 sessions,
/// staying until 17:00, with `extra` workload keys.
fn storm(hosts: u32, users: u32, extra: &str, tail: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "storm"
duration = "14d"
seed = 7
replications = 4
[pool]
kind = "pooled"
hosts = {hosts}
max_sessions = 10
[workload]
users = {users}
arrivals = {{ kind = "storm", users = {users}, start = "08:00", window = "1h", days = "weekdays" }}
session = {{ dist = "until", time = "17:00", sd = "30m" }}
{extra}
{tail}
"#
    ))
}

const RETRY1: &str =
    "retry = { attempts = 1, after = { dist = \"exponential\", mean = \"2m\" } }\nattendance = 1.0";

#[test]
fn one_attempt_no_logon_and_full_attendance_change_no_metric() {
    // The issue's compatibility rule: the keys at their neutral values are today's model.
    for hosts in [12, 30] {
        let plain = storm(hosts, 250, "", "");
        let neutral = storm(hosts, 250, RETRY1, "");
        for r in 0..2 {
            let (a, b) = (
                run_replication(&plain, r, Keep::default()),
                run_replication(&neutral, r, Keep::default()),
            );
            for (i, d) in METRICS.iter().enumerate() {
                if d.name != "users_denied" && d.name != "login_retries" {
                    assert_eq!(a.metrics.0[i], b.metrics.0[i], "{} with {hosts} hosts", d.name);
                }
            }
            // With one attempt every refused login is a user denied; the run is the same
            // event for event.
            let trace =
                |s: &Scenario| run_replication(s, r, Keep { detail: false, trace: true }).trace;
            assert_eq!(trace(&plain), trace(&neutral));
            assert_eq!(metric(&b, "users_denied"), metric(&a, "logins_failed"));
            assert_eq!(metric(&b, "login_retries"), 0.0);
        }
    }
}

#[test]
fn a_pool_that_never_runs_out_of_room_has_no_retries() {
    let retry = "retry = { attempts = 3, after = { dist = \"fixed\", value = \"2m\" } }";
    let out = run(&storm(30, 250, retry, ""));
    assert_eq!(metric(&out, "logins_failed"), 0.0);
    assert_eq!(metric(&out, "login_retries"), 0.0);
    assert_eq!(metric(&out, "users_denied"), 0.0);
}

#[test]
fn every_refused_attempt_counts_and_users_give_up_after_the_last() {
    // One slot held all run: the first user gets it, the other 49 are refused three times.
    let text = r#"
name = "full"
duration = "1d"
[pool]
kind = "pooled"
hosts = 1
max_sessions = 1
[workload]
users = 50
arrivals = { kind = "storm", users = 50, start = "08:00", window = "1h", shape = "uniform" }
session = { dist = "fixed", value = "30d" }
retry = { attempts = 3, after = { dist = "fixed", value = "2m" } }
"#;
    let out = run(&scenario(text));
    assert_eq!(metric(&out, "users_denied"), 49.0);
    assert_eq!(metric(&out, "login_retries"), 2.0 * 49.0);
    assert_eq!(metric(&out, "logins_failed"), 3.0 * 49.0);
    assert_eq!(metric(&out, "logins_attempted"), 50.0 + 2.0 * 49.0);
    let trace = out.trace.unwrap();
    let fails: Vec<_> = trace.iter().filter(|r| r.kind == "login_failed").collect();
    let first = fails[0].user.clone();
    let times: Vec<_> = fails.iter().filter(|r| r.user == first).map(|r| r.time).collect();
    assert_eq!(times.len(), 3);
    assert_eq!((times[1] - times[0], times[2] - times[1]), (2 * MINUTE, 2 * MINUTE));
}

#[test]
fn retries_turn_a_short_storm_peak_into_later_successes() {
    // Sessions of 20 minutes free slots during the storm: some refused users get in later.
    let base = |extra: &str| {
        scenario(&format!(
            r#"
name = "peak"
duration = "7d"
seed = 3
replications = 3
[pool]
kind = "pooled"
hosts = 5
max_sessions = 10
[workload]
users = 200
arrivals = {{ kind = "storm", users = 200, start = "08:00", window = "30m", days = "weekdays" }}
session = {{ dist = "exponential", mean = "20m" }}
{extra}
"#
        ))
    };
    let without = run(&base(""));
    let with =
        run(&base("retry = { attempts = 5, after = { dist = \"exponential\", mean = \"5m\" } }"));
    let ok = |o: &ReplicationOutput| metric(o, "logins_succeeded");
    assert!(ok(&with) > ok(&without), "{} vs {}", ok(&with), ok(&without));
    assert!(metric(&with, "users_denied") < metric(&without, "logins_failed"));
}

#[test]
fn attendance_p_gives_p_of_the_logins() {
    // 1000 users, room for all, 10 weekdays: 10 000 logins at attendance 1; p of them at p.
    let p = 0.7;
    let s = storm(120, 1000, &format!("attendance = {p}"), "");
    let logins: Vec<f64> = (0..4)
        .map(|r| run_replication(&s, r, Keep::default()).metrics.get("logins_attempted").unwrap())
        .collect();
    let expected = p * 10_000.0;
    // Binomial(10 000, 0.7): sd ≈ 46 per replication; 5 sd is 229.
    for l in &logins {
        assert!((l - expected).abs() < 230.0, "{l} vs {expected}");
    }
    let (lo, hi) = confidence_interval(&logins, 0.999).unwrap();
    assert!(lo <= expected && expected <= hi, "{lo}..{hi} vs {expected}");
    let full = run_replication(&storm(120, 1000, "", ""), 0, Keep::default());
    assert_eq!(metric(&full, "logins_attempted"), 10_000.0);
}

#[test]
fn storms_draw_only_from_users_present_that_day() {
    // 100 users, attendance 0.5, a storm of 100 logins: each day only those in log in, and
    // a user logs in at most once a day (nobody leaves before 17:00).
    let s = storm(20, 100, "attendance = 0.5", "");
    let trace = run(&s).trace.unwrap();
    for day in 0..14u64 {
        let users: Vec<_> = trace
            .iter()
            .filter(|r| r.kind == "login" && r.time / (24 * HOUR) == day)
            .map(|r| r.user.clone())
            .collect();
        let mut unique = users.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), users.len(), "day {day}: a user logged in twice");
        assert!(users.len() < 80, "day {day}: {} logins", users.len());
    }
}

#[test]
fn logon_time_delays_the_desktop_and_the_session_holds_its_slot_from_placement() {
    let text = r#"
name = "logon"
duration = "1d"
[pool]
kind = "pooled"
hosts = 2
max_sessions = 5
[workload]
arrivals = { kind = "poisson", rate_per_hour = 4 }
session = { dist = "fixed", value = "1h" }
logon = { dist = "fixed", value = "24s" }
"#;
    let s = scenario(text);
    let out = run(&s);
    assert_eq!(metric(&out, "time_to_desktop_p50_seconds"), 24.0);
    assert_eq!(metric(&out, "time_to_desktop_p95_seconds"), 24.0);
    let trace = out.trace.unwrap();
    let login = trace.iter().find(|r| r.kind == "login").unwrap();
    let logoff = trace.iter().find(|r| r.kind == "logoff" && r.user == login.user).unwrap();
    assert_eq!(logoff.time - login.time, HOUR + 24_000, "logon, then an hour's active time");
    // The slot is taken at placement: right after the login event the session counts.
    let mut after_first_login = None;
    step(&s, |now, sim| {
        if now == login.time && after_first_login.is_none() {
            after_first_login = Some(sim.pool().gauges().sessions());
        }
    });
    assert_eq!(after_first_login, Some(1));
}

#[test]
fn time_to_desktop_includes_the_boot_wait() {
    let text = r#"
name = "boot"
duration = "3d"
[pool]
kind = "personal"
hosts = 4
[workload]
users = 4
arrivals = { kind = "poisson", rate_per_hour = 1 }
session = { dist = "fixed", value = "30m" }
logon = { dist = "fixed", value = "30s" }
[autoscale]
boot_time = { dist = "fixed", value = "2m" }
[[autoscale.schedules]]
name = "daily"
days = "daily"
ramp_up = { start = "06:00", on_logoff = { wait = "1m", action = "deallocate" } }
peak = { start = "09:00", on_logoff = { wait = "1m", action = "deallocate" } }
ramp_down = { start = "17:00", on_logoff = { wait = "1m", action = "deallocate" } }
off_peak = { start = "20:00", on_logoff = { wait = "1m", action = "deallocate" } }
"#;
    let out = run(&scenario(text));
    // Hosts stop a minute after their user leaves, so every login boots its host first:
    // 2 minutes, plus the 30 s logon.
    assert!(metric(&out, "logins_waited_for_boot") > 20.0);
    assert_eq!(metric(&out, "time_to_desktop_p50_seconds"), 150.0);
}

#[test]
fn lowering_the_session_limit_evicts_nobody_and_full_hosts_wait_until_below() {
    let text = r#"
name = "limit"
duration = "2d"
seed = 5
[pool]
kind = "pooled"
hosts = 3
max_sessions = 10
[workload]
arrivals = { kind = "poisson", rate_per_hour = 30 }
session = { dist = "exponential", mean = "1h" }
[[actions]]
at = "12h"
kind = "set_max_sessions"
max_sessions = 4
"#;
    let s = scenario(text);
    let mut before: Vec<u32> = vec![0; 3];
    let mut at_action = None;
    step(&s, |now, sim| {
        let counts: Vec<u32> = sim.pool().hosts().iter().map(|h| h.session_count()).collect();
        if now >= 12 * HOUR {
            at_action.get_or_insert(before.clone());
            for (h, (&b, &c)) in before.iter().zip(&counts).enumerate() {
                assert!(c <= b || b < 4, "host {h} went from {b} to {c} sessions at limit 4");
            }
        }
        before = counts;
    });
    let at = at_action.unwrap();
    assert!(at.iter().sum::<u32>() > 12, "the pool was above the new limit: {at:?}");
    let out = run(&s);
    assert_eq!(metric(&out, "forced_logoffs"), 0.0, "nobody is evicted");
}

#[test]
fn exponential_faults_give_availability_mtbf_over_mtbf_plus_repair() {
    let text = r#"
name = "faults"
duration = "60d"
seed = 9
replications = 6
[pool]
kind = "pooled"
hosts = 20
max_sessions = 10
[workload]
arrivals = { kind = "poisson", rate_per_hour = 20 }
session = { dist = "exponential", mean = "1h" }
[faults]
mtbf = "10h"
repair = { dist = "exponential", mean = "2h" }
"#;
    let s = scenario(text);
    let outs: Vec<_> = (0..6).map(|r| run_replication(&s, r, Keep::default())).collect();
    let avail: Vec<f64> = outs.iter().map(|o| metric(o, "host_availability")).collect();
    let expected = 10.0 / 12.0;
    let (lo, hi) = confidence_interval(&avail, 0.95).unwrap();
    assert!(lo <= expected && expected <= hi, "{expected} outside {lo}..{hi}");
    assert!(hi - lo < 0.02, "interval too wide to be a test: {lo}..{hi}");
    // About 20 hosts × 60 days × 24 h ÷ 12 h between faults.
    let faults = mean(&outs.iter().map(|o| metric(o, "host_faults")).collect::<Vec<_>>()).unwrap();
    assert!((faults - 2400.0).abs() < 150.0, "{faults}");
    let lost = metric(&outs[0], "sessions_lost_to_faults");
    assert!(lost > 0.0);
    assert_eq!(metric(&outs[0], "forced_logoffs"), 0.0, "lost sessions are not forced log-offs");
}

#[test]
fn needs_assistance_hosts_stay_routable_and_keep_their_sessions() {
    let text = r#"
name = "na"
duration = "20d"
seed = 9
[pool]
kind = "pooled"
hosts = 5
max_sessions = 10
[workload]
arrivals = { kind = "poisson", rate_per_hour = 10 }
session = { dist = "exponential", mean = "1h" }
[faults]
mtbf = "1d"
repair = { dist = "fixed", value = "3h" }
needs_assistance_probability = 1.0
"#;
    let out = run(&scenario(text));
    assert!(metric(&out, "host_faults") > 50.0);
    assert_eq!(metric(&out, "sessions_lost_to_faults"), 0.0);
    assert_eq!(metric(&out, "host_availability"), 1.0, "NeedsAssistance is routable");
}

#[test]
fn a_window_covering_the_whole_week_reports_the_whole_run() {
    let window = "[[windows]]\nname = \"all\"\nfrom = \"00:00\"\nto = \"00:00\"\n";
    let retry = "retry = { attempts = 2, after = { dist = \"exponential\", mean = \"3m\" } }\nlogon = { dist = \"lognormal\", mean = \"24s\", sd = \"10s\" }";
    let faults = "[faults]\nmtbf = \"5d\"\nrepair = { dist = \"fixed\", value = \"2h\" }\n";
    let s = {
        let mut s = storm(14, 180, retry, &format!("{faults}{window}"));
        s.warmup = poolsim::scenario::Duration(24 * HOUR + 17);
        s
    };
    for r in 0..3 {
        let out = run_replication(&s, r, Keep::default());
        let w = &out.windows[0];
        let m = runner::window_metrics(&s);
        assert_eq!(m.len(), 9);
        for id in m {
            let i = id as usize;
            assert_eq!(w.0[i], out.metrics.0[i], "{}", METRICS[i].name);
        }
        assert!(metric(&out, "logins_failed") > 0.0, "the test needs failures");
    }
}

#[test]
fn a_storm_window_sees_the_storm_and_the_rest_of_the_week_dilutes_it() {
    let window = "[[windows]]\nname = \"storm\"\nfrom = \"08:00\"\nto = \"09:00\"\ndays = \"weekdays\"\n\
                  [[windows]]\nname = \"night\"\nfrom = \"22:00\"\nto = \"06:00\"\n";
    let s = storm(10, 130, "", window);
    let out = run_replication(&s, 0, Keep::default());
    let get = |w: usize, name: &str| out.windows[w].get(name).unwrap();
    assert_eq!(get(0, "logins_attempted"), metric(&out, "logins_attempted"), "all logins 8-9");
    assert_eq!(get(1, "logins_attempted"), 0.0);
    assert_eq!(get(1, "peak_sessions"), 0.0, "nobody stays the night");
    assert_eq!(get(0, "peak_sessions"), 100.0);
}

#[test]
fn hourly_table_adds_up_to_the_run() {
    let s = storm(10, 130, "attendance = 0.9", "");
    let run = runner::run(&s, false, &|| {}).unwrap();
    let logins: u64 = run.hourly.0.iter().map(|c| c.logins).sum();
    let failures: u64 = run.hourly.0.iter().map(|c| c.failures).sum();
    let total =
        |name: &str| -> f64 { run.replications.iter().map(|r| r.metrics.get(name).unwrap()).sum() };
    assert_eq!(logins as f64, total("logins_attempted"));
    assert_eq!(failures as f64, total("logins_failed"));
    // 14 days × 4 replications: every hour of the week measured twice per replication.
    for c in &run.hourly.0 {
        assert_eq!(c.covered, u128::from(2 * 4 * HOUR));
    }
    let eight = &run.hourly.0[8];
    assert!(eight.logins > 0 && run.hourly.0[7].logins == 0, "Monday 08:00 has the storm");
    assert_eq!(run.hourly.0[5 * 24 + 8].logins, 0, "no storm on Saturday");
}

#[test]
fn users_faults_and_windows_are_deterministic() {
    let extra = "retry = { attempts = 3, after = { dist = \"exponential\", mean = \"2m\" } }\nattendance = 0.8\nlogon = { dist = \"exponential\", mean = \"20s\" }";
    let tail = "[faults]\nmtbf = \"3d\"\nrepair = { dist = \"lognormal\", mean = \"2h\", sd = \"1h\" }\nneeds_assistance_probability = 0.3\n[[windows]]\nname = \"storm\"\nfrom = \"08:00\"\nto = \"09:00\"\n";
    let s = storm(9, 120, extra, tail);
    let (a, b) = (run(&s), run(&s));
    assert_eq!(a.metrics, b.metrics);
    assert_eq!(a.windows, b.windows);
    assert_eq!(a.hourly, b.hourly);
    assert!(metric(&a, "login_retries") > 0.0 && metric(&a, "host_faults") > 0.0);
}

/// A small storm scenario with a window, as a file.
fn storm_file(dir: &std::path::Path) -> std::path::PathBuf {
    let text = r#"
name = "cli-storm"
duration = "7d"
seed = 4
replications = 3
[pool]
kind = "pooled"
hosts = 12
max_sessions = 10
[workload]
users = 150
arrivals = { kind = "storm", users = 150, start = "08:00", window = "1h", days = "weekdays" }
session = { dist = "until", time = "17:00", sd = "30m" }
retry = { attempts = 2, after = { dist = "fixed", value = "3m" } }
[[windows]]
name = "storm"
from = "08:00"
to = "09:00"
days = "weekdays"
"#;
    let path = dir.join("storm.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn poolsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_poolsim")).args(args).output().unwrap()
}

#[test]
fn windows_reach_summary_json_the_printed_summary_hourly_csv_and_the_heat_map() {
    let tmp = tempfile::tempdir().unwrap();
    let file = storm_file(tmp.path());
    let out = tmp.path().join("out");
    let o = poolsim(&["run", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--plot"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("window storm:"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let rate = &summary["windows"]["storm"]["login_failure_rate"];
    assert!(rate["mean"].as_f64().unwrap() > 0.0, "{rate}");
    assert_eq!(rate["values"].as_array().unwrap().len(), 3);
    for key in ["p05", "p95", "ci95"] {
        assert!(!rate[key].is_null(), "{key}");
    }
    let hourly = std::fs::read_to_string(out.join("hourly.csv")).unwrap();
    assert_eq!(hourly.lines().count(), 1 + 168);
    assert!(hourly.lines().nth(1).unwrap().starts_with("Mon,00:00,"));
    assert!(hourly.lines().last().unwrap().starts_with("Sun,23:00,"));
    assert!(out.join("heatmap.png").exists());
}

#[test]
fn check_compares_window_metrics_and_sweep_goals_name_them() {
    let tmp = tempfile::tempdir().unwrap();
    let file = storm_file(tmp.path());
    let f = file.to_str().unwrap();
    let base = tmp.path().join("base.json");
    let b = base.to_str().unwrap();
    assert!(
        poolsim(&["check", f, "--baseline", b, "--write-baseline", "--quiet"]).status.success()
    );
    let text = std::fs::read_to_string(&base).unwrap();
    assert!(text.contains("\"login_failure_rate[storm]\""), "{text}");
    assert!(poolsim(&["check", f, "--baseline", b, "--quiet"]).status.success());
    let worse = poolsim(&["check", f, "--baseline", b, "--quiet", "--set", "pool.hosts=9"]);
    assert_eq!(worse.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&worse.stderr).contains("login_failure_rate[storm]"));

    let out = tmp.path().join("sweep");
    let o = poolsim(&[
        "sweep",
        f,
        "--set",
        "pool.hosts=9,12,16",
        "--goal",
        "login_failure_rate[storm]<=0.001",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let goal: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("goal.json")).unwrap()).unwrap();
    assert_eq!(
        goal["point"]["pool.hosts"], 16,
        "150 users at 10 per host need 15 hosts: 16 is the grid's first"
    );
    let bad = poolsim(&[
        "sweep",
        f,
        "--set",
        "pool.hosts=9,12",
        "--goal",
        "login_failure_rate[lunch]<=0.01",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("lunch"));
}
