//! Reading a connection log — the Log Analytics table WVDConnections, or a simple
//! `user,start,end` list — into the compact list of connections a replay needs.
//!
//! The reader streams the file once (rows may come in any order: the table is not sorted), so
//! memory grows with the number of connections, not with the file. WVDConnections has one row
//! per state per connection (`Started`, `Connected`, `Completed`), joined here by
//! `CorrelationId`; `PredecessorConnectionId` links a reconnection to the connection it
//! continues. Simulated time 0 is the Monday 00:00 (local time) on or before the log's first
//! row, so daily and weekly patterns line up with the scenario's clock.

use crate::engine::SimTime;
use crate::engine::time::{DAY, HOUR};
use chrono::{DateTime, NaiveDateTime};
use csv::ByteRecord;
use rustc_hash::FxHashMap as HashMap;
use std::io::Read;
use std::sync::Arc;

/// `replay = { file, format, utc_offset, host_pool }`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplaySpec {
    /// The log, relative to the scenario file.
    pub file: String,
    /// `wvdconnections` (default) or `simple`.
    #[serde(default)]
    pub format: LogFormat,
    /// Local time minus UTC, `±HH:MM` (default `+00:00`): the clock of daily patterns, actions
    /// and updates.
    pub utc_offset: Option<String>,
    /// Replay only this host pool's rows (the last segment of `_ResourceId`).
    pub host_pool: Option<String>,
    /// The log, read at load time.
    #[serde(skip)]
    pub log: Option<Arc<ConnectionLog>>,
}

/// "No such thing" for the `u32` references of a [`LoggedConnection`].
pub const NONE: u32 = u32::MAX;
/// The end of a connection still open when the log ends.
pub const OPEN: SimTime = SimTime::MAX;

/// The file layouts a replay reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// The Log Analytics table WVDConnections, exported as CSV with its column names.
    #[default]
    Wvdconnections,
    /// `user,start,end`: one connected session per row, ISO-8601 times (`end` may be empty).
    Simple,
}

/// How to read a log.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The layout.
    pub format: LogFormat,
    /// Local time minus UTC, in milliseconds (times with an offset are moved to local time).
    pub utc_offset_ms: i64,
    /// Keep only rows of this host pool (the last segment of `_ResourceId`, any case).
    pub host_pool: Option<String>,
}

/// One connection of the log, in simulated time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedConnection {
    /// When the user got (or, if it never connected, asked for) the connection.
    pub login: SimTime,
    /// `Completed`, or [`OPEN`].
    pub end: SimTime,
    /// The user, an index into [`ConnectionLog::users`].
    pub user: u32,
    /// `SessionHostName`, an index into [`ConnectionLog::hosts`], or [`NONE`].
    pub host: u32,
    /// The reconnection that continues this connection's session, or [`NONE`].
    pub next: u32,
    /// This connection continues an earlier one of the log.
    pub continues: bool,
    /// It reached `Connected` (a `Started` without `Connected` failed).
    pub connected: bool,
}

/// A log, read and checked.
#[derive(Clone)]
pub struct ConnectionLog {
    /// User names, sorted; a user's id is its index.
    pub users: Vec<String>,
    /// Session host names, sorted.
    pub hosts: Vec<String>,
    /// The connections, by login time (then file order).
    pub connections: Vec<LoggedConnection>,
    /// Simulated time 0 as a UTC instant, in milliseconds since 1970.
    pub origin_utc_ms: i64,
    /// Local time minus UTC, in milliseconds.
    pub utc_offset_ms: i64,
    /// The latest time in the log.
    pub span: SimTime,
    /// Rows left out: other host pools, and connections that began before the log.
    pub rows_skipped: u64,
}

impl std::fmt::Debug for ConnectionLog {
    /// A summary: the connections themselves would fill a screen.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionLog")
            .field("users", &self.users.len())
            .field("connections", &self.connections.len())
            .field("span", &self.span)
            .field("rows_skipped", &self.rows_skipped)
            .finish()
    }
}

impl ConnectionLog {
    /// Connections that never reached `Connected`.
    pub fn failed(&self) -> u64 {
        self.connections.iter().filter(|c| !c.connected).count() as u64
    }

