//! `poolsim report DIR`: writes `DIR/report.html` from the files of a run or sweep. `run
//! --report` and `sweep --report` call the same code.

use super::Failure;
use crate::output::write_atomic;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// A run or sweep output directory (with summary.json or sweep.csv).
    pub dir: PathBuf,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

/// Runs the command.
pub fn report(args: ReportArgs) -> Result<(), Failure> {
    let path = write_report(&args.dir)?;
    if !args.quiet {
        println!("report: {}", path.display());
    }
    Ok(())
}

/// Renders and writes `report.html` in `dir`; returns its path.
pub fn write_report(dir: &Path) -> Result<PathBuf, Failure> {
    if !dir.is_dir() {
        return Err(Failure::Input(format!("{}: not a directory", dir.display())));
    }
    let read = |name: &str| super::read_output(dir, name);
    let files = [
        "summary.json",
        "sweep.csv",
        "sweep.json",
        "timeseries.csv",
        "update.csv",
        "hourly.csv",
        "scenario.toml",
    ]
    .map(read);
    let [summary, sweep, sweep_json, timeseries, update, hourly, scenario] = files;
    let (summary, sweep, sweep_json) = (summary?, sweep?, sweep_json?);
    let (timeseries, update, hourly, scenario) = (timeseries?, update?, hourly?, scenario?);
    let inputs = crate::report::Inputs {
        summary: summary.as_deref(),
        sweep: sweep.as_deref(),
        sweep_json: sweep_json.as_deref(),
        timeseries: timeseries.as_deref(),
        update: update.as_deref(),
        hourly: hourly.as_deref(),
        scenario: scenario.as_deref(),
    };
    let html = crate::report::render(&inputs)
        .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
    let path = dir.join("report.html");
    write_atomic(&path, html.as_bytes())
        .map_err(|e| Failure::Run(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}
