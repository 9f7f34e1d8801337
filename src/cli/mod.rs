//! The command line: parses arguments, loads scenarios, runs them and writes outputs. This is
//! the shell around the pure core; all file I/O, progress bars and exit codes live here.

mod check;
mod fit;
mod plot;
mod run;
pub mod stats;
mod sweep;
mod validate;

use crate::scenario::{Override, ScenarioError};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// poolsim: a deterministic discrete-event simulator of virtual-desktop host pools.
#[derive(Parser, Debug)]
#[command(name = "poolsim", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a scenario and write its outputs.
    Run(run::RunArgs),
    /// Run a scenario over a grid of parameter values, with replications per point.
    Sweep(sweep::SweepArgs),
    /// Draw the pictures of an earlier run or sweep from the CSV files in its directory.
    Plot(plot::PlotArgs),
    /// Check a scenario file and say what is wrong with it.
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Run a scenario and compare its metrics with a baseline (exit 1 on a regression).
    Check(check::CheckArgs),
    /// Fit a synthetic workload to a connection log and write it as a scenario.
    Fit(fit::FitArgs),
}

/// An error that ends the program, with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Bad input: a scenario or argument problem. Exit code 2.
    #[error("{0}")]
    Input(String),
    /// Anything else (an output that cannot be written…). Exit code 1.
    #[error("{0}")]
    Run(String),
    /// Stopped by Ctrl-C after keeping what was finished. Exit code 130 (128 + SIGINT).
    #[error("{0}")]
    Interrupted(String),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Input(_) => ExitCode::from(2),
            Failure::Run(_) => ExitCode::from(1),
            Failure::Interrupted(_) => ExitCode::from(130),
        }
    }
}

/// Entry point: runs the command and maps failures to exit codes.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {f}");
            f.exit_code()
        }
    }
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Plot(args) => plot::plot(args),
        Command::Validate { scenario } => validate::validate(&scenario),
        Command::Check(args) => check::check(args),
        Command::Fit(args) => fit::fit(args),
    }
}

/// Prints the scenario's warnings (allowed but probably not meant) on stderr.
pub fn print_warnings(path: &std::path::Path, s: &crate::scenario::Scenario) {
    for (field, msg) in crate::scenario::update::warnings(s) {
        eprintln!("warning: {}: {field}: {msg}", path.display());
    }
}

/// The `--seed` and `--replications` options as scenario overrides (applied after `--set`).
pub fn seed_and_replications(
    seed: Option<u64>,
    replications: Option<u32>,
) -> Result<Vec<Override>, Failure> {
    let mut overrides = Vec::new();
    if let Some(seed) = seed {
        let seed =
            i64::try_from(seed).map_err(|_| Failure::Input("--seed must be below 2^63".into()))?;
        overrides.push(Override { path: "seed".into(), value: toml::Value::Integer(seed) });
    }
    if let Some(r) = replications {
        let value = toml::Value::Integer(r.into());
        overrides.push(Override { path: "replications".into(), value });
    }
    Ok(overrides)
}

/// Parses `--set` arguments.
pub fn parse_overrides(set: &[String]) -> Result<Vec<Override>, Failure> {
    set.iter()
        .map(|s| Override::parse(s).map_err(|m| Failure::Input(format!("--set {m}"))))
        .collect()
}

/// Builds a rayon pool with `threads` workers (all cores when `None`).
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    if threads == Some(0) {
        return Err(Failure::Input("--threads must be at least 1".into()));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Run(format!("cannot start worker threads: {e}")))
}
