//! `update.png`: one row per host, a bar per phase of its update — the drain and log-off wait
//! (light) and the update itself (solid) — coloured by outcome, on a clock-time axis. Beyond
//! [`MAX_ROWS`] hosts a row is a batch (or a run of consecutive batches): its wait spans the
//! batch's first drain to its last log-off, its update the first start to the last host done,
//! coloured by its worst outcome. Read from `update.csv` (`host,batch,drain_start_s,logoff_s,
//! update_start_s,done_s,outcome`, times in whole seconds since the run's start, empty where
//! the host never got there; `drain_start_clock` gives the date when there is one).

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

/// Most rows drawn: more hosts are drawn by batch.
pub const MAX_ROWS: usize = 40;

/// Outcomes from the worst down, for a batch's colour.
const SEVERITY: [&str; 6] =
    ["failed", "rolled_back", "canceled", "in_progress", "not_started", "updated"];

/// One row of the chart: a host, or a batch (or batches) of hosts.
#[derive(Debug, Clone)]
struct Row {
    label: String,
    /// Drain start to log-off (or to the update's start).
    wait: Option<(f64, f64)>,
    /// The update itself.
    update: Option<(f64, f64)>,
    outcome: String,
}

impl Row {
    fn of_host(h: &HostUpdate) -> Self {
        let label = match h.batch {
            Some(b) => format!("{} (batch {b})", h.host),
            None => h.host.clone(),
        };
        let wait = h.drain_start.map(|s| (s, h.logoff.or(h.update_start).or(h.done).unwrap_or(s)));
        let update = h.update_start.map(|s| (s, h.done.unwrap_or(s)));
        Row { label, wait, update, outcome: h.outcome.clone() }
    }

    /// One row for consecutive hosts (already in batch order) of batches `first..=last`.
    fn of_batch(hosts: &[&HostUpdate], first: Option<i64>, last: Option<i64>) -> Self {
        let span = |f: &dyn Fn(&HostUpdate) -> Option<(f64, f64)>| {
            let spans: Vec<(f64, f64)> = hosts.iter().filter_map(|h| f(h)).collect();
            let a = spans.iter().map(|s| s.0).reduce(f64::min)?;
            Some((a, spans.iter().map(|s| s.1).fold(a, f64::max)))
        };
        let wait = span(&|h| Row::of_host(h).wait);
        let update = span(&|h| Row::of_host(h).update);
        let outcome = SEVERITY
            .iter()
            .find(|o| hosts.iter().any(|h| h.outcome == **o))
            .map_or_else(|| hosts[0].outcome.clone(), |o| o.to_string());
        let which = match (first, last) {
            (Some(a), Some(b)) if a == b => format!("batch {a}"),
            (Some(a), Some(b)) => format!("batches {a}–{b}"),
            _ => "not in a batch".to_string(),
        };
        let n = hosts.len();
        let mut notes = vec![if n == 1 { "1 host".to_string() } else { format!("{n} hosts") }];
        let all_same = hosts.iter().all(|h| h.outcome == hosts[0].outcome);
        for o in SEVERITY.iter().filter(|o| **o != "updated") {
            let k = hosts.iter().filter(|h| h.outcome == *o).count();
            match k {
                0 => {}
                _ if all_same => notes[0].push_str(&format!(" {}", o.replace('_', " "))),
                _ => notes.push(format!("{k} {}", o.replace('_', " "))),
            }
        }
        Row { label: format!("{which}: {}", notes.join(", ")), wait, update, outcome }
    }
}

/// The rows of the chart: a row per host up to [`MAX_ROWS`] hosts, else per batch, batches
/// taken together in equal runs when there are still too many.
fn rows_of(hosts: &[HostUpdate]) -> Vec<Row> {
    if hosts.len() <= MAX_ROWS {
        return hosts.iter().map(Row::of_host).collect();
    }
    let mut batches: Vec<(Option<i64>, Vec<&HostUpdate>)> = Vec::new();
    for h in hosts {
        match batches.last_mut() {
            Some((b, list)) if *b == h.batch => list.push(h),
            _ => batches.push((h.batch, vec![h])),
        }
    }
    let unbatched = batches.iter().position(|(b, _)| b.is_none());
    let rest = unbatched.map(|i| batches.split_off(i)).unwrap_or_default();
    let per_row = batches.len().div_ceil(MAX_ROWS - 1).max(1);
    let mut rows: Vec<Row> = batches
        .chunks(per_row)
        .map(|group| {
            let hosts: Vec<&HostUpdate> =
                group.iter().flat_map(|(_, l)| l.iter().copied()).collect();
            Row::of_batch(&hosts, group[0].0, group[group.len() - 1].0)
        })
        .collect();
    for (_, list) in rest {
        rows.push(Row::of_batch(&list, None, None));
    }
    rows
}

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
    rows: Vec<Row>,
    /// Drawn by batch (more than [`MAX_ROWS`] hosts).
    by_batch: bool,
    clock: crate::output::Clock,
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
        let clock = clock_of(&Records::parse(csv)?);
        let by_batch = hosts.len() > MAX_ROWS;
        Ok(Some(UpdateFigure { rows: rows_of(&hosts), by_batch, clock, unit, x_range }))
    }

    fn color(outcome: &str) -> RGBColor {
        OUTCOMES.iter().find(|(o, _)| *o == outcome).map_or(RGBColor(0, 0, 0), |(_, c)| *c)
    }

    /// The two bars of a row at height `y`, in axis units.
    fn bars(&self, r: &Row, y: f64) -> Vec<Rectangle<(f64, f64)>> {
        let c = Self::color(&r.outcome);
        let u = self.unit.seconds;
        let bar = |(a, b): (f64, f64)| [(a / u, y - 0.3), (b.max(a + u * 0.002) / u, y + 0.3)];
        let mut bars = Vec::new();
        if let Some(w) = r.wait {
            bars.push(Rectangle::new(bar(w), c.mix(0.35).filled()));
        }
        if let Some(w) = r.update {
            bars.push(Rectangle::new(bar(w), c.filled()));
        }
        bars
    }
}

