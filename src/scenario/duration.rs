//! Durations written as text: `"20m"`, `"1h30m"`, `"7d"`, `"90s"`, `"250ms"`, `"1.5h"`, `"2w"`.
//!
//! Scenario files never carry bare numbers for time, so a reader always sees the unit.

use crate::engine::time::{DAY, HOUR, MILLISECOND, MINUTE, SECOND, SimTime, WEEK};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A non-negative span of simulated time, parsed from text such as `"1h30m"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Duration(pub SimTime);

/// What the parser accepts, quoted in every error message.
pub const DURATION_HELP: &str =
    "a duration like \"90s\", \"20m\", \"1h30m\", \"7d\" (units: ms, s, m, h, d, w)";

impl Duration {
    /// Clock ticks (milliseconds).
    pub fn ticks(self) -> SimTime {
        self.0
    }

    /// Parses `"1h30m"`-style text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let s = text.trim();
        if s.is_empty() {
            return Err(format!("empty duration; expected {DURATION_HELP}"));
        }
        let bad = || format!("\"{text}\" is not {DURATION_HELP}");
        let mut total: f64 = 0.0;
        let mut rest = s;
        while !rest.is_empty() {
            let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
            if num_len == 0 {
                return Err(bad());
            }
            let value: f64 = rest[..num_len].parse().map_err(|_| bad())?;
            rest = &rest[num_len..];
            let unit_len =
                rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
            let unit = unit_of(&rest[..unit_len]).ok_or_else(bad)?;
            rest = &rest[unit_len..];
            total += value * unit as f64;
        }
        if !total.is_finite() || total > (u64::MAX / 2) as f64 {
            return Err(format!("\"{text}\" is too long a duration"));
        }
        Ok(Duration(total.round() as SimTime))
    }
}

fn unit_of(unit: &str) -> Option<SimTime> {
    Some(match unit {
        "ms" => MILLISECOND,
        "s" => SECOND,
        "m" | "min" => MINUTE,
        "h" => HOUR,
        "d" => DAY,
        "w" => WEEK,
        _ => return None,
    })
}

impl fmt::Display for Duration {
    /// Canonical text: largest units first, e.g. `1h30m`; `0s` for zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = self.0;
        if t == 0 {
            return write!(f, "0s");
        }
        for (unit, name) in [(DAY, "d"), (HOUR, "h"), (MINUTE, "m"), (SECOND, "s"), (1, "ms")] {
            if t >= unit {
                write!(f, "{}{}", t / unit, name)?;
                t %= unit;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)
            .map_err(|_| serde::de::Error::custom(format!("expected {DURATION_HELP}")))?;
        Duration::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_compound_and_fractional_durations() {
        assert_eq!(Duration::parse("20m").unwrap().0, 20 * MINUTE);
        assert_eq!(Duration::parse("1h30m").unwrap().0, 90 * MINUTE);
        assert_eq!(Duration::parse("7d").unwrap().0, 7 * DAY);
        assert_eq!(Duration::parse("1.5h").unwrap().0, 90 * MINUTE);
        assert_eq!(Duration::parse("250ms").unwrap().0, 250);
        assert_eq!(Duration::parse("2w").unwrap().0, 14 * DAY);
    }

    #[test]
    fn rejects_text_without_units_or_with_unknown_units() {
        for bad in ["", "20", "m", "5 parsecs", "-5m", "1h-3m", "1..5h"] {
            assert!(Duration::parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn display_round_trips() {
        for text in ["1d2h3m4s5ms", "0s", "45m", "7d"] {
            let d = Duration::parse(text).unwrap();
            assert_eq!(Duration::parse(&d.to_string()).unwrap(), d);
        }
        assert_eq!(Duration::parse("90m").unwrap().to_string(), "1h30m");
    }
}
