//! Sessions per host sized from vCPUs and the users' workload type.

mod common;

use poolsim::model::Keep;
use poolsim::runner::run_replication;

#[test]
fn vcpus_and_user_type_set_the_session_limit() {
    // Two 2-vCPU hosts for heavy users: 2 × 2 = 4 sessions each, 8 in all, even depth-first
    // (which needs a limit) under a load that would fill far more.
    let s = common::scenario(
        r#"
        name = "sized"
        duration = "2d"
        [pool]
        kind = "pooled"
        load_balancer = "depth_first"
        hosts = 2
        vcpus = 2
        user_type = "heavy"
        [workload]
        arrivals = { kind = "poisson", rate_per_hour = 60 }
        session = { dist = "exponential", mean = "1h" }
        "#,
    );
    assert_eq!(s.pool.session_limit(), 4);
    let m = run_replication(&s, 0, Keep::default()).metrics;
    assert_eq!(m.get("peak_sessions"), Some(8.0));
    assert!(m.get("logins_failed").unwrap() > 0.0);
}
