//! Session host lifecycle: hosts deployed by an `add_hosts` action provision, register with
//! the pool's registration key, stay Unavailable while their agent upgrades, then become
//! Available.
//!
//! A deployment generates its registration key at the action time, valid for
//! `key_valid_for`. A host whose registration completes after the key's expiry does not join
//! the pool (counted in `hosts_registration_expired`). A host that joins gets the pool's
//! target configuration version: it is built from the current session host configuration.

use super::host::{Host, HostId, HostStatus};
use super::sim::{Event, PoolSim};
use super::workload::Sampler;
use crate::engine::rng::{SimRng, stream};
use crate::engine::{EventQueue, SimTime};
use crate::metrics::MetricValues;
use crate::scenario::add_hosts::planned_names;
use crate::scenario::{ActionSpec, Scenario};

/// Random source of this module (see `model::sim::source`; numbers never reused).
const SOURCE_LIFECYCLE: u64 = 44;

/// A deployed host's events.
#[derive(Debug, Clone, Copy)]
pub enum LifecycleEvent {
    /// Host `n` of the deployment of action `action` completes its registration.
    Registered { action: u32, n: u32 },
    /// A registered host's agent upgrade is over.
    AgentReady { host: HostId },
}

struct Deployment {
    names: Vec<String>,
    provisioning: Sampler,
    agent_upgrade: Sampler,
    key_valid_for: SimTime,
}

/// The deployments of a replication and what became of their hosts.
pub struct Lifecycle {
    /// Per scenario action: its deployment, if it is an `add_hosts`.
    deployments: Vec<Option<Deployment>>,
    /// When each deployment's key expires (set when the action runs).
    key_expires: Vec<SimTime>,
    rng: SimRng,
    added: u64,
    expired: u64,
}

impl Lifecycle {
    /// The deployments of `scenario`, replication `replication`.
    pub fn new(scenario: &Scenario, replication: u64) -> Self {
        let mut names = planned_names(scenario).into_iter();
        let deployments: Vec<_> = scenario
            .actions
            .iter()
            .map(|a| match a {
                ActionSpec::AddHosts(spec) => Some(Deployment {
                    names: names.next().unwrap_or_default(),
                    provisioning: Sampler::new(&spec.provisioning),
                    agent_upgrade: Sampler::new(&spec.agent_upgrade),
                    key_valid_for: spec.key_valid_for.0,
                }),
                _ => None,
            })
            .collect();
        Self {
            key_expires: vec![0; deployments.len()],
            deployments,
            rng: stream(scenario.seed, replication, SOURCE_LIFECYCLE),
            added: 0,
            expired: 0,
        }
    }

    /// Sets `hosts_added` and `hosts_registration_expired` (absent without deployments).
    pub fn fill_metrics(&self, m: &mut MetricValues) {
        if self.deployments.iter().all(Option::is_none) {
            return;
        }
        m.set("hosts_added", Some(self.added as f64));
        m.set("hosts_registration_expired", Some(self.expired as f64));
    }
}

impl PoolSim<'_> {
    /// Runs the `add_hosts` action `index`: generates the key and provisions every host.
    pub(super) fn on_add_hosts(&mut self, now: SimTime, index: u32, q: &mut EventQueue<Event>) {
        let lc = &mut self.lifecycle;
        let Some(d) = &lc.deployments[index as usize] else { return };
        lc.key_expires[index as usize] = now.saturating_add(d.key_valid_for);
        for n in 0..d.names.len() as u32 {
            let t = d.provisioning.sample(now, &mut lc.rng);
            let e = LifecycleEvent::Registered { action: index, n };
            q.schedule(now.saturating_add(t), Event::Lifecycle(e));
        }
    }

    /// Handles a lifecycle event.
    pub(super) fn on_lifecycle(
        &mut self,
        now: SimTime,
        e: LifecycleEvent,
        q: &mut EventQueue<Event>,
    ) {
        match e {
            LifecycleEvent::Registered { action, n } => self.register(now, action, n, q),
            LifecycleEvent::AgentReady { host } => {
                if self.pool.host(host).status == HostStatus::Unavailable {
                    self.pool.set_status(host, HostStatus::Available);
                    self.trace(now, "host_available", Some(host), None, "");
                }
            }
        }
    }

    fn register(&mut self, now: SimTime, action: u32, n: u32, q: &mut EventQueue<Event>) {
        let lc = &mut self.lifecycle;
        let Some(d) = &lc.deployments[action as usize] else { return };
        let name = d.names[n as usize].clone();
        if now > lc.key_expires[action as usize] {
            lc.expired += 1;
            self.trace(now, "registration_expired", None, None, &name);
            return;
        }
        lc.added += 1;
        let wait = d.agent_upgrade.sample(now, &mut lc.rng);
        let version = self.pool.target_version();
        let host = self.pool.add_host(Host {
            status: HostStatus::Unavailable,
            version,
            ..Host::new(name)
        });
        self.trace(now, "host_registered", Some(host), None, "agent upgrading");
        let e = LifecycleEvent::AgentReady { host };
        q.schedule(now.saturating_add(wait), Event::Lifecycle(e));
    }
}
