//! Session host lifecycle: hosts deployed by an `add_hosts` action provision, register with
//! the pool's registration key, stay Unavailable while their agent upgrades, then become
//! Available.
//!
//! A deployment generates its registration key at the action time, valid for
//! `key_valid_for`. A host whose registration completes after the key's expiry does not join
//! the pool (counted in `hosts_registration_expired`). A host that joins gets the pool's
//! target configuration version: it is built from the current session host configuration.

use super::config::{Action, ActionKind, Deployment, ModelConfig};
use super::event::{Event, LifecycleEvent};
use super::feature::Feature;
use super::host::{Host, HostId, HostStatus};
use super::streams;
use super::world::{Queue, World};
use crate::engine::SimTime;
use crate::engine::rng::{SimRng, stream};
use crate::metrics::catalog::{Metric, MetricValues};

/// The deployments of a replication and what became of their hosts.
pub struct Lifecycle<'c> {
    deployments: &'c [Deployment],
    /// When each deployment's key expires (set when its action runs).
    key_expires: Vec<SimTime>,
    rng: SimRng,
    added: u64,
    expired: u64,
}

impl<'c> Lifecycle<'c> {
    /// The deployments of replication `replication` (`None` when the scenario has none).
    pub fn build(cfg: &'c ModelConfig, replication: u64) -> Option<Self> {
        if cfg.deployments.is_empty() {
            return None;
        }
        Some(Self {
            deployments: &cfg.deployments,
            key_expires: vec![0; cfg.deployments.len()],
            rng: stream(cfg.seed, replication, streams::LIFECYCLE),
            added: 0,
            expired: 0,
        })
    }

    /// Handles a lifecycle event.
    pub fn handle(&mut self, w: &mut World, q: &mut Queue, e: LifecycleEvent) {
        match e {
            LifecycleEvent::Registered { deployment, n } => self.register(w, q, deployment, n),
            LifecycleEvent::AgentReady { host } => {
                if w.pool.host(host).status == HostStatus::Unavailable {
                    w.pool.set_status(host, HostStatus::Available);
                    w.trace("host_available", Some(host), None, "");
                }
            }
        }
    }

    /// Deploys `deployment`: generates its registration key and provisions every host.
    fn deploy(&mut self, w: &World, q: &mut Queue, deployment: u32) {
        let d = &self.deployments[deployment as usize];
        self.key_expires[deployment as usize] = w.now.saturating_add(d.key_valid_for);
        for n in 0..d.names.len() as u32 {
            let t = d.provisioning.sample(w.now, &mut self.rng);
            let e = LifecycleEvent::Registered { deployment, n };
            q.schedule(w.now.saturating_add(t), Event::Lifecycle(e));
        }
    }

    fn register(&mut self, w: &mut World, q: &mut Queue, deployment: u32, n: u32) {
        let d = &self.deployments[deployment as usize];
        let name = d.names[n as usize].clone();
        if w.now > self.key_expires[deployment as usize] {
            self.expired += 1;
            w.trace("registration_expired", None, None, &name);
            return;
        }
        self.added += 1;
        let wait = d.agent_upgrade.sample(w.now, &mut self.rng);
        let host = join(w, name, HostStatus::Unavailable);
        let e = LifecycleEvent::AgentReady { host };
        q.schedule(w.now.saturating_add(wait), Event::Lifecycle(e));
    }
}

/// A provisioned host named `name` registers and joins the pool in `status` while its agent
/// upgrades, on the pool's target configuration version (it is built from the current session
/// host configuration). Shared by `add_hosts` deployments and dynamic autoscaling.
pub fn join(w: &mut World, name: String, status: HostStatus) -> HostId {
    let version = w.pool.target_version();
    let host = w.pool.add_host(Host { status, version, ..Host::new(name) });
    w.trace("host_registered", Some(host), None, "agent upgrading");
    host
}

impl Feature for Lifecycle<'_> {
    fn on_action(&mut self, w: &mut World, q: &mut Queue, a: &Action) -> Option<&'static str> {
        let ActionKind::AddHosts { deployment } = a.kind else { return None };
        self.deploy(w, q, deployment);
        Some("")
    }

    /// Sets `hosts_added` and `hosts_registration_expired`.
    fn finish(&self, _w: &World, m: &mut MetricValues, _end: SimTime) {
        m.set(Metric::HostsAdded, Some(self.added as f64));
        m.set(Metric::HostsRegistrationExpired, Some(self.expired as f64));
    }
}
