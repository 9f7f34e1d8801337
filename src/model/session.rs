//! User sessions, kept in a slab with generation counters so that a stale event (for a session
//! that was already logged off and whose slot was reused) is recognised and ignored.

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
#[derive(Debug, Clone)]
pub struct Session {
    /// Whose session.
    pub user: UserId,
    /// Where it runs.
    pub host: HostId,
    /// Connected or not.
    pub state: SessionState,
    /// When it started (the first login).
    pub started: SimTime,
    /// When the current connection's planned active time ends (`SimTime::MAX` until known).
    pub planned_end: SimTime,
    /// Its index in the host's session list, for O(1) removal.
    pub(crate) pos_in_host: u32,
}

struct Slot {
    generation: u32,
    session: Option<Session>,
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
            slot.session = Some(session);
            SessionId { idx, generation: slot.generation }
        } else {
            self.slots.push(Slot { generation: 0, session: Some(session) });
            SessionId { idx: self.slots.len() as u32 - 1, generation: 0 }
        }
    }

    /// The session `id` refers to, if it still exists.
    pub fn get(&self, id: SessionId) -> Option<&Session> {
        let slot = self.slots.get(id.idx as usize)?;
        if slot.generation == id.generation { slot.session.as_ref() } else { None }
    }

    /// Mutable access to the session `id` refers to, if it still exists.
    pub fn get_mut(&mut self, id: SessionId) -> Option<&mut Session> {
        let slot = self.slots.get_mut(id.idx as usize)?;
        if slot.generation == id.generation { slot.session.as_mut() } else { None }
    }

    /// Removes the session; later references to it find nothing.
    pub fn remove(&mut self, id: SessionId) -> Option<Session> {
        let slot = self.slots.get_mut(id.idx as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        let session = slot.session.take()?;
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
        Session {
            user,
            host: 0,
            state: SessionState::Active,
            started: 0,
            planned_end: SimTime::MAX,
            pos_in_host: 0,
        }
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
