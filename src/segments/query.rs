//! A segment's filters as SQL over `customers c`: active customers only, the stores' Walk-in
//! customers never, each filter one condition (AND). Purchases, spend and recency read the
//! rollups the invoice pipeline keeps (`customer_purchases`, `rollup_customer_days`); RFM reads
//! `customer_rfm`; the rest read their own tables. Every value is bound, never spliced.

use chrono::{Duration, NaiveDate};
use patron_rules::segments::{DEFAULT_DAYS, Filters, Goods, Origin, Scores};

use crate::db::sql::{Bind, Sql};

/// The customers of a company's segment on `today`: `SELECT c.id FROM customers c WHERE ...`.
pub fn members(filters: &Filters, company: i64, today: NaiveDate) -> Sql {
    let mut sql = Sql::default();
    push_members(&mut sql, filters, company, today);
    sql
}

/// Appends `members(filters, company, today)` to `sql` (its binds numbered after `sql`'s).
pub fn push_members(sql: &mut Sql, filters: &Filters, company: i64, today: NaiveDate) {
    sql.push(
        "SELECT c.id FROM customers c WHERE c.active \
         AND c.id NOT IN (SELECT default_customer_id FROM pos_profiles \
                          WHERE default_customer_id IS NOT NULL)",
    );
    let co = Bind::Int(company);
    let since = |days: u32| Bind::Day(today - Duration::days(i64::from(days) - 1));
    if let Some(days) = filters.lapsed_days {
        sql.push(" AND c.id IN (SELECT customer_id FROM customer_purchases WHERE company_id = ")
            .bind(co.clone())
            .push(" AND last_purchase < ")
            .bind(Bind::Day(today - Duration::days(i64::from(days))))
            .push(")");
    }
    if let Some(days) = filters.recent_days {
        sql.push(" AND c.id IN (SELECT customer_id FROM customer_purchases WHERE company_id = ")
            .bind(co.clone())
            .push(" AND last_purchase >= ")
            .bind(since(days))
            .push(")");
    }
    let days = |d: Option<u32>| d.unwrap_or(DEFAULT_DAYS);
    counted(
        sql,
        &co,
        since(days(filters.sales_days)),
        "sum(sales)",
        filters.sales_min.map(|n| Bind::Int(i64::from(n))),
        filters.sales_max.map(|n| Bind::Int(i64::from(n))),
    );
    counted(
        sql,
        &co,
        since(days(filters.spent_days)),
        "sum(net_sales)",
        filters.spent_min.map(Bind::Amount),
        filters.spent_max.map(Bind::Amount),
    );
    rfm(sql, &co, filters);
    if let Some(group) = filters.customer_group_id {
        sql.push(" AND c.customer_group_id IN (WITH RECURSIVE g AS (SELECT id FROM customer_groups WHERE id = ")
            .bind(Bind::Int(group))
            .push(" UNION ALL SELECT x.id FROM customer_groups x JOIN g ON x.parent_id = g.id) SELECT id FROM g)");
    }
    if let Some(territory) = filters.territory_id {
        sql.push(" AND c.territory_id IN (WITH RECURSIVE t AS (SELECT id FROM territories WHERE id = ")
            .bind(Bind::Int(territory))
            .push(" UNION ALL SELECT x.id FROM territories x JOIN t ON x.parent_id = t.id) SELECT id FROM t)");
    }
    match filters.origin {
        Some(Origin::Hq) => {
            sql.push(" AND c.origin_store_id IS NULL");
        }
        Some(Origin::Store(store)) => {
            sql.push(" AND c.origin_store_id = ").bind(Bind::Int(store));
        }
        None => {}
    }
    loyalty(sql, &co, filters, today);
    bought(sql, &co, filters, today);
    referrals_and_coupons(sql, filters, today);
    if let Some(month) = filters.birthday_month {
        sql.push(" AND extract(month FROM c.birthday) = ")
            .bind(Bind::Int(i64::from(month)));
    }
}

