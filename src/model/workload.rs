//! The workload at run time: arrival processes that yield login times, and samplers for
//! session lengths. Built from the scenario's `[workload]` table.

use crate::engine::SimTime;
use crate::engine::rng::SimRng;
use crate::engine::time::{DAY, HOUR, MINUTE, is_weekend};
use crate::scenario::{StormDays, StormShape};
use rand::RngExt;
use rand_distr::{Distribution, Exp1, LogNormal, StandardNormal};

/// An arrival process as configured: rates per millisecond, times as [`SimTime`].
#[derive(Debug, Clone)]
pub enum ArrivalKind {
    /// Poisson logins at `rate` per millisecond.
    Poisson {
        /// Logins per millisecond.
        rate: f64,
    },
    /// Poisson logins whose rate (per millisecond) changes every hour of the day.
    Profile {
        /// Rates of Monday to Friday.
        weekday: Box<[f64; 24]>,
        /// Rates of Saturday and Sunday.
        weekend: Box<[f64; 24]>,
    },
    /// `users` logins spread over `window` from `start`, once, daily or on weekdays.
    Storm {
        /// Logins per storm.
        users: u32,
        /// The first storm's start.
        start: SimTime,
        /// Its length.
        window: SimTime,
        /// How logins spread over the window.
        shape: StormShape,
        /// When it repeats.
        days: StormDays,
    },
}

/// A source of login times. Each process keeps at most one pending arrival in the event queue,
/// so the queue does not grow with the number of users or the length of the run.
pub enum ArrivalProcess {
    /// Constant-rate Poisson logins.
    Poisson {
        /// Logins per millisecond.
        rate: f64,
    },
    /// Poisson logins whose rate is constant within each hour of day.
    Profile {
        /// Logins per millisecond, per hour of a weekday.
        weekday: Box<[f64; 24]>,
        /// Logins per millisecond, per hour of a weekend day.
        weekend: Box<[f64; 24]>,
    },
    /// A login storm, possibly repeated daily or on weekdays.
    Storm(Storm),
}

/// The state of a storm process.
pub struct Storm {
    users: u32,
    window: SimTime,
    shape: StormShape,
    days: StormDays,
    /// Login times of the current occurrence, latest first (popped from the end).
    pending: Vec<SimTime>,
    /// Start of the next occurrence not yet generated.
    next_occurrence: Option<SimTime>,
}

impl ArrivalProcess {
    /// Builds the process for a resolved arrival kind.
    pub fn new(kind: &ArrivalKind) -> Self {
        match kind {
            ArrivalKind::Poisson { rate } => ArrivalProcess::Poisson { rate: *rate },
            ArrivalKind::Profile { weekday, weekend } => {
                ArrivalProcess::Profile { weekday: weekday.clone(), weekend: weekend.clone() }
            }
            &ArrivalKind::Storm { users, start, window, shape, days } => {
                ArrivalProcess::Storm(Storm {
                    users,
                    window,
                    shape,
                    days,
                    pending: Vec::new(),
                    next_occurrence: Some(first_storm_day(start, days)),
                })
            }
        }
    }

    /// The time of the next login at or after `now`; `None` when the process has no more.
    pub fn next_after(&mut self, now: SimTime, rng: &mut SimRng) -> Option<SimTime> {
        match self {
            ArrivalProcess::Poisson { rate } => Some(now + exp_gap(*rate, rng)),
            ArrivalProcess::Profile { weekday, weekend } => {
                next_profile(now, weekday, weekend, rng)
            }
            ArrivalProcess::Storm(storm) => storm.next(now, rng),
        }
    }
}

/// An exponential inter-arrival gap for `rate` per millisecond, in whole milliseconds.
fn exp_gap(rate: f64, rng: &mut SimRng) -> SimTime {
    let x: f64 = Exp1.sample(rng);
    whole_ms(x / rate)
}