    /// The run length a replay takes when the scenario gives none: the log's span rounded up
    /// to a whole hour.
    pub fn default_duration(&self) -> SimTime {
        (self.span / HOUR + 1) * HOUR
    }
}

/// A problem at a line of the file (line 0: the file as a whole).
pub type LineError = (u64, String);

/// Reads a log from `input`.
pub fn read(input: impl Read, opts: &ReadOptions) -> Result<ConnectionLog, LineError> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).buffer_capacity(1 << 20).from_reader(input);
    let headers = reader.byte_headers().map_err(csv_error)?.clone();
    let mut acc = Accumulator::default();
    match opts.format {
        LogFormat::Wvdconnections => {
            let cols = WvdColumns::find(&headers)?;
            let mut pool = PoolFilter::new(opts.host_pool.as_deref(), cols.resource.is_some())?;
            let mut row = ByteRecord::new();
            while reader.read_byte_record(&mut row).map_err(csv_error)? {
                let line = row.position().map_or(0, |p| p.line());
                if !pool.keeps(cols.resource.map(|i| &row[i]), line)? {
                    acc.rows_skipped += 1;
                    continue;
                }
                acc.wvd_row(&cols, &row, line, opts.utc_offset_ms).map_err(|m| (line, m))?;
            }
        }
        LogFormat::Simple => {
            simple_headers(&headers)?;
            let mut row = ByteRecord::new();
            while reader.read_byte_record(&mut row).map_err(csv_error)? {
                let line = row.position().map_or(0, |p| p.line());
                acc.simple_row(&row, line, opts.utc_offset_ms).map_err(|m| (line, m))?;
            }
        }
    }
    acc.finish(opts.utc_offset_ms)
}

fn csv_error(e: csv::Error) -> LineError {
    let line = e.position().map_or(0, |p| p.line());
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("expected {expected_len} fields, found {len}")
        }
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => format!("malformed CSV: {e}"),
    };
    (line, msg)
}

/// Where WVDConnections' columns are.
struct WvdColumns {
    time: usize,
    id: usize,
    state: usize,
    user: usize,
    host: Option<usize>,
    predecessor: Option<usize>,
    resource: Option<usize>,
}

impl WvdColumns {
    fn find(headers: &ByteRecord) -> Result<Self, LineError> {
        let at = |name: &str| headers.iter().position(|h| h == name.as_bytes());
        let need = |name: &str| {
            at(name).ok_or_else(|| {
                let found: Vec<String> =
                    headers.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
                let msg = format!(
                    "not a WVDConnections log: no column {name} (columns: {:?}); the table's columns are TimeGenerated, CorrelationId, State, UserName, SessionHostName, PredecessorConnectionId, _ResourceId",
                    found.join(",")
                );
                (1, msg)
            })
        };
        Ok(Self {
            time: need("TimeGenerated")?,
            id: need("CorrelationId")?,
            state: need("State")?,
            user: need("UserName")?,
            host: at("SessionHostName"),
            predecessor: at("PredecessorConnectionId"),
            resource: at("_ResourceId"),
        })
    }
}

fn simple_headers(headers: &ByteRecord) -> Result<(), LineError> {
    let names: Vec<&[u8]> = headers.iter().collect();
    if names != [&b"user"[..], b"start", b"end"] {
        let found = String::from_utf8_lossy(headers.as_slice()).into_owned();
        return Err((1, format!("expected the header user,start,end (found {found:?})")));
    }
    Ok(())
}

/// Keeps the rows of one host pool.
struct PoolFilter {
    wanted: Option<String>,
    first: Option<Vec<u8>>,
}

impl PoolFilter {
    fn new(wanted: Option<&str>, have_column: bool) -> Result<Self, LineError> {
        if wanted.is_some() && !have_column {
            return Err((1, "host_pool needs a _ResourceId column to filter by".to_string()));
        }
        Ok(Self { wanted: wanted.map(str::to_ascii_lowercase), first: None })
    }

