//! `[workload] replay`: the workload is a connection log (see `connection_log.rs`), read once
//! at load time — the model never reads files.

pub use super::connection_log::ReplaySpec;
use super::connection_log::{self, ConnectionLog, LogFormat, ReadOptions};
use super::personal::AssignmentSpec;
use super::{Duration, Scenario, ScenarioError};
use std::path::Path;
use std::sync::Arc;

/// The largest log a replay reads (a million connections of WVDConnections is about 0.5 GB).
pub const MAX_LOG_BYTES: u64 = 4 << 30;

const FIELD: &str = "workload.replay";

/// What a log was read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogKey {
    path: std::path::PathBuf,
    format: LogFormat,
    utc_offset_ms: i64,
    host_pool: Option<String>,
}

/// The last log read and how, so that a sweep's points share one read.
pub type LogCache = std::sync::Mutex<Option<(LogKey, Arc<ConnectionLog>)>>;

/// Reads the log a scenario replays (if it does), relative to the scenario file `file`, and
/// gives the run the log's length when the scenario sets no `duration`.
pub fn load_log(s: &mut Scenario, file: &str, cache: &LogCache) -> Result<(), ScenarioError> {
    let Some(spec) = &s.workload.replay else { return Ok(()) };
    let offset = match &spec.utc_offset {
        None => 0,
        Some(o) => connection_log::parse_utc_offset(o).ok_or_else(|| {
            let msg = format!("must be ±HH:MM between -14:00 and +14:00 (got {o:?})");
            ScenarioError::new(file, &format!("{FIELD}.utc_offset"), msg)
        })?,
    };
    let opts = ReadOptions {
        format: spec.format,
        utc_offset_ms: offset,
        host_pool: spec.host_pool.clone(),
    };
    let path = Path::new(file).parent().unwrap_or(Path::new("")).join(&spec.file);
    let key = LogKey {
        path: path.clone(),
        format: opts.format,
        utc_offset_ms: offset,
        host_pool: opts.host_pool.clone(),
    };
    let mut cached = cache.lock().unwrap_or_else(|p| p.into_inner());
    let log = match cached.as_ref() {
        Some((k, log)) if *k == key => Arc::clone(log),
        _ => {
            let log = read_file(&path, &opts)
                .map_err(|msg| ScenarioError::new(file, &format!("{FIELD}.file"), msg))?;
            let log = Arc::new(log);
            *cached = Some((key, Arc::clone(&log)));
            log
        }
    };
    if s.duration.0 == 0 {
        s.duration = Duration(log.default_duration());
    }
    if s.pool.assignments.from_log() {
        s.pool.log_assignments = logged_assignments(&log, s.pool.multiple_desktops == Some(true));
    }
    if let Some(spec) = &mut s.workload.replay {
        spec.log = Some(log);
    }
    Ok(())
}

/// `assignments = "from_log"`: each user gets the host of their first connection that has
/// one (all the hosts they used, in order, with multiple desktops). A host has one owner:
/// the first user seen on it keeps it, and a user whose hosts all went to others gets none
/// and follows the pool's assignment rules, like a user with no host in the log.
pub fn logged_assignments(log: &ConnectionLog, multiple_desktops: bool) -> Vec<AssignmentSpec> {
    let mut owner = vec![connection_log::NONE; log.hosts.len()];
    let mut has_host = vec![false; log.users.len()];
    let mut out = Vec::new();
    for c in log.connections.iter().filter(|c| c.host != connection_log::NONE) {
        let (h, u) = (c.host as usize, c.user as usize);
        if owner[h] != connection_log::NONE || (has_host[u] && !multiple_desktops) {
            continue;
        }
        (owner[h], has_host[u]) = (c.user, true);
        out.push(AssignmentSpec {
            user: log.users[u].clone(),
            host: log.hosts[h].clone(),
            friendly_name: None,
        });
    }
    out
}

/// Reads the log at `path`; the error names the file and the line.
pub fn read_file(path: &Path, opts: &ReadOptions) -> Result<ConnectionLog, String> {
    let shown = path.display();
    let f = super::input_file::open_regular(path, MAX_LOG_BYTES)
        .map_err(|m| format!("{shown:?} {m}"))?;
    connection_log::read(f, opts).map_err(|(line, msg)| match line {
        0 => format!("{shown:?}: {msg}"),
        n => format!("{shown:?} line {n}: {msg}"),
    })
}

/// What a replay does not combine with: the log is the whole workload.
pub(super) fn check(s: &Scenario) -> Result<(), (String, String)> {
    let w = &s.workload;
    let fail = |field: &str, msg: &str| Err((field.to_string(), msg.to_string()));
    if w.users.is_some() {
        return fail("workload.users", "a replay takes its users from the log; remove users");
    }
    if !w.arrivals.as_slice().is_empty() {
        return fail(
            "workload.arrivals",
            "a replay takes its logins from the log; remove arrivals",
        );
    }
    if w.reconnect.is_some() {
        return fail(
            "workload.reconnect",
            "a replay takes disconnects and reconnections from the log (PredecessorConnectionId); remove reconnect",
        );
    }
    if s.pool.kind.is_personal() && s.autoscale.is_some() {
        return fail(
            "autoscale",
            "a replay on a personal pool does not support a scaling plan yet (a login waiting for its host to start would lose its logged length)",
        );
    }
    if w.replay.as_ref().is_some_and(|r| r.file.trim().is_empty()) {
        return fail("workload.replay.file", "must name the log, relative to the scenario file");
    }
    Ok(())
}
