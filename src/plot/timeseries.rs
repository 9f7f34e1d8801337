//! `timeseries.png`: the pool over the run in clock time — hosts by state (stacked; only the
//! states that occur, running hosts as a line when the file has them), sessions against the
//! pool's capacity, logins tried and failed — with the update window shaded. From
//! `timeseries.csv`, and `update.csv` when an update ran. An update is short beside a
//! week-long run, so a last panel shows the hosts during the update window alone, its y-axis
//! starting near the fewest hosts available so that "5 of 124 hosts out" is visible.

use super::canvas::{Figure, err};
use super::records::Records;
use super::style::{self, Chart, ClockAxis, TimeUnit, whole};
use super::update::update_window;
use crate::output::Clock;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The host states stacked in the top panel, bottom to top; a state whose column the file
/// lacks, or that never occurs, is left out (available hosts always show).
const HOST_STATES: [(&str, &str, RGBColor); 4] = [
    ("hosts_available", "available", style::AVAILABLE),
    ("hosts_draining", "draining", style::DRAINING),
    ("hosts_updating", "updating", style::UPDATING),
    ("hosts_unavailable", "unavailable", style::UNAVAILABLE),
];

/// A capacity line more than this many times the peak sessions is left out: a pool without a
/// session limit has room for a million sessions, which would flatten every other line.
const MAX_CAPACITY_RATIO: f64 = 20.0;

