//! `poolsim sweep`: run a scenario over a grid of parameter values, with replications, and
//! write `sweep.csv`; with `--goal`, answer which point is the cheapest that meets them.
//!
//! Finished points are appended to `sweep.partial.csv` as they complete, so Ctrl-C keeps them
//! and `--resume` runs only the rest. `sweep.csv` is written once, atomically, in point order,
//! and is byte-identical however the sweep was split or interrupted.

use super::{Failure, thread_pool};
use crate::metrics::METRICS;
use crate::output::folder::OutputFolder;
use crate::output::write_atomic;
use crate::scenario;
use crate::shard::{self, Shard, records::Record};
use crate::sweep::file::{AxisFile, SweepFile};
use crate::sweep::{
    self, Axis, Goal, PointJob, PointResult, SweepRow, SweepTable, Verdict, partial,
};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The arguments; those that shape the outputs are kept in a shard's manifest, which `merge`
/// reads back (the others are skipped).
#[derive(clap::Args, Debug, serde::Serialize, serde::Deserialize)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// A swept key and its values: path=v1,v2,… or path=start..end:step, end included
    /// (repeatable; the grid is every combination).
    #[arg(long = "set", value_name = "PATH=VALUES", required = true)]
    pub set: Vec<String>,
    /// Replications per point [default: the scenario's].
    #[arg(long)]
    pub replications: Option<u32>,
    /// Override the scenario's seed (every point uses it: common random numbers).
    #[arg(long, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Output directory [default: out/<scenario name>-sweep].
    #[serde(skip)]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[serde(skip)]
    #[arg(long)]
    pub threads: Option<usize>,
    /// A service-level goal on a metric's mean, e.g. 'login_failure_rate<=0.01'
    /// (repeatable): report the cheapest point meeting all of them.
    #[arg(long = "goal", value_name = "METRIC<=VALUE")]
    pub goals: Vec<String>,
    /// With --goal: "cheapest" is the lowest mean of this metric [default: cost when the
    /// scenario has [cost], else the fewest hosts].
    #[arg(long, value_name = "METRIC")]
    pub minimize: Option<String>,
    /// Continue an interrupted sweep in the same output directory.
    #[serde(skip)]
    #[arg(long)]
    pub resume: bool,
    /// Also draw sweep_<metric>.png/.svg (or later: poolsim plot DIR).
    #[arg(long)]
    pub plot: bool,
    /// Also write report.html: the goal's answer, the points, the pictures on one page.
    #[arg(long)]
    pub report: bool,
    /// Print nothing but errors and the goal's answer.
    #[serde(skip)]
    #[arg(long)]
    pub quiet: bool,
    /// Run even when the estimated work is above the ceiling (see README, "Limits").
    #[serde(skip)]
    #[arg(long)]
    pub force: bool,
    /// Run only share K of N of the points × replications, into a shard folder that
    /// `poolsim merge` joins with the others into this sweep's outputs.
    #[serde(skip)]
    #[arg(long, value_name = "K/N", value_parser = crate::shard::parse_arg, allow_hyphen_values = true)]
    pub shard: Option<Shard>,
}

/// Everything decided before the first replication runs.
pub(super) struct Plan {
    axes: Vec<Axis>,
    pub(super) jobs: Vec<PointJob>,
    /// Each point's swept values as written in `sweep.csv`, by point number.
    values: Vec<Vec<String>>,
    header: Vec<String>,
    /// The window metric columns (`metric[window]`), after the catalog's.
    windows: Vec<String>,
    /// `sweep.json`.
    file: SweepFile,
    /// Identifies the sweep for `--resume`: the columns and every point's full scenario.
    fingerprint: Vec<u8>,
    pub(super) out: PathBuf,
}

/// Runs the command.
pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let goals = parse_goals(&args)?;
    if args.shard.is_some() && args.resume {
        return Err(Failure::Input(
            "--resume does not apply to a shard: run the shard again".into(),
        ));
    }
    let plan = plan(&args)?;
    check_window_goals(&goals, &plan)?;
    let units = shard::sweep_units(&replications_per_point(&plan));
    let share = args.shard.map_or(units.len(), |s| shard::share(&units, s).len());
    let events: f64 = plan.jobs.iter().map(|j| scenario::work::events(&j.scenario)).sum();
    let events = events * share as f64 / units.len().max(1) as f64;
    super::check_work(&args.scenario.display().to_string(), events, args.force, args.quiet)?;
    let pool = thread_pool(args.threads)?;
    if let Some(s) = args.shard {
        return run_shard(&args, &plan, &pool, s, &units);
    }
    if args.resume {
        has_interrupted_sweep(&plan)?;
    }
    let mut folder = OutputFolder::begin(&plan.out)?;
    let cancel = super::interrupt::install(true);
    let done = if args.resume {
        resume_state(&plan)?
    } else {
        fresh_state(&plan, &mut folder, args.quiet)?
    };
    let rows = run_points(&plan, &pool, done, cancel, args.quiet)?;
    finish(&args, &goals, &plan, rows, folder)
}

