//! The user population: who is offline and can log in next.
//!
//! A named population (`workload.users = N`) keeps, per user, whether they are offline, so an
//! arrival picks a random offline user in O(1). Without a population every login is by a new
//! user and nothing is stored per user, so memory does not grow with simulated time.

use super::session::UserId;
use crate::engine::rng::SimRng;
use crate::scenario::names::user_name;
use rand::RngExt;

const ONLINE: u32 = u32::MAX;

/// The users who can log in.
pub enum Population {
    /// `N` named users; `offline` holds those without a session, `pos[u]` where u sits in it.
    Named { offline: Vec<UserId>, pos: Vec<u32> },
    /// Every login is a new user, numbered in order.
    Unbounded { next: UserId },
}

impl Population {
    /// `Some(n)`: n named users, all offline; `None`: an unbounded stream of new users.
    pub fn new(users: Option<u32>) -> Self {
        match users {
            Some(n) => Population::Named { offline: (0..n).collect(), pos: (0..n).collect() },
            None => Population::Unbounded { next: 0 },
        }
    }

    /// Size of a named population.
    pub fn size(&self) -> Option<u32> {
        match self {
            Population::Named { pos, .. } => Some(pos.len() as u32),
            Population::Unbounded { .. } => None,
        }
    }

    /// The user behind the next login: a random offline user, a fresh one, or `None` when
    /// every named user is already online.
    pub fn next_login(&mut self, rng: &mut SimRng) -> Option<UserId> {
        match self {
            Population::Named { offline, .. } => {
                if offline.is_empty() {
                    return None;
                }
                Some(offline[rng.random_range(0..offline.len() as u32) as usize])
            }
            Population::Unbounded { next } => {
                let u = *next;
                *next = next.wrapping_add(1);
                Some(u)
            }
        }
    }

    /// True when `user` has no session (always true for an unbounded population).
    pub fn is_offline(&self, user: UserId) -> bool {
        match self {
            Population::Named { pos, .. } => pos.get(user as usize).is_some_and(|&p| p != ONLINE),
            Population::Unbounded { .. } => true,
        }
    }

    /// Marks `user` as holding a session.
    pub fn set_online(&mut self, user: UserId) {
        if let Population::Named { offline, pos } = self {
            let p = pos[user as usize];
            if p == ONLINE {
                return;
            }
            offline.swap_remove(p as usize);
            if let Some(&moved) = offline.get(p as usize) {
                pos[moved as usize] = p;
            }
            pos[user as usize] = ONLINE;
        }
    }

    /// Marks `user` as having no session.
    pub fn set_offline(&mut self, user: UserId) {
        if let Population::Named { offline, pos } = self {
            if pos[user as usize] != ONLINE {
                return;
            }
            pos[user as usize] = offline.len() as u32;
            offline.push(user);
        }
    }

    /// The user's display name: `user0042` (zero-padded to the population's width) or `u42`.
    pub fn name(&self, user: UserId) -> String {
        match self.size() {
            Some(n) => user_name(user, n),
            None => format!("u{user}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    #[test]
    fn named_population_only_offers_offline_users() {
        let mut p = Population::new(Some(3));
        let mut rng = stream(0, 0, 0);
        p.set_online(1);
        p.set_online(0);
        for _ in 0..20 {
            assert_eq!(p.next_login(&mut rng), Some(2));
        }
        p.set_online(2);
        assert_eq!(p.next_login(&mut rng), None);
        p.set_offline(0);
        assert_eq!(p.next_login(&mut rng), Some(0));
        assert!(p.is_offline(0) && !p.is_offline(1));
    }
}
