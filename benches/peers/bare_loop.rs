//! The yardstick: poolsim's pooled loss system (`benches/peers/pool.toml`) written as one bare
//! loop over a `BinaryHeap` of (time, sequence) events, with nothing else — no scenario
//! file, no features, no recorder, no outputs. What the same work costs with no engine around
//! it; `results/measure-perf.sh` runs it beside poolsim and the SimPy model.
//!
//! How it matches poolsim's model (`model/sim.rs`, `model/workload.rs`, `model/population.rs`):
//! - **Arrivals**: the same hourly login profile (weekday and weekend rates, scaled by
//!   hosts / 1,000), drawn the same way: an exponential gap at the current hour's rate,
//!   restarted at the hour's end when it overshoots, rounded to the millisecond.
//! - **Users**: 12 per host, named; a login picks a random offline user; none offline → no
//!   login.
//! - **Sessions**: active time lognormal (mean 2 h, sd 1 h); at its end the user disconnects
//!   with probability 0.5 and comes back after an exponential 30 minutes (a new active time is
//!   drawn), else logs off. A disconnected session keeps its slot.
//! - **Hosts**: `hosts` × 16 slots; a login takes a slot on any host with room (the most
//!   recently freed one: O(1)), else fails. In a pooled pool whose hosts all have the same
//!   limit, which host a session lands on changes nothing that is counted (sessions, failures,
//!   events), so the pick rule only has to cost what an indexed pick costs.
//! - **Random streams**: ChaCha8, one stream per source (arrivals, users, session length,
//!   reconnect choice, reconnect delay), like poolsim's `engine::rng`.
//!
//! Usage: `cargo run --release --example bare_loop -- HOSTS DAYS [SEED]`; prints one JSON line.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, LogNormal};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

const SECOND: u64 = 1_000;
const HOUR: u64 = 3_600 * SECOND;
const DAY: u64 = 24 * HOUR;
const SLOTS_PER_HOST: u32 = 16;
const USERS_PER_HOST: u32 = 12;
/// bench-large's logins per hour at 1,000 hosts, Monday to Friday and at weekends.
const WEEKDAY: [f64; 24] = [
    40., 20., 20., 20., 40., 150., 600., 2500., 4500., 3500., 2000., 1500., 1800., 2200., 1500.,
    1000., 700., 400., 250., 150., 100., 80., 60., 50.,
];
const WEEKEND: [f64; 24] = [
    20., 10., 10., 10., 10., 20., 40., 80., 150., 200., 200., 200., 200., 200., 200., 180., 150.,
    120., 100., 80., 60., 50., 40., 30.,
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Arrival,
    /// The session's active time is over.
    End,
    /// The disconnected user is back.
    Return,
}

/// One session: who, where, and whether it is still the one the event refers to.
#[derive(Clone, Copy)]
struct Session {
    user: u32,
    host: u32,
}

/// Rounds like `f64::round` for the non-negative values drawn here.
fn ms(x: f64) -> u64 {
    x.round() as u64
}

/// The next profile login at or after `now` (poolsim's `next_profile`).
fn next_arrival(now: u64, scale: f64, rng: &mut ChaCha8Rng) -> u64 {
    let mut t = now;
    loop {
        let hour_end = (t / HOUR + 1) * HOUR;
        let weekend = (t % (7 * DAY)) / DAY >= 5;
        let rate = if weekend { WEEKEND } else { WEEKDAY }[((t % DAY) / HOUR) as usize] * scale
            / HOUR as f64;
        if rate > 0.0 {
            let x: f64 = Exp1.sample(rng);
            let candidate = t as f64 + x / rate;
            if candidate < hour_end as f64 {
                return ms(candidate);
            }
        }
        t = hour_end;
    }
}

