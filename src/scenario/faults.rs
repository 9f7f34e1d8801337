//! The `[faults]` table: hosts fail at random and are repaired.
//!
//! Each host fails after an exponential time with mean `mtbf` (a constant hazard: the usual
//! reading of a mean time between failures), is repaired after a `repair` time, then runs
//! again until its next failure. A fault makes the host Unavailable and loses its sessions, or
//! — with `needs_assistance_probability` — marks it NeedsAssistance, which keeps its sessions
//! and still takes new ones (MODEL.md, session host lifecycle).

use super::Scenario;
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

type Check = Result<(), (String, String)>;

/// Checks `[faults]`.
pub fn check(s: &Scenario, session_dist: impl Fn(&SessionDist, &str) -> Check) -> Check {
    let Some(f) = &s.faults else { return Ok(()) };
    if f.mtbf.0 == 0 {
        return Err(("faults.mtbf".into(), "must be longer than zero".into()));
    }
    session_dist(&f.repair, "faults.repair")?;
    let p = f.needs_assistance_probability;
    if !(0.0..=1.0).contains(&p) {
        let msg = format!("must be between 0 and 1 (got {p})");
        return Err(("faults.needs_assistance_probability".into(), msg));
    }
    Ok(())
}
