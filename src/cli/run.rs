//! `poolsim run`: run a scenario's replications and write its outputs.

use super::stats::{RunStats, process_cpu_seconds};
use super::{Failure, parse_overrides, seed_and_replications, thread_pool};
use crate::model::update::UpdateStatus;
use crate::output::{self, folder::OutputFolder, numbers, provenance::Provenance};
use crate::runner::{self, RunOutput};
use crate::scenario::{self, Scenario};
use crate::shard::{self, Shard, records::Record};
use std::path::{Path, PathBuf};

/// The arguments; those that shape the outputs are kept in a shard's manifest, which `merge`
/// reads back (the others are skipped).
#[derive(clap::Args, Debug, serde::Serialize, serde::Deserialize)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Override the scenario's seed.
    #[arg(long, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Override the number of replications.
    #[arg(long)]
    pub replications: Option<u32>,
    /// Output directory [default: out/<scenario name>].
    #[serde(skip)]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads for replications [default: all cores].
    #[serde(skip)]
    #[arg(long)]
    pub threads: Option<usize>,
    /// Also write trace.csv: every event of replication 0.
    #[arg(long)]
    pub trace: bool,
    /// Also draw timeseries.png/.svg (and update.png/.svg after an update); off by default
    /// to keep runs fast in pipelines — `poolsim plot DIR` draws them later.
    #[arg(long)]
    pub plot: bool,
    /// Also write connections.csv: replication 0's connections as WVDConnections rows
    /// (the replay reads them back).
    #[arg(long)]
    pub export_connections: bool,
    /// Print nothing but errors.
    #[serde(skip)]
    #[arg(long)]
    pub quiet: bool,
    /// Set any scenario key by dotted path, e.g. --set pool.hosts=20 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Also write report.html: the answer, the pictures and the scenario on one page.
    #[arg(long)]
    pub report: bool,
    /// Print and record (in summary.json) events processed, events per second, peak queue
    /// length and peak memory. Makes summary.json differ from run to run.
    #[serde(skip)]
    #[arg(long)]
    pub stats: bool,
    /// Run even when the estimated work is above the ceiling (see README, "Limits").
    #[serde(skip)]
    #[arg(long)]
    pub force: bool,
    /// Run only share K of N of the replications, into a shard folder that `poolsim merge`
    /// joins with the others into this run's outputs.
    #[serde(skip)]
    #[arg(long, value_name = "K/N", value_parser = crate::shard::parse_arg, allow_hyphen_values = true)]
    pub shard: Option<Shard>,
}

/// Loads a scenario with overrides and the command-line seed and replications; returns it with
/// its provenance.
pub fn load(args: &RunArgs) -> Result<(Scenario, Provenance), Failure> {
    let mut overrides = parse_overrides(&args.set)?;
    overrides.extend(seed_and_replications(args.seed, args.replications)?);
    let scenario = scenario::load(&args.scenario, &overrides)?;
    let provenance = Provenance::of_file(&args.scenario, &overrides, &scenario);
    Ok((scenario, provenance))
}

/// Runs the command.
pub fn run(args: RunArgs) -> Result<(), Failure> {
    if args.shard.is_some() && args.stats {
        return Err(Failure::Input(
            "--stats does not apply to a shard: its figures would differ from shard to shard"
                .into(),
        ));
    }
    let (scenario, provenance) = load(&args)?;
    super::print_warnings(&args.scenario, &scenario);
    let all: Vec<u32> = (0..scenario.replications).collect();
    let mine = args.shard.map_or_else(|| all.clone(), |s| shard::share(&all, s));
    let share = mine.len() as f64 / all.len().max(1) as f64;
    super::check_work(
        &args.scenario.display().to_string(),
        scenario::work::events(&scenario) * share,
        args.force,
        args.quiet,
    )?;
    let pool = thread_pool(args.threads)?;
    let out_dir = args.out.clone().unwrap_or_else(|| Path::new("out").join(&scenario.name));
    let folder = OutputFolder::begin(&out_dir).map_err(Failure::from)?;
    super::interrupt::install(false);
    let progress = crate::progress::Progress::new(mine.len() as u64, "replications", args.quiet);
    let (started, cpu_before) = (std::time::Instant::now(), process_cpu_seconds());
    let keep_trace = args.trace || args.export_connections;
    let ran = pool
        .install(|| runner::run_some(&scenario, &mine, keep_trace, &|| progress.inc()))
        .map_err(|stall| Failure::Input(format!("{}: {stall}", args.scenario.display())))?;
    progress.finish();
    if let Some(s) = args.shard {
        let files = Files { scenario: &scenario, provenance: &provenance, source: &args.scenario };
        return write_shard(&args, s, &files, folder, &ran, &out_dir);
    }
    let result = runner::gather(&scenario, ran);
    let stats = args.stats.then(|| {
        let cpu = process_cpu_seconds().zip(cpu_before).map(|(after, before)| after - before);
        RunStats::of(&result, started.elapsed(), cpu, pool.current_num_threads())
    });
    let details = result.replications.first().map_or_else(Vec::new, |first| {
        let files = detail_files(&scenario, first, Wanted::of(&args));
        files.into_iter().map(|(name, bytes)| (name.to_string(), bytes)).collect()
    });
    let files = Files { scenario: &scenario, provenance: &provenance, source: &args.scenario };
    finish(&args, &files, &result, details, stats.as_ref(), folder, &out_dir)
}