fn stream(seed: u64, source: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(source);
    rng
}

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse().expect("a number")).collect();
    let (hosts, days) = (args[0] as u32, args[1]);
    let seed = args.get(2).copied().unwrap_or(2026);
    let started = Instant::now();
    let end = days * DAY;
    let scale = f64::from(hosts) / 1000.0;
    let (mut rng_arrival, mut rng_user, mut rng_length, mut rng_choice, mut rng_delay) =
        (stream(seed, 0), stream(seed, 1), stream(seed, 2), stream(seed, 3), stream(seed, 4));
    let length = LogNormal::from_mean_cv(2.0 * HOUR as f64, 0.5).expect("valid lognormal");
    let reconnect_mean = 1_800.0 * SECOND as f64;

    // Hosts: sessions on each, and a stack of the hosts with room (only the top one takes
    // sessions, so only it can fill up).
    let mut used = vec![0u32; hosts as usize];
    let mut with_room: Vec<u32> = (0..hosts).rev().collect();
    // Users: the offline ones, and where each sits in that list (u32::MAX: online).
    let users = hosts * USERS_PER_HOST;
    let mut offline: Vec<u32> = (0..users).collect();
    let mut offline_pos: Vec<u32> = (0..users).collect();
    // Sessions in a slab whose slots are reused (an event names its slot).
    let mut sessions: Vec<Session> = Vec::new();
    let mut free_sessions: Vec<u32> = Vec::new();

    let mut heap: BinaryHeap<Reverse<(u64, u64, Kind, u32)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut push = |heap: &mut BinaryHeap<_>, at: u64, kind: Kind, session: u32| {
        heap.push(Reverse((at, seq, kind, session)));
        seq += 1;
    };
    push(&mut heap, next_arrival(0, scale, &mut rng_arrival), Kind::Arrival, 0);

    let (mut events, mut attempted, mut failed, mut live, mut peak) = (0u64, 0u64, 0u64, 0u64, 0);
    while let Some(Reverse((now, _, kind, s))) = heap.pop() {
        if now >= end {
            break;
        }
        events += 1;
        match kind {
            Kind::Arrival => {
                push(&mut heap, next_arrival(now, scale, &mut rng_arrival), Kind::Arrival, 0);
                if offline.is_empty() {
                    continue;
                }
                let user = offline[rng_user.random_range(0..offline.len() as u32) as usize];
                attempted += 1;
                let Some(&host) = with_room.last() else {
                    failed += 1;
                    continue;
                };
                // The user goes online.
                let p = offline_pos[user as usize] as usize;
                offline.swap_remove(p);
                if let Some(&moved) = offline.get(p) {
                    offline_pos[moved as usize] = p as u32;
                }
                offline_pos[user as usize] = u32::MAX;
                // The host takes the session.
                used[host as usize] += 1;
                if used[host as usize] == SLOTS_PER_HOST {
                    with_room.pop();
                }
                let session = Session { user, host };
                let slot = match free_sessions.pop() {
                    Some(i) => {
                        sessions[i as usize] = session;
                        i
                    }
                    None => {
                        sessions.push(session);
                        sessions.len() as u32 - 1
                    }
                };
                live += 1;
                peak = peak.max(live);
                let active = ms(length.sample(&mut rng_length));
                push(&mut heap, now + active, Kind::End, slot);
            }
            Kind::End => {
                if rng_choice.random_bool(0.5) {
                    let x: f64 = Exp1.sample(&mut rng_delay);
                    push(&mut heap, now + ms(x * reconnect_mean), Kind::Return, s);
                    continue;
                }
                let Session { user, host } = sessions[s as usize];
                free_sessions.push(s);
                live -= 1;
                if used[host as usize] == SLOTS_PER_HOST {
                    with_room.push(host);
                }
                used[host as usize] -= 1;
                offline_pos[user as usize] = offline.len() as u32;
                offline.push(user);
            }
            Kind::Return => {
                attempted += 1;
                let active = ms(length.sample(&mut rng_length));
                push(&mut heap, now + active, Kind::End, s);
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "{{\"model\": \"bare_loop\", \"hosts\": {hosts}, \"days\": {days}, \"events\": {events}, \
         \"wall_seconds\": {wall:.6}, \"events_per_second\": {:.0}, \
         \"logins_attempted\": {attempted}, \"logins_failed\": {failed}, \
         \"peak_sessions\": {peak}}}",
        events as f64 / wall
    );
}
