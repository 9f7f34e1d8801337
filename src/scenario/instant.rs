//! Points in simulated time written as text: an offset from the start (`"2h"`, `"3d8h"`), a
//! time of day on the first day (`"08:00"`), or a weekday and time (`"tue 22:00"`, the first
//! such day; the run starts on a Monday at 00:00).

use super::duration::Duration;
use crate::engine::time::{DAY, HOUR, MINUTE, SimTime};
use serde::{Deserialize, Deserializer};

/// An absolute point in simulated time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct At(pub SimTime);

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// The full names, accepted as well as the three-letter forms.
const WEEKDAY_NAMES: [&str; 7] =
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// What the parser accepts, quoted in every error message.
pub const AT_HELP: &str = "an offset (e.g. \"2h\", \"3d8h\"), a time of day (\"08:00\") or a weekday and time (\"tue 22:00\")";

impl At {
    /// Parses an offset, `HH:MM`, or `<weekday> HH:MM`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let s = text.trim().to_ascii_lowercase();
        if let Some((day, clock)) = s.split_once(' ') {
            // Only a whole weekday name: "monkey" is not Monday.
            let d = weekday(day)
                .ok_or_else(|| format!("\"{text}\": unknown weekday; expected {AT_HELP}"))?;
            return Ok(At(d as SimTime * DAY + time_of_day(clock.trim(), text)?));
        }
        if s.contains(':') {
            return Ok(At(time_of_day(&s, text)?));
        }
        Duration::parse(&s).map(|d| At(d.0)).map_err(|_| format!("\"{text}\" is not {AT_HELP}"))
    }
}

/// The day number (Monday 0) of a three-letter or full weekday name.
fn weekday(word: &str) -> Option<usize> {
    WEEKDAYS
        .iter()
        .position(|w| *w == word)
        .or_else(|| WEEKDAY_NAMES.iter().position(|w| *w == word))
}

/// Parses `HH:MM` into an offset within a day.
pub fn time_of_day(clock: &str, original: &str) -> Result<SimTime, String> {
    let err = || format!("\"{original}\": expected a time of day HH:MM (00:00 to 23:59)");
    let (h, m) = clock.split_once(':').ok_or_else(err)?;
    let h: u64 = h.parse().map_err(|_| err())?;
    let m: u64 = m.parse().map_err(|_| err())?;
    if h > 23 || m > 59 {
        return Err(err());
    }
    Ok(h * HOUR + m * MINUTE)
}

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)
            .map_err(|_| serde::de::Error::custom(format!("expected {AT_HELP}")))?;
        At::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A time of day (`"17:00"`), as an offset within a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeOfDay(pub SimTime);

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)
            .map_err(|_| serde::de::Error::custom("expected a time of day \"HH:MM\""))?;
        time_of_day(text.trim(), &text).map(TimeOfDay).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offsets_times_of_day_and_weekdays() {
        assert_eq!(At::parse("2h").unwrap().0, 2 * HOUR);
        assert_eq!(At::parse("08:30").unwrap().0, 8 * HOUR + 30 * MINUTE);
        assert_eq!(At::parse("tue 22:00").unwrap().0, DAY + 22 * HOUR);
        assert_eq!(At::parse("Sunday 00:00").unwrap().0, 6 * DAY);
        assert_eq!(At::parse("Wednesday 01:00").unwrap().0, 2 * DAY + HOUR);
    }

    #[test]
    fn rejects_bad_clocks() {
        for bad in ["25:00", "12:60", "xyz 10:00", "noon", "8", "monkey 08:00", "sunny 10:00"] {
            assert!(At::parse(bad).is_err(), "{bad}");
        }
    }
}
