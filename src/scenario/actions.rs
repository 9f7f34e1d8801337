//! Scheduled admin actions (`[[actions]]`): things an administrator does at a given time.

use super::add_hosts::AddHostsSpec;
use super::instant::At;
use serde::Deserialize;

/// One scheduled admin action, tagged by `kind`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionSpec {
    /// Turn drain mode on for a host: existing sessions stay, no new ones arrive.
    DrainOn {
        /// When.
        at: At,
        /// The host, by name.
        host: String,
    },
    /// Turn drain mode off for a host.
    DrainOff {
        /// When.
        at: At,
        /// The host, by name.
        host: String,
    },
    /// Personal pools: assign an unassigned host to a user (direct assignment).
    Assign {
        /// When.
        at: At,
        /// The host, by name.
        host: String,
        /// The user, by population name (`user0001`).
        user: String,
    },
    /// Personal pools: take a host away from its owner. The owner's session on it, if any, is
    /// logged off (counted in `forced_logoffs`); the host becomes unassigned.
    Unassign {
        /// When.
        at: At,
        /// The host, by name.
        host: String,
    },
    /// Personal pools: give a host to a different user. The former owner's session on it, if
    /// any, is logged off (counted in `forced_logoffs`).
    Reassign {
        /// When.
        at: At,
        /// The host, by name.
        host: String,
        /// The new owner, by population name.
        user: String,
    },
    /// Personal pools with direct assignment: turn multiple personal desktops per user on.
    /// Once on it cannot be turned off (`enabled = false` after that is an error).
    MultipleDesktops {
        /// When.
        at: At,
        /// Must be true once the pool has multiple desktops.
        enabled: bool,
    },
    /// Deploy new session hosts (see [`AddHostsSpec`]).
    AddHosts(AddHostsSpec),
    /// Pause the session host update: the current batch completes, nothing new starts.
    UpdatePause {
        /// When.
        at: At,
    },
    /// Resume a paused update where it stopped.
    UpdateResume {
        /// When.
        at: At,
    },
    /// Cancel the update: current work completes, the rest stays on the old version.
    UpdateCancel {
        /// When.
        at: At,
    },
    /// Retry a failed update: the failed hosts and those never attempted, same batch size.
    UpdateRetry {
        /// When.
        at: At,
    },
    /// Pooled pools: change the max session limit. Lowering it evicts nobody; a host above
    /// the new limit takes no new session until it is below.
    SetMaxSessions {
        /// When.
        at: At,
        /// The new limit (1 to 999999).
        max_sessions: i64,
    },
}

impl ActionSpec {
    /// When the action happens.
    pub fn at(&self) -> At {
        match self {
            ActionSpec::DrainOn { at, .. }
            | ActionSpec::DrainOff { at, .. }
            | ActionSpec::Assign { at, .. }
            | ActionSpec::Unassign { at, .. }
            | ActionSpec::Reassign { at, .. }
            | ActionSpec::MultipleDesktops { at, .. } => *at,
            ActionSpec::AddHosts(spec) => spec.at,
            ActionSpec::UpdatePause { at }
            | ActionSpec::UpdateResume { at }
            | ActionSpec::UpdateCancel { at }
            | ActionSpec::UpdateRetry { at } => *at,
            ActionSpec::SetMaxSessions { at, .. } => *at,
        }
    }

    /// The host the action names, if it names one.
    pub fn host(&self) -> Option<&str> {
        match self {
            ActionSpec::DrainOn { host, .. }
            | ActionSpec::DrainOff { host, .. }
            | ActionSpec::Assign { host, .. }
            | ActionSpec::Unassign { host, .. }
            | ActionSpec::Reassign { host, .. } => Some(host),
            _ => None,
        }
    }

    /// The action's kind, as written in the file and in traces.
    pub fn kind(&self) -> &'static str {
        match self {
            ActionSpec::DrainOn { .. } => "drain_on",
            ActionSpec::DrainOff { .. } => "drain_off",
            ActionSpec::Assign { .. } => "assign",
            ActionSpec::Unassign { .. } => "unassign",
            ActionSpec::Reassign { .. } => "reassign",
            ActionSpec::MultipleDesktops { .. } => "multiple_desktops",
            ActionSpec::AddHosts(_) => "add_hosts",
            ActionSpec::UpdatePause { .. } => "update_pause",
            ActionSpec::UpdateResume { .. } => "update_resume",
            ActionSpec::UpdateCancel { .. } => "update_cancel",
            ActionSpec::UpdateRetry { .. } => "update_retry",
            ActionSpec::SetMaxSessions { .. } => "set_max_sessions",
        }
    }

    /// True for the personal-pool assignment actions.
    pub fn is_assignment(&self) -> bool {
        matches!(
            self,
            ActionSpec::Assign { .. }
                | ActionSpec::Unassign { .. }
                | ActionSpec::Reassign { .. }
                | ActionSpec::MultipleDesktops { .. }
        )
    }
}
