//! `update.png`: one row per host, a bar per phase of its update — the drain and log-off wait
//! (light) and the update itself (solid) — coloured by outcome. Read from `update.csv`:
//! `host,batch,drain_start_s,logoff_s,update_start_s,done_s,outcome,version`, times in whole
//! seconds since the run's start, empty where the host never got there.

use super::canvas::{Figure, err};
use super::records::Records;
use super::style::{self, TimeUnit};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Outcomes in legend order, with their colours.
const OUTCOMES: [(&str, RGBColor); 6] = [
    ("updated", RGBColor(44, 160, 44)),
    ("failed", RGBColor(214, 39, 40)),
    ("rolled_back", RGBColor(255, 127, 14)),
    ("canceled", RGBColor(90, 90, 90)),
    ("in_progress", RGBColor(31, 119, 180)),
    ("not_started", RGBColor(180, 180, 180)),
];

/// One host's update, in seconds.
#[derive(Debug, Clone)]
struct HostUpdate {
    host: String,
    /// Empty in the file when the host was never put in a batch.
    batch: Option<i64>,
    drain_start: Option<f64>,
    logoff: Option<f64>,
    update_start: Option<f64>,
    done: Option<f64>,
    outcome: String,
}

impl HostUpdate {
    /// Rows go by batch (unbatched hosts last), then drain start, then name.
    fn order_key(&self) -> (i64, f64, (String, u64)) {
        let batch = self.batch.unwrap_or(i64::MAX);
        (batch, self.drain_start.unwrap_or(f64::INFINITY), natural_key(&self.host))
    }

    fn last_time(&self) -> Option<f64> {
        self.done.or(self.update_start).or(self.logoff).or(self.drain_start)
    }
}

/// The data of the picture.
pub struct UpdateFigure {
    hosts: Vec<HostUpdate>,
    unit: TimeUnit,
    x_range: (f64, f64),
}

fn read_hosts(rec: &Records) -> Result<Vec<HostUpdate>, String> {
    let col = |name: &str| rec.column(name).ok_or_else(|| format!("no {name} column"));
    let [host, batch, drain, logoff, start, done, outcome] =
        ["host", "batch", "drain_start_s", "logoff_s", "update_start_s", "done_s", "outcome"]
            .map(col);
    let (host, batch, drain, logoff, start, done, outcome) =
        (host?, batch?, drain?, logoff?, start?, done?, outcome?);
    Ok((0..rec.len())
        .map(|r| HostUpdate {
            host: rec.text(r, host).to_string(),
            batch: rec.num(r, batch).map(|b| b as i64),
            drain_start: rec.num(r, drain),
            logoff: rec.num(r, logoff),
            update_start: rec.num(r, start),
            done: rec.num(r, done),
            outcome: rec.text(r, outcome).to_string(),
        })
        .collect())
}

/// The update window in seconds: from the first drain to the last host done (or the last
/// time any host reached). `None` when no host started.
pub fn update_window(csv: &[u8]) -> Result<Option<(f64, f64)>, String> {
    let hosts = read_hosts(&Records::parse(csv)?)?;
    let start = hosts.iter().filter_map(|h| h.drain_start).reduce(f64::min);
    let end = hosts.iter().filter_map(HostUpdate::last_time).reduce(f64::max);
    Ok(start.zip(end).filter(|(a, b)| b >= a))
}

/// Host names in natural order: `sh-2` before `sh-10`.
fn natural_key(name: &str) -> (String, u64) {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (stem, num) = name.split_at(name.len() - digits);
    (stem.to_string(), num.parse().unwrap_or(0))
}

impl UpdateFigure {
    /// Reads `update.csv`; `None` when it has no host.
    pub fn from_csv(csv: &[u8]) -> Result<Option<Self>, String> {
        let mut hosts = read_hosts(&Records::parse(csv)?)?;
        if hosts.is_empty() {
            return Ok(None);
        }
        hosts.sort_by(|a, b| {
            a.order_key().partial_cmp(&b.order_key()).unwrap_or(std::cmp::Ordering::Equal)
        });
        let first = hosts.iter().filter_map(|h| h.drain_start).reduce(f64::min).unwrap_or(0.0);
        let last = hosts.iter().filter_map(HostUpdate::last_time).reduce(f64::max).unwrap_or(first);
        let span = (last - first).max(60.0);
        let unit = TimeUnit::for_span(span);
        let pad = span * 0.03;
        let x_range = ((first - pad).max(0.0) / unit.seconds, (last + pad) / unit.seconds);
        Ok(Some(UpdateFigure { hosts, unit, x_range }))
    }

