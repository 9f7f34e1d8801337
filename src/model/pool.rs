//! The host pool: hosts, their sessions, the balancer's candidate index and the gauges the
//! metrics read. Every change to a host goes through [`Pool::update_host`], which keeps the
//! index and the gauges consistent with the hosts — the one place those invariants live.

use super::balancer::{Balancer, Tier};
use super::host::{Host, HostId, HostStatus};
use super::power_index::{PowerIndex, PowerIndexView};
use super::session::{Session, SessionId, SessionState, SessionTable, UserId};
use crate::engine::SimTime;
use crate::engine::rng::SimRng;
use crate::scenario::LoadBalancer;
use crate::scenario::names::host_name;

/// Counts that describe the pool at an instant; kept up to date incrementally.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gauges {
    /// Hosts in the pool (a host dynamic autoscaling deleted is in no gauge).
    pub hosts_total: u64,
    /// Hosts Available and accepting new sessions (not drained).
    pub hosts_available: u64,
    /// Hosts Available but in drain mode.
    pub hosts_draining: u64,
    /// Hosts not Available (and not being updated).
    pub hosts_unavailable: u64,
    /// Hosts being replaced by a session host update.
    pub hosts_updating: u64,
    /// Hosts on the pool's target configuration version (`hosts_new` in outputs).
    pub hosts_current_version: u64,
    /// Connected sessions.
    pub sessions_active: u64,
    /// Disconnected sessions (still holding a slot).
    pub sessions_disconnected: u64,
    /// Free session slots on hosts that accept new sessions.
    pub slots_free: u64,
    /// Hosts powering on (counted in `hosts_unavailable` too).
    pub hosts_starting: u64,
    /// Hosts deallocated or hibernated (counted in `hosts_unavailable` too).
    pub hosts_stopped: u64,
}

impl Gauges {
    /// Active plus disconnected sessions.
    pub fn sessions(&self) -> u64 {
        self.sessions_active + self.sessions_disconnected
    }

    /// Hosts allocated and billed: every host neither deallocated nor starting.
    pub fn hosts_running(&self) -> u64 {
        self.hosts_total - self.hosts_starting - self.hosts_stopped
    }

    /// Hosts on an older configuration version than the pool's target.
    pub fn hosts_old(&self) -> u64 {
        self.hosts_total - self.hosts_current_version
    }
}

/// What one host adds to the gauges.
#[derive(Clone, Copy, Default)]
struct Contribution {
    exists: u64,
    available: u64,
    draining: u64,
    unavailable: u64,
    updating: u64,
    current_version: u64,
    slots_free: u64,
    starting: u64,
    stopped: u64,
}

/// A host pool.
pub struct Pool {
    hosts: Vec<Host>,
    limit: u32,
    target_version: u32,
    balancer: Balancer,
    sessions: SessionTable,
    gauges: Gauges,
    power_index: Option<PowerIndex>,
}

impl Pool {
    /// A pool of `count` Available hosts named `<prefix>-0`… with session limit `limit`.
    pub fn new(count: u32, prefix: &str, limit: u32, algorithm: LoadBalancer) -> Self {
        let mut pool = Self {
            hosts: Vec::with_capacity(count as usize),
            limit,
            target_version: 0,
            balancer: Balancer::new(algorithm),
            sessions: SessionTable::default(),
            gauges: Gauges::default(),
            power_index: None,
        };
        for i in 0..count {
            pool.add_host(Host::new(host_name(prefix, u64::from(i))));
        }
        pool
    }

    /// From now on, keeps the power index a scaler reads ([`Pool::power_index`]); pools
    /// without a scaler do not pay for it. `count_disconnects`: whether it also counts each
    /// host's disconnected sessions (a scaler that never asks for active sessions need not).
    pub fn keep_power_index(&mut self, count_disconnects: bool) {
        let mut index = PowerIndex::new(self.hosts.len(), count_disconnects);
        for (i, h) in self.hosts.iter().enumerate() {
            let disconnected = h.sessions.iter().filter_map(|&s| self.sessions.get(s));
            let n = disconnected.filter(|s| s.state == SessionState::Disconnected).count();
            index.add_host(i as HostId, h, n as u32);
        }
        self.power_index = Some(index);
    }

    /// Notes whether the scaler holds host `id` drained (the power index follows which such
    /// hosts are left without sessions). Needs the power index.
    pub fn set_scaler_held(&mut self, id: HostId, held: bool) {
        if let Some(index) = &mut self.power_index {
            index.set_held(id, held, &self.hosts[id as usize]);
        }
    }

    /// The power index counts `host`'s disconnected sessions: one more (`more`) or one less.
    /// Inline the check only, so a pool without the count pays nothing at each disconnect.
    #[inline(always)]
    fn index_disconnected(&mut self, host: HostId, more: bool) {
        if let Some(index) = &self.power_index
            && index.counts_disconnects()
        {
            self.count_disconnected(host, more);
        }
    }

    #[inline(never)]
    fn count_disconnected(&mut self, host: HostId, more: bool) {
        if let Some(index) = &mut self.power_index {
            index.count_disconnect(host, more, &self.hosts[host as usize]);
        }
    }