/// `x.round() as SimTime` (to the nearest millisecond, halves away from zero, negative and NaN
/// to 0, saturating), without the libm call `round` is on the baseline x86-64 target: every
/// draw goes through here. Exact for every `f64`: below 2^53 the truncation and `x` minus it
/// are exact, above it `x` is whole.
fn whole_ms(x: f64) -> SimTime {
    let t = x as SimTime;
    if x - t as f64 >= 0.5 { t.saturating_add(1) } else { t }
}

/// Non-homogeneous Poisson with hourly steps: draw within the current hour at its rate; past
/// the hour's end, restart at the boundary with the next rate (exact, by memorylessness).
fn next_profile(
    now: SimTime,
    weekday: &[f64; 24],
    weekend: &[f64; 24],
    rng: &mut SimRng,
) -> Option<SimTime> {
    let mut t = now;
    // Two weeks of zero-rate hours means the profile never fires again.
    for _ in 0..(14 * 24) {
        let hour_end = (t / HOUR + 1) * HOUR;
        let profile = if is_weekend(t) { weekend } else { weekday };
        let rate = profile[crate::engine::time::hour_of_day(t)];
        if rate > 0.0 {
            let x: f64 = Exp1.sample(rng);
            let candidate = t as f64 + x / rate;
            if candidate < hour_end as f64 {
                return Some(whole_ms(candidate));
            }
        }
        t = hour_end;
    }
    None
}

/// The first storm day at or after `start` on which the storm may happen.
fn first_storm_day(start: SimTime, days: StormDays) -> SimTime {
    let mut t = start;
    if days == StormDays::Weekdays {
        while is_weekend(t) {
            t += DAY;
        }
    }
    t
}

impl Storm {
    fn next(&mut self, now: SimTime, rng: &mut SimRng) -> Option<SimTime> {
        loop {
            if let Some(t) = self.pending.pop() {
                return Some(t.max(now));
            }
            let occurrence = self.next_occurrence?;
            self.generate(occurrence, rng);
            self.next_occurrence = match self.days {
                StormDays::Once => None,
                StormDays::Daily => Some(occurrence + DAY),
                StormDays::Weekdays => Some(first_storm_day(occurrence + DAY, StormDays::Weekdays)),
            };
        }
    }

    /// Draws the login times of one occurrence starting at `start`.
    fn generate(&mut self, start: SimTime, rng: &mut SimRng) {
        let w = self.window as f64;
        self.pending = (0..self.users)
            .map(|_| {
                let offset = match self.shape {
                    StormShape::Uniform => rng.random::<f64>() * w,
                    StormShape::Normal => loop {
                        let z: f64 = StandardNormal.sample(rng);
                        let x = w / 2.0 + z * w / 6.0;
                        if (0.0..w).contains(&x) {
                            break x;
                        }
                    },
                };
                start + offset as SimTime
            })
            .collect();
        self.pending.sort_unstable_by(|a, b| b.cmp(a));
    }
}

/// Draws session (or disconnection) lengths.
pub enum Sampler {
    /// Always the same.
    Fixed(SimTime),
    /// Exponential with this mean (ms).
    Exponential(f64),
    /// Lognormal.
    Lognormal(LogNormal<f64>),
    /// Uniform in [min, max] (ms).
    Uniform(SimTime, SimTime),
    /// Until a time of day, with a normal spread (ms).
    Until { time: SimTime, sd: f64 },
}

/// The shortest session the `until` shape produces.
const MIN_UNTIL_SESSION: SimTime = MINUTE;

