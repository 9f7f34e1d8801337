//! `sweep_<metric>.png`: a metric against the first swept parameter, mean with 95 %
//! confidence bars, one series per value of the other swept parameters. Points are joined by
//! lines only along a range (`start..end:step`, a continuous quantity); listed values are
//! points. Counts get whole-number ticks, rates are drawn in percent, each goal on the metric
//! is a dashed line, and coded metrics (`update_status`) are not drawn.

use super::canvas::{Figure, err};
use super::style;
use crate::output::numbers;
use crate::sweep::file::SweepFile;
use crate::sweep::table::{Stat, SweepTable};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One point of a line: x, mean, CI low, CI high.
type Mark = (f64, f64, Option<(f64, f64)>);

/// The picture of one metric.
pub struct SweepFigure {
    /// The metric shown.
    pub metric: String,
    x_param: String,
    /// Category names when the parameter is not numeric (x is then the category's index).
    categories: Option<Vec<String>>,
    lines: Vec<(String, Vec<Mark>)>,
    /// Join points with lines (the parameter was swept as a numeric range).
    joined: bool,
    /// The goals on this metric: (label, target in the plotted unit).
    goals: Vec<(String, f64)>,
}

/// Rates are drawn in percent.
fn scale(metric: &str) -> f64 {
    if numbers::kind(metric) == numbers::Kind::Rate { 100.0 } else { 1.0 }
}

/// The parameters that take more than one value, in column order.
fn varying(table: &SweepTable) -> Vec<usize> {
    (0..table.params.len())
        .filter(|&p| table.rows.iter().any(|r| r.params[p] != table.rows[0].params[p]))
        .collect()
}

/// A figure per metric whose mean changes across the points (a flat line says nothing, and a
/// sweep has a score of metrics); none for a table without parameters.
pub fn figures(table: &SweepTable, file: Option<&SweepFile>) -> Vec<SweepFigure> {
    if table.params.is_empty() || table.rows.is_empty() {
        return Vec::new();
    }
    let vary = varying(table);
    let x = vary.first().copied().unwrap_or(0);
    let others: Vec<usize> = vary.iter().copied().filter(|&p| p != x).collect();
    let numeric = table.rows.iter().all(|r| r.params[x].parse::<f64>().is_ok());
    let mut categories: Vec<String> = Vec::new();
    for r in &table.rows {
        if !categories.contains(&r.params[x]) {
            categories.push(r.params[x].clone());
        }
    }
    let x_of = |row: usize| -> f64 {
        let v = &table.rows[row].params[x];
        if numeric {
            v.parse().unwrap_or(0.0)
        } else {
            categories.iter().position(|c| c == v).unwrap_or(0) as f64
        }
    };
    let series_of = |row: usize| -> String {
        let r = &table.rows[row];
        others
            .iter()
            .map(|&p| format!("{}={}", table.params[p], r.params[p]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let joined = numeric && file.is_some_and(|f| f.is_range(&table.params[x]));
    let goals = file.map(SweepFile::goals).unwrap_or_default();
    table
        .metrics
        .iter()
        .filter(|m| numbers::kind(m) != numbers::Kind::Code)
        .filter_map(|metric| {
            let k = scale(metric);
            let mut lines: Vec<(String, Vec<Mark>)> = Vec::new();
            for row in 0..table.rows.len() {
                let Some(mean) = table.value(row, metric, Stat::Mean) else { continue };
                let ci = table.value(row, metric, Stat::CiLow).zip(table.value(
                    row,
                    metric,
                    Stat::CiHigh,
                ));
                let name = series_of(row);
                let mark = (x_of(row), mean * k, ci.map(|(lo, hi)| (lo * k, hi * k)));
                match lines.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, marks)) => marks.push(mark),
                    None => lines.push((name, vec![mark])),
                }
            }
            for (_, marks) in &mut lines {
                marks.sort_by(|a, b| a.0.total_cmp(&b.0));
            }
            let mut means = lines.iter().flat_map(|(_, marks)| marks.iter().map(|m| m.1));
            let first = means.next()?;
            let varies = means.any(|m| m != first);
            varies.then(|| SweepFigure {
                metric: metric.clone(),
                x_param: table.params[x].clone(),
                categories: (!numeric).then(|| categories.clone()),
                lines,
                joined,
                goals: goals
                    .iter()
                    .filter(|g| &g.metric == metric)
                    .map(|g| (g.to_string(), g.target * k))
                    .collect(),
            })
        })
        .collect()
}

