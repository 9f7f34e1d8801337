//! A CSV file read by column name, so that files gaining columns (e.g. `timeseries.csv` with
//! update states) still plot, and missing columns are simply absent.

/// A CSV file's header and rows, as text.
pub struct Records {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Records {
    /// Parses CSV bytes with a header line.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let mut r = csv::ReaderBuilder::new().from_reader(bytes);
        let header = r.headers().map_err(|e| e.to_string())?.iter().map(str::to_string).collect();
        let rows = r
            .records()
            .map(|rec| rec.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        Ok(Records { header, rows })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Position of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The text of column `col` at row `row` (empty when missing).
    pub fn text(&self, row: usize, col: usize) -> &str {
        self.rows.get(row).and_then(|r| r.get(col)).map_or("", String::as_str)
    }

    /// The number in column `col` at row `row`; `None` when empty or not a number.
    pub fn num(&self, row: usize, col: usize) -> Option<f64> {
        self.text(row, col).trim().parse().ok()
    }

    /// A whole numeric column by name (missing cells as 0); `None` when the column is absent.
    pub fn numbers(&self, name: &str) -> Option<Vec<f64>> {
        let c = self.column(name)?;
        Some((0..self.len()).map(|r| self.num(r, c).unwrap_or(0.0)).collect())
    }
}
