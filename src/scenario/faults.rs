//! The `[faults]` table: hosts fail at random and are repaired.
//!
//! Each host fails after an exponential time with mean `mtbf` (a constant hazard: the usual
//! reading of a mean time between failures), is repaired after a `repair` time, then runs
//! again until its next failure. A fault makes the host Unavailable and loses its sessions, or
//! — with `needs_assistance_probability` — marks it NeedsAssistance, which keeps its sessions
//! and still takes new ones (MODEL.md, session host lifecycle).

use super::duration::Duration;
use super::workload::SessionDist;
use serde::Deserialize;

/// The `[faults]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsSpec {
    /// Mean time between failures of one host.
    pub mtbf: Duration,
    /// Time from a failure to the host's repair.
    pub repair: SessionDist,
    /// Chance that a fault is non-fatal: the host is NeedsAssistance (still routable, its
    /// sessions kept) instead of Unavailable.
    #[serde(default)]
    pub needs_assistance_probability: f64,
}
