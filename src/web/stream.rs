//! Streaming a large download (CSV exports) from a blocking task in chunks, so memory stays flat
//! however many rows there are and a browser that goes away stops the reading; and a small
//! report's CSV made in one piece.

use actix_web::HttpResponse;
use actix_web::web::Bytes;
use diesel::PgConnection;

use super::error::AppError;
use crate::db::DbPool;

/// A streamed `text/csv` attachment named `file_name`: `next` runs on one pooled connection
/// on the blocking pool and returns each chunk in turn, `None` after the last.
pub fn csv_download<F>(pool: DbPool, file_name: &str, mut next: F) -> HttpResponse
where
    F: FnMut(&mut PgConnection) -> Result<Option<Bytes>, AppError> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, AppError>>(4);
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = match pool.get() {
            Ok(conn) => conn,
            Err(e) => {
                let _ = tx.blocking_send(Err(AppError::Unavailable(e.to_string())));
                return;
            }
        };
        loop {
            match next(&mut conn) {
                // A closed channel means the browser went away: stop reading.
                Ok(Some(bytes)) => {
                    if tx.blocking_send(Ok(bytes)).is_err() {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    tracing::error!("export failed: {e}");
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file_name}\""),
        ))
        .streaming(body)
}

/// A small report as CSV: the `header` row, then `rows`.
pub fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, csv::Error> {
    let mut file = super::csv_file::CsvFile::new();
    file.row(header)?;
    for row in rows {
        file.row(row)?;
    }
    file.bytes()
}
