//! Personal host pools and RDS personal session collections: one test per rule of MODEL.md
//! "Personal pools" (seeds 000 and 001), the validation errors, and the assignments.csv
//! round trip. Rules are checked on the event trace of small runs, so each test fails if the
//! rule is broken for any single login.

mod common;

use poolsim::metrics::MetricValues;
use poolsim::metrics::trace::TraceRecord;
use poolsim::model::Keep;
use poolsim::runner::run_replication;
use poolsim::scenario::{self, Scenario};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// A personal scenario: `pool` and `actions` are TOML lines added to the `[pool]` table and
/// after it; users log in at `rate` per hour for `session`-long sessions over `days` days.
fn personal(pool: &str, users: u32, rate: f64, session: &str, days: u32, actions: &str) -> String {
    format!(
        r#"
name = "personal"
duration = "{days}d"
seed = 17
[pool]
{pool}
[workload]
users = {users}
arrivals = {{ kind = "poisson", rate_per_hour = {rate} }}
session = {session}
{actions}
"#
    )
}

const SHORT: &str = r#"{ dist = "exponential", mean = "1h" }"#;

fn run(text: &str) -> (MetricValues, Vec<TraceRecord>) {
    let s = common::scenario(text);
    let out = run_replication(&s, 0, Keep { detail: true, trace: true });
    (out.metrics, out.trace.unwrap())
}

fn metric(m: &MetricValues, name: &str) -> f64 {
    m.get(name).unwrap_or_else(|| panic!("{name} is absent"))
}

/// Hosts each user got a session on (`login` and `reconnect` records).
fn hosts_by_user(trace: &[TraceRecord]) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in trace.iter().filter(|r| r.kind == "login" || r.kind == "reconnect") {
        let hosts = map.entry(r.user.clone().unwrap()).or_default();
        let host = r.host.clone().unwrap();
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    map
}

fn failures_of<'a>(trace: &'a [TraceRecord], user: &'a str) -> impl Iterator<Item = &'a str> {
    trace
        .iter()
        .filter(move |r| r.kind == "login_failed" && r.user.as_deref() == Some(user))
        .map(|r| r.detail.as_str())
}

#[test]
fn automatic_first_login_takes_an_unassigned_host_and_later_logins_return_to_it() {
    let (m, trace) = run(&personal("kind = \"personal\"\nhosts = 6", 6, 4.0, SHORT, 5, ""));
    let by_user = hosts_by_user(&trace);
    assert_eq!(by_user.len(), 6, "every user logged in");
    let mut owners = BTreeMap::new();
    for (user, hosts) in &by_user {
        assert_eq!(hosts.len(), 1, "{user} must always return to one host: {hosts:?}");
        assert!(owners.insert(hosts[0].clone(), user.clone()).is_none(), "one user per host");
    }
    assert!(metric(&m, "logins_succeeded") > 50.0, "users come back many times");
    assert_eq!(metric(&m, "logins_failed"), 0.0);
    assert_eq!(metric(&m, "hosts_assigned"), 6.0);
}

#[test]
fn automatic_assignment_without_an_unassigned_host_fails_with_no_unassigned_host() {
    let (m, trace) = run(&personal("kind = \"personal\"\nhosts = 3", 5, 6.0, SHORT, 4, ""));
    let by_user = hosts_by_user(&trace);
    assert_eq!(by_user.len(), 3, "only three users ever get a host");
    let mut failed = 0;
    for n in 1..=5 {
        let user = format!("user000{n}");
        let reasons: Vec<_> = failures_of(&trace, &user).collect();
        if by_user.contains_key(&user) {
            // An owner may have failed only before their first login got a host.
            let first_login =
                trace.iter().position(|r| r.user.as_deref() == Some(&user) && r.kind == "login");
            let late_failure = trace.iter().enumerate().any(|(i, r)| {
                i > first_login.unwrap()
                    && r.kind == "login_failed"
                    && r.user.as_deref() == Some(&user)
            });
            assert!(!late_failure, "{user} owns a host and must never fail after");
        } else {
            assert!(!reasons.is_empty());
        }
        assert!(reasons.iter().all(|&r| r == "no_unassigned_host"), "{reasons:?}");
        failed += reasons.len();
    }
    assert_eq!(metric(&m, "login_failures_no_unassigned_host"), failed as f64);
    assert_eq!(metric(&m, "logins_failed"), failed as f64);
    assert_eq!(metric(&m, "hosts_assigned"), 3.0);
}

