//! `poolsim merge DIR_1 … DIR_N --out DIR`: joins the shard folders of one run or sweep
//! (`--shard K/N`) into the outputs the unsplit command writes, byte for byte.
//!
//! Every check comes before anything is written: each folder is a shard, all are shards of
//! the same command, arguments, scenario and poolsim version, each share is there once, and
//! every replication is in the share it belongs to. The scenario is loaded again from the
//! path the shards recorded, and must be the one they ran. The outputs then come from the
//! same code as the unsplit command's: the records summarised in replication order, the
//! files rendered and the folder swapped in whole.

use super::Failure;
use super::run::{self, RunArgs};
use super::sweep::{self, SweepArgs};
use crate::output::folder::OutputFolder;
use crate::runner::{self, ReplicationOutput};
use crate::shard;
use crate::shard::manifest::{self, Manifest};
use crate::shard::records::{self, Record};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The shard folders written by `run --shard K/N` or `sweep --shard K/N`, in any order.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Output directory: the run's or sweep's outputs, as the unsplit command writes them.
    #[arg(long)]
    pub out: PathBuf,
    /// Print nothing but errors (and a sweep goal's answer).
    #[arg(long)]
    pub quiet: bool,
}

/// One shard folder, read.
struct ShardDir {
    shown: String,
    manifest: Manifest,
    records: Vec<Record>,
    path: PathBuf,
}

/// Runs the command.
pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    let mut read = Vec::new();
    for dir in &args.shards {
        read.push((dir.display().to_string(), read_manifest(dir)?));
    }
    let ordered =
        manifest::check_complete(read, env!("CARGO_PKG_VERSION")).map_err(Failure::Input)?;
    let mut shards = Vec::new();
    for (shown, m) in ordered {
        let path = args.shards.iter().find(|p| p.display().to_string() == shown).cloned();
        let path = path.expect("each manifest came from a given folder");
        refuse_output_in(&path, &args.out)?;
        let records = read_records(&path)?;
        shards.push(ShardDir { shown, manifest: m, records, path });
    }
    match shards[0].manifest.command.as_str() {
        "run" => merge_run(&args, &shards),
        "sweep" => merge_sweep(&args, &shards),
        other => Err(Failure::Input(format!(
            "{}/{}: command \"{}\" is neither run nor sweep",
            shards[0].shown,
            manifest::FILE,
            other.escape_debug()
        ))),
    }
}

fn read_manifest(dir: &Path) -> Result<Manifest, Failure> {
    let path = dir.join(manifest::FILE);
    let bytes = std::fs::read(&path).map_err(|e| {
        Failure::Input(if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{}: not a shard folder (no {}; `run --shard K/N` and `sweep --shard K/N` \
                 write one)",
                dir.display(),
                manifest::FILE
            )
        } else {
            format!("{}: cannot read: {e}", path.display())
        })
    })?;
    Manifest::from_json(&bytes).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

