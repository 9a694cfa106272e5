//! A customer's sales, newest first, as the customer page's history pages through them.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use patron_rules::Clock;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::schema::{invoices, stores};

/// Which of a customer's sales to show.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    /// One store.
    pub store_id: Option<i64>,
    /// Sold on or after this day (the company's, as `clock` reads it).
    pub from: Option<NaiveDate>,
    /// Sold on or before this day (the company's).
    pub to: Option<NaiveDate>,
    /// Older than this (posted_at, id).
    pub before: Option<(DateTime<Utc>, i64)>,
    /// The company's clock: where its days start, how dates read.
    pub clock: Clock,
}

/// One sale in a customer's history.
#[derive(Debug, Clone, Queryable)]
pub struct HistoryRow {
    /// Invoice id (the paging cursor with `posted_at`).
    pub id: i64,
    /// The till's uuid.
    pub uuid: Uuid,
    /// When.
    pub posted_at: DateTime<Utc>,
    /// Store name.
    pub store: String,
    /// The till's number.
    pub number: String,
    /// Discounts.
    pub discount_amount: Decimal,
    /// Grand total.
    pub grand_total: Decimal,
    /// Coupons used.
    pub coupon_codes: Vec<String>,
    /// submitted or cancelled.
    pub status: String,
    /// Whether it is a return.
    pub is_return: bool,
    /// Currency.
    pub currency_code: String,
    /// Store id (who may open the invoice).
    pub store_id: i64,
}

/// Customer `customer_id`'s sales matching `filter`, newest first, `limit` of them (keyset paging
/// on `invoices_customer_idx`).
pub fn history(
    conn: &mut PgConnection,
    customer_id: i64,
    filter: &HistoryFilter,
    limit: i64,
) -> QueryResult<Vec<HistoryRow>> {
    let mut query = invoices::table
        .inner_join(stores::table)
        .filter(invoices::customer_id.eq(customer_id))
        .order((invoices::posted_at.desc(), invoices::id.desc()))
        .limit(limit)
        .select((
            invoices::id,
            invoices::uuid,
            invoices::posted_at,
            stores::name,
            invoices::number,
            invoices::discount_amount,
            invoices::grand_total,
            invoices::coupon_codes,
            invoices::status,
            invoices::return_against_id.is_not_null(),
            invoices::currency_code,
            invoices::store_id,
        ))
        .into_boxed();
    if let Some(store) = filter.store_id {
        query = query.filter(invoices::store_id.eq(store));
    }
    if let Some(from) = filter.from {
        query = query.filter(invoices::posted_at.ge(filter.clock.start_of(from)));
    }
    if let Some(to) = filter.to.and_then(|to| to.succ_opt()) {
        query = query.filter(invoices::posted_at.lt(filter.clock.start_of(to)));
    }
    if let Some((at, id)) = filter.before {
        query = query.filter(
            invoices::posted_at
                .lt(at)
                .or(invoices::posted_at.eq(at).and(invoices::id.lt(id))),
        );
    }
    query.load(conn)
}
