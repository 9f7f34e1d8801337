//! Pictures of a run or a sweep, drawn with plotters as PNG and SVG from the run's CSV files,
//! so that `poolsim plot DIR` redraws any earlier run exactly as the run itself would.
//!
//! Rendering is pure (CSV bytes in, image bytes out); `cli/plot.rs` reads and writes the files.
//! Text uses a font embedded in the binary: pictures look the same on machines without fonts.

pub mod autoscale;
pub mod canvas;
pub mod font;
pub mod heatmap;
pub mod records;
pub mod style;
pub mod sweep;
pub mod timeseries;
pub mod update;

pub use canvas::Image;

/// The pictures of a run directory, from whichever of its CSV files exist.
pub struct Inputs<'a> {
    /// `timeseries.csv`.
    pub timeseries: Option<&'a [u8]>,
    /// `update.csv`, present when the scenario ran an update.
    pub update: Option<&'a [u8]>,
    /// `sweep.csv`, in a sweep's directory.
    pub sweep: Option<&'a [u8]>,
    /// `hourly.csv`: the week by the hour.
    pub hourly: Option<&'a [u8]>,
    /// `sweep.json`: which axes are ranges (drawn with lines) and the goals (dashed lines).
    pub sweep_json: Option<&'a [u8]>,
}

/// Draws every picture the inputs allow; an error names the file at fault.
pub fn draw_all(inputs: &Inputs) -> Result<Vec<Image>, String> {
    let mut images = Vec::new();
    if let Some(ts) = inputs.timeseries {
        let fig = timeseries::TimeseriesFigure::from_csv(ts, inputs.update)
            .map_err(|e| format!("timeseries.csv: {e}"))?;
        images.push(canvas::render("timeseries", &fig)?);
        let day =
            autoscale::AutoscaleFigure::from_csv(ts).map_err(|e| format!("timeseries.csv: {e}"))?;
        if let Some(fig) = day {
            images.push(canvas::render("autoscale", &fig)?);
        }
    }
    if let Some(up) = inputs.update {
        let fig = update::UpdateFigure::from_csv(up).map_err(|e| format!("update.csv: {e}"))?;
        if let Some(fig) = fig {
            images.push(canvas::render("update", &fig)?);
        }
    }
    if let Some(h) = inputs.hourly
        && let Some(fig) =
            heatmap::HeatmapFigure::from_csv(h).map_err(|e| format!("hourly.csv: {e}"))?
    {
        images.push(canvas::render("heatmap", &fig)?);
    }
    if let Some(sw) = inputs.sweep {
        let table =
            crate::sweep::SweepTable::from_csv(sw).map_err(|e| format!("sweep.csv: {e}"))?;
        let file = inputs
            .sweep_json
            .map(crate::sweep::file::SweepFile::from_json)
            .transpose()
            .map_err(|e| format!("sweep.json: {e}"))?;
        for fig in sweep::figures(&table, file.as_ref()) {
            images.push(canvas::render(&format!("sweep_{}", fig.metric), &fig)?);
        }
    }
    Ok(images)
}