const DIRECT_TWO_OF_THREE: &str = r#"kind = "personal"
assignment = "direct"
hosts = 3
assignments = [{ user = "user0001", host = "sh-0" }, { user = "user0002", host = "sh-1" }]"#;

#[test]
fn direct_pool_counts_exactly_the_unassigned_users_logins_as_no_resources_available() {
    let (m, trace) = run(&personal(DIRECT_TWO_OF_THREE, 3, 6.0, SHORT, 4, ""));
    let attempts_of_3 = trace.iter().filter(|r| r.user.as_deref() == Some("user0003")).count();
    let failures: Vec<_> = failures_of(&trace, "user0003").collect();
    assert!(attempts_of_3 > 10, "user0003 tried often");
    assert_eq!(failures.len(), attempts_of_3, "every record of user0003 is a failed login");
    assert!(failures.iter().all(|&r| r == "no_resources_available"));
    assert_eq!(metric(&m, "login_failures_no_resources_available"), attempts_of_3 as f64);
    assert_eq!(metric(&m, "logins_failed"), attempts_of_3 as f64, "the owners never fail");
    let by_user = hosts_by_user(&trace);
    assert_eq!(by_user["user0001"], ["sh-0"]);
    assert_eq!(by_user["user0002"], ["sh-1"]);
    assert!(!trace.iter().any(|r| r.host.as_deref() == Some("sh-2")), "direct never hands out");
    assert_eq!(metric(&m, "hosts_assigned"), 2.0);
}

#[test]
fn direct_assignment_in_an_automatic_pool_reserves_the_host_for_its_user() {
    let pool =
        "kind = \"personal\"\nhosts = 4\nassignments = [{ user = \"user0004\", host = \"sh-0\" }]";
    let (_, trace) = run(&personal(pool, 4, 4.0, SHORT, 4, ""));
    let by_user = hosts_by_user(&trace);
    assert_eq!(by_user["user0004"], ["sh-0"]);
    for (user, hosts) in &by_user {
        assert!(user == "user0004" || !hosts.contains(&"sh-0".to_string()), "{user} got sh-0");
    }
    assert_eq!(by_user.len(), 4);
}

const MULTI: &str = r#"kind = "personal"
assignment = "direct"
multiple_desktops = true
hosts = 3
assignments = [
  { user = "user0001", host = "sh-2", friendly_name = "Dev" },
  { user = "user0001", host = "sh-0", friendly_name = "Test" },
  { user = "user0002", host = "sh-1" },
]"#;

#[test]
fn multiple_desktops_user_connects_to_any_of_their_own_desktops() {
    let (m, trace) = run(&personal(MULTI, 2, 4.0, SHORT, 5, ""));
    let by_user = hosts_by_user(&trace);
    let mut mine = by_user["user0001"].clone();
    mine.sort();
    assert_eq!(mine, ["sh-0", "sh-2"], "random choice reaches both desktops, and only those");
    assert_eq!(by_user["user0002"], ["sh-1"]);
    assert_eq!(metric(&m, "logins_failed"), 0.0);
    assert_eq!(metric(&m, "hosts_assigned"), 3.0);
    let first = MULTI.replace(
        "multiple_desktops = true",
        "multiple_desktops = true\ndesktop_choice = \"first\"",
    );
    let (_, trace) = run(&personal(&first, 2, 4.0, SHORT, 5, ""));
    assert_eq!(hosts_by_user(&trace)["user0001"], ["sh-2"], "first = the desktop assigned first");
    for (prefer, expected) in [("Test", "sh-0"), ("sh-2", "sh-2")] {
        let named = MULTI.replace(
            "multiple_desktops = true",
            &format!("multiple_desktops = true\ndesktop_choice = {{ prefer = \"{prefer}\" }}"),
        );
        let by_user = hosts_by_user(&run(&personal(&named, 2, 4.0, SHORT, 5, "")).1);
        assert_eq!(by_user["user0001"], [expected], "a login names its desktop: {prefer}");
        assert_eq!(by_user["user0002"], ["sh-1"], "no desktop of that name: their own");
    }
}

