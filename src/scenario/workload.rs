//! The `[workload]` table: who logs in, when, and for how long.

use super::duration::Duration;
use super::instant::{At, TimeOfDay};
use serde::Deserialize;

/// The `[workload]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSpec {
    /// Size of the named user population (`user0001`…). Absent: an unbounded population, every
    /// login by a new user (the classic loss-system arrival stream).
    pub users: Option<i64>,
    /// When logins happen: one arrival process or a list of them, superposed.
    #[serde(default)]
    pub arrivals: Arrivals,
    /// How long a user stays connected (active time per connection). Required without a
    /// replay; with one, it is the length of a login the log saw fail and the simulated pool
    /// accepts (default: the log's mean connection).
    pub session: Option<SessionDist>,
    /// Optional disconnect-then-reconnect behaviour.
    pub reconnect: Option<ReconnectSpec>,
    /// Optional: a user signed out by the service (an update's forced log-off) signs in
    /// again with `probability`, `after` a delay, to finish the planned session.
    pub relogin: Option<ReconnectSpec>,
    /// Optional logon duration: a login holds its slot from placement and the desktop is
    /// ready after this time (checked in `validate/users.rs`).
    pub logon: Option<SessionDist>,
    /// Optional: a refused user tries again (checked in `validate/users.rs`).
    pub retry: Option<RetrySpec>,
    /// Optional: the chance that a named user logs in at all on a given day.
    pub attendance: Option<f64>,
    /// Replay a connection log instead of arrivals (see `scenario/replay.rs`).
    pub replay: Option<super::connection_log::ReplaySpec>,
}

/// One arrival process or several.
#[derive(Debug, Clone)]
pub enum Arrivals {
    /// A single process.
    One(ArrivalSpec),
    /// Several processes whose logins add up.
    Many(Vec<ArrivalSpec>),
}

impl<'de> Deserialize<'de> for Arrivals {
    /// A table is one process, an array several; errors name the item and say what is wrong
    /// (serde's untagged enums would only say that nothing matched).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(d)? {
            toml::Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    ArrivalSpec::deserialize(item)
                        .map_err(|e| D::Error::custom(format!("item {i}: {}", e.message())))
                })
                .collect::<Result<_, _>>()
                .map(Arrivals::Many),
            one => ArrivalSpec::deserialize(one)
                .map(Arrivals::One)
                .map_err(|e| D::Error::custom(e.message())),
        }
    }
}

impl Default for Arrivals {
    /// None: a replay brings its own logins.
    fn default() -> Self {
        Arrivals::Many(Vec::new())
    }
}

impl Arrivals {
    /// The processes as a slice.
    pub fn as_slice(&self) -> &[ArrivalSpec] {
        match self {
            Arrivals::One(a) => std::slice::from_ref(a),
            Arrivals::Many(v) => v,
        }
    }
}

/// An arrival process.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ArrivalSpec {
    /// Poisson logins at a constant rate.
    Poisson {
        /// Mean logins per hour.
        rate_per_hour: f64,
    },
    /// Poisson logins whose rate follows the hour of day (piecewise constant).
    Profile {
        /// 24 values: logins per hour for each hour of a weekday (00–01, 01–02, …).
        per_hour: Vec<f64>,
        /// 24 values for Saturday and Sunday; absent: weekends follow `per_hour`.
        weekend: Option<Vec<f64>>,
    },
    /// A login storm: `users` logins within a window.
    Storm {
        /// Logins in each storm.
        users: i64,
        /// Start of the window (offset, time of day, or weekday and time).
        start: At,
        /// Length of the window.
        window: Duration,
        /// How logins spread over the window.
        #[serde(default)]
        shape: StormShape,
        /// Which days repeat the storm at the same time of day.
        #[serde(default)]
        days: StormDays,
    },
}

/// The spread of a storm's logins over its window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StormShape {
    /// Normal with the window as ±3σ, truncated to it (planning guidance: ~40 % of logins in
    /// the middle sixth).
    #[default]
    Normal,
    /// Uniform over the window.
    Uniform,
}

/// On which days a storm happens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StormDays {
    /// Once, at `start`.
    #[default]
    Once,
    /// Every day at `start`'s time of day.
    Daily,
    /// Monday to Friday at `start`'s time of day.
    Weekdays,
}

/// A session-length distribution.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum SessionDist {
    /// Always the same length.
    Fixed {
        /// The length.
        value: Duration,
    },
    /// Exponential with the given mean.
    Exponential {
        /// The mean.
        mean: Duration,
    },
    /// Lognormal with the given mean and standard deviation.
    Lognormal {
        /// The mean.
        mean: Duration,
        /// The standard deviation.
        sd: Duration,
    },
    /// Uniform between two lengths.
    Uniform {
        /// The shortest.
        min: Duration,
        /// The longest.
        max: Duration,
    },
    /// The workday shape: the session lasts until a time of day (e.g. 17:00), give or take a
    /// normal spread; at least one minute.
    Until {
        /// When users leave.
        time: TimeOfDay,
        /// Standard deviation of the leaving time.
        #[serde(default)]
        sd: Duration,
    },
}

/// Disconnect-then-reconnect behaviour: when a connection's active time ends, the user
/// disconnects (the session stays on its host and counts toward its limit) with
/// `probability`, and reconnects to the same session after `after`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReconnectSpec {
    /// Chance that a connection ends in a disconnect rather than a log-off.
    pub probability: f64,
    /// Time spent disconnected before reconnecting.
    pub after: SessionDist,
}

/// Most attempts a user makes (the first one included).
pub const MAX_ATTEMPTS: i64 = 100;

/// `workload.retry = { attempts = 3, after = { dist = "exponential", mean = "2m" } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Attempts in all, the first included: 1 means a refused user gives up at once.
    pub attempts: i64,
    /// Time between a refusal and the next attempt.
    pub after: SessionDist,
}
