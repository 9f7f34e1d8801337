//! The random sources of the model, one ChaCha stream each (see [`crate::engine::rng`]).
//!
//! Every number is listed here, once: a new source takes a new number and an old number is
//! never reused, so adding a feature never shifts the draws of another.

/// Session lengths.
pub const SESSION_LENGTH: u64 = 1;
/// The load balancer's random choices (breadth-first, tie-breaks, automatic assignment).
pub const BALANCER: u64 = 2;
/// Which offline user logs in next.
pub const USERS: u64 = 3;
/// Whether a session ends in a disconnect.
pub const RECONNECT_CHOICE: u64 = 4;
/// How long a disconnected user stays away.
pub const RECONNECT_DELAY: u64 = 5;
/// Personal pools: which of a user's desktops a login picks.
pub const DESKTOP_CHOICE: u64 = 6;
/// Personal pools: Start VM on Connect boot times.
pub const BOOT_TIME: u64 = 7;
/// Session host updates: per-host update times.
pub const UPDATE_TIME: u64 = 40;
/// Session host updates: failures and rollback failures.
pub const UPDATE_FAILURE: u64 = 41;
/// Users signed out by an update: whether they sign in again.
pub const RELOGIN_CHOICE: u64 = 42;
/// Users signed out by an update: when they sign in again.
pub const RELOGIN_DELAY: u64 = 43;
/// Deployed hosts: provisioning and agent-upgrade times.
pub const LIFECYCLE: u64 = 44;
/// Autoscale and pooled Start VM on Connect: boot times.
pub const POWER_BOOT: u64 = 45;
/// Autoscale: ties between equally loaded hosts to drain.
pub const SCALING_TIES: u64 = 46;
/// Personal scaling plans: resume times of hibernated hosts.
pub const RESUME_TIME: u64 = 47;
/// Dynamic autoscaling: provisioning and agent-upgrade times of created hosts.
pub const DYNAMIC_CREATION: u64 = 48;
/// Arrival process `i` uses stream `ARRIVALS + i`.
pub const ARRIVALS: u64 = 1_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_numbers_are_distinct_and_below_the_arrival_range() {
        let all = [
            SESSION_LENGTH,
            BALANCER,
            USERS,
            RECONNECT_CHOICE,
            RECONNECT_DELAY,
            DESKTOP_CHOICE,
            BOOT_TIME,
            UPDATE_TIME,
            UPDATE_FAILURE,
            RELOGIN_CHOICE,
            RELOGIN_DELAY,
            LIFECYCLE,
            POWER_BOOT,
            SCALING_TIES,
            RESUME_TIME,
            DYNAMIC_CREATION,
        ];
        let set: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(set.len(), all.len(), "a stream number is used twice");
        assert!(all.iter().all(|&s| s < ARRIVALS));
    }
}
