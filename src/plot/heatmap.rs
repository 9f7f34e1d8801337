//! `heatmap.png`: the week by the hour from `hourly.csv` — weekday (rows, Monday on top) ×
//! hour of day (columns), one panel each for logins per hour, failed logins per hour and mean
//! sessions. The darker the cell the larger the value; hours never measured stay grey.

use super::canvas::{Figure, err};
use super::records::Records;
use super::style;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Weekday labels, Monday first.
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// One panel: a column of `hourly.csv`, its caption and its colour.
struct Panel {
    caption: &'static str,
    /// 168 values, Monday 00:00 first; `None` where not measured.
    values: Vec<Option<f64>>,
    color: RGBColor,
}

/// The data of the picture.
pub struct HeatmapFigure {
    panels: Vec<Panel>,
}

impl HeatmapFigure {
    /// Reads `hourly.csv`; `None` when it has no logins at all (nothing to show).
    pub fn from_csv(csv: &[u8]) -> Result<Option<Self>, String> {
        let rec = Records::parse(csv)?;
        if rec.len() != 168 {
            return Err(format!("expected 168 rows, one per hour of the week (got {})", rec.len()));
        }
        let column = |name: &str| -> Result<Vec<Option<f64>>, String> {
            let c = rec.column(name).ok_or_else(|| format!("no {name} column"))?;
            Ok((0..rec.len()).map(|r| rec.num(r, c)).collect())
        };
        let logins = column("logins_mean")?;
        if logins.iter().flatten().all(|&v| v == 0.0) {
            return Ok(None);
        }
        let panels = vec![
            Panel { caption: "Logins per hour (mean)", values: logins, color: style::ACTIVE },
            Panel {
                caption: "Failed logins per hour (mean)",
                values: column("failures_mean")?,
                color: style::UNAVAILABLE,
            },
            Panel {
                caption: "Sessions (time-weighted mean)",
                values: column("sessions_mean")?,
                color: style::AVAILABLE,
            },
        ];
        Ok(Some(HeatmapFigure { panels }))
    }
}

/// The colour of `v` on a white-to-`c` scale up to `max`.
fn shade(c: RGBColor, v: f64, max: f64) -> RGBColor {
    let t = if max > 0.0 { (v / max).clamp(0.0, 1.0) } else { 0.0 };
    let mix = |a: u8| (255.0 - (255.0 - f64::from(a)) * t).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> Result<(), String> {
    let max = p.values.iter().flatten().copied().fold(0.0, f64::max);
    let caption = format!("{} — darkest = {}", p.caption, format_value(max));
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (style::font_family(), style::CAPTION))
        .margin(10)
        .margin_right(30)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..24.0, 0.0..7.0)
        .map_err(err)?;
    let day_of = |y: &f64| {
        let row = y.floor();
        let centred = (y - row - 0.5).abs() < 1e-6;
        let day = 6 - row as i64;
        if centred && (0..7).contains(&day) {
            DAYS[day as usize].to_string()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(13)
        .x_label_formatter(&|x| format!("{:02}:00", *x as u32))
        .y_labels(15)
        .y_label_formatter(&day_of)
        .x_desc("hour of day")
        .label_style((style::font_family(), style::LABEL))
        .axis_desc_style((style::font_family(), style::LABEL))
        .draw()
        .map_err(err)?;
    let cells = p.values.iter().enumerate().map(|(i, v)| {
        let (day, hour) = ((i / 24) as f64, (i % 24) as f64);
        let y = 6.0 - day;
        let fill = v.map_or(RGBColor(225, 225, 225), |v| shade(p.color, v, max));
        Rectangle::new([(hour, y), (hour + 1.0, y + 1.0)], fill.filled())
    });
    chart.draw_series(cells).map_err(err)?;
    let grid = (0..=24).map(|h| PathElement::new(vec![(h as f64, 0.0), (h as f64, 7.0)], WHITE));
    chart.draw_series(grid).map_err(err)?;
    let rows = (0..=7).map(|d| PathElement::new(vec![(0.0, d as f64), (24.0, d as f64)], WHITE));
    chart.draw_series(rows).map_err(err)?;
    Ok(())
}

/// A value for the caption: small values to three decimals, larger ones to one.
fn format_value(v: f64) -> String {
    if v < 10.0 { format!("{v:.3}") } else { format!("{v:.1}") }
}

impl Figure for HeatmapFigure {
    fn size(&self) -> (u32, u32) {
        (1200, 40 + 300 * self.panels.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let root = root
            .titled("The week by the hour", (style::font_family(), style::TITLE))
            .map_err(err)?;
        for (area, p) in root.split_evenly((self.panels.len(), 1)).iter().zip(&self.panels) {
            draw_panel(area, p)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(logins: impl Fn(usize) -> f64) -> Vec<u8> {
        let mut s = String::from(
            "weekday,hour,hours_measured,logins_mean,failures_mean,failure_rate,sessions_mean,sessions_peak,hosts_available_mean\n",
        );
        for i in 0..168 {
            s.push_str(&format!("{},{:02}:00,2,{},0,0,1,1,3\n", DAYS[i / 24], i % 24, logins(i)));
        }
        s.into_bytes()
    }

    #[test]
    fn reads_the_week_and_skips_a_week_without_logins() {
        let f = HeatmapFigure::from_csv(&csv(|i| if i % 24 == 8 { 50.0 } else { 0.0 })).unwrap();
        assert_eq!(f.unwrap().panels[0].values[8], Some(50.0));
        assert!(HeatmapFigure::from_csv(&csv(|_| 0.0)).unwrap().is_none());
        assert!(HeatmapFigure::from_csv(b"weekday,hour\nMon,00:00\n").is_err());
    }

    #[test]
    fn shades_run_from_white_to_the_colour() {
        let c = RGBColor(31, 119, 180);
        assert_eq!(shade(c, 0.0, 10.0), RGBColor(255, 255, 255));
        assert_eq!(shade(c, 10.0, 10.0), c);
        assert_eq!(shade(c, 5.0, 0.0), RGBColor(255, 255, 255));
    }
}
