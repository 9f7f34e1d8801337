//! `poolsim fit LOG`: derive a synthetic workload from a connection log, write it as a
//! scenario, run the scenario once and say how close it comes to the log.

use super::Failure;
use crate::fit::{self, Fit};
use crate::metrics::MetricValues;
use crate::scenario::connection_log::{LogFormat, ReadOptions, parse_utc_offset};
use crate::scenario::replay::read_file;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct FitArgs {
    /// The connection log (CSV).
    pub log: PathBuf,
    /// Where to write the fitted scenario.
    #[arg(long, default_value = "fitted.toml")]
    pub out: PathBuf,
    /// The log's layout: wvdconnections or simple.
    #[arg(long, default_value = "wvdconnections")]
    pub format: String,
    /// Local time minus UTC, ±HH:MM.
    #[arg(long, default_value = "+00:00", allow_hyphen_values = true)]
    pub utc_offset: String,
    /// Fit only this host pool's rows (the last segment of _ResourceId).
    #[arg(long)]
    pub host_pool: Option<String>,
}

/// Runs the command.
pub fn fit(args: FitArgs) -> Result<(), Failure> {
    let format = match args.format.as_str() {
        "wvdconnections" => LogFormat::Wvdconnections,
        "simple" => LogFormat::Simple,
        other => {
            return Err(Failure::Input(format!(
                "--format: {other:?} is not a log format: use wvdconnections or simple"
            )));
        }
    };
    let utc_offset_ms = parse_utc_offset(&args.utc_offset).ok_or_else(|| {
        Failure::Input(format!("--utc-offset: {:?} is not ±HH:MM", args.utc_offset))
    })?;
    let opts = ReadOptions { format, utc_offset_ms, host_pool: args.host_pool.clone() };
    let log = read_file(&args.log, &opts).map_err(Failure::Input)?;
    let f = fit::fit(&log);
    let name = args.out.file_stem().map_or("fitted".into(), |s| s.to_string_lossy().into_owned());
    let text = fit::scenario_toml(&f, &name, &args.log.display().to_string());
    let file = args.out.display().to_string();
    let scenario = crate::scenario::from_str(&text, &file, &[])
        .map_err(|e| Failure::Run(format!("the fitted scenario does not load: {e}")))?;
    let run = crate::runner::run(&scenario, false, &|| {})
        .map_err(|stall| Failure::Run(format!("the fitted scenario: {stall}")))?;
    let metrics = &run.replications[0].metrics;
    crate::output::write_atomic(&args.out, text.as_bytes())
        .map_err(|e| Failure::Run(format!("cannot write {file}: {e}")))?;
    report(&f, metrics).iter().for_each(|l| println!("{l}"));
    println!("wrote {file}");
    Ok(())
}

/// What was fitted, and the fitted scenario's run beside the log.
fn report(f: &Fit, run: &MetricValues) -> Vec<String> {
    let hours = f.duration as f64 / crate::engine::time::HOUR as f64;
    let minutes = |ms: f64| ms / 60_000.0;
    let mut out = vec![format!(
        "users: {}; hosts: {}, up to {} sessions each",
        f.users, f.hosts, f.peak_per_host
    )];
    let daily = |v: &[f64; 24]| v.iter().sum::<f64>();
    out.push(format!(
        "logins per day (fresh, not reconnections): weekday {:.1}, weekend day {:.1}",
        daily(&f.weekday) + f.storm_logins,
        daily(&f.weekend)
    ));
    out.push(storm_line(f));
    match f.session {
        Some(s) => out.push(format!(
            "session length ({} connections): exponential mean {:.1} min (KS {:.3}); lognormal mean {:.1} min, sd {:.1} min (KS {:.3}) -> {} fits better by {:.3}",
            s.n,
            minutes(s.mean),
            s.ks_exponential,
            minutes(s.lognormal_mean()),
            minutes(s.lognormal_sd()),
            s.ks_lognormal,
            if s.lognormal_wins() { "lognormal" } else { "exponential" },
            (s.ks_exponential - s.ks_lognormal).abs()
        )),
        None => out.push("session length: no ended connection to fit".to_string()),
    }
    out.push(format!(
        "disconnects: {:.1} % of ended connections; reconnect after {}",
        100.0 * f.disconnect_probability,
        f.reconnect_mean.map_or("-".to_string(), |m| format!("{:.1} min on average", minutes(m)))
    ));
    let attempted = run.get("logins_attempted").unwrap_or(0.0);
    let peak = run.get("peak_sessions").unwrap_or(0.0);
    out.push(format!(
        "a run of the fitted scenario vs the log: logins per hour {:.2} vs {:.2}; peak concurrent sessions {} vs {}",
        attempted / hours,
        f.logins_per_hour,
        peak,
        f.peak_sessions
    ));
    out
}

/// Which shape the weekday logins were given, and why.
fn storm_line(f: &Fit) -> String {
    let Some(s) = f.storm else {
        return format!(
            "weekday logins: hourly profile (fewer than {} weekday logins: too few to look for a storm)",
            crate::fit::storm::MIN_LOGINS
        );
    };
    if !s.chosen() {
        return format!("weekday logins: hourly profile — {}", s.reason());
    }
    let clock = |ms: f64| {
        let m = (ms / 60_000.0).round() as u64;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    format!(
        "weekday logins: storm centred at {}, window {}–{} (σ {:.1} min), {:.0} logins a weekday above the background — {}",
        clock(s.centre),
        clock(s.start()),
        clock(s.start() + s.window()),
        s.sigma / 60_000.0,
        f.storm_logins,
        s.reason()
    )
}
