//! The personal scaling plan: one test per rule of MODEL.md "Autoscale scaling plans",
//! personal pools — "per phase, Start VM on Connect on/off; after a user disconnects or logs
//! off, wait 0–360 minutes, then deallocate, hibernate or do nothing; at ramp-up start hosts
//! that have an assigned user, all hosts, or none" — and the issue's "hibernated … resumes
//! faster than a boot", checked on the event trace of one user's days.

mod common;

use poolsim::metrics::MetricValues;
use poolsim::metrics::trace::TraceRecord;
use poolsim::model::Keep;
use poolsim::runner::run_replication;

const MIN: u64 = 60_000;
const HOUR: u64 = 60 * MIN;

/// `hosts` personal hosts, `user0001` owning `sh-0`, logging in daily at `login` for
/// `session`, coming back after `reconnect_after` (never, if empty); a daily plan whose
/// phases (06:00, 09:00, 17:00, 20:00) all carry `phase`, ramp-up also `ramp_up`.
/// Boots take 4 minutes, resumes 40 seconds.
fn scenario(
    hosts: u32,
    login: &str,
    session: &str,
    reconnect_after: &str,
    phase: &str,
    ramp_up: &str,
) -> String {
    let reconnect = if reconnect_after.is_empty() {
        String::new()
    } else {
        format!(
            "reconnect = {{ probability = 1.0, after = {{ dist = \"fixed\", value = \"{reconnect_after}\" }} }}"
        )
    };
    let p = |start: &str, extra: &str| format!("{{ start = \"{start}\"{phase}{extra} }}");
    format!(
        r#"
name = "personal-plan"
duration = "1d"
seed = 5
[pool]
kind = "personal"
assignment = "direct"
hosts = {hosts}
assignments = [{{ user = "user0001", host = "sh-0" }}]
[workload]
users = 1
arrivals = {{ kind = "storm", users = 1, start = "{login}", window = "1s", days = "daily" }}
session = {{ dist = "fixed", value = "{session}" }}
{reconnect}
[autoscale]
boot_time = {{ dist = "fixed", value = "4m" }}
resume_time = {{ dist = "fixed", value = "40s" }}
[[autoscale.schedules]]
name = "daily"
days = "daily"
ramp_up = {}
peak = {}
ramp_down = {}
off_peak = {}
"#,
        p("06:00", ramp_up),
        p("09:00", ""),
        p("17:00", ""),
        p("20:00", "")
    )
}

fn run(text: &str) -> (MetricValues, Vec<TraceRecord>) {
    let s = common::scenario(text);
    let out = run_replication(&s, 0, Keep { detail: true, trace: true });
    (out.metrics, out.trace.unwrap())
}

fn times(trace: &[TraceRecord], kind: &str) -> Vec<u64> {
    trace.iter().filter(|r| r.kind == kind).map(|r| r.time).collect()
}

fn metric(m: &MetricValues, name: &str) -> f64 {
    m.get(name).unwrap_or_else(|| panic!("{name} is absent"))
}

#[test]
fn after_a_disconnect_the_plan_waits_then_hibernates_and_the_return_resumes_faster_than_a_boot() {
    let hibernate = r#", on_disconnect = { wait = "30m", action = "hibernate" }"#;
    let (m, trace) = run(&scenario(1, "08:00", "1h", "1h", hibernate, ""));
    let disconnects = times(&trace, "disconnect");
    let hibernations = times(&trace, "scale_hibernate");
    assert!(disconnects.len() >= 3, "{disconnects:?}");
    // Wait then action: each hibernation is exactly the wait after a disconnect.
    for (d, h) in disconnects.iter().zip(&hibernations) {
        assert_eq!(h - d, 30 * MIN, "{disconnects:?} {hibernations:?}");
    }
    // The first login waits for a boot (4 m), each return for a resume (40 s).
    let waits: Vec<u64> = times(&trace, "boot_wait")
        .iter()
        .map(|w| times(&trace, "login").into_iter().find(|l| l >= w).unwrap() - w)
        .collect();
    assert_eq!(waits[0], 4 * MIN, "{waits:?}");
    assert!(waits.len() >= 3 && waits[1..].iter().all(|&w| w == 40_000), "{waits:?}");
    assert_eq!(metric(&m, "logins_failed"), 0.0);
    assert_eq!(metric(&m, "forced_logoffs"), 0.0, "hibernating keeps the session");
}

