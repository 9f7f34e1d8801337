//! Analytic checks: a pooled pool under Poisson logins with no reconnects is a loss system
//! with c = hosts × max_sessions servers, so the share of failed logins is Erlang-B's
//! blocking probability — whatever the session-length distribution (insensitivity).

mod common;

use poolsim::metrics::stats::{confidence_interval, erlang_b, mean};
use poolsim::model::Keep;
use poolsim::runner::run_replication;
use poolsim::scenario::Scenario;

/// Failure rates of each replication.
fn failure_rates(s: &Scenario) -> Vec<f64> {
    (0..s.replications)
        .map(|r| run_replication(s, r, Keep::default()).metrics.get("login_failure_rate").unwrap())
        .collect()
}

/// Asserts the analytic value lies in the replications' 99.9 % confidence interval, and that
/// the interval is narrow enough for the check to mean something.
fn assert_matches_erlang_b(s: &Scenario, servers: u32, load: f64) {
    let rates = failure_rates(s);
    let expected = erlang_b(servers, load);
    let (lo, hi) = confidence_interval(&rates, 0.999).unwrap();
    let m = mean(&rates).unwrap();
    assert!(
        lo <= expected && expected <= hi,
        "c={servers} E={load}: B={expected:.5}, simulated {m:.5} (99.9% CI {lo:.5}..{hi:.5})"
    );
    assert!(hi - lo < 0.25 * expected + 0.004, "interval too wide to be a test: {lo}..{hi}");
}

#[test]
fn failure_rate_matches_erlang_b_for_several_pools_and_loads() {
    // (hosts, limit, logins per hour, mean session minutes) → c = hosts·limit, E = rate·mean.
    let cases = [(3, 5, 10.0, 60.0), (1, 4, 3.0, 60.0), (4, 5, 30.0, 30.0), (2, 1, 2.0, 30.0)];
    for (hosts, limit, rate, minutes) in cases {
        let session = format!("{{ dist = \"exponential\", mean = \"{minutes}m\" }}");
        let s = common::loss_system(hosts, limit, rate, &session, 120, 8);
        assert_matches_erlang_b(&s, hosts * limit, rate * minutes / 60.0);
    }
}

#[test]
fn blocking_is_insensitive_to_the_session_length_distribution() {
    // Same mean (60 min) with fixed, uniform and lognormal lengths: still B(15, 10).
    for session in [
        r#"{ dist = "fixed", value = "60m" }"#,
        r#"{ dist = "uniform", min = "20m", max = "100m" }"#,
        r#"{ dist = "lognormal", mean = "60m", sd = "90m" }"#,
    ] {
        let s = common::loss_system(3, 5, 10.0, session, 365, 10);
        assert_matches_erlang_b(&s, 15, 10.0);
    }
}

#[test]
fn a_population_no_larger_than_the_slots_never_fails() {
    // Engset: 15 named users can hold at most 15 sessions, and there are 15 slots.
    let s = common::scenario(
        r#"
        name = "engset"
        duration = "10d"
        replications = 2
        [pool]
        kind = "pooled"
        load_balancer = "depth_first"
        hosts = 3
        max_sessions = 5
        [workload]
        users = 15
        arrivals = { kind = "poisson", rate_per_hour = 500 }
        session = { dist = "exponential", mean = "2h" }
        "#,
    );
    for r in 0..s.replications {
        let m = run_replication(&s, r, Keep::default()).metrics;
        assert!(m.get("logins_attempted").unwrap() > 1000.0);
        assert_eq!(m.get("logins_failed"), Some(0.0));
        assert_eq!(m.get("peak_sessions"), Some(15.0));
    }
}
