//! Invariants checked after every event of busy, randomised runs, and the pooled routing
//! rules from the load-balancing docs, checked on event traces.

mod common;

use poolsim::engine::SimTime;
use poolsim::model::Keep;
use poolsim::runner::run_replication;
use poolsim::scenario::Scenario;

fn busy(balancer: &str, seed: u64) -> Scenario {
    common::scenario(&format!(
        r#"
        name = "busy"
        duration = "2d"
        seed = {seed}
        [pool]
        kind = "pooled"
        load_balancer = "{balancer}"
        hosts = 5
        max_sessions = 4
        [workload]
        users = 30
        arrivals = [
          {{ kind = "poisson", rate_per_hour = 40 }},
          {{ kind = "storm", users = 25, start = "08:00", window = "30m", days = "daily" }},
        ]
        session = {{ dist = "exponential", mean = "40m" }}
        reconnect = {{ probability = 0.4, after = {{ dist = "uniform", min = "1m", max = "30m" }} }}
        [[actions]]
        at = "6h"
        kind = "drain_on"
        host = "sh-2"
        [[actions]]
        at = "1d"
        kind = "drain_on"
        host = "sh-0"
        [[actions]]
        at = "1d12h"
        kind = "drain_off"
        host = "sh-2"
        "#
    ))
}

#[test]
fn hosts_never_exceed_their_limit_and_gauges_match_the_hosts() {
    for balancer in ["breadth_first", "breadth_first_strict", "depth_first"] {
        for seed in 0..3 {
            let s = busy(balancer, seed);
            let mut events = 0;
            common::step(&s, |_, sim| {
                let pool = sim.pool();
                events += 1;
                let limit = pool.limit() as usize;
                let mut sessions = 0u64;
                let mut free = 0u64;
                for h in pool.hosts() {
                    assert!(h.sessions.len() <= limit, "{} over its limit", h.name);
                    sessions += h.sessions.len() as u64;
                    if h.open_for_new_sessions() {
                        free += (limit - h.sessions.len()) as u64;
                    }
                }
                let g = pool.gauges();
                assert_eq!(g.sessions(), sessions);
                assert_eq!(g.slots_free, free);
                assert_eq!(
                    g.hosts_available + g.hosts_draining + g.hosts_unavailable,
                    g.hosts_total
                );
            });
            assert!(events > 1000, "{balancer}: too few events ({events}) to mean anything");
        }
    }
}

/// (time, kind, host, user) rows of replication 0's trace.
fn trace(s: &Scenario) -> Vec<(SimTime, String, String, String)> {
    let out = run_replication(s, 0, Keep { detail: false, trace: true });
    out.trace
        .unwrap()
        .into_iter()
        .map(|r| {
            (r.time, r.kind.to_string(), r.host.unwrap_or_default(), r.user.unwrap_or_default())
        })
        .collect()
}

#[test]
fn drained_hosts_get_no_new_sessions_but_keep_their_reconnections() {
    let s = busy("breadth_first", 5);
    let mut drained = std::collections::BTreeSet::new();
    let mut reconnects_to_drained = 0;
    for (_, kind, host, _) in trace(&s) {
        match kind.as_str() {
            "drain_on" => {
                drained.insert(host);
            }
            "drain_off" => {
                drained.remove(&host);
            }
            "login" => assert!(!drained.contains(&host), "new session on drained {host}"),
            "reconnect" if drained.contains(&host) => reconnects_to_drained += 1,
            _ => {}
        }
    }
    assert!(reconnects_to_drained > 0, "users with sessions on a drained host go back to it");
}

#[test]
fn reconnections_return_to_the_host_holding_the_session() {
    let s = busy("breadth_first", 6);
    let mut held = std::collections::BTreeMap::new();
    let mut checked = 0;
    for (_, kind, host, user) in trace(&s) {
        match kind.as_str() {
            "login" => {
                held.insert(user, host);
            }
            "reconnect" => {
                assert_eq!(held.get(&user), Some(&host), "{user} reconnected elsewhere");
                checked += 1;
            }
            _ => {}
        }
    }
    assert!(checked > 50);
}

#[test]
fn depth_first_fills_a_host_to_its_limit_before_using_the_next() {
    // Sessions longer than the run: every login stays, so the fill order is visible.
    let s = common::scenario(
        r#"
        name = "fill"
        duration = "1d"
        [pool]
        kind = "pooled"
        load_balancer = "depth_first"
        hosts = 4
        max_sessions = 3
        [workload]
        arrivals = { kind = "poisson", rate_per_hour = 2 }
        session = { dist = "fixed", value = "2d" }
        "#,
    );
    let hosts: Vec<String> =
        trace(&s).into_iter().filter(|r| r.1 == "login").map(|r| r.2).collect();
    let expected: Vec<String> = (0..12).map(|i| format!("sh-{}", i / 3)).collect();
    assert!(hosts.len() >= 12);
    assert_eq!(hosts[..12], expected[..]);
}

#[test]
fn breadth_first_spreads_sessions_evenly() {
    let s = common::scenario(
        r#"
        name = "spread"
        duration = "1d"
        [pool]
        kind = "pooled"
        load_balancer = "breadth_first_strict"
        hosts = 4
        max_sessions = 10
        [workload]
        arrivals = { kind = "poisson", rate_per_hour = 2 }
        session = { dist = "fixed", value = "2d" }
        "#,
    );
    let mut counts: std::collections::BTreeMap<String, i32> =
        (0..4).map(|i| (format!("sh-{i}"), 0)).collect();
    let mut logins = 0;
    for (_, kind, host, _) in trace(&s) {
        if kind == "login" {
            *counts.get_mut(&host).expect("a pool host") += 1;
            logins += 1;
            let (min, max) = (counts.values().min().unwrap(), counts.values().max().unwrap());
            assert!(max - min <= 1, "uneven: {counts:?}");
        }
    }
    assert!(logins >= 20);
}
