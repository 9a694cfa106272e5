//! Reading an uploaded CSV before any area looks at its rows: the text (UTF-8, a byte-order
//! mark tolerated), the header by column labels, and the problems found, by line and column.

use std::collections::HashMap;

use serde::Serialize;

/// Largest file accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// A problem with one cell (or one row), as the preview lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Line in the file (the header is line 1).
    pub line: usize,
    /// Column label.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

/// The outcome of checking a file: the rows ready to write and every problem.
#[derive(Debug)]
pub struct Checked<R> {
    /// Data rows in the file.
    pub total: usize,
    /// Rows without errors.
    pub rows: Vec<R>,
    /// Every problem found.
    pub errors: Vec<RowError>,
}

#[cfg(test)]
impl<R> Checked<R> {
    /// Every problem as (line, column, message), for tests to compare.
    pub fn problems(&self) -> Vec<(usize, &str, &str)> {
        self.errors
            .iter()
            .map(|e| (e.line, e.column.as_str(), e.message.as_str()))
            .collect()
    }
}

impl<R> Default for Checked<R> {
    fn default() -> Self {
        Checked {
            total: 0,
            rows: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// The file as text: UTF-8, a byte-order mark tolerated.
pub fn decode(bytes: &[u8]) -> Result<&str, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes)
        .map_err(|_| "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.".to_owned())
}

/// A reader over `text` that tolerates rows of any length (short rows are reported per cell).
pub fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// Cell `i` of `record` as the file meant it: a cell this product exported with a leading quote
/// against spreadsheet formulas (`web::csv_file`) is read without it.
pub fn cell(record: &csv::StringRecord, i: usize) -> Option<&str> {
    record.get(i).map(patron_rules::spreadsheet::restored)
}

/// The position of each known column in the header (labels from `columns`, any case, any
/// order, `required` ones present); a message when the header is not usable.
pub fn header(
    text: &str,
    columns: &[&'static str],
    required: &[&'static str],
) -> Result<HashMap<&'static str, usize>, String> {
    let mut rdr = reader(text);
    let names = rdr
        .headers()
        .map_err(|e| format!("The header line cannot be read: {e}"))?;
    if names.iter().all(|n| n.trim().is_empty()) {
        return Err("The file is empty: the first line must name the columns.".into());
    }
    let mut positions = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        let name = name.trim();
        let Some(known) = columns.iter().find(|c| c.eq_ignore_ascii_case(name)) else {
            return Err(format!(
                "Unknown column “{name}”. The columns are: {}.",
                columns.join(", ")
            ));
        };
        if positions.insert(*known, i).is_some() {
            return Err(format!("The column “{known}” appears twice."));
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .filter(|c| !positions.contains_key(*c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "The file needs the column(s) {}.",
            missing.join(", ")
        ));
    }
    Ok(positions)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [&str; 4] = ["First Name", "Customer Group", "Territory", "City"];
    const REQUIRED: [&str; 3] = ["First Name", "Customer Group", "Territory"];

    #[test]
    fn a_bom_is_tolerated_and_other_encodings_refused() {
        assert_eq!(decode(b"\xEF\xBB\xBFFirst Name").unwrap(), "First Name");
        assert!(decode(b"Caf\xE9").is_err());
    }

    #[test]
    fn headers_must_be_known_complete_and_unique() {
        let header = |text| header(text, &COLUMNS, &REQUIRED);
        assert!(header("First Name,Customer Group,Territory\n").is_ok());
        assert!(
            header("first name,CUSTOMER GROUP,Territory\n").is_ok(),
            "case does not matter"
        );
        assert!(
            header("Frist Name,Customer Group,Territory\n")
                .unwrap_err()
                .contains("Unknown column “Frist Name”")
        );
        assert!(
            header("First Name,Territory\n")
                .unwrap_err()
                .contains("Customer Group")
        );
        assert!(
            header("First Name,Customer Group,Territory,City,City\n")
                .unwrap_err()
                .contains("twice")
        );
        assert!(header("").is_err());
    }
}
