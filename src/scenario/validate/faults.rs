//! Checks of `[faults]`.

use super::rules::{Check, session_dist};
use crate::scenario::Scenario;

/// Checks `[faults]`.
pub fn check(s: &Scenario) -> Check {
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
