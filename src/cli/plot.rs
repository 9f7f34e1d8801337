//! `poolsim plot DIR`: draws (or redraws) the pictures of an earlier run or sweep from the
//! CSV files in its directory. `run --plot` and `sweep --plot` call the same code.

use super::Failure;
use crate::output::write_atomic;
use crate::plot::{self, Inputs};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct PlotArgs {
    /// A run or sweep output directory (with timeseries.csv, update.csv or sweep.csv).
    pub dir: PathBuf,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

/// Runs the command.
pub fn plot(args: PlotArgs) -> Result<(), Failure> {
    if !args.dir.is_dir() {
        return Err(Failure::Input(format!("{}: not a directory", args.dir.display())));
    }
    // A run swapping the folder meanwhile would take these pictures away or mix them in.
    let _lock = crate::output::folder::OutputFolder::lock_in_place(&args.dir)?;
    let written = plot_dir(&args.dir)?;
    if written.is_empty() {
        return Err(Failure::Input(format!(
            "{}: nothing to plot: no timeseries.csv, update.csv or sweep.csv",
            args.dir.display()
        )));
    }
    if !args.quiet {
        println!("pictures (PNG and SVG): {} in {}", written.len(), args.dir.display());
    }
    Ok(())
}

/// Draws every picture the directory's CSV files allow; returns the PNG paths written.
pub fn plot_dir(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    if !dir.is_dir() {
        return Err(Failure::Input(format!("{}: not a directory", dir.display())));
    }
    let read = |name: &str| super::read_output(dir, name);
    let (ts, up, sw) = (read("timeseries.csv")?, read("update.csv")?, read("sweep.csv")?);
    let hourly = read("hourly.csv")?;
    let sj = read("sweep.json")?;
    let inputs = Inputs {
        timeseries: ts.as_deref(),
        update: up.as_deref(),
        sweep: sw.as_deref(),
        hourly: hourly.as_deref(),
        sweep_json: sj.as_deref(),
    };
    let images =
        plot::draw_all(&inputs).map_err(|e| Failure::Input(format!("{}/{e}", dir.display())))?;
    let mut written = Vec::new();
    for img in images {
        for (ext, bytes) in [("png", &img.png), ("svg", &img.svg)] {
            let path = dir.join(format!("{}.{ext}", img.stem));
            write_atomic(&path, bytes)
                .map_err(|e| Failure::Run(format!("cannot write {}: {e}", path.display())))?;
            if ext == "png" {
                written.push(path);
            }
        }
    }
    Ok(written)
}
