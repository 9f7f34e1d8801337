//! `poolsim sweep`: determinism across thread counts, confidence intervals against Erlang-B,
//! the SLO goal against its analytic answer, Ctrl-C and `--resume`, and bad input.

mod cli_support;

use cli_support::{poolsim, run, run_ok, scenario_file};
use poolsim::metrics::stats::erlang_b;
use poolsim::sweep::SweepTable;
use poolsim::sweep::table::Stat;
use std::path::Path;
use std::time::{Duration, Instant};

fn read_table(dir: &Path) -> SweepTable {
    SweepTable::from_csv(&std::fs::read(dir.join("sweep.csv")).unwrap()).unwrap()
}

fn sweep_args<'a>(dir: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["sweep", "--quiet", "--out", dir];
    a.extend_from_slice(extra);
    a
}

#[test]
fn sweep_csv_is_identical_on_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    let s = s.to_str().unwrap();
    let grid =
        [s, "--set", "pool.hosts=2..4:1", "--set", "pool.max_sessions=4,5", "--set", "duration=3d"];
    let mut bytes = Vec::new();
    for threads in ["1", "2"] {
        let dir = tmp.path().join(threads);
        let dir = dir.to_str().unwrap();
        let mut args = sweep_args(dir, &grid);
        args.extend(["--replications", "3", "--threads", threads]);
        run_ok(&args);
        bytes.push(std::fs::read(Path::new(dir).join("sweep.csv")).unwrap());
    }
    assert_eq!(bytes[0], bytes[1], "sweep.csv differs between 1 and 2 threads");
    let table = SweepTable::from_csv(&bytes[0]).unwrap();
    assert_eq!(table.params, ["pool.hosts", "pool.max_sessions", "duration"]);
    assert_eq!(table.rows.len(), 6, "3 host counts × 2 session limits");
    assert_eq!(table.rows[1].params, ["2", "5", "3d"], "the first axis varies slowest");
    // More slots can only lower the failure rate under common random numbers' same arrivals.
    let rate = |r| table.value(r, "login_failure_rate", Stat::Mean).unwrap();
    assert!(rate(0) > rate(5), "2×4 slots fail more often than 4×5");
}

#[test]
fn confidence_intervals_cover_the_erlang_b_value_in_about_95_percent_of_seeds() {
    // 40 independent sweeps of the classic loss system (c = 15 slots, E = 10 Erlangs), each
    // with 5 replications: the 95 % t-interval of the failure rate should hold B(15, 10) in
    // about 38 of 40; fewer than 34 would mean biased estimates or too-narrow intervals.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    let args = [s.to_str().unwrap(), "--set", "seed=1..40:1", "--set", "duration=10d"];
    run_ok(&[sweep_args(dir, &args), vec!["--replications", "5"]].concat());
    let table = read_table(tmp.path());
    assert_eq!(table.rows.len(), 40);
    let b = erlang_b(15, 10.0);
    let covered = (0..40)
        .filter(|&r| {
            let lo = table.value(r, "login_failure_rate", Stat::CiLow).unwrap();
            let hi = table.value(r, "login_failure_rate", Stat::CiHigh).unwrap();
            lo <= b && b <= hi
        })
        .count();
    assert!(covered >= 34, "only {covered} of 40 intervals cover B(15, 10) = {b}");
}

#[test]
fn the_goal_picks_the_smallest_host_count_erlang_b_allows() {
    // One session per host: c = hosts. The answer is the smallest c with B(c, 10) <= 1 %.
    let target = 0.01;
    let expected = (1..100).find(|&c| erlang_b(c, 10.0) <= target).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let s = scenario_file("erlang-sweep.toml");
    let goal = format!("login_failure_rate<={target}");
    let args = [s.to_str().unwrap(), "--set", "pool.hosts=14..22:1", "--set", "duration=60d"];
    let extra = ["--replications", "8", "--goal", goal.as_str()];
    let mut cmd = sweep_args(dir, &args);
    cmd.retain(|a| *a != "--quiet");
    let out = run_ok(&[cmd, extra.to_vec()].concat());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("pool.hosts={expected}")), "{stdout}");
    // The printed table: a header and one line per point, the answer's line marked.
    let marked: Vec<&str> = stdout.lines().filter(|l| l.starts_with('→')).collect();
    assert_eq!(marked.len(), 1, "{stdout}");
    assert!(marked[0].split_whitespace().nth(1) == Some(expected.to_string().as_str()), "{stdout}");
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.trim_start().starts_with(char::is_numeric) || l.starts_with('→'))
            .count(),
        9,
        "{stdout}"
    );
    let goal_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("goal.json")).unwrap()).unwrap();
    assert_eq!(goal_json["met"], true);
    assert_eq!(goal_json["point"]["pool.hosts"], expected, "a number, as in the scenario");

    // A goal no point reaches: say so, and name the closest point (the most hosts).
    let strict = ["--replications", "2", "--goal", "login_failure_rate<=0.00001"];
    let args = [s.to_str().unwrap(), "--set", "pool.hosts=14..16:1"];
    let out = cli_support::run(&[sweep_args(dir, &args), strict.to_vec()].concat());
    assert_eq!(out.status.code(), Some(3), "a goal not met exits 3");
    let goal_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("goal.json")).unwrap()).unwrap();
    assert_eq!(goal_json["met"], false);
    assert_eq!(goal_json["point"]["pool.hosts"], 16);
    // --quiet still prints the answer: it is what was asked.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("no point meets every goal; closest: pool.hosts=16"), "{stdout}");
    assert!(!stdout.contains('→'), "--quiet leaves the table out: {stdout}");
}