    /// Whether the row of `resource` belongs to the replayed pool. Without a `host_pool`
    /// filter every row must name the same pool as the first.
    fn keeps(&mut self, resource: Option<&[u8]>, line: u64) -> Result<bool, LineError> {
        let Some(resource) = resource else { return Ok(true) };
        if let Some(wanted) = &self.wanted {
            let name = resource.rsplit(|&b| b == b'/').next().unwrap_or(resource);
            return Ok(name.eq_ignore_ascii_case(wanted.as_bytes()));
        }
        match &self.first {
            None => self.first = Some(resource.to_vec()),
            Some(first) if first == resource || first.eq_ignore_ascii_case(resource) => {}
            Some(first) => {
                let (a, b) = (String::from_utf8_lossy(first), String::from_utf8_lossy(resource));
                let msg = format!(
                    "rows of a second host pool ({b:?}; the first rows are of {a:?}): set replay.host_pool to the pool to replay"
                );
                return Err((line, msg));
            }
        }
        Ok(true)
    }
}

/// No time yet.
const UNSET: i64 = i64::MIN;

/// A connection while its rows are being gathered; times are local milliseconds.
struct Pending {
    started: i64,
    connected: i64,
    completed: i64,
    completed_line: u64,
    first_line: u64,
    user: u32,
    host: u32,
    predecessor: Option<u128>,
}

#[derive(Default)]
struct Accumulator {
    by_id: HashMap<u128, u32>,
    pending: Vec<Pending>,
    users: Interner,
    hosts: Interner,
    rows_skipped: u64,
}

impl Accumulator {
    fn wvd_row(
        &mut self,
        cols: &WvdColumns,
        row: &ByteRecord,
        line: u64,
        offset: i64,
    ) -> Result<(), String> {
        let id = guid(&row[cols.id]).ok_or_else(|| {
            format!("CorrelationId {:?} is not a GUID", String::from_utf8_lossy(&row[cols.id]))
        })?;
        let state = State::parse(&row[cols.state])?;
        let time = local_ms(&row[cols.time], offset)
            .ok_or_else(|| bad_time("TimeGenerated", &row[cols.time]))?;
        let index = match self.by_id.get(&id) {
            Some(&i) => i,
            None => {
                let user = text(&row[cols.user], "UserName")?;
                if user.is_empty() {
                    return Err("UserName is empty".to_string());
                }
                let user = self.users.id(user);
                self.new_pending(id, user, line)
            }
        };
        let p = &mut self.pending[index as usize];
        if let Some(h) = cols.host.map(|i| &row[i]).filter(|h| !h.is_empty())
            && p.host == NONE
        {
            p.host = self.hosts.id(text(h, "SessionHostName")?);
        }
        if let Some(pred) = cols.predecessor.map(|i| &row[i]).filter(|v| !v.is_empty()) {
            let pred_id = guid(pred).ok_or_else(|| {
                format!("PredecessorConnectionId {:?} is not a GUID", String::from_utf8_lossy(pred))
            })?;
            p.predecessor = Some(pred_id);
        }
        let slot = match state {
            State::Started => &mut p.started,
            State::Connected => &mut p.connected,
            State::Completed => {
                p.completed_line = line;
                &mut p.completed
            }
        };
        if *slot != UNSET {
            return Err(format!(
                "duplicate CorrelationId {}: a second {} row",
                format_guid(id),
                state.name()
            ));
        }
        *slot = time;
        Ok(())
    }

    fn simple_row(&mut self, row: &ByteRecord, line: u64, offset: i64) -> Result<(), String> {
        let user = text(&row[0], "user")?;
        if user.is_empty() {
            return Err("user is empty".to_string());
        }
        let start = local_ms(&row[1], offset).ok_or_else(|| bad_time("start", &row[1]))?;
        let end = match &row[2] {
            b"" => UNSET,
            t => local_ms(t, offset).ok_or_else(|| bad_time("end", t))?,
        };
        let user = self.users.id(user);
        let id = self.pending.len() as u128;
        let i = self.new_pending(id, user, line) as usize;
        let p = &mut self.pending[i];
        (p.started, p.connected, p.completed, p.completed_line) = (start, start, end, line);
        Ok(())
    }

