//! Memory does not grow with simulated time: in a steady state the event queue holds at most
//! one pending event per arrival process, per session (its end or its reconnect) and per
//! scheduled action, so a run four times longer peaks at about the same queue length.

use poolsim::model::Keep;
use poolsim::runner::run_replication;
use poolsim::scenario::{self, Override, Scenario};

const STEADY: &str = r#"
name = "steady"
duration = "10d"
seed = 11
[pool]
kind = "pooled"
load_balancer = "breadth_first"
hosts = 40
max_sessions = 10
[workload]
users = 300
arrivals = { kind = "poisson", rate_per_hour = 400 }
session = { dist = "exponential", mean = "45m" }
reconnect = { probability = 0.3, after = { dist = "exponential", mean = "20m" } }
"#;

fn scenario(text: &str, duration: &str) -> Scenario {
    let overrides = [Override { path: "duration".into(), value: duration.into() }];
    scenario::from_str(text, "steady.toml", &overrides).expect("valid scenario")
}

/// Peak queue length of replication 0.
fn peak_queue(s: &Scenario) -> usize {
    run_replication(s, 0, Keep::default()).stats.peak_queue
}

#[test]
fn named_population_queue_is_bounded_and_does_not_grow_with_time() {
    let short = peak_queue(&scenario(STEADY, "10d"));
    let long = peak_queue(&scenario(STEADY, "40d"));
    // One pending event per user's session at most, plus the one arrival process.
    let bound = 300 + 1;
    assert!(short <= bound && long <= bound, "peaks {short} and {long} exceed {bound}");
    // The demand (400/h × 45 min ≈ 300 users) keeps nearly every user busy, so both runs
    // peak close to the bound; a leak of even one event per 100 logins would add thousands.
    assert!(long <= short + short / 10, "40-day peak {long} vs 10-day peak {short}");
}

#[test]
fn unbounded_population_queue_is_bounded_by_the_pools_slots() {
    // Without `users`, every login is a new user: nothing but the pool's slots bounds it. At
    // 200 logins an hour the pool is not saturated, so the peak is the load's, not the cap's.
    let text =
        STEADY.replace("users = 300\n", "").replace("rate_per_hour = 400", "rate_per_hour = 200");
    let short = peak_queue(&scenario(&text, "10d"));
    let long = peak_queue(&scenario(&text, "40d"));
    // Sessions are capped by the slots (40 hosts × 10); failed logins leave nothing behind.
    let bound = 40 * 10 + 1;
    assert!(short <= bound && long <= bound, "peaks {short} and {long} exceed {bound}");
    assert!(long <= short + short / 10, "40-day peak {long} vs 10-day peak {short}");
}