/// A goal on a window metric (`metric[window]`) must name one of the scenario's windows.
pub(super) fn check_window_goals(goals: &[Goal], plan: &Plan) -> Result<(), Failure> {
    for g in goals {
        if crate::metrics::summary::split_window(&g.metric).1.is_some()
            && !plan.windows.contains(&g.metric)
        {
            return Err(Failure::Input(format!(
                "--goal \"{}\": no such window metric; the scenario's are: {}",
                g.metric.escape_debug(),
                plan.windows.join(", ")
            )));
        }
    }
    Ok(())
}

/// The `--goal` options, parsed, and `--minimize` checked against them.
pub(super) fn parse_goals(args: &SweepArgs) -> Result<Vec<Goal>, Failure> {
    let goals = args
        .goals
        .iter()
        .map(|g| Goal::parse(g).map_err(|m| Failure::Input(format!("--goal {m}"))))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(m) = &args.minimize {
        if crate::metrics::catalog::def(m).is_none() {
            let msg = format!(
                "--minimize \"{}\" is not a metric (see the README's metric table)",
                m.escape_debug()
            );
            return Err(Failure::Input(msg));
        }
        if goals.is_empty() {
            return Err(Failure::Input("--minimize only applies with --goal".into()));
        }
    }
    Ok(goals)
}

/// Writes a finished sweep's files from every point's row — `sweep.json`, `sweep.csv`,
/// `sweep_long.csv`, the goal's answer, pictures and report as asked — and publishes the
/// folder. The one ending of a sweep, whether it ran here or in shards.
pub(super) fn finish(
    args: &SweepArgs,
    goals: &[Goal],
    plan: &Plan,
    rows: BTreeMap<usize, SweepRow>,
    mut folder: OutputFolder,
) -> Result<(), Failure> {
    let table = SweepTable {
        params: plan.axes.iter().map(|a| a.path.clone()).collect(),
        metrics: METRICS.iter().map(|d| d.name.to_string()).chain(plan.windows.clone()).collect(),
        rows: rows.into_values().collect(),
    };
    // The finished sweep replaces the folder whole: the plan and partial file go with it.
    let mut sweep_json = serde_json::to_vec_pretty(&plan.file).expect("sweep.json serialises");
    sweep_json.push(b'\n');
    folder.write("sweep.json", &sweep_json)?;
    folder.write("sweep_long.csv", &table.to_long_csv())?;
    folder.write("sweep.csv", &table.to_csv())?;
    let staging = folder.staging()?;
    let verdict = sweep::choose_minimizing(&table, goals, args.minimize.as_deref())
        .filter(|_| !goals.is_empty());
    if !args.quiet {
        let reps = crate::output::numbers::replications(plan.file.replications);
        println!("{}: {} points × {reps}", plan.file.scenario, table.rows.len());
        print!("{}", sweep::summary::points_table(&table, goals, verdict.as_ref()));
        println!("outputs in {}", plan.out.display());
    }
    if let Some(verdict) = &verdict {
        write_goal_json(&table, goals, verdict, &staging)?;
        // The answer is what the planner asked for: printed even with --quiet.
        println!("{}", sweep::goal::describe(&table, goals, verdict));
    }
    if args.plot {
        super::plot::plot_dir(&staging)?;
    }
    if args.report {
        super::report::write_report(&staging)?;
    }
    folder.publish()?;
    match verdict {
        Some(Verdict::NoneMet { .. }) => Err(Failure::GoalNotMet(format!(
            "no point of the sweep meets every goal (outputs in {})",
            plan.out.display()
        ))),
        _ => Ok(()),
    }
}

