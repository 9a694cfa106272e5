//! Sales by Customer's first page without adding up every customer of the period. Customers are
//! read in the order of a lifetime figure that no period of theirs can beat (the ceiling of
//! their net sales, or their last purchase), a few thousand at a time; their period is summed and
//! ranked, and the reading stops once the page's last customer beats that figure of the first
//! customer not read: nobody unread can still make the page. The stores' default customers, who
//! have no lifetime row, are always read. Totals come from the store rollups (the same invoices
//! in far fewer rows). Over a year of a million customers this reads a few thousand customers'
//! days instead of all of them (bench/RESULTS.md).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use rust_decimal::Decimal;

use super::Filter;
use super::customers::{CustomerSales, order_by, per_customer_sql, ranked};
use crate::db::schema::customer_purchases as cp;

/// Customers read in the first round; each next round reads eight times as many.
const FIRST_READ: i64 = 2_000;
/// Past this many customers read without the page settling, the whole period is added up.
const MOST_READ: i64 = 128_000;

/// Periods with fewer invoices than this are added up whole: as quick as a bounded read, which
/// on a short period finds few of the best lifetimes in it (the bench's six days of December,
/// 17,000 invoices: 40 ms added up, a second read bounded).
const READ_FROM_INVOICES: i64 = 50_000;

/// The sorts a lifetime figure bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    /// Net sales, highest first: bounded by `net_ceiling`.
    Net,
    /// Last purchase, newest first: bounded by the last purchase ever.
    Last,
}

/// What the first customer not read can reach at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Every customer was read.
    Nobody,
    /// Net sales up to this.
    Net(Decimal),
    /// A last purchase no later than this (none: never bought).
    Last(Option<NaiveDate>),
}

impl Bound {
    /// The bound of `sort` (as `order_by` orders it), if any.
    fn of(sort: &str) -> Option<Self> {
        match order_by(sort).0 {
            "net_sales DESC, customer_id" => Some(Self::Net),
            "last_purchase DESC NULLS LAST, customer_id" => Some(Self::Last),
            _ => None,
        }
    }

    /// The lifetime rows' order, best bound first (an index of `customer_purchases` each).
    fn order(self) -> &'static str {
        match self {
            Self::Net => "net_ceiling DESC, customer_id",
            Self::Last => "last_purchase DESC NULLS LAST, customer_id",
        }
    }

    /// The bound of the first lifetime row after the `read` first.
    fn next(self, conn: &mut PgConnection, company: i64, read: i64) -> QueryResult<Reach> {
        let rows = cp::table.filter(cp::company_id.eq(company)).offset(read);
        Ok(match self {
            Self::Net => rows
                .order((cp::net_ceiling.desc(), cp::customer_id))
                .select(cp::net_ceiling)
                .first::<Decimal>(conn)
                .optional()?
                .map_or(Reach::Nobody, Reach::Net),
            Self::Last => rows
                .order((cp::last_purchase.desc().nulls_last(), cp::customer_id))
                .select(cp::last_purchase)
                .first::<Option<NaiveDate>>(conn)
                .optional()?
                .map_or(Reach::Nobody, Reach::Last),
        })
    }
}

/// Whether `best` (the best `limit` customers read, in the page's order) are the period's first
/// `limit`, given what the first customer not read can reach in a period ending `to`: the last
/// of them must beat it outright (an unread customer level with it may come first by id). Short
/// of `limit` rows, unread customers could still fill the page, unless there are none.
fn settled(best: &[CustomerSales], limit: usize, next: Reach, to: NaiveDate) -> bool {
    let last = match best.get(limit.wrapping_sub(1)) {
        Some(last) if limit > 0 => last,
        _ => return next == Reach::Nobody,
    };
    match next {
        Reach::Nobody => true,
        Reach::Net(ceiling) => last.net_sales > ceiling,
        Reach::Last(None) => last.last_purchase.is_some(),
        Reach::Last(Some(day)) => last.last_purchase.is_some_and(|d| d > day.min(to)),
    }
}

/// The totals line and the first `limit` customers of Sales by Customer for `filter` in the
/// order of `sort`, by the bounded read; none when the sort has no bound, a group or territory
/// narrows the customers (the lifetime rows do not know them), the period has fewer than
/// `READ_FROM_INVOICES` invoices, or the read would go past `MOST_READ` customers (then adding
/// the period up is as quick).
pub fn first(
    conn: &mut PgConnection,
    filter: &Filter,
    sort: &str,
    limit: i64,
) -> QueryResult<Option<(CustomerSales, Vec<CustomerSales>)>> {
    if bound(filter, sort).is_none() {
        return Ok(None);
    }
    let totals = store_totals(conn, filter)?;
    if totals.sales + totals.returns < READ_FROM_INVOICES {
        return Ok(None);
    }
    Ok(first_reading(conn, filter, sort, limit, FIRST_READ)?.map(|rows| (totals, rows)))
}

