//! `poolsim check`: run a scenario and compare its metrics with a reviewed baseline, or record
//! a new baseline. Exit code 1 on a regression, 2 on bad input.

use super::{Failure, parse_overrides, thread_pool};
use crate::check::{self, Baseline, ReportFormat, Tolerances};
use crate::output::{self, provenance::Provenance};
use crate::runner;
use crate::scenario::{self, Scenario};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// The baseline file, e.g. results/baselines/<scenario>.json.
    #[arg(long)]
    pub baseline: PathBuf,
    /// Allowed worsening of a metric: METRIC=0.005 (absolute) or METRIC=2% (relative to the
    /// baseline); METRIC may be * for all. Default: *=1% (repeatable).
    #[arg(long = "tolerance", value_name = "METRIC=VALUE")]
    pub tolerance: Vec<String>,
    /// Record this run as the new baseline instead of comparing.
    #[arg(long)]
    pub write_baseline: bool,
    /// Also write a machine-readable report to --report-file.
    #[arg(long, value_enum, requires = "report_file")]
    pub report: Option<ReportFormat>,
    /// Where --report goes.
    #[arg(long, requires = "report")]
    pub report_file: Option<PathBuf>,
    /// Worker threads for replications [default: all cores].
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print only the verdict line and errors.
    #[arg(long)]
    pub quiet: bool,
    /// Set any scenario key by dotted path, e.g. --set pool.hosts=20 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// Runs the command.
pub fn check(args: CheckArgs) -> Result<(), Failure> {
    let tolerances = Tolerances::parse(&args.tolerance).map_err(Failure::Input)?;
    let overrides = parse_overrides(&args.set)?;
    let scenario = scenario::load(&args.scenario, &overrides)?;
    let provenance = Provenance::of_file(&args.scenario, &overrides, &scenario);
    let baseline = if args.write_baseline { None } else { Some(read_baseline(&args.baseline)?) };
    if let Some(b) = &baseline
        && b.scenario != scenario.name
    {
        return Err(Failure::Input(format!(
            "{}: this baseline is for scenario \"{}\", not \"{}\"",
            args.baseline.display(),
            b.scenario,
            scenario.name
        )));
    }
    let result = run(&scenario, &args)?;
    let Some(baseline) = baseline else {
        let bytes = Baseline::of(&scenario, &provenance, &result.summaries)
            .with_windows(&result.windows)
            .to_json();
        write(&args.baseline, &bytes)?;
        if !args.quiet {
            println!("{}: wrote baseline {}", scenario.name, args.baseline.display());
        }
        return Ok(());
    };
    let mut comparison = check::compare(&baseline, &result.summaries, &tolerances);
    comparison.rows.extend(check::compare::compare_windows(
        &baseline,
        &result.windows,
        &tolerances,
    ));
    if let (Some(format), Some(path)) = (args.report, &args.report_file) {
        let bytes = match format {
            ReportFormat::Json => check::report::json(
                &scenario.name,
                &args.baseline.display().to_string(),
                &comparison,
            ),
            ReportFormat::Junit => check::report::junit(&scenario.name, &comparison),
        };
        write(path, &bytes)?;
    }
    print((&scenario, &provenance), &baseline, &comparison, &args);
    if comparison.failed() {
        return Err(Failure::Run(format!(
            "{}: {} metric(s) worse than {}",
            scenario.name,
            comparison.failures().count(),
            args.baseline.display()
        )));
    }
    Ok(())
}

fn read_baseline(path: &Path) -> Result<Baseline, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Input(format!(
            "{}: cannot read the baseline ({e}); record one with --write-baseline",
            path.display()
        ))
    })?;
    Baseline::from_json(&text)
        .map_err(|m| Failure::Input(format!("{}: not a poolsim baseline: {m}", path.display())))
}

fn run(scenario: &Scenario, args: &CheckArgs) -> Result<runner::RunOutput, Failure> {
    let pool = thread_pool(args.threads)?;
    let progress = crate::progress::Progress::new(
        u64::from(scenario.replications),
        "replications",
        args.quiet,
    );
    let result = pool
        .install(|| runner::run(scenario, false, &|| progress.inc()))
        .map_err(|stall| Failure::Input(format!("{}: {stall}", args.scenario.display())))?;
    progress.finish();
    Ok(result)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::Run(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    output::write_atomic(path, bytes).map_err(io)
}

fn print(
    (scenario, provenance): (&Scenario, &Provenance),
    baseline: &Baseline,
    c: &check::Comparison,
    args: &CheckArgs,
) {
    if !args.quiet {
        println!(
            "{}: {} of {} (seed {}) against {}",
            scenario.name,
            crate::output::numbers::replications(scenario.replications),
            scenario.duration,
            scenario.seed,
            args.baseline.display()
        );
        if baseline.seed != scenario.seed || baseline.replications != scenario.replications {
            println!(
                "  note: the baseline used seed {} and {}",
                baseline.seed,
                crate::output::numbers::replications(baseline.replications)
            );
        }
        if let Some(p) = &baseline.provenance
            && p.scenario_sha256 != provenance.scenario_sha256
        {
            println!("  note: the scenario file changed since the baseline was recorded");
        }
        print!("{}", check::report::table(c));
    }
    for line in check::report::failure_lines(c) {
        eprintln!("regression: {line}");
    }
    if !c.failed() {
        println!("{}: ok, no metric worse than the baseline", scenario.name);
    }
}
