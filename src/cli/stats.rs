//! `poolsim run --stats`: how fast the run went and how much it held at once.
//!
//! Wall-clock time, CPU time and memory are read here, at the shell's edge — the core never reads the
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
            events_per_cpu_second: cpu.filter(|&c| c > 0.0).map(per),
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

/// The process's resource use so far, from the operating system (`getrusage`).
fn usage() -> Option<libc::rusage> {
    // SAFETY: `getrusage` only writes the struct it is given; a zeroed `rusage` is valid.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer to an owned struct.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    (rc == 0).then_some(u)
}

/// Peak resident set size of this process, in bytes (`ru_maxrss`: KiB on Linux, bytes on
/// macOS).
pub fn peak_rss_bytes() -> Option<u64> {
    let kib_or_bytes = u64::try_from(usage()?.ru_maxrss).ok().filter(|&v| v > 0)?;
    Some(if cfg!(target_os = "macos") { kib_or_bytes } else { kib_or_bytes * 1024 })
}

/// CPU time used by this process so far, user + system, all threads, in seconds (at the
/// system's microsecond resolution, not the 1/100 s ticks of `/proc`).
pub fn process_cpu_seconds() -> Option<f64> {
    let u = usage()?;
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some(secs(u.ru_utime) + secs(u.ru_stime))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_operating_system_reports_memory_and_cpu_time() {
        let rss = super::peak_rss_bytes().expect("getrusage reports the peak RSS");
        assert!(rss > 1024 * 1024, "a running test binary holds more than 1 MiB: {rss}");
        let before = super::process_cpu_seconds().expect("getrusage reports CPU time");
        // Burn a little CPU; the count is used so the loop is not optimised away.
        let mut x = 0u64;
        for i in 0..50_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
        }
        let after = super::process_cpu_seconds().unwrap();
        assert!(after > before, "CPU time moves with work ({before} -> {after}, {x})");
    }
}