    /// The power index, when kept.
    pub fn power_index(&self) -> Option<PowerIndexView<'_>> {
        self.power_index.as_ref().map(PowerIndexView::new)
    }

    /// Adds a host and returns its id.
    pub fn add_host(&mut self, host: Host) -> HostId {
        let id = self.hosts.len() as HostId;
        self.hosts.push(host);
        self.apply(id, Contribution::default());
        id
    }

    /// All hosts, in host order.
    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// One host.
    pub fn host(&self, id: HostId) -> &Host {
        &self.hosts[id as usize]
    }

    /// The host named `name`, if any.
    pub fn host_by_name(&self, name: &str) -> Option<HostId> {
        self.hosts.iter().position(|h| h.name == name).map(|i| i as HostId)
    }

    /// The session limit per host.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Changes the session limit (an admin's `set_max_sessions`). Nobody is evicted: a host
    /// above the new limit has no free slot and takes no new session until it is below.
    pub fn set_limit(&mut self, limit: u32) {
        self.change_every_host(|p| p.limit = limit);
    }

    /// Makes a pool-wide `change` that alters what every host contributes (the limit, the
    /// target version), then re-applies each host from its contribution before the change.
    fn change_every_host(&mut self, change: impl FnOnce(&mut Self)) {
        let ids = 0..self.hosts.len() as HostId;
        let before: Vec<Contribution> = ids.clone().map(|h| self.contribution(h)).collect();
        change(self);
        for (h, b) in ids.zip(before) {
            self.apply(h, b);
        }
    }

    /// The current gauges.
    pub fn gauges(&self) -> &Gauges {
        &self.gauges
    }

    /// A live session.
    pub fn session(&self, id: SessionId) -> Option<&Session> {
        self.sessions.get(id)
    }

    /// Picks a host for a new session with the pool's load-balancing algorithm.
    pub fn pick_host(&self, rng: &mut SimRng) -> Option<HostId> {
        self.balancer.pick(rng)
    }

    /// Opens an active session for `user` on `host`. The caller has checked the host has room.
    pub fn open_session(&mut self, host: HostId, user: UserId) -> SessionId {
        debug_assert!(self.hosts[host as usize].session_count() < self.limit);
        let session =
            Session { user, host, state: SessionState::Active, planned_end: SimTime::MAX };
        let id = self.sessions.insert(session);
        self.gauges.sessions_active += 1;
        self.update_host(host, |h| h.sessions.push(id));
        id
    }

    /// Ends a session (log-off), freeing its slot. Returns it, or `None` if it was gone.
    ///
    /// The session is found in its host's list by a scan (a session limit's worth of ids, one
    /// or two cache lines) rather than by a position kept in its slot: keeping positions
    /// meant writing to the slot of the session the removal moves, one more cache miss per
    /// log-off once the session table outgrows the cache.
    pub fn close_session(&mut self, id: SessionId) -> Option<Session> {
        let session = self.sessions.remove(id)?;
        match session.state {
            SessionState::Active => self.gauges.sessions_active -= 1,
            SessionState::Disconnected => {
                self.gauges.sessions_disconnected -= 1;
                self.index_disconnected(session.host, false);
            }
        }
        self.update_host(session.host, |h| {
            let pos = h.sessions.iter().position(|&s| s == id);
            h.sessions.swap_remove(pos.expect("a live session is in its host's list"));
        });
        Some(session)
    }

    /// Records when a session's current connection is planned to end.
    pub fn set_planned_end(&mut self, id: SessionId, end: SimTime) {
        if let Some(s) = self.sessions.get_mut(id) {
            s.planned_end = end;
        }
    }

    /// Ends every session on `host` (a forced log-off by the service or an admin), newest
    /// first, and returns them so the caller can count and follow up each one.
    pub fn close_all_sessions(&mut self, host: HostId) -> Vec<Session> {
        let mut closed = Vec::with_capacity(self.hosts[host as usize].sessions.len());
        while let Some(&id) = self.hosts[host as usize].sessions.last() {
            let Some(s) = self.close_session(id) else { break };
            closed.push(s);
        }
        closed
    }

    /// Marks a session connected or disconnected.
    pub fn set_session_state(&mut self, id: SessionId, state: SessionState) {
        let Some(s) = self.sessions.get_mut(id) else { return };
        if s.state == state {
            return;
        }
        s.state = state;
        let host = s.host;
        self.index_disconnected(host, state == SessionState::Disconnected);
        match state {
            SessionState::Active => {
                self.gauges.sessions_active += 1;
                self.gauges.sessions_disconnected -= 1;
            }
            SessionState::Disconnected => {
                self.gauges.sessions_active -= 1;
                self.gauges.sessions_disconnected += 1;
            }
        }
    }

    /// Turns drain mode on or off.
    pub fn set_drain(&mut self, host: HostId, drain: bool) {
        self.update_host(host, |h| h.drain = drain);
    }

    /// Sets a host's health status.
    pub fn set_status(&mut self, host: HostId, status: HostStatus) {
        self.update_host(host, |h| h.status = status);
    }

    /// Switches the load-balancing algorithm (a scaling plan's phase sets it).
    pub fn set_balancer(&mut self, algorithm: LoadBalancer) {
        self.balancer.set_algorithm(algorithm);
    }

    /// The configuration version new and updated hosts get; hosts on it are preferred.
    pub fn target_version(&self) -> u32 {
        self.target_version
    }

    /// Moves the pool to a new target version (an update started): hosts still on an older
    /// version become the balancer's second choice.
    pub fn set_target_version(&mut self, version: u32) {
        self.change_every_host(|p| p.target_version = version);
    }

    /// Applies `change` to a host, then brings the candidate index and gauges up to date.
    pub fn update_host<R>(&mut self, host: HostId, change: impl FnOnce(&mut Host) -> R) -> R {
        let before = self.contribution(host);
        let result = change(&mut self.hosts[host as usize]);
        self.apply(host, before);
        result
    }

    fn contribution(&self, id: HostId) -> Contribution {
        let h = &self.hosts[id as usize];
        if h.status == HostStatus::Deleted {
            return Contribution::default();
        }
        let open = h.open_for_new_sessions();
        Contribution {
            exists: 1,
            available: u64::from(open),
            draining: u64::from(h.status.accepts_sessions() && h.drain),
            unavailable: u64::from(
                !h.status.accepts_sessions() && h.status != HostStatus::Updating,
            ),
            updating: u64::from(h.status == HostStatus::Updating),
            current_version: u64::from(h.version == self.target_version),
            slots_free: if open {
                u64::from(self.limit.saturating_sub(h.session_count()))
            } else {
                0
            },
            starting: u64::from(h.status == HostStatus::Starting),
            stopped: u64::from(h.status.is_stopped()),
        }
    }

    /// Replaces `before` (the host's old contribution) with its current one, and re-indexes it.
    fn apply(&mut self, id: HostId, before: Contribution) {
        let after = self.contribution(id);
        let g = &mut self.gauges;
        g.hosts_total = g.hosts_total + after.exists - before.exists;
        g.hosts_available = g.hosts_available + after.available - before.available;
        g.hosts_draining = g.hosts_draining + after.draining - before.draining;
        g.hosts_unavailable = g.hosts_unavailable + after.unavailable - before.unavailable;
        g.hosts_updating = g.hosts_updating + after.updating - before.updating;
        g.hosts_current_version =
            g.hosts_current_version + after.current_version - before.current_version;
        g.slots_free = g.slots_free + after.slots_free - before.slots_free;
        g.hosts_starting = g.hosts_starting + after.starting - before.starting;
        g.hosts_stopped = g.hosts_stopped + after.stopped - before.stopped;
        let h = &self.hosts[id as usize];
        let entry = (after.slots_free > 0 && !h.owned).then(|| {
            let tier: Tier = usize::from(h.version != self.target_version);
            (tier, h.session_count())
        });
        self.balancer.set(id, entry);
        if let Some(index) = &mut self.power_index {
            index.file(id, h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    #[test]
    fn gauges_and_candidates_follow_host_changes() {
        let mut p = Pool::new(2, "sh", 2, LoadBalancer::DepthFirst);
        assert_eq!(p.gauges().slots_free, 4);
        let a = p.open_session(0, 1);
        let _b = p.open_session(0, 2);
        assert_eq!(p.gauges().slots_free, 2);
        let mut rng = stream(0, 0, 0);
        assert_eq!(p.pick_host(&mut rng), Some(1), "a full host is no candidate");
        p.set_drain(1, true);
        assert_eq!(p.pick_host(&mut rng), None, "a drained host is no candidate");
        assert_eq!(p.gauges().hosts_draining, 1);
        assert_eq!(p.gauges().slots_free, 0);
        p.close_session(a);
        assert_eq!(p.pick_host(&mut rng), Some(0));
        p.set_status(0, HostStatus::Unavailable);
        assert_eq!(p.gauges().hosts_unavailable, 1);
        assert_eq!(p.gauges().hosts_available, 0);
        assert_eq!(p.pick_host(&mut rng), None);
    }

    #[test]
    fn closing_sessions_keeps_host_lists_consistent() {
        let mut p = Pool::new(1, "sh", 10, LoadBalancer::BreadthFirst);
        let ids: Vec<_> = (0..5).map(|u| p.open_session(0, u)).collect();
        p.close_session(ids[1]);
        p.close_session(ids[4]);
        p.close_session(ids[0]);
        assert!(p.close_session(ids[0]).is_none(), "a closed session is gone");
        // A removal moves the list's last session into the hole, as `Vec::swap_remove`.
        let left: Vec<_> = p.host(0).sessions.iter().map(|&s| p.session(s).unwrap().user).collect();
        assert_eq!(left, vec![2, 3]);
        p.close_session(ids[3]);
        assert_eq!(p.host(0).sessions, vec![ids[2]]);
        assert_eq!(p.gauges().sessions_active, 1);
    }
}
