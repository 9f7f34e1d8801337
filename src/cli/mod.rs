//! The command line: parses arguments, loads scenarios, runs them and writes outputs. This is
//! the shell around the pure core; all file I/O, progress bars and exit codes live here.

mod check;
mod fit;
mod interrupt;
mod merge;
mod plot;
mod report;
mod run;
mod shard;
pub mod stats;
mod sweep;
mod validate;

use crate::one_line::one_line;
use crate::scenario::{Override, ScenarioError};
use clap::{Parser, Subcommand};
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
    /// Write report.html for an earlier run or sweep: the answer, the pictures, the scenario.
    Report(report::ReportArgs),
    /// Check a scenario file and say everything that is wrong with it.
    Validate(validate::ValidateArgs),
    /// Run a scenario and compare its metrics with a baseline (exit 1 on a regression).
    Check(check::CheckArgs),
    /// Fit a synthetic workload to a connection log and write it as a scenario.
    Fit(fit::FitArgs),
    /// Join the shard folders of a run or sweep (--shard K/N) into its outputs.
    Merge(merge::MergeArgs),
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
    /// A sweep ran but no point meets every `--goal`. Exit code 3.
    #[error("{0}")]
    GoalNotMet(String),
    /// Stopped by Ctrl-C after keeping what was finished. Exit code 130 (128 + SIGINT).
    #[error("{0}")]
    Interrupted(String),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<crate::output::folder::FolderError> for Failure {
    fn from(e: crate::output::folder::FolderError) -> Self {
        if e.is_input() { Failure::Input(e.to_string()) } else { Failure::Run(e.to_string()) }
    }
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Input(_) => ExitCode::from(2),
            Failure::Run(_) => ExitCode::from(1),
            Failure::GoalNotMet(_) => ExitCode::from(3),
            Failure::Interrupted(_) => ExitCode::from(130),
        }
    }
}

/// Reads output file `name` of folder `dir` (`poolsim plot`, `poolsim report`): `None` when
/// the run did not write it.
fn read_output(dir: &std::path::Path, name: &str) -> Result<Option<Vec<u8>>, Failure> {
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Failure::Input(format!("{}: cannot read: {e}", path.display()))),
    }
}

/// Entry point: runs the command and maps failures to exit codes.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // --help and --version: clap's own text on stdout.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {}", argument_error(&e));
            return ExitCode::from(2);
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f @ Failure::GoalNotMet(_)) => {
            eprintln!("goal not met: {f}");
            f.exit_code()
        }
        Err(f) => {
            eprintln!("error: {}", one_line(&f.to_string()));
            f.exit_code()
        }
    }
}

/// A command-line error as one line: clap's message without its usage block and tips (which
/// take 2–4 lines), the lines of a list joined, and a pointer to `--help`.
fn argument_error(e: &clap::Error) -> String {
    let text = e.to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| !l.is_empty() && !l.starts_with("tip:") && !l.starts_with("For more"))
        .collect();
    let joined = lines.join(" ");
    let message = joined.strip_prefix("error: ").unwrap_or(&joined);
    one_line(&format!("{message} (see --help)"))
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Plot(args) => plot::plot(args),
        Command::Report(args) => report::report(args),
        Command::Validate(args) => validate::validate(args),
        Command::Check(args) => check::check(args),
        Command::Fit(args) => fit::fit(args),
        Command::Merge(args) => merge::merge(args),
    }
}

/// Says how much work a long run or sweep is, and refuses one above
/// [`crate::scenario::work::MAX_EVENTS_WITHOUT_FORCE`] events unless `force` is set.
pub fn check_work(what: &str, events: f64, force: bool, quiet: bool) -> Result<(), Failure> {
    use crate::scenario::work::{EVENTS_WORTH_ANNOUNCING, MAX_EVENTS_WITHOUT_FORCE, describe};
    if events > MAX_EVENTS_WITHOUT_FORCE && !force {
        return Err(Failure::Input(format!(
            "{what}: about {} events of work, more than the {} poolsim runs without --force \
             (about half an hour of one CPU); shorten the run, use fewer replications or \
             points, or add --force",
            describe(events),
            describe(MAX_EVENTS_WITHOUT_FORCE)
        )));
    }
    if events > EVENTS_WORTH_ANNOUNCING && !quiet {
        eprintln!("{what}: about {} events of work", describe(events));
    }
    Ok(())
}

/// Prints the scenario's warnings (allowed but probably not meant) on stderr.
pub fn print_warnings(path: &std::path::Path, s: &crate::scenario::Scenario) {
    for (field, msg) in crate::scenario::validate::update::warnings(s) {
        eprintln!("warning: {}", one_line(&format!("{}: {field}: {msg}", path.display())));
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

/// Most worker threads per CPU: replications are pure computation, so threads beyond the
/// CPUs only take turns (a few more help when other programs share the machine).
const THREADS_PER_CPU: usize = 4;

/// Builds a rayon pool with `threads` workers (all cores when `None`), at most
/// [`THREADS_PER_CPU`] per CPU (at least 8): more is clamped, with a warning.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    if threads == Some(0) {
        return Err(Failure::Input("--threads must be at least 1".into()));
    }
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let most = (cpus * THREADS_PER_CPU).max(8);
    let threads = threads.map(|t| {
        if t > most {
            eprintln!(
                "warning: --threads {t} is more than {THREADS_PER_CPU} per CPU ({cpus} CPUs); using {most}"
            );
        }
        t.min(most)
    });
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Run(format!("cannot start worker threads: {e}")))
}
