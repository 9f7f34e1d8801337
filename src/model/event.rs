//! Every event of the pool model, in one leaf module.
//!
//! The engine moves events on every push and pop, so an event stays within 16 bytes: it names
//! what happens and refers to the state it touches by id (a session, a host, an update, a
//! slot); the state itself lives in the world and the features. A feature with several events
//! gets one variant wrapping its own enum. Stale events are recognised by the feature that
//! handles them (a session id's generation, an update's batch label or pause count).

use super::host::HostId;
use super::session::{SessionId, UserId};

/// Something that happens at an instant.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    /// The next login of arrival process `source`.
    Arrival { source: u32 },
    /// A connection's active time ends: the user logs off or disconnects.
    SessionEnd { session: SessionId },
    /// A disconnected user comes back.
    Reconnect { session: SessionId, user: UserId },
    /// Scheduled admin action `index` of the scenario.
    Action { index: u32 },
    /// Personal pools: boots, resumes and the scaling plan (`model/personal.rs`).
    Personal(PersonalEvent),
    /// A step of a session host update (`model/update.rs`).
    Update(UpdateEvent),
    /// A step of a deployed host's lifecycle (`model/lifecycle.rs`).
    Lifecycle(LifecycleEvent),
    /// Power states and autoscale (`model/power.rs`).
    Power(PowerEvent),
    /// A replayed connection log's logins, ends and returns (`model/replay.rs`).
    Replay(ReplayEvent),
}

/// The personal pool's events.
#[derive(Debug, Clone, Copy)]
pub enum PersonalEvent {
    /// A stopped host finished booting.
    BootDone {
        /// The host.
        host: HostId,
    },
    /// A personal scaling plan's wait on an idle host is over; `epoch` is the host's idle
    /// epoch when the wait began, so a wait something since voided is recognised.
    Idle {
        /// The host.
        host: HostId,
        /// The host's idle epoch then.
        epoch: u32,
    },
    /// A personal scaling plan's phase starts.
    PhaseChange,
}

/// A session host update's events.
#[derive(Debug, Clone, Copy)]
pub enum UpdateEvent {
    /// Update `update` reaches its start time.
    Start { update: u32 },
    /// The log-off delay of batch `batch` has elapsed: sign out whoever is left. `batch` is the
    /// batch's label, so the event of a batch that a cancel or failure cut short is ignored.
    LogoffDue { update: u32, batch: u32 },
    /// Host `host` finished its update attempt.
    HostDone { update: u32, host: HostId },
    /// Pause number `pause` has lasted two weeks (ignored if the update was resumed since:
    /// every pause has its own number).
    PauseExpired { update: u32, pause: u32 },
    /// A user signed out by an update signs in again (pending relogin `slot`).
    Relogin { slot: u32 },
}

/// A deployed host's events.
#[derive(Debug, Clone, Copy)]
pub enum LifecycleEvent {
    /// Host `n` of deployment `deployment` completes its registration.
    Registered { deployment: u32, n: u32 },
    /// A registered host's agent upgrade is over.
    AgentReady { host: HostId },
}

/// Power and autoscale events.
#[derive(Debug, Clone, Copy)]
pub enum PowerEvent {
    /// A batched evaluation of the scaling plan, `evaluation_delay` after a session event.
    Evaluate,
    /// The plan's periodic check (every `check_interval`).
    Check,
    /// A scaling plan's phase starts.
    PhaseChange,
    /// The scaling script's runbook fires (every `interval`).
    ScriptRun,
    /// A started host finished booting (or a created one its agent upgrade).
    BootDone { host: HostId },
    /// Dynamic method: a host being created registers with the pool.
    Created,
    /// A drained host's force log-off wait is over; `drain` is the drain's number, so a
    /// drain that was undone since is recognised.
    ForceLogoff { host: HostId, drain: u32 },
}

/// A replay's events.
#[derive(Debug, Clone, Copy)]
pub enum ReplayEvent {
    /// The next connection that continues nothing logs in (the replay's cursor).
    NextHead,
    /// Connection `conn` logs in afresh (its predecessor has no session to return to).
    Login { conn: u32 },
    /// Connection `conn` of `session` ends: a disconnect if a reconnection continues it, else
    /// a log-off.
    End { session: SessionId, conn: u32 },
    /// The reconnection `conn` returns to `session`.
    Return { session: SessionId, conn: u32 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_stay_within_sixteen_bytes() {
        // The queue moves events on every push and pop: a feature must not make them larger.
        assert!(std::mem::size_of::<Event>() <= 16, "{}", std::mem::size_of::<Event>());
    }
}
