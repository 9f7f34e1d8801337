//! Pictures: each file exists, is a valid PNG or SVG, and shows something (not blank); the
//! update chart colours hosts by outcome; the update window is shaded.

mod cli_support;

use cli_support::{read_png, run, run_ok, scenario_file};
use std::path::Path;

fn check_svg(path: &Path, expected_text: &str) {
    let svg = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let t = svg.trim();
    assert!(t.starts_with("<svg") && t.ends_with("</svg>"), "{} is not an SVG", path.display());
    assert!(svg.contains(expected_text), "{} lacks \"{expected_text}\"", path.display());
    let shapes = ["<polyline", "<path", "<rect", "<polygon"].iter().map(|s| svg.matches(s).count());
    assert!(shapes.sum::<usize>() > 20, "{} draws almost nothing", path.display());
}

fn check_png(path: &Path) -> cli_support::Png {
    let png = read_png(path);
    assert!(
        png.width >= 800 && png.height >= 400,
        "{}: {}×{}",
        path.display(),
        png.width,
        png.height
    );
    assert!(png.colours() > 30, "{}: only {} colours", path.display(), png.colours());
    assert!(png.inked() > 0.02, "{}: {:.3} of pixels inked", path.display(), png.inked());
    png
}

#[test]
fn run_with_plot_draws_the_time_series_and_plot_redraws_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    run_ok(&[
        "run",
        s.to_str().unwrap(),
        "--quiet",
        "--out",
        dir,
        "--set",
        "duration=2d",
        "--plot",
    ]);
    check_png(&tmp.path().join("timeseries.png"));
    check_svg(&tmp.path().join("timeseries.svg"), "Hosts by state");
    assert!(!tmp.path().join("update.png").exists(), "no update ran, so no update chart");
    assert!(!tmp.path().join("autoscale.png").exists(), "no scaler, so no autoscale chart");
    let first = std::fs::read(tmp.path().join("timeseries.png")).unwrap();
    std::fs::remove_file(tmp.path().join("timeseries.png")).unwrap();
    run_ok(&["plot", dir, "--quiet"]);
    assert_eq!(std::fs::read(tmp.path().join("timeseries.png")).unwrap(), first, "redraw differs");
}

/// An update of 12 hosts in 3 batches, as the update engine writes it.
fn update_csv() -> String {
    let mut s =
        String::from("host,batch,drain_start_s,logoff_s,update_start_s,done_s,outcome,version\n");
    for i in 0..12u32 {
        let batch = i / 4;
        let start = 3600 + batch * 5400;
        let outcome = match i {
            6 => "failed",
            9 => "rolled_back",
            11 => "not_started",
            _ => "updated",
        };
        if outcome == "not_started" {
            s.push_str(&format!("sh-{i},{batch},,,,,{outcome},1\n"));
        } else {
            let logoff = start + 600 + 120 * i;
            s.push_str(&format!(
                "sh-{i},{batch},{start},{logoff},{logoff},{},{outcome},2\n",
                logoff + 1800
            ));
        }
    }
    s
}

#[test]
fn the_update_chart_has_a_row_per_host_coloured_by_outcome() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("update.csv"), update_csv()).unwrap();
    run_ok(&["plot", tmp.path().to_str().unwrap(), "--quiet"]);
    let png = check_png(&tmp.path().join("update.png"));
    check_svg(&tmp.path().join("update.svg"), "sh-10 (batch 2)");
    // Solid bars in the outcome colours: green (updated), red (failed), orange (rolled back).
    for (name, rgb) in
        [("updated", [44, 160, 44]), ("failed", [214, 39, 40]), ("rolled back", [255, 127, 14])]
    {
        assert!(png.count(|p| p == rgb) > 200, "no {name} bar");
    }

    // Without the failed host, no red bar.
    let no_failure = update_csv().replace("failed", "updated");
    std::fs::write(tmp.path().join("update.csv"), no_failure).unwrap();
    run_ok(&["plot", tmp.path().to_str().unwrap(), "--quiet"]);
    let png = read_png(&tmp.path().join("update.png"));
    assert_eq!(png.count(|p| p == [214, 39, 40]), 0, "a red bar with no failed host");
}

