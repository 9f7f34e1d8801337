//! README's scenario snippets are valid: a reader who copies one gets a scenario that loads.
//!
//! The first snippet is a whole scenario. The others show one table each and are read in
//! order, as the README tells them: each is checked on top of the scenario so far (the first,
//! with 20 hosts so that batch sizes and host names fit, then each valid snippet merged in; a
//! snippet with a `[pool]` starts again from the first): a snippet's `[pool]` replaces the
//! pool, its other tables are merged key by key, its `[[actions]]` replace the actions.

use std::path::Path;

fn snippets() -> Vec<(usize, String)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in readme.lines().enumerate() {
        match (&mut current, line.trim_end()) {
            (None, "```toml") => current = Some((i + 2, String::new())),
            (Some(_), "```") => out.push(current.take().unwrap()),
            (Some((_, text)), l) => {
                text.push_str(l);
                text.push('\n');
            }
            _ => {}
        }
    }
    out
}

fn merge(base: &mut toml::Table, part: toml::Table) {
    for (k, v) in part {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(p)) if k != "pool" => merge(b, p),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[test]
fn every_toml_snippet_of_the_readme_validates() {
    let all = snippets();
    assert!(all.len() >= 5, "README has its scenario snippets ({})", all.len());
    let (_, whole) = &all[0];
    let mut base: toml::Table = whole.parse().expect("the first snippet is TOML");
    assert!(base.contains_key("name"), "the first snippet is a whole scenario");
    base["pool"]["hosts"] = toml::Value::Integer(20);
    let first = base.clone();
    let tmp = tempfile::tempdir().unwrap();
    // The personal-pool snippet imports assignments from team.csv beside the scenario.
    std::fs::write(tmp.path().join("team.csv"), "user,host\nuser0002,sh-1\n").unwrap();
    // The replay snippet reads connections.csv beside the scenario, of host pool hp01: the
    // shipped sample log, renamed to that pool.
    let sample = std::fs::read_to_string("scenarios/office-week-connections.csv").unwrap();
    let sample = sample.replace("/hostpools/office-week", "/hostpools/hp01");
    std::fs::write(tmp.path().join("connections.csv"), sample).unwrap();
    let mut failures = Vec::new();
    for (line, text) in &all {
        let part: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("README line {line}: not TOML: {e}"));
                continue;
            }
        };
        // A replay replaces the synthetic workload (README: "instead of users/arrivals/
        // reconnect") and does not carry over to later snippets.
        let replay = part.get("workload").and_then(|w| w.get("replay")).is_some();
        // A scaling plan or script is for the pooled pool of the first snippet.
        let scaling = part.contains_key("autoscale");
        let scenario = if part.contains_key("name") {
            part
        } else if replay {
            let mut s = first.clone();
            s.insert("workload".into(), part["workload"].clone());
            s
        } else if scaling {
            let mut s = first.clone();
            merge(&mut s, part);
            s
        } else {
            // A new pool starts again from the first snippet: an update or added hosts shown
            // for pooled pools do not carry over to a personal one.
            let mut s = if part.contains_key("pool") { first.clone() } else { base.clone() };
            merge(&mut s, part);
            s
        };
        let file = tmp.path().join(format!("readme-{line}.toml"));
        std::fs::write(&file, toml::to_string(&scenario).unwrap()).unwrap();
        match poolsim::scenario::load(&file, &[]) {
            Ok(_) if scenario.contains_key("name") && *line == all[0].0 => {}
            Ok(_) if replay || scaling => {}
            Ok(_) => base = scenario,
            Err(e) => failures.push(format!("README line {line}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