    fn new_pending(&mut self, id: u128, user: u32, line: u64) -> u32 {
        let index = self.pending.len() as u32;
        self.by_id.insert(id, index);
        self.pending.push(Pending {
            started: UNSET,
            connected: UNSET,
            completed: UNSET,
            completed_line: 0,
            first_line: line,
            user,
            host: NONE,
            predecessor: None,
        });
        index
    }

    /// Checks each connection, moves the clock to simulated time and links reconnections.
    fn finish(mut self, offset: i64) -> Result<ConnectionLog, LineError> {
        let mut keep = Vec::with_capacity(self.pending.len());
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for (i, p) in self.pending.iter().enumerate() {
            if p.started == UNSET && p.connected == UNSET {
                // Only a Completed row: the connection began before the log.
                self.rows_skipped += 1;
                continue;
            }
            check_order(p)?;
            let login = if p.connected != UNSET { p.connected } else { p.started };
            for t in [p.started, p.connected, p.completed].into_iter().filter(|&t| t != UNSET) {
                first = first.min(t);
                last = last.max(t);
            }
            keep.push((login, i as u32));
        }
        if keep.is_empty() {
            return Err((0, "has no connections to replay".to_string()));
        }
        keep.sort_unstable();
        let origin = monday_on_or_before(first);
        let at = |t: i64| (t - origin) as SimTime;
        let (user_order, users) = self.users.sorted();
        let (host_order, hosts) = self.hosts.sorted();
        let mut position = vec![NONE; self.pending.len()];
        for (k, &(_, i)) in keep.iter().enumerate() {
            position[i as usize] = k as u32;
        }
        let mut connections: Vec<LoggedConnection> = keep
            .iter()
            .map(|&(login, i)| {
                let p = &self.pending[i as usize];
                LoggedConnection {
                    login: at(login),
                    end: if p.completed == UNSET { OPEN } else { at(p.completed) },
                    user: user_order[p.user as usize],
                    host: if p.host == NONE { NONE } else { host_order[p.host as usize] },
                    next: NONE,
                    continues: false,
                    connected: p.connected != UNSET,
                }
            })
            .collect();
        for &(_, i) in &keep {
            let p = &self.pending[i as usize];
            let Some(pred) = p.predecessor.and_then(|id| self.by_id.get(&id)) else { continue };
            let before = position[*pred as usize];
            if before == NONE {
                continue;
            }
            let me = position[i as usize];
            if connections[before as usize].next != NONE {
                let msg = format!(
                    "a second connection continues PredecessorConnectionId {} (each connection has at most one reconnection)",
                    format_guid(p.predecessor.unwrap_or_default())
                );
                return Err((p.first_line, msg));
            }
            connections[before as usize].next = me;
            connections[me as usize].continues = true;
        }
        Ok(ConnectionLog {
            users,
            hosts,
            connections,
            origin_utc_ms: origin - offset,
            utc_offset_ms: offset,
            span: at(last),
            rows_skipped: self.rows_skipped,
        })
    }
}

/// `Connected` after `Started`, `Completed` after `Connected` (or `Started`).
fn check_order(p: &Pending) -> Result<(), LineError> {
    if p.connected != UNSET && p.started != UNSET && p.connected < p.started {
        return Err((p.first_line, "Connected before its Started".to_string()));
    }
    let begun = if p.connected != UNSET { p.connected } else { p.started };
    if p.completed != UNSET && p.completed < begun {
        let what = if p.connected != UNSET { "Connected" } else { "Started" };
        return Err((p.completed_line, format!("Completed before its {what}")));
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum State {
    Started,
    Connected,
    Completed,
}

impl State {
    fn parse(v: &[u8]) -> Result<Self, String> {
        match v {
            b"Started" => Ok(State::Started),
            b"Connected" => Ok(State::Connected),
            b"Completed" => Ok(State::Completed),
            other => Err(format!(
                "unknown State {:?}: expected Started, Connected or Completed",
                String::from_utf8_lossy(other)
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            State::Started => "Started",
            State::Connected => "Connected",
            State::Completed => "Completed",
        }
    }
}

/// Names to dense ids, in order of first appearance; `sorted` renumbers them by name.
#[derive(Default)]
struct Interner {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.into(), id);
        self.names.push(name.into());
        id
    }

    /// (new id of each old id, names sorted).
    fn sorted(self) -> (Vec<u32>, Vec<String>) {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        let mut new_id = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old as usize] = new as u32;
        }
        let names = order.iter().map(|&old| self.names[old as usize].to_string()).collect();
        (new_id, names)
    }
}