#[test]
fn rds_collection_with_auto_assign_assigns_new_users_until_none_is_left() {
    let pool = "kind = \"rds_personal_collection\"\nauto_assign_user = true\ngrant_admin_privilege = true\nhosts = 3";
    let (m, trace) = run(&personal(pool, 5, 6.0, SHORT, 4, ""));
    assert_eq!(hosts_by_user(&trace).len(), 3);
    assert!(metric(&m, "login_failures_no_unassigned_host") > 0.0);
    assert_eq!(metric(&m, "login_failures_no_resources_available"), 0.0);
    assert_eq!(metric(&m, "hosts_assigned"), 3.0);
    let assigns: Vec<_> = trace.iter().filter(|r| r.kind == "assign").collect();
    assert_eq!(assigns.len(), 3);
    assert!(assigns.iter().all(|r| r.detail == "automatic admin"), "owners are local admins");
}

#[test]
fn rds_collection_without_auto_assign_needs_manual_assignment_first() {
    let pool = r#"kind = "rds_personal_collection"
hosts = 3
assignments = [{ user = "user0002", host = "sh-2" }]"#;
    let (m, trace) = run(&personal(pool, 3, 6.0, SHORT, 4, ""));
    assert_eq!(hosts_by_user(&trace).keys().collect::<Vec<_>>(), ["user0002"]);
    let failed: usize =
        ["user0001", "user0003"].iter().map(|u| failures_of(&trace, u).count()).sum();
    assert!(failed > 0);
    assert_eq!(metric(&m, "login_failures_no_resources_available"), failed as f64);
    assert_eq!(metric(&m, "hosts_assigned"), 1.0);
}

/// One user, one host, a login each morning at 08:00 (a one-user storm) that lasts 8 hours.
fn one_user_daily(pool: &str, days: u32, actions: &str) -> String {
    format!(
        r#"
name = "daily"
duration = "{days}d"
seed = 3
[pool]
{pool}
[workload]
users = 1
arrivals = {{ kind = "storm", users = 1, start = "08:00", window = "1s", days = "daily" }}
session = {{ dist = "fixed", value = "8h" }}
{actions}
"#
    )
}

const STOPPED: &str = r#"kind = "personal"
assignment = "direct"
hosts = 1
assignments = [{ user = "user0001", host = "sh-0" }]"#;

/// A personal scaling plan, every day, whose four phases all have `phase` keys; `autoscale`
/// adds keys to `[autoscale]`. Its hosts start deallocated (`initial_running` is 0).
fn daily_plan(autoscale: &str, phase: &str) -> String {
    let p = |start: &str| format!("{{ start = \"{start}\"{phase} }}");
    format!(
        "[autoscale]\n{autoscale}\n[[autoscale.schedules]]\nname = \"daily\"\ndays = \"daily\"\nramp_up = {}\npeak = {}\nramp_down = {}\noff_peak = {}\n",
        p("06:00"),
        p("09:00"),
        p("17:00"),
        p("20:00")
    )
}

const TWO_MINUTE_BOOT: &str = r#"boot_time = { dist = "fixed", value = "2m" }"#;

#[test]
fn start_vm_on_connect_makes_a_login_wait_for_the_boot() {
    let plan = daily_plan(TWO_MINUTE_BOOT, ", start_vm_on_connect = true");
    let (m, trace) = run(&one_user_daily(STOPPED, 3, &plan));
    assert_eq!(metric(&m, "logins_waited_for_boot"), 1.0, "booted once, then it stays up");
    assert_eq!(metric(&m, "login_wait_p95_seconds"), 120.0);
    let wait = trace.iter().find(|r| r.kind == "boot_wait").unwrap().time;
    let login = trace.iter().find(|r| r.kind == "login").unwrap().time;
    assert_eq!(login - wait, 120_000);
    assert_eq!(metric(&m, "logins_failed"), 0.0);
    assert_eq!(metric(&m, "logins_succeeded"), 3.0);
}

