//! Sales by customer and lapsed customers, from `rollup_customer_days`.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use rust_decimal::Decimal;

use super::{CUSTOMER_FILTERS, DEFAULT_CUSTOMERS, Filter};

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

/// How the customer list is ordered, by its sort value (`net-desc` ...), and whether that
/// order needs the customers' names and codes (the others rank the sums alone, and names are
/// read for the rows kept).
pub fn order_by(sort: &str) -> (&'static str, bool) {
    match sort {
        "name" => ("name, code", true),
        "name-desc" => ("name DESC, code DESC", true),
        "code" => ("code", true),
        "code-desc" => ("code DESC", true),
        "sales" => ("sales, net_sales, customer_id", false),
        "sales-desc" => ("sales DESC, net_sales DESC, customer_id", false),
        "net" => ("net_sales, customer_id", false),
        "discount" => ("discount, customer_id", false),
        "discount-desc" => ("discount DESC, customer_id", false),
        "last" => ("last_purchase NULLS FIRST, customer_id", false),
        "last-desc" => ("last_purchase DESC NULLS LAST, customer_id", false),
        _ => ("net_sales DESC, customer_id", false),
    }
}

/// Each customer's sums over the period of `filter` (binds `$1`..`$6`): one pass over the
/// period's daily rows (those of `r.customer_id` where `narrow` holds), the customers table read
/// only when a group or territory narrows it.
pub(super) fn per_customer_sql(narrow: &str) -> String {
    format!(
        "SELECT r.customer_id, sum(r.sales)::bigint AS sales, sum(r.returns)::bigint AS returns, \
                sum(r.net_sales) AS net_sales, sum(r.discount) AS discount, \
                min(r.day) FILTER (WHERE r.sales > 0) AS first_purchase, \
                max(r.day) FILTER (WHERE r.sales > 0) AS last_purchase \
         FROM rollup_customer_days r \
         WHERE r.company_id = $1 AND r.day BETWEEN $2 AND $3 AND {narrow} \
           AND ($4::bigint IS NULL OR r.store_id = $4) \
           AND ($5::bigint IS NULL AND $6::bigint IS NULL \
                OR r.customer_id IN (SELECT c.id FROM customers c WHERE {CUSTOMER_FILTERS})) \
         GROUP BY r.customer_id \
         HAVING sum(r.sales) <> 0 OR sum(r.returns) <> 0"
    )
}

/// The customer columns of a row of `per` joined to customers `c`.
const NAMED: &str = "per.customer_id, c.code, trim(c.first_name || ' ' || c.last_name) AS name, \
     per.sales, per.returns, per.net_sales, per.discount, per.first_purchase, per.last_purchase";

/// The customers with sales or returns in `filter` (binds `$1`..`$6`), ordered by `sort`.
pub fn by_customer_sql(sort: &str) -> String {
    ranked(&format!("({})", per_customer_sql("true")), sort, None)
}

/// The rows of `source` (a query or table of `per_customer_sql`'s columns) named and ordered by
/// `sort`, as many as the bind `limit` (`$7`...) says when given. Sums are ranked before names
/// are read when the order does not need them.
pub(super) fn ranked(source: &str, sort: &str, limit: Option<&str>) -> String {
    let (order, named) = order_by(sort);
    let limit = limit.map_or(String::new(), |bind| format!(" LIMIT {bind}"));
    if named {
        format!(
            "SELECT {NAMED} FROM {source} per JOIN customers c ON c.id = per.customer_id \
             ORDER BY {order}{limit}"
        )
    } else {
        format!(
            "SELECT {NAMED} FROM (SELECT * FROM {source} per ORDER BY {order}{limit}) per \
             JOIN customers c ON c.id = per.customer_id ORDER BY {order}"
        )
    }
}

/// How many customers `added_up` counts and their totals line.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerTotals {
    /// Customers with sales or returns.
    pub customers: i64,
    /// Their sums, as a line named "Total".
    pub line: CustomerSales,
}

