//! `sweep.partial.csv`: the rows of finished points, appended as each finishes, so that an
//! interrupted sweep keeps them and `--resume` skips them. Its columns are `point` followed by
//! those of `sweep.csv`; a final line cut short by a crash is ignored.

use super::table::SweepRow;
use std::collections::BTreeMap;

/// The header line of the partial file for a `sweep.csv` header.
pub fn header(sweep_header: &[String]) -> Vec<u8> {
    line(std::iter::once("point").chain(sweep_header.iter().map(String::as_str)))
}

/// One CSV line: point `index` and its row.
pub fn row(index: usize, row: &SweepRow) -> Vec<u8> {
    let i = index.to_string();
    line(std::iter::once(i.as_str()).chain(row.params.iter().chain(&row.cells).map(String::as_str)))
}

fn line<'a>(fields: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields).expect("in-memory CSV");
    w.into_inner().expect("in-memory CSV")
}

/// Reads the finished rows of a partial file written for `sweep_header` with `n_params`
/// parameters. `Err` when the header differs: the file belongs to another sweep.
pub fn read(
    bytes: &[u8],
    sweep_header: &[String],
    n_params: usize,
) -> Result<BTreeMap<usize, SweepRow>, String> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut records = r.records();
    let head = records.next().and_then(Result::ok).ok_or("the file is empty")?;
    let expected: Vec<&str> =
        std::iter::once("point").chain(sweep_header.iter().map(String::as_str)).collect();
    if head.iter().collect::<Vec<_>>() != expected {
        return Err("its columns differ from this sweep's".into());
    }
    let complete = bytes.ends_with(b"\n");
    let mut rows = BTreeMap::new();
    let all: Vec<_> = records.collect();
    let last = all.len();
    for (k, rec) in all.into_iter().enumerate() {
        // A line without its newline was cut short when the process stopped.
        let Ok(rec) = rec else { continue };
        if rec.len() != expected.len() || (k + 1 == last && !complete) {
            continue;
        }
        let Ok(index) = rec[0].parse::<usize>() else { continue };
        let fields: Vec<String> = rec.iter().skip(1).map(str::to_string).collect();
        let (params, cells) = fields.split_at(n_params);
        rows.insert(index, SweepRow { params: params.to_vec(), cells: cells.to_vec() });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_rows_read_back_and_a_cut_line_is_dropped() {
        let head: Vec<String> = ["a", "m_mean"].map(String::from).to_vec();
        let r = |p: &str, v: &str| SweepRow { params: vec![p.into()], cells: vec![v.into()] };
        let mut bytes = header(&head);
        bytes.extend(row(2, &r("x", "0.5")));
        bytes.extend(row(0, &r("y", "1")));
        let rows = read(&bytes, &head, 1).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[&2], r("x", "0.5"));
        bytes.extend(b"1,z,0.2");
        assert_eq!(read(&bytes, &head, 1).unwrap().len(), 2, "the cut line is ignored");
        let other: Vec<String> = ["b", "m_mean"].map(String::from).to_vec();
        assert!(read(&bytes, &other, 1).is_err());
    }
}