fn text<'a>(v: &'a [u8], column: &str) -> Result<&'a str, String> {
    std::str::from_utf8(v).map_err(|_| format!("{column} is not UTF-8 text"))
}

fn bad_time(column: &str, v: &[u8]) -> String {
    format!(
        "{column} {:?} is not an ISO-8601 time such as 2024-01-08T07:59:12.345Z",
        String::from_utf8_lossy(v)
    )
}

/// An ISO-8601 time as local milliseconds since 1970: a time with an offset (`Z`, `+01:00`)
/// is an instant, moved by `offset`; a time without one is already local.
pub fn local_ms(v: &[u8], offset: i64) -> Option<i64> {
    let s = std::str::from_utf8(v).ok()?.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis() + offset);
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| t.and_utc().timestamp_millis())
}

/// Monday 00:00 on or before local time `t` (1970-01-01 was a Thursday).
fn monday_on_or_before(t: i64) -> i64 {
    let day = DAY as i64;
    let days = t.div_euclid(day);
    let weekday = (days + 3).rem_euclid(7);
    (days - weekday) * day
}

/// A GUID (`8-4-4-4-12` hex digits, any case, optionally in braces) as a number.
pub fn guid(v: &[u8]) -> Option<u128> {
    let v = v.strip_prefix(b"{").and_then(|v| v.strip_suffix(b"}")).unwrap_or(v);
    if v.len() != 36 || [8, 13, 18, 23].iter().any(|&i| v[i] != b'-') {
        return None;
    }
    let mut n: u128 = 0;
    for &b in v.iter().filter(|&&b| b != b'-') {
        n = (n << 4) | u128::from((b as char).to_digit(16)?);
    }
    Some(n)
}

