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
use crate::sweep::file::{AxisFile, SweepFile};
use crate::sweep::{
    self, Axis, Goal, PointJob, PointResult, SweepRow, SweepTable, Verdict, partial,
};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

#[derive(clap::Args, Debug)]
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
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores].
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
    #[arg(long)]
    pub resume: bool,
    /// Also draw sweep_<metric>.png/.svg (or later: poolsim plot DIR).
    #[arg(long)]
    pub plot: bool,
    /// Also write report.html: the goal's answer, the points, the pictures on one page.
    #[arg(long)]
    pub report: bool,
    /// Print nothing but errors and the goal's answer.
    #[arg(long)]
    pub quiet: bool,
    /// Run even when the estimated work is above the ceiling (see README, "Limits").
    #[arg(long)]
    pub force: bool,
}

/// Everything decided before the first replication runs.
struct Plan {
    axes: Vec<Axis>,
    jobs: Vec<PointJob>,
    /// Each point's swept values as written in `sweep.csv`, by point number.
    values: Vec<Vec<String>>,
    header: Vec<String>,
    /// The window metric columns (`metric[window]`), after the catalog's.
    windows: Vec<String>,
    /// `sweep.json`.
    file: SweepFile,
    /// Identifies the sweep for `--resume`: the columns and every point's full scenario.
    fingerprint: Vec<u8>,
    out: PathBuf,
}

/// Runs the command.
pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
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
    let plan = plan(&args)?;
    for g in &goals {
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
    let events = plan.jobs.iter().map(|j| scenario::work::events(&j.scenario)).sum();
    super::check_work(&args.scenario.display().to_string(), events, args.force, args.quiet)?;
    let pool = thread_pool(args.threads)?;
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
    let verdict = sweep::choose_minimizing(&table, &goals, args.minimize.as_deref())
        .filter(|_| !goals.is_empty());
    if !args.quiet {
        let reps = crate::output::numbers::replications(plan.file.replications);
        println!("{}: {} points × {reps}", plan.file.scenario, table.rows.len());
        print!("{}", sweep::summary::points_table(&table, &goals, verdict.as_ref()));
        println!("outputs in {}", plan.out.display());
    }
    if let Some(verdict) = &verdict {
        write_goal_json(&table, &goals, verdict, &staging)?;
        // The answer is what the planner asked for: printed even with --quiet.
        println!("{}", sweep::goal::describe(&table, &goals, verdict));
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

fn io(path: &Path, e: std::io::Error) -> Failure {
    Failure::Run(format!("cannot write {}: {e}", path.display()))
}

/// Parses the axes and loads every point's scenario, so bad input stops the sweep before
/// anything runs.
fn plan(args: &SweepArgs) -> Result<Plan, Failure> {
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
fn row_of(plan: &Plan, p: &PointResult) -> SweepRow {
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
