//! Logon time: `workload.logon = { … }`. A login holds its slot from the moment it is placed
//! (the session counts toward the host's limit at once), and the user's desktop is ready after
//! the logon duration (MODEL.md cites a median of about 24 s). The connection's active time
//! starts when the desktop is ready. Time to desktop is the logon duration plus any wait for a
//! boot before the login was placed (Start VM on Connect).

use super::config::ModelConfig;
use super::feature::Feature;
use super::streams;
use super::workload::Sampler;
use super::world::World;
use crate::engine::SimTime;
use crate::engine::rng::{SimRng, stream};
use crate::metrics::catalog::{Metric, MetricValues};
use crate::metrics::windows::desktop_percentiles;

/// Logon durations and the times to desktop of one replication.
pub struct Logon<'c> {
    duration: &'c Sampler,
    rng: SimRng,
    /// Time to desktop of each fresh login placed after the warm-up.
    to_desktop: Vec<SimTime>,
}

impl<'c> Logon<'c> {
    /// The logons of replication `replication` (`None` without `workload.logon`).
    pub fn build(cfg: &'c ModelConfig, replication: u64) -> Option<Self> {
        let duration = cfg.behaviour.logon.as_ref()?;
        let rng = stream(cfg.seed, replication, streams::LOGON);
        Some(Self { duration, rng, to_desktop: Vec::new() })
    }

    /// A fresh login is placed now after waiting `waited`: returns how long its logon takes.
    pub fn placed(&mut self, w: &mut World, waited: SimTime) -> SimTime {
        let logon = self.duration.sample(w.now, &mut self.rng);
        let total = waited.saturating_add(logon);
        if w.recorder.measuring() {
            self.to_desktop.push(total);
        }
        w.recorder.time_to_desktop(total);
        logon
    }
}

impl Feature for Logon<'_> {
    /// Sets `time_to_desktop_p50_seconds` and `_p95_seconds`.
    fn finish(&self, _w: &World, m: &mut MetricValues, _end: SimTime) {
        let (p50, p95) = desktop_percentiles(&self.to_desktop);
        m.set(Metric::TimeToDesktopP50Seconds, p50);
        m.set(Metric::TimeToDesktopP95Seconds, p95);
    }
}
