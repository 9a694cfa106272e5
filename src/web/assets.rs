//! Static files compiled into the binary and served with long cache lifetimes; their URLs carry
//! a content hash (from build.rs) so that a new release is fetched at once.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::error::AppError;

/// Hash of all static files, appended to their URLs as `?v=`.
pub const VERSION: &str = env!("PATRON_ASSET_VERSION");

/// The htmx version vendored in static/htmx.min.js (see the README).
pub const HTMX_VERSION: &str = "2.0.11";

const FILES: [(&str, &str, &[u8]); 3] = [
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/htmx.min.js"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/app.css"),
    ),
];

/// GET /static/{file}
pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, content_type, body) = FILES
        .iter()
        .find(|(name, _, _)| *name == file.as_str())
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(*content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(*body))
}
