//! The schedules of a scaling plan, pooled or personal: at least one, each day in one
//! schedule, the four phases in daily order; each phase is checked by the plan's own rules.

use super::rules::{Check, fail};
use crate::scenario::autoscale::{AutoscaleSpec, PhaseSpec, ScheduleSpec};

/// How one phase is checked: its key (`ramp_up`…), the phase, and its field names.
pub type PhaseCheck<'a> = dyn Fn(&str, &PhaseSpec, &dyn Fn(&str) -> String) -> Check + 'a;

/// The schedules of a plan: at least one, days in one schedule each, phases in order, and
/// each phase by `phase`.
pub fn schedules(a: &AutoscaleSpec, phase: &PhaseCheck) -> Check {
    if a.schedules.is_empty() {
        return fail(
            "autoscale.schedules",
            "a scaling plan needs at least one [[autoscale.schedules]]",
        );
    }
    if a.check_interval.0 == 0 {
        return fail("autoscale.check_interval", "must be longer than zero, e.g. \"5m\"");
    }
    let mut seen = 0u8;
    for (i, sch) in a.schedules.iter().enumerate() {
        let at = format!("autoscale.schedules[{i}]");
        let mask = sch.days.mask().map_err(|m| (format!("{at}.days"), m))?;
        if mask & seen != 0 {
            return fail(format!("{at}.days"), "a day is in two schedules; each day may have one");
        }
        seen |= mask;
        schedule(sch, &at, phase)?;
    }
    Ok(())
}

fn schedule(sch: &ScheduleSpec, at: &str, phase: &PhaseCheck) -> Check {
    let phases = sch.phases();
    for w in phases.windows(2) {
        if w[1].1.start.0 <= w[0].1.start.0 {
            return fail(
                format!("{at}.{}.start", w[1].0),
                format!(
                    "phases must start in order ramp_up < peak < ramp_down < off_peak within the day ({} does not start after {})",
                    w[1].0, w[0].0
                ),
            );
        }
    }
    for (key, p) in phases {
        phase(key, p, &|k: &str| format!("{at}.{key}.{k}"))?;
    }
    Ok(())
}
