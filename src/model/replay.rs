//! Replaying a connection log: each logged connection is a login at its logged time, through
//! the model's one login path, with its logged length (`LoginKind::Replay`). A connection
//! that a reconnection continues ends in a disconnect, and the reconnection returns to the
//! same session (`ReplayEvent::Return`, handled with the model's other reconnects in
//! `sim.rs`). The simulated pool may refuse what the real one accepted: the chain then goes on
//! as fresh logins at their logged times.
//!
//! Chain heads (connections that continue nothing) arrive from one cursor over the log, so
//! the queue holds one pending arrival whatever the log's size.

use super::config::{Connection, ModelConfig, ReplayConfig};
use super::event::{Event, ReplayEvent};
use super::feature::Feature;
use super::world::{LoginKind, LoginRequest, Queue, Reply, World};
use crate::engine::SimTime;
use crate::metrics::MetricValues;
use crate::metrics::catalog::Metric;

/// "No such connection" in [`Connection::next`].
pub const NO_CONNECTION: u32 = u32::MAX;

impl ReplayConfig {
    /// Builds the config; `heads` are the connections no other continues.
    pub fn new(names: Vec<String>, connections: Vec<Connection>, rows_skipped: u64) -> Self {
        let mut continued = vec![false; connections.len()];
        for c in &connections {
            if c.next != NO_CONNECTION {
                continued[c.next as usize] = true;
            }
        }
        let heads = (0..connections.len() as u32).filter(|&i| !continued[i as usize]).collect();
        Self { names, connections, heads, rows_skipped }
    }

    /// Connection `conn`.
    pub fn connection(&self, conn: u32) -> &Connection {
        &self.connections[conn as usize]
    }

    /// When connection `conn` ends if it logs in now: its logged end, or `None` for a
    /// connection that failed in the log (the scenario's session length then applies).
    pub fn end(&self, conn: u32) -> Option<SimTime> {
        let c = self.connection(conn);
        c.connected.then_some(c.end)
    }

    /// The reconnection that continues `conn`, if any.
    pub fn successor(&self, conn: u32) -> Option<u32> {
        let next = self.connection(conn).next;
        (next != NO_CONNECTION).then_some(next)
    }
}

/// The replay of one replication: the cursor over the chain heads.
pub struct Replay<'c> {
    cfg: &'c ReplayConfig,
    cursor: usize,
}

impl<'c> Replay<'c> {
    /// The replay, when the scenario replays a log.
    pub fn build(cfg: &'c ModelConfig) -> Option<Self> {
        cfg.replay.as_ref().map(|cfg| Self { cfg, cursor: 0 })
    }

    /// Handles the replay's arrival events (its ends and returns are the model's own).
    pub fn handle(&mut self, w: &mut World, q: &mut Queue, event: ReplayEvent) {
        match event {
            ReplayEvent::NextHead => {
                let conn = self.cfg.heads[self.cursor];
                self.cursor += 1;
                self.schedule_next_head(q);
                login(w, self.cfg, conn);
            }
            ReplayEvent::Login { conn } => login(w, self.cfg, conn),
            ReplayEvent::End { .. } | ReplayEvent::Return { .. } => {}
        }
    }

    fn schedule_next_head(&self, q: &mut Queue) {
        if let Some(&conn) = self.cfg.heads.get(self.cursor) {
            q.schedule(self.cfg.connection(conn).login, Event::Replay(ReplayEvent::NextHead));
        }
    }
}

/// Asks the model's login path for connection `conn`.
fn login(w: &mut World, cfg: &ReplayConfig, conn: u32) {
    let user = cfg.connection(conn).user;
    let kind = LoginKind::Replay { conn };
    let reply = Some(Reply::Replay(conn));
    w.request_login(LoginRequest { user, host: None, kind, reply, waited: 0 });
}

/// Schedules the reconnection that continues `conn` as a fresh login at its logged time (the
/// session it would return to does not exist in the simulation).
pub fn continue_chain(cfg: &ReplayConfig, conn: u32, now: SimTime, q: &mut Queue) {
    if let Some(next) = cfg.successor(conn) {
        let at = cfg.connection(next).login.max(now);
        q.schedule(at, Event::Replay(ReplayEvent::Login { conn: next }));
    }
}

impl Feature for Replay<'_> {
    fn start(&mut self, _w: &mut World, q: &mut Queue) {
        self.schedule_next_head(q);
    }

    fn login_result(&mut self, w: &mut World, q: &mut Queue, reply: Reply, ok: bool) {
        if let (Reply::Replay(conn), false) = (reply, ok) {
            continue_chain(self.cfg, conn, w.now, q);
        }
    }

    fn finish(&self, w: &World, m: &mut MetricValues, end: SimTime) {
        let measured = |c: &&Connection| c.login >= w.cfg.warmup && c.login < end;
        let logged = self.cfg.connections.iter().filter(measured);
        let failed = logged.clone().filter(|c| !c.connected).count();
        m.set(Metric::LogConnections, Some(logged.count() as f64));
        m.set(Metric::LogFailedConnections, Some(failed as f64));
        m.set(Metric::LogRowsSkipped, Some(self.cfg.rows_skipped as f64));
    }
}