/// A day of 5-minute bins where 4 hosts update one at a time between 6:00 and 10:00.
fn timeseries_csv(with_update_columns: bool) -> String {
    let mut s = String::from(
        "time_s,hosts_available,hosts_draining,hosts_unavailable,sessions_active,\
         sessions_disconnected,slots_free,logins_attempted,logins_failed,forced_logoffs",
    );
    if with_update_columns {
        s.push_str(",hosts_updating,hosts_old,hosts_new");
    }
    s.push('\n');
    for bin in 0..288u32 {
        let t = bin * 300;
        let updating = u32::from((6 * 3600..10 * 3600).contains(&t));
        let sessions = 10 + (bin % 24);
        s.push_str(&format!("{t},{},0,0,{sessions},2,20,3,0,0", 4 - updating));
        if with_update_columns {
            let new = (t.saturating_sub(6 * 3600) / 3600).min(4);
            s.push_str(&format!(",{updating},{},{new}", 4 - new));
        }
        s.push('\n');
    }
    s
}

#[test]
fn the_update_window_is_shaded_when_hosts_update() {
    let shade =
        |p: [u8; 3]| p[0] == 255 && (230..252).contains(&p[1]) && (195..240).contains(&p[2]);
    let mut counts = Vec::new();
    for with_update in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("timeseries.csv"), timeseries_csv(with_update)).unwrap();
        run_ok(&["plot", tmp.path().to_str().unwrap(), "--quiet"]);
        let png = check_png(&tmp.path().join("timeseries.png"));
        counts.push(png.count(shade));
        if with_update {
            check_svg(&tmp.path().join("timeseries.svg"), "updating hosts");
            check_svg(&tmp.path().join("timeseries.svg"), "Hosts by state during the update");
        }
    }
    assert!(counts[1] > counts[0] + 5000, "shaded pixels: {counts:?}");
}

#[test]
fn a_sweep_plots_each_metric_with_confidence_bars() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    let args =
        ["sweep", s.to_str().unwrap(), "--quiet", "--out", dir, "--plot", "--replications", "3"];
    let grid =
        ["--set", "pool.hosts=2..4:1", "--set", "pool.max_sessions=4,5", "--set", "duration=2d"];
    run_ok(&[args.as_slice(), grid.as_slice()].concat());
    check_png(&tmp.path().join("sweep_login_failure_rate.png"));
    check_svg(&tmp.path().join("sweep_login_failure_rate.svg"), "pool.max_sessions=5");
    check_png(&tmp.path().join("sweep_peak_sessions.png"));
    let flat = tmp.path().join("sweep_host_availability.png");
    assert!(!flat.exists(), "availability is 1 at every point: a flat line is not drawn");
}