/// The bound of `sort` for `filter`, if it can be read bounded.
fn bound(filter: &Filter, sort: &str) -> Option<Bound> {
    Bound::of(sort).filter(|_| !filter.narrows_customers())
}

/// `first`'s customers, whatever the period's size, reading `read` customers in the first
/// round (tests read few to go round often).
pub fn first_reading(
    conn: &mut PgConnection,
    filter: &Filter,
    sort: &str,
    limit: i64,
    mut read: i64,
) -> QueryResult<Option<Vec<CustomerSales>>> {
    let Some(bound) = bound(filter, sort) else {
        return Ok(None);
    };
    let sql = format!(
        "WITH candidates AS MATERIALIZED ( \
           (SELECT customer_id FROM customer_purchases WHERE company_id = $1 \
            ORDER BY {} LIMIT $7) \
           UNION SELECT default_customer_id FROM pos_profiles \
           WHERE default_customer_id IS NOT NULL), \
         per AS MATERIALIZED ({}) {}",
        bound.order(),
        per_customer_sql("r.customer_id IN (SELECT customer_id FROM candidates)"),
        ranked("per", sort, Some("$8"))
    );
    let wanted = usize::try_from(limit).unwrap_or(0);
    loop {
        let best: Vec<CustomerSales> = filter
            .bind(sql.clone())
            .bind::<BigInt, _>(read)
            .bind::<BigInt, _>(limit)
            .load(conn)?;
        let next = bound.next(conn, filter.company, read)?;
        if settled(&best, wanted, next, filter.to) {
            return Ok(Some(best));
        }
        if read >= MOST_READ {
            return Ok(None);
        }
        read = (read * 8).min(MOST_READ);
    }
}

/// The totals line of Sales by Customer for `filter` without a group or territory, from the
/// store rollups: every customer's invoices, so the same sums and purchase days.
pub fn store_totals(conn: &mut PgConnection, filter: &Filter) -> QueryResult<CustomerSales> {
    filter
        .bind(
            "SELECT 0::bigint AS customer_id, '' AS code, 'Total' AS name, \
                    coalesce(sum(sales), 0)::bigint AS sales, \
                    coalesce(sum(returns), 0)::bigint AS returns, \
                    coalesce(sum(net_sales), 0) AS net_sales, \
                    coalesce(sum(discount), 0) AS discount, \
                    min(day) FILTER (WHERE sales > 0) AS first_purchase, \
                    max(day) FILTER (WHERE sales > 0) AS last_purchase \
             FROM rollup_store_days \
             WHERE company_id = $1 AND day BETWEEN $2 AND $3 \
               AND ($4::bigint IS NULL OR store_id = $4)"
                .to_owned(),
        )
        .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, net: i64, last: Option<u32>) -> CustomerSales {
        CustomerSales {
            customer_id: id,
            code: String::new(),
            name: String::new(),
            sales: 1,
            returns: 0,
            net_sales: Decimal::from(net),
            discount: Decimal::ZERO,
            first_purchase: None,
            last_purchase: last.map(|d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap()),
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn the_page_settles_only_when_its_last_row_beats_the_next_bound_outright() {
        let best = [row(1, 90, None), row(2, 50, None), row(3, 40, None)];
        let net = |n| Reach::Net(Decimal::from(n));
        assert!(settled(&best[..2], 2, net(49), day(31)));
        assert!(
            !settled(&best[..2], 2, net(50), day(31)),
            "a customer level at 50 with a lower id may come first"
        );
        assert!(!settled(&best[..2], 2, net(70), day(31)));
        assert!(
            !settled(&best[..2], 3, net(0), day(31)),
            "an unread customer may fill the page"
        );
        assert!(
            settled(&best[..1], 2, Reach::Nobody, day(31)),
            "nobody left to read"
        );
        assert!(settled(&best, 3, net(39), day(31)));
    }

    #[test]
    fn a_last_purchase_bound_is_cut_at_the_periods_end() {
        let best = [row(1, 1, Some(20)), row(2, 1, Some(18)), row(3, 1, None)];
        let two = &best[..2];
        assert!(settled(two, 2, Reach::Last(Some(day(25))), day(17)));
        assert!(!settled(two, 2, Reach::Last(Some(day(25))), day(18)));
        assert!(!settled(two, 2, Reach::Last(Some(day(18))), day(31)));
        assert!(
            settled(two, 2, Reach::Last(None), day(31)),
            "who never bought comes last"
        );
        assert!(!settled(&best, 3, Reach::Last(None), day(31)));
    }

    #[test]
    fn only_sorts_with_a_lifetime_bound_are_read_this_way() {
        assert_eq!(Bound::of(""), Some(Bound::Net));
        assert_eq!(Bound::of("net-desc"), Some(Bound::Net));
        assert_eq!(Bound::of("last-desc"), Some(Bound::Last));
        assert_eq!(Bound::of("net"), None);
        assert_eq!(Bound::of("name"), None);
    }
}
