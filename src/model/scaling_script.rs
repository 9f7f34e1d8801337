//! The older scaling script (RDS-Templates `basicScale.ps1`, run by Azure Automation every
//! 15 minutes by default): what one run decides, as a pure function (MODEL.md "The older
//! scaling script").
//!
//! - Capacity = running cores × `SessionThresholdPerCPU`.
//! - Peak hours: if sessions ≥ capacity, start ⌈(sessions − capacity) ÷ threshold⌉ cores'
//!   worth of hosts (at least one host); never stop a host.
//! - Off peak: keep `MinimumNumberOfRDSH` running, raised to ⌈sessions ÷ (limit × 0.9)⌉ when
//!   sessions reach 90 % of the minimum's capacity (the script's hard-coded rule); stop the
//!   surplus, fewest sessions first; a host with sessions only with a force log-off time.

use super::autoscale::{Decision, HostView, Power, Step, Why};
use super::host::HostId;
use crate::engine::SimTime;

/// The script's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScriptConfig {
    /// The runbook's period.
    pub interval: SimTime,
    /// `BeginPeakTime`, within the day.
    pub peak_start: SimTime,
    /// `EndPeakTime`, within the day.
    pub peak_end: SimTime,
    /// `SessionThresholdPerCPU`.
    pub threshold_per_cpu: f64,
    /// vCPUs per host.
    pub vcpus: u32,
    /// `MinimumNumberOfRDSH`.
    pub min_hosts: u32,
    /// `LimitSecondsToForceLogOffUser` (`None`: never force).
    pub force_logoff_after: Option<SimTime>,
}

/// The share of the minimum hosts' capacity that raises the off-peak minimum (hard-coded).
pub const OFF_PEAK_RAISE: f64 = 0.9;

/// The off-peak minimum: `min_hosts`, raised to ⌈sessions ÷ (limit × 0.9)⌉ when sessions
/// reach 90 % of what `min_hosts` hosts hold.
pub fn off_peak_minimum(min_hosts: u32, sessions: u64, limit: u32) -> u32 {
    let raise_at = f64::from(min_hosts) * f64::from(limit) * OFF_PEAK_RAISE;
    if (sessions as f64) < raise_at {
        return min_hosts;
    }
    let needed = (sessions as f64 / (f64::from(limit) * OFF_PEAK_RAISE)).ceil() as u32;
    needed.max(min_hosts)
}

/// Hosts to start in peak: ⌈(sessions − capacity) ÷ threshold⌉ cores' worth, at least one,
/// when sessions reach capacity; 0 otherwise.
pub fn peak_starts(c: &ScriptConfig, running: u32, sessions: u64) -> u32 {
    let capacity = f64::from(running * c.vcpus) * c.threshold_per_cpu;
    if (sessions as f64) < capacity {
        return 0;
    }
    let cores = ((sessions as f64 - capacity) / c.threshold_per_cpu).ceil();
    ((cores / f64::from(c.vcpus)).ceil() as u32).max(1)
}

/// One run of the script at time of day `tod`.
pub fn decide(c: &ScriptConfig, tod: SimTime, hosts: &[HostView], limit: u32) -> Vec<Decision> {
    let peak = (c.peak_start..c.peak_end).contains(&tod);
    let live = |h: &HostView| matches!(h.power, Power::Running | Power::Starting) && !h.ours;
    let running = hosts.iter().filter(|h| live(h)).count() as u32;
    let sessions: u64 = hosts.iter().map(|h| u64::from(h.sessions)).sum();
    let mut out = stop_drained(hosts);
    if peak {
        let n = peak_starts(c, running, sessions);
        let why = format!(
            "peak: {sessions} sessions >= capacity {:.0} ({running} hosts x {} vCPU x {})",
            f64::from(running * c.vcpus) * c.threshold_per_cpu,
            c.vcpus,
            c.threshold_per_cpu
        );
        out.extend(start(hosts, n, &why));
        return out;
    }
    let min = off_peak_minimum(c.min_hosts, sessions, limit);
    if running < min {
        let why = format!("off-peak: {running} hosts running < minimum {min}");
        out.extend(start(hosts, min - running, &why));
        return out;
    }
    let mut surplus = running - min;
    let mut order: Vec<usize> = (0..hosts.len())
        .filter(|&i| hosts[i].movable && hosts[i].undrained && hosts[i].power == Power::Running)
        .collect();
    order.sort_by_key(|&i| (hosts[i].sessions, i));
    for i in order {
        if surplus == 0 {
            break;
        }
        let why = format!("off-peak: {running} hosts running > minimum {min}");
        let host = i as HostId;
        if hosts[i].sessions == 0 {
            out.push((Step::Stop(host), Why::Text(why)));
        } else if let Some(after) = c.force_logoff_after {
            out.push((Step::Drain { host, force_after: Some(after) }, Why::Text(why)));
        } else {
            continue;
        }
        surplus -= 1;
    }
    out
}

