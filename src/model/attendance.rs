//! Attendance: `workload.attendance = 0.92` — on each day, each named user comes in at all
//! with this probability, independently of other users and other days. Arrivals (storms,
//! profiles, Poisson) pick their users among those who are in today and offline; a day with
//! fewer users in than a storm's logins simply has fewer logins. A user who is away keeps any
//! session from the day before until it ends.

use super::config::ModelConfig;
use super::event::{Event, UsersEvent};
use super::feature::Feature;
use super::streams;
use super::world::{Queue, World};
use crate::engine::rng::{SimRng, stream};
use crate::engine::time::DAY;
use rand::RngExt;

/// Who comes in each day, for one replication.
pub struct Attendance {
    probability: f64,
    rng: SimRng,
}

impl Attendance {
    /// The attendance of replication `replication` (`None` when everybody always comes in).
    pub fn build(cfg: &ModelConfig, replication: u64) -> Option<Self> {
        let probability = cfg.behaviour.attendance?;
        cfg.users?;
        let rng = stream(cfg.seed, replication, streams::ATTENDANCE);
        Some(Self { probability, rng })
    }

    /// A new day (midnight): draw who comes in, in user order, and schedule the next day.
    pub fn handle(&mut self, w: &mut World, q: &mut Queue, e: UsersEvent) {
        let UsersEvent::Day = e else { return };
        let (p, rng) = (self.probability, &mut self.rng);
        w.users.set_attendance(|_| rng.random_bool(p));
        q.schedule(w.now.saturating_add(DAY), Event::Users(UsersEvent::Day));
    }
}

impl Feature for Attendance {
    /// The first day starts with the run, before any arrival at time zero.
    fn start(&mut self, w: &mut World, q: &mut Queue) {
        self.handle(w, q, UsersEvent::Day);
    }
}
