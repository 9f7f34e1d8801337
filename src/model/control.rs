//! Who controls a host's drain mode and power state: decided here, in one place.
//!
//! Drain mode is the admin's (scheduled `drain_on`/`drain_off` actions) except while a session
//! host update runs or is paused: then the update owns drain mode on every host and an admin
//! drain action is refused (MODEL.md, session host update: "while an update runs, drain mode
//! is controlled by the update, not by the admin"). Power state (running, starting, stopped)
//! belongs, in personal pools, to the personal scaling plan (`model/personal_power.rs`) and,
//! in pooled pools, to autoscale and pooled Start VM on Connect (`model/power.rs`); autoscale
//! drains hosts only while the admin owns drain mode (see [`Control::scaler_may_drain`]). A feature that wants to drain or
//! power a host asks here first, and says here when it takes or gives back control.

/// Who owns the pool's drain mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DrainOwner {
    /// The administrator's scheduled actions.
    #[default]
    Admin,
    /// A session host update that runs or is paused.
    Update,
}

/// The control rules of one replication, and what they refused.
#[derive(Debug, Default)]
pub struct Control {
    drain: DrainOwner,
    admin_drain_refused: u64,
}

impl Control {
    /// Who owns drain mode now.
    pub fn drain_owner(&self) -> DrainOwner {
        self.drain
    }

    /// Hands drain mode to `owner` (an update takes it when it starts or is retried, and gives
    /// it back to the admin when it ends).
    pub fn set_drain_owner(&mut self, owner: DrainOwner) {
        self.drain = owner;
    }

    /// Asks whether an admin drain action may apply now; counts it when it may not.
    pub fn admin_may_drain(&mut self) -> bool {
        if self.drain == DrainOwner::Admin {
            return true;
        }
        self.admin_drain_refused += 1;
        false
    }

    /// Whether a scaler (autoscale, the scaling script) may drain or undrain hosts now: only
    /// while no update owns drain mode.
    pub fn scaler_may_drain(&self) -> bool {
        self.drain == DrainOwner::Admin
    }

    /// Admin drain actions refused so far.
    pub fn admin_drain_refused(&self) -> u64 {
        self.admin_drain_refused
    }
}
