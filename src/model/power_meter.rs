//! Time integrals of the power state after the warm-up: host-hours running and stopped (what
//! `[cost]` prices), the peak of hosts running, and used capacity weighted by time.
//!
//! Used capacity is sessions over the open hosts' slots. Its time-weighted mean is kept in
//! integers — session-milliseconds per count of open hosts, the mean formed once at the end —
//! so it is exact where a running sum of per-event percentages would round at every event.
//! The session-milliseconds come from the recorder, which integrates sessions at every event
//! anyway; the meter itself only wakes when a host starts, stops, drains or opens, not at
//! every sign-in and sign-out (half of all events).

use super::pool::Gauges;
use crate::engine::SimTime;
use crate::metrics::recorder::Recorder;

/// The power state's integrals so far.
#[derive(Debug, Clone)]
pub struct Meter {
    limit: u32,
    last: SimTime,
    /// The state holding since `last`.
    state: Held,
    /// The host-change count the state was read at.
    host_changes: u64,
    /// The recorder's session-milliseconds at `last`.
    session_mark: u128,
    /// Host-milliseconds billed (running or starting).
    pub running_ms: u128,
    /// Host-milliseconds deallocated.
    pub stopped_ms: u128,
    /// Most hosts billed at once.
    pub peak_running: u64,
    /// Per count of open hosts: the session-milliseconds while that many were open.
    session_ms_by_open: Vec<u128>,
    /// Milliseconds with at least one open host.
    capacity_ms: u128,
}

/// What the meter reads of the gauges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Held {
    allocated: u64,
    stopped: u64,
    open: u64,
}

impl Held {
    fn of(g: &Gauges) -> Self {
        Self { allocated: allocated(g), stopped: g.hosts_stopped, open: g.hosts_available }
    }
}

/// Hosts billed: running or starting (MODEL.md "Cost": billed while allocated).
fn allocated(g: &Gauges) -> u64 {
    g.hosts_total - g.hosts_stopped
}

impl Meter {
    /// A meter from time zero with the pool in state `initial`, hosts of `limit` sessions.
    pub fn new(initial: &Gauges, limit: u32) -> Self {
        Self {
            limit,
            last: 0,
            state: Held::of(initial),
            host_changes: 0,
            session_mark: 0,
            running_ms: 0,
            stopped_ms: 0,
            peak_running: 0,
            session_ms_by_open: Vec::new(),
            capacity_ms: 0,
        }
    }

    /// Notes the state `g` after the event at `now` (the recorder has integrated up to
    /// `now`). Nothing is added while the hosts it reads are unchanged: the integrals catch
    /// up at the next change. `host_changes` is the power index's count of host changes
    /// ([`PowerIndexView::host_changes`](super::power_index::PowerIndexView::host_changes)):
    /// while it stands still, so do the gauges the meter reads, and the meter reads nothing.
    #[inline]
    pub fn observe(
        &mut self,
        now: SimTime,
        warmup: SimTime,
        g: &Gauges,
        r: &Recorder,
        host_changes: u64,
    ) {
        if host_changes == self.host_changes {
            return;
        }
        self.host_changes = host_changes;
        let next = Held::of(g);
        if next != self.state {
            self.advance(now, warmup, next, r.session_time_at(now, g));
        }
    }

    /// The meter as it reads at `end`, with `g` holding since the last event.
    pub fn until(&self, end: SimTime, warmup: SimTime, g: &Gauges, r: &Recorder) -> Self {
        let mut m = self.clone();
        m.advance(end, warmup, Held::of(g), r.session_time_at(end, g));
        m
    }

    /// Adds the time since the last change (the previous state holding) and the sessions'
    /// time over it (`session_time` at `now` minus the mark), then notes `next`.
    fn advance(&mut self, now: SimTime, warmup: SimTime, next: Held, session_time: u128) {
        let from = self.last.max(warmup);
        let sessions_ms = session_time - self.session_mark;
        self.session_mark = session_time;
        if now > from {
            let dt = now - from;
            let s = self.state;
            self.running_ms += u128::from(dt) * u128::from(s.allocated);
            self.stopped_ms += u128::from(dt) * u128::from(s.stopped);
            if s.open > 0 {
                let open = s.open as usize;
                if self.session_ms_by_open.len() <= open {
                    self.session_ms_by_open.resize(open + 1, 0);
                }
                self.session_ms_by_open[open] += sessions_ms;
                self.capacity_ms += u128::from(dt);
            }
            if self.last < warmup {
                self.peak_running = s.allocated;
            }
        }
        self.last = self.last.max(now);
        self.state = next;
        if now >= warmup {
            self.peak_running = self.peak_running.max(next.allocated);
        }
    }

