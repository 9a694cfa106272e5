//! The tills' catalogue feed: `GET /api/v1/items/changes?after=SEQ&limit=N` (terminal token),
//! every item changed after a cursor in change order, so a till keeps its copy in step: it asks
//! again with `after=next` until `has_more` is false. Rates are decimal strings ("19.99").

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use patron_rules::catalog::rate_text;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{brands, item_groups, items};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::till::ApiError;
use crate::web::till::ApiRoutes;
use crate::web::till::feed::{Cursor, FeedParams};
use crate::web::till::terminal::Terminal;

/// Mounts the endpoint.
pub fn routes(routes: &mut ApiRoutes) {
    routes.add(__path_changes, changes);
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
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedItem {
    id: i64,
    item_code: String,
    name: String,
    item_group: String,
    brand: Option<String>,
    #[schema(format = "decimal")]
    standard_rate: String,
    unit: String,
    active: bool,
    change_seq: i64,
    updated_at: DateTime<Utc>,
}

/// One page of the items feed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ItemFeed)]
pub struct Feed {
    items: Vec<FeedItem>,
    next: i64,
    has_more: bool,
}

/// Items changed after the cursor, in change order (one more than the page), numbering pending
/// changes first.
fn load(conn: &mut PgConnection, cursor: Cursor) -> QueryResult<Vec<FeedRow>> {
    crate::db::sequence_changes(conn)?;
    items::table
        .inner_join(item_groups::table)
        .left_join(brands::table)
        .filter(items::change_seq.gt(cursor.after))
        .order(items::change_seq.asc())
        .limit(cursor.fetch())
        .select((
            items::id,
            items::item_code,
            items::name,
            item_groups::name,
            brands::name.nullable(),
            items::standard_rate,
            items::unit,
            items::active,
            items::change_seq.assume_not_null(),
            items::updated_at,
        ))
        .load(conn)
}

/// Items changed after a cursor, in change order.
///
/// Ask again with `after=next` until `has_more` is false; deactivated items come too.
#[utoipa::path(get, path = "/api/v1/items/changes", tag = "items",
    operation_id = "item_changes", params(FeedParams),
    responses(
        (status = 200, description = "One page of the feed", body = Feed),
        (status = 422, description = "`after` or `limit` out of range", body = ApiError),
    ))]
async fn changes(
    state: web::Data<AppState>,
    _terminal: Terminal,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let cursor = Cursor::parse(
        query.get("after").map(String::as_str),
        query.get("limit").map(String::as_str),
    )?;
    let rows = state.db.run(move |conn| Ok(load(conn, cursor)?)).await?;
    let (rows, next, has_more) = cursor.page(rows, |r| r.change_seq);
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