type Series = (&'static str, RGBColor, Vec<f64>);

/// The data of the picture.
pub struct TimeseriesFigure {
    /// Bin edges in seconds: one more than the rows.
    edges: Vec<f64>,
    clock: Clock,
    hosts: Vec<Series>,
    /// Hosts running (autoscale), when the file has the column.
    running: Option<Vec<f64>>,
    sessions: Vec<Series>,
    /// Sessions plus free slots: the most sessions the pool could hold at that moment.
    capacity: Option<Vec<f64>>,
    logins: Option<(Vec<f64>, Vec<f64>)>,
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
        let clock = rec
            .column("clock")
            .map_or_else(Clock::default, |c| Clock::from_label(rec.text(0, c), time[0]));
        let bin = if time.len() > 1 { time[1] - time[0] } else { 1.0 };
        let mut edges = time.clone();
        edges.push(time[time.len() - 1] + bin);
        let mut hosts: Vec<Series> = HOST_STATES
            .iter()
            .filter_map(|(col, label, c)| rec.numbers(col).map(|v| (*label, *c, v)))
            .collect();
        if let (Some(old), Some(new)) = (rec.numbers("hosts_old"), rec.numbers("hosts_new")) {
            let total: Vec<f64> = old.iter().zip(&new).map(|(o, n)| o + n).collect();
            separate_updating(&mut hosts, &total);
        }
        hosts.retain(|(label, _, v)| *label == "available" || v.iter().any(|&y| y > 0.0));
        if hosts.is_empty() {
            return Err("no host state column (hosts_available…)".into());
        }
        let sessions: Vec<Series> = [
            ("sessions_active", "active sessions", style::ACTIVE),
            ("sessions_disconnected", "disconnected sessions", style::DISCONNECTED),
        ]
        .iter()
        .filter_map(|(col, label, c)| rec.numbers(col).map(|v| (*label, *c, v)))
        .collect();
        let capacity = capacity(&sessions, rec.numbers("slots_free"));
        let logins = rec.numbers("logins_attempted").zip(rec.numbers("logins_failed"));
        let window = match update.map(update_window).transpose()? {
            Some(Some(w)) => Some(w),
            _ => updating_window(&time, bin, rec.numbers("hosts_updating").as_deref()),
        };
        let running = rec.numbers("hosts_running");
        Ok(TimeseriesFigure { edges, clock, hosts, running, sessions, capacity, logins, window })
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

    /// The rows a view shows.
    fn shown(&self, view: View) -> impl Iterator<Item = usize> + '_ {
        (0..self.edges.len() - 1)
            .filter(move |&i| self.edges[i + 1] >= view.from && self.edges[i] <= view.to)
    }

    /// Step-shaped points of a gauge held over each bin, for the bins `view` shows.
    fn steps<'a>(&'a self, ys: &'a [f64], view: View) -> impl Iterator<Item = (f64, f64)> + 'a {
        self.shown(view).flat_map(move |i| {
            let (a, b) = (self.edges[i].max(view.from), self.edges[i + 1].min(view.to));
            [(view.x(a), ys[i]), (view.x(b), ys[i])]
        })
    }

    /// Hosts by state, stacked; the zoomed panel's y-axis starts near the fewest hosts
    /// available in view rather than at 0.
    fn draw_hosts<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        caption: &str,
        view: View,
        zoomed: bool,
    ) -> Result<(), String> {
        let mut stacked: Vec<Vec<f64>> = Vec::new();
        for (_, _, v) in &self.hosts {
            let below = stacked.last();
            stacked
                .push(v.iter().enumerate().map(|(i, y)| y + below.map_or(0.0, |b| b[i])).collect());
        }
        let in_view = |v: &[f64]| self.shown(view).map(|i| v[i]).collect::<Vec<_>>();
        let top = stacked.last().map_or(1.0, |t| in_view(t).into_iter().fold(1.0, f64::max));
        let top = self.running.as_ref().map_or(top, |r| in_view(r).into_iter().fold(top, f64::max));
        let floor = if zoomed {
            let fewest = in_view(&self.hosts[0].2).into_iter().fold(top, f64::min);
            (fewest - ((top - fewest) * 0.5).max(2.0)).floor().max(0.0)
        } else {
            0.0
        };
        let y_max = floor + (top - floor) * 1.6;
        let mut chart = self.panel(area, caption, view, (floor, y_max), "hosts")?;
        self.shade(&mut chart, view, (floor, y_max))?;
        // Drawn top layer first, so each lower layer paints over the part that is its own.
        for ((label, color, _), cum) in self.hosts.iter().zip(&stacked).rev() {
            let c = *color;
            chart
                .draw_series(
                    AreaSeries::new(self.steps(cum, view), floor, c.mix(0.85)).border_style(c),
                )
                .map_err(err)?
                .label(format!("{label} hosts"))
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], c.filled()));
        }
        if let Some(running) = &self.running {
            let line = LineSeries::new(self.steps(running, view), BLACK.stroke_width(2));
            chart.draw_series(line).map_err(err)?.label("running hosts").legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], BLACK.stroke_width(3))
            });
        }
        style::legend(&mut chart)
    }

    fn draw_sessions<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        view: View,
    ) -> Result<(), String> {
        let mut top =
            self.sessions.iter().flat_map(|(_, _, v)| v.iter().copied()).fold(1.0, f64::max);
        if let Some(cap) = &self.capacity {
            top = cap.iter().copied().fold(top, f64::max);
        }
        let mut chart =
            self.panel(area, "Sessions and capacity", view, (0.0, top * 1.3), "sessions")?;
        self.shade(&mut chart, view, (0.0, top * 1.3))?;
        if let Some(cap) = &self.capacity {
            let c = RGBColor(20, 20, 20);
            let line = LineSeries::new(self.steps(cap, view), c.mix(0.7).stroke_width(2));
            chart.draw_series(line).map_err(err)?.label("capacity (sessions + free slots)").legend(
                move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3)),
            );
        }
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

    /// Logins tried (a line) and failed (red bars) per bin.
    fn draw_logins<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        view: View,
    ) -> Result<(), String> {
        let Some((tried, failed)) = &self.logins else { return Ok(()) };
        let top = tried.iter().copied().fold(1.0, f64::max);
        let caption = "Logins per time bin: tried and failed";
        let mut chart = self.panel(area, caption, view, (0.0, top * 1.3), "logins")?;
        self.shade(&mut chart, view, (0.0, top * 1.3))?;
        let grey = RGBColor(120, 120, 120);
        chart
            .draw_series(LineSeries::new(self.steps(tried, view), grey.stroke_width(1)))
            .map_err(err)?
            .label("logins tried")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], grey.stroke_width(3))
            });
        let total: f64 = failed.iter().sum();
        let red = style::UNAVAILABLE;
        // At least 1/400 of the axis wide, so one failed bin in a week still shows.
        let least = view.x(view.to - view.from) / 400.0;
        let bars = self.shown(view).filter(|&i| failed[i] > 0.0).map(|i| {
            let (a, b) =
                (view.x(self.edges[i].max(view.from)), view.x(self.edges[i + 1].min(view.to)));
            Rectangle::new([(a, 0.0), (b.max(a + least), failed[i])], red.filled())
        });
        chart
            .draw_series(bars)
            .map_err(err)?
            .label(format!("failed logins ({total:.0} in the run)"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], red.filled()));
        style::legend(&mut chart)
    }

    fn panel<'a, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        caption: &str,
        view: View,
        (y_min, y_max): (f64, f64),
        y_desc: &str,
    ) -> Result<Chart<'a, DB>, String> {
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (style::font_family(), style::CAPTION))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(view.x(view.from)..view.x(view.to), y_min..y_max)
            .map_err(err)?;
        let axis = ClockAxis { clock: self.clock, unit: view.unit };
        let x_label = move |x: &f64| axis.label(*x);
        chart
            .configure_mesh()
            .x_labels(8)
            .x_label_formatter(&x_label)
            .x_desc(axis.title())
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
        (y_min, y_max): (f64, f64),
    ) -> Result<(), String> {
        let Some((a, b)) = self.window else { return Ok(()) };
        let (a, b) = (view.x(a.max(view.from)), view.x(b.min(view.to)));
        let shade = style::WINDOW.mix(0.35).filled();
        chart
            .draw_series(std::iter::once(Rectangle::new([(a, y_min), (b, y_max)], shade)))
            .map_err(err)?
            .label("update window")
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], shade));
        Ok(())
    }
}

