//! What a planner hands on: provenance, clock times, numbers as people read them, sweep
//! tables in wide and long form, and `validate` saying everything at once.

mod cli_support;

use cli_support::{run, run_ok, scenario_file};
use poolsim::output::provenance::sha256_hex;
use std::path::Path;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn summary_json_says_what_produced_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let s = scenario_file("pooled-erlang.toml");
    let args = ["run", s.to_str().unwrap(), "--quiet", "--out", out.to_str().unwrap()];
    let set = ["--set", "pool.hosts=9", "--seed", "5", "--replications", "2"];
    run_ok(&[&args[..], &set[..]].concat());
    let p = &json(&out.join("summary.json"))["provenance"];
    assert_eq!(p["poolsim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(p["scenario_file"], "pooled-erlang.toml", "the name only, not the machine's path");
    assert_eq!(p["scenario_sha256"], sha256_hex(&std::fs::read(&s).unwrap()));
    let overrides: Vec<&str> =
        p["overrides"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(overrides, ["pool.hosts=9", "seed=5", "replications=2"]);
    assert_eq!(p["pool"]["hosts"], 9, "the resolved pool, after overrides");
    assert_eq!(p["pool"]["kind"], "pooled");
    // The scenario as run travels with the outputs, for the report.
    assert_eq!(std::fs::read(out.join("scenario.toml")).unwrap(), std::fs::read(&s).unwrap());
}

#[test]
fn times_are_clock_times_with_real_dates_when_the_start_date_is_given() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let s = scenario_file("update-weeknight.toml");
    let args = ["run", s.to_str().unwrap(), "--out", out.to_str().unwrap()];
    let set = ["--replications", "1", "--set", "start_date=2026-03-02"];
    let stdout = String::from_utf8(run_ok(&[&args[..], &set[..]].concat()).stdout).unwrap();
    // MODEL: the run starts Monday 00:00; the update starts "tue 22:00".
    let line = stdout.lines().find(|l| l.contains("update started")).expect(&stdout);
    assert!(line.contains("update started Tue 2026-03-03 22:00, done "), "{line}");
    let minutes: f64 = line.rsplit('(').next().unwrap().trim_end_matches(" min)").parse().unwrap();
    let summary = json(&out.join("summary.json"));
    let mean = summary["metrics"]["update_completion_minutes"]["mean"].as_f64().unwrap();
    assert_eq!(minutes, mean.round(), "{line}");
    assert!(stdout.contains(": 1 replication of 7d"), "singular: {stdout}");
    // Counts are whole numbers, rates percentages.
    let attempted =
        stdout.lines().find(|l| l.trim_start().starts_with("logins_attempted")).unwrap();
    assert!(!attempted.contains('.'), "{attempted}");
    let rate = stdout.lines().find(|l| l.trim_start().starts_with("host_availability")).unwrap();
    assert!(rate.trim_end().ends_with('%'), "{rate}");

    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let mut rows = ts.lines();
    assert!(rows.next().unwrap().starts_with("time_s,clock,"));
    assert!(rows.next().unwrap().starts_with("0,Mon 2026-03-02 00:00,"));
    let day2 = ts.lines().find(|l| l.starts_with("165600,")).unwrap();
    assert!(day2.starts_with("165600,Tue 2026-03-03 22:00,"), "{day2}");
    let up = std::fs::read_to_string(out.join("update.csv")).unwrap();
    let first = up.lines().nth(1).unwrap();
    assert!(first.starts_with("sh-0,0,165600,Tue 2026-03-03 22:00,"), "{first}");

    // A start date must be a Monday: time zero is Monday 00:00.
    let bad = run(&[&args[..], &["--set", "start_date=2026-03-03"][..]].concat());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("start_date"));
}