/// A number as a GUID, lower case.
pub fn format_guid(n: u128) -> String {
    let h = format!("{n:032x}");
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// `±HH:MM` (or `Z`) as milliseconds.
pub fn parse_utc_offset(s: &str) -> Option<i64> {
    if s == "Z" {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = s[1..].split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ReadOptions {
        ReadOptions { format: LogFormat::Wvdconnections, utc_offset_ms: 0, host_pool: None }
    }

    const HEAD: &str = "TimeGenerated,CorrelationId,State,UserName,SessionHostName,PredecessorConnectionId,_ResourceId\n";

    fn id(n: u32) -> String {
        format_guid(u128::from(n))
    }

    #[test]
    fn guids_round_trip_and_reject_other_text() {
        let g = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert_eq!(format_guid(guid(g.as_bytes()).unwrap()), g);
        assert_eq!(guid(b"{0F8FAD5B-D9CB-469F-A165-70867728950E}"), guid(g.as_bytes()));
        for bad in [
            "",
            "0f8fad5b",
            "0f8fad5bxd9cb-469f-a165-70867728950e",
            "zf8fad5b-d9cb-469f-a165-70867728950e",
        ] {
            assert_eq!(guid(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn time_zero_is_the_monday_before_the_first_row_in_local_time() {
        // 2024-01-10 is a Wednesday; 2024-01-08 the Monday before it.
        let text = format!(
            "{HEAD}2024-01-10T07:30:00Z,{a},Started,alice,sh-0,,/hostpools/hp\n2024-01-10T07:30:05Z,{a},Connected,alice,sh-0,,/hostpools/hp\n2024-01-10T08:30:05Z,{a},Completed,alice,sh-0,,/hostpools/hp\n",
            a = id(1)
        );
        let mut o = opts();
        o.utc_offset_ms = parse_utc_offset("+01:00").unwrap();
        let log = read(text.as_bytes(), &o).unwrap();
        let c = log.connections[0];
        // Wednesday 08:30:05 local.
        assert_eq!(c.login, 2 * DAY + 8 * HOUR + 30 * 60_000 + 5_000);
        assert_eq!(c.end - c.login, HOUR);
        assert!(c.connected);
        let monday_utc = DateTime::parse_from_rfc3339("2024-01-07T23:00:00Z").unwrap();
        assert_eq!(log.origin_utc_ms, monday_utc.timestamp_millis());
    }

    #[test]
    fn rows_in_any_order_join_by_correlation_id_and_chain_by_predecessor() {
        let (a, b) = (id(1), id(2));
        let rows = [
            format!("2024-01-08T09:10:00Z,{b},Completed,bob,sh-1,{a},"),
            format!("2024-01-08T08:00:00Z,{a},Connected,bob,sh-1,,"),
            format!("2024-01-08T09:00:00Z,{b},Connected,bob,sh-1,{a},"),
            format!("2024-01-08T08:30:00Z,{a},Completed,bob,sh-1,,"),
            format!("2024-01-08T07:59:59Z,{a},Started,bob,sh-1,,"),
        ];
        let log = read(format!("{HEAD}{}\n", rows.join("\n")).as_bytes(), &opts()).unwrap();
        assert_eq!(log.connections.len(), 2);
        let (first, second) = (log.connections[0], log.connections[1]);
        assert_eq!(first.login, 8 * HOUR);
        assert_eq!(first.next, 1);
        assert!(second.continues && second.next == NONE);
        assert_eq!(second.end - second.login, 10 * 60_000);
        assert_eq!(log.hosts, ["sh-1"]);
    }

    #[test]
    fn a_started_without_connected_is_a_failed_login_at_its_start() {
        let text = format!(
            "{HEAD}2024-01-08T08:00:00Z,{a},Started,carol,,,\n2024-01-08T08:00:01Z,{a},Completed,carol,,,\n",
            a = id(7)
        );
        let log = read(text.as_bytes(), &opts()).unwrap();
        assert_eq!(log.failed(), 1);
        assert_eq!(log.connections[0].login, 8 * HOUR);
    }

    #[test]
    fn the_host_pool_filter_skips_and_counts_other_pools() {
        let row = |n, pool| {
            format!(
                "2024-01-08T08:00:00Z,{},Connected,u,,,/subscriptions/x/hostpools/{pool}",
                id(n)
            )
        };
        let text = format!("{HEAD}{}\n{}\n{}\n", row(1, "HP01"), row(2, "hp02"), row(3, "hp01"));
        let mut o = opts();
        o.host_pool = Some("hp01".into());
        let log = read(text.as_bytes(), &o).unwrap();
        assert_eq!((log.connections.len(), log.rows_skipped), (2, 1));
        let err = read(text.as_bytes(), &opts()).unwrap_err();
        assert_eq!(err.0, 3);
        assert!(err.1.contains("host_pool"), "{}", err.1);
    }

    #[test]
    fn users_are_numbered_by_name_whatever_the_row_order() {
        let text = "user,start,end\nzed,2024-01-08T08:00:00,2024-01-08T09:00:00\namy,2024-01-08T08:10:00,\n";
        let mut o = opts();
        o.format = LogFormat::Simple;
        let log = read(text.as_bytes(), &o).unwrap();
        assert_eq!(log.users, ["amy", "zed"]);
        assert_eq!(log.connections[0].user, 1);
        assert_eq!(log.connections[1].end, OPEN);
        assert_eq!(log.default_duration(), 10 * HOUR);
    }

    #[test]
    fn utc_offsets_are_hours_and_minutes() {
        assert_eq!(parse_utc_offset("+01:00"), Some(3_600_000));
        assert_eq!(parse_utc_offset("-05:30"), Some(-19_800_000));
        for bad in ["01:00", "+1:00", "+01", "+15:00", "+01:60"] {
            assert_eq!(parse_utc_offset(bad), None, "{bad}");
        }
    }
}
