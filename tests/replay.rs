//! Replaying connection logs: export → replay round trips, chains of disconnects and
//! reconnections, a smaller pool refusing what the log's pool accepted, users' names.

use std::path::Path;
use std::process::Command;

/// A small pool under pressure: a named population that disconnects and comes back, so the
/// export has failures and reconnection chains. Logins stop at 18:00 so that every disconnected
/// session is resumed before the run ends (a log cannot show a session still disconnected at
/// its end: the replay logs such a session off at its disconnect).
const BUSY: &str = r#"
name = "busy"
duration = "3d"
seed = 11
[pool]
kind = "pooled"
load_balancer = "breadth_first"
hosts = 3
max_sessions = 4
[workload]
users = 40
arrivals = { kind = "profile", per_hour = [0,0,0,0,0,0,0,0,30,30,30,30,30,30,30,30,30,30,0,0,0,0,0,0] }
session = { dist = "uniform", min = "10m", max = "50m" }
reconnect = { probability = 0.3, after = { dist = "fixed", value = "10m" } }
"#;

fn poolsim(args: &[&str], dir: &Path) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_poolsim")).args(args).current_dir(dir).output();
    out.unwrap()
}

fn run_ok(dir: &Path, scenario: &str, out: &str) -> serde_json::Value {
    let o = poolsim(&["run", scenario, "--out", out, "--quiet", "--export-connections"], dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(dir.join(out).join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn mean(summary: &serde_json::Value, metric: &str) -> f64 {
    summary["metrics"][metric]["mean"].as_f64().unwrap_or_else(|| panic!("{metric} absent"))
}

/// The replay of `BUSY`'s pool with the log in `connections.csv`.
fn replay_of(pool_hosts: u32) -> String {
    let pool = BUSY.split("[workload]").next().unwrap();
    let pool = pool.replace("hosts = 3", &format!("hosts = {pool_hosts}"));
    format!("{pool}[workload]\nreplay = {{ file = \"connections.csv\" }}\n")
}

/// Connected time of every connection, summed from WVDConnections rows (open ones end at
/// the end of the log) — the session-hours the log describes.
fn connected_ms(csv_text: &str) -> i64 {
    use std::collections::HashMap;
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let mut spans: HashMap<String, (Option<i64>, Option<i64>)> = HashMap::new();
    let mut last = 0;
    for row in r.records() {
        let row = row.unwrap();
        let t = chrono::DateTime::parse_from_rfc3339(&row[0]).unwrap().timestamp_millis();
        last = last.max(t);
        let e = spans.entry(row[1].to_string()).or_default();
        match &row[2] {
            "Connected" => e.0 = Some(t),
            "Completed" => e.1 = Some(t),
            _ => {}
        }
    }
    spans.values().filter_map(|&(c, d)| Some(d.unwrap_or(last) - c?)).sum()
}

#[test]
fn export_then_replay_on_the_same_pool_gives_the_same_logins_failures_and_session_hours() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("busy.toml"), BUSY).unwrap();
    let original = run_ok(dir, "busy.toml", "a");
    let log = std::fs::read_to_string(dir.join("a/connections.csv")).unwrap();
    assert!(log.contains(",Started,") && log.matches(",Connected,").count() > 100);
    assert!(log.contains("-8000-"), "reconnection chains expected");
    std::fs::write(dir.join("connections.csv"), &log).unwrap();
    std::fs::write(dir.join("replay.toml"), replay_of(3)).unwrap();
    let replayed = run_ok(dir, "replay.toml", "b");
    assert!(mean(&original, "logins_failed") > 10.0, "the pool must refuse some logins");
    for m in ["logins_attempted", "logins_succeeded", "logins_failed", "peak_sessions"] {
        assert_eq!(mean(&original, m), mean(&replayed, m), "{m}");
    }
    // The log's own failures are the original run's.
    assert_eq!(mean(&replayed, "log_failed_connections"), mean(&original, "logins_failed"));
    let again = std::fs::read_to_string(dir.join("b/connections.csv")).unwrap();
    assert_eq!(connected_ms(&again), connected_ms(&log));
    // Same pool name, same connections: the export of the replay is the log itself.
    assert_eq!(again, log);
}

#[test]
fn a_smaller_pool_refuses_logins_the_log_accepted_and_keeps_users_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let log = "user,start,end\n\
               alice,2024-01-08T08:00:00Z,2024-01-08T09:00:00Z\n\
               bob,2024-01-08T08:10:00Z,2024-01-08T08:40:00Z\n\
               carol,2024-01-08T08:20:00Z,\n\
               dave,2024-01-08T08:50:00Z,2024-01-08T10:00:00Z\n";
    std::fs::write(dir.join("log.csv"), log).unwrap();
    let scenario = r#"
name = "small"
[pool]
kind = "pooled"
load_balancer = "depth_first"
hosts = 1
max_sessions = 2
[workload]
replay = { file = "log.csv", format = "simple", utc_offset = "+00:00" }
"#;
    std::fs::write(dir.join("small.toml"), scenario).unwrap();
    let o = poolsim(&["run", "small.toml", "--out", "o", "--quiet", "--trace"], dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("o/summary.json")).unwrap())
            .unwrap();
    // Two slots: alice and bob fit, carol (08:20) is refused; bob left at 08:40, so dave fits.
    assert_eq!(mean(&summary, "logins_attempted"), 4.0);
    assert_eq!(mean(&summary, "logins_failed"), 1.0);
    assert_eq!(mean(&summary, "log_failed_connections"), 0.0);
    assert_eq!(summary["duration"], "11h", "the first whole hour after the last row");
    let trace = std::fs::read_to_string(dir.join("o/trace.csv")).unwrap();
    let failed: Vec<&str> = trace.lines().filter(|l| l.contains("login_failed")).collect();
    assert_eq!(failed.len(), 1);
    // Monday 08:20 is 8 h 20 min after time 0.
    assert!(failed[0].starts_with(&format!("{},login_failed,,carol,", (8 * 60 + 20) * 60_000)));
}