/// The clock of the file: dated when `drain_start_clock` carries a date.
fn clock_of(rec: &Records) -> crate::output::Clock {
    let (Some(s), Some(c)) = (rec.column("drain_start_s"), rec.column("drain_start_clock")) else {
        return crate::output::Clock::default();
    };
    (0..rec.len())
        .find_map(|r| rec.num(r, s).map(|t| crate::output::Clock::from_label(rec.text(r, c), t)))
        .unwrap_or_default()
}

impl Figure for UpdateFigure {
    fn size(&self) -> (u32, u32) {
        (1200, (160 + 26 * self.rows.len() as u32).clamp(420, 4000))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let n = self.rows.len();
        let label_of = |y: &f64| {
            let i = n as f64 - 1.0 - y.round();
            if (y - y.round()).abs() > 1e-6 || i < 0.0 || i >= n as f64 {
                return String::new();
            }
            self.rows[i as usize].label.clone()
        };
        let title = if self.by_batch {
            "Update by batch: drain and log-off wait (light), update (solid)"
        } else {
            "Update by host: drain and log-off wait (light), update (solid)"
        };
        let label_width = if self.by_batch { 300 } else { 150 };
        let axis = style::ClockAxis { clock: self.clock, unit: self.unit };
        let x_label = move |x: &f64| axis.label(*x);
        let mut chart = ChartBuilder::on(root)
            .caption(title, (style::font_family(), style::TITLE - 4))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(label_width)
            .build_cartesian_2d(self.x_range.0..self.x_range.1, -0.8..(n as f64 - 0.2 + 0.8))
            .map_err(err)?;
        chart
            .configure_mesh()
            // Asking for two labels a row makes plotters step by 1 (or 0.5, blanked), so
            // every host gets its name.
            .y_labels(2 * n + 4)
            .y_label_formatter(&label_of)
            .disable_y_mesh()
            .x_labels(8)
            .x_label_formatter(&x_label)
            .x_desc(axis.title())
            .label_style((style::font_family(), style::LABEL))
            .axis_desc_style((style::font_family(), style::LABEL))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let bars = self.rows.iter().enumerate().flat_map(|(i, r)| self.bars(r, (n - 1 - i) as f64));
        chart.draw_series(bars).map_err(err)?;
        for (outcome, c) in OUTCOMES {
            if self.rows.iter().any(|r| r.outcome == outcome) {
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
        let order: Vec<&str> = f.rows.iter().map(|r| r.label.split(' ').next().unwrap()).collect();
        assert_eq!(order, ["sh-0", "sh-2", "sh-10", "sh-3", "sh-1"], "unbatched hosts last");
        assert!(UpdateFigure::from_csv(b"host,batch\n").is_err(), "missing columns are named");
    }

    #[test]
    fn beyond_forty_hosts_rows_are_batches_spanning_their_hosts() {
        let mut csv =
            String::from("host,batch,drain_start_s,logoff_s,update_start_s,done_s,outcome\n");
        for h in 0..100 {
            let b = h / 5;
            let t = 1000 * b;
            let outcome = if h == 7 { "failed" } else { "updated" };
            csv.push_str(&format!(
                "sh-{h},{b},{t},{},{},{},{outcome}\n",
                t + 100,
                t + 100 + h,
                t + 900 + h
            ));
        }
        let f = UpdateFigure::from_csv(csv.as_bytes()).unwrap().unwrap();
        assert!(f.by_batch);
        assert_eq!(f.rows.len(), 20, "one row per batch of 5");
        let b1 = &f.rows[1];
        assert_eq!(b1.label, "batch 1: 5 hosts, 1 failed");
        assert_eq!(b1.outcome, "failed", "a batch takes its worst outcome");
        assert_eq!(b1.update, Some((1105.0, 1909.0)), "first start to last done");
        assert_eq!(b1.wait, Some((1000.0, 1100.0)));
        // 1,000 hosts one at a time: runs of batches keep the chart within 40 rows.
        let mut big =
            String::from("host,batch,drain_start_s,logoff_s,update_start_s,done_s,outcome\n");
        for h in 0..1000 {
            big.push_str(&format!("sh-{h},{h},{},,{},{},updated\n", h * 60, h * 60, h * 60 + 50));
        }
        let f = UpdateFigure::from_csv(big.as_bytes()).unwrap().unwrap();
        assert!(f.rows.len() <= MAX_ROWS, "{}", f.rows.len());
        assert!(f.rows[0].label.starts_with("batches 0–"), "{}", f.rows[0].label);
    }
}