/// Every point's row from shards' records: each point's replications summarised in
/// replication order, as [`sweep::execute`] does. `Err` when a replication is missing or
/// given twice, or a record names no unit of this sweep.
pub(super) fn merged_rows(
    plan: &Plan,
    records: &[Record],
) -> Result<BTreeMap<usize, SweepRow>, String> {
    type Values = (crate::metrics::MetricValues, Vec<crate::metrics::MetricValues>);
    let mut per_point: Vec<Vec<Option<Values>>> =
        plan.jobs.iter().map(|j| vec![None; j.scenario.replications as usize]).collect();
    for r in records {
        let slot =
            per_point.get_mut(r.point).and_then(|p| p.get_mut(r.replication as usize)).ok_or_else(
                || format!("point {} replication {} is not in this sweep", r.point, r.replication),
            )?;
        if slot.replace((r.metric_values(), r.window_values())).is_some() {
            return Err(format!("point {} replication {} is given twice", r.point, r.replication));
        }
    }
    let mut rows = BTreeMap::new();
    for (job, values) in plan.jobs.iter().zip(per_point) {
        let values: Vec<Values> = values
            .into_iter()
            .enumerate()
            .map(|(r, v)| {
                v.ok_or_else(|| format!("point {} replication {r} is missing", job.index))
            })
            .collect::<Result<_, _>>()?;
        let summaries =
            crate::metrics::Summaries::of(&values.iter().map(|(m, _)| m).collect::<Vec<_>>());
        let windows = crate::runner::summarise_windows(
            &job.scenario,
            values.iter().map(|(_, w)| w.as_slice()),
        );
        let point = PointResult { index: job.index, summaries, windows };
        rows.insert(job.index, row_of(plan, &point));
    }
    Ok(rows)
}

/// Each point's replications, in point order.
pub(super) fn replications_per_point(plan: &Plan) -> Vec<u32> {
    plan.jobs.iter().map(|j| j.scenario.replications).collect()
}

/// What identifies a sweep's work across shards: the plan's fingerprint (columns, the unswept
/// scenario as loaded, the grid) and `sweep.json` (the provenance), hashed.
pub(super) fn fingerprint(plan: &Plan) -> String {
    let mut bytes = plan.fingerprint.clone();
    bytes.extend(serde_json::to_vec(&plan.file).expect("sweep.json serialises"));
    crate::output::provenance::sha256_hex(&bytes)
}

/// `sweep --shard K/N`: runs the share's replications and writes them, with the manifest, into
/// the shard folder `--out`.
fn run_shard(
    args: &SweepArgs,
    plan: &Plan,
    pool: &rayon::ThreadPool,
    s: Shard,
    units: &[(usize, u32)],
) -> Result<(), Failure> {
    let mut folder = OutputFolder::begin(&plan.out)?;
    let cancel = super::interrupt::install(false);
    let mine = shard::share(units, s);
    let progress = crate::progress::Progress::new(mine.len() as u64, "replications", args.quiet);
    let ran = pool
        .install(|| sweep::execute::execute_units(&plan.jobs, &mine, cancel, &|| progress.inc()));
    progress.finish();
    let ran = ran
        .map_err(|(point, stall)| {
            let name = plan.jobs.first().map_or(String::new(), |j| j.scenario.name.clone());
            Failure::Input(format!("{name}: point {point}: {stall}"))
        })?
        .ok_or_else(|| Failure::Interrupted("interrupted: the shard was not written".into()))?;
    let records = ran.iter().map(|(p, r, m, w)| Record::new(*p, *r, m).with_windows(w)).collect();
    let manifest =
        super::shard::manifest("sweep", s, args, &args.scenario, fingerprint(plan), units.len())?;
    super::shard::write(&mut folder, &manifest, records, Vec::new())?;
    if !args.quiet {
        println!(
            "shard {s}: {} of {} replications; outputs in {} (poolsim merge joins the shards)",
            mine.len(),
            units.len(),
            plan.out.display()
        );
    }
    Ok(())
}

fn io(path: &Path, e: std::io::Error) -> Failure {
    Failure::Run(format!("cannot write {}: {e}", path.display()))
}

