//! The one CSV writer every export goes through: each cell passes
//! `patron_rules::spreadsheet::neutralised`, so that text a till or a person typed ("=HYPERLINK(...)"
//! as a last name) reaches head office's spreadsheet as text, never as a formula. Imports read
//! cells back through `imports::check::cell`, which undoes it.

use patron_rules::spreadsheet::neutralised;

/// A CSV file being written in memory (a chunk of a streamed download, or a whole small one).
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvFile {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvFile {
    /// An empty file: the caller writes the header row like any other.
    pub fn new() -> CsvFile {
        CsvFile {
            writer: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new()),
        }
    }

    /// Writes one row of `cells`.
    pub fn row<I>(&mut self, cells: I) -> Result<(), csv::Error>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.writer.write_record(
            cells
                .into_iter()
                .map(|c| neutralised(c.as_ref()).into_owned()),
        )
    }

    /// The bytes written.
    pub fn bytes(self) -> Result<Vec<u8>, csv::Error> {
        self.writer
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
    }
}
