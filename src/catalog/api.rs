//! The tills' catalogue feed: `GET /api/v1/items/changes?after=SEQ&limit=N` (terminal token),
//! every item changed after a cursor in change order, so a till keeps its copy in step: it asks
//! again with `after=next` until `has_more` is false. Rates are decimal strings ("19.99").

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use super::rules::{feed_after, feed_limit, rate_text};
use crate::api::terminal::Terminal;
use crate::app::AppState;
use crate::db::schema::{brands, item_groups, items};
use crate::web::{AppError, FieldErrors};

/// Mounts the endpoint.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/items/changes", web::get().to(changes));
}

/// One changed item as stored.
#[derive(Debug, Queryable)]
struct FeedRow {
    id: i64,
    item_code: String,
    name: String,
    item_group: String,
    brand: Option<String>,
    standard_rate: Decimal,
    unit: String,
    active: bool,
    change_seq: i64,
    updated_at: DateTime<Utc>,
}

/// One changed item as a till reads it.
#[derive(Debug, Serialize)]
pub struct FeedItem {
    id: i64,
    item_code: String,
    name: String,
    item_group: String,
    brand: Option<String>,
    standard_rate: String,
    unit: String,
    active: bool,
    change_seq: i64,
    updated_at: DateTime<Utc>,
}

/// The answer.
#[derive(Debug, Serialize)]
pub struct Feed {
    items: Vec<FeedItem>,
    next: i64,
    has_more: bool,
}

/// Items changed after `after`, in change order, `limit` of them.
fn load(conn: &mut PgConnection, after: i64, limit: i64) -> QueryResult<Vec<FeedRow>> {
    items::table
        .inner_join(item_groups::table)
        .left_join(brands::table)
        .filter(items::change_seq.gt(after))
        .order(items::change_seq.asc())
        .limit(limit)
        .select((
            items::id,
            items::item_code,
            items::name,
            item_groups::name,
            brands::name.nullable(),
            items::standard_rate,
            items::unit,
            items::active,
            items::change_seq,
            items::updated_at,
        ))
        .load(conn)
}

async fn changes(
    state: web::Data<AppState>,
    _terminal: Terminal,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let after = feed_after(query.get("after").map(String::as_str))
        .map_err(|m| errors.add("after", m))
        .ok();
    let limit = feed_limit(query.get("limit").map(String::as_str))
        .map_err(|m| errors.add("limit", m))
        .ok();
    let (Some(after), Some(limit)) = (after, limit) else {
        return Err(AppError::Validation(errors));
    };
    let mut rows = state
        .db
        .run(move |conn| Ok(load(conn, after, limit + 1)?))
        .await?;
    let has_more = rows.len() > usize::try_from(limit).unwrap_or(0);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next = rows.last().map_or(after, |r| r.change_seq);
    let items = rows
        .into_iter()
        .map(|r| FeedItem {
            id: r.id,
            item_code: r.item_code,
            name: r.name,
            item_group: r.item_group,
            brand: r.brand,
            standard_rate: rate_text(r.standard_rate),
            unit: r.unit,
            active: r.active,
            change_seq: r.change_seq,
            updated_at: r.updated_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Feed {
        items,
        next,
        has_more,
    }))
}
