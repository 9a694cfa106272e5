//! Sales by Customer's page and CSV totals: the bounded read of `top_customers` where it
//! applies and is worth it, else every customer of the period added up (`customers`).

use diesel::prelude::*;

use super::Filter;
use super::customers::{CustomerSales, added_up};
use super::top_customers;

/// Sales by Customer's page: its totals line, its first customers, and whether there are more.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerPage {
    /// The totals line, named "Total"; none when no customer bought or returned.
    pub totals: Option<CustomerSales>,
    /// The first customers in the page's order.
    pub rows: Vec<CustomerSales>,
    /// How many customers in all, when the page added every one up (the bounded read of
    /// `top_customers` does not count them).
    pub customers: Option<i64>,
    /// More customers than `rows`.
    pub more: bool,
}

/// The totals line of `by_customer_sql` (from the store rollups when no group or territory
/// narrows the customers).
pub fn customer_totals(conn: &mut PgConnection, filter: &Filter) -> QueryResult<CustomerSales> {
    if !filter.narrows_customers() {
        return top_customers::store_totals(conn, filter);
    }
    Ok(added_up(conn, filter, "", 0)?.0.line)
}

/// The totals and the first `limit` customers of `filter` in the order of `sort`: by the
/// bounded read of `top_customers` where it applies, else from one pass over the period's rows.
pub fn customer_page(
    conn: &mut PgConnection,
    filter: &Filter,
    sort: &str,
    limit: i64,
) -> QueryResult<CustomerPage> {
    if let Some((totals, mut rows)) = top_customers::first(conn, filter, sort, limit + 1)? {
        let wanted = usize::try_from(limit).unwrap_or(0);
        let more = rows.len() > wanted;
        rows.truncate(wanted);
        return Ok(CustomerPage {
            totals: (!rows.is_empty()).then_some(totals),
            rows,
            customers: None,
            more,
        });
    }
    let (totals, rows) = added_up(conn, filter, sort, limit)?;
    Ok(CustomerPage {
        more: totals.customers > limit,
        totals: (totals.customers > 0).then_some(totals.line),
        rows,
        customers: Some(totals.customers),
    })
}
