//! Host faults: `[faults] mtbf = "30d", repair = { … }`.
//!
//! Each host present at the start runs for an exponential time with mean `mtbf` (a constant
//! failure rate), then fails: it becomes Unavailable and its sessions are lost
//! (`sessions_lost_to_faults`; they are not forced log-offs — nobody chose to end them), or,
//! with `needs_assistance_probability`, it becomes NeedsAssistance: non-fatal health checks
//! failed, so it keeps its sessions and still takes new ones (MODEL.md, session host
//! lifecycle). It is repaired after the repair time and runs until its next failure, so in
//! the long run a host is up MTBF ÷ (MTBF + mean repair) of the time.
//!
//! Only a running, healthy host fails: one that is Updating, stopped or already Unavailable
//! when its failure is due draws a fresh time to failure instead. A repair brings the host back
//! only if it is still in the state the fault left it in (an update may have replaced it).

use super::config::{FaultsConfig, ModelConfig};
use super::event::{Event, FaultEvent};
use super::feature::Feature;
use super::host::{HostId, HostStatus};
use super::streams;
use super::world::{Queue, World};
use crate::engine::SimTime;
use crate::engine::rng::{SimRng, stream};
use crate::metrics::catalog::{Metric, MetricValues};
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

/// The faults of one replication.
pub struct Faults<'c> {
    cfg: &'c FaultsConfig,
    rng_time: SimRng,
    rng_repair: SimRng,
    rng_kind: SimRng,
    /// Per host: the status a fault left it in, until its repair.
    failed: Vec<Option<HostStatus>>,
    faults: u64,
    lost: u64,
}

impl<'c> Faults<'c> {
    /// The faults of replication `replication` (`None` without `[faults]`).
    pub fn build(cfg: &'c ModelConfig, replication: u64) -> Option<Self> {
        let faults = cfg.behaviour.faults.as_ref()?;
        let rng = |s| stream(cfg.seed, replication, s);
        Some(Self {
            cfg: faults,
            rng_time: rng(streams::FAULT_TIME),
            rng_repair: rng(streams::REPAIR_TIME),
            rng_kind: rng(streams::FAULT_KIND),
            failed: Vec::new(),
            faults: 0,
            lost: 0,
        })
    }

    fn schedule_failure(&mut self, now: SimTime, host: HostId, q: &mut Queue) {
        let x: f64 = Exp1.sample(&mut self.rng_time);
        let t = now.saturating_add((x * self.cfg.mtbf).round() as SimTime);
        q.schedule(t, Event::Fault(FaultEvent::Fail { host }));
    }

    /// Handles a fault event.
    pub fn handle(&mut self, w: &mut World, q: &mut Queue, e: FaultEvent) {
        match e {
            FaultEvent::Fail { host } => self.fail(w, q, host),
            FaultEvent::Repair { host } => self.repair(w, q, host),
        }
    }

    fn fail(&mut self, w: &mut World, q: &mut Queue, host: HostId) {
        if w.pool.host(host).status != HostStatus::Available {
            return self.schedule_failure(w.now, host, q);
        }
        self.faults += u64::from(w.recorder.measuring());
        let status = if self.rng_kind.random_bool(self.cfg.needs_assistance_probability) {
            HostStatus::NeedsAssistance
        } else {
            HostStatus::Unavailable
        };
        w.pool.set_status(host, status);
        w.trace("host_fault", Some(host), None, status.name());
        if status == HostStatus::Unavailable {
            for s in w.pool.close_all_sessions(host) {
                w.users.set_offline(s.user);
                self.lost += u64::from(w.recorder.measuring());
                w.trace("session_lost", Some(host), Some(s.user), "host fault");
            }
        }
        self.failed[host as usize] = Some(status);
        let t = self.cfg.repair.sample(w.now, &mut self.rng_repair);
        q.schedule(w.now.saturating_add(t), Event::Fault(FaultEvent::Repair { host }));
    }

    fn repair(&mut self, w: &mut World, q: &mut Queue, host: HostId) {
        if let Some(status) = self.failed[host as usize].take()
            && w.pool.host(host).status == status
        {
            w.pool.set_status(host, HostStatus::Available);
            w.trace("host_repaired", Some(host), None, "");
        }
        self.schedule_failure(w.now, host, q);
    }
}

impl Feature for Faults<'_> {
    /// Draws every starting host's first time to failure, in host order.
    fn start(&mut self, w: &mut World, q: &mut Queue) {
        let hosts = w.pool.hosts().len();
        self.failed = vec![None; hosts];
        for h in 0..hosts as HostId {
            self.schedule_failure(w.now, h, q);
        }
    }

    /// Sets `host_faults` and `sessions_lost_to_faults`.
    fn finish(&self, _w: &World, m: &mut MetricValues, _end: SimTime) {
        m.set(Metric::HostFaults, Some(self.faults as f64));
        m.set(Metric::SessionsLostToFaults, Some(self.lost as f64));
    }
}