/// A WVDConnections log of a personal pool: alice on p-2 (twice), bob on p-0, and carol, whose
/// rows name no host.
fn personal_log() -> String {
    let id = |n: u32| format!("00000000-0000-4000-8000-{n:012}");
    let mut out = String::from(
        "TimeGenerated,CorrelationId,State,UserName,SessionHostName,PredecessorConnectionId,_ResourceId\n",
    );
    for (n, user, host, day, from, to) in [
        (1, "alice", "p-2", 8, "08:00:00", "12:00:00"),
        (2, "bob", "p-0", 8, "08:10:00", "11:00:00"),
        (3, "carol", "", 8, "09:00:00", "10:00:00"),
        (4, "alice", "p-2", 9, "08:00:00", "09:00:00"),
    ] {
        for (state, t) in [("Started", from), ("Connected", from), ("Completed", to)] {
            out += &format!("2024-01-{day:02}T{t}Z,{},{state},{user},{host},,\n", id(n));
        }
    }
    out
}

fn personal_replay(assignment: &str, log: &str) -> String {
    format!(
        "name = \"p\"\n[pool]\nkind = \"personal\"\nassignment = \"{assignment}\"\nhosts = 3\nname_prefix = \"p\"\nassignments = \"from_log\"\n[workload]\nreplay = {{ file = \"{log}\" }}\n"
    )
}

/// (host, user) of each `kind` record of a trace.
fn trace_of(dir: &Path, out: &str, kind: &str) -> Vec<(String, String)> {
    let trace = std::fs::read_to_string(dir.join(out).join("trace.csv")).unwrap();
    trace
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1] == kind).then(|| (f[2].to_string(), f[3].to_string()))
        })
        .collect()
}

#[test]
fn personal_pools_take_their_assignments_from_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("log.csv"), personal_log()).unwrap();
    // Automatic assignment: alice and bob land on their logged hosts; carol, with no host in
    // the log, gets the one host left unassigned on her first login.
    std::fs::write(dir.join("auto.toml"), personal_replay("automatic", "log.csv")).unwrap();
    let o = poolsim(&["run", "auto.toml", "--out", "a", "--quiet", "--trace"], dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let logins = trace_of(dir, "a", "login");
    let pair = |h: &str, u: &str| (h.to_string(), u.to_string());
    assert_eq!(
        logins,
        [pair("p-2", "alice"), pair("p-0", "bob"), pair("p-1", "carol"), pair("p-2", "alice")]
    );
    assert_eq!(trace_of(dir, "a", "assign"), [pair("p-1", "carol")]);
    // Direct assignment: carol has no host and the pool gives none (MODEL.md: an unassigned
    // user cannot connect to a direct-assignment pool).
    std::fs::write(dir.join("direct.toml"), personal_replay("direct", "log.csv")).unwrap();
    let o = poolsim(&["run", "direct.toml", "--out", "d", "--quiet", "--trace"], dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(trace_of(dir, "d", "login").len(), 3);
    assert_eq!(trace_of(dir, "d", "login_failed"), [(String::new(), "carol".to_string())]);
}

#[test]
fn a_logged_host_missing_from_the_pool_is_one_line_naming_the_user_and_the_host() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("log.csv"), personal_log().replace("p-0", "p-7")).unwrap();
    std::fs::write(dir.join("p.toml"), personal_replay("automatic", "log.csv")).unwrap();
    let o = poolsim(&["run", "p.toml", "--out", "o", "--quiet"], dir);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("pool.assignments") && err.contains("bob") && err.contains("p-7"),
        "{err}"
    );
    assert!(!dir.join("o").exists());
}
