//! The command line: parses arguments, loads scenarios, runs them and writes outputs. This is
//! the shell around the pure core; all file I/O, progress bars and exit codes live here.

use crate::output;
use crate::runner::{self, RunOutput};
use crate::scenario::{self, Override, Scenario, ScenarioError};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
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
    Run(RunArgs),
    /// Check a scenario file and say what is wrong with it.
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Override the scenario's seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Override the number of replications.
    #[arg(long)]
    replications: Option<u32>,
    /// Output directory [default: out/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads for replications [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Also write trace.csv: every event of replication 0.
    #[arg(long)]
    trace: bool,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
    /// Set any scenario key by dotted path, e.g. --set pool.hosts=20 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
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
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl Failure {
    fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Input(_) => ExitCode::from(2),
            Failure::Run(_) => ExitCode::from(1),
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
        Command::Run(args) => run(args),
        Command::Validate { scenario } => validate(&scenario),
    }
}

fn validate(path: &Path) -> Result<(), Failure> {
    let s = scenario::load(path, &[])?;
    println!(
        "{}: ok ({} hosts, {} replications of {})",
        path.display(),
        s.pool.hosts,
        s.replications,
        s.duration
    );
    Ok(())
}

/// Parses `--set` arguments.
pub fn parse_overrides(set: &[String]) -> Result<Vec<Override>, Failure> {
    set.iter()
        .map(|s| Override::parse(s).map_err(|m| Failure::Input(format!("--set {m}"))))
        .collect()
}

/// Loads a scenario with overrides and the command-line seed and replications.
fn load(args: &RunArgs) -> Result<Scenario, Failure> {
    let mut overrides = parse_overrides(&args.set)?;
    if let Some(seed) = args.seed {
        let seed =
            i64::try_from(seed).map_err(|_| Failure::Input("--seed must be below 2^63".into()))?;
        overrides.push(Override { path: "seed".into(), value: toml::Value::Integer(seed) });
    }
    if let Some(r) = args.replications {
        overrides
            .push(Override { path: "replications".into(), value: toml::Value::Integer(r.into()) });
    }
    Ok(scenario::load(&args.scenario, &overrides)?)
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

fn run(args: RunArgs) -> Result<(), Failure> {
    let scenario = load(&args)?;
    let pool = thread_pool(args.threads)?;
    let out_dir = args.out.clone().unwrap_or_else(|| Path::new("out").join(&scenario.name));
    let progress = crate::progress::Progress::new(
        u64::from(scenario.replications),
        "replications",
        args.quiet,
    );
    let result = pool.install(|| runner::run(&scenario, args.trace, &|| progress.inc()));
    progress.finish();
    write_outputs(&out_dir, &scenario, &result)?;
    if !args.quiet {
        print_summary(&scenario, &result, &out_dir);
    }
    Ok(())
}

fn write_outputs(dir: &Path, scenario: &Scenario, run: &RunOutput) -> Result<(), Failure> {
    let io = |what: &str, e: std::io::Error| Failure::Run(format!("cannot write {what}: {e}"));
    std::fs::create_dir_all(dir).map_err(|e| io(&dir.display().to_string(), e))?;
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("summary.json", output::summary_json(scenario, run)),
        ("replications.csv", output::replications_csv(run)),
    ];
    if let Some(rows) = run.replications.first().and_then(|r| r.timeseries.as_ref()) {
        files.push(("timeseries.csv", output::timeseries_csv(rows)));
    }
    if let Some(trace) = run.replications.first().and_then(|r| r.trace.as_ref()) {
        files.push(("trace.csv", output::trace_csv(trace)));
    }
    for (name, bytes) in files {
        let path = dir.join(name);
        output::write_atomic(&path, &bytes).map_err(|e| io(&path.display().to_string(), e))?;
    }
    Ok(())
}

fn print_summary(scenario: &Scenario, run: &RunOutput, dir: &Path) {
    println!("{}: {} replications of {}", scenario.name, scenario.replications, scenario.duration);
    for (name, s) in &run.summaries.0 {
        let Some(mean) = s.mean else { continue };
        match s.ci95 {
            Some([lo, hi]) => println!("  {name:<32} {mean:>14.6}  (95% CI {lo:.6} .. {hi:.6})"),
            None => println!("  {name:<32} {mean:>14.6}"),
        }
    }
    println!("outputs in {}", dir.display());
}
