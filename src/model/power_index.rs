//! The power index: what a scaler reads of the pool, kept up to date as hosts change so that
//! an evaluation never scans every host.
//!
//! A plan's evaluation asks which deallocated host to start, which running host has the
//! fewest sessions (to drain), which drained host is left without sessions (to stop), and how
//! many hosts run or start. Scanning 1,000 hosts at each of an evaluation's steps was most of
//! what a plan cost the simulator (results/perf.md, "Autoscale evaluation cost"). The pool
//! files each host here after every change (the pool keeps the index only when a scaler
//! asks for it), and the common change, a sign-in or sign-out on an open host, moves one bit
//! between two rows.

use super::host::{Host, HostId, HostStatus};
use super::host_set::HostSet;

/// The power index a scaler reads (kept only when one asks, see
/// [`Pool::keep_power_index`](super::pool::Pool::keep_power_index)):
/// deallocated hosts, and running hosts open for new sessions by session count, each in host
/// order; how many hosts run or start; each host's disconnected sessions; and the running
/// hosts the scaler holds drained, with those of them left without sessions (or without
/// active ones) — so an evaluation finds the host to start, drain or stop without looking at
/// every host, nor at every session of a drained one.
#[derive(Default)]
pub(super) struct PowerIndex {
    stopped: HostSet,
    /// Per session count, a bit per host: Available and not in drain mode. One flat array,
    /// a row of `stride` words per session count (a sign-in or sign-out moves a bit between
    /// two rows, at every such event).
    open: Vec<u64>,
    stride: usize,
    open_len: u64,
    available: u64,
    starting: u64,
    /// Per host: its disconnected sessions, when `counts_disconnects` (else all zero).
    disconnected: Vec<u32>,
    /// Whether disconnects are counted: only a plan that stops hosts at zero *active*
    /// sessions reads them, and counting costs every disconnect and reconnect.
    counts_disconnects: bool,
    /// Per host: held in drain mode by the scaler
    /// ([`Pool::set_scaler_held`](super::pool::Pool::set_scaler_held)).
    held: Vec<bool>,
    /// Hosts held by the scaler, still drained and Available.
    held_running: u64,
    /// Of those, the ones without sessions, and the ones without active sessions.
    held_empty: HostSet,
    held_idle: HostSet,
    /// Per host: how it was last filed, but for its open row.
    entries: Vec<Option<Entry>>,
    /// Per host: the row it is open in (its session count), or [`NOT_OPEN`]. Apart from
    /// `entries` so that a sign-in or sign-out, which only moves an open host's bit, reads
    /// and writes one word.
    open_at: Vec<u32>,
    /// How many times a host's entry changed (see [`PowerIndexView::host_changes`]).
    host_changes: u64,
}

/// `PowerIndex::open_at` of a host that is not open.
const NOT_OPEN: u32 = u32::MAX;

/// How the power index files a host, besides its open row.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry {
    status: HostStatus,
    /// Open for new sessions (a running or needing-assistance host not in drain mode).
    open: bool,
    /// Held by the scaler, drained and Available: whether it has no sessions, and no active
    /// sessions.
    held: Option<(bool, bool)>,
}

impl PowerIndex {
    /// An empty index for `hosts` hosts; `count_disconnects`: see
    /// [`Pool::keep_power_index`](super::pool::Pool::keep_power_index).
    pub(super) fn new(hosts: usize, count_disconnects: bool) -> Self {
        let stride = hosts.div_ceil(64);
        Self { stride, counts_disconnects: count_disconnects, ..Self::default() }
    }

    /// Files host `id`, the next one, with `disconnected` disconnected sessions.
    pub(super) fn add_host(&mut self, id: HostId, h: &Host, disconnected: u32) {
        self.disconnected.push(if self.counts_disconnects { disconnected } else { 0 });
        self.file(id, h);
    }

    /// Notes whether the scaler holds host `id` (now `h`) drained.
    pub(super) fn set_held(&mut self, id: HostId, held: bool, h: &Host) {
        self.held[id as usize] = held;
        self.file(id, h);
    }

    /// Whether it counts disconnected sessions.
    #[inline]
    pub(super) fn counts_disconnects(&self) -> bool {
        self.counts_disconnects
    }