#[test]
fn idle_hosts_stop_and_every_morning_login_waits_for_its_configured_boot() {
    let plan = daily_plan(
        r#"boot_time = { dist = "fixed", value = "90s" }"#,
        r#", on_logoff = { wait = "1h", action = "deallocate" }"#,
    );
    let (m, trace) = run(&one_user_daily(STOPPED, 4, &plan));
    assert_eq!(metric(&m, "logins_waited_for_boot"), 4.0);
    assert_eq!(metric(&m, "login_wait_p95_seconds"), 90.0);
    // Each day: login at 08:00, boot 90 s, 8 h session, deallocated an idle hour later.
    let stops: Vec<u64> =
        trace.iter().filter(|r| r.kind == "scale_deallocate").map(|r| r.time).collect();
    let evening = 17 * 3_600_000 + 90_000;
    assert_eq!(stops.len(), 4, "{stops:?}");
    for (d, t) in stops.iter().enumerate() {
        let expected = d as u64 * 86_400_000 + evening;
        assert!((expected..expected + 1_000).contains(t), "the storm's window is 1 s: {stops:?}");
    }
    assert!(metric(&m, "host_availability") < 0.5, "a stopped host is not available");
}

#[test]
fn a_stopped_host_without_start_vm_on_connect_fails_with_host_unavailable() {
    let plan = daily_plan("", ", start_vm_on_connect = false");
    let (m, trace) = run(&one_user_daily(STOPPED, 3, &plan));
    assert_eq!(metric(&m, "login_failures_host_unavailable"), 3.0);
    assert_eq!(metric(&m, "logins_failed"), metric(&m, "logins_attempted"));
    assert_eq!(m.get("login_wait_p95_seconds"), None, "no wait, no wait metric");
    assert!(failures_of(&trace, "user0001").all(|r| r == "host_unavailable"));
}

#[test]
fn unassigning_logs_the_owner_off_and_their_next_logins_find_no_resources() {
    let pool = "kind = \"personal\"\nassignment = \"direct\"\nhosts = 1\nassignments = [{ user = \"user0001\", host = \"sh-0\" }]";
    let action = "[[actions]]\nkind = \"unassign\"\nat = \"10:00\"\nhost = \"sh-0\"";
    let (m, trace) = run(&one_user_daily(pool, 3, action));
    assert_eq!(metric(&m, "forced_logoffs"), 1.0, "the 08:00 session is cut at 10:00");
    let cut = trace.iter().find(|r| r.kind == "forced_logoff").unwrap();
    assert_eq!((cut.time, cut.detail.as_str()), (10 * 3_600_000, "unassigned"));
    assert_eq!(metric(&m, "login_failures_no_resources_available"), 2.0, "days 2 and 3");
    assert_eq!(metric(&m, "hosts_assigned"), 0.0);
}

#[test]
fn reassigning_moves_the_host_and_logs_the_former_owner_off() {
    // Each day six logins at 08:00 for 8-hour sessions among two users (a failed user may
    // try again); only user0001 owns a host (sh-0) until it goes to user0002 at 10:00 on day 0.
    let text = r#"
name = "reassign"
duration = "3d"
seed = 3
[pool]
kind = "personal"
assignment = "direct"
hosts = 2
assignments = [{ user = "user0001", host = "sh-0" }]
[workload]
users = 2
arrivals = { kind = "storm", users = 6, start = "08:00", window = "1s", days = "daily" }
session = { dist = "fixed", value = "8h" }
[[actions]]
kind = "reassign"
at = "10:00"
host = "sh-0"
user = "user0002"
"#;
    let (m, trace) = run(text);
    let at = 10 * 3_600_000;
    let cut: Vec<_> = trace.iter().filter(|r| r.kind == "forced_logoff").collect();
    assert_eq!(cut.len(), 1, "user0001 was on sh-0 at 10:00");
    assert_eq!(cut[0].time, at);
    assert_eq!((cut[0].user.as_deref(), cut[0].detail.as_str()), (Some("user0001"), "reassigned"));
    assert_eq!(metric(&m, "forced_logoffs"), 1.0);
    let records = |user: &'static str, after: bool| {
        trace
            .iter()
            .filter(move |r| r.user.as_deref() == Some(user) && (r.time > at) == after)
            .filter(|r| r.kind == "login" || r.kind == "login_failed")
    };
    let host_of = |r: &TraceRecord| (r.kind, r.host.clone(), r.detail.clone());
    let failed = ("login_failed", None, "no_resources_available".to_string());
    let on_sh0 = ("login", Some("sh-0".to_string()), String::new());
    assert!(records("user0001", true).count() > 0);
    assert!(records("user0001", true).all(|r| host_of(r) == failed), "user0001 lost sh-0");
    assert!(records("user0002", false).all(|r| host_of(r) == failed), "no host before 10:00");
    assert!(records("user0002", true).count() > 0);
    assert!(records("user0002", true).all(|r| host_of(r) == on_sh0), "user0002 owns sh-0");
    let failures = trace.iter().filter(|r| r.kind == "login_failed").count();
    assert_eq!(metric(&m, "login_failures_no_resources_available"), failures as f64);
    assert_eq!(metric(&m, "hosts_assigned"), 1.0);
}

