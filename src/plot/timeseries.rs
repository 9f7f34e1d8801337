//! `timeseries.png`: hosts by state (stacked) and sessions over time, with the update window
//! shaded — from `timeseries.csv`, and `update.csv` when an update ran. An update is short
//! beside a week-long run, so a third panel shows the hosts during the update window alone.

use super::canvas::{Figure, err};
use super::records::Records;
use super::style::{self, TimeUnit};
use super::update::update_window;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The host states stacked in the top panel, bottom to top; a state whose column the file
/// lacks (older runs have no update columns) is left out.
const HOST_STATES: [(&str, &str, RGBColor); 4] = [
    ("hosts_available", "available", style::AVAILABLE),
    ("hosts_draining", "draining", style::DRAINING),
    ("hosts_updating", "updating", style::UPDATING),
    ("hosts_unavailable", "unavailable", style::UNAVAILABLE),
];

/// A panel with time across and a quantity up.
use super::style::Chart;

/// The data of the picture.
pub struct TimeseriesFigure {
    /// Bin edges in seconds: one more than the rows.
    edges: Vec<f64>,
    hosts: Vec<(&'static str, RGBColor, Vec<f64>)>,
    sessions: Vec<(&'static str, RGBColor, Vec<f64>)>,
    /// The update window, in seconds.
    window: Option<(f64, f64)>,
}

/// The stretch of time a panel shows, and its unit.
#[derive(Clone, Copy)]
struct View {
    unit: TimeUnit,
    /// Start and end, in seconds.
    from: f64,
    to: f64,
}

impl View {
    fn over(from: f64, to: f64) -> Self {
        View { unit: TimeUnit::for_span(to - from), from, to }
    }

    fn x(&self, seconds: f64) -> f64 {
        seconds / self.unit.seconds
    }
}

impl TimeseriesFigure {
    /// Reads `timeseries.csv` (columns by name) and, when given, `update.csv` for the window.
    pub fn from_csv(ts: &[u8], update: Option<&[u8]>) -> Result<Self, String> {
        let rec = Records::parse(ts)?;
        let time = rec.numbers("time_s").ok_or("no time_s column")?;
        if time.is_empty() {
            return Err("no rows".into());
        }
        let bin = if time.len() > 1 { time[1] - time[0] } else { 1.0 };
        let end = time[time.len() - 1] + bin;
        let mut edges = time.clone();
        edges.push(end);
        let mut hosts: Vec<_> = HOST_STATES
            .iter()
            .filter_map(|(col, label, c)| rec.numbers(col).map(|v| (*label, *c, v)))
            .collect();
        if let (Some(old), Some(new)) = (rec.numbers("hosts_old"), rec.numbers("hosts_new")) {
            let total: Vec<f64> = old.iter().zip(&new).map(|(o, n)| o + n).collect();
            separate_updating(&mut hosts, &total);
        }
        if hosts.is_empty() {
            return Err("no host state column (hosts_available…)".into());
        }
        let sessions: Vec<_> = [
            ("sessions_active", "active sessions", style::ACTIVE),
            ("sessions_disconnected", "disconnected sessions", style::DISCONNECTED),
        ]
        .iter()
        .filter_map(|(col, label, c)| rec.numbers(col).map(|v| (*label, *c, v)))
        .collect();
        let window = match update.map(update_window).transpose()? {
            Some(Some(w)) => Some(w),
            _ => updating_window(&time, bin, rec.numbers("hosts_updating").as_deref()),
        };
        Ok(TimeseriesFigure { edges, hosts, sessions, window })
    }

    /// The whole run.
    fn whole_run(&self) -> View {
        View::over(0.0, self.edges.last().copied().unwrap_or(1.0))
    }

    /// The update window with a margin on each side, within the run.
    fn update_view(&self) -> Option<View> {
        let (a, b) = self.window?;
        let pad = ((b - a) * 0.15).max(300.0);
        Some(View::over((a - pad).max(0.0), (b + pad).min(self.whole_run().to)))
    }

    /// Step-shaped points of a gauge held over each bin, for the bins `view` shows.
    fn steps<'a>(&'a self, ys: &'a [f64], view: View) -> impl Iterator<Item = (f64, f64)> + 'a {
        ys.iter()
            .enumerate()
            .filter(move |(i, _)| self.edges[i + 1] >= view.from && self.edges[*i] <= view.to)
            .flat_map(move |(i, &y)| {
                let (a, b) = (self.edges[i].max(view.from), self.edges[i + 1].min(view.to));
                [(view.x(a), y), (view.x(b), y)]
            })
    }

    fn draw_hosts<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        caption: &str,
        view: View,
    ) -> Result<(), String> {
        let mut stacked: Vec<Vec<f64>> = Vec::new();
        for (_, _, v) in &self.hosts {
            let below = stacked.last();
            stacked
                .push(v.iter().enumerate().map(|(i, y)| y + below.map_or(0.0, |b| b[i])).collect());
        }
        let top = stacked.last().map_or(1.0, |t| t.iter().copied().fold(1.0, f64::max));
        let mut chart = self.panel(area, caption, view, top * 1.6, "hosts")?;
        self.shade(&mut chart, view, top * 1.6)?;
        // Drawn top layer first, so each lower layer paints over the part that is its own.
        for ((label, color, _), cum) in self.hosts.iter().zip(&stacked).rev() {
            let c = *color;
            chart
                .draw_series(
                    AreaSeries::new(self.steps(cum, view), 0.0, c.mix(0.85)).border_style(c),
                )
                .map_err(err)?
                .label(format!("{label} hosts"))
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], c.filled()));
        }
        style::legend(&mut chart)
    }

    fn draw_sessions<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        view: View,
    ) -> Result<(), String> {
        let top = self.sessions.iter().flat_map(|(_, _, v)| v.iter().copied()).fold(1.0, f64::max);
        let mut chart = self.panel(area, "Sessions", view, top * 1.3, "sessions")?;
        self.shade(&mut chart, view, top * 1.3)?;
        for (label, color, ys) in &self.sessions {
            let c = *color;
            chart
                .draw_series(LineSeries::new(self.steps(ys, view), c.stroke_width(2)))
                .map_err(err)?
                .label(*label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3))
                });
        }
        style::legend(&mut chart)
    }

    fn panel<'a, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        caption: &str,
        view: View,
        y_max: f64,
        y_desc: &str,
    ) -> Result<Chart<'a, DB>, String> {
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (style::font_family(), style::CAPTION))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(view.x(view.from)..view.x(view.to), 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(format!("time since run start ({})", view.unit.name))
            .y_desc(y_desc)
            .y_label_formatter(&whole)
            .label_style((style::font_family(), style::LABEL))
            .axis_desc_style((style::font_family(), style::LABEL))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        Ok(chart)
    }

    fn shade<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut Chart<'a, DB>,
        view: View,
        y_max: f64,
    ) -> Result<(), String> {
        let Some((a, b)) = self.window else { return Ok(()) };
        let (a, b) = (view.x(a.max(view.from)), view.x(b.min(view.to)));
        let shade = style::WINDOW.mix(0.35).filled();
        chart
            .draw_series(std::iter::once(Rectangle::new([(a, 0.0), (b, y_max)], shade)))
            .map_err(err)?
            .label("update window")
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], shade));
        Ok(())
    }
}