    /// Host `id` (now `h`) has one more disconnected session (`more`) or one less.
    pub(super) fn count_disconnect(&mut self, id: HostId, more: bool, h: &Host) {
        let n = &mut self.disconnected[id as usize];
        *n = if more { *n + 1 } else { *n - 1 };
        // Only a held host's filing reads it.
        if self.held[id as usize] {
            self.file(id, h);
        }
    }

    /// Re-files host `id` as it now is.
    #[inline]
    pub(super) fn file(&mut self, id: HostId, h: &Host) {
        // The common case, a sign-in or sign-out on a host open before and after: only its
        // bit moves between rows (the full filing below would find the same).
        if h.status == HostStatus::Available
            && !h.drain
            && let Some(at) = self.open_at.get_mut(id as usize)
            && *at != NOT_OPEN
        {
            let (from, to) = (*at, h.session_count());
            if from != to {
                *at = to;
                self.move_open(id, from, to);
            }
            return;
        }
        self.refile(id, h);
    }

    /// Re-files host `id` as it now is, whatever changed. Kept out of line so that `file`'s
    /// common case stays a few instructions without saving registers for this one.
    #[inline(never)]
    fn refile(&mut self, id: HostId, h: &Host) {
        let i = id as usize;
        if self.entries.len() <= i {
            self.entries.resize(i + 1, None);
            self.open_at.resize(i + 1, NOT_OPEN);
            self.disconnected.resize(i + 1, 0);
            self.held.resize(i + 1, false);
        }
        let running = h.status == HostStatus::Available;
        let sessions = h.session_count();
        let entry = Entry {
            status: h.status,
            open: h.open_for_new_sessions(),
            held: (running && h.drain && self.held[i])
                .then(|| (sessions == 0, sessions == self.disconnected[i])),
        };
        if self.entries[i] != Some(entry) {
            if let Some(was) = self.entries[i] {
                self.count(id, was, false);
            }
            self.count(id, entry, true);
            self.entries[i] = Some(entry);
            self.host_changes += 1;
        }
        let from = Some(self.open_at[i]).filter(|&n| n != NOT_OPEN);
        let to = (running && !h.drain).then_some(sessions);
        match (from, to) {
            (Some(from), Some(to)) if from != to => self.move_open(id, from, to),
            (Some(_), Some(_)) => {}
            _ => {
                self.open_bit(id, from, false);
                self.open_bit(id, to, true);
            }
        }
        self.open_at[i] = to.unwrap_or(NOT_OPEN);
    }

    /// Adds (`add`) or removes host `id` filed as `e` (its open row apart).
    fn count(&mut self, id: HostId, e: Entry, add: bool) {
        let step = |n: &mut u64, on: bool| {
            if on {
                *n = if add { *n + 1 } else { *n - 1 };
            }
        };
        let member = |set: &mut HostSet, on: bool| {
            if on && add {
                set.insert(id);
            } else if on {
                set.remove(id);
            }
        };
        step(&mut self.available, e.status == HostStatus::Available);
        step(&mut self.starting, e.status == HostStatus::Starting);
        member(&mut self.stopped, e.status == HostStatus::Shutdown);
        if let Some((empty, idle)) = e.held {
            step(&mut self.held_running, true);
            member(&mut self.held_empty, empty);
            member(&mut self.held_idle, idle);
        }
    }

    /// Sets (`add`) or clears host `id`'s bit under session count `open`, if open.
    fn open_bit(&mut self, id: HostId, open: Option<u32>, add: bool) {
        let Some(n) = open else { return };
        let (at, bit) = self.open_slot(id, n);
        if add {
            self.open[at] |= bit;
            self.open_len += 1;
        } else {
            self.open[at] &= !bit;
            self.open_len -= 1;
        }
    }

    /// Moves open host `id`'s bit from session count `from` to `to` (an open host's word is
    /// within the rows' width already).
    #[inline]
    fn move_open(&mut self, id: HostId, from: u32, to: u32) {
        let (word, bit) = (id as usize / 64, 1u64 << (id % 64));
        let to_at = to as usize * self.stride + word;
        if to_at >= self.open.len() {
            self.add_rows(to);
        }
        self.open[from as usize * self.stride + word] &= !bit;
        self.open[to_at] |= bit;
    }