#[test]
fn an_assignment_the_run_time_state_forbids_is_refused_and_counted() {
    // user0001 gets a host automatically at 08:00; assigning them sh-0 at noon breaks either
    // "one user per host" (they got sh-0) or "one host per user" (they got sh-1).
    let action =
        "[[actions]]\nkind = \"assign\"\nat = \"12:00\"\nhost = \"sh-0\"\nuser = \"user0001\"";
    let (m, trace) = run(&one_user_daily("kind = \"personal\"\nhosts = 2", 1, action));
    assert_eq!(metric(&m, "assignment_actions_refused"), 1.0);
    assert_eq!(trace.iter().filter(|r| r.kind == "assignment_refused").count(), 1);
    assert_eq!(metric(&m, "hosts_assigned"), 1.0);
}

#[test]
fn multiple_desktops_enabled_by_an_action_allow_a_second_desktop_afterwards() {
    let pool = "kind = \"personal\"\nassignment = \"direct\"\nhosts = 2\nassignments = [{ user = \"user0001\", host = \"sh-0\" }]";
    let actions = r#"
[[actions]]
kind = "multiple_desktops"
at = "1d"
enabled = true
[[actions]]
kind = "assign"
at = "1d1h"
host = "sh-1"
user = "user0001""#;
    let (m, _) = run(&personal(pool, 1, 2.0, SHORT, 2, actions));
    assert_eq!(metric(&m, "hosts_assigned"), 2.0);
    assert_eq!(metric(&m, "assignment_actions_refused"), 0.0);
}

#[test]
fn pooled_pools_report_no_personal_metrics() {
    let s = common::loss_system(2, 3, 5.0, SHORT, 2, 1);
    let m = run_replication(&s, 0, Keep::default()).metrics;
    for name in ["hosts_assigned", "login_wait_p95_seconds", "logins_waited_for_boot"] {
        assert_eq!(m.get(name), None, "{name}");
    }
    assert_eq!(m.get("login_failures_no_unassigned_host"), Some(0.0));
}

// ---- validation ---------------------------------------------------------------------------

