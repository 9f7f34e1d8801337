//! `--shard K/N` and `poolsim merge`: shards run as separate processes at once, merged, give
//! the unsplit command's outputs byte for byte (every file: tables, summary, provenance,
//! pictures, report); bad shards are refused with one line, exit 2, nothing written.

mod cli_support;

use cli_support::{poolsim, run, run_ok, scenario_file};
use std::path::{Path, PathBuf};

/// Every file of a folder (hidden ones too), by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

/// Asserts two output folders hold the same files with the same bytes.
fn assert_same_folder(expected: &Path, actual: &Path) {
    let (a, b) = (files(expected), files(actual));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the merged folder holds other files");
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between the unsplit and the merged outputs");
    }
}

/// Runs `poolsim <args> --shard K/N --out <tmp>/shardK` for every K as `n` processes at once
/// (as `xargs -P n` would); returns the shard folders.
fn run_shards_at_once(tmp: &Path, args: &[&str], n: u32) -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = (1..=n).map(|k| tmp.join(format!("shard{k}"))).collect();
    let children: Vec<_> = dirs
        .iter()
        .enumerate()
        .map(|(i, dir)| {
            poolsim()
                .args(args)
                .args(["--shard", &format!("{}/{n}", i + 1), "--threads", "1", "--out"])
                .arg(dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("poolsim starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "a shard failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    dirs
}

fn merge(dirs: &[PathBuf], out: &Path) -> std::process::Output {
    let mut cmd = poolsim();
    cmd.arg("merge").args(dirs).arg("--out").arg(out).arg("--quiet");
    cmd.output().unwrap()
}

fn sweep_args(s: &str) -> Vec<&str> {
    vec![
        "sweep",
        s,
        "--set",
        "pool.hosts=2..4:1",
        "--set",
        "duration=2d",
        "--replications",
        "5",
        "--goal",
        "login_failure_rate<=0.05",
        "--plot",
        "--report",
        "--quiet",
    ]
}

#[test]
fn four_sweep_shards_at_once_merge_into_the_unsplit_sweep_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    let args = sweep_args(s.to_str().unwrap());
    let whole = tmp.path().join("whole");
    let mut unsplit = args.clone();
    unsplit.extend(["--threads", "2", "--out", whole.to_str().unwrap()]);
    run_ok(&unsplit);
    let dirs = run_shards_at_once(tmp.path(), &args, 4);
    // Shards are in a different order than their numbers: merge orders them.
    let shuffled = [&dirs[2], &dirs[0], &dirs[3], &dirs[1]].map(|d| d.to_path_buf());
    let merged = tmp.path().join("merged");
    let out = merge(&shuffled, &merged);
    assert!(out.status.success(), "merge failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(files(&merged).iter().any(|(n, _)| n == "report.html"));
    assert!(files(&merged).iter().any(|(n, _)| n.ends_with(".png")));
    assert!(files(&merged).iter().any(|(n, _)| n == "goal.json"));
    assert_same_folder(&whole, &merged);
    // 3 points × 5 replications over 4 shards: shares of 4, 4, 4 and 3 replications.
    let lines: Vec<usize> = dirs
        .iter()
        .map(|d| std::fs::read_to_string(d.join("records.jsonl")).unwrap().lines().count())
        .collect();
    assert_eq!(lines, [4, 4, 4, 3]);
}

#[test]
fn run_shards_at_once_merge_into_the_unsplit_run_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("update-weeknight.toml");
    let s = s.to_str().unwrap();
    let args = [
        "run",
        s,
        "--replications",
        "6",
        "--trace",
        "--export-connections",
        "--plot",
        "--report",
        "--quiet",
    ];
    let whole = tmp.path().join("whole");
    let mut unsplit = args.to_vec();
    unsplit.extend(["--out", whole.to_str().unwrap()]);
    run_ok(&unsplit);
    for n in [4, 1] {
        let shards = tmp.path().join(format!("of{n}"));
        std::fs::create_dir(&shards).unwrap();
        let dirs = run_shards_at_once(&shards, &args, n);
        let merged = tmp.path().join(format!("merged{n}"));
        let out = merge(&dirs, &merged);
        assert!(out.status.success(), "merge failed: {}", String::from_utf8_lossy(&out.stderr));
        for name in ["trace.csv", "connections.csv", "update.csv", "update.png", "report.html"] {
            assert!(merged.join(name).is_file(), "{name} is missing after merging {n} shards");
        }
        assert_same_folder(&whole, &merged);
    }
}

#[test]
fn a_personal_run_merges_with_its_assignments() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("personal-automatic.toml");
    let args = ["run", s.to_str().unwrap(), "--replications", "3", "--set", "duration=2d"];
    let whole = tmp.path().join("whole");
    let mut unsplit = args.to_vec();
    unsplit.extend(["--quiet", "--out", whole.to_str().unwrap()]);
    run_ok(&unsplit);
    let dirs = run_shards_at_once(tmp.path(), &args, 2);
    let merged = tmp.path().join("merged");
    assert!(merge(&dirs, &merged).status.success());
    assert!(merged.join("assignments.csv").is_file());
    assert_same_folder(&whole, &merged);
}

/// Asserts a command fails as bad input: exit 2, one line naming `needle`, no `out` folder.
fn assert_refused(out: std::process::Output, needle: &str, not_written: &Path) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "expected exit 2 for {needle:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(!not_written.exists(), "{} was written", not_written.display());
}

