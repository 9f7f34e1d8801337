//! `[[windows]]`: named stretches of clock time (`from = "08:00", to = "09:00",
//! days = "weekdays"`) whose interval metrics are reported on their own — the morning storm's
//! failure rate, not one diluted by the rest of the week.

use super::instant::TimeOfDay;
use serde::Deserialize;

/// Most windows in one scenario.
pub const MAX_WINDOWS: usize = 20;

/// One window.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    /// Its name, used as the key in outputs and as `metric[name]` in goals.
    pub name: String,
    /// Start, as a time of day.
    pub from: TimeOfDay,
    /// End (excluded), as a time of day; equal to `from`: the whole day; earlier than `from`:
    /// the window runs past midnight.
    pub to: TimeOfDay,
    /// Which days it covers (by the day the window starts).
    #[serde(default)]
    pub days: WindowDays,
}

/// The days a window covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowDays {
    /// Every day.
    #[default]
    Daily,
    /// Monday to Friday.
    Weekdays,
    /// Saturday and Sunday.
    Weekends,
}