/// Writes a run's files — the summaries, the replications, replication 0's `details` — and
/// the pictures and report asked for, publishes the folder and prints the summary. The one
/// ending of a run, whether its replications ran here or in shards.
pub(super) fn finish(
    args: &RunArgs,
    files: &Files,
    result: &RunOutput,
    details: Vec<(String, Vec<u8>)>,
    stats: Option<&RunStats>,
    mut folder: OutputFolder,
    out_dir: &Path,
) -> Result<(), Failure> {
    for (name, bytes) in summary_files(files, result, stats)? {
        folder.write(name, &bytes)?;
    }
    for (name, bytes) in details {
        folder.write(&name, &bytes)?;
    }
    if args.plot {
        super::plot::plot_dir(&folder.staging()?)?;
    }
    if args.report {
        super::report::write_report(&folder.staging()?)?;
    }
    folder.publish()?;
    drop(folder);
    if !args.quiet {
        print_summary(files.scenario, result, out_dir);
    }
    if let Some(s) = stats {
        s.lines().iter().for_each(|l| println!("{l}"));
    }
    Ok(())
}

/// What identifies a run's work across shards: the scenario as loaded, its provenance and
/// the metric columns, hashed.
pub(super) fn fingerprint(files: &Files) -> String {
    let metrics: Vec<&str> = crate::metrics::METRICS.iter().map(|d| d.name).collect();
    let provenance = serde_json::to_string(files.provenance).expect("provenance serialises");
    let text = format!("{:?}\n{provenance}\n{}\n", files.scenario, metrics.join(","));
    crate::output::provenance::sha256_hex(text.as_bytes())
}

/// `run --shard K/N`: writes the share's raw records, the manifest and — in the shard that ran
/// replication 0 — replication 0's files, into the shard folder.
fn write_shard(
    args: &RunArgs,
    s: Shard,
    files: &Files,
    mut folder: OutputFolder,
    ran: &[runner::ReplicationOutput],
    out_dir: &Path,
) -> Result<(), Failure> {
    let records = ran
        .iter()
        .map(|r| {
            let mut record = Record::new(0, r.index, &r.metrics).with_windows(&r.windows);
            record.update_statuses = r.update_statuses.clone();
            record.hourly = Some(r.hourly.clone());
            record
        })
        .collect();
    let details = ran
        .iter()
        .find(|r| r.index == 0)
        .map_or_else(Vec::new, |first| detail_files(files.scenario, first, Wanted::of(args)));
    let units = files.scenario.replications as usize;
    let manifest =
        super::shard::manifest("run", s, args, &args.scenario, fingerprint(files), units)?;
    super::shard::write(&mut folder, &manifest, records, details)?;
    if !args.quiet {
        println!(
            "shard {s}: {} of {} replications; outputs in {} (poolsim merge joins the shards)",
            ran.len(),
            units,
            out_dir.display()
        );
    }
    Ok(())
}

/// What a run's files describe besides its results.
pub(super) struct Files<'a> {
    pub(super) scenario: &'a Scenario,
    pub(super) provenance: &'a Provenance,
    /// The scenario file, copied into the outputs as `scenario.toml` for the report.
    pub(super) source: &'a Path,
}

/// The optional files a run writes.
#[derive(Clone, Copy)]
struct Wanted {
    trace: bool,
    connections: bool,
}

impl Wanted {
    fn of(args: &RunArgs) -> Self {
        Wanted { trace: args.trace, connections: args.export_connections }
    }
}

/// The files that summarise every replication: `summary.json`, `replications.csv`, and the
/// scenario file as `scenario.toml`.
fn summary_files(
    f: &Files,
    run: &RunOutput,
    stats: Option<&RunStats>,
) -> Result<Vec<(&'static str, Vec<u8>)>, Failure> {
    let summary = output::tables::summary_json_with_stats(f.scenario, f.provenance, run, stats);
    let source = std::fs::read(f.source)
        .map_err(|e| Failure::Run(format!("cannot read {} again: {e}", f.source.display())))?;
    Ok(vec![
        ("summary.json", summary),
        ("replications.csv", output::replications_csv(run)),
        ("hourly.csv", output::hourly::hourly_csv(&run.hourly)),
        ("scenario.toml", source),
    ])
}

