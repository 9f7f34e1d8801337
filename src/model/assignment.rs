//! Who owns which personal host.
//!
//! A personal host has at most one owner. Without multiple desktops a user owns at most one
//! host (the docs' "one-to-one mapping"); with them (load balancer type MultiplePersistent) a
//! user may own any number, kept in the order they were assigned — so "the first desktop" is
//! well defined. Lookups go both ways: by host (a vector) and by user (a hash map, sized by the
//! number of owners rather than the population, so ten million users cost nothing). The map is
//! never iterated — every listing goes through the host vector, in host order — so its order
//! cannot reach a result.

use super::host::HostId;
use super::session::UserId;
use std::collections::{BTreeSet, HashMap};

/// Why an assignment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignError {
    /// The host already has an owner (use reassign).
    HostTaken(UserId),
    /// The user already owns a host and the pool has no multiple desktops.
    UserHasHost(HostId),
}

impl AssignError {
    /// Short name for traces.
    pub fn name(self) -> &'static str {
        match self {
            AssignError::HostTaken(_) => "host_already_assigned",
            AssignError::UserHasHost(_) => "user_already_assigned",
        }
    }
}

/// The assignment table of one personal pool.
#[derive(Debug, Clone, Default)]
pub struct Assignments {
    owner: Vec<Option<UserId>>,
    /// Each owner's hosts, in assignment order. Only ever looked up by user, never iterated,
    /// so its hash order cannot reach a result.
    desktops: HashMap<UserId, Vec<HostId>>,
    friendly: Vec<Option<String>>,
    /// Hosts without an owner, in host order (so a search for one never scans owned hosts).
    unassigned: BTreeSet<HostId>,
    multiple: bool,
}

impl Assignments {
    /// No host assigned, among `hosts` hosts.
    pub fn new(hosts: u32, multiple: bool) -> Self {
        Self {
            owner: vec![None; hosts as usize],
            desktops: HashMap::new(),
            friendly: vec![None; hosts as usize],
            unassigned: (0..hosts).collect(),
            multiple,
        }
    }

    /// Makes room for hosts added to the pool (up to `hosts` in all): they join unassigned.
    pub fn grow(&mut self, hosts: u32) {
        for h in self.owner.len() as HostId..hosts {
            self.owner.push(None);
            self.friendly.push(None);
            self.unassigned.insert(h);
        }
    }

    /// True once multiple desktops per user are enabled.
    pub fn multiple_desktops(&self) -> bool {
        self.multiple
    }

    /// Enables multiple desktops per user. There is no way back (the service's rule).
    pub fn enable_multiple_desktops(&mut self) {
        self.multiple = true;
    }

    /// The owner of `host`.
    pub fn owner(&self, host: HostId) -> Option<UserId> {
        self.owner.get(host as usize).copied().flatten()
    }

    /// The hosts `user` owns, in the order they were assigned.
    pub fn hosts_of(&self, user: UserId) -> &[HostId] {
        self.desktops.get(&user).map_or(&[], Vec::as_slice)
    }

    /// Number of hosts with an owner.
    pub fn assigned_hosts(&self) -> u64 {
        (self.owner.len() - self.unassigned.len()) as u64
    }

    /// Hosts without an owner, in host order.
    pub fn unassigned_hosts(&self) -> impl Iterator<Item = HostId> + '_ {
        self.unassigned.iter().copied()
    }

    /// The friendly name of `host`, if it has one.
    pub fn friendly_name(&self, host: HostId) -> Option<&str> {
        self.friendly.get(host as usize).and_then(|f| f.as_deref())
    }

    /// Gives `host` a friendly name (a property of the host; it survives reassignment).
    pub fn set_friendly_name(&mut self, host: HostId, name: Option<String>) {
        self.friendly[host as usize] = name;
    }

    /// Whether `user` may be given `host` now.
    pub fn can_assign(&self, host: HostId, user: UserId) -> Result<(), AssignError> {
        if let Some(owner) = self.owner(host) {
            return Err(AssignError::HostTaken(owner));
        }
        match self.hosts_of(user).first() {
            Some(&h) if !self.multiple => Err(AssignError::UserHasHost(h)),
            _ => Ok(()),
        }
    }

    /// Makes `user` the owner of the unassigned `host`.
    pub fn assign(&mut self, host: HostId, user: UserId) -> Result<(), AssignError> {
        self.can_assign(host, user)?;
        self.owner[host as usize] = Some(user);
        self.unassigned.remove(&host);
        self.desktops.entry(user).or_default().push(host);
        Ok(())
    }

    /// Takes `host` from its owner; returns the former owner.
    pub fn unassign(&mut self, host: HostId) -> Option<UserId> {
        let user = self.owner[host as usize].take()?;
        self.unassigned.insert(host);
        if let Some(hosts) = self.desktops.get_mut(&user) {
            hosts.retain(|&h| h != host);
            if hosts.is_empty() {
                self.desktops.remove(&user);
            }
        }
        Some(user)
    }

    /// Moves `host` to `user`; returns the former owner. Refused (and nothing changes) when
    /// `user` may not own another host. Reassigning to the current owner changes nothing.
    pub fn reassign(&mut self, host: HostId, user: UserId) -> Result<Option<UserId>, AssignError> {
        let former = self.owner(host);
        if former == Some(user) {
            return Ok(former);
        }
        match self.hosts_of(user).first() {
            Some(&h) if !self.multiple => return Err(AssignError::UserHasHost(h)),
            _ => {}
        }
        self.unassign(host);
        self.assign(host, user)?;
        Ok(former)
    }

    /// Every (host, owner) pair, in host order.
    pub fn iter(&self) -> impl Iterator<Item = (HostId, UserId)> + '_ {
        self.owner.iter().enumerate().filter_map(|(h, u)| u.map(|u| (h as HostId, u)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_host_per_user_and_one_user_per_host() {
        let mut a = Assignments::new(3, false);
        a.assign(0, 7).unwrap();
        assert_eq!(a.assign(0, 8), Err(AssignError::HostTaken(7)));
        assert_eq!(a.assign(1, 7), Err(AssignError::UserHasHost(0)));
        assert_eq!(a.reassign(1, 7), Err(AssignError::UserHasHost(0)));
        assert_eq!(a.owner(1), None, "a refused reassignment changes nothing");
        a.assign(1, 8).unwrap();
        assert_eq!(a.assigned_hosts(), 2);
        assert_eq!(a.hosts_of(7), &[0]);
        assert_eq!(a.owner(1), Some(8));
    }

    #[test]
    fn multiple_desktops_keep_assignment_order_and_unassign_cleans_up() {
        let mut a = Assignments::new(4, true);
        a.assign(2, 5).unwrap();
        a.assign(0, 5).unwrap();
        a.assign(3, 5).unwrap();
        assert_eq!(a.hosts_of(5), &[2, 0, 3]);
        assert_eq!(a.unassign(0), Some(5));
        assert_eq!(a.hosts_of(5), &[2, 3]);
        assert_eq!(a.reassign(2, 6), Ok(Some(5)));
        assert_eq!(a.hosts_of(5), &[3]);
        assert_eq!(a.hosts_of(6), &[2]);
        assert_eq!(a.unassign(3), Some(5));
        assert!(a.hosts_of(5).is_empty());
        assert_eq!(a.unassign(3), None);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![(2, 6)]);
        assert_eq!(a.unassigned_hosts().collect::<Vec<_>>(), vec![0, 1, 3]);
        assert_eq!(a.assigned_hosts(), 1);
    }
}
