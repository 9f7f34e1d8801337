//! `poolsim run --stats`: how fast the run went and how much it held at once.
//!
//! Wall-clock time and memory are read here, at the shell's edge — the core never reads the
//! clock — and they only reach `summary.json` when asked for, since they make it differ from
//! run to run.

use crate::runner::RunOutput;
use serde::Serialize;
use std::time::Duration;

/// The figures `--stats` reports.
#[derive(Debug, Clone, Serialize)]
pub struct RunStats {
    /// Events handled, all replications together.
    pub events: u64,
    /// Wall-clock seconds spent running the replications.
    pub wall_seconds: f64,
    /// `events / wall_seconds`, over all worker threads.
    pub events_per_second: f64,
    /// CPU seconds the process spent meanwhile, all threads together (absent where the
    /// system does not say). Unlike wall time, other programs on the machine barely move it.
    pub cpu_seconds: Option<f64>,
    /// `events / cpu_seconds`: the speed of one core.
    pub events_per_cpu_second: Option<f64>,
    /// Worker threads used.
    pub threads: usize,
    /// The most events pending at once in any replication.
    pub peak_queue: usize,
    /// The process's peak resident memory, in bytes (absent where the system does not say).
    pub peak_rss_bytes: Option<u64>,
}

impl RunStats {
    /// Gathers the figures of a finished run that took `wall` and `cpu` seconds of CPU time
    /// on `threads` threads.
    pub fn of(run: &RunOutput, wall: Duration, cpu: Option<f64>, threads: usize) -> Self {
        let events = run.events();
        let secs = wall.as_secs_f64();
        let per = |s: f64| if s > 0.0 { events as f64 / s } else { 0.0 };
        Self {
            events,
            wall_seconds: secs,
            events_per_second: per(secs),
            cpu_seconds: cpu,
            events_per_cpu_second: cpu.map(per),
            threads,
            peak_queue: run.replications.iter().map(|r| r.stats.peak_queue).max().unwrap_or(0),
            peak_rss_bytes: peak_rss_bytes(),
        }
    }

    /// The lines printed after a run.
    pub fn lines(&self) -> Vec<String> {
        let rss = self
            .peak_rss_bytes
            .map_or_else(|| "unknown".into(), |b| format!("{:.1} MiB", b as f64 / 1048576.0));
        vec![
            format!("  events processed     {}", self.events),
            format!(
                "  events per second    {:.0} ({:.3} s on {} thread(s))",
                self.events_per_second, self.wall_seconds, self.threads
            ),
            format!(
                "  events per CPU-sec   {}",
                self.events_per_cpu_second.map_or_else(|| "unknown".into(), |r| format!("{r:.0}"))
            ),
            format!("  peak queue length    {}", self.peak_queue),
            format!("  peak memory (RSS)    {rss}"),
        ]
    }
}

/// Peak resident set size of this process: `VmHWM` in `/proc/self/status` (Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 =
        line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

/// CPU time used by this process so far, user + system, all threads: fields 14 and 15 of
/// `/proc/self/stat`, in clock ticks of 1/100 s (Linux's fixed USER_HZ).
pub fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn peak_rss_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            let rss = super::peak_rss_bytes().expect("VmHWM is present on Linux");
            assert!(rss > 1024 * 1024, "a running test binary holds more than 1 MiB: {rss}");
        }
    }
}
