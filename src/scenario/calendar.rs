//! The `start_date` key: the calendar date of the run's first Monday, so that outputs can
//! print real dates (`Tue 2026-03-03 22:05`) instead of weekdays alone (`Tue 22:05`).
//!
//! Simulated time zero is always a Monday at 00:00 (workload profiles and weekday instants
//! rely on it), so the date must be a Monday.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer};

/// The date of simulated time zero (a Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartDate(pub NaiveDate);

/// What the key accepts, quoted in errors.
pub const START_DATE_HELP: &str = "a Monday as YYYY-MM-DD (the run starts Monday 00:00)";

impl StartDate {
    /// Parses `YYYY-MM-DD`, which must fall on a Monday.
    pub fn parse(text: &str) -> Result<Self, String> {
        let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| format!("\"{text}\" is not a date; expected {START_DATE_HELP}"))?;
        if date.weekday() != Weekday::Mon {
            return Err(format!(
                "\"{text}\" is a {:?}; expected {START_DATE_HELP}",
                date.weekday()
            ));
        }
        Ok(StartDate(date))
    }
}

impl<'de> Deserialize<'de> for StartDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)
            .map_err(|_| serde::de::Error::custom(format!("expected {START_DATE_HELP}")))?;
        StartDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_mondays_are_start_dates() {
        assert!(StartDate::parse("2026-03-02").is_ok(), "2 March 2026 is a Monday");
        assert!(StartDate::parse("2026-03-03").unwrap_err().contains("Tue"));
        assert!(StartDate::parse("2026-02-30").is_err());
        assert!(StartDate::parse("next monday").is_err());
    }
}
