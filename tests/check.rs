//! `poolsim check` end to end: a scenario passes against its own baseline, fails against a
//! deliberately worsened version of itself, and refuses bad input with exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POOLSIM: &str = env!("CARGO_BIN_EXE_poolsim");
const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/pooled-erlang.toml");

fn poolsim(args: &[&str]) -> Output {
    Command::new(POOLSIM).args(args).output().expect("poolsim runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Records the scenario's baseline in `dir` (on `threads` threads) and returns its path.
fn record(dir: &Path, file: &str, threads: &str) -> PathBuf {
    let path = dir.join(file);
    let p = path.to_str().unwrap();
    let o =
        poolsim(&["check", SCENARIO, "--baseline", p, "--write-baseline", "--threads", threads]);
    assert!(o.status.success(), "{}", text(&o));
    path
}

#[test]
fn passes_on_its_own_baseline_and_fails_on_a_worsened_pool() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = record(dir.path(), "b.json", "2");
    let b = baseline.to_str().unwrap();

    let same = poolsim(&["check", SCENARIO, "--baseline", b]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));

    // Two hosts instead of three: ten slots for ten Erlangs, so many more logins fail.
    let report = dir.path().join("report.json");
    let worse = poolsim(&[
        "check",
        SCENARIO,
        "--baseline",
        b,
        "--set",
        "pool.hosts=2",
        "--report",
        "json",
        "--report-file",
        report.to_str().unwrap(),
    ]);
    assert_eq!(worse.status.code(), Some(1), "{}", text(&worse));
    let out = text(&worse);
    assert!(out.contains("login_failure_rate") && out.contains("REGRESSION"), "{out}");

    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["passed"], false);
    let rows = json["metrics"].as_array().unwrap();
    let verdict = |m: &str| rows.iter().find(|r| r["metric"] == m).unwrap()["verdict"].clone();
    assert_eq!(verdict("login_failure_rate"), "regression");
    assert_eq!(
        verdict("logins_attempted"),
        "ok",
        "the same arrivals were offered (the table's word)"
    );
}

#[test]
fn more_capacity_is_an_improvement_not_a_regression() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = record(dir.path(), "b.json", "2");
    let junit = dir.path().join("junit.xml");
    let better = poolsim(&[
        "check",
        SCENARIO,
        "--baseline",
        baseline.to_str().unwrap(),
        "--set",
        "pool.hosts=5",
        "--report",
        "junit",
        "--report-file",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(better.status.code(), Some(0), "{}", text(&better));
    assert!(text(&better).contains("improved"));
    let xml = std::fs::read_to_string(junit).unwrap();
    assert!(xml.contains("failures=\"0\"") && !xml.contains("<failure"), "{xml}");
}

#[test]
fn baselines_are_deterministic_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let one = std::fs::read(record(dir.path(), "one.json", "1")).unwrap();
    let two = std::fs::read(record(dir.path(), "two.json", "2")).unwrap();
    assert_eq!(one, two);
}

#[test]
fn bad_input_exits_with_code_2_and_names_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.json");
    let o = poolsim(&["check", SCENARIO, "--baseline", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("none.json") && text(&o).contains("--write-baseline"));

    let baseline = record(dir.path(), "b.json", "2");
    let b = baseline.to_str().unwrap();
    let o = poolsim(&["check", SCENARIO, "--baseline", b, "--tolerance", "no_such=1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("no_such"), "{}", text(&o));

    let o = poolsim(&["check", SCENARIO, "--baseline", b, "--set", "name=other"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("\"pooled-erlang\", not \"other\""), "{}", text(&o));

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{\"format\": 1}").unwrap();
    let o = poolsim(&["check", SCENARIO, "--baseline", garbage.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("not a poolsim baseline"), "{}", text(&o));
}
