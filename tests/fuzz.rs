//! Seeded mutation fuzzing of the inputs: the shipped scenarios and the assignments CSV format,
//! mutated a few thousand times (numbers made extreme, lines dropped, duplicated or swapped,
//! strings given control characters or great length, keys renamed, text cut short).
//!
//! Every case must end in one of two ways: the input is refused with one printable line, or it
//! is accepted and runs (shortened to a few simulated hours) to the end. Never a panic, never
//! a hang (each case has a deadline), never a stall of simulated time. Most cases drive the
//! library in-process; a few dozen go through the binary to check exit codes and that an
//! error leaves no output behind. The seeds are fixed, so a failure reproduces exactly.

mod cli_support;

use poolsim::engine::time::HOUR;
use poolsim::model::Keep;
use poolsim::scenario::{Duration, Scenario, ScenarioError};
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Mutated scenarios per shipped scenario (about 6,600 in all).
const CASES_PER_SCENARIO: u64 = 600;
/// Mutated assignment files.
const CSV_CASES: u64 = 1000;
/// Cases run through the binary.
const BINARY_CASES: u64 = 60;
/// Longest a case may take before it counts as a hang.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);
/// Accepted scenarios run at most this long in simulated time.
const SHORT_RUN: u64 = 6 * HOUR;

/// Values that have broken parsers and limits before.
const EXTREME_NUMBERS: [&str; 16] = [
    "0",
    "-1",
    "1e9",
    "1e308",
    "-1e308",
    "2147483648",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "nan",
    "inf",
    "0.0000001",
    "360001",
    "1.5",
    "10001",
    "99999999999999999999",
];

const ODD_TEXT: [&str; 10] =
    ["", "\\n", "\\u001b[31m", "sh-0\\n", "\\t", "0s", "999999d", "1ms", "mon 25:61", "\\u202e"];

fn shipped_scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

/// Byte ranges of the number-like tokens of `text`.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            out.push((start, i));
        }
        i += 1;
    }
    out
}

/// Byte ranges of the contents of double-quoted strings on one line.
fn strings(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open = None;
    for (i, c) in text.char_indices() {
        match (c, open) {
            ('"', None) => open = Some(i + 1),
            ('"', Some(s)) => {
                out.push((s, i));
                open = None;
            }
            ('\n', _) => open = None,
            _ => {}
        }
    }
    out
}

fn pick<'a, T>(rng: &mut impl Rng, v: &'a [T]) -> Option<&'a T> {
    (!v.is_empty()).then(|| &v[rng.random_range(0..v.len())])
}

/// One random edit of `text`.
fn mutate_once(text: &str, rng: &mut impl Rng) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let line = rng.random_range(0..lines.len().max(1));
    let splice = |(s, e): (usize, usize), with: &str| format!("{}{with}{}", &text[..s], &text[e..]);
    match rng.random_range(0..9) {
        0 => match pick(rng, &numbers(text)) {
            Some(&r) => splice(r, pick(rng, &EXTREME_NUMBERS).unwrap()),
            None => text.to_string(),
        },
        1 => lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != line)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n"),
        2 => {
            let mut v = lines.clone();
            if let Some(l) = lines.get(line) {
                v.insert(line, l);
            }
            v.join("\n")
        }
        3 => {
            let mut v = lines.clone();
            let other = rng.random_range(0..v.len().max(1));
            if !v.is_empty() {
                v.swap(line, other);
            }
            v.join("\n")
        }
        4 | 5 => match pick(rng, &strings(text)) {
            Some(&r) if rng.random_bool(0.2) => splice(r, &"x".repeat(rng.random_range(20..5_000))),
            Some(&r) => splice(r, pick(rng, &ODD_TEXT).unwrap()),
            None => text.to_string(),
        },
        6 => {
            let mut cut = rng.random_range(0..=text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
        7 => {
            // Rename a key: the word before an `=`.
            let l = lines.get(line).copied().unwrap_or("");
            match l.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    let renamed = format!("{}x ={v}", k.trim_end());
                    text.replacen(l, &renamed, 1)
                }
                _ => text.to_string(),
            }
        }
        _ => {
            // A raw control character anywhere.
            let mut at = rng.random_range(0..=text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let c = ['\u{1b}', '\u{0}', '\r', '\u{7f}', '\u{85}'][rng.random_range(0..5)];
            format!("{}{c}{}", &text[..at], &text[at..])
        }
    }
}

fn mutate(text: &str, rng: &mut impl Rng) -> String {
    let mut t = text.to_string();
    for _ in 0..rng.random_range(1..=3) {
        t = mutate_once(&t, rng);
    }
    t
}

/// Asserts that an error message is one printable line of reasonable length.
fn assert_one_line(message: &str, case: &str) {
    assert!(!message.contains(['\n', '\r', '\u{1b}', '\u{0}']), "{case}: {message:?}");
    assert!(message.chars().count() <= 1_200, "{case}: {} characters", message.len());
}