/// A count or a sum over the period's daily rollup rows, between `min` and `max`. A bound of
/// "at most" alone keeps the customers with nothing in the period too.
fn counted(
    sql: &mut Sql,
    company: &Bind,
    since: Bind,
    total: &str,
    min: Option<Bind>,
    max: Option<Bind>,
) {
    let rows = |sql: &mut Sql| {
        sql.push("SELECT customer_id FROM rollup_customer_days WHERE company_id = ")
            .bind(company.clone())
            .push(" AND day >= ")
            .bind(since.clone())
            .push(" GROUP BY customer_id HAVING ");
    };
    match (min, max) {
        (Some(min), max) => {
            sql.push(" AND c.id IN (");
            rows(sql);
            sql.push(total).push(" >= ").bind(min);
            if let Some(max) = max {
                sql.push(" AND ").push(total).push(" <= ").bind(max);
            }
            sql.push(")");
        }
        (None, Some(max)) => {
            sql.push(" AND c.id NOT IN (");
            rows(sql);
            sql.push(total).push(" > ").bind(max).push(")");
        }
        (None, None) => {}
    }
}

fn rfm(sql: &mut Sql, company: &Bind, filters: &Filters) {
    let scores = [
        ("recency", filters.recency_score),
        ("frequency", filters.frequency_score),
        ("monetary", filters.monetary_score),
    ];
    if scores.iter().all(|(_, s)| s.is_none()) {
        return;
    }
    sql.push(" AND c.id IN (SELECT customer_id FROM customer_rfm WHERE company_id = ")
        .bind(company.clone());
    for (column, score) in scores {
        if let Some(Scores { from, to }) = score {
            sql.push(&format!(" AND {column} BETWEEN "))
                .bind(Bind::Int(i64::from(from)))
                .push(" AND ")
                .bind(Bind::Int(i64::from(to)));
        }
    }
    sql.push(")");
}

fn loyalty(sql: &mut Sql, company: &Bind, filters: &Filters, today: NaiveDate) {
    if let Some(program) = filters.loyalty_program_id {
        sql.push(" AND c.id IN (SELECT customer_id FROM loyalty_members WHERE program_id = ")
            .bind(Bind::Int(program))
            .push(")");
    }
    if let Some(tier) = filters.loyalty_tier_id {
        // A member's tier: the highest whose Min Spent their spend in the program reaches, the
        // lowest when none is (as the loyalty report counts them).
        sql.push(
            " AND c.id IN (SELECT m.customer_id FROM loyalty_members m \
              JOIN (SELECT t.id, t.program_id, \
                           CASE WHEN row_number() OVER w = 1 THEN NULL ELSE t.min_spent END AS lo, \
                           lead(t.min_spent) OVER w AS hi \
                    FROM loyalty_tiers t WINDOW w AS (PARTITION BY t.program_id ORDER BY t.min_spent)) r \
                ON r.program_id = m.program_id AND r.id = ",
        )
        .bind(Bind::Int(tier))
        .push(
            " LEFT JOIN (SELECT customer_id, program_id, sum(purchase_amount) AS spent \
                         FROM loyalty_point_entries GROUP BY customer_id, program_id) s \
                ON s.customer_id = m.customer_id AND s.program_id = m.program_id \
              WHERE (r.lo IS NULL OR coalesce(s.spent, 0) >= r.lo) \
                AND (r.hi IS NULL OR coalesce(s.spent, 0) < r.hi))",
        );
    }
    if filters.points_min.is_some() || filters.points_max.is_some() {
        let balance = |sql: &mut Sql| {
            sql.push("SELECT customer_id FROM loyalty_point_entries WHERE company_id = ")
                .bind(company.clone())
                .push(" AND (expiry_date IS NULL OR expiry_date >= ")
                .bind(Bind::Day(today))
                .push(") GROUP BY customer_id HAVING ");
        };
        match (filters.points_min, filters.points_max) {
            (Some(min), max) if min > 0 => {
                sql.push(" AND c.id IN (");
                balance(sql);
                sql.push("sum(points) >= ").bind(Bind::Int(min));
                if let Some(max) = max {
                    sql.push(" AND sum(points) <= ").bind(Bind::Int(max));
                }
                sql.push(")");
            }
            (_, Some(max)) => {
                sql.push(" AND c.id NOT IN (");
                balance(sql);
                sql.push("sum(points) > ").bind(Bind::Int(max)).push(")");
            }
            _ => {}
        }
    }
}

