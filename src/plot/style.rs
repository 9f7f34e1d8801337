//! Shared looks: colours, text sizes and the time axis unit.

use super::canvas::err;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Title size in pixels.
pub const TITLE: u32 = 26;
/// Panel caption size.
pub const CAPTION: u32 = 20;
/// Axis labels and legends.
pub const LABEL: u32 = 15;

/// Hosts accepting sessions.
pub const AVAILABLE: RGBColor = RGBColor(44, 160, 44);
/// Hosts in drain mode.
pub const DRAINING: RGBColor = RGBColor(255, 159, 28);
/// Hosts being updated.
pub const UPDATING: RGBColor = RGBColor(123, 82, 180);
/// Hosts not available.
pub const UNAVAILABLE: RGBColor = RGBColor(214, 39, 40);
/// Active sessions.
pub const ACTIVE: RGBColor = RGBColor(31, 119, 180);
/// Disconnected sessions.
pub const DISCONNECTED: RGBColor = RGBColor(127, 127, 127);
/// The update window's shade.
pub const WINDOW: RGBColor = RGBColor(255, 214, 102);

/// Distinct line colours for series (the common "tab10" set).
pub const SERIES: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];

/// A unit of simulated time for an axis.
#[derive(Debug, Clone, Copy)]
pub struct TimeUnit {
    /// Seconds per unit.
    pub seconds: f64,
    /// Name for the axis label.
    pub name: &'static str,
}

impl TimeUnit {
    /// Minutes for spans up to 3 h, hours up to 3 days, days beyond.
    pub fn for_span(span_s: f64) -> Self {
        if span_s <= 3.0 * 3600.0 {
            TimeUnit { seconds: 60.0, name: "min" }
        } else if span_s <= 3.0 * 86_400.0 {
            TimeUnit { seconds: 3600.0, name: "h" }
        } else {
            TimeUnit { seconds: 86_400.0, name: "days" }
        }
    }
}

/// The unit of a metric, from its name, for axis labels.
pub fn metric_unit(metric: &str) -> &'static str {
    if metric.ends_with("_rate") {
        "share, 0–1"
    } else if metric.ends_with("availability") {
        "share of time, 0–1"
    } else if metric.ends_with("_minutes") {
        "minutes"
    } else if metric.ends_with("_seconds") || metric.ends_with("_s") {
        "seconds"
    } else if metric.contains("slots") {
        "session slots"
    } else if metric.contains("sessions") {
        "sessions"
    } else {
        "count"
    }
}

/// The font family of every text (see [`super::font`]).
pub fn font_family() -> &'static str {
    super::font::FAMILY
}

/// The unit of a swept scenario key, from its name, for axis labels; `None` when unknown.
pub fn param_unit(path: &str) -> Option<&'static str> {
    let key = path.rsplit('.').next().unwrap_or(path);
    match key {
        "hosts" => Some("hosts"),
        "max_sessions" => Some("sessions per host"),
        "batch_size" => Some("hosts per batch"),
        "rate_per_hour" => Some("logins per hour"),
        _ => None,
    }
}

/// A chart with numeric axes, the kind every poolsim picture draws.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws a chart's legend the same way on every picture: upper right, on a light box.
pub fn legend<'a, DB: DrawingBackend + 'a>(chart: &mut Chart<'a, DB>) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(160, 160, 160))
        .label_font((font_family(), LABEL))
        .draw()
        .map_err(err)
}