    /// Where host `id`'s bit under session count `n` is (the word and the bit), the array
    /// grown to hold it.
    #[inline]
    fn open_slot(&mut self, id: HostId, n: u32) -> (usize, u64) {
        let (word, bit) = (id as usize / 64, 1u64 << (id % 64));
        if word >= self.stride {
            self.widen(word + 1);
        }
        let at = n as usize * self.stride + word;
        if at >= self.open.len() {
            self.add_rows(n);
        }
        (at, bit)
    }

    /// Adds empty rows up to session count `n` (rare: once per session count reached).
    #[cold]
    #[inline(never)]
    fn add_rows(&mut self, n: u32) {
        self.open.resize((n as usize + 1) * self.stride, 0);
    }

    /// Re-lays the rows `stride` words wide (hosts were added past the last word).
    #[cold]
    fn widen(&mut self, stride: usize) {
        let rows = self.open.len().checked_div(self.stride).unwrap_or(0);
        let mut open = vec![0; rows * stride];
        for (row, old) in open.chunks_mut(stride).zip(self.open.chunks(self.stride.max(1))) {
            row[..old.len()].copy_from_slice(old);
        }
        self.open = open;
        self.stride = stride;
    }
}

/// What the power index says of the pool (see
/// [`Pool::power_index`](super::pool::Pool::power_index)).
pub struct PowerIndexView<'p> {
    index: &'p PowerIndex,
}

impl<'p> PowerIndexView<'p> {
    pub(super) fn new(index: &'p PowerIndex) -> Self {
        Self { index }
    }

