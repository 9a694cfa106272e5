//! The item CSV: the columns of the import, so that export -> import is lossless. Streamed in
//! keyset-paged chunks (by name, as the list), so memory stays flat however many items match.

use actix_web::{HttpResponse, web};
use chrono::Utc;
use patron_rules::catalog::rate_text;
use patron_rules::tree::Node;

use super::list::{self, ItemRow};
use super::list_page::{ListQuery, READERS};
use super::model::{self, ItemGroup};
use crate::state::AppState;
use crate::web::csv_file::CsvFile;
use crate::web::stream::csv_download;
use crate::web::{AppError, CurrentUser};

/// Column headers, in order: the field labels of the form.
pub const COLUMNS: [&str; 7] = [
    "Item Code",
    "Item Name",
    "Item Group",
    "Brand",
    "Standard Rate",
    "Unit",
    "Active",
];

/// Rows fetched per chunk.
const CHUNK: i64 = 5_000;

fn record(row: &ItemRow) -> [String; 7] {
    [
        row.item_code.clone(),
        row.name.clone(),
        row.group.clone(),
        row.brand.clone().unwrap_or_default(),
        rate_text(row.standard_rate),
        row.unit.clone(),
        if row.active { "Yes" } else { "No" }.to_owned(),
    ]
}

/// Writes `rows` as CSV (with the header when `header` is set).
pub fn to_csv(rows: &[ItemRow], header: bool) -> Result<Vec<u8>, csv::Error> {
    let mut file = CsvFile::new();
    if header {
        file.row(COLUMNS)?;
    }
    for row in rows {
        file.row(record(row))?;
    }
    file.bytes()
}

/// GET /items/export.csv: the list's filters (without its paging) as CSV, streamed.
pub async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let groups = state.db.run(|conn| Ok(model::item_groups(conn)?)).await?;
    let nodes: Vec<Node> = groups.iter().map(ItemGroup::node).collect();
    let mut filter = query.filter(&nodes);
    filter.after = None;
    filter.backward = false;
    let (mut first, mut done) = (true, false);
    let file = format!("items-{}.csv", Utc::now().format("%Y-%m-%d"));
    Ok(csv_download(state.db.pool().clone(), &file, move |conn| {
        if done {
            return Ok(None);
        }
        let rows = list::list(conn, &filter, CHUNK)?;
        let bytes = to_csv(&rows, std::mem::replace(&mut first, false))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        // A short chunk is the last one.
        done = i64::try_from(rows.len()).unwrap_or(0) < CHUNK;
        filter.after = rows.last().map(|r| (r.search_name.clone(), r.id));
        Ok(Some(bytes.into()))
    }))
}
