//! The code map's promise, checked: no file-level import cycle in `src/` (one exception: a
//! host and its sessions name each other's ids). A file depends on another when it names an
//! item of it — through `use`, a `pub use` re-export followed to the file that defines the
//! item, or an inline `crate::…`/`super::…` path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Pairs of files allowed to depend on each other.
const ALLOWED: &[(&str, &str)] = &[("model/host.rs", "model/session.rs")];

/// A module path (`["model", "sim"]`) and the file that holds it.
struct Module {
    path: Vec<String>,
    text: String,
}

fn collect(dir: &Path, base: &[String], out: &mut BTreeMap<String, Module>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            let mut b = base.to_vec();
            b.push(name);
            collect(&p, &b, out);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            let mut path = base.to_vec();
            if !matches!(stem, "mod" | "lib" | "main") {
                path.push(stem.to_string());
            }
            let rel = p.strip_prefix("src").unwrap().to_string_lossy().replace('\\', "/");
            out.insert(rel, Module { path, text: std::fs::read_to_string(&p).unwrap() });
        }
    }
}

/// The code of a file without comments and string literals (so `//! crate::x` in prose and
/// paths inside strings do not count).
fn code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut in_str = false;
        for c in line.chars() {
            if c == '"' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
        }
        out.push('\n');
    }
    // Test modules only run under `cargo test`; they may reach anywhere.
    match out.find("#[cfg(test)]") {
        Some(i) => out[..i].to_string(),
        None => out,
    }
}

/// Every path a file names: `use` trees expanded, plus inline `crate::`/`super::` paths.
fn paths(code: &str) -> Vec<(bool, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = &rest[..i];
        let at_start = before.is_empty() || before.ends_with(['\n', ' ', ';', '{', '}']);
        let public = before.trim_end().ends_with("pub") || before.ends_with("pub(crate) ");
        let after = &rest[i + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if at_start {
            for p in expand(after[..end].trim()) {
                out.push((public, p));
            }
        }
        rest = &after[end.min(after.len())..];
    }
    for root in ["crate::", "super::", "self::"] {
        let mut s = code;
        while let Some(i) = s.find(root) {
            let tail = &s[i..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let p: Vec<String> =
                tail[..end].split("::").filter(|x| !x.is_empty()).map(str::to_string).collect();
            out.push((false, p));
            s = &tail[end..];
        }
    }
    out
}

/// The code with its `use` statements removed.
fn without_uses(code: &str) -> String {
    code.lines()
        .filter(|l| !l.trim_start().starts_with("use ") && !l.trim_start().starts_with("pub use "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// True when `code` names the last segment of `path` as a whole word.
fn uses_name(code: &str, path: &[String]) -> bool {
    let Some(name) = path.last() else { return false };
    code.match_indices(name.as_str()).any(|(i, _)| {
        let before = code[..i].chars().last();
        let after = code[i + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !word(before) && !word(after)
    })
}

/// Expands a use tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        let t = tree.split(" as ").next().unwrap_or(&tree);
        return vec![t.split("::").filter(|x| !x.is_empty()).map(str::to_string).collect()];
    };
    let prefix: Vec<String> =
        tree[..open].split("::").filter(|x| !x.is_empty()).map(str::to_string).collect();
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    let mut out = Vec::new();
    for part in parts.into_iter().filter(|p| !p.is_empty()) {
        for tail in expand(part) {
            let mut p = prefix.clone();
            p.extend(tail.into_iter().filter(|x| x != "self"));
            out.push(p);
        }
    }
    out
}

#[test]
fn no_file_level_import_cycles() {
    let mut modules = BTreeMap::new();
    collect(Path::new("src"), &[], &mut modules);
    let by_path: BTreeMap<Vec<String>, String> = modules
        .iter()
        .filter(|(f, _)| *f != "main.rs")
        .map(|(f, m)| (m.path.clone(), f.clone()))
        .collect();
    // Re-exports: (module, name) -> the path it re-exports.
    let mut reexports: BTreeMap<(Vec<String>, String), Vec<String>> = BTreeMap::new();
    let absolute = |m: &Module, p: &[String]| -> Vec<String> {
        let mut base = m.path.clone();
        let mut i = 0;
        match p.first().map(String::as_str) {
            Some("crate") => {
                base.clear();
                i = 1;
            }
            Some("self") => i = 1,
            Some("super") => {
                while p.get(i).map(String::as_str) == Some("super") {
                    base.pop();
                    i += 1;
                }
            }
            // A child module named without `self::`, or an external crate (not ours).
            _ if by_path.contains_key(&[base.clone(), vec![p[0].clone()]].concat()) => {}
            _ => return Vec::new(),
        }
        base.extend(p[i..].iter().cloned());
        base
    };
    for m in modules.values() {
        for (public, p) in paths(&code(&m.text)) {
            if public && !p.is_empty() {
                let abs = absolute(m, &p);
                if let Some(name) = abs.last() {
                    reexports.insert((m.path.clone(), name.clone()), abs.clone());
                }
            }
        }
    }
    // The file that defines what `abs` names: the deepest module file on the path, following
    // a re-export of the next segment.
    let resolve = |abs: &[String]| -> Option<String> {
        let mut cur = abs.to_vec();
        for _ in 0..8 {
            let mut k = cur.len();
            while k > 0 && !by_path.contains_key(&cur[..k]) {
                k -= 1;
            }
            let module = cur[..k].to_vec();
            match cur.get(k).and_then(|name| reexports.get(&(module.clone(), name.clone()))) {
                Some(target) if target.as_slice() != cur.as_slice() => {
                    let mut next = target.clone();
                    next.extend(cur[k + 1..].iter().cloned());
                    cur = next;
                }
                _ => return by_path.get(&module).cloned(),
            }
        }
        None
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, m) in &modules {
        for (public, p) in paths(&code(&m.text)) {
            let abs = absolute(m, &p);
            // A re-export is a module's interface, not its code's dependency — unless the
            // file's own code uses the name it brings in.
            if abs.is_empty() || (public && !uses_name(&without_uses(&code(&m.text)), &abs)) {
                continue;
            }
            if let Some(target) = resolve(&abs)
                && target != *file
            {
                edges.entry(file.clone()).or_default().insert(target);
            }
        }
    }
    if std::env::var("ARCH_DEBUG").is_ok() {
        for (a, t) in &edges {
            eprintln!("{a} -> {t:?}");
        }
    }
    let allowed =
        |a: &str, b: &str| ALLOWED.iter().any(|&(x, y)| (x, y) == (a, b) || (y, x) == (a, b));
    let mut cycles = Vec::new();
    for (a, targets) in &edges {
        for b in targets {
            if a < b && edges.get(b).is_some_and(|t| t.contains(a)) && !allowed(a, b) {
                cycles.push(format!("{a} <-> {b}"));
            }
        }
    }
    // Longer cycles: a file that reaches itself through others.
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((node, trail)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start && trail.len() > 2 {
                    let mut c = trail.clone();
                    c.push(start.clone());
                    if !c.windows(2).any(|w| allowed(&w[0], &w[1])) {
                        cycles.push(c.join(" -> "));
                    }
                } else if seen.insert(next.clone()) {
                    let mut t = trail.clone();
                    t.push(next.clone());
                    stack.push((next.clone(), t));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles in src/:\n{}", cycles.join("\n"));
}