fn error_of(text: &str) -> String {
    match scenario::from_str(text, "bad.toml", &[]) {
        Ok(_) => panic!("should have been refused:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn assert_refused(text: &str, field: &str, words: &str) {
    let e = error_of(text);
    assert!(e.starts_with("bad.toml: "), "{e}");
    assert!(e.contains(field) && e.contains(words), "expected {field} / {words} in: {e}");
    assert!(!e.contains('\n'), "one line: {e}");
}

const RULE: &str = "multiple personal desktops per user are only supported in personal host pools with direct assignment";

#[test]
fn multiple_desktops_with_automatic_assignment_is_refused_quoting_the_rule() {
    let pool =
        "kind = \"personal\"\nassignment = \"automatic\"\nmultiple_desktops = true\nhosts = 2";
    assert_refused(&personal(pool, 2, 1.0, SHORT, 1, ""), "pool.multiple_desktops", RULE);
    let default = "kind = \"personal\"\nmultiple_desktops = true\nhosts = 2";
    assert_refused(&personal(default, 2, 1.0, SHORT, 1, ""), "pool.multiple_desktops", RULE);
}

#[test]
fn multiple_desktops_on_a_pooled_pool_or_rds_collection_is_refused_quoting_the_rule() {
    let pooled = "kind = \"pooled\"\nmultiple_desktops = true\nhosts = 2\nmax_sessions = 2";
    assert_refused(&personal(pooled, 2, 1.0, SHORT, 1, ""), "pool.multiple_desktops", RULE);
    let rds = "kind = \"rds_personal_collection\"\nmultiple_desktops = true\nhosts = 2";
    assert_refused(&personal(rds, 2, 1.0, SHORT, 1, ""), "pool.multiple_desktops", RULE);
    let by_action = "[[actions]]\nkind = \"multiple_desktops\"\nat = \"1h\"\nenabled = true";
    assert_refused(
        &personal("kind = \"personal\"\nhosts = 2", 2, 1.0, SHORT, 1, by_action),
        "actions[0].enabled",
        RULE,
    );
}

#[test]
fn assignment_to_a_host_that_does_not_exist_is_refused() {
    let pool = "kind = \"personal\"\nassignment = \"direct\"\nhosts = 2\nassignments = [{ user = \"user0001\", host = \"sh-2\" }]";
    assert_refused(
        &personal(pool, 2, 1.0, SHORT, 1, ""),
        "pool.assignments[0].host",
        "no host named \"sh-2\"",
    );
    let action =
        "[[actions]]\nkind = \"assign\"\nat = \"1h\"\nhost = \"sh-9\"\nuser = \"user0001\"";
    let direct = "kind = \"personal\"\nassignment = \"direct\"\nhosts = 2";
    assert_refused(&personal(direct, 2, 1.0, SHORT, 1, action), "actions[0].host", "no host named");
}

#[test]
fn the_same_host_for_two_users_is_refused() {
    let pool = r#"kind = "personal"
assignment = "direct"
hosts = 2
assignments = [{ user = "user0001", host = "sh-1" }, { user = "user0002", host = "sh-1" }]"#;
    assert_refused(
        &personal(pool, 2, 1.0, SHORT, 1, ""),
        "pool.assignments[1].host",
        "already assigned to user0001",
    );
    // Multiple desktops lift the per-user limit, never the per-host one.
    let multi = pool.replace("hosts = 2", "hosts = 2\nmultiple_desktops = true");
    assert_refused(&personal(&multi, 2, 1.0, SHORT, 1, ""), "pool.assignments[1].host", "one user");
    let action =
        "[[actions]]\nkind = \"assign\"\nat = \"1h\"\nhost = \"sh-0\"\nuser = \"user0002\"";
    let one = "kind = \"personal\"\nassignment = \"direct\"\nhosts = 2\nassignments = [{ user = \"user0001\", host = \"sh-0\" }]";
    assert_refused(&personal(one, 2, 1.0, SHORT, 1, action), "actions[0].host", "reassign");
}

#[test]
fn two_hosts_for_one_user_without_multiple_desktops_is_refused() {
    let pool = r#"kind = "personal"
assignment = "direct"
hosts = 2
assignments = [{ user = "user0001", host = "sh-0" }, { user = "user0001", host = "sh-1" }]"#;
    let text = personal(pool, 2, 1.0, SHORT, 1, "");
    assert_refused(&text, "pool.assignments[1].user", "one host per user and one user per host");
    let multi = pool.replace("hosts = 2", "hosts = 2\nmultiple_desktops = true");
    common::scenario(&personal(&multi, 2, 1.0, SHORT, 1, ""));
}

#[test]
fn disabling_multiple_desktops_is_refused_once_enabled() {
    let pool = "kind = \"personal\"\nassignment = \"direct\"\nmultiple_desktops = true\nhosts = 2";
    let action = "[[actions]]\nkind = \"multiple_desktops\"\nat = \"1h\"\nenabled = false";
    assert_refused(
        &personal(pool, 2, 1.0, SHORT, 1, action),
        "actions[0].enabled",
        "cannot be disabled",
    );
}

#[test]
fn other_personal_mistakes_name_their_field() {
    let direct = "kind = \"personal\"\nassignment = \"direct\"\nhosts = 2";
    let no_users = personal(direct, 2, 1.0, SHORT, 1, "").replace("users = 2\n", "");
    assert_refused(&no_users, "workload.users", "named population");
    let unknown_user =
        format!("{direct}\nassignments = [{{ user = \"user0009\", host = \"sh-0\" }}]");
    assert_refused(
        &personal(&unknown_user, 2, 1.0, SHORT, 1, ""),
        "pool.assignments[0].user",
        "no user named",
    );
    let limit = format!("{direct}\nmax_sessions = 4");
    assert_refused(&personal(&limit, 2, 1.0, SHORT, 1, ""), "pool.max_sessions", "one user");
    let rds_key = format!("{direct}\nauto_assign_user = true");
    assert_refused(
        &personal(&rds_key, 2, 1.0, SHORT, 1, ""),
        "pool.auto_assign_user",
        "rds_personal_collection",
    );
    // Pooled pools have their own Start VM on Connect (MODEL.md "Start VM on Connect in
    // pooled pools"), but a boot time without it still means nothing.
    let pooled = "kind = \"pooled\"\nhosts = 2\nmax_sessions = 2\nboot_time = \"3m\"";
    assert_refused(
        &personal(pooled, 2, 1.0, SHORT, 1, ""),
        "pool.boot_time",
        "start_vm_on_connect",
    );
    let pooled = "kind = \"pooled\"\nhosts = 2\nmax_sessions = 2";
    let action = "[[actions]]\nkind = \"unassign\"\nat = \"1h\"\nhost = \"sh-0\"";
    assert_refused(&personal(pooled, 2, 1.0, SHORT, 1, action), "actions[0].kind", "personal pool");
    let boot = format!("{direct}\nboot_time = \"2m\"");
    assert_refused(
        &personal(&boot, 2, 1.0, SHORT, 1, ""),
        "pool.boot_time",
        "[autoscale] boot_time",
    );
    let missing = format!("{direct}\nassignments_file = \"no-such-file.csv\"");
    assert_refused(
        &personal(&missing, 2, 1.0, SHORT, 1, ""),
        "pool.assignments_file",
        "cannot read",
    );
}

#[test]
fn a_bad_row_in_the_assignments_file_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), "user,host\nuser0001,sh-0\nuser0002,sh-7\n").unwrap();
    let pool =
        "kind = \"personal\"\nassignment = \"direct\"\nhosts = 2\nassignments_file = \"a.csv\"";
    let path = dir.path().join("s.toml");
    std::fs::write(&path, personal(pool, 2, 1.0, SHORT, 1, "")).unwrap();
    let e = scenario::load(&path, &[]).unwrap_err().to_string();
    assert!(e.contains("pool.assignments_file (a.csv line 3).host") && e.contains("sh-7"), "{e}");
    let out =
        Command::new(env!("CARGO_BIN_EXE_poolsim")).arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---- assignments.csv ----------------------------------------------------------------------

