//! The recipes in `deploy/` (GNU parallel, Slurm, Kubernetes) cannot rot silently: every
//! poolsim command they hold names a command and options poolsim has, every scenario they
//! name exists and validates, the shell scripts parse, the Kubernetes split counts agree, and
//! the local recipe, run for real, gives the unsplit sweep's bytes.

mod cli_support;

use cli_support::{run_ok, scenario_file};
use std::path::{Path, PathBuf};

const COMMANDS: [&str; 9] =
    ["run", "sweep", "merge", "validate", "plot", "report", "check", "fit", "help"];

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

/// Every file of `deploy/`, with its text.
fn recipes() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push((p.clone(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&deploy_dir(), &mut out);
    out.sort();
    assert!(out.len() >= 4, "deploy/ holds the recipes and their README");
    out
}

/// The text with continued lines joined: shell `\` line ends, and YAML folded lines that go
/// on with an option.
fn logical_lines(text: &str) -> Vec<String> {
    let joined = text.replace("\\\n", " ");
    let mut lines: Vec<String> = Vec::new();
    for line in joined.lines() {
        match lines.last_mut() {
            Some(last) if line.trim_start().starts_with("--") => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => lines.push(line.to_string()),
        }
    }
    lines
}

/// A poolsim invocation in a recipe: its command (`None` when it comes from `"$@"`) and the
/// options it passes.
#[derive(Debug)]
struct Invocation {
    command: Option<String>,
    options: Vec<String>,
}

fn invocations(text: &str) -> Vec<Invocation> {
    let mut found = Vec::new();
    for line in logical_lines(text) {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let w = w.trim_matches(|c| c == '"' || c == '`' || c == '\'');
            let is_poolsim = w == "poolsim"
                || w.ends_with("/poolsim")
                || w.eq_ignore_ascii_case("$poolsim")
                || w.eq_ignore_ascii_case("${poolsim}");
            let Some(next) = words.get(i + 1) else { continue };
            if !is_poolsim {
                continue;
            }
            let next = next.trim_matches(|c| c == '"' || c == '`');
            let command = if next == "$@" {
                None
            } else if COMMANDS.contains(&next) {
                Some(next.to_string())
            } else {
                continue; // prose: "the poolsim binary"
            };
            let options = words[i + 2..]
                .iter()
                .take_while(|t| !["&&", "||", ";", "|", "#"].contains(t) && !t.starts_with('`'))
                .filter(|t| t.starts_with("--"))
                .map(|t| t.split('=').next().unwrap().trim_end_matches(['"', ')']).to_string())
                .collect();
            found.push(Invocation { command, options });
        }
    }
    found
}

fn help(command: &str) -> String {
    let out = run_ok(&[command, "--help"]);
    String::from_utf8(out.stdout).unwrap()
}

fn has_option(help: &str, option: &str) -> bool {
    help.match_indices(option).any(|(i, _)| {
        let after = help[i + option.len()..].chars().next();
        !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

#[test]
fn every_poolsim_command_in_the_recipes_exists_with_its_options() {
    let mut checked = 0;
    for (path, text) in recipes() {
        for inv in invocations(&text) {
            let commands: Vec<&str> = match &inv.command {
                Some(c) => vec![c.as_str()],
                None => vec!["run", "sweep"], // "$@": either command
            };
            for option in &inv.options {
                for c in &commands {
                    assert!(
                        has_option(&help(c), option),
                        "{}: poolsim {c} has no option {option}",
                        path.display()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} options found: is the parser still reading the files?");
}

#[test]
fn every_recipe_splits_and_merges() {
    for (path, text) in recipes() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".md") {
            continue;
        }
        let all = invocations(&text);
        assert!(all.iter().any(|i| i.options.iter().any(|o| o == "--shard")), "{name}: no --shard");
        assert!(
            all.iter().any(|i| i.command.as_deref() == Some("merge")),
            "{name}: no poolsim merge"
        );
    }
}

#[test]
fn the_scenarios_the_recipes_name_exist_and_validate() {
    let mut named = Vec::new();
    for (_, text) in recipes() {
        for (i, _) in text.match_indices("scenarios/") {
            let rest = &text[i + "scenarios/".len()..];
            let file: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
                .collect();
            if let Some(stem) = file.strip_suffix(".toml") {
                named.push(format!("{stem}.toml"));
            }
        }
    }
    named.sort();
    named.dedup();
    assert!(!named.is_empty(), "the recipes run a shipped scenario as their example");
    for file in named {
        let path = scenario_file(&file);
        run_ok(&["validate", path.to_str().unwrap()]);
    }
}

#[test]
fn the_shell_recipes_parse() {
    for (path, _) in recipes() {
        let ext = path.extension().map(|e| e.to_string_lossy().to_string());
        if matches!(ext.as_deref(), Some("sh" | "sbatch")) {
            let out = std::process::Command::new("bash").arg("-n").arg(&path).output().unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn the_kubernetes_split_counts_agree() {
    let text = std::fs::read_to_string(deploy_dir().join("k8s/sweep-job.yaml")).unwrap();
    let value = |key: &str| -> u32 {
        let line = text.lines().find(|l| l.trim_start().starts_with(key)).unwrap();
        line.split(':').nth(1).unwrap().trim().parse().unwrap()
    };
    let completions = value("completions:");
    let shard = text.split("--shard $K/").nth(1).unwrap();
    let n: u32 = shard.split_whitespace().next().unwrap().parse().unwrap();
    assert_eq!(n, completions, "--shard K/N must have N = completions");
    let merged = text.split("for k in ").nth(1).unwrap();
    let listed: Vec<u32> =
        merged.split(';').next().unwrap().split_whitespace().map(|k| k.parse().unwrap()).collect();
    assert_eq!(listed, (1..=completions).collect::<Vec<_>>(), "the merge names every shard");
}

#[test]
fn the_local_recipe_gives_the_unsplit_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("erlang-sweep.toml");
    let sweep =
        ["sweep", s.to_str().unwrap(), "--set", "pool.hosts=12..14:1", "--set", "duration=2d"];
    let whole = tmp.path().join("whole");
    let mut a = sweep.to_vec();
    a.extend(["--quiet", "--out", whole.to_str().unwrap()]);
    run_ok(&a);
    let split = tmp.path().join("split");
    let out = std::process::Command::new("bash")
        .arg(deploy_dir().join("parallel.sh"))
        .args(["4", split.to_str().unwrap()])
        .args(sweep)
        .arg("--quiet")
        .env("POOLSIM", env!("CARGO_BIN_EXE_poolsim"))
        .output()
        .unwrap();
    assert!(out.status.success(), "parallel.sh: {}", String::from_utf8_lossy(&out.stderr));
    for name in ["sweep.csv", "sweep_long.csv", "sweep.json"] {
        let (a, b) =
            (std::fs::read(whole.join(name)).unwrap(), std::fs::read(split.join(name)).unwrap());
        assert!(a == b, "{name} differs");
    }
    assert!(
        !tmp.path().join("split.shards").exists(),
        "the shard folders are removed after the merge"
    );
}
