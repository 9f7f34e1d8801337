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
/// Offline but not in today (attendance): not in the `offline` list, so no login picks them.
const AWAY: u32 = u32::MAX - 1;

/// The users who can log in.
pub enum Population {
    /// `N` named users; `offline` holds those without a session who are in today, `pos[u]`
    /// where u sits in it (or `ONLINE`, or `AWAY` for an offline user not in today); `away[u]`
    /// marks the users not in today (empty: everybody is, the model without attendance).
    Named { offline: Vec<UserId>, pos: Vec<u32>, away: Vec<bool> },
    /// Every login is a new user, numbered in order.
    Unbounded { next: UserId },
}

impl Population {
    /// `Some(n)`: n named users, all offline; `None`: an unbounded stream of new users.
    pub fn new(users: Option<u32>) -> Self {
        match users {
            Some(n) => Population::Named {
                offline: (0..n).collect(),
                pos: (0..n).collect(),
                away: Vec::new(),
            },
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
        if let Population::Named { offline, pos, .. } = self {
            let p = pos[user as usize];
            if p == ONLINE {
                return;
            }
            if p == AWAY {
                // Not in today, yet back (a retry or a relogin from an earlier day).
                pos[user as usize] = ONLINE;
                return;
            }
            take_out(offline, pos, p);
            pos[user as usize] = ONLINE;
        }
    }

    /// Marks `user` as having no session.
    pub fn set_offline(&mut self, user: UserId) {
        if let Population::Named { offline, pos, away } = self {
            if pos[user as usize] != ONLINE {
                return;
            }
            if away.get(user as usize).is_some_and(|&a| a) {
                pos[user as usize] = AWAY;
                return;
            }
            pos[user as usize] = offline.len() as u32;
            offline.push(user);
        }
    }

    /// Takes offline `user` out of the logins' choice (a refused user busy retrying, or one
    /// who gave up for the day) until [`Population::release`], a session, or the next day's
    /// attendance.
    pub fn hold(&mut self, user: UserId) {
        let Population::Named { offline, pos, .. } = self else { return };
        let p = pos[user as usize];
        if p == ONLINE || p == AWAY {
            return;
        }
        take_out(offline, pos, p);
        pos[user as usize] = AWAY;
    }

    /// Gives a held user back to the logins' choice (unless they are not in today).
    pub fn release(&mut self, user: UserId) {
        let Population::Named { offline, pos, away } = self else { return };
        if pos[user as usize] != AWAY || away.get(user as usize).is_some_and(|&a| a) {
            return;
        }
        pos[user as usize] = offline.len() as u32;
        offline.push(user);
    }

    /// A new day's attendance: `present(u)` says whether user u comes in today. The offline
    /// users who do are offered to logins again, in user order; the others are not.
    pub fn set_attendance(&mut self, mut present: impl FnMut(UserId) -> bool) {
        let Population::Named { offline, pos, away } = self else { return };
        away.resize(pos.len(), false);
        offline.clear();
        for u in 0..pos.len() as UserId {
            away[u as usize] = !present(u);
            if pos[u as usize] == ONLINE {
                continue;
            }
            if away[u as usize] {
                pos[u as usize] = AWAY;
            } else {
                pos[u as usize] = offline.len() as u32;
                offline.push(u);
            }
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

/// Removes the offline list's entry at `p` in O(1): the last entry moves into its place.
fn take_out(offline: &mut Vec<UserId>, pos: &mut [u32], p: u32) {
    offline.swap_remove(p as usize);
    if let Some(&moved) = offline.get(p as usize) {
        pos[moved as usize] = p;
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

    #[test]
    fn users_not_in_today_are_offline_but_never_picked() {
        let mut p = Population::new(Some(4));
        let mut rng = stream(0, 0, 0);
        p.set_online(3);
        p.set_attendance(|u| u == 1 || u == 3);
        for _ in 0..20 {
            assert_eq!(p.next_login(&mut rng), Some(1));
        }
        assert!(p.is_offline(0) && p.is_offline(2) && !p.is_offline(3));
        p.set_offline(3);
        p.set_online(1);
        assert_eq!(p.next_login(&mut rng), Some(3), "user 3 is in today");
        p.set_online(0);
        p.set_offline(0);
        p.set_online(3);
        assert_eq!(p.next_login(&mut rng), None, "user 0 logged off and is still away");
        p.set_attendance(|u| u == 0);
        assert_eq!(p.next_login(&mut rng), Some(0), "back in the next day");
    }

    #[test]
    fn held_users_are_offline_but_not_picked_until_released() {
        let mut p = Population::new(Some(2));
        let mut rng = stream(0, 0, 0);
        p.hold(0);
        assert!(p.is_offline(0));
        for _ in 0..20 {
            assert_eq!(p.next_login(&mut rng), Some(1));
        }
        p.set_offline(0);
        assert_eq!(p.next_login(&mut rng), Some(1), "a refused attempt keeps the hold");
        p.release(0);
        p.set_online(1);
        assert_eq!(p.next_login(&mut rng), Some(0));
    }
}