#[test]
fn printed_intervals_stay_within_what_a_metric_can_take() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("update-weeknight.toml");
    let out = run_ok(&[
        "run",
        s.to_str().unwrap(),
        "--replications",
        "3",
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    for line in stdout.lines().filter(|l| l.contains("95% CI")) {
        let ci = line.split("95% CI ").nth(1).unwrap().trim_end_matches(')');
        assert!(!ci.contains('-'), "a negative bound: {line}");
        if ci.contains('%') {
            for bound in ci.split(" .. ") {
                let v: f64 = bound.trim_end_matches('%').parse().unwrap();
                assert!((0.0..=100.0).contains(&v), "{line}");
            }
        }
    }
    assert!(!stdout.contains("update_status"), "a coded status has no mean to print");
}

#[test]
fn a_sweep_writes_no_empty_column_and_a_long_form_with_the_same_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let s = scenario_file("erlang-sweep.toml");
    let args = ["sweep", s.to_str().unwrap(), "--quiet", "--out", dir, "--set", "pool.hosts=10,12"];
    run_ok(&[&args[..], &["--replications", "1"][..]].concat());
    let wide = std::fs::read_to_string(tmp.path().join("sweep.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(wide.as_bytes());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for (c, name) in head.iter().enumerate() {
        assert!(rows.iter().any(|r| !r[c].is_empty()), "column {name} is empty on every row");
    }
    assert!(!head.iter().any(|h| h.ends_with("_ci_low")), "one replication has no interval");
    let long = std::fs::read_to_string(tmp.path().join("sweep_long.csv")).unwrap();
    let mut lr = csv::Reader::from_reader(long.as_bytes());
    assert_eq!(
        lr.headers().unwrap().iter().collect::<Vec<_>>(),
        ["point", "pool.hosts", "metric", "mean", "p05", "p95", "ci_low", "ci_high"]
    );
    let mut checked = 0;
    for rec in lr.records().map(Result::unwrap) {
        let point: usize = rec[0].parse().unwrap();
        let col = head.iter().position(|h| *h == format!("{}_mean", &rec[2])).unwrap();
        assert_eq!(&rows[point][col], &rec[3], "{:?}", rec);
        assert_eq!(&rows[point][0], &rec[1]);
        checked += 1;
    }
    assert_eq!(checked, 2 * (head.len() - 1) / 3, "every mean, p05, p95 triple once");
    let sweep = json(&tmp.path().join("sweep.json"));
    assert_eq!(sweep["axes"][0]["values"], serde_json::json!([10, 12]));
    assert_eq!(sweep["axes"][0]["range"], false);
    assert_eq!(sweep["provenance"]["scenario_file"], "erlang-sweep.toml");
    let overrides = sweep["provenance"]["overrides"].as_array().unwrap();
    assert!(overrides.iter().any(|o| o == "pool.hosts=10,12"), "{overrides:?}");
}

#[test]
fn validate_reports_every_problem_and_takes_set() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("two.toml");
    let text = std::fs::read_to_string(scenario_file("pooled-erlang.toml")).unwrap();
    std::fs::write(&file, &text).unwrap();
    let f = file.to_str().unwrap();
    run_ok(&["validate", f]);
    // Two problems in two places: both are reported, one line each, exit 2.
    let out = run(&["validate", f, "--set", "replications=0", "--set", "pool.hosts=0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.contains("replications") && err.contains("pool.hosts"), "{err}");
    assert!(err.lines().all(|l| l.contains("two.toml")), "{err}");
    let ok = run_ok(&["validate", f, "--set", "pool.hosts=7"]);
    assert!(String::from_utf8_lossy(&ok.stdout).contains("ok (7 hosts"));
}

#[test]
fn stats_come_from_the_operating_system() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    let out = tmp.path().to_str().unwrap();
    let args = ["run", s.to_str().unwrap(), "--stats", "--quiet", "--out", out];
    let stdout = String::from_utf8(run_ok(&args).stdout).unwrap();
    let cpu = stdout.lines().find(|l| l.contains("events per CPU-sec")).unwrap();
    let rate: f64 = cpu.split_whitespace().last().unwrap().parse().expect(cpu);
    assert!(rate > 0.0, "{cpu}");
    let stats = &json(&tmp.path().join("summary.json"))["stats"];
    assert!(stats["cpu_seconds"].as_f64().unwrap() > 0.0);
    assert!(stats["peak_rss_bytes"].as_u64().unwrap() > 1 << 20);
}