/// Runs an accepted scenario, shortened, to its end; a stall is a failure.
fn run_short(mut s: Scenario, case: &str) {
    s.duration = Duration(s.duration.0.min(SHORT_RUN));
    s.warmup = Duration(0);
    s.replications = 1;
    let out = poolsim::runner::try_run_replication(&s, 0, Keep { detail: true, trace: false });
    if let Err(stall) = out {
        panic!("{case}: a validated scenario stalled: {stall}");
    }
}

/// Runs `check` on a worker thread and fails if it panics or outlives [`DEADLINE`].
fn with_deadline(case: String, check: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        check();
        let _ = tx.send(());
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(()) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{case}: hung (over {DEADLINE:?})"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{case}: panicked"),
    }
}

fn check_scenario_text(text: String, file: String, case: String) {
    with_deadline(case.clone(), move || match poolsim::scenario::from_str(&text, &file, &[]) {
        Err(e) => assert_one_line(&e.to_string(), &case),
        Ok(s) => run_short(s, &case),
    });
}

#[test]
fn mutated_scenarios_are_refused_in_one_line_or_run() {
    let mut refused = 0;
    let mut total = 0;
    for (k, path) in shipped_scenarios().into_iter().enumerate() {
        let original = std::fs::read_to_string(&path).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(15_000 + k as u64);
        for i in 0..CASES_PER_SCENARIO {
            let text = mutate(&original, &mut rng);
            let case = format!("{} case {i}", path.display());
            let file = path.display().to_string();
            refused += usize::from(poolsim::scenario::from_str(&text, &file, &[]).is_err());
            total += 1;
            check_scenario_text(text, file, case);
        }
    }
    // The mutations must reach both outcomes, or the fuzzer tests little.
    assert!(refused > total / 10 && refused < total * 9 / 10, "{refused} of {total} refused");
}

#[test]
fn mutated_assignment_files_are_refused_in_one_line_or_run() {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let csv = std::fs::read_to_string(scenarios.join("rds-assignments.csv")).unwrap();
    let toml = std::fs::read_to_string(scenarios.join("rds-auto-assign.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("rds-auto-assign.toml");
    std::fs::write(&path, toml).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(12_015);
    let (mut refused, mut accepted) = (0, 0);
    for i in 0..CSV_CASES {
        let mutated = mutate(&csv, &mut rng);
        std::fs::write(tmp.path().join("rds-assignments.csv"), &mutated).unwrap();
        let case = format!("assignments case {i}: {mutated:?}");
        let result = poolsim::scenario::load(&path, &[]);
        match &result {
            Err(ScenarioError { .. }) => refused += 1,
            Ok(_) => accepted += 1,
        }
        with_deadline(case.clone(), move || match result {
            Err(e) => assert_one_line(&e.to_string(), &case),
            Ok(s) => run_short(s, &case),
        });
    }
    assert!(refused > 0 && accepted > 0, "{refused} refused, {accepted} accepted");
}

#[test]
fn the_binary_exits_0_or_2_with_one_line_and_writes_nothing_on_error() {
    use cli_support::poolsim;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let scenarios = shipped_scenarios();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/rds-assignments.csv"),
        dir.join("rds-assignments.csv"),
    )
    .unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(2_015);
    let mut codes = [0; 3];
    for i in 0..BINARY_CASES {
        let path = &scenarios[i as usize % scenarios.len()];
        let text = mutate(&std::fs::read_to_string(path).unwrap(), &mut rng);
        std::fs::write(dir.join("fuzz.toml"), &text).unwrap();
        let case = format!("binary case {i} ({}): {text:?}", path.display());
        let mut child = poolsim()
            .args(["run", "fuzz.toml", "--out", "o", "--quiet", "--replications", "1"])
            .args(["--set", "duration=6h", "--set", "warmup=0s"])
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > DEADLINE {
                let _ = child.kill();
                panic!("{case}: hung");
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let errors: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("warning: ")).collect();
        for line in stderr.lines() {
            assert_one_line(line, &case);
        }
        match out.status.code() {
            Some(0) => {
                assert!(errors.is_empty(), "{case}: {stderr}");
                assert!(dir.join("o/summary.json").exists(), "{case}: no summary");
                std::fs::remove_dir_all(dir.join("o")).unwrap();
            }
            Some(2) => {
                assert_eq!(errors.len(), 1, "{case}: {stderr}");
                assert!(errors[0].starts_with("error: "), "{case}: {stderr}");
                assert!(!dir.join("o").exists(), "{case}: output written on error");
            }
            other => panic!("{case}: exit {other:?}: {stderr}"),
        }
        codes[out.status.code().unwrap_or(1) as usize] += 1;
        let mut beside: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        assert_eq!(beside, ["fuzz.toml", "rds-assignments.csv"], "{case}: stray files");
    }
    assert!(codes[0] > 0 && codes[2] > 0, "both outcomes reached: {codes:?}");
}