fn poolsim(args: &[&std::ffi::OsStr]) {
    let out = Command::new(env!("CARGO_BIN_EXE_poolsim")).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn exported_assignments_import_and_export_again_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/personal-direct-multiple.toml");
    poolsim(&[
        "run".as_ref(),
        scenario.as_os_str(),
        "--quiet".as_ref(),
        "--out".as_ref(),
        first.as_os_str(),
    ]);
    let exported = std::fs::read(first.join("assignments.csv")).unwrap();
    let text = String::from_utf8(exported.clone()).unwrap();
    assert!(text.contains("user0004,sh-1,Test"), "the reassignment is in the export:\n{text}");
    // Import it into a direct pool with no admin action: the export must come back unchanged.
    std::fs::copy(first.join("assignments.csv"), dir.path().join("imported.csv")).unwrap();
    let pool = "kind = \"personal\"\nassignment = \"direct\"\nmultiple_desktops = true\nhosts = 8\nassignments_file = \"imported.csv\"";
    let again = dir.path().join("again.toml");
    std::fs::write(&again, personal(pool, 4, 2.0, SHORT, 2, "")).unwrap();
    let second = dir.path().join("second");
    poolsim(&[
        "run".as_ref(),
        again.as_os_str(),
        "--quiet".as_ref(),
        "--out".as_ref(),
        second.as_os_str(),
    ]);
    assert_eq!(std::fs::read(second.join("assignments.csv")).unwrap(), exported);
}

#[test]
fn personal_scenarios_validate_and_run() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["personal-automatic", "personal-direct-multiple", "rds-auto-assign", "rds-manual"]
    {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(&format!("# {name} — ")), "{name} is documented at its top");
        let s: Scenario = scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.pool.kind.is_personal());
        let out = dir.path().join(name);
        poolsim(&[
            "run".as_ref(),
            path.as_os_str(),
            "--quiet".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        assert!(out.join("assignments.csv").exists(), "{name} exports its assignments");
    }
}