impl SweepFigure {
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let marks = self.lines.iter().flat_map(|(_, m)| m.iter());
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, 0.0f64, f64::MIN);
        let mut negative = false;
        for &(x, mean, ci) in marks {
            let (lo, hi) = ci.unwrap_or((mean, mean));
            (x0, x1) = (x0.min(x), x1.max(x));
            (y0, y1) = (y0.min(lo).min(mean), y1.max(hi).max(mean));
            negative |= mean < 0.0;
        }
        for &(_, target) in &self.goals {
            (y0, y1) = (y0.min(target), y1.max(target));
        }
        let xpad = ((x1 - x0) * 0.06).max(0.5);
        // A metric that is zero everywhere still gets a readable 0..1 axis.
        let span = (y1 - y0).max(y1.abs());
        let ypad = if span > 1e-12 { span * 0.25 } else { 1.0 };
        // Metrics that are never negative keep a zero floor; a confidence bar reaching below
        // zero (a t interval on few replications) is cut at the axis.
        let floor = if negative { y0 - ypad } else { 0.0 };
        ((x0 - xpad, x1 + xpad), (floor, y1 + ypad))
    }
}

impl Figure for SweepFigure {
    fn size(&self) -> (u32, u32) {
        (1100, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let ((x0, x1), (y0, y1)) = self.ranges();
        let title = format!("{} vs {} (mean and 95 % CI)", self.metric, self.x_param);
        let mut chart = ChartBuilder::on(root)
            .caption(title, (style::font_family(), style::TITLE - 2))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        let cats = self.categories.clone();
        let integers = self.lines.iter().flat_map(|(_, m)| m).all(|m| m.0.fract() == 0.0);
        let x_label = move |x: &f64| match &cats {
            None if integers && x.fract() != 0.0 => String::new(),
            None => format!("{}", (x * 1e6).round() / 1e6),
            Some(c) if (x - x.round()).abs() < 1e-6 && x.round() >= 0.0 => {
                c.get(x.round() as usize).cloned().unwrap_or_default()
            }
            Some(_) => String::new(),
        };
        let counts = numbers::kind(&self.metric) == numbers::Kind::Count;
        let y_label = move |y: &f64| {
            if counts { style::whole(y) } else { format!("{}", (y * 1e6).round() / 1e6) }
        };
        let mut mesh = chart.configure_mesh();
        if let Some(c) = &self.categories {
            mesh.x_labels(c.len() + 1);
        }
        mesh.y_label_formatter(&y_label);
        mesh.x_label_formatter(&x_label)
            .x_desc(match style::param_unit(&self.x_param) {
                Some(unit) => format!("{} ({unit})", self.x_param),
                None => self.x_param.clone(),
            })
            .y_desc(format!("{} ({})", self.metric, style::metric_unit(&self.metric)))
            .label_style((style::font_family(), style::LABEL))
            .axis_desc_style((style::font_family(), style::LABEL))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let cap = (x1 - x0) * 0.008;
        // Lines are nudged apart a little so that equal values do not hide each other's bars.
        let n = self.lines.len() as f64;
        for (k, (name, marks)) in self.lines.iter().enumerate() {
            let dodge = (k as f64 - (n - 1.0) / 2.0) * (x1 - x0) * 0.006;
            let c = style::SERIES[k % style::SERIES.len()];
            let bars =
                marks.iter().filter_map(|&(x, _, ci)| ci.map(|(lo, hi)| (x + dodge, lo, hi)));
            let whiskers = bars.flat_map(|(x, lo, hi)| {
                [
                    PathElement::new(vec![(x, lo), (x, hi)], c.stroke_width(2)),
                    PathElement::new(vec![(x - cap, lo), (x + cap, lo)], c.stroke_width(2)),
                    PathElement::new(vec![(x - cap, hi), (x + cap, hi)], c.stroke_width(2)),
                ]
            });
            chart.draw_series(whiskers).map_err(err)?;
            let line = marks.iter().map(|&(x, m, _)| (x + dodge, m));
            let label = if name.is_empty() { self.metric.clone() } else { name.clone() };
            if self.joined {
                chart.draw_series(LineSeries::new(line.clone(), c.stroke_width(2))).map_err(err)?;
            }
            chart
                .draw_series(line.map(|p| Circle::new(p, 5, c.filled())))
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| Circle::new((x + 9, y), 5, c.filled()));
        }
        let goal_colour = RGBColor(200, 30, 30);
        for (label, target) in &self.goals {
            let dashes = style::dashes((x0, *target), (x1, *target), 60);
            chart
                .draw_series(
                    dashes.into_iter().map(|d| PathElement::new(d, goal_colour.stroke_width(2))),
                )
                .map_err(err)?
                .label(format!("goal {label}"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 7, y)], goal_colour.stroke_width(2))
                });
        }
        style::legend(&mut chart)
    }
}