/// Sessions plus free slots per bin, unless the pool has no real session limit.
fn capacity(sessions: &[Series], free: Option<Vec<f64>>) -> Option<Vec<f64>> {
    let free = free?;
    let cap: Vec<f64> = (0..free.len())
        .map(|i| free[i] + sessions.iter().map(|(_, _, v)| v[i]).sum::<f64>())
        .collect();
    let peak = sessions.iter().flat_map(|(_, _, v)| v.iter().copied()).fold(1.0, f64::max);
    let most = cap.iter().copied().fold(0.0, f64::max);
    (most <= peak * MAX_CAPACITY_RATIO).then_some(cap)
}

/// Stacks must add up to the pool: where the states listed count more hosts than the pool
/// has (`hosts_old + hosts_new`), updating hosts were also counted as unavailable, so they
/// are taken out of that layer rather than drawn twice.
fn separate_updating(hosts: &mut [Series], total: &[f64]) {
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
        let panels = 2 + u32::from(self.logins.is_some()) + u32::from(self.window.is_some());
        (1200, 80 + 360 * panels)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let root = root
            .titled("Host pool over time (replication 0)", (style::font_family(), style::TITLE))
            .map_err(err)?;
        let run = self.whole_run();
        let zoom = self.update_view();
        let panels = 2 + usize::from(self.logins.is_some()) + usize::from(zoom.is_some());
        let areas = root.split_evenly((panels, 1));
        self.draw_hosts(&areas[0], "Hosts by state", run, false)?;
        self.draw_sessions(&areas[1], run)?;
        if self.logins.is_some() {
            self.draw_logins(&areas[2], run)?;
        }
        if let Some(zoom) = zoom {
            self.draw_hosts(&areas[panels - 1], "Hosts by state during the update", zoom, true)?;
        }
        Ok(())
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

    const CSV: &[u8] = b"time_s,clock,hosts_available,hosts_draining,hosts_updating,hosts_unavailable,sessions_active,sessions_disconnected,slots_free,logins_attempted,logins_failed\n\
        0,Mon 2026-03-02 00:00,3,0,0,0,2,1,12,4,0\n\
        300,Mon 2026-03-02 00:05,3,0,0,0,5,0,10,6,1\n";

    #[test]
    fn only_states_that_occur_are_stacked_and_capacity_is_sessions_plus_free_slots() {
        let f = TimeseriesFigure::from_csv(CSV, None).unwrap();
        let labels: Vec<&str> = f.hosts.iter().map(|h| h.0).collect();
        assert_eq!(labels, ["available"], "no host ever drained, updated or went down");
        assert_eq!(f.capacity, Some(vec![15.0, 15.0]));
        assert_eq!(f.clock.label(0), "Mon 2026-03-02 00:00", "the date is read back");
        assert!(f.running.is_none());
        let with_running = String::from_utf8(CSV.to_vec())
            .unwrap()
            .replace("logins_failed\n", "logins_failed,hosts_running\n")
            .replace(",0\n", ",0,2\n")
            .replace(",1\n", ",1,3\n");
        let f = TimeseriesFigure::from_csv(with_running.as_bytes(), None).unwrap();
        assert_eq!(f.running, Some(vec![2.0, 3.0]));
    }
}