fn read_records(dir: &Path) -> Result<Vec<Record>, Failure> {
    let path = dir.join(records::FILE);
    let bytes = std::fs::read(&path)
        .map_err(|e| Failure::Input(format!("{}: cannot read: {e}", path.display())))?;
    records::decode(&bytes).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

/// The merged outputs must not replace one of the shards being read.
fn refuse_output_in(shard: &Path, out: &Path) -> Result<(), Failure> {
    let same = match (shard.canonicalize(), std::path::absolute(out)) {
        (Ok(a), Ok(b)) => b.canonicalize().map_or(a == b, |b| a == b),
        _ => false,
    };
    if same {
        return Err(Failure::Input(format!(
            "--out {}: is one of the shard folders; give another folder",
            out.display()
        )));
    }
    Ok(())
}

/// The arguments the shards ran with, for the merged outputs.
fn arguments<T: serde::de::DeserializeOwned>(first: &ShardDir) -> Result<T, Failure> {
    serde_json::from_value(first.manifest.arguments.clone())
        .map_err(|e| Failure::Input(format!("{}/{}: arguments: {e}", first.shown, manifest::FILE)))
}

/// Every record must be of a unit its shard owns (`unit` numbers a record in the work).
fn check_owners(shards: &[ShardDir], unit: impl Fn(&Record) -> Option<u64>) -> Result<(), Failure> {
    for s in shards {
        for r in &s.records {
            if !unit(r).is_some_and(|u| s.manifest.shard.owns(u)) {
                return Err(Failure::Input(format!(
                    "{}/{}: point {} replication {} is not shard {}'s",
                    s.shown,
                    records::FILE,
                    r.point,
                    r.replication,
                    s.manifest.shard
                )));
            }
        }
    }
    Ok(())
}

fn changed_scenario(first: &ShardDir) -> Failure {
    Failure::Input(format!(
        "{}: the scenario file or a file it reads changed since the shards ran; run the \
         shards again",
        first.shown
    ))
}

fn merge_sweep(args: &MergeArgs, shards: &[ShardDir]) -> Result<(), Failure> {
    let first = &shards[0];
    let mut sweep_args: SweepArgs = arguments(first)?;
    sweep_args.out = Some(args.out.clone());
    sweep_args.quiet = args.quiet;
    let goals = sweep::parse_goals(&sweep_args)?;
    let plan = sweep::plan(&sweep_args)?;
    if sweep::fingerprint(&plan) != first.manifest.fingerprint {
        return Err(changed_scenario(first));
    }
    let units = shard::sweep_units(&sweep::replications_per_point(&plan));
    let index: std::collections::HashMap<(usize, u32), u64> =
        units.iter().enumerate().map(|(i, u)| (*u, i as u64)).collect();
    check_owners(shards, |r| index.get(&(r.point, r.replication)).copied())?;
    let all: Vec<Record> = shards.iter().flat_map(|s| s.records.iter().cloned()).collect();
    let rows = sweep::merged_rows(&plan, &all)
        .map_err(|e| Failure::Input(format!("{}: {e}", shard_list(shards))))?;
    let folder = OutputFolder::begin(&args.out)?;
    sweep::finish(&sweep_args, &goals, &plan, rows, folder)
}

fn merge_run(args: &MergeArgs, shards: &[ShardDir]) -> Result<(), Failure> {
    let first = &shards[0];
    let mut run_args: RunArgs = arguments(first)?;
    run_args.out = Some(args.out.clone());
    run_args.quiet = args.quiet;
    let (scenario, provenance) = run::load(&run_args)?;
    let files =
        run::Files { scenario: &scenario, provenance: &provenance, source: &run_args.scenario };
    if run::fingerprint(&files) != first.manifest.fingerprint {
        return Err(changed_scenario(first));
    }
    check_owners(shards, |r| (r.point == 0).then_some(u64::from(r.replication)))?;
    let mut slots: Vec<Option<ReplicationOutput>> = vec![None; scenario.replications as usize];
    for r in shards.iter().flat_map(|s| &s.records) {
        let slot = slots.get_mut(r.replication as usize).ok_or_else(|| {
            Failure::Input(format!(
                "{}: replication {} is not in this run",
                shard_list(shards),
                r.replication
            ))
        })?;
        if slot.replace(replication_of(r)).is_some() {
            return Err(Failure::Input(format!(
                "{}: replication {} is given twice",
                shard_list(shards),
                r.replication
            )));
        }
    }
    let replications = slots
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.ok_or_else(|| {
                Failure::Input(format!("{}: replication {i} is missing", shard_list(shards)))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let details = carried_files(first)?;
    let result = runner::gather(&scenario, replications);
    let folder = OutputFolder::begin(&args.out)?;
    run::finish(&run_args, &files, &result, details, None, folder, &args.out)
}

/// A replication as far as the merged outputs need it: its metrics and update statuses
/// (its detail files come from the shard that ran replication 0).
fn replication_of(r: &Record) -> ReplicationOutput {
    ReplicationOutput {
        index: r.replication,
        metrics: r.metric_values(),
        timeseries: None,
        trace: None,
        stats: crate::engine::RunStats::default(),
        assignments: None,
        update_rows: Vec::new(),
        update_statuses: r.update_statuses.clone(),
        windows: r.window_values(),
        hourly: r.hourly.clone().unwrap_or_default(),
    }
}

/// The output files shard 1 (which ran replication 0) carries as they are.
fn carried_files(first: &ShardDir) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let mut files = Vec::new();
    for name in &first.manifest.files {
        let plain = Path::new(name).file_name().is_some_and(|n| n == name.as_str());
        if !plain || name.starts_with('.') || name == manifest::FILE || name == records::FILE {
            return Err(Failure::Input(format!(
                "{}/{}: files: \"{}\" is not an output file name",
                first.shown,
                manifest::FILE,
                name.escape_debug()
            )));
        }
        let path = first.path.join(name);
        let bytes = std::fs::read(&path)
            .map_err(|e| Failure::Input(format!("{}: cannot read: {e}", path.display())))?;
        files.push((name.clone(), bytes));
    }
    Ok(files)
}

fn shard_list(shards: &[ShardDir]) -> String {
    let names: Vec<&str> = shards.iter().map(|s| s.shown.as_str()).collect();
    names.join(", ")
}
