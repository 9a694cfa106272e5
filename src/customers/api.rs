//! The customers part of the till API: `GET /api/v1/customers/changes` (the change feed).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::feed;
use crate::api::terminal::Terminal;
use crate::app::AppState;
use crate::web::{AppError, FieldErrors};

/// Largest page of the feed.
pub const MAX_LIMIT: i64 = 1000;
/// Page size when the till names none.
pub const DEFAULT_LIMIT: i64 = 500;

/// Mounts the routes (before `/customers/{id}` routes of the pages, which they do not clash with).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/customers/changes", web::get().to(changes));
}

/// The query as sent: text, so that a bad value is named in the answer.
#[derive(Debug, Deserialize)]
struct ChangesQuery {
    after: Option<String>,
    limit: Option<String>,
}

/// The cursor and page size, or the fields that are wrong.
fn parse(query: &ChangesQuery) -> Result<(i64, i64), FieldErrors> {
    let mut errors = FieldErrors::new();
    let after = match query.after.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .unwrap_or_else(|| {
                errors.add(
                    "after",
                    "after must be a whole number >= 0 (the last `next` you got).",
                );
                0
            }),
    };
    let limit = match query.limit.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .unwrap_or_else(|| {
                errors.add("limit", format!("limit must be between 1 and {MAX_LIMIT}."));
                DEFAULT_LIMIT
            }),
    };
    errors.into_result((after, limit))
}

async fn changes(
    state: web::Data<AppState>,
    _till: Terminal,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, AppError> {
    let (after, limit) = parse(&query)?;
    let page = state
        .db
        .run(move |conn| Ok(feed::changes(conn, after, limit)?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