/// Up to `n` starts: hosts the script drained come back first, then stopped hosts in order.
fn start(hosts: &[HostView], n: u32, why: &str) -> Vec<Decision> {
    let undrain = (0..hosts.len())
        .filter(|&i| hosts[i].ours && hosts[i].power == Power::Running)
        .map(|i| Step::Undrain(i as HostId));
    let boot = (0..hosts.len())
        .filter(|&i| hosts[i].movable && hosts[i].power == Power::Stopped)
        .map(|i| Step::Start(i as HostId));
    undrain.chain(boot).take(n as usize).map(|s| (s, Why::Text(why.to_string()))).collect()
}

/// Hosts the script drained whose users have all left are stopped.
fn stop_drained(hosts: &[HostView]) -> Vec<Decision> {
    (0..hosts.len())
        .filter(|&i| hosts[i].ours && hosts[i].power == Power::Running && hosts[i].sessions == 0)
        .map(|i| (Step::Stop(i as HostId), Why::Text("drained host has no sessions".into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::HOUR;

    fn cfg() -> ScriptConfig {
        ScriptConfig {
            interval: HOUR / 4,
            peak_start: 9 * HOUR,
            peak_end: 17 * HOUR,
            threshold_per_cpu: 1.0,
            vcpus: 4,
            min_hosts: 2,
            force_logoff_after: None,
        }
    }

    fn host(power: Power, sessions: u32) -> HostView {
        HostView { power, sessions, active: sessions, undrained: true, ours: false, movable: true }
    }

    #[test]
    fn peak_starts_cores_worth_of_hosts_when_sessions_reach_capacity() {
        // MODEL.md: capacity = running cores × SessionThresholdPerCPU; in peak, if sessions ≥
        // capacity, start ⌈(sessions − capacity) ÷ threshold⌉ cores' worth of hosts.
        let c = cfg();
        assert_eq!(peak_starts(&c, 2, 7), 0, "7 < 8");
        assert_eq!(peak_starts(&c, 2, 8), 1, "at capacity: one host");
        assert_eq!(peak_starts(&c, 2, 17), 3, "9 cores short: three 4-vCPU hosts");
    }

    #[test]
    fn the_off_peak_minimum_rises_at_ninety_percent() {
        // MODEL.md: raising it to ⌈sessions ÷ (limit × 0.9)⌉ when sessions reach 90 % of it.
        assert_eq!(off_peak_minimum(2, 17, 10), 2, "17 < 18 = 90 % of 2 × 10");
        assert_eq!(off_peak_minimum(2, 18, 10), 2, "⌈18 ÷ 9⌉ = 2");
        assert_eq!(off_peak_minimum(2, 19, 10), 3, "⌈19 ÷ 9⌉ = 3");
    }

    #[test]
    fn peak_never_stops_a_host() {
        let hosts = vec![host(Power::Running, 0), host(Power::Running, 0), host(Power::Running, 0)];
        assert!(decide(&cfg(), 10 * HOUR, &hosts, 10).is_empty());
        let off = decide(&cfg(), 20 * HOUR, &hosts, 10);
        assert_eq!(off.len(), 1, "off-peak stops the surplus above the minimum of 2: {off:?}");
    }

    #[test]
    fn off_peak_stops_hosts_with_sessions_only_with_a_force_time() {
        let hosts = vec![host(Power::Running, 3), host(Power::Running, 1), host(Power::Running, 2)];
        let mut c = cfg();
        c.min_hosts = 1;
        assert!(decide(&c, 20 * HOUR, &hosts, 10).is_empty());
        c.force_logoff_after = Some(HOUR / 2);
        let d = decide(&c, 20 * HOUR, &hosts, 10);
        let steps: Vec<Step> = d.into_iter().map(|x| x.0).collect();
        assert_eq!(
            steps,
            vec![
                Step::Drain { host: 1, force_after: Some(HOUR / 2) },
                Step::Drain { host: 2, force_after: Some(HOUR / 2) }
            ],
            "fewest sessions first"
        );
    }
}