#[test]
fn bad_shards_are_refused_with_one_line_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    // A private copy of the scenario, so that changing it is a row of this table.
    let s = tmp.path().join("pool.toml");
    std::fs::copy(scenario_file("pooled-erlang.toml"), &s).unwrap();
    let s = s.to_str().unwrap();
    let base = ["sweep", s, "--set", "pool.hosts=2,3", "--set", "duration=1d", "--quiet"];
    let shard = |name: &str, k: &str, extra: &[&str]| {
        let dir = tmp.path().join(name);
        let mut a = base.to_vec();
        a.extend(["--shard", k, "--out", dir.to_str().unwrap()]);
        a.extend(extra);
        run_ok(&a);
        dir
    };
    let (a1, a2, a3) = (shard("a1", "1/3", &[]), shard("a2", "2/3", &[]), shard("a3", "3/3", &[]));
    let seed = shard("seed", "2/3", &["--seed", "9"]);
    let reps = shard("reps", "2/3", &["--replications", "3"]);
    let grid = {
        let dir = tmp.path().join("grid");
        run_ok(
            &["sweep", s, "--set", "pool.hosts=2,4", "--set", "duration=1d", "--quiet"]
                .into_iter()
                .chain(["--shard", "2/3", "--out", dir.to_str().unwrap()])
                .collect::<Vec<_>>(),
        );
        dir
    };
    let halves = shard("half", "2/2", &[]);
    let run_shard = {
        let dir = tmp.path().join("run");
        run_ok(&["run", s, "--quiet", "--shard", "2/3", "--out", dir.to_str().unwrap()]);
        dir
    };
    let out = tmp.path().join("never");
    let m =
        |dirs: &[&PathBuf]| merge(&dirs.iter().map(|d| d.to_path_buf()).collect::<Vec<_>>(), &out);
    assert_refused(m(&[&a1, &a3]), "shard 2/3 is missing", &out);
    assert_refused(m(&[&a1, &a2, &a2, &a3]), "are both shard 2/3", &out);
    assert_refused(m(&[&a1, &seed, &a3]), "its --seed differs", &out);
    assert_refused(m(&[&a1, &reps, &a3]), "its --replications differs", &out);
    assert_refused(m(&[&a1, &grid, &a3]), "its --set differs", &out);
    assert_refused(m(&[&a1, &halves, &a3]), "shards of different splits", &out);
    assert_refused(m(&[&a1, &run_shard, &a3]), "a shard of a run", &out);
    assert_refused(m(&[&a1, &tmp.path().to_path_buf(), &a3]), "not a shard folder", &out);
    let merged_into_a_shard = merge(&[a1.clone(), a2.clone(), a3.clone()], &a2);
    assert_eq!(merged_into_a_shard.status.code(), Some(2));
    assert!(a2.join("shard.json").is_file(), "the shard is left as it was");
    // Another poolsim version.
    let old = tmp.path().join("old");
    std::fs::create_dir(&old).unwrap();
    for f in ["shard.json", "records.jsonl"] {
        std::fs::copy(a2.join(f), old.join(f)).unwrap();
    }
    let manifest = std::fs::read_to_string(old.join("shard.json")).unwrap();
    let version = format!("\"poolsim_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(manifest.contains(&version));
    std::fs::write(
        old.join("shard.json"),
        manifest.replace(&version, "\"poolsim_version\": \"0.0.1\""),
    )
    .unwrap();
    assert_refused(m(&[&a1, &old, &a3]), "made by poolsim 0.0.1", &out);
    // A shard whose records lost a line: the replication is missing.
    let cut = tmp.path().join("cut");
    std::fs::create_dir(&cut).unwrap();
    std::fs::copy(a2.join("shard.json"), cut.join("shard.json")).unwrap();
    let records = std::fs::read_to_string(a2.join("records.jsonl")).unwrap();
    let first_line_dropped: String = records.lines().skip(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(cut.join("records.jsonl"), first_line_dropped).unwrap();
    assert_refused(m(&[&a1, &cut, &a3]), "is missing", &out);
    // A record moved into another shard's folder.
    let moved = tmp.path().join("moved");
    std::fs::create_dir(&moved).unwrap();
    std::fs::copy(a3.join("shard.json"), moved.join("shard.json")).unwrap();
    let extra = std::fs::read_to_string(a3.join("records.jsonl")).unwrap()
        + records.lines().next().unwrap()
        + "\n";
    std::fs::write(moved.join("records.jsonl"), extra).unwrap();
    assert_refused(m(&[&a1, &cut, &moved]), "is not shard 3/3's", &out);
    // The scenario file changed after the shards ran.
    let text = std::fs::read_to_string(s).unwrap();
    std::fs::write(s, format!("{text}\n# edited\n")).unwrap();
    assert_refused(m(&[&a1, &a2, &a3]), "changed since the shards ran", &out);
    std::fs::write(s, text).unwrap();
    assert!(m(&[&a1, &a2, &a3]).status.success(), "the restored scenario merges again");
}

#[test]
fn malformed_shard_arguments_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    let s = s.to_str().unwrap();
    let out = tmp.path().join("never");
    let o = out.to_str().unwrap();
    for (k, needle) in [
        ("0/4", "K must be from 1 to 4"),
        ("5/4", "K must be from 1 to 4"),
        ("1/0", "N must be at least 1"),
        ("2", "expected K/N"),
        ("x/4", "whole numbers"),
        ("-1/4", "whole numbers"),
    ] {
        assert_refused(run(&["run", s, "--shard", k, "--out", o]), needle, &out);
        let sweep = ["sweep", s, "--set", "pool.hosts=2,3", "--shard", k, "--out", o];
        assert_refused(run(&sweep), needle, &out);
    }
    assert_refused(run(&["run", s, "--shard", "1/2", "--stats", "--out", o]), "--stats", &out);
    let resume = ["sweep", s, "--set", "pool.hosts=2,3", "--shard", "1/2", "--resume", "--out", o];
    assert_refused(run(&resume), "--resume", &out);
}
