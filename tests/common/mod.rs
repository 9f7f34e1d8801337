//! Helpers shared by the integration tests.
#![allow(dead_code)]

use poolsim::engine::{EventQueue, Model, SimTime};
use poolsim::model::{Keep, ModelConfig, PoolSim};
use poolsim::scenario::{self, Scenario};

/// Runs replication 0 of `s` event by event over [0, duration), calling `check` with the
/// time and the simulation after each event, and returns the simulation at the end. (The
/// resolved configuration is leaked so the simulation can outlive this call: test-only.)
pub fn step(s: &Scenario, mut check: impl FnMut(SimTime, &PoolSim)) -> PoolSim<'static> {
    let cfg: &'static ModelConfig = Box::leak(Box::new(ModelConfig::new(s)));
    let mut queue = EventQueue::new();
    let mut sim = PoolSim::new(cfg, 0, Keep::default(), &mut queue);
    while let Some((now, event)) = queue.pop() {
        if now >= s.duration.0 {
            break;
        }
        sim.handle(now, event, &mut queue);
        check(now, &sim);
    }
    sim
}

/// Parses and validates scenario text, panicking with the error if it is invalid.
pub fn scenario(text: &str) -> Scenario {
    scenario::from_str(text, "test.toml", &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// A pooled loss-system scenario: `hosts` × `limit` slots, Poisson logins at `rate` per hour,
/// sessions of `session` (a TOML inline table), `days` long.
pub fn loss_system(
    hosts: u32,
    limit: u32,
    rate: f64,
    session: &str,
    days: u32,
    reps: u32,
) -> Scenario {
    scenario(&format!(
        r#"
        name = "loss"
        duration = "{days}d"
        warmup = "1d"
        seed = 11
        replications = {reps}
        [pool]
        kind = "pooled"
        load_balancer = "breadth_first"
        hosts = {hosts}
        max_sessions = {limit}
        [workload]
        arrivals = {{ kind = "poisson", rate_per_hour = {rate} }}
        session = {session}
        "#
    ))
}