/// Hosts and sessions are whole numbers: label only whole ticks.
fn whole(y: &f64) -> String {
    if y.fract() == 0.0 { format!("{y:.0}") } else { String::new() }
}

/// Stacks must add up to the pool: where the states listed count more hosts than the pool
/// has (`hosts_old + hosts_new`), updating hosts were also counted as unavailable, so they
/// are taken out of that layer rather than drawn twice.
fn separate_updating(hosts: &mut [(&'static str, RGBColor, Vec<f64>)], total: &[f64]) {
    let sum: Vec<f64> =
        (0..total.len()).map(|i| hosts.iter().map(|(_, _, v)| v[i]).sum::<f64>()).collect();
    let Some(un) = hosts.iter().position(|(l, _, _)| *l == "unavailable") else { return };
    for (i, t) in total.iter().enumerate() {
        let excess = sum[i] - t;
        if excess > 0.0 {
            hosts[un].2[i] = (hosts[un].2[i] - excess).max(0.0);
        }
    }
}

/// The window where `hosts_updating` > 0, in seconds, when there is no `update.csv`.
fn updating_window(time: &[f64], bin: f64, updating: Option<&[f64]>) -> Option<(f64, f64)> {
    let u = updating?;
    let first = u.iter().position(|&v| v > 0.0)?;
    let last = u.iter().rposition(|&v| v > 0.0)?;
    Some((time[first], time[last] + bin))
}

impl Figure for TimeseriesFigure {
    fn size(&self) -> (u32, u32) {
        if self.window.is_some() { (1200, 1150) } else { (1200, 800) }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let root = root
            .titled("Host pool over time (replication 0)", (style::font_family(), style::TITLE))
            .map_err(err)?;
        let run = self.whole_run();
        let Some(zoom) = self.update_view() else {
            let (top, bottom) = root.split_vertically(root.dim_in_pixel().1 / 2);
            self.draw_hosts(&top, "Hosts by state", run)?;
            return self.draw_sessions(&bottom, run);
        };
        let third = root.dim_in_pixel().1 / 3;
        let (top, rest) = root.split_vertically(third);
        let (middle, bottom) = rest.split_vertically(third);
        self.draw_hosts(&top, "Hosts by state", run)?;
        self.draw_sessions(&middle, run)?;
        self.draw_hosts(&bottom, "Hosts by state during the update", zoom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updating_hosts_counted_as_unavailable_are_not_stacked_twice() {
        let mut hosts = vec![
            ("available", style::AVAILABLE, vec![4.0, 3.0, 3.0]),
            ("updating", style::UPDATING, vec![0.0, 1.0, 1.0]),
            ("unavailable", style::UNAVAILABLE, vec![0.0, 1.0, 0.0]),
        ];
        separate_updating(&mut hosts, &[4.0, 4.0, 4.0]);
        assert_eq!(hosts[2].2, vec![0.0, 0.0, 0.0]);
    }
}
