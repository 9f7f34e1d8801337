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

/// A time axis in clock time: ticks at round numbers of `unit`, labelled `Tue 22:00`.
#[derive(Debug, Clone, Copy)]
pub struct ClockAxis {
    /// How times are written (with the scenario's start date, when known).
    pub clock: crate::output::Clock,
    /// The axis unit.
    pub unit: TimeUnit,
}

impl ClockAxis {
    /// The tick label at `x` axis units.
    pub fn label(&self, x: f64) -> String {
        if x < 0.0 { String::new() } else { self.clock.label_secs(x * self.unit.seconds) }
    }

    /// The axis title: the week's first day when the date is known.
    pub fn title(&self) -> String {
        match self.clock.start_date {
            Some(d) => format!("clock time (the run starts Mon {d} 00:00)"),
            None => "clock time (the run starts Monday 00:00)".to_string(),
        }
    }
}

/// Dashed pieces of the straight line from `a` to `b`: plotters 0.3.7's dashed series draws
/// in pixels, which the SVG and PNG backends share, so both pictures get the same dashes.
pub fn dashes(a: (f64, f64), b: (f64, f64), pieces: usize) -> Vec<Vec<(f64, f64)>> {
    let at = |t: f64| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
    let n = pieces.max(1) as f64;
    (0..pieces.max(1)).map(|k| vec![at(k as f64 / n), at((k as f64 + 0.55) / n)]).collect()
}

/// Labels whole numbers only, for axes of counts (hosts, sessions, logins).
pub fn whole(y: &f64) -> String {
    if y.fract() == 0.0 { format!("{y:.0}") } else { String::new() }
}

/// The unit of a metric, from its name, for axis labels.
pub fn metric_unit(metric: &str) -> &'static str {
    if metric.ends_with("_rate") {
        "%"
    } else if metric.ends_with("availability") {
        "% of time"
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