/// The files drawn from replication 0 alone: time series, assignments, trace, connections,
/// update records.
fn detail_files(
    scenario: &Scenario,
    first: &runner::ReplicationOutput,
    wanted: Wanted,
) -> Vec<(&'static str, Vec<u8>)> {
    let clock = output::Clock::of(scenario);
    let mut files: Vec<(&'static str, Vec<u8>)> = Vec::new();
    if let Some(rows) = first.timeseries.as_ref() {
        let cfg = crate::model::ModelConfig::new(scenario);
        files.push(("timeseries.csv", output::power::timeseries_csv_for(&cfg, rows, &clock)));
    }
    if let Some(rows) = first.assignments.as_ref() {
        files.push(("assignments.csv", crate::scenario::assignments_csv::assignments_csv(rows)));
    }
    if let Some(trace) = first.trace.as_ref() {
        if wanted.trace {
            files.push(("trace.csv", output::trace_csv(trace)));
        }
        if wanted.connections {
            files.push(("connections.csv", export_connections(scenario, trace)));
        }
    }
    if !scenario.all_updates().is_empty() {
        files.push(("update.csv", output::update_csv(&first.update_rows, &clock)));
    }
    files
}

fn print_summary(scenario: &Scenario, run: &RunOutput, dir: &Path) {
    let reps = numbers::replications(scenario.replications);
    println!("{}: {reps} of {}", scenario.name, scenario.duration);
    let w = crate::metrics::METRICS.iter().map(|d| d.name.len()).max().unwrap_or(32);
    for (name, s) in &run.summaries.0 {
        let Some(mean) = s.mean else { continue };
        if numbers::kind(name) == numbers::Kind::Code {
            continue;
        }
        println!("  {name:<w$} {}", numbers::show_with_ci(name, mean, s.ci95));
    }
    if let Some(line) = update_done(scenario, &run.summaries) {
        println!("  {line}");
    }
    print_windows(run, w);
    for i in 0..scenario.all_updates().len() {
        let statuses = run.replications.iter().filter_map(|r| r.update_statuses.get(i).copied());
        println!("  {:<w$} {}", scenario.update_field(i), update_tally(statuses));
    }
    println!("outputs in {}", dir.display());
}

/// Each window's metrics, under the window's name.
fn print_windows(run: &RunOutput, w: usize) {
    for (window, summaries) in &run.windows.0 {
        println!("  window {window}:");
        for (name, s) in &summaries.0 {
            let Some(mean) = s.mean else { continue };
            let w = w - 2;
            println!("    {name:<w$} {}", numbers::show_with_ci(name, mean, s.ci95));
        }
    }
}

/// "update started Tue 22:00, done Wed 06:10 (490 min)"; with several updates only the
/// longest one's length is known.
fn update_done(scenario: &Scenario, summaries: &crate::metrics::Summaries) -> Option<String> {
    if let Some(w) = output::window::UpdateWindow::of(scenario, summaries) {
        return Some(w.sentence());
    }
    let minutes = summaries.get(crate::sweep::goal::UPDATE_TIME_METRIC)?.mean?;
    Some(format!("longest update took {minutes:.0} min"))
}

/// How an update ended across replications, e.g. "succeeded 9, failed 1 (of 10)".
fn update_tally(statuses: impl Iterator<Item = UpdateStatus>) -> String {
    let mut counts: Vec<(UpdateStatus, usize)> = Vec::new();
    let mut total = 0u32;
    for s in statuses {
        total += 1;
        match counts.iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    counts.sort_by_key(|(s, _)| s.code().unwrap_or(f64::MAX) as u64);
    let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{} {n}", s.name())).collect();
    format!("{} (of {})", parts.join(", "), numbers::replications(total))
}

/// `connections.csv`: a replay keeps its log's dates; a synthetic run starts on a Monday.
fn export_connections(
    scenario: &Scenario,
    trace: &[crate::metrics::trace::TraceRecord],
) -> Vec<u8> {
    use output::connections::{ExportPool, SYNTHETIC_ORIGIN_UTC_MS, connections_csv};
    let log = scenario.workload.replay.as_ref().and_then(|r| r.log.as_ref());
    let pool = ExportPool {
        origin_utc_ms: log.map_or(SYNTHETIC_ORIGIN_UTC_MS, |l| l.origin_utc_ms),
        name: &scenario.name,
        pool_type: if scenario.pool.kind.is_personal() {
            "PersonalDesktop"
        } else {
            "SharedDesktop"
        },
    };
    connections_csv(trace, &pool)
}
