//! The customers part of the till API: `GET /api/v1/customers/changes` (the change feed).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::feed;
use crate::api::feed::Cursor;
use crate::api::terminal::Terminal;
use crate::app::AppState;
use crate::web::AppError;

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/customers/changes", web::get().to(changes));
}

/// The query as sent: text, so that a bad value is named in the answer.
#[derive(Debug, Deserialize)]
struct ChangesQuery {
    after: Option<String>,
    limit: Option<String>,
}

async fn changes(
    state: web::Data<AppState>,
    _till: Terminal,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, AppError> {
    let cursor = Cursor::parse(query.after.as_deref(), query.limit.as_deref())?;
    let page = state
        .db
        .run(move |conn| Ok(feed::changes(conn, cursor)?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