#[test]
fn plot_refuses_a_directory_with_nothing_to_draw() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&["plot", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to plot"));
    let missing = run(&["plot", tmp.path().join("nope").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn a_real_update_run_draws_its_update_chart_and_zoomed_window() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let s = scenario_file("update-weeknight.toml");
    run_ok(&["run", s.to_str().unwrap(), "--quiet", "--out", dir, "--replications", "1", "--plot"]);
    let png = check_png(&tmp.path().join("update.png"));
    assert!(png.count(|p| p == [44, 160, 44]) > 1000, "no updated (green) bars");
    // 20 hosts: one initial host, then batches of 4 — the last host is in batch 5.
    check_svg(&tmp.path().join("update.svg"), "sh-19 (batch 5)");
    check_svg(&tmp.path().join("timeseries.svg"), "Hosts by state during the update");
}

#[test]
fn an_autoscale_run_draws_a_day_with_its_phases_shaded() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let s = scenario_file("autoscale-plan.toml");
    let s = s.to_str().unwrap();
    run_ok(&["run", s, "--quiet", "--out", dir, "--set", "replications=1", "--plot"]);
    check_png(&tmp.path().join("autoscale.png"));
    check_svg(&tmp.path().join("autoscale.svg"), "ramp-up");
}

/// Polylines drawn in the first series colour (tab10 blue): three per confidence bar, plus
/// one when the points are joined.
fn series_polylines(svg: &str) -> usize {
    svg.matches("<polyline fill=\"none\" opacity=\"1\" stroke=\"#1F77B4\"").count()
}

#[test]
fn sweep_plots_join_points_only_along_a_range_and_draw_each_goal() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("erlang-sweep.toml");
    let goal = ["--goal", "login_failure_rate<=0.05", "--replications", "2", "--plot", "--quiet"];
    for (grid, joined) in [("pool.hosts=12,14,16", false), ("pool.hosts=12..16:2", true)] {
        let dir = tmp.path().join(if joined { "range" } else { "list" });
        let args = ["sweep", s.to_str().unwrap(), "--set", grid, "--out", dir.to_str().unwrap()];
        run_ok(&[&args[..], &goal[..]].concat());
        let svg = std::fs::read_to_string(dir.join("sweep_login_failure_rate.svg")).unwrap();
        assert_eq!(series_polylines(&svg), 3 * 3 + usize::from(joined), "{grid}");
        assert!(
            svg.contains("goal login_failure_rate&lt;=0.05")
                || svg.contains("goal login_failure_rate<=0.05")
        );
        // Rates are drawn in percent, counts on whole-number ticks.
        assert!(svg.contains("login_failure_rate (%)"));
        let counts = std::fs::read_to_string(dir.join("sweep_logins_failed.svg")).unwrap();
        assert!(!counts.contains(".0<") && !counts.contains(".5<"), "fractional count ticks");
    }
}

#[test]
fn a_coded_status_is_never_drawn_and_big_updates_are_drawn_by_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("update-weeknight.toml");
    let dir = tmp.path().to_str().unwrap();
    let grid = ["--set", "update.batch_size=3,7", "--replications", "2", "--plot", "--quiet"];
    run_ok(&[&["sweep", s.to_str().unwrap(), "--out", dir][..], &grid[..]].concat());
    assert!(!tmp.path().join("sweep_update_status.png").exists());
    assert!(tmp.path().join("sweep_update_completion_minutes.png").exists());

    let run_dir = tmp.path().join("run124");
    let args = ["run", s.to_str().unwrap(), "--quiet", "--plot", "--replications", "1"];
    let big = ["--set", "pool.hosts=124", "--set", "update.batch_size=7", "--out"];
    run_ok(&[&args[..], &big[..], &[run_dir.to_str().unwrap()][..]].concat());
    let png = check_png(&run_dir.join("update.png"));
    assert!(png.height <= 160 + 26 * 40, "124 hosts on {} px", png.height);
    check_svg(&run_dir.join("update.svg"), "Update by batch");
    let ts = std::fs::read_to_string(run_dir.join("timeseries.svg")).unwrap();
    for text in ["capacity (sessions + free slots)", "failed logins", "Tue 00:00", "Wed 00:00"] {
        assert!(ts.contains(text), "timeseries.svg lacks {text}");
    }
    assert!(!ts.contains("time since run start"), "clock time, not hours since the start");
}

#[test]
fn the_time_series_lists_only_the_states_that_occur() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario_file("pooled-erlang.toml");
    let dir = tmp.path().to_str().unwrap();
    run_ok(&["run", s.to_str().unwrap(), "--quiet", "--plot", "--out", dir]);
    let svg = std::fs::read_to_string(tmp.path().join("timeseries.svg")).unwrap();
    assert!(svg.contains("available hosts"));
    for never in ["draining hosts", "updating hosts", "unavailable hosts", "update window"] {
        assert!(!svg.contains(never), "{never} is listed but never occurs");
    }
}