#[test]
fn personal_outputs_are_byte_identical_on_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/personal-automatic.toml");
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(threads);
        poolsim(&[
            "run".as_ref(),
            scenario.as_os_str(),
            "--quiet".as_ref(),
            "--trace".as_ref(),
            "--threads".as_ref(),
            threads.as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        outputs.push(out);
    }
    for file in
        ["summary.json", "replications.csv", "timeseries.csv", "trace.csv", "assignments.csv"]
    {
        let a = std::fs::read(outputs[0].join(file)).unwrap();
        let b = std::fs::read(outputs[1].join(file)).unwrap();
        assert!(a == b, "{file} differs between 1 and 2 threads");
    }
}

#[test]
fn bad_personal_input_exits_2_with_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rows.csv"), "user0001,sh-0\nuser0002\n").unwrap();
    let direct = "kind = \"personal\"\nassignment = \"direct\"\nhosts = 2";
    let cases = [
        (format!("{direct}\nmultiple_desktops = true").replace("direct\"", "automatic\""), RULE),
        (format!("{direct}\nassignments = [{{ user = \"user0001\", host = \"sh-5\" }}]"), "sh-5"),
        (format!("{direct}\nassignments_file = \"rows.csv\""), "rows.csv\" line 2"),
        (format!("{direct}\nboot_time = \"2 minutes\"\nstart_vm_on_connect = true"), "boot_time"),
    ];
    for (pool, needle) in cases {
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, personal(&pool, 2, 1.0, SHORT, 1, "")).unwrap();
        let out_dir = dir.path().join("out");
        let out = Command::new(env!("CARGO_BIN_EXE_poolsim"))
            .arg("run")
            .arg(&file)
            .arg("--quiet")
            .arg("--out")
            .arg(&out_dir)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("bad.toml") && err.contains(needle), "expected {needle}: {err}");
        assert!(!out_dir.exists(), "nothing written");
    }
}

#[test]
fn boot_waits_follow_the_boot_time_distribution() {
    // Every host stops after 10 idle minutes, so most logins wait for a boot drawn uniformly
    // from 1–3 minutes: the 95th percentile of the waits is 60 + 0.95 × 120 = 174 s.
    let plan = daily_plan(
        r#"boot_time = { dist = "uniform", min = "1m", max = "3m" }"#,
        r#", on_logoff = { wait = "10m", action = "deallocate" }"#,
    );
    let pool = "kind = \"personal\"\nhosts = 20";
    let length = r#"{ dist = "exponential", mean = "30m" }"#;
    let (m, _) = run(&personal(pool, 20, 20.0, length, 30, &plan));
    let waits = metric(&m, "logins_waited_for_boot");
    assert!(waits > 5_000.0, "{waits}");
    let p95 = metric(&m, "login_wait_p95_seconds");
    assert!((p95 - 174.0).abs() < 2.0, "{p95}");
    assert_eq!(metric(&m, "logins_failed"), 0.0, "every user has a host to boot");
}

#[test]
fn hosts_added_to_an_automatic_pool_are_handed_out_once_available() {
    // Two hosts for four users until two more are deployed on day 1 (they register after 10
    // minutes and are Available 5 minutes later).
    let actions = "[[actions]]\nkind = \"add_hosts\"\nat = \"1d\"\ncount = 2";
    let (m, trace) = run(&personal("kind = \"personal\"\nhosts = 2", 4, 6.0, SHORT, 3, actions));
    assert_eq!(metric(&m, "hosts_assigned"), 4.0);
    let by_user = hosts_by_user(&trace);
    let mut hosts: Vec<_> = by_user.values().map(|h| h[0].clone()).collect();
    hosts.sort();
    assert_eq!(hosts, ["sh-0", "sh-1", "sh-2", "sh-3"]);
    assert!(by_user.values().all(|h| h.len() == 1));
    let joined = 86_400_000 + 15 * 60_000;
    let late = trace.iter().filter(|r| r.kind == "login_failed" && r.time >= joined);
    assert_eq!(late.count(), 0, "no failure once the new hosts are up");
    assert!(metric(&m, "login_failures_no_unassigned_host") > 0.0);
}