    fn color(outcome: &str) -> RGBColor {
        OUTCOMES.iter().find(|(o, _)| *o == outcome).map_or(RGBColor(0, 0, 0), |(_, c)| *c)
    }

    /// The two bars of host `i` at height `y`, in axis units.
    fn bars(&self, h: &HostUpdate, y: f64) -> Vec<Rectangle<(f64, f64)>> {
        let c = Self::color(&h.outcome);
        let u = self.unit.seconds;
        let mut bars = Vec::new();
        if let Some(start) = h.drain_start {
            let end = h.logoff.or(h.update_start).or(h.done).unwrap_or(start);
            let end = end.max(start + u * 0.002);
            bars.push(Rectangle::new(
                [(start / u, y - 0.3), (end / u, y + 0.3)],
                c.mix(0.35).filled(),
            ));
        }
        if let Some(start) = h.update_start {
            let end = h.done.unwrap_or(start).max(start + u * 0.002);
            bars.push(Rectangle::new([(start / u, y - 0.3), (end / u, y + 0.3)], c.filled()));
        }
        bars
    }
}

impl Figure for UpdateFigure {
    fn size(&self) -> (u32, u32) {
        (1200, (160 + 26 * self.hosts.len() as u32).clamp(420, 4000))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let n = self.hosts.len();
        let label_of = |y: &f64| {
            let i = n as f64 - 1.0 - y.round();
            if (y - y.round()).abs() > 1e-6 || i < 0.0 || i >= n as f64 {
                return String::new();
            }
            let h = &self.hosts[i as usize];
            match h.batch {
                Some(b) => format!("{} (batch {b})", h.host),
                None => h.host.clone(),
            }
        };
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Update by host: drain and log-off wait (light), update (solid)",
                (style::font_family(), style::TITLE - 4),
            )
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(150)
            .build_cartesian_2d(self.x_range.0..self.x_range.1, -0.8..(n as f64 - 0.2 + 0.8))
            .map_err(err)?;
        chart
            .configure_mesh()
            // Asking for two labels a row makes plotters step by 1 (or 0.5, blanked), so
            // every host gets its name.
            .y_labels(2 * n + 4)
            .y_label_formatter(&label_of)
            .disable_y_mesh()
            .x_desc(format!("time since run start ({})", self.unit.name))
            .label_style((style::font_family(), style::LABEL))
            .axis_desc_style((style::font_family(), style::LABEL))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let bars =
            self.hosts.iter().enumerate().flat_map(|(i, h)| self.bars(h, (n - 1 - i) as f64));
        chart.draw_series(bars).map_err(err)?;
        for (outcome, c) in OUTCOMES {
            if self.hosts.iter().any(|h| h.outcome == outcome) {
                chart
                    .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
                    .map_err(err)?
                    .label(outcome.replace('_', " "))
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 18, y + 6)], c.filled())
                    });
            }
        }
        style::legend(&mut chart)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &[u8] = b"host,batch,drain_start_s,logoff_s,update_start_s,done_s,outcome,version\n\
        sh-10,1,3600,4000,4000,5200,updated,2\n\
        sh-2,1,3600,3900,3900,5000,failed,1\n\
        sh-0,0,600,700,700,1800,updated,2\n\
        sh-3,2,,,,,not_started,1\n\
        sh-1,,,,,,not_started,1\n";

    #[test]
    fn the_window_spans_first_drain_to_last_done() {
        assert_eq!(update_window(CSV).unwrap(), Some((600.0, 5200.0)));
    }

    #[test]
    fn hosts_sort_by_batch_then_name_naturally() {
        let f = UpdateFigure::from_csv(CSV).unwrap().unwrap();
        let order: Vec<&str> = f.hosts.iter().map(|h| h.host.as_str()).collect();
        assert_eq!(order, ["sh-0", "sh-2", "sh-10", "sh-3", "sh-1"], "unbatched hosts last");
        assert!(UpdateFigure::from_csv(b"host,batch\n").is_err(), "missing columns are named");
    }
}