impl Sampler {
    /// A length for a session starting at `now`.
    pub fn sample(&self, now: SimTime, rng: &mut SimRng) -> SimTime {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Exponential(mean) => {
                let x: f64 = Exp1.sample(rng);
                whole_ms(x * mean)
            }
            Sampler::Lognormal(d) => whole_ms(d.sample(rng)),
            Sampler::Uniform(lo, hi) => rng.random_range(*lo..=*hi),
            Sampler::Until { time, sd } => {
                let z: f64 = if *sd > 0.0 { StandardNormal.sample(rng) } else { 0.0 };
                let leave = ((now / DAY) * DAY + time) as f64 + z * sd;
                let length = leave - now as f64;
                whole_ms(length).max(MIN_UNTIL_SESSION)
            }
        }
    }

    /// The mean length, where it does not depend on the time of day.
    pub fn mean(&self) -> Option<f64> {
        match self {
            Sampler::Fixed(v) => Some(*v as f64),
            Sampler::Exponential(m) => Some(*m),
            Sampler::Lognormal(_) | Sampler::Until { .. } => None,
            Sampler::Uniform(lo, hi) => Some((*lo + *hi) as f64 / 2.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    #[test]
    fn whole_ms_rounds_exactly_as_round_does() {
        // Every output is a function of these roundings: the fast form must agree bit for bit
        // with `round` then a saturating cast, at halves, near them, at the edges of the
        // exact integers and of u64, and on draws spread over many magnitudes.
        let mut xs = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            -1.5,
            0.49999999999999994,
            4503599627370495.5,
            4503599627370496.0,
            9007199254740993.0,
            1.8446744073709552e19,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
        ];
        let mut rng = stream(11, 0, 0);
        for _ in 0..200_000 {
            let x: f64 = Exp1.sample(&mut rng);
            let scale = 10f64.powi(rng.random_range(-3..19));
            xs.push(x * scale);
            xs.push((x * scale).floor() + 0.5);
        }
        for x in xs {
            assert_eq!(whole_ms(x), x.round() as SimTime, "{x:e}");
        }
    }

    #[test]
    fn poisson_rate_is_respected() {
        let mut p = ArrivalProcess::new(&ArrivalKind::Poisson { rate: 60.0 / HOUR as f64 });
        let mut rng = stream(9, 0, 1);
        let (mut t, mut n) = (0, 0);
        while let Some(next) = p.next_after(t, &mut rng) {
            if next > 1000 * HOUR {
                break;
            }
            t = next;
            n += 1;
        }
        // 60 000 expected; 5 sigma is about 1 225.
        assert!((58_800..61_200).contains(&n), "{n}");
    }

    #[test]
    fn profile_logins_fall_only_in_open_hours() {
        let mut per_hour = vec![0.0; 24];
        per_hour[9] = 100.0;
        let rates = |v: &[f64]| Box::new(std::array::from_fn(|h| v[h] / HOUR as f64));
        let spec = ArrivalKind::Profile { weekday: rates(&per_hour), weekend: rates(&[0.0; 24]) };
        let mut p = ArrivalProcess::new(&spec);
        let mut rng = stream(9, 0, 2);
        let mut t = 0;
        for _ in 0..2000 {
            t = p.next_after(t, &mut rng).unwrap();
            assert_eq!(crate::engine::time::hour_of_day(t), 9);
            assert!(!is_weekend(t));
        }
    }

    #[test]
    fn normal_storm_puts_about_forty_percent_in_the_middle_sixth() {
        let spec = ArrivalKind::Storm {
            users: 6000,
            start: 8 * HOUR,
            window: HOUR,
            shape: StormShape::Normal,
            days: StormDays::Once,
        };
        let mut p = ArrivalProcess::new(&spec);
        let mut rng = stream(9, 0, 3);
        let mut times = vec![];
        let mut t = 0;
        while let Some(next) = p.next_after(t, &mut rng) {
            times.push(next);
            t = next;
        }
        assert_eq!(times.len(), 6000);
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        let mid = times
            .iter()
            .filter(|&&x| (8 * HOUR + 25 * MINUTE..8 * HOUR + 35 * MINUTE).contains(&x));
        let share = mid.count() as f64 / 6000.0;
        assert!((0.36..0.44).contains(&share), "{share}");
    }

    #[test]
    fn until_sessions_end_near_the_leaving_time() {
        let s = Sampler::Until { time: 17 * HOUR, sd: 0.0 };
        let mut rng = stream(0, 0, 0);
        assert_eq!(s.sample(DAY + 9 * HOUR, &mut rng), 8 * HOUR);
        assert_eq!(s.sample(DAY + 18 * HOUR, &mut rng), MIN_UNTIL_SESSION);
    }
}
