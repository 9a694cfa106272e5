//! The shape every report page and its CSV share: columns (some sortable), rows of cells (a cell
//! may link to the customer, store or sales person it names), and a totals line. A report makes
//! its rows once with `Cells`; the page shows them formatted, the CSV writes the same cells with
//! amounts as plain numbers, so the CSV equals the page.

use actix_web::web::Bytes;
use diesel::PgConnection;
use diesel::deserialize::QueryableByName;
use diesel::pg::Pg;
use diesel::prelude::*;

use crate::web::AppError;
use crate::web::csv_file::CsvFile;
use crate::web::sort::SortHeader;

/// A column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name, as the header and the CSV show it.
    pub label: &'static str,
    /// Its sort value, when it sorts.
    pub sort: Option<&'static str>,
    /// Figures: right-aligned.
    pub num: bool,
}

/// A column of text.
pub const fn text(label: &'static str, sort: Option<&'static str>) -> Column {
    Column {
        label,
        sort,
        num: false,
    }
}

/// A column of figures.
pub const fn num(label: &'static str, sort: Option<&'static str>) -> Column {
    Column {
        label,
        sort,
        num: true,
    }
}

/// One cell: what the page shows, what the CSV writes, and where the page links it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// On the page ("$1,234.50").
    pub shown: String,
    /// In the CSV ("1234.50").
    pub plain: String,
    /// A link on the page.
    pub href: Option<String>,
}

impl Cell {
    /// The same text on the page and in the CSV.
    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        Cell {
            plain: text.clone(),
            shown: text,
            href: None,
        }
    }

    /// A figure shown one way and written another.
    pub fn figure(shown: String, plain: String) -> Cell {
        Cell {
            shown,
            plain,
            href: None,
        }
    }

    /// The cell, linked on the page to `href`.
    pub fn linked(self, href: impl Into<String>) -> Cell {
        Cell {
            href: Some(href.into()),
            ..self
        }
    }
}

/// A header as the template shows it.
#[derive(Debug, Clone)]
pub struct Header {
    /// The column.
    pub column: Column,
    /// Its sort link, when it sorts.
    pub sort: Option<SortHeader>,
}

/// Headers for `columns`, sorted by `current`, linked through `link(sort)`.
pub fn headers(columns: &[Column], current: &str, link: impl Fn(&str) -> String) -> Vec<Header> {
    columns
        .iter()
        .map(|column| Header {
            column: *column,
            sort: column
                .sort
                .map(|key| SortHeader::new(column.label, key, current, &link)),
        })
        .collect()
}

/// `rows` in the order `sort` asks for (`key` ascending, `key-desc` descending, as the headers
/// link them) when a column of `columns` sorts by that key; otherwise as they came. For the short
/// reports, whose rows are all in hand: figures compare as numbers (an empty cell lowest), text
/// without regard to case; ties keep their order.
pub fn sorted(columns: &[Column], mut rows: Vec<Vec<Cell>>, sort: &str) -> Vec<Vec<Cell>> {
    let (key, descending) = sort
        .strip_suffix("-desc")
        .map_or((sort, false), |key| (key, true));
    let Some(at) = columns.iter().position(|c| c.sort == Some(key)) else {
        return rows;
    };
    let by_number = columns[at].num;
    rows.sort_by(|a, b| {
        let (a, b) = (&a[at].plain, &b[at].plain);
        let order = if by_number {
            let value = |s: &str| s.parse::<rust_decimal::Decimal>().ok();
            value(a).cmp(&value(b))
        } else {
            a.to_lowercase().cmp(&b.to_lowercase())
        };
        if descending { order.reverse() } else { order }
    });
    rows
}

/// CSV bytes of `rows` (with `columns` as header when `header`).
pub fn csv_chunk(columns: &[Column], rows: &[Vec<Cell>], header: bool) -> Result<Bytes, AppError> {
    let failed = |e: csv::Error| AppError::Internal(e.to_string());
    let mut file = CsvFile::new();
    if header {
        file.row(columns.iter().map(|c| c.label)).map_err(failed)?;
    }
    for row in rows {
        file.row(row.iter().map(|cell| cell.plain.as_str()))
            .map_err(failed)?;
    }
    file.bytes().map(Bytes::from).map_err(failed)
}

/// Rows fetched per CSV chunk.
const CHUNK: i64 = 5_000;

/// The CSV chunks of `sql` (its values written in) as `cells` makes rows of it, read through a
/// cursor on the download's connection so memory stays flat: the first call declares it (a
/// cursor left by a download the browser abandoned is closed first), each call fetches a chunk,
/// the call after the last closes it. `totals` closes the file when given.
pub fn cursor_csv<T, F>(
    columns: &'static [Column],
    sql: String,
    cells: F,
    totals: Option<Vec<Cell>>,
) -> impl FnMut(&mut PgConnection) -> Result<Option<Bytes>, AppError> + Send + 'static
where
    T: QueryableByName<Pg> + 'static,
    F: Fn(&T) -> Vec<Cell> + Send + 'static,
{
    let mut state = 0u8; // 0: not open, 1: open, 2: done
    let mut totals = totals;
    move |conn| match state {
        0 => {
            diesel::sql_query("CLOSE ALL").execute(conn)?;
            diesel::sql_query(format!(
                "DECLARE report_csv NO SCROLL CURSOR WITH HOLD FOR {sql}"
            ))
            .execute(conn)?;
            state = 1;
            csv_chunk(columns, &[], true).map(Some)
        }
        1 => {
            let rows: Vec<T> =
                diesel::sql_query(format!("FETCH {CHUNK} FROM report_csv")).load(conn)?;
            if i64::try_from(rows.len()).unwrap_or(0) < CHUNK {
                diesel::sql_query("CLOSE report_csv").execute(conn)?;
                state = 2;
            }
            let mut lines: Vec<Vec<Cell>> = rows.iter().map(&cells).collect();
            if state == 2 {
                lines.extend(totals.take());
            }
            csv_chunk(columns, &lines, false).map(Some)
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 2] = [text("Name", Some("name")), num("Sales", Some("sales"))];

    fn rows() -> Vec<Vec<Cell>> {
        [("bea", "12"), ("Ana", "3"), ("Cai", ""), ("dan", "100.50")]
            .iter()
            .map(|(name, sales)| vec![Cell::text(*name), Cell::text(*sales)])
            .collect()
    }

    fn names(rows: &[Vec<Cell>]) -> Vec<&str> {
        rows.iter().map(|r| r[0].plain.as_str()).collect()
    }

    #[test]
    fn short_reports_sort_figures_as_numbers_and_names_without_case() {
        assert_eq!(
            names(&sorted(&COLUMNS, rows(), "sales")),
            ["Cai", "Ana", "bea", "dan"]
        );
        assert_eq!(
            names(&sorted(&COLUMNS, rows(), "sales-desc")),
            ["dan", "bea", "Ana", "Cai"]
        );
        assert_eq!(
            names(&sorted(&COLUMNS, rows(), "name")),
            ["Ana", "bea", "Cai", "dan"]
        );
        // A sort no column has leaves the report's own order.
        assert_eq!(
            names(&sorted(&COLUMNS, rows(), "net-desc")),
            ["bea", "Ana", "Cai", "dan"]
        );
    }
}
