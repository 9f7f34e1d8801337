//! Simulated time: integer milliseconds since the start of the run.
//!
//! Integer time keeps event order exact and portable: two runs never disagree about which of
//! two events came first because of floating-point rounding. Time zero is Monday 00:00, so
//! daily and weekly workload profiles line up with the clock.

/// A point in simulated time, in milliseconds since the start of the run (Monday 00:00).
pub type SimTime = u64;

/// One millisecond, the clock's resolution.
pub const MILLISECOND: SimTime = 1;
/// One second.
pub const SECOND: SimTime = 1_000;
/// One minute.
pub const MINUTE: SimTime = 60 * SECOND;
/// One hour.
pub const HOUR: SimTime = 60 * MINUTE;
/// One day.
pub const DAY: SimTime = 24 * HOUR;
/// One week.
pub const WEEK: SimTime = 7 * DAY;

/// Hour of the day (0..24) at time `t`.
pub fn hour_of_day(t: SimTime) -> usize {
    ((t % DAY) / HOUR) as usize
}

/// Day of the week at time `t`: 0 is Monday, 6 is Sunday.
pub fn day_of_week(t: SimTime) -> usize {
    ((t % WEEK) / DAY) as usize
}

/// True on Saturday and Sunday.
pub fn is_weekend(t: SimTime) -> bool {
    day_of_week(t) >= 5
}

/// Converts a duration in (possibly fractional) seconds to clock ticks, rounding to the
/// nearest millisecond and saturating instead of overflowing.
pub fn from_secs_f64(secs: f64) -> SimTime {
    if secs.is_nan() || secs <= 0.0 {
        return 0;
    }
    let ms = (secs * SECOND as f64).round();
    if ms >= u64::MAX as f64 { u64::MAX } else { ms as SimTime }
}

/// Converts clock ticks to seconds.
pub fn to_secs_f64(t: SimTime) -> f64 {
    t as f64 / SECOND as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_helpers_follow_monday_start() {
        assert_eq!(day_of_week(0), 0);
        assert_eq!(day_of_week(5 * DAY + HOUR), 5);
        assert!(is_weekend(6 * DAY));
        assert!(!is_weekend(WEEK));
        assert_eq!(hour_of_day(DAY + 9 * HOUR + 59 * MINUTE), 9);
    }

    #[test]
    fn seconds_round_to_the_millisecond() {
        assert_eq!(from_secs_f64(1.0004), 1_000);
        assert_eq!(from_secs_f64(1.0006), 1_001);
        assert_eq!(from_secs_f64(-3.0), 0);
        assert_eq!(from_secs_f64(f64::INFINITY), u64::MAX);
    }
}
