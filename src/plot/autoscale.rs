//! `autoscale.png`: one day of a scaled pool — hosts running and starting, and sessions against
//! the session slots of the open hosts — with the scaling phases shaded. Drawn from
//! `timeseries.csv` when it has the `phase` column (a scenario with `[autoscale]`).
//!
//! The day shown is the first weekday of the run with a phase other than off-peak (the run
//! starts on a Monday), so the morning ramp-up and the storm are in view.

use super::canvas::{Figure, err};
use super::records::Records;
use super::style::{self, Chart};
use plotters::coord::Shift;
use plotters::prelude::*;

const DAY_S: f64 = 86_400.0;

/// The phases and their shading, in daily order.
const PHASES: [(&str, &str, RGBColor); 4] = [
    ("ramp_up", "ramp-up", RGBColor(255, 224, 130)),
    ("peak", "peak", RGBColor(255, 170, 150)),
    ("ramp_down", "ramp-down", RGBColor(160, 200, 240)),
    ("off_peak", "off-peak", RGBColor(225, 225, 225)),
];

/// The data of the picture: one day of bins.
pub struct AutoscaleFigure {
    /// Bin starts, in hours since the day's start.
    hours: Vec<f64>,
    bin_h: f64,
    running: Vec<f64>,
    starting: Vec<f64>,
    sessions: Vec<f64>,
    slots: Vec<f64>,
    phase: Vec<String>,
    day: usize,
}

impl AutoscaleFigure {
    /// Reads `timeseries.csv`; `None` when it has no phases (no scaler).
    pub fn from_csv(ts: &[u8]) -> Result<Option<Self>, String> {
        let rec = Records::parse(ts)?;
        let Some(phase_col) = rec.column("phase") else { return Ok(None) };
        let time = rec.numbers("time_s").ok_or("no time_s column")?;
        let col = |name: &str| rec.numbers(name).ok_or(format!("no {name} column"));
        let (running, starting) = (col("hosts_running")?, col("hosts_starting")?);
        let (active, disc, free) =
            (col("sessions_active")?, col("sessions_disconnected")?, col("slots_free")?);
        let phase: Vec<String> =
            (0..rec.len()).map(|r| rec.text(r, phase_col).to_string()).collect();
        if time.len() < 2 || phase.iter().all(String::is_empty) {
            return Ok(None);
        }
        let bin = time[1] - time[0];
        let active_day = |d: usize| {
            (0..time.len()).any(|i| (time[i] / DAY_S) as usize == d && phase[i] != "off_peak")
        };
        let days = (time[time.len() - 1] / DAY_S) as usize + 1;
        let day = (0..days).find(|&d| active_day(d)).unwrap_or(0);
        let rows: Vec<usize> =
            (0..time.len()).filter(|&i| (time[i] / DAY_S) as usize == day).collect();
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let sessions: Vec<f64> = rows.iter().map(|&i| active[i] + disc[i]).collect();
        Ok(Some(Self {
            hours: rows.iter().map(|&i| (time[i] - day as f64 * DAY_S) / 3600.0).collect(),
            bin_h: bin / 3600.0,
            running: pick(&running),
            starting: pick(&starting),
            slots: rows.iter().zip(&sessions).map(|(&i, s)| free[i] + s).collect(),
            sessions,
            phase: rows.iter().map(|&i| phase[i].clone()).collect(),
            day,
        }))
    }

    fn steps<'a>(&'a self, ys: &'a [f64]) -> impl Iterator<Item = (f64, f64)> + 'a {
        ys.iter().zip(&self.hours).flat_map(move |(&y, &h)| [(h, y), (h + self.bin_h, y)])
    }

    fn panel<'a, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        caption: &str,
        y_max: f64,
        y_desc: &str,
    ) -> Result<Chart<'a, DB>, String> {
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (style::font_family(), style::CAPTION))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(0.0..24.0, 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("hour of the day")
            .y_desc(y_desc)
            .x_labels(13)
            .x_label_formatter(&|x: &f64| format!("{x:.0}"))
            .y_label_formatter(&|y: &f64| format!("{y:.0}"))
            .label_style((style::font_family(), style::LABEL))
            .axis_desc_style((style::font_family(), style::LABEL))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        self.shade(&mut chart, y_max)?;
        Ok(chart)
    }

    /// Shades each run of bins in one phase, with one legend entry per phase shown.
    fn shade<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut Chart<'a, DB>,
        y_max: f64,
    ) -> Result<(), String> {
        for (name, label, color) in PHASES {
            let fill = color.mix(0.45).filled();
            let spans: Vec<_> = (0..self.hours.len())
                .filter(|&i| self.phase[i] == name)
                .map(|i| {
                    Rectangle::new(
                        [(self.hours[i], 0.0), (self.hours[i] + self.bin_h, y_max)],
                        fill,
                    )
                })
                .collect();
            if spans.is_empty() {
                continue;
            }
            chart
                .draw_series(spans)
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], fill));
        }
        Ok(())
    }

    fn line<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut Chart<'a, DB>,
        ys: &[f64],
        label: &str,
        color: RGBColor,
    ) -> Result<(), String> {
        chart
            .draw_series(LineSeries::new(self.steps(ys), color.stroke_width(2)))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
            });
        Ok(())
    }
}

fn top(series: &[&[f64]]) -> f64 {
    series.iter().flat_map(|s| s.iter().copied()).fold(1.0, f64::max)
}

impl Figure for AutoscaleFigure {
    fn size(&self) -> (u32, u32) {
        (1200, 800)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let title = format!("Autoscale over day {} of the run (replication 0)", self.day + 1);
        let root = root.titled(&title, (style::font_family(), style::TITLE)).map_err(err)?;
        let (upper, lower) = root.split_vertically(root.dim_in_pixel().1 / 2);
        let y = top(&[&self.running, &self.starting]) * 1.5;
        let mut chart = self.panel(&upper, "Hosts", y, "hosts")?;
        self.line(&mut chart, &self.running, "running", style::AVAILABLE)?;
        self.line(&mut chart, &self.starting, "starting", style::DRAINING)?;
        style::legend(&mut chart)?;
        let y = top(&[&self.sessions, &self.slots]) * 1.4;
        let mut chart = self.panel(&lower, "Sessions and capacity", y, "sessions")?;
        self.line(&mut chart, &self.slots, "session slots on open hosts", style::UPDATING)?;
        self.line(&mut chart, &self.sessions, "sessions", style::ACTIVE)?;
        style::legend(&mut chart)
    }
}
