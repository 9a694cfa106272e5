//! The home page's figures, from the rollups: net sales over a span of days, and the month's
//! best customers.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use rust_decimal::Decimal;

use super::DEFAULT_CUSTOMERS;

/// Sales and net sales over some days.
#[derive(Debug, Clone, Copy, PartialEq, QueryableByName)]
pub struct Takings {
    /// Sales (returns not counted).
    #[diesel(sql_type = BigInt)]
    pub sales: i64,
    /// Net sales.
    #[diesel(sql_type = Numeric)]
    pub net_sales: Decimal,
}

/// Company `company`'s takings from `from` to `to` (at `store` only, when given).
pub fn takings(
    conn: &mut PgConnection,
    company: i64,
    from: NaiveDate,
    to: NaiveDate,
    store: Option<i64>,
) -> QueryResult<Takings> {
    diesel::sql_query(
        "SELECT coalesce(sum(sales), 0)::bigint AS sales, coalesce(sum(net_sales), 0) AS net_sales \
         FROM rollup_store_days \
         WHERE company_id = $1 AND day BETWEEN $2 AND $3 AND ($4::bigint IS NULL OR store_id = $4)",
    )
    .bind::<BigInt, _>(company)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<Nullable<BigInt>, _>(store)
    .get_result(conn)
}

/// A customer among the period's best.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct TopCustomer {
    /// Customer id.
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    /// Full name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Net sales in the period.
    #[diesel(sql_type = Numeric)]
    pub net_sales: Decimal,
}

/// The `limit` customers with the most net sales in the month that starts on `month`, the
/// stores' default customers (the Walk-in) left out: they are everyone and no one. The whole
/// company's are read in the order of the month rollup's index; one store's from its days.
pub fn top_customers(
    conn: &mut PgConnection,
    company: i64,
    month: NaiveDate,
    store: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<TopCustomer>> {
    let ranked = match store {
        None => format!(
            "SELECT r.customer_id, r.net_sales FROM rollup_customer_months r \
             WHERE r.company_id = $1 AND r.month = $2 AND r.net_sales > 0 \
               AND r.customer_id NOT IN {DEFAULT_CUSTOMERS} \
             ORDER BY r.net_sales DESC, r.customer_id LIMIT $4"
        ),
        Some(_) => format!(
            "SELECT r.customer_id, sum(r.net_sales) AS net_sales FROM rollup_customer_days r \
             WHERE r.company_id = $1 AND r.store_id = $3 \
               AND r.day >= $2 AND r.day < $2 + interval '1 month' \
               AND r.customer_id NOT IN {DEFAULT_CUSTOMERS} \
             GROUP BY r.customer_id HAVING sum(r.net_sales) > 0 \
             ORDER BY net_sales DESC, r.customer_id LIMIT $4"
        ),
    };
    // Names are read for the few customers kept, after the sums are ranked.
    diesel::sql_query(format!(
        "SELECT t.customer_id, trim(c.first_name || ' ' || c.last_name) AS name, t.net_sales \
         FROM ({ranked}) t JOIN customers c ON c.id = t.customer_id \
         ORDER BY t.net_sales DESC, t.customer_id"
    ))
    .bind::<BigInt, _>(company)
    .bind::<Date, _>(month)
    .bind::<Nullable<BigInt>, _>(store)
    .bind::<BigInt, _>(limit)
    .load(conn)
}
