//! Sales by store and sales person, the day-by-day series, and delivery charges collected, from
//! `rollup_store_days` and `rollup_delivery_days`.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use rust_decimal::Decimal;

use super::Filter;

/// A store's (or one of its sales persons') figures over the period.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct StoreSales {
    /// Store id (0 on the totals line).
    #[diesel(sql_type = BigInt)]
    pub store_id: i64,
    /// Store name.
    #[diesel(sql_type = Text)]
    pub store: String,
    /// Sales person id (none: sales without one, or the store's line).
    #[diesel(sql_type = Nullable<BigInt>)]
    pub sales_person_id: Option<i64>,
    /// Sales person's name ("" on a store's line; "No sales person").
    #[diesel(sql_type = Text)]
    pub sales_person: String,
    /// Commission Rate % of the sales person.
    #[diesel(sql_type = Numeric)]
    pub commission_rate: Decimal,
    /// Sales.
    #[diesel(sql_type = BigInt)]
    pub sales: i64,
    /// Returns.
    #[diesel(sql_type = BigInt)]
    pub returns: i64,
    /// Net sales (delivery charges left out).
    #[diesel(sql_type = Numeric)]
    pub net_sales: Decimal,
    /// Discounts given.
    #[diesel(sql_type = Numeric)]
    pub discount: Decimal,
    /// Delivery charges collected.
    #[diesel(sql_type = Numeric)]
    pub delivery: Decimal,
    /// "store", "person" or "total".
    #[diesel(sql_type = Text)]
    pub line: String,
}

impl StoreSales {
    /// Net sales per sale (none without a sale).
    pub fn average_basket(&self) -> Option<Decimal> {
        (self.sales > 0).then(|| self.net_sales / Decimal::from(self.sales))
    }

    /// The commission the sales person earned on the net sales (unrounded).
    pub fn commission(&self) -> Decimal {
        self.net_sales * self.commission_rate / Decimal::ONE_HUNDRED
    }
}

/// Each store of `filter`, by name, followed by its sales persons (most net sales first), then the
/// totals line.
pub fn by_store(conn: &mut PgConnection, filter: &Filter) -> QueryResult<Vec<StoreSales>> {
    filter
        .bind_stores(
        "SELECT coalesce(x.store_id, 0) AS store_id, coalesce(s.name, '') AS store, \
                x.sales_person_id, \
                CASE x.line WHEN 'person' THEN coalesce(p.name, 'No sales person') ELSE '' END \
                  AS sales_person, \
                coalesce(p.commission_rate, 0) AS commission_rate, \
                coalesce(x.sales, 0)::bigint AS sales, coalesce(x.returns, 0)::bigint AS returns, \
                coalesce(x.net_sales, 0) AS net_sales, coalesce(x.discount, 0) AS discount, \
                coalesce(x.delivery, 0) AS delivery, x.line \
         FROM (SELECT r.store_id, r.sales_person_id, \
                      CASE WHEN GROUPING(r.store_id) = 1 THEN 'total' \
                           WHEN GROUPING(r.sales_person_id) = 1 THEN 'store' \
                           ELSE 'person' END AS line, \
                      sum(r.sales)::bigint AS sales, sum(r.returns)::bigint AS returns, \
                      sum(r.net_sales) AS net_sales, sum(r.discount) AS discount, \
                      sum(r.delivery) AS delivery \
               FROM rollup_store_days r \
               WHERE r.company_id = $1 AND r.day BETWEEN $2 AND $3 \
                 AND ($4::bigint IS NULL OR r.store_id = $4) \
                 AND ($5::bigint IS NULL OR r.sales_person_id = $5) \
               GROUP BY GROUPING SETS ((r.store_id, r.sales_person_id), (r.store_id), ()) \
               HAVING sum(r.sales) <> 0 OR sum(r.returns) <> 0 OR GROUPING(r.store_id) = 1) x \
         LEFT JOIN stores s ON s.id = x.store_id \
         LEFT JOIN sales_persons p ON p.id = x.sales_person_id \
         ORDER BY x.line = 'total', s.name, x.store_id, x.line <> 'store', x.net_sales DESC, p.name",
        )
        .load(conn)
}

/// One day's net sales.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Day {
    /// The business day.
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    /// Its net sales.
    #[diesel(sql_type = Numeric)]
    pub net_sales: Decimal,
}

/// Net sales per day of `filter` (days without sales left out).
pub fn by_day(conn: &mut PgConnection, filter: &Filter) -> QueryResult<Vec<Day>> {
    filter
        .bind_stores(
            "SELECT r.day, sum(r.net_sales) AS net_sales FROM rollup_store_days r \
         WHERE r.company_id = $1 AND r.day BETWEEN $2 AND $3 \
           AND ($4::bigint IS NULL OR r.store_id = $4) \
           AND ($5::bigint IS NULL OR r.sales_person_id = $5) \
         GROUP BY r.day ORDER BY r.day",
        )
        .load(conn)
}

/// Delivery charges collected at one store under one label.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Delivery {
    /// Store name ("" on the totals line).
    #[diesel(sql_type = Text)]
    pub store: String,
    /// The charge's label ("" on the totals line).
    #[diesel(sql_type = Text)]
    pub label: String,
    /// Charges (a returned one takes one off).
    #[diesel(sql_type = BigInt)]
    pub charges: i64,
    /// Amount collected.
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
}

/// Delivery charges of `filter` by store and label, then the totals line (label ""; zeros
/// when the period has none).
pub fn delivery(conn: &mut PgConnection, filter: &Filter) -> QueryResult<Vec<Delivery>> {
    diesel::sql_query(
        "SELECT coalesce(s.name, '') AS store, coalesce(x.label, '') AS label, \
                coalesce(x.charges, 0)::bigint AS charges, coalesce(x.amount, 0) AS amount \
         FROM (SELECT r.store_id, r.label, sum(r.charges)::bigint AS charges, \
                      sum(r.amount) AS amount, GROUPING(r.store_id) AS total \
               FROM rollup_delivery_days r \
               WHERE r.company_id = $1 AND r.day BETWEEN $2 AND $3 \
                 AND ($4::bigint IS NULL OR r.store_id = $4) \
               GROUP BY GROUPING SETS ((r.store_id, r.label), ())) x \
         LEFT JOIN stores s ON s.id = x.store_id \
         WHERE x.total = 1 OR x.charges <> 0 OR x.amount <> 0 \
         ORDER BY x.total, s.name, x.label",
    )
    .bind::<BigInt, _>(filter.company)
    .bind::<Date, _>(filter.from)
    .bind::<Date, _>(filter.to)
    .bind::<Nullable<BigInt>, _>(filter.store)
    .load(conn)
}