/// Parses the axes and loads every point's scenario, so bad input stops the sweep before
/// anything runs.
pub(super) fn plan(args: &SweepArgs) -> Result<Plan, Failure> {
    let axes = args
        .set
        .iter()
        .map(|s| Axis::parse(s).map_err(|m| Failure::Input(format!("--set {m}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let base = super::seed_and_replications(args.seed, args.replications)?;
    sweep::grid::check_size(&axes).map_err(|m| Failure::Input(format!("--set: {m}")))?;
    let template = scenario::Template::read(&args.scenario)?;
    let mut jobs = Vec::new();
    let mut values = Vec::new();
    for point in sweep::points(&axes) {
        values.push(point.values.iter().map(sweep::grid::display).collect());
        let mut overrides = base.clone();
        overrides.extend(point.overrides(&axes));
        let scenario = template.with(&overrides)?;
        jobs.push(PointJob { index: point.index, scenario });
    }
    let params: Vec<String> = axes.iter().map(|a| a.path.clone()).collect();
    let windows: Vec<String> = jobs.first().map_or_else(Vec::new, |j| {
        let metrics = crate::runner::window_metrics(&j.scenario);
        let names = j.scenario.windows.iter().map(|w| w.name.clone());
        names
            .flat_map(|w| {
                let w2 = w.clone();
                metrics
                    .iter()
                    .map(move |m| format!("{}[{w2}]", crate::metrics::METRICS[*m as usize].name))
            })
            .collect()
    });
    let mut metrics: Vec<&str> = METRICS.iter().map(|d| d.name).collect();
    metrics.extend(windows.iter().map(String::as_str));
    let header = sweep::table::header(&params, &metrics);
    // The columns, the unswept scenario as loaded (with its imported assignments) and the
    // grid identify the sweep: every point's scenario follows from them.
    let unswept = template.with(&base)?;
    let fingerprint = format!("{}\n{unswept:?}\n{axes:?}\n", header.join(",")).into_bytes();
    let name = jobs.first().map_or("sweep".to_string(), |j| format!("{}-sweep", j.scenario.name));
    let out = args.out.clone().unwrap_or_else(|| Path::new("out").join(name));
    let file = sweep_file(args, &axes, &base, &jobs)?;
    Ok(Plan { axes, jobs, values, header, windows, file, fingerprint, out })
}

/// What `sweep.json` records of the sweep about to run.
fn sweep_file(
    args: &SweepArgs,
    axes: &[Axis],
    base: &[scenario::Override],
    jobs: &[PointJob],
) -> Result<SweepFile, Failure> {
    let first =
        &jobs.first().ok_or_else(|| Failure::Input("--set: no point to run".into()))?.scenario;
    // The pool before the swept values; the first point's when the file needs them to load.
    let unswept = scenario::load(&args.scenario, base).ok();
    let mut provenance = crate::output::provenance::Provenance::of_file(
        &args.scenario,
        base,
        unswept.as_ref().unwrap_or(first),
    );
    provenance.overrides.extend(args.set.iter().map(|s| s.trim().to_string()));
    let is_range = |text: &str| text.split_once('=').is_some_and(|(_, v)| v.contains(".."));
    Ok(SweepFile {
        provenance,
        scenario: first.name.clone(),
        replications: first.replications,
        seed: first.seed,
        axes: axes
            .iter()
            .zip(&args.set)
            .map(|(a, text)| AxisFile {
                path: a.path.clone(),
                values: a
                    .values
                    .iter()
                    .map(|v| sweep::goal::typed(&sweep::grid::display(v)))
                    .collect(),
                range: is_range(text),
            })
            .collect(),
        goals: args.goals.iter().map(|g| g.trim().to_string()).collect(),
    })
}

/// Starts a new sweep: the folder is replaced by one holding only the plan and an empty
/// partial file (the state `--resume` continues from).
fn fresh_state(
    plan: &Plan,
    folder: &mut OutputFolder,
    quiet: bool,
) -> Result<BTreeMap<usize, SweepRow>, Failure> {
    let plan_path = plan.out.join("sweep.plan");
    if !quiet && std::fs::read(&plan_path).is_ok_and(|old| old == plan.fingerprint) {
        eprintln!(
            "note: starting over; the interrupted sweep in {} is replaced (--resume continues it)",
            plan.out.display()
        );
    }
    folder.write("sweep.plan", &plan.fingerprint)?;
    folder.write("sweep.partial.csv", &partial::header(&plan.header))?;
    folder.publish()?;
    Ok(BTreeMap::new())
}

/// Refuses `--resume` before anything is created when the folder holds no interrupted sweep.
fn has_interrupted_sweep(plan: &Plan) -> Result<(), Failure> {
    if plan.out.join("sweep.plan").is_file() && plan.out.join("sweep.partial.csv").is_file() {
        return Ok(());
    }
    Err(Failure::Input(format!(
        "--resume: {} holds no interrupted sweep (no sweep.plan and sweep.partial.csv)",
        plan.out.display()
    )))
}

/// Picks up an interrupted sweep: checks it is the same sweep and reads its finished points.
fn resume_state(plan: &Plan) -> Result<BTreeMap<usize, SweepRow>, Failure> {
    let plan_path = plan.out.join("sweep.plan");
    let partial_path = plan.out.join("sweep.partial.csv");
    let (Ok(old_plan), Ok(bytes)) = (std::fs::read(&plan_path), std::fs::read(&partial_path))
    else {
        return Err(Failure::Input(format!(
            "--resume: {} holds no interrupted sweep (no sweep.plan and sweep.partial.csv)",
            plan.out.display()
        )));
    };
    if old_plan != plan.fingerprint {
        return Err(Failure::Input(format!(
            "--resume: the sweep in {} was started with another scenario, grid or \
             replications; run it again without --resume",
            plan.out.display()
        )));
    }
    let rows = partial::read(&bytes, &plan.header, plan.axes.len())
        .map_err(|m| Failure::Input(format!("--resume: {}: {m}", partial_path.display())))?;
    // Rewrite the partial file without any line cut short, so appends stay well-formed.
    let mut clean = partial::header(&plan.header);
    for (i, r) in &rows {
        clean.extend(partial::row(*i, r));
    }
    write_atomic(&partial_path, &clean).map_err(|e| io(&partial_path, e))?;
    Ok(rows)
}

/// Runs the points not yet done, appending each to the partial file as it finishes; returns
/// every point's row, in point order.
fn run_points(
    plan: &Plan,
    pool: &rayon::ThreadPool,
    done: BTreeMap<usize, SweepRow>,
    cancel: &AtomicBool,
    quiet: bool,
) -> Result<BTreeMap<usize, SweepRow>, Failure> {
    let todo: Vec<PointJob> =
        plan.jobs.iter().filter(|j| !done.contains_key(&j.index)).cloned().collect();
    let total_points = plan.jobs.len();
    let partial_path = plan.out.join("sweep.partial.csv");
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(&partial_path)
        .map_err(|e| io(&partial_path, e))?;
    let reps: u64 = todo.iter().map(|j| u64::from(j.scenario.replications)).sum();
    let progress = crate::progress::Progress::new(reps, "replications", quiet);
    let finished = AtomicUsize::new(done.len());
    progress.set_message(format!(", {}/{total_points} points", done.len()));
    let rows = Mutex::new(done);
    let sink = Mutex::new((file, None::<std::io::Error>));
    let on_point = |p: PointResult| {
        let row = row_of(plan, &p);
        let line = partial::row(p.index, &row);
        let mut s = sink.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = s.0.write_all(&line).and_then(|()| s.0.flush()) {
            s.1.get_or_insert(e);
        }
        drop(s);
        rows.lock().unwrap_or_else(|e| e.into_inner()).insert(p.index, row);
        let n = finished.fetch_add(1, Ordering::Relaxed) + 1;
        progress.set_message(format!(", {n}/{total_points} points"));
    };
    let stalled = pool.install(|| sweep::execute(&todo, cancel, &|| progress.inc(), &on_point));
    progress.finish();
    if let Err((point, stall)) = stalled {
        return Err(Failure::Input(format!(
            "{}: point {point}: {stall}",
            plan.jobs.first().map_or(String::new(), |j| j.scenario.name.clone())
        )));
    }
    if let Some(e) = sink.into_inner().unwrap_or_else(|e| e.into_inner()).1 {
        return Err(io(&partial_path, e));
    }
    let rows = rows.into_inner().unwrap_or_else(|e| e.into_inner());
    if rows.len() < total_points {
        return Err(Failure::Interrupted(format!(
            "interrupted: {} of {total_points} points kept in {}; continue with --resume",
            rows.len(),
            partial_path.display()
        )));
    }
    Ok(rows)
}

/// The `sweep.csv` row of a finished point.
pub(super) fn row_of(plan: &Plan, p: &PointResult) -> SweepRow {
    SweepRow {
        params: plan.values[p.index].clone(),
        cells: [
            sweep::table::metric_cells(&p.summaries),
            sweep::table::window_cells(&p.windows, &plan.windows),
        ]
        .concat(),
    }
}

/// Writes the answer to the goals to `goal.json`.
fn write_goal_json(
    table: &SweepTable,
    goals: &[Goal],
    verdict: &Verdict,
    out: &Path,
) -> Result<(), Failure> {
    let report = sweep::goal::report(table, goals, verdict);
    let path = out.join("goal.json");
    let mut bytes = serde_json::to_vec_pretty(&report).expect("goal report serialises");
    bytes.push(b'\n');
    write_atomic(&path, &bytes).map_err(|e| io(&path, e))
}
