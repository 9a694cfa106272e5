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

/// One month's new and returning customers.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Cohort {
    /// The month's first day.
    #[diesel(sql_type = Date)]
    pub month: NaiveDate,
    /// Customers whose first purchase fell in the month.
    #[diesel(sql_type = BigInt)]
    pub new_customers: i64,
    /// Of those, how many bought again within 30 days of their first purchase.
    #[diesel(sql_type = BigInt)]
    pub back_30: i64,
    /// Within 90 days.
    #[diesel(sql_type = BigInt)]
    pub back_90: i64,
    /// Customers who bought in the month and had bought before it.
    #[diesel(sql_type = BigInt)]
    pub returning_customers: i64,
}

/// New and returning customers per month of `filter` (whole months from the one `from` falls
/// in), the stores' default customers left out. A customer's first purchase is their first ever
/// (at `filter.store` when given).
pub fn cohorts(conn: &mut PgConnection, filter: &Filter) -> QueryResult<Vec<Cohort>> {
    filter
        .bind(format!(
            "WITH r AS MATERIALIZED ( \
               SELECT r.customer_id, r.day FROM rollup_customer_days r JOIN customers c ON c.id = r.customer_id \
               WHERE r.company_id = $1 AND ($4::bigint IS NULL OR r.store_id = $4) \
                 AND r.sales > 0 AND {CUSTOMER_FILTERS} \
                 AND r.customer_id NOT IN (SELECT default_customer_id FROM pos_profiles \
                                           WHERE default_customer_id IS NOT NULL)), \
             firsts AS (SELECT customer_id, min(day) AS first_day FROM r GROUP BY customer_id), \
             months AS ( \
               SELECT generate_series(date_trunc('month', $2::date), $3::date, interval '1 month')::date \
                 AS month), \
             new AS ( \
               SELECT date_trunc('month', f.first_day)::date AS month, count(*) AS new_customers, \
                      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM r WHERE r.customer_id = f.customer_id \
                        AND r.day > f.first_day AND r.day <= f.first_day + 30)) AS back_30, \
                      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM r WHERE r.customer_id = f.customer_id \
                        AND r.day > f.first_day AND r.day <= f.first_day + 90)) AS back_90 \
               FROM firsts f WHERE f.first_day >= date_trunc('month', $2::date) AND f.first_day <= $3 \
               GROUP BY 1), \
             repeat AS ( \
               SELECT date_trunc('month', r.day)::date AS month, \
                      count(DISTINCT r.customer_id) AS returning_customers \
               FROM r JOIN firsts f USING (customer_id) \
               WHERE r.day >= date_trunc('month', $2::date) AND r.day <= $3 \
                 AND f.first_day < date_trunc('month', r.day) \
               GROUP BY 1) \
             SELECT m.month, coalesce(n.new_customers, 0)::bigint AS new_customers, \
                    coalesce(n.back_30, 0)::bigint AS back_30, coalesce(n.back_90, 0)::bigint AS back_90, \
                    coalesce(b.returning_customers, 0)::bigint AS returning_customers \
             FROM months m LEFT JOIN new n USING (month) LEFT JOIN repeat b USING (month) \
             ORDER BY m.month"
        ))
        .load(conn)
}
