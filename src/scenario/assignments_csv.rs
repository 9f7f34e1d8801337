//! `assignments.csv`: who owns which personal host, as `user,host,friendly_name` rows.
//!
//! The same format is exported at the end of a run and imported by `pool.assignments_file`
//! (the RDS Export/Import-RDPersonalSessionDesktopAssignment pair, as CSV). Export → import →
//! export gives the same bytes: rows are written in host order, an absent friendly name is an
//! empty cell, and the importer reads an empty cell back as absent.

use super::error::ScenarioError;
use super::input_file;
use super::personal::AssignmentSpec;
use std::path::Path;

/// The header row of an exported file.
pub const HEADER: [&str; 3] = ["user", "host", "friendly_name"];

/// Renders assignments (already in host order) as CSV with a header row.
pub fn assignments_csv(rows: &[AssignmentSpec]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("in-memory CSV");
    for r in rows {
        let friendly = r.friendly_name.as_deref().unwrap_or("");
        w.write_record([r.user.as_str(), r.host.as_str(), friendly]).expect("in-memory CSV");
    }
    w.into_inner().expect("writing CSV to memory cannot fail")
}

/// Parses `user,host[,friendly_name]` rows, with or without the header row. Returns each row
/// with its 1-based line number, or the line and what is wrong with it.
pub fn parse(text: &str) -> Result<Vec<(usize, AssignmentSpec)>, (usize, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = LineCounter::new(text.as_bytes());
    for (i, record) in reader.records().enumerate() {
        let mut line_at = |p: Option<&csv::Position>| p.map_or(i + 1, |p| lines.line_of(p.byte()));
        let record = record.map_err(|e| (line_at(e.position()), format!("not valid CSV: {e}")))?;
        let line = line_at(record.position());
        if i == 0 && record.get(0) == Some("user") && record.get(1) == Some("host") {
            continue;
        }
        if !(2..=3).contains(&record.len()) {
            return Err((
                line,
                format!("expected user,host[,friendly_name] (got {} fields)", record.len()),
            ));
        }
        let user = record[0].trim();
        let host = record[1].trim();
        if user.is_empty() || host.is_empty() {
            return Err((line, "user and host must not be empty".into()));
        }
        let friendly_name = record.get(2).filter(|f| !f.is_empty()).map(str::to_string);
        rows.push((line, AssignmentSpec { user: user.into(), host: host.into(), friendly_name }));
    }
    Ok(rows)
}

/// Line numbers of byte offsets that only move forward, counted incrementally so that a file
/// of n rows is read in O(n) (counting from the start for each row made the import quadratic).
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Offset up to which newlines have been counted, and their count.
    counted_to: usize,
    newlines: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, counted_to: 0, newlines: 0 }
    }

    /// The 1-based line of the record starting at `byte`, past blank lines the reader skipped
    /// (the reader's own line count does not count them).
    fn line_of(&mut self, byte: u64) -> usize {
        let mut b = (byte as usize).min(self.bytes.len());
        while self.bytes.get(b).is_some_and(|c| *c == b'\n' || *c == b'\r') {
            b += 1;
        }
        if b < self.counted_to {
            // Not expected (offsets only grow), but stay correct: count again from the start.
            self.counted_to = 0;
            self.newlines = 0;
        }
        self.newlines += self.bytes[self.counted_to..b].iter().filter(|&&c| c == b'\n').count();
        self.counted_to = b;
        self.newlines + 1
    }
}

/// Assignments read from a file, with their line numbers.
pub type ImportedRows = Vec<(usize, AssignmentSpec)>;

/// Reads the assignments file `rel` (relative to the scenario file `file`). File errors name
/// the CSV file and line.
pub fn read_assignments_file(rel: &str, file: &str) -> Result<ImportedRows, ScenarioError> {
    let field = "pool.assignments_file";
    let base = Path::new(file).parent().unwrap_or(Path::new(""));
    let path = base.join(rel);
    let text = input_file::read_text(&path, input_file::MAX_ASSIGNMENTS_BYTES)
        .map_err(|m| ScenarioError::new(file, field, format!("\"{}\" {m}", path.display())))?;
    let rows = parse(&text).map_err(|(line, msg)| {
        ScenarioError::new(file, field, format!("\"{}\" line {line}: {msg}", path.display()))
    })?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(user: &str, host: &str, friendly: Option<&str>) -> AssignmentSpec {
        AssignmentSpec {
            user: user.into(),
            host: host.into(),
            friendly_name: friendly.map(str::to_string),
        }
    }

    #[test]
    fn export_then_import_round_trips_exactly() {
        let rows = vec![
            row("user0002", "sh-0", Some("Dev, \"frontend\"")),
            row("user0001", "sh-1", None),
            row("user0002", "sh-2", Some("Test")),
        ];
        let bytes = assignments_csv(&rows);
        let back: Vec<_> =
            parse(std::str::from_utf8(&bytes).unwrap()).unwrap().into_iter().map(|r| r.1).collect();
        assert_eq!(back, rows);
        assert_eq!(assignments_csv(&back), bytes);
    }

    #[test]
    fn rows_without_header_or_friendly_name_are_read_with_line_numbers() {
        let rows = parse("user0001,sh-0\n\nuser0002,sh-1,Dev\n").unwrap();
        assert_eq!(rows[0], (1, row("user0001", "sh-0", None)));
        assert_eq!(rows[1], (3, row("user0002", "sh-1", Some("Dev"))));
        assert_eq!(parse("user,host\nuser0001\n").unwrap_err().0, 2);
        assert!(parse("user0001,,x\n").is_err());
    }
}