/// The totals of `filter` and its first `limit` customers in the order of `sort`, from one
/// pass over the period's rows.
pub fn added_up(
    conn: &mut PgConnection,
    filter: &Filter,
    sort: &str,
    limit: i64,
) -> QueryResult<(CustomerTotals, Vec<CustomerSales>)> {
    #[derive(QueryableByName)]
    struct Line {
        /// Customers counted, on the totals line; 0 on the others.
        #[diesel(sql_type = BigInt)]
        customers: i64,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        total: bool,
        #[diesel(embed)]
        line: CustomerSales,
    }
    let lines: Vec<Line> = filter
        .bind(format!(
            "WITH per AS MATERIALIZED ({}) \
             SELECT * FROM ( \
               SELECT count(*) AS customers, true AS total, 0::bigint AS customer_id, \
                      '' AS code, 'Total' AS name, \
                      coalesce(sum(sales), 0)::bigint AS sales, \
                      coalesce(sum(returns), 0)::bigint AS returns, \
                      coalesce(sum(net_sales), 0) AS net_sales, \
                      coalesce(sum(discount), 0) AS discount, \
                      min(first_purchase) AS first_purchase, max(last_purchase) AS last_purchase \
               FROM per) totals \
             UNION ALL \
             SELECT 0::bigint AS customers, false AS total, page.* FROM ({}) page",
            per_customer_sql("true"),
            ranked("per", sort, Some("$7"))
        ))
        .bind::<BigInt, _>(limit)
        .load(conn)?;
    // An Append returns its parts in order; the totals line is still told by its flag.
    let (totals, page): (Vec<Line>, Vec<Line>) = lines.into_iter().partition(|l| l.total);
    let totals = totals
        .into_iter()
        .next()
        .map(|l| CustomerTotals {
            customers: l.customers,
            line: l.line,
        })
        .ok_or(diesel::result::Error::NotFound)?;
    Ok((totals, page.into_iter().map(|l| l.line).collect()))
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
/// `$1`..`$6`; `filter.to` is replaced by that day). With a store, the customers whose last
/// purchase was there: their store. Read from `customer_purchases` in the order of its index,
/// so a page stops at its last row instead of adding up every customer's days.
pub fn lapsed_sql() -> String {
    format!(
        "SELECT p.customer_id, c.code, trim(c.first_name || ' ' || c.last_name) AS name, \
                c.mobile AS mobile, coalesce(s.name, '') AS store, \
                p.last_purchase, p.sales::bigint AS sales, p.net_sales AS lifetime_value \
         FROM customer_purchases p JOIN customers c ON c.id = p.customer_id \
         LEFT JOIN stores s ON s.id = p.last_store_id \
         WHERE p.company_id = $1 AND p.last_purchase < $3 AND p.last_purchase >= $2 \
           AND ($4::bigint IS NULL OR p.last_store_id = $4) AND c.active \
           AND c.id NOT IN {DEFAULT_CUSTOMERS} \
           AND {CUSTOMER_FILTERS} \
         ORDER BY p.net_sales DESC, p.customer_id"
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

/// New and returning customers per month of `filter`: whole months, from the one `from` falls
/// in to the one `to` falls in; the stores' default customers left out. A customer's first
/// purchase is their first ever (at `filter.store` when given).
pub fn cohorts(conn: &mut PgConnection, filter: &Filter) -> QueryResult<Vec<Cohort>> {
    let sql = if filter.store.is_some() {
        store_cohorts_sql()
    } else if filter.narrows_customers() {
        cohorts_sql()
    } else {
        counted_cohorts_sql()
    };
    filter.bind(sql).load(conn)
}

/// The months `$2` to `$3` fall in, whole.
const COHORT_MONTHS: &str = "span AS (SELECT date_trunc('month', $2::date)::date AS first, \
       (date_trunc('month', $3::date) + interval '1 month')::date AS past), \
     months AS (SELECT generate_series(span.first, span.past - 1, interval '1 month')::date \
       AS month FROM span)";

/// The whole company's cohorts as the invoice pipeline counts them (migration
/// `cohorts_and_one_rollup_call`): sixteen rows a month (binds `$1`..`$3`).
fn counted_cohorts_sql() -> String {
    format!(
        "WITH {COHORT_MONTHS}, \
              counted AS ( \
                SELECT c.month, sum(c.buyers) AS buyers, sum(c.new_customers) AS new_customers, \
                       sum(c.back_30) AS back_30, sum(c.back_90) AS back_90 \
                FROM rollup_cohort_months c, span \
                WHERE c.company_id = $1 AND c.month >= span.first AND c.month < span.past \
                GROUP BY c.month) \
         SELECT m.month, coalesce(c.new_customers, 0)::bigint AS new_customers, \
                coalesce(c.back_30, 0)::bigint AS back_30, coalesce(c.back_90, 0)::bigint AS back_90, \
                (coalesce(c.buyers, 0) - coalesce(c.new_customers, 0))::bigint AS returning_customers \
         FROM months m LEFT JOIN counted c USING (month) \
         ORDER BY m.month"
    )
}

/// The cohorts of a customer group or territory, from each customer's first and second
/// purchase days and their month rows (binds `$1`..`$6`, `$4` unused).
fn cohorts_sql() -> String {
    let named = named_only();
    format!(
        "WITH {COHORT_MONTHS}, \
              new AS ( \
                SELECT date_trunc('month', p.first_purchase)::date AS month, count(*) AS new_customers, \
                       count(*) FILTER (WHERE p.second_purchase <= p.first_purchase + 30) AS back_30, \
                       count(*) FILTER (WHERE p.second_purchase <= p.first_purchase + 90) AS back_90 \
                FROM customer_purchases p, span \
                WHERE p.company_id = $1 AND p.first_purchase >= span.first \
                  AND p.first_purchase < span.past AND {named} \
                GROUP BY 1), \
              active AS ( \
                SELECT p.month, count(*) AS buyers FROM rollup_customer_months p, span \
                WHERE p.company_id = $1 AND p.month >= span.first AND p.month < span.past \
                  AND p.sales > 0 AND {named} \
                GROUP BY 1) \
         SELECT m.month, coalesce(n.new_customers, 0)::bigint AS new_customers, \
                coalesce(n.back_30, 0)::bigint AS back_30, coalesce(n.back_90, 0)::bigint AS back_90, \
                (coalesce(a.buyers, 0) - coalesce(n.new_customers, 0))::bigint AS returning_customers \
         FROM months m LEFT JOIN new n USING (month) LEFT JOIN active a USING (month) \
         ORDER BY m.month"
    )
}

/// Keeps rows `p` of named customers (no store's default customer) in the filter's group and
/// territory (binds `$5`, `$6`).
fn named_only() -> String {
    format!(
        "p.customer_id NOT IN {DEFAULT_CUSTOMERS} \
         AND ($5::bigint IS NULL AND $6::bigint IS NULL \
              OR p.customer_id IN (SELECT c.id FROM customers c WHERE {CUSTOMER_FILTERS}))"
    )
}

/// One store's cohorts (first purchases at that store), from its daily rows.
fn store_cohorts_sql() -> String {
    format!(
        "WITH r AS MATERIALIZED ( \
           SELECT r.customer_id, r.day FROM rollup_customer_days r JOIN customers c ON c.id = r.customer_id \
           WHERE r.company_id = $1 AND ($4::bigint IS NULL OR r.store_id = $4) \
             AND r.sales > 0 AND {CUSTOMER_FILTERS} \
             AND r.customer_id NOT IN {DEFAULT_CUSTOMERS}), \
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
           FROM firsts f WHERE f.first_day >= date_trunc('month', $2::date) \
             AND f.first_day < date_trunc('month', $3::date) + interval '1 month' \
           GROUP BY 1), \
         repeat AS ( \
           SELECT date_trunc('month', r.day)::date AS month, \
                  count(DISTINCT r.customer_id) AS returning_customers \
           FROM r JOIN firsts f USING (customer_id) \
           WHERE r.day >= date_trunc('month', $2::date) \
             AND r.day < date_trunc('month', $3::date) + interval '1 month' \
             AND f.first_day < date_trunc('month', r.day) \
           GROUP BY 1) \
         SELECT m.month, coalesce(n.new_customers, 0)::bigint AS new_customers, \
                coalesce(n.back_30, 0)::bigint AS back_30, coalesce(n.back_90, 0)::bigint AS back_90, \
                coalesce(b.returning_customers, 0)::bigint AS returning_customers \
         FROM months m LEFT JOIN new n USING (month) LEFT JOIN repeat b USING (month) \
         ORDER BY m.month"
    )
}
