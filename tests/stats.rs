//! `poolsim run --stats`: the figures reach summary.json only when asked for, so summary.json
//! stays byte-identical from run to run otherwise.

use std::process::Command;

const POOLSIM: &str = env!("CARGO_BIN_EXE_poolsim");
const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/pooled-erlang.toml");

fn run(out: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", SCENARIO, "--quiet", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = Command::new(POOLSIM).args(&args).output().expect("poolsim runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn stats_are_reported_only_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let plain = run(&dir.path().join("plain"), &[]);
    assert!(plain.get("stats").is_none(), "no wall-clock figures in a plain summary");

    let with = run(&dir.path().join("stats"), &["--stats", "--threads", "1"]);
    let s = &with["stats"];
    // Every login is an arrival and ends in one session end at most: events lie between the
    // attempts and twice the attempts (plus the arrival pending at the end, never handled).
    let attempts = with["metrics"]["logins_attempted"]["mean"].as_f64().unwrap() * 4.0;
    let events = s["events"].as_f64().unwrap();
    assert!(events >= attempts && events <= 2.0 * attempts, "{events} events, {attempts} logins");
    // Three hosts × five sessions, one pending end each, plus the one arrival process.
    let peak = s["peak_queue"].as_u64().unwrap();
    assert!((2..=16).contains(&peak), "peak queue {peak}");
    assert_eq!(s["threads"], 1);
    assert!(s["peak_rss_bytes"].as_u64().is_none_or(|b| b > 1 << 20));
    assert_eq!(with["metrics"], plain["metrics"], "--stats does not change the results");
}
