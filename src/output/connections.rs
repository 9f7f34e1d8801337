//! `connections.csv` (`run --export-connections`): replication 0's connections in the shape
//! of the Log Analytics table WVDConnections, so that the replay reads them back and other
//! tools that read the table read ours.
//!
//! Built from the event trace: a `login` (or `relogin`) is a connection's `Started` and
//! `Connected` rows (`Started` at the boot wait when the login waited for its host); a
//! `disconnect`, `logoff` or forced log-off of an active session is its `Completed`; a
//! `reconnect` is a new connection whose `PredecessorConnectionId` is the one that
//! disconnected; a `login_failed` is `Started` and `Completed` with no `Connected`. A session
//! still open at the end of the run has no `Completed` row.

use crate::engine::SimTime;
use crate::metrics::trace::TraceRecord;
use crate::scenario::connection_log::format_guid;
use chrono::DateTime;
use std::collections::HashMap;

/// The columns written, in order.
pub const COLUMNS: [&str; 9] = [
    "TimeGenerated",
    "CorrelationId",
    "State",
    "UserName",
    "SessionHostName",
    "SessionHostPoolType",
    "PredecessorConnectionId",
    "ConnectionType",
    "_ResourceId",
];

/// Simulated time 0 of a synthetic run as a UTC instant: Monday 2024-01-01 00:00.
pub const SYNTHETIC_ORIGIN_UTC_MS: i64 = 1_704_067_200_000;

/// What the rows say about the pool.
pub struct ExportPool<'a> {
    /// Simulated time 0 as a UTC instant (ms since 1970).
    pub origin_utc_ms: i64,
    /// The host pool's name, the last segment of `_ResourceId`.
    pub name: &'a str,
    /// `SharedDesktop` or `PersonalDesktop`.
    pub pool_type: &'a str,
}

/// A connection of the export: its number and whether the user is connected to it.
#[derive(Clone, Copy)]
struct Open {
    id: u128,
    active: bool,
}

/// Renders `trace` as WVDConnections rows.
pub fn connections_csv(trace: &[TraceRecord], pool: &ExportPool) -> Vec<u8> {
    let resource = format!(
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/poolsim/providers/microsoft.desktopvirtualization/hostpools/{}",
        pool.name
    );
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory CSV");
    let mut open: Sessions = HashMap::new();
    let mut waiting: HashMap<(&str, &str), SimTime> = HashMap::new();
    let mut next_id: u128 = 0;
    let mut row = |time: SimTime, id: u128, state: &str, r: &TraceRecord, pred: Option<u128>| {
        let t = DateTime::from_timestamp_millis(pool.origin_utc_ms + time as i64)
            .unwrap_or_default()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string();
        let pred = pred.map(format_guid).unwrap_or_default();
        let fields = [
            t.as_str(),
            &format_guid(id),
            state,
            r.user.as_deref().unwrap_or(""),
            r.host.as_deref().unwrap_or(""),
            pool.pool_type,
            &pred,
            "Desktop",
            &resource,
        ];
        w.write_record(fields).expect("in-memory CSV");
    };
    for r in trace {
        let (Some(user), host) = (r.user.as_deref(), r.host.as_deref().unwrap_or("")) else {
            continue;
        };
        let key = (user, host);
        let mut new_id = || {
            next_id += 1;
            connection_id(next_id)
        };
        match r.kind {
            "boot_wait" => {
                waiting.insert(key, r.time);
            }
            "login" | "relogin" | "reconnect" => {
                let id = new_id();
                let started = waiting.remove(&key).unwrap_or(r.time);
                let pred =
                    if r.kind == "reconnect" { take_disconnected(&mut open, key) } else { None };
                row(started, id, "Started", r, pred);
                row(r.time, id, "Connected", r, pred);
                open.entry(key).or_default().push(Open { id, active: true });
            }
            "disconnect" => {
                if let Some(c) = first_active(&mut open, key) {
                    c.active = false;
                    let id = c.id;
                    row(r.time, id, "Completed", r, None);
                }
            }
            "logoff" | "forced_logoff" => {
                if let Some(c) = remove_first(&mut open, key)
                    && c.active
                {
                    row(r.time, c.id, "Completed", r, None);
                }
            }
            "login_failed" => {
                let id = new_id();
                let started = waiting.remove(&key).unwrap_or(r.time);
                row(started, id, "Started", r, None);
                row(r.time, id, "Completed", r, None);
            }
            _ => {}
        }
    }
    w.into_inner().expect("in-memory CSV")
}

/// Connection number `n` as a GUID-shaped id (version-4 layout, so tools that check accept it).
fn connection_id(n: u128) -> u128 {
    (0x4000u128 << 64) | (0x8000u128 << 48) | n
}

/// Each (user, host)'s sessions, oldest first.
type Sessions<'t> = HashMap<(&'t str, &'t str), Vec<Open>>;

fn first_active<'a, 't>(
    open: &'a mut Sessions<'t>,
    key: (&'t str, &'t str),
) -> Option<&'a mut Open> {
    open.get_mut(&key)?.iter_mut().find(|c| c.active)
}

/// Removes the key's first session (active or not); a log-off ends the oldest.
fn remove_first<'t>(open: &mut Sessions<'t>, key: (&'t str, &'t str)) -> Option<Open> {
    let list = open.get_mut(&key)?;
    let pos = list.iter().position(|c| c.active).unwrap_or(0);
    (pos < list.len()).then(|| list.remove(pos))
}

/// The key's disconnected session the user returns to, removed (its connection ended).
fn take_disconnected<'t>(open: &mut Sessions<'t>, key: (&'t str, &'t str)) -> Option<u128> {
    let list = open.get_mut(&key)?;
    let pos = list.iter().position(|c| !c.active)?;
    Some(list.remove(pos).id)
}
