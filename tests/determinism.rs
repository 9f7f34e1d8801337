//! Determinism: the same scenario and seed give byte-identical outputs whatever the thread
//! count, and a different seed gives different numbers.

use std::path::Path;
use std::process::Command;

const SCENARIO: &str = r#"
name = "determinism"
duration = "3d"
seed = 42
replications = 6

[pool]
kind = "pooled"
load_balancer = "breadth_first"
hosts = 4
max_sessions = 6

[workload]
users = 40
arrivals = [
  { kind = "poisson", rate_per_hour = 6 },
  { kind = "storm", users = 20, start = "08:00", window = "1h", days = "daily" },
]
session = { dist = "lognormal", mean = "45m", sd = "30m" }
reconnect = { probability = 0.3, after = { dist = "exponential", mean = "10m" } }

[[actions]]
at = "1d"
kind = "drain_on"
host = "sh-1"

[[actions]]
at = "1d6h"
kind = "drain_off"
host = "sh-1"
"#;

fn run(dir: &Path, scenario: &Path, extra: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_poolsim"))
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(dir)
        .arg("--quiet")
        .arg("--trace")
        .args(extra)
        .output()
        .expect("poolsim runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn outputs_are_byte_identical_across_thread_counts_and_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    run(&a, &scenario, &["--threads", "1"]);
    run(&b, &scenario, &["--threads", "2"]);
    run(&c, &scenario, &["--threads", "2"]);
    for file in ["summary.json", "replications.csv", "timeseries.csv", "trace.csv"] {
        assert_eq!(read(&a, file), read(&b, file), "{file} differs between 1 and 2 threads");
        assert_eq!(read(&b, file), read(&c, file), "{file} differs between two runs");
    }
    let trace = String::from_utf8(read(&a, "trace.csv")).unwrap();
    for kind in ["login", "logoff", "disconnect", "reconnect", "drain_on", "drain_off"] {
        assert!(trace.contains(&format!(",{kind},")), "trace has no {kind} event");
    }
}

#[test]
fn another_seed_gives_other_numbers_and_replications_differ() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(&a, &scenario, &[]);
    run(&b, &scenario, &["--seed", "43"]);
    assert_ne!(read(&a, "replications.csv"), read(&b, "replications.csv"));
    let csv = String::from_utf8(read(&a, "replications.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).map(|l| l.split_once(',').unwrap().1).collect();
    assert_eq!(rows.len(), 6);
    assert!(rows.windows(2).any(|w| w[0] != w[1]), "replications must use different streams");
}

#[test]
fn a_replication_is_the_same_alone_or_among_others() {
    use poolsim::model::Keep;
    use poolsim::runner::run_replication;
    let s = poolsim::scenario::from_str(SCENARIO, "s.toml", &[]).unwrap();
    let alone = run_replication(&s, 3, Keep::default());
    let mut more = s.clone();
    more.replications = 10;
    let among = run_replication(&more, 3, Keep::default());
    assert_eq!(alone.metrics, among.metrics);
}
