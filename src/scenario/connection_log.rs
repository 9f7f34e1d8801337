//! Reading a connection log — the Log Analytics table WVDConnections, or a simple
//! `user,start,end` list — into the compact list of connections a replay needs.
//!
//! The reader streams the file once (rows may come in any order: the table is not sorted), so
//! memory grows with the number of connections, not with the file. WVDConnections has one row
//! per state per connection (`Started`, `Connected`, `Completed`), joined here by
//! `CorrelationId`; `PredecessorConnectionId` links a reconnection to the connection it
//! continues. Simulated time 0 is the Monday 00:00 (local time) on or before the log's first
//! row, so daily and weekly patterns line up with the scenario's clock.

use super::interner::Interner;
use crate::engine::SimTime;
use crate::engine::time::{DAY, HOUR};
use chrono::{DateTime, NaiveDateTime};
use rustc_hash::FxHashMap as HashMap;
use simd_csv::{ZeroCopyByteRecord, ZeroCopyReaderBuilder};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::io::{Read, Seek, SeekFrom};
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

/// A problem at a row of the file: rows are counted from 1, the header included, so that in a
/// file without blank lines or line breaks inside quoted fields a row is a line (row 0: the
/// file as a whole). [`line_of`] turns a row into its line.
type RowError = (u64, String);

/// Reads a log from `input`. The rows are split by `simd-csv`'s zero-copy reader (fields are
/// borrowed from its buffer, nothing is allocated per row); an error's line is found by a
/// second, slower pass with the `csv` crate, which only an error pays for.
pub fn read<R: Read + Seek>(mut input: R, opts: &ReadOptions) -> Result<ConnectionLog, LineError> {
    let read = read_rows(&mut input, opts);
    read.map_err(|(row, msg)| (line_of(&mut input, row), msg))
}

fn read_rows(input: &mut impl Read, opts: &ReadOptions) -> Result<ConnectionLog, RowError> {
    let mut reader = ZeroCopyReaderBuilder::new().buffer_capacity(1 << 20).from_reader(input);
    let headers: Vec<Vec<u8>> =
        reader.byte_headers().map_err(|e| csv_error(e, 1))?.iter().map(<[u8]>::to_vec).collect();
    let mut acc = Accumulator::default();
    let mut row_number = 1;
    match opts.format {
        LogFormat::Wvdconnections => {
            let cols = WvdColumns::find(&headers)?;
            let mut pool = PoolFilter::new(opts.host_pool.as_deref(), cols.resource.is_some())?;
            while let Some(row) =
                reader.read_byte_record().map_err(|e| csv_error(e, row_number + 1))?
            {
                row_number += 1;
                let field = |i: usize| unescaped(&row, i);
                if !pool.keeps(cols.resource.map(field).as_deref(), row_number)? {
                    acc.rows_skipped += 1;
                    continue;
                }
                acc.wvd_row(&cols, field, row_number, opts.utc_offset_ms)
                    .map_err(|m| (row_number, m))?;
            }
        }
        LogFormat::Simple => {
            simple_headers(&headers)?;
            while let Some(row) =
                reader.read_byte_record().map_err(|e| csv_error(e, row_number + 1))?
            {
                row_number += 1;
                let field = |i: usize| unescaped(&row, i);
                acc.simple_row(field, row_number, opts.utc_offset_ms)
                    .map_err(|m| (row_number, m))?;
            }
        }
    }
    acc.finish(opts.utc_offset_ms)
}

/// Field `i` of `row`, unescaped: borrowed from the reader's buffer unless it was quoted.
#[inline]
fn unescaped<'r>(row: &'r ZeroCopyByteRecord<'_>, i: usize) -> Cow<'r, [u8]> {
    row.unescape(i).unwrap_or_default()
}

fn csv_error(e: simd_csv::Error, row: u64) -> RowError {
    match e.kind() {
        simd_csv::ErrorKind::UnequalLengths { expected_len, len, pos } => {
            let row = pos.map_or(row, |(_, index)| index);
            (row, format!("expected {expected_len} fields, found {len}"))
        }
        simd_csv::ErrorKind::Io(io) => (0, format!("cannot read the file: {io}")),
        _ => (row, format!("malformed CSV: {e}")),
    }
}

