//! A personal pool's scaling plan, as pure rules (MODEL.md "Autoscale scaling plans",
//! personal pools): per phase, Start VM on Connect on or off; after a user disconnects or logs
//! off, wait 0–360 minutes, then deallocate, hibernate or do nothing; at ramp-up, start the
//! hosts that have an assigned user, all hosts, or none. No drain, no forced log-off. Hosts
//! powered on that nobody signs into are deallocated after a while (`stop_unused_after`: the
//! service's length is undocumented).
//!
//! The feature that applies these rules is `model/personal.rs`.

use super::autoscale::{self, Phase, PhaseAt, Schedule};
use super::workload::Sampler;
use crate::engine::SimTime;
pub use crate::scenario::autoscale::{AutoStartHosts, IdleAction};

/// What to do with a host some time after its user left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    /// How long to wait.
    pub wait: SimTime,
    /// What to do then.
    pub action: IdleAction,
}

impl After {
    /// Leave the host as it is.
    pub const NOTHING: After = After { wait: 0, action: IdleAction::None };
}

/// What one phase of a personal plan asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonalRules {
    /// Which phase.
    pub phase: Phase,
    /// A login to a stopped or hibernated host starts it, and the login waits.
    pub start_vm_on_connect: bool,
    /// After the user disconnects.
    pub on_disconnect: After,
    /// After the user logs off.
    pub on_logoff: After,
    /// Which stopped hosts start when the phase begins (ramp-up only; `None` elsewhere).
    pub auto_start: AutoStartHosts,
}

/// A personal pool's scaling plan.
pub struct PersonalPlan {
    /// The schedules (no day in two of them).
    pub schedules: Vec<Schedule<PersonalRules>>,
    /// Time from a start to a running host.
    pub boot_time: Sampler,
    /// Time from a resume (of a hibernated host) to a running host.
    pub resume_time: Sampler,
    /// A running host nobody signs into is deallocated after this.
    pub stop_unused_after: SimTime,
    /// Hosts running at time 0, in host order (the rest are deallocated).
    pub initial_running: u32,
}

impl PersonalPlan {
    /// The phase at `t`.
    pub fn phase_at(&self, t: SimTime) -> PhaseAt<PersonalRules> {
        autoscale::phase_at(&self.schedules, t)
    }
}

/// Why a host's idle timer runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// Its user disconnected (the session is still there).
    Disconnected,
    /// Its user logged off.
    LoggedOff,
    /// It was started and nobody signed in.
    Unused,
}

impl Idle {
    /// Name in traces.
    pub fn name(self) -> &'static str {
        match self {
            Idle::Disconnected => "disconnected",
            Idle::LoggedOff => "logged off",
            Idle::Unused => "unused",
        }
    }
}

/// What the plan does, and after how long, to a host that became idle for `why` while phase
/// `r` holds: the rule of the phase in force when the user left (or the host came up unused).
pub fn after(r: &PersonalRules, why: Idle, stop_unused_after: SimTime) -> After {
    match why {
        Idle::Disconnected => r.on_disconnect,
        Idle::LoggedOff => r.on_logoff,
        Idle::Unused => After { wait: stop_unused_after, action: IdleAction::Deallocate },
    }
}

/// Whether ramp-up's `rule` starts a host that has (`owned`) or has no assigned user.
pub fn auto_starts(rule: AutoStartHosts, owned: bool) -> bool {
    match rule {
        AutoStartHosts::None => false,
        AutoStartHosts::WithAssignedUser => owned,
        AutoStartHosts::All => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{HOUR, MINUTE};

    fn rules(phase: Phase) -> PersonalRules {
        PersonalRules {
            phase,
            start_vm_on_connect: true,
            on_disconnect: After { wait: 30 * MINUTE, action: IdleAction::Hibernate },
            on_logoff: After { wait: 15 * MINUTE, action: IdleAction::Deallocate },
            auto_start: AutoStartHosts::None,
        }
    }

    #[test]
    fn the_wait_and_action_follow_why_the_host_is_idle() {
        // MODEL.md, personal pools: "after a user disconnects or logs off, wait 0–360 minutes,
        // then deallocate, hibernate or do nothing"; unused hosts are deallocated.
        let r = rules(Phase::Peak);
        assert_eq!(after(&r, Idle::Disconnected, HOUR).action, IdleAction::Hibernate);
        assert_eq!(after(&r, Idle::Disconnected, HOUR).wait, 30 * MINUTE);
        assert_eq!(after(&r, Idle::LoggedOff, HOUR).action, IdleAction::Deallocate);
        assert_eq!(after(&r, Idle::LoggedOff, HOUR).wait, 15 * MINUTE);
        assert_eq!(
            after(&r, Idle::Unused, HOUR),
            After { wait: HOUR, action: IdleAction::Deallocate }
        );
    }

    #[test]
    fn ramp_up_starts_hosts_with_an_assigned_user_all_or_none() {
        // MODEL.md: "at ramp-up start hosts that have an assigned user, all hosts, or none".
        assert!(auto_starts(AutoStartHosts::WithAssignedUser, true));
        assert!(!auto_starts(AutoStartHosts::WithAssignedUser, false));
        assert!(auto_starts(AutoStartHosts::All, false));
        assert!(!auto_starts(AutoStartHosts::None, true));
    }
}