    /// The time-weighted mean of used capacity, in percent, over the time with open hosts.
    pub fn mean_used_pct(&self) -> Option<f64> {
        if self.capacity_ms == 0 {
            return None;
        }
        let slots = f64::from(self.limit);
        let pct_ms: f64 = (self.session_ms_by_open.iter().enumerate().skip(1))
            .map(|(open, &ms)| ms as f64 * 100.0 / (open as f64 * slots))
            .sum();
        Some(pct_ms / self.capacity_ms as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pseudo-random walk of the pool: hosts start, stop, drain and open; sessions come
    /// and go at most events (as in a run, where the meter wakes only at host changes).
    fn walk(steps: usize) -> Vec<(SimTime, Gauges)> {
        let (mut x, mut now) = (5u64, 0);
        let mut g =
            Gauges { hosts_total: 12, hosts_stopped: 4, hosts_available: 6, ..Default::default() };
        let mut out = Vec::new();
        for _ in 0..steps {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            now += (x >> 40) % 90_000;
            match (x >> 20) % 10 {
                0 => g.hosts_stopped = (x >> 8) % 9,
                1 => g.hosts_available = (x >> 8) % 8,
                _ if (x >> 4) % 2 == 0 => g.sessions_active += 1,
                _ => g.sessions_active = g.sessions_active.saturating_sub(1),
            }
            g.sessions_disconnected = (x >> 12) % 3;
            out.push((now, g));
        }
        out
    }

    #[test]
    fn integrals_equal_a_recount_of_every_interval() {
        let limit = 4;
        let warmup = 3_000_000;
        let steps = walk(2_000);
        let start =
            Gauges { hosts_total: 12, hosts_stopped: 4, hosts_available: 6, ..Default::default() };
        let mut r = Recorder::new(&start, warmup, None, false);
        let mut m = Meter::new(&start, limit);
        // The recount: every interval after the warm-up, by the state that held over it.
        let (mut held, mut last) = (start, 0);
        let (mut running, mut stopped, mut pct_ms, mut open_ms) = (0u128, 0u128, 0.0, 0u128);
        let (mut peak, mut changes) = (0, 0);
        for &(now, g) in &steps {
            let from = last.max(warmup);
            if now > from {
                let dt = u128::from(now - from);
                running += dt * u128::from(held.hosts_total - held.hosts_stopped);
                stopped += dt * u128::from(held.hosts_stopped);
                if held.hosts_available > 0 {
                    let used = held.sessions() as f64 / (held.hosts_available * 4) as f64;
                    pct_ms += dt as f64 * used * 100.0;
                    open_ms += dt;
                }
            }
            if now >= warmup {
                peak = peak.max(g.hosts_total - g.hosts_stopped).max(if last < warmup {
                    held.hosts_total - held.hosts_stopped
                } else {
                    0
                });
            }
            r.advance(now, &held);
            // The power index's count moves when a host's status or openness does.
            let hosts = |g: &Gauges| (g.hosts_total, g.hosts_stopped, g.hosts_available);
            changes += u64::from(hosts(&g) != hosts(&held));
            m.observe(now, warmup, &g, &r, changes);
            (held, last) = (g, now);
        }
        let end = last + 1_000_000;
        let dt = u128::from(end - last);
        running += dt * u128::from(held.hosts_total - held.hosts_stopped);
        stopped += dt * u128::from(held.hosts_stopped);
        if held.hosts_available > 0 {
            pct_ms +=
                dt as f64 * held.sessions() as f64 / (held.hosts_available * 4) as f64 * 100.0;
            open_ms += dt;
        }
        let at_end = m.until(end, warmup, &held, &r);
        assert_eq!((at_end.running_ms, at_end.stopped_ms), (running, stopped));
        assert_eq!(at_end.peak_running, peak);
        let mean = at_end.mean_used_pct().expect("hosts were open");
        let want = pct_ms / open_ms as f64;
        assert!((mean - want).abs() < 1e-9 * want, "{mean} against {want}");
    }
}