/// Bought, and used an offer or a coupon: sales in the period, not cancelled, not returns.
fn bought(sql: &mut Sql, company: &Bind, filters: &Filters, today: NaiveDate) {
    let sales = |sql: &mut Sql, days: u32| {
        sql.push(" i.company_id = ")
            .bind(company.clone())
            .push(" AND i.status = 'submitted' AND i.return_against_id IS NULL AND i.posted_at >= ")
            .bind(Bind::Day(today - Duration::days(i64::from(days) - 1)))
            // A day bound as a date compares at midnight UTC: the business day's edge is close
            // enough for "in the last N days"; the rollups keep exact days for the sums.
            .push("::timestamptz");
    };
    if let Some(b) = filters.bought {
        sql.push(
            " AND c.id IN (SELECT i.customer_id FROM invoices i \
              JOIN invoice_lines l ON l.invoice_id = i.id WHERE",
        );
        sales(sql, b.days);
        match b.what {
            Goods::Item(item) => {
                sql.push(" AND l.item_id = ").bind(Bind::Int(item));
            }
            Goods::ItemGroup(group) => {
                sql.push(
                    " AND l.item_id IN (SELECT id FROM items WHERE item_group_id IN \
                      (WITH RECURSIVE g AS (SELECT id FROM item_groups WHERE id = ",
                )
                .bind(Bind::Int(group))
                .push(
                    " UNION ALL SELECT x.id FROM item_groups x JOIN g ON x.parent_id = g.id) \
                      SELECT id FROM g))",
                );
            }
            Goods::Brand(brand) => {
                sql.push(" AND l.item_id IN (SELECT id FROM items WHERE brand_id = ")
                    .bind(Bind::Int(brand))
                    .push(")");
            }
        }
        sql.push(")");
    }
    if let Some(used) = filters.used_offer {
        sql.push(
            " AND c.id IN (SELECT i.customer_id FROM invoice_offers o \
              JOIN invoices i ON i.id = o.invoice_id WHERE o.offer_id = ",
        )
        .bind(Bind::Int(used.what))
        .push(" AND");
        sales(sql, used.days);
        sql.push(")");
    }
    if let Some(used) = filters.used_coupon {
        sql.push(
            " AND c.id IN (SELECT i.customer_id FROM coupon_redemptions r \
              JOIN invoices i ON i.id = r.invoice_id WHERE r.released_at IS NULL AND r.coupon_id = ",
        )
        .bind(Bind::Int(used.what))
        .push(" AND");
        sales(sql, used.days);
        sql.push(")");
    }
}

fn referrals_and_coupons(sql: &mut Sql, filters: &Filters, today: NaiveDate) {
    match filters.referred {
        Some(true) => {
            sql.push(" AND c.id IN (SELECT customer_id FROM referral_registrations)");
        }
        Some(false) => {
            sql.push(" AND c.id NOT IN (SELECT customer_id FROM referral_registrations)");
        }
        None => {}
    }
    if let Some(n) = filters.referrer_of {
        sql.push(
            " AND c.id IN (SELECT referrer_id FROM referral_registrations \
              GROUP BY referrer_id HAVING count(*) >= ",
        )
        .bind(Bind::Int(i64::from(n)))
        .push(")");
    }
    if let Some(offer) = filters.unused_coupon_of_offer {
        sql.push(
            " AND c.id IN (SELECT customer_id FROM coupons WHERE customer_id IS NOT NULL \
              AND NOT disabled AND (maximum_use = 0 OR used < maximum_use) AND offer_id = ",
        )
        .bind(Bind::Int(offer))
        .push(" AND (valid_upto IS NULL OR valid_upto >= ")
        .bind(Bind::Day(today))
        .push("))");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_filter_is_every_active_named_customer_and_values_are_bound() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let none = members(&Filters::default(), 1, today);
        assert!(
            none.text()
                .ends_with("WHERE default_customer_id IS NOT NULL)")
        );
        let f = Filters {
            lapsed_days: Some(90),
            sales_max: Some(2),
            birthday_month: Some(3),
            ..Filters::default()
        };
        let sql = members(&f, 1, today);
        assert!(sql.text().contains("last_purchase < $2"), "{}", sql.text());
        assert!(
            sql.text()
                .contains("AND c.id NOT IN (SELECT customer_id FROM rollup_customer_days")
        );
        assert!(sql.text().contains("sum(sales) > $5"), "{}", sql.text());
        assert!(sql.text().ends_with("extract(month FROM c.birthday) = $6"));
    }
}