#[test]
fn a_user_reconnecting_within_the_wait_cancels_it() {
    // MODEL.md: after a disconnect, "wait … then" act; back after 10 minutes, a 30-minute
    // wait never ends in a hibernation, a 5-minute one always does.
    let wait = |w: &str| format!(r#", on_disconnect = {{ wait = "{w}", action = "hibernate" }}"#);
    let (_, trace) = run(&scenario(1, "08:00", "1h", "10m", &wait("30m"), ""));
    assert!(times(&trace, "reconnect").len() >= 5);
    assert!(times(&trace, "scale_hibernate").is_empty());
    let (_, trace) = run(&scenario(1, "08:00", "1h", "10m", &wait("5m"), ""));
    assert_eq!(times(&trace, "scale_hibernate").len(), times(&trace, "disconnect").len());
}

#[test]
fn deallocating_after_a_disconnect_ends_the_session_but_the_host_stays_the_users() {
    let deallocate = r#", on_disconnect = { wait = "5m", action = "deallocate" }"#;
    let (m, trace) = run(&scenario(2, "08:00", "1h", "1h", deallocate, ""));
    let deallocations = times(&trace, "scale_deallocate");
    assert!(!deallocations.is_empty());
    assert_eq!(metric(&m, "forced_logoffs_scaling"), deallocations.len() as f64);
    assert_eq!(metric(&m, "hosts_assigned"), 1.0);
    // Each return boots the same host (4 minutes) and the user gets back onto it.
    let hosts: Vec<_> =
        trace.iter().filter(|r| r.kind == "login").map(|r| r.host.clone()).collect();
    assert!(hosts.len() > 2 && hosts.iter().all(|h| h.as_deref() == Some("sh-0")), "{hosts:?}");
}

#[test]
fn after_a_log_off_the_plan_waits_then_deallocates() {
    let logoff = r#", on_logoff = { wait = "15m", action = "deallocate" }"#;
    let (m, trace) = run(&scenario(1, "08:00", "2h", "", logoff, ""));
    let logoff_at = times(&trace, "logoff");
    assert_eq!(times(&trace, "scale_deallocate"), vec![logoff_at[0] + 15 * MIN]);
    assert_eq!(metric(&m, "hosts_stopped"), 1.0);
    let (_, trace) = run(&scenario(
        1,
        "08:00",
        "2h",
        "",
        r#", on_logoff = { wait = "15m", action = "none" }"#,
        "",
    ));
    assert!(times(&trace, "scale_deallocate").is_empty(), "action none leaves it running");
}

#[test]
fn ramp_up_starts_hosts_with_an_assigned_user_all_or_none() {
    // Three hosts, only sh-0 assigned; the user comes at 12:00.
    let started = |rule: &str| {
        let (_, trace) =
            run(&scenario(3, "12:00", "1h", "", "", &format!(", auto_start_hosts = \"{rule}\"")));
        let at_ramp_up = trace.iter().filter(|r| r.kind == "scale_start" && r.time == 6 * HOUR);
        at_ramp_up.map(|r| r.host.clone().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(started("with_assigned_user"), ["sh-0"]);
    assert_eq!(started("all"), ["sh-0", "sh-1", "sh-2"]);
    assert!(started("none").is_empty());
    // Hosts started that nobody signs into are deallocated after stop_unused_after (1h).
    let (_, trace) = run(&scenario(3, "12:00", "1h", "", "", ", auto_start_hosts = \"all\""));
    let unused = 6 * HOUR + 4 * MIN + HOUR;
    assert_eq!(times(&trace, "scale_deallocate"), vec![unused; 3]);
}

#[test]
fn start_vm_on_connect_is_per_phase_and_the_login_waits_for_the_boot() {
    // Ramp-up with Start VM on Connect, peak without it (the host starts deallocated).
    let text = |login| {
        scenario(1, login, "1h", "", ", start_vm_on_connect = true", "").replace(
            "peak = { start = \"09:00\", start_vm_on_connect = true }",
            "peak = { start = \"09:00\", start_vm_on_connect = false }",
        )
    };
    let (m, trace) = run(&text("08:00"));
    assert_eq!(metric(&m, "login_wait_p95_seconds"), 240.0);
    let (wait, login) = (times(&trace, "boot_wait"), times(&trace, "login"));
    assert_eq!(login.len(), 1);
    assert_eq!(login[0] - wait[0], 4 * MIN, "the storm's window is 1 s: {wait:?} {login:?}");
    let (m, _) = run(&text("10:00"));
    assert_eq!(metric(&m, "login_failures_host_unavailable"), 1.0);
    assert_eq!(metric(&m, "hosts_started"), 0.0);
}
