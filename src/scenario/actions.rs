//! Scheduled admin actions (`[[actions]]`): things an administrator does at a given time.

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
}

impl ActionSpec {
    /// When the action happens.
    pub fn at(&self) -> At {
        match self {
            ActionSpec::DrainOn { at, .. } | ActionSpec::DrainOff { at, .. } => *at,
        }
    }

    /// The host the action names, if it names one.
    pub fn host(&self) -> Option<&str> {
        match self {
            ActionSpec::DrainOn { host, .. } | ActionSpec::DrainOff { host, .. } => Some(host),
        }
    }

    /// The action's kind, as written in the file and in traces.
    pub fn kind(&self) -> &'static str {
        match self {
            ActionSpec::DrainOn { .. } => "drain_on",
            ActionSpec::DrainOff { .. } => "drain_off",
        }
    }
}