/// The line row `row` starts on: rows 0 (the whole file) and 1 (the header) are themselves;
/// for a later row the `csv` crate finds where the previous row ended (it knows quotes), and
/// the line is one more than the line breaks before the row's first byte (blank lines
/// between rows included, which the crate's own line count leaves out).
fn line_of<R: Read + Seek>(input: &mut R, row: u64) -> u64 {
    let Some(after_previous) = row_offset(input, row) else { return row };
    if input.seek(SeekFrom::Start(0)).is_err() {
        return row;
    }
    let (mut newlines, mut at, mut started) = (0, 0u64, false);
    let mut bytes = std::io::BufReader::new(input).bytes();
    while let Some(Ok(b)) = bytes.next() {
        if at >= after_previous && b != b'\r' && b != b'\n' {
            started = true;
            break;
        }
        newlines += u64::from(b == b'\n');
        at += 1;
    }
    if started { newlines + 1 } else { row }
}

/// Where the row before row `row` ended (its line break included), by the `csv` crate.
fn row_offset<R: Read + Seek>(input: &mut R, row: u64) -> Option<u64> {
    if row <= 1 {
        return None;
    }
    input.seek(SeekFrom::Start(0)).ok()?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
    let mut record = csv::ByteRecord::new();
    for _ in 0..row {
        if !reader.read_byte_record(&mut record).ok()? {
            return None;
        }
    }
    record.position().map(|p| p.byte())
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
    fn find(headers: &[Vec<u8>]) -> Result<Self, RowError> {
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

fn simple_headers(headers: &[Vec<u8>]) -> Result<(), RowError> {
    if headers != [&b"user"[..], b"start", b"end"] {
        let names: Vec<_> = headers.iter().map(|h| String::from_utf8_lossy(h)).collect();
        let found = names.join(",");
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
    fn new(wanted: Option<&str>, have_column: bool) -> Result<Self, RowError> {
        if wanted.is_some() && !have_column {
            return Err((1, "host_pool needs a _ResourceId column to filter by".to_string()));
        }
        Ok(Self { wanted: wanted.map(str::to_ascii_lowercase), first: None })
    }

    /// Whether the row of `resource` belongs to the replayed pool. Without a `host_pool`
    /// filter every row must name the same pool as the first.
    fn keeps(&mut self, resource: Option<&[u8]>, line: u64) -> Result<bool, RowError> {
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

/// A connection while its rows are being gathered: its times (local milliseconds) and rows
/// (numbered as in [`RowError`]) by [`State`].
struct Pending {
    id: u128,
    time: [i64; 3],
    row: [u64; 3],
    first_row: u64,
    user: u32,
    host: u32,
    predecessor: Option<u128>,
}

impl Pending {
    fn new(id: u128, user: u32, first_row: u64) -> Self {
        let (time, row) = ([UNSET; 3], [0; 3]);
        Self { id, time, row, first_row, user, host: NONE, predecessor: None }
    }

    fn at(&self, state: State) -> Option<i64> {
        let t = self.time[state as usize];
        (t != UNSET).then_some(t)
    }

    /// Notes the row of `state`; a second row of one state is a duplicate.
    fn set(&mut self, state: State, time: i64, row: u64) -> Result<(), String> {
        if self.at(state).is_some() {
            let id = format_guid(self.id);
            return Err(format!("duplicate CorrelationId {id}: a second {} row", state.name()));
        }
        (self.time[state as usize], self.row[state as usize]) = (time, row);
        Ok(())
    }

    /// Whether the connection's rows are all in: it ended, and it began in the log.
    fn complete(&self) -> bool {
        self.at(State::Completed).is_some()
            && (self.at(State::Started).is_some() || self.at(State::Connected).is_some())
    }

    /// The login: Connected, or Started for a connection that never connected.
    fn login(&self) -> Option<i64> {
        self.at(State::Connected).or(self.at(State::Started))
    }

    /// Takes in the rows of `later`, a second gathering of the same connection (its rows came
    /// after this one had ended, out of order or twice).
    fn absorb(&mut self, later: &Pending) -> Result<(), RowError> {
        for state in [State::Started, State::Connected, State::Completed] {
            if let Some(t) = later.at(state) {
                let row = later.row[state as usize];
                self.set(state, t, row).map_err(|m| (row, m))?;
            }
        }
        if self.host == NONE {
            self.host = later.host;
        }
        self.predecessor = self.predecessor.or(later.predecessor);
        Ok(())
    }
}

/// The join of rows into connections. `open` holds the connections whose rows may still come
/// (by `CorrelationId`, an index into `pending`): a connection leaves it once it has ended, so
/// the table stays as small as the number of connections open at once and in the cache; the
/// rare connection whose rows come after it ended (rows out of order, or duplicates) is
/// gathered twice and merged, or refused, in [`Accumulator::finish`].
#[derive(Default)]
struct Accumulator {
    open: HashMap<u128, u32>,
    pending: Vec<Pending>,
    users: Interner,
    hosts: Interner,
    rows_skipped: u64,
}

impl Accumulator {
    fn wvd_row<'r>(
        &mut self,
        cols: &WvdColumns,
        field: impl Fn(usize) -> Cow<'r, [u8]>,
        row: u64,
        offset: i64,
    ) -> Result<(), String> {
        let id_text = field(cols.id);
        let id = guid(&id_text).ok_or_else(|| {
            format!("CorrelationId {:?} is not a GUID", String::from_utf8_lossy(&id_text))
        })?;
        let state = State::parse(&field(cols.state))?;
        let time_text = field(cols.time);
        let time =
            local_ms(&time_text, offset).ok_or_else(|| bad_time("TimeGenerated", &time_text))?;
        let index = match self.open.entry(id) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let user = field(cols.user);
                let user = text(&user, "UserName")?;
                if user.is_empty() {
                    return Err("UserName is empty".to_string());
                }
                let index = self.pending.len() as u32;
                e.insert(index);
                self.pending.push(Pending::new(id, self.users.id(user), row));
                index
            }
        };
        let p = &mut self.pending[index as usize];
        if let Some(h) = cols.host.map(&field).filter(|h| !h.is_empty())
            && p.host == NONE
        {
            p.host = self.hosts.id(text(&h, "SessionHostName")?);
        }
        if let Some(pred) = cols.predecessor.map(&field).filter(|v| !v.is_empty()) {
            let pred_id = guid(&pred).ok_or_else(|| {
                format!(
                    "PredecessorConnectionId {:?} is not a GUID",
                    String::from_utf8_lossy(&pred)
                )
            })?;
            p.predecessor = Some(pred_id);
        }
        p.set(state, time, row)?;
        if p.complete() {
            self.open.remove(&id);
        }
        Ok(())
    }

    fn simple_row<'r>(
        &mut self,
        field: impl Fn(usize) -> Cow<'r, [u8]>,
        row: u64,
        offset: i64,
    ) -> Result<(), String> {
        let user = field(0);
        let user = text(&user, "user")?;
        if user.is_empty() {
            return Err("user is empty".to_string());
        }
        let start_text = field(1);
        let start = local_ms(&start_text, offset).ok_or_else(|| bad_time("start", &start_text))?;
        let end = match &*field(2) {
            b"" => UNSET,
            t => local_ms(t, offset).ok_or_else(|| bad_time("end", t))?,
        };
        let mut p = Pending::new(self.pending.len() as u128, self.users.id(user), row);
        (p.time, p.row) = ([start, start, end], [row; 3]);
        self.pending.push(p);
        Ok(())
    }

    /// Checks each connection, moves the clock to simulated time and links reconnections.
    fn finish(mut self, offset: i64) -> Result<ConnectionLog, RowError> {
        let by_id = merge_by_id(&mut self.pending)?;
        let mut keep = Vec::with_capacity(by_id.len());
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for &(_, i) in &by_id {
            let p = &self.pending[i as usize];
            let Some(login) = p.login() else {
                // Only a Completed row: the connection began before the log.
                self.rows_skipped += 1;
                continue;
            };
            check_order(p)?;
            for t in p.time.into_iter().filter(|&t| t != UNSET) {
                first = first.min(t);
                last = last.max(t);
            }
            keep.push((login, i));
        }
        if keep.is_empty() {
            return Err((0, "has no connections to replay".to_string()));
        }
        // Sorted by login, then by first appearance in the file.
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
                    end: p.at(State::Completed).map_or(OPEN, at),
                    user: user_order[p.user as usize],
                    host: if p.host == NONE { NONE } else { host_order[p.host as usize] },
                    next: NONE,
                    continues: false,
                    connected: p.at(State::Connected).is_some(),
                }
            })
            .collect();
        for (before, me) in reconnections(&self.pending, &by_id, &position)? {
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

/// Merges the gatherings of one `CorrelationId` into its first; gives every connection's
/// (id, index), sorted by id. Of several problems, the one at the earliest row is reported.
fn merge_by_id(pending: &mut [Pending]) -> Result<Vec<(u128, u32)>, RowError> {
    let mut by_id: Vec<(u128, u32)> =
        pending.iter().enumerate().map(|(i, p)| (p.id, i as u32)).collect();
    by_id.sort_unstable();
    let mut error: Option<RowError> = None;
    by_id.dedup_by(|later, first| {
        if later.0 != first.0 {
            return false;
        }
        let later = std::mem::replace(&mut pending[later.1 as usize], Pending::new(0, 0, 0));
        if let Err(e) = pending[first.1 as usize].absorb(&later)
            && error.as_ref().is_none_or(|f| e.0 < f.0)
        {
            error = Some(e);
        }
        true
    });
    error.map_or(Ok(by_id), Err)
}

/// (predecessor, reconnection) positions in the connections: a sort-merge join of the
/// `PredecessorConnectionId`s with the connections' ids, so the lookups go in order. A
/// predecessor not in the log (it began before) leaves the reconnection a fresh login.
fn reconnections(
    pending: &[Pending],
    by_id: &[(u128, u32)],
    position: &[u32],
) -> Result<Vec<(u32, u32)>, RowError> {
    let mut wanted: Vec<(u128, u32)> = by_id
        .iter()
        .filter(|&&(_, i)| position[i as usize] != NONE)
        .filter_map(|&(_, i)| pending[i as usize].predecessor.map(|pred| (pred, i)))
        .collect();
    wanted.sort_unstable();
    let (mut links, mut k) = (Vec::with_capacity(wanted.len()), 0);
    let mut error: Option<RowError> = None;
    for pair in wanted.chunk_by(|a, b| a.0 == b.0) {
        let pred = pair[0].0;
        while k < by_id.len() && by_id[k].0 < pred {
            k += 1;
        }
        if k == by_id.len() || by_id[k].0 != pred || position[by_id[k].1 as usize] == NONE {
            continue;
        }
        if pair.len() > 1 {
            let row = pending[pair[1].1 as usize].first_row;
            let msg = format!(
                "a second connection continues PredecessorConnectionId {} (each connection has at most one reconnection)",
                format_guid(pred)
            );
            if error.as_ref().is_none_or(|e| row < e.0) {
                error = Some((row, msg));
            }
            continue;
        }
        links.push((position[by_id[k].1 as usize], position[pair[0].1 as usize]));
    }
    error.map_or(Ok(links), Err)
}

/// `Connected` after `Started`, `Completed` after `Connected` (or `Started`).
fn check_order(p: &Pending) -> Result<(), RowError> {
    let (started, connected) = (p.at(State::Started), p.at(State::Connected));
    if let (Some(s), Some(c)) = (started, connected)
        && c < s
    {
        return Err((p.row[State::Connected as usize], "Connected before its Started".to_string()));
    }
    if let (Some(begun), Some(end)) = (p.login(), p.at(State::Completed))
        && end < begun
    {
        let what = if connected.is_some() { "Connected" } else { "Started" };
        return Err((p.row[State::Completed as usize], format!("Completed before its {what}")));
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
    if v.len() != 36 {
        return None;
    }
    uuid::Uuid::try_parse_ascii(v).ok().map(|u| u.as_u128())
}

/// A number as a GUID, lower case.
pub fn format_guid(n: u128) -> String {
    uuid::Uuid::from_u128(n).hyphenated().to_string()
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
    use std::io::Cursor;

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
        let log = read(Cursor::new(&text), &o).unwrap();
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
        let log = read(Cursor::new(format!("{HEAD}{}\n", rows.join("\n"))), &opts()).unwrap();
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
        let log = read(Cursor::new(&text), &opts()).unwrap();
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
        let log = read(Cursor::new(&text), &o).unwrap();
        assert_eq!((log.connections.len(), log.rows_skipped), (2, 1));
        let err = read(Cursor::new(&text), &opts()).unwrap_err();
        assert_eq!(err.0, 3);
        assert!(err.1.contains("host_pool"), "{}", err.1);
    }

    #[test]
    fn users_are_numbered_by_name_whatever_the_row_order() {
        let text = "user,start,end\nzed,2024-01-08T08:00:00,2024-01-08T09:00:00\namy,2024-01-08T08:10:00,\n";
        let mut o = opts();
        o.format = LogFormat::Simple;
        let log = read(Cursor::new(&text), &o).unwrap();
        assert_eq!(log.users, ["amy", "zed"]);
        assert_eq!(log.connections[0].user, 1);
        assert_eq!(log.connections[1].end, OPEN);
        assert_eq!(log.default_duration(), 10 * HOUR);
    }

    #[test]
    fn rows_that_come_after_their_connection_ended_are_merged_into_it() {
        let a = id(3);
        let rows = [
            format!("2024-01-08T08:00:00Z,{a},Started,dan,sh-1,,"),
            format!("2024-01-08T09:00:00Z,{a},Completed,dan,sh-1,,"),
            // The connection looked ended (Started and Completed): its Connected row comes late.
            format!("2024-01-08T08:00:02Z,{a},Connected,dan,sh-1,,"),
        ];
        let log = read(Cursor::new(format!("{HEAD}{}\n", rows.join("\n"))), &opts()).unwrap();
        assert_eq!(log.connections.len(), 1);
        let c = log.connections[0];
        assert!(c.connected);
        assert_eq!((c.login, c.end), (8 * HOUR + 2_000, 9 * HOUR));
    }

    #[test]
    fn a_connection_repeated_after_it_ended_is_a_duplicate_at_the_repeated_row() {
        let a = id(4);
        let row = |t: &str, state: &str| format!("2024-01-08T{t}Z,{a},{state},eve,sh-1,,\n");
        let text = format!(
            "{HEAD}{}{}{}{}",
            row("08:00:00", "Started"),
            row("08:00:01", "Connected"),
            row("09:00:00", "Completed"),
            row("10:00:00", "Connected")
        );
        let err = read(Cursor::new(text), &opts()).unwrap_err();
        assert_eq!(err.0, 5, "{}", err.1);
        assert!(err.1.contains("duplicate CorrelationId"), "{}", err.1);
    }

    #[test]
    fn errors_name_the_line_past_blank_lines_and_line_breaks_inside_quotes() {
        let bad = |sep: &str| {
            let rows = [
                HEAD.trim_end(),
                "",
                "",
                &format!("2024-01-08T08:00:00Z,{},Finished,bob,,,", id(2)),
            ];
            read(Cursor::new(rows.join(sep) + sep), &opts()).unwrap_err().0
        };
        assert_eq!((bad("\n"), bad("\r\n")), (4, 4));
        let text = format!(
            "{HEAD}\n2024-01-08T08:00:00Z,{},Connected,\"al\nice\",,,\n2024-01-08T08:00:00Z,{},Finished,bob,,,\n",
            id(1),
            id(2)
        );
        let err = read(Cursor::new(text), &opts()).unwrap_err();
        assert_eq!(
            err,
            (5, "unknown State \"Finished\": expected Started, Connected or Completed".into())
        );
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