#[test]
fn ctrl_c_keeps_finished_points_and_resume_completes_the_same_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    let grid = [s.to_str().unwrap(), "--set", "pool.hosts=1..60:1", "--set", "duration=120d"];
    let reference = tmp.path().join("reference");
    let reference = reference.to_str().unwrap();
    run_ok(&[sweep_args(reference, &grid), vec!["--replications", "3"]].concat());

    let dir = tmp.path().join("interrupted");
    let d = dir.to_str().unwrap();
    let args = [sweep_args(d, &grid), vec!["--replications", "3", "--threads", "1"]].concat();
    let mut child = poolsim().args(&args).stderr(std::process::Stdio::null()).spawn().unwrap();
    let partial = dir.join("sweep.partial.csv");
    let start = Instant::now();
    // Wait until at least two points are kept, then press Ctrl-C. The sweep takes about a
    // second on one thread, so it is still running unless the machine is far faster.
    let mut finished_first = false;
    while std::fs::read_to_string(&partial).map_or(0, |t| t.lines().count()) < 3 {
        assert!(start.elapsed() < Duration::from_secs(60), "no point finished");
        if child.try_wait().unwrap().is_some() {
            finished_first = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = child.id().to_string();
    let kill = std::process::Command::new("kill").args(["-INT", &pid]).status();
    let signalled = kill.unwrap().success();
    let status = child.wait().unwrap();
    if finished_first {
        assert!(status.success(), "sweep failed: {status}");
    } else {
        assert!(signalled, "the signal was not sent");
        assert_eq!(status.code(), Some(130), "Ctrl-C ends the sweep with 130");
        let kept = std::fs::read_to_string(&partial).unwrap().lines().count() - 1;
        assert!((2..60).contains(&kept), "{kept} points kept");
        assert!(!dir.join("sweep.csv").exists(), "no sweep.csv before the sweep is done");
        // Resuming with another grid is refused rather than mixing two sweeps.
        let other = [s.to_str().unwrap(), "--set", "pool.hosts=1..59:1", "--set", "duration=120d"];
        let refused =
            run(&[sweep_args(d, &other), vec!["--replications", "3", "--resume"]].concat());
        assert_eq!(refused.status.code(), Some(2));
    }
    if !dir.join("sweep.csv").exists() {
        run_ok(&[args, vec!["--resume"]].concat());
    }
    assert_eq!(
        std::fs::read(dir.join("sweep.csv")).unwrap(),
        std::fs::read(Path::new(reference).join("sweep.csv")).unwrap(),
        "an interrupted and resumed sweep must equal an uninterrupted one"
    );
    assert!(!partial.exists(), "the partial file is removed once sweep.csv is written");
}

#[test]
fn bad_grids_and_goals_fail_with_one_line_and_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    let s = s.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&[s, "--set", "pool.hosts=5..1:1"], "pool.hosts"),
        (&[s, "--set", "pool.hosts"], "path=values"),
        (&[s, "--set", "pool.nope=1,2"], "pool"),
        (&[s, "--set", "pool.hosts=0,1"], "pool.hosts"),
        (&[s, "--set", "pool.hosts=1,2", "--goal", "speed<=1"], "login_failure_rate"),
    ];
    for (i, (args, needle)) in cases.iter().enumerate() {
        let dir = tmp.path().join(i.to_string());
        let out = run(&[sweep_args(dir.to_str().unwrap(), args)].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!dir.exists(), "{args:?} left an output directory");
    }
}

#[test]
fn among_equal_host_counts_the_goal_prefers_the_shortest_update() {
    // K = 1 + ceil((N - 1) / batch) steps: batches of 4 finish well before batches of 1.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let s = scenario_file("update-weeknight.toml");
    let grid = [s.to_str().unwrap(), "--set", "pool.hosts=24,20", "--set", "update.batch_size=1,4"];
    let extra = ["--replications", "2", "--goal", "login_failure_rate<=0.5"];
    run_ok(&[sweep_args(dir, &grid), extra.to_vec()].concat());
    let table = read_table(tmp.path());
    let minutes = |row| table.value(row, "update_completion_minutes", Stat::Mean).unwrap();
    // Rows: (24, 1), (24, 4), (20, 1), (20, 4).
    assert!(minutes(3) < minutes(2), "batches of 4 should finish sooner than batches of 1");
    let goal_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("goal.json")).unwrap()).unwrap();
    assert_eq!(goal_json["point"]["pool.hosts"], 20, "fewest hosts first");
    assert_eq!(goal_json["point"]["update.batch_size"], 4, "then the shortest update");
}
