//! `report.html` in a real browser: headless Chromium loads the page with no console message
//! and no network request, and the key figures are in the rendered page.
//!
//! Without Chromium the browser test is skipped loudly — except in CI (`CI=true`), where
//! `.ci/run` installs it and a missing browser is a failure.

mod cli_support;

use cli_support::{run_ok, scenario_file};
use poolsim::output::numbers;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// The Chromium binary, if installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let out = Command::new("which").arg(name).output().ok()?;
        let path = String::from_utf8(out.stdout).ok()?;
        (out.status.success() && !path.trim().is_empty()).then(|| PathBuf::from(path.trim()))
    })
}

/// Chromium, or `None` after saying loudly why the browser test is skipped; panics in CI.
fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is required in CI (.ci/run installs it)"
        );
        eprintln!("SKIPPED: no chromium on this machine; install it (apt-get install chromium)");
    }
    found
}

/// What the browser did with a page.
struct Loaded {
    /// The DOM after load.
    dom: String,
    /// Console messages (errors, policy violations…).
    console: Vec<String>,
    /// Requests the page made: every request reaches the browser's (only) proxy, which
    /// notes its first line; the browser's own background calls to Google's update and
    /// account services, made whatever the page, are left out.
    requests: Vec<String>,
}

/// Hosts Chromium calls by itself (clock sync, accounts), whatever page it shows.
const BROWSER_OWN: [&str; 3] = ["google.com", "googleapis.com", "gstatic.com"];

fn page_request(first_line: &str) -> bool {
    let target = first_line.split_whitespace().nth(1).unwrap_or("");
    let host = target.trim_start_matches("http://").trim_start_matches("https://");
    let host = host.split(['/', ':']).next().unwrap_or("");
    !BROWSER_OWN.iter().any(|own| host == *own || host.ends_with(&format!(".{own}")))
}

/// Loads `page` in headless Chromium with every network request sent to a local proxy that
/// counts them.
fn load(browser: &Path, page: &Path) -> Loaded {
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = proxy.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut conn in proxy.incoming().flatten() {
            let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let mut buf = [0u8; 1024];
            let n = conn.read(&mut buf).unwrap_or(0);
            let text = String::from_utf8_lossy(&buf[..n]);
            let line = text.lines().next().unwrap_or("").to_string();
            log.lock().unwrap().push(line);
        }
    });
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--proxy-bypass-list=<-loopback>",
            "--dump-dom",
        ])
        .arg(format!("--proxy-server=http://127.0.0.1:{port}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(String::from)
        .collect();
    Loaded {
        dom: String::from_utf8(out.stdout).unwrap(),
        console,
        requests: seen.lock().unwrap().iter().filter(|l| page_request(l)).cloned().collect(),
    }
}

/// A run of the weeknight update with its report; its scenario copy gains a line with markup.
fn report_of_a_run(dir: &Path) -> (PathBuf, serde_json::Value) {
    let s = scenario_file("update-weeknight.toml");
    let out = dir.to_str().unwrap();
    run_ok(&["run", s.to_str().unwrap(), "--replications", "3", "--out", out]);
    let copy = dir.join("scenario.toml");
    let mut text = std::fs::read_to_string(&copy).unwrap();
    text.push_str("# hosts <4> & more\n");
    std::fs::write(&copy, text).unwrap();
    run_ok(&["report", out, "--quiet"]);
    let summary = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap());
    (dir.join("report.html"), summary.unwrap())
}

#[test]
fn the_report_is_one_self_contained_file_answer_first() {
    let tmp = tempfile::tempdir().unwrap();
    let (page, summary) = report_of_a_run(tmp.path());
    let html = std::fs::read_to_string(&page).unwrap();
    for external in ["src=", "href=", "url(", "@import", "<script", "<link", "<iframe"] {
        assert!(!html.contains(external), "{external} in the report");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    let window = html.find("update started Tue 22:00, done ").expect("the update window");
    let first_svg = html.find("<svg").expect("pictures inline");
    assert!(window < first_svg, "the answer comes before the pictures");
    assert!(html.matches("<svg").count() >= 2, "the time series and the update chart");
    let rate = summary["metrics"]["host_availability"]["mean"].as_f64().unwrap();
    assert!(html.contains(&numbers::show("host_availability", rate)));
    // hourly.csv is shown as a table from its header; the scenario's text is escaped.
    assert!(html.contains("<th>logins_mean</th>") && html.contains("<th>weekday</th>"));
    assert!(html.contains("# hosts &lt;4&gt; &amp; more"));
    assert!(html.contains(summary["provenance"]["scenario_sha256"].as_str().unwrap()));
}

#[test]
fn the_report_loads_in_a_browser_with_no_console_message_and_no_request() {
    let Some(browser) = browser_or_skip() else { return };
    let tmp = tempfile::tempdir().unwrap();
    // The harness itself: a page that asks for the network and logs an error is caught.
    let bad = tmp.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><img src=\"http://poolsim.invalid/x.png\">\
         <script>console.error('boom')</script></body></html>",
    )
    .unwrap();
    let caught = load(&browser, &bad);
    assert!(
        caught.requests.iter().any(|r| r.contains("poolsim.invalid")),
        "the proxy sees a page's requests: {:?}",
        caught.requests
    );
    assert!(caught.console.iter().any(|l| l.contains("boom")), "{:?}", caught.console);

    let (page, summary) = report_of_a_run(&tmp.path().join("run"));
    let loaded = load(&browser, &page);
    assert!(loaded.console.is_empty(), "console: {:?}", loaded.console);
    assert!(loaded.requests.is_empty(), "the report made requests: {:?}", loaded.requests);
    let m = &summary["metrics"];
    for metric in ["host_availability", "forced_logoffs", "update_completion_minutes"] {
        let mean = m[metric]["mean"].as_f64().unwrap();
        let ci =
            m[metric]["ci95"].as_array().map(|a| [a[0].as_f64().unwrap(), a[1].as_f64().unwrap()]);
        let shown = numbers::show_with_ci(metric, mean, ci);
        assert!(loaded.dom.contains(&shown), "{metric}: {shown} not in the rendered page");
    }
    let w = &summary["update_window"];
    let sentence = format!(
        "update started {}, done {}",
        w["started"].as_str().unwrap(),
        w["done"].as_str().unwrap()
    );
    assert!(loaded.dom.contains(&sentence), "{sentence}");
    assert!(loaded.dom.matches("<svg").count() >= 2);
}

#[test]
fn a_sweep_report_answers_the_goal_first() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let s = scenario_file("erlang-sweep.toml");
    let args = ["sweep", s.to_str().unwrap(), "--quiet", "--out", dir, "--report"];
    let grid = ["--set", "pool.hosts=14..18:2", "--replications", "2"];
    run_ok(&[&args[..], &grid[..], &["--goal", "login_failure_rate<=0.2"][..]].concat());
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    let answer =
        html.find("cheapest point meeting every goal: pool.hosts=14").expect(&html[..2000]);
    assert!(answer < html.find("<svg").expect("sweep pictures"));
    assert!(html.contains("<tr class=\"chosen\"><td>14</td>"));
    let first_figure = html.split("<figure id=\"").nth(1).unwrap();
    assert!(first_figure.starts_with("sweep_login_failure_rate\""), "the goal's picture first");
    if let Some(browser) = browser_or_skip() {
        let loaded = load(&browser, &tmp.path().join("report.html"));
        assert!(loaded.console.is_empty(), "{:?}", loaded.console);
        assert!(loaded.requests.is_empty(), "{:?}", loaded.requests);
        assert!(loaded.dom.contains("cheapest point meeting every goal"));
    }
}
