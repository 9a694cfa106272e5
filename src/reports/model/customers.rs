//! Sales by customer and lapsed customers, from `rollup_customer_days`.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use rust_decimal::Decimal;

use super::{CUSTOMER_FILTERS, Filter};

/// One customer's figures over the period.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct CustomerSales {
    /// Customer id.
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    /// Customer Code.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// Full name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Sales (returns not counted).
    #[diesel(sql_type = BigInt)]
    pub sales: i64,
    /// Returns.
    #[diesel(sql_type = BigInt)]
    pub returns: i64,
    /// Net sales: sales less returns, delivery charges left out.
    #[diesel(sql_type = Numeric)]
    pub net_sales: Decimal,
    /// Discounts given (less those returned).
    #[diesel(sql_type = Numeric)]
    pub discount: Decimal,
    /// First day with a sale in the period.
    #[diesel(sql_type = Nullable<Date>)]
    pub first_purchase: Option<NaiveDate>,
    /// Last day with a sale in the period.
    #[diesel(sql_type = Nullable<Date>)]
    pub last_purchase: Option<NaiveDate>,
}

impl CustomerSales {
    /// Net sales per sale (none without a sale).
    pub fn average_basket(&self) -> Option<Decimal> {
        (self.sales > 0).then(|| self.net_sales / Decimal::from(self.sales))
    }
}

/// How the customer list is ordered, by its sort value (`net-desc` ...).
pub fn order_by(sort: &str) -> &'static str {
    match sort {
        "name" => "name, code",
        "name-desc" => "name DESC, code DESC",
        "code" => "code",
        "code-desc" => "code DESC",
        "sales" => "sales, net_sales",
        "sales-desc" => "sales DESC, net_sales DESC",
        "net" => "net_sales, code",
        "discount" => "discount, code",
        "discount-desc" => "discount DESC, code",
        "last" => "last_purchase NULLS FIRST, code",
        "last-desc" => "last_purchase DESC NULLS LAST, code",
        _ => "net_sales DESC, code",
    }
}

/// The customers with sales or returns in `filter` (binds `$1`..`$6`), ordered by `sort`.
pub fn by_customer_sql(sort: &str) -> String {
    format!(
        "SELECT r.customer_id, c.code, trim(c.first_name || ' ' || c.last_name) AS name, \
                sum(r.sales)::bigint AS sales, sum(r.returns)::bigint AS returns, \
                sum(r.net_sales) AS net_sales, sum(r.discount) AS discount, \
                min(r.day) FILTER (WHERE r.sales > 0) AS first_purchase, \
                max(r.day) FILTER (WHERE r.sales > 0) AS last_purchase \
         FROM rollup_customer_days r JOIN customers c ON c.id = r.customer_id \
         WHERE r.company_id = $1 AND r.day BETWEEN $2 AND $3 \
           AND ($4::bigint IS NULL OR r.store_id = $4) AND {CUSTOMER_FILTERS} \
         GROUP BY r.customer_id, c.code, c.first_name, c.last_name \
         HAVING sum(r.sales) <> 0 OR sum(r.returns) <> 0 \
         ORDER BY {}",
        order_by(sort)
    )
}

/// The first `limit` customers of `by_customer_sql`.
pub fn by_customer(
    conn: &mut PgConnection,
    filter: &Filter,
    sort: &str,
    limit: i64,
) -> QueryResult<Vec<CustomerSales>> {
    filter
        .bind(format!("{} LIMIT $7", by_customer_sql(sort)))
        .bind::<BigInt, _>(limit)
        .load(conn)
}

/// The totals line of `by_customer_sql`, with how many customers it counts.
pub fn customer_totals(
    conn: &mut PgConnection,
    filter: &Filter,
) -> QueryResult<(i64, CustomerSales)> {
    #[derive(QueryableByName)]
    struct Totals {
        #[diesel(sql_type = BigInt)]
        customers: i64,
        #[diesel(embed)]
        line: CustomerSales,
    }
    let totals: Totals = filter
        .bind(format!(
            "SELECT count(*) AS customers, 0::bigint AS customer_id, '' AS code, 'Total' AS name, \
                    coalesce(sum(sales), 0)::bigint AS sales, \
                    coalesce(sum(returns), 0)::bigint AS returns, \
                    coalesce(sum(net_sales), 0) AS net_sales, \
                    coalesce(sum(discount), 0) AS discount, \
                    min(first_purchase) AS first_purchase, max(last_purchase) AS last_purchase \
             FROM ({}) per",
            by_customer_sql("")
        ))
        .get_result(conn)?;
    Ok((totals.customers, totals.line))
}

/// A customer who bought before and not since.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Lapsed {
    /// Customer id.
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    /// Customer Code.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// Full name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Mobile number, for the call.
    #[diesel(sql_type = Text)]
    pub mobile: String,
    /// Their store (the one they bought at last).
    #[diesel(sql_type = Text)]
    pub store: String,
    /// Their last purchase.
    #[diesel(sql_type = Date)]
    pub last_purchase: NaiveDate,
    /// Sales, ever.
    #[diesel(sql_type = BigInt)]
    pub sales: i64,
    /// Net sales, ever: their lifetime value.
    #[diesel(sql_type = Numeric)]
    pub lifetime_value: Decimal,
}

/// Active customers (the stores' default customers left out) whose last purchase was before
/// `$3` (the day the lapse starts) and on or after `filter.from`, most valuable first (binds
/// `$1`..`$6`; `filter.to` is replaced by that day).
pub fn lapsed_sql() -> String {
    format!(
        "WITH per AS ( \
           SELECT r.customer_id, max(r.day) FILTER (WHERE r.sales > 0) AS last_purchase, \
                  sum(r.sales)::bigint AS sales, sum(r.net_sales) AS lifetime_value \
           FROM rollup_customer_days r \
           WHERE r.company_id = $1 AND ($4::bigint IS NULL OR r.store_id = $4) \
           GROUP BY r.customer_id) \
         SELECT per.customer_id, c.code, trim(c.first_name || ' ' || c.last_name) AS name, \
                c.mobile AS mobile, \
                coalesce((SELECT s.name FROM rollup_customer_days l JOIN stores s ON s.id = l.store_id \
                          WHERE l.customer_id = per.customer_id AND l.sales > 0 \
                          ORDER BY l.day DESC LIMIT 1), '') AS store, \
                per.last_purchase, per.sales, per.lifetime_value \
         FROM per JOIN customers c ON c.id = per.customer_id \
         WHERE per.last_purchase < $3 AND per.last_purchase >= $2 AND c.active \
           AND c.id NOT IN (SELECT default_customer_id FROM pos_profiles \
                            WHERE default_customer_id IS NOT NULL) \
           AND {CUSTOMER_FILTERS} \
         ORDER BY per.lifetime_value DESC, c.code"
    )
}

/// The first `limit` customers of `lapsed_sql` for `filter` (its `to`: the lapse's first day).
pub fn lapsed(conn: &mut PgConnection, filter: &Filter, limit: i64) -> QueryResult<Vec<Lapsed>> {
    filter
        .bind(format!("{} LIMIT $7", lapsed_sql()))
        .bind::<BigInt, _>(limit)
        .load(conn)
}
