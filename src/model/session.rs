//! User sessions, kept in a slab with generation counters so that a stale event (for a session
//! that was already logged off and whose slot was reused) is recognised and ignored.
//!
//! A slot is 32 bytes, aligned to 32, with its generation inside: the handlers of a session's
//! events read one cache line, never two. At 10,000 hosts the slab (about 94,000 slots) is
//! larger than the cache, so that first read is a miss on most session events.

use super::host::HostId;
use crate::engine::SimTime;

/// A user's id: `user0001`… in a named population, or a running number otherwise.
pub type UserId = u32;

/// Refers to a session slot and the generation it had when the reference was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionId {
    idx: u32,
    generation: u32,
}

/// Whether the user is connected to the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Connected.
    Active,
    /// Disconnected; the session still holds its slot on the host.
    Disconnected,
}

/// A session on a host.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// When the current connection's planned active time ends (`SimTime::MAX` until known).
    pub planned_end: SimTime,
    /// Whose session.
    pub user: UserId,
    /// Where it runs.
    pub host: HostId,
    /// Connected or not.
    pub state: SessionState,
}

/// A session and its slot's generation in one 32-byte cache-line half (`live` says whether
/// the session is there: a free slot keeps the last session's bytes).
#[repr(align(32))]
struct Slot {
    session: Session,
    generation: u32,
    live: bool,
}

/// All live sessions.
#[derive(Default)]
pub struct SessionTable {
    slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
}

impl SessionTable {
    /// Stores `session` and returns its id.
    pub fn insert(&mut self, session: Session) -> SessionId {
        self.live += 1;
        if let Some(idx) = self.free.pop() {
            let slot = &mut self.slots[idx as usize];
            slot.session = session;
            slot.live = true;
            SessionId { idx, generation: slot.generation }
        } else {
            self.slots.push(Slot { session, generation: 0, live: true });
            SessionId { idx: self.slots.len() as u32 - 1, generation: 0 }
        }
    }

    /// The session `id` refers to, if it still exists.
    pub fn get(&self, id: SessionId) -> Option<&Session> {
        let slot = self.slots.get(id.idx as usize)?;
        (slot.generation == id.generation && slot.live).then_some(&slot.session)
    }

    /// Mutable access to the session `id` refers to, if it still exists.
    pub fn get_mut(&mut self, id: SessionId) -> Option<&mut Session> {
        let slot = self.slots.get_mut(id.idx as usize)?;
        (slot.generation == id.generation && slot.live).then_some(&mut slot.session)
    }

    /// Removes the session; later references to it find nothing.
    pub fn remove(&mut self, id: SessionId) -> Option<Session> {
        let slot = self.slots.get_mut(id.idx as usize)?;
        if slot.generation != id.generation || !slot.live {
            return None;
        }
        slot.live = false;
        let session = slot.session;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(id.idx);
        self.live -= 1;
        Some(session)
    }

    /// Number of live sessions.
    pub fn len(&self) -> usize {
        self.live
    }

    /// True when there is no live session.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(user: UserId) -> Session {
        Session { user, host: 0, state: SessionState::Active, planned_end: SimTime::MAX }
    }

    #[test]
    fn a_slot_is_half_a_cache_line() {
        // The hot path reads one slot per session event: it must not straddle two lines.
        assert_eq!(std::mem::size_of::<Slot>(), 32);
        assert_eq!(std::mem::align_of::<Slot>(), 32);
    }

    #[test]
    fn stale_ids_do_not_reach_a_reused_slot() {
        let mut t = SessionTable::default();
        let a = t.insert(session(1));
        assert_eq!(t.remove(a).map(|s| s.user), Some(1));
        let b = t.insert(session(2));
        assert!(t.get(a).is_none(), "old id must not see the new session");
        assert_eq!(t.get(b).map(|s| s.user), Some(2));
        assert!(t.remove(a).is_none());
        assert_eq!(t.len(), 1);
    }
}