    /// Deallocated hosts, in host order.
    pub fn stopped(&self) -> impl DoubleEndedIterator<Item = HostId> + 'p {
        self.index.stopped.iter()
    }

    /// Available hosts not in drain mode as a row of bits per session count (bit `i % 64` of
    /// word `i / 64` for host `i`), fewest sessions first; rows may be empty.
    pub fn open_rows(&self) -> impl Iterator<Item = (u32, &'p [u64])> + 'p {
        let rows = self.index.open.chunks(self.index.stride.max(1));
        rows.enumerate().map(|(n, words)| (n as u32, words))
    }

    /// Available hosts not in drain mode.
    pub fn open(&self) -> u64 {
        self.index.open_len
    }

    /// Available hosts, drained or not.
    pub fn available(&self) -> u64 {
        self.index.available
    }

    /// Hosts powering on.
    pub fn starting(&self) -> u64 {
        self.index.starting
    }

    /// A count that moves whenever a host is added, or its status or openness for new
    /// sessions changes: the gauges of hosts by status (total, stopped, available) change
    /// only when it does, so a reader of those need not look after an event that left it.
    pub fn host_changes(&self) -> u64 {
        self.index.host_changes
    }

    /// Disconnected sessions on host `id`; `None` when the index does not count them
    /// ([`Pool::keep_power_index`](super::pool::Pool::keep_power_index)).
    pub fn disconnected(&self, id: HostId) -> Option<u32> {
        let n = self.index.disconnected.get(id as usize).copied().unwrap_or(0);
        self.index.counts_disconnects.then_some(n)
    }

    /// Whether the scaler holds host `id` drained
    /// ([`Pool::set_scaler_held`](super::pool::Pool::set_scaler_held)).
    pub fn held(&self, id: HostId) -> bool {
        self.index.held.get(id as usize).copied().unwrap_or(false)
    }

    /// Hosts the scaler holds drained that are still drained and Available.
    pub fn held_running(&self) -> u64 {
        self.index.held_running
    }

    /// Of those, the ones without sessions (`active_only`: without active sessions, which
    /// are all sessions when disconnects are not counted), in host order.
    pub fn held_empty(&self, active_only: bool) -> impl Iterator<Item = HostId> + 'p {
        let set = if active_only { &self.index.held_idle } else { &self.index.held_empty };
        set.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;
    use crate::model::host_set::Bits;
    use crate::model::pool::Pool;
    use crate::model::session::{SessionId, SessionState};
    use crate::scenario::LoadBalancer;
    use crate::scenario::names::host_name;

    /// The index's open hosts as `(sessions, host)`, fewest sessions first, then in host
    /// order: its rows read bit by bit.
    fn open_by_load(ix: &PowerIndexView) -> Vec<(u32, HostId)> {
        let rows = ix.open_rows();
        let hosts = rows.flat_map(|(n, words)| {
            let words = words.iter().enumerate();
            words.flat_map(move |(w, &bits)| {
                Bits { base: (w * 64) as HostId, bits }.map(move |h| (n, h))
            })
        });
        hosts.collect()
    }

    /// What the power index says, checked against a scan of every host.
    fn index_matches_a_scan(p: &Pool) {
        let ix = p.power_index().expect("kept");
        let hosts = p.hosts().iter().enumerate().map(|(i, h)| (i as HostId, h));
        let stopped: Vec<_> =
            hosts.clone().filter(|(_, h)| h.status == HostStatus::Shutdown).map(|x| x.0).collect();
        assert_eq!(ix.stopped().collect::<Vec<_>>(), stopped);
        assert_eq!(ix.stopped().rev().count(), stopped.len());
        let mut open: Vec<_> = hosts
            .clone()
            .filter(|(_, h)| h.status == HostStatus::Available && !h.drain)
            .map(|(i, h)| (h.session_count(), i))
            .collect();
        open.sort();
        assert_eq!(open_by_load(&ix), open);
        assert_eq!(ix.open(), open.len() as u64);
        let with = |s| hosts.clone().filter(|(_, h)| h.status == s).count() as u64;
        assert_eq!(ix.available(), with(HostStatus::Available));
        assert_eq!(ix.starting(), with(HostStatus::Starting));
        for (i, h) in hosts.clone() {
            let state = |&s: &SessionId| p.session(s).unwrap().state;
            let n = h.sessions.iter().filter(|s| state(s) == SessionState::Disconnected).count();
            if let Some(counted) = ix.disconnected(i) {
                assert_eq!(counted, n as u32, "host {i}");
            }
        }
    }

    /// The scaler's held hosts as the power index reports them, checked against a scan of
    /// every host (`held`: per host, what the test told the pool).
    fn held_matches_a_scan(p: &Pool, held: &[bool]) {
        let ix = p.power_index().expect("kept");
        let running: Vec<(HostId, &Host)> = (p.hosts().iter().enumerate())
            .filter(|&(i, h)| held[i] && h.drain && h.status == HostStatus::Available)
            .map(|(i, h)| (i as HostId, h))
            .collect();
        assert_eq!(ix.held_running(), running.len() as u64);
        let active = |h: &Host| {
            let active = |s: &&SessionId| p.session(**s).unwrap().state == SessionState::Active;
            h.sessions.iter().filter(active).count()
        };
        let empty: Vec<HostId> =
            running.iter().filter(|(_, h)| h.sessions.is_empty()).map(|x| x.0).collect();
        let counted =
            |h: &Host| if ix.disconnected(0).is_some() { active(h) } else { h.sessions.len() };
        let idle: Vec<HostId> =
            running.iter().filter(|(_, h)| counted(h) == 0).map(|x| x.0).collect();
        assert_eq!(ix.held_empty(false).collect::<Vec<_>>(), empty);
        assert_eq!(ix.held_empty(true).collect::<Vec<_>>(), idle);
    }

    #[test]
    fn the_power_index_equals_a_recount_after_random_changes() {
        random_changes(true);
    }

    /// Without counting disconnects, the index is the same but that a host without sessions
    /// is all it knows as idle.
    #[test]
    fn the_power_index_without_disconnects_equals_a_recount_too() {
        random_changes(false);
    }

    fn random_changes(count_disconnects: bool) {
        use rand::RngExt;
        let mut rng = stream(7, 0, 0);
        let (hosts, limit) = (70, 4);
        let mut p = Pool::new(hosts, "sh", limit, LoadBalancer::BreadthFirst);
        let _before = p.open_session(1, 0);
        p.keep_power_index(count_disconnects);
        let mut held = vec![false; hosts as usize];
        let statuses = [
            HostStatus::Available,
            HostStatus::Shutdown,
            HostStatus::Starting,
            HostStatus::NeedsAssistance,
        ];
        let mut seen = [0u32; 3];
        let by_status = |p: &Pool| {
            let (g, ix) = (p.gauges(), p.power_index().unwrap());
            ((g.hosts_total, g.hosts_stopped, g.hosts_available), ix.host_changes())
        };
        let mut before = by_status(&p);
        for step in 0..4000 {
            let h = rng.random_range(0..hosts);
            let sessions = p.host(h).sessions.clone();
            match rng.random_range(0..8) {
                0..=2 if p.host(h).session_count() < limit => {
                    p.open_session(h, step);
                }
                3 | 4 if !sessions.is_empty() => {
                    let s = sessions[rng.random_range(0..sessions.len())];
                    let state = if rng.random_bool(0.5) {
                        SessionState::Disconnected
                    } else {
                        SessionState::Active
                    };
                    p.set_session_state(s, state);
                }
                5 if !sessions.is_empty() => {
                    p.close_session(sessions[rng.random_range(0..sessions.len())]);
                }
                6 => p.set_drain(h, rng.random_bool(0.5)),
                7 if rng.random_bool(0.3) => {
                    held[h as usize] = !held[h as usize];
                    p.set_scaler_held(h, held[h as usize]);
                }
                _ => p.set_status(h, statuses[rng.random_range(0..statuses.len())]),
            }
            index_matches_a_scan(&p);
            held_matches_a_scan(&p, &held);
            let after = by_status(&p);
            assert!(after.0 == before.0 || after.1 != before.1, "step {step}: uncounted change");
            before = after;
            let ix = p.power_index().unwrap();
            seen[0] += u32::from(ix.held_running() > 0);
            seen[1] += u32::from(ix.held_empty(false).next().is_some());
            seen[2] += u32::from(ix.held_empty(true).count() > ix.held_empty(false).count());
            assert_eq!(ix.disconnected(h).is_some(), count_disconnects);
        }
        let cases = if count_disconnects { &seen[..] } else { &seen[..2] };
        assert!(cases.iter().all(|&n| n > 100), "every held case exercised: {seen:?}");
    }

    #[test]
    fn the_power_index_follows_host_changes() {
        // 70 hosts: the open hosts span two bitset words.
        let mut p = Pool::new(70, "sh", 3, LoadBalancer::DepthFirst);
        assert!(p.power_index().is_none(), "kept only when asked for");
        p.set_status(3, HostStatus::Shutdown);
        p.keep_power_index(true);
        index_matches_a_scan(&p);
        let a = p.open_session(65, 1);
        let _b = p.open_session(65, 2);
        let _c = p.open_session(2, 3);
        index_matches_a_scan(&p);
        assert_eq!(open_by_load(&p.power_index().unwrap()).last().copied(), Some((2, 65)));
        p.set_drain(2, true);
        p.set_status(64, HostStatus::Starting);
        p.set_status(3, HostStatus::Available);
        p.set_status(10, HostStatus::Shutdown);
        p.close_session(a);
        index_matches_a_scan(&p);
        p.close_all_sessions(65);
        p.set_drain(2, false);
        p.update_host(5, |h| h.status = HostStatus::Deleted);
        let added = p.add_host(Host::new("sh-70".into()));
        p.set_status(added, HostStatus::Shutdown);
        index_matches_a_scan(&p);
    }

    #[test]
    fn hosts_added_past_the_last_bitset_word_keep_every_open_row() {
        // 60 hosts fill one word per session count; the 65th host needs a second one, and
        // the rows already filed (hosts with 0, 1 and 2 sessions) must survive the re-lay.
        let mut p = Pool::new(60, "sh", 3, LoadBalancer::DepthFirst);
        p.keep_power_index(true);
        p.open_session(7, 1);
        p.open_session(59, 2);
        p.open_session(59, 3);
        for i in 60..70 {
            p.add_host(Host::new(host_name("sh", i)));
        }
        index_matches_a_scan(&p);
        p.open_session(68, 4);
        p.open_session(68, 5);
        p.open_session(68, 6);
        p.open_session(7, 7);
        index_matches_a_scan(&p);
        let fullest: Vec<_> =
            open_by_load(&p.power_index().unwrap()).into_iter().filter(|x| x.0 > 1).collect();
        assert_eq!(fullest, vec![(2, 7), (2, 59), (3, 68)]);
    }
}
