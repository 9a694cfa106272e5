//! A segment's filters as SQL over `customer_facts f` (one narrow row per company and
//! customer, see migration `customer_facts`): active customers only, the stores' Walk-in
//! customers never, each filter one condition (AND). Recency and the customer's own columns are
//! columns of the facts; sales and spend over a period read the facts' stored year corrected by
//! the days where the period differs (`patron_rules::period_sums`), or the daily rollups when
//! that is cheaper; RFM reads `customer_rfm`; the rest read their own tables. Every value is
//! bound, never spliced.

use chrono::{Duration, NaiveDate};
use patron_rules::period_sums::{self, PeriodSum};
use patron_rules::segments::{DEFAULT_DAYS, Filters, Goods, Origin, Scores};

use crate::db::sql::{Bind, Sql};

/// Whose segment, on which day, and where the facts' stored year ends (`facts::scope`).
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    /// The company.
    pub company: i64,
    /// Its business day.
    pub today: NaiveDate,
    /// The last day of the facts' stored year (none: no stored year).
    pub year_end: Option<NaiveDate>,
}

/// The customers of a company's segment: `SELECT f.customer_id AS id FROM customer_facts f ...`.
pub fn members(filters: &Filters, scope: &Scope) -> Sql {
    let mut sql = Sql::default();
    push_members(&mut sql, filters, scope);
    sql
}

/// Appends `members(filters, scope)` to `sql` (its binds numbered after `sql`'s).
pub fn push_members(sql: &mut Sql, filters: &Filters, scope: &Scope) {
    let co = Bind::Int(scope.company);
    let today = scope.today;
    let days = |d: Option<u32>| d.unwrap_or(DEFAULT_DAYS);
    let sales = Counted {
        stored: "year_sales",
        rollup: "sales",
        alias: "ds",
        min: filters.sales_min.map(|n| Bind::Int(i64::from(n))),
        max: filters.sales_max.map(|n| Bind::Int(i64::from(n))),
        plan: period_sums::plan(today, days(filters.sales_days), scope.year_end),
    };
    let spent = Counted {
        stored: "year_net_sales",
        rollup: "net_sales",
        alias: "dm",
        min: filters.spent_min.map(Bind::Amount),
        max: filters.spent_max.map(Bind::Amount),
        plan: period_sums::plan(today, days(filters.spent_days), scope.year_end),
    };
    sql.push("SELECT f.customer_id AS id FROM customer_facts f");
    sales.push_join(sql, &co);
    spent.push_join(sql, &co);
    sql.push(" WHERE f.company_id = ").bind(co.clone()).push(
        " AND f.active AND f.customer_id NOT IN (SELECT default_customer_id FROM pos_profiles \
              WHERE default_customer_id IS NOT NULL)",
    );
    if let Some(days) = filters.lapsed_days {
        sql.push(" AND f.last_purchase < ")
            .bind(Bind::Day(today - Duration::days(i64::from(days))));
    }
    if let Some(days) = filters.recent_days {
        sql.push(" AND f.last_purchase >= ")
            .bind(Bind::Day(today - Duration::days(i64::from(days) - 1)));
    }
    sales.push_condition(sql, &co, today);
    spent.push_condition(sql, &co, today);
    rfm(sql, &co, filters);
    if let Some(group) = filters.customer_group_id {
        sql.push(" AND f.customer_group_id IN (WITH RECURSIVE g AS (SELECT id FROM customer_groups WHERE id = ")
            .bind(Bind::Int(group))
            .push(" UNION ALL SELECT x.id FROM customer_groups x JOIN g ON x.parent_id = g.id) SELECT id FROM g)");
    }
    if let Some(territory) = filters.territory_id {
        sql.push(" AND f.territory_id IN (WITH RECURSIVE t AS (SELECT id FROM territories WHERE id = ")
            .bind(Bind::Int(territory))
            .push(" UNION ALL SELECT x.id FROM territories x JOIN t ON x.parent_id = t.id) SELECT id FROM t)");
    }
    match filters.origin {
        Some(Origin::Hq) => {
            sql.push(" AND f.origin_store_id IS NULL");
        }
        Some(Origin::Store(store)) => {
            sql.push(" AND f.origin_store_id = ").bind(Bind::Int(store));
        }
        None => {}
    }
    loyalty(sql, &co, filters, today);
    bought(sql, &co, filters, today);
    referrals_and_coupons(sql, filters, today);
    if let Some(month) = filters.birthday_month {
        sql.push(" AND f.birth_month = ")
            .bind(Bind::Int(i64::from(month)));
    }
}

/// A count or a sum of the customer's daily rollups over a period, kept between `min` and `max`.
struct Counted {
    /// Its column in the facts' stored year.
    stored: &'static str,
    /// Its column in `rollup_customer_days`.
    rollup: &'static str,
    /// The alias of the correction's join.
    alias: &'static str,
    min: Option<Bind>,
    max: Option<Bind>,
    plan: PeriodSum,
}

impl Counted {
    fn wanted(&self) -> bool {
        self.min.is_some() || self.max.is_some()
    }

    /// The stored year's correction, when there is one: `LEFT JOIN (...) alias` of each
    /// customer's rollups on the days where the period and the stored year differ, weighted +1
    /// for a day of the period, -1 for a day of the stored year.
    fn push_join(&self, sql: &mut Sql, company: &Bind) {
        let PeriodSum::Stored {
            period,
            stored,
            delta,
        } = &self.plan
        else {
            return;
        };
        if !self.wanted() || delta.is_empty() {
            return;
        }
        sql.push(&format!(
            " LEFT JOIN (SELECT customer_id, sum({} * ((day BETWEEN ",
            self.rollup
        ))
        .bind(Bind::Day(period.0))
        .push(" AND ")
        .bind(Bind::Day(period.1))
        .push(")::int - (day BETWEEN ")
        .bind(Bind::Day(stored.0))
        .push(" AND ")
        .bind(Bind::Day(stored.1))
        .push(")::int)) AS n FROM rollup_customer_days WHERE company_id = ")
        .bind(company.clone())
        .push(" AND (");
        for (i, (from, to)) in delta.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push("day BETWEEN ")
                .bind(Bind::Day(*from))
                .push(" AND ")
                .bind(Bind::Day(*to));
        }
        sql.push(&format!(
            ") GROUP BY customer_id) {a} ON {a}.customer_id = f.customer_id",
            a = self.alias
        ));
    }

    fn push_condition(&self, sql: &mut Sql, company: &Bind, today: NaiveDate) {
        if !self.wanted() {
            return;
        }
        match &self.plan {
            PeriodSum::Stored { delta, .. } => {
                let value = if delta.is_empty() {
                    format!("f.{}", self.stored)
                } else {
                    format!("(f.{} + coalesce({}.n, 0))", self.stored, self.alias)
                };
                if let Some(min) = &self.min {
                    sql.push(&format!(" AND {value} >= ")).bind(min.clone());
                }
                if let Some(max) = &self.max {
                    sql.push(&format!(" AND {value} <= ")).bind(max.clone());
                }
            }
            PeriodSum::Direct { from } => {
                let total = format!("sum({})", self.rollup);
                let rows = |sql: &mut Sql| {
                    sql.push("SELECT customer_id FROM rollup_customer_days WHERE company_id = ")
                        .bind(company.clone())
                        .push(" AND day BETWEEN ")
                        .bind(Bind::Day(*from))
                        .push(" AND ")
                        .bind(Bind::Day(today))
                        .push(" GROUP BY customer_id HAVING ");
                };
                // A bound of "at most" alone keeps the customers with nothing in the period too.
                match (&self.min, &self.max) {
                    (Some(min), max) => {
                        sql.push(" AND f.customer_id IN (");
                        rows(sql);
                        sql.push(&total).push(" >= ").bind(min.clone());
                        if let Some(max) = max {
                            sql.push(" AND ")
                                .push(&total)
                                .push(" <= ")
                                .bind(max.clone());
                        }
                        sql.push(")");
                    }
                    (None, Some(max)) => {
                        sql.push(" AND f.customer_id NOT IN (");
                        rows(sql);
                        sql.push(&total).push(" > ").bind(max.clone()).push(")");
                    }
                    (None, None) => {}
                }
            }
        }
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
    sql.push(" AND f.customer_id IN (SELECT customer_id FROM customer_rfm WHERE company_id = ")
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
        sql.push(
            " AND f.customer_id IN (SELECT customer_id FROM loyalty_members WHERE program_id = ",
        )
        .bind(Bind::Int(program))
        .push(")");
    }
    if let Some(tier) = filters.loyalty_tier_id {
        // A member's tier: the highest whose Min Spent their spend in the program reaches, the
        // lowest when none is (as the loyalty report counts them).
        sql.push(
            " AND f.customer_id IN (SELECT m.customer_id FROM loyalty_members m \
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
                sql.push(" AND f.customer_id IN (");
                balance(sql);
                sql.push("sum(points) >= ").bind(Bind::Int(min));
                if let Some(max) = max {
                    sql.push(" AND sum(points) <= ").bind(Bind::Int(max));
                }
                sql.push(")");
            }
            (_, Some(max)) => {
                sql.push(" AND f.customer_id NOT IN (");
                balance(sql);
                sql.push("sum(points) > ").bind(Bind::Int(max)).push(")");
            }
            _ => {}
        }
    }
}

/// Bought, and used an offer or a coupon: sales in the period, not cancelled, not returns
/// (bought by business day, from `customer_goods` and its group and brand tables; the others
/// from the invoices).
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
        // Each customer's last day per item, item group and brand (migration
        // `customer_goods`), read from the period's first day on, index-only. A group counts
        // the rows of the groups below it too, found by their lineage here, so that moving a
        // group needs no upkeep.
        let (table, column, close, id) = match b.what {
            Goods::Item(id) => ("customer_goods", "item_id = ", "", id),
            Goods::ItemGroup(id) => (
                "customer_goods_groups",
                "item_group_id = ANY (ARRAY(SELECT id FROM item_groups WHERE lineage @> ARRAY[",
                "::bigint]))",
                id,
            ),
            Goods::Brand(id) => ("customer_goods_brands", "brand_id = ", "", id),
        };
        sql.push(&format!(
            " AND f.customer_id IN (SELECT customer_id FROM {table} WHERE company_id = "
        ))
        .bind(company.clone())
        .push(&format!(" AND {column}"))
        .bind(Bind::Int(id))
        .push(close);
        sql.push(" AND last_day >= ")
            .bind(Bind::Day(today - Duration::days(i64::from(b.days) - 1)))
            .push(")");
    }
    if let Some(used) = filters.used_offer {
        sql.push(
            " AND f.customer_id IN (SELECT i.customer_id FROM invoice_offers o \
              JOIN invoices i ON i.id = o.invoice_id WHERE o.offer_id = ",
        )
        .bind(Bind::Int(used.what))
        .push(" AND");
        sales(sql, used.days);
        sql.push(")");
    }
    if let Some(used) = filters.used_coupon {
        sql.push(
            " AND f.customer_id IN (SELECT i.customer_id FROM coupon_redemptions r \
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
            sql.push(" AND f.customer_id IN (SELECT customer_id FROM referral_registrations)");
        }
        Some(false) => {
            sql.push(" AND f.customer_id NOT IN (SELECT customer_id FROM referral_registrations)");
        }
        None => {}
    }
    if let Some(n) = filters.referrer_of {
        sql.push(
            " AND f.customer_id IN (SELECT referrer_id FROM referral_registrations \
              GROUP BY referrer_id HAVING count(*) >= ",
        )
        .bind(Bind::Int(i64::from(n)))
        .push(")");
    }
    if let Some(offer) = filters.unused_coupon_of_offer {
        sql.push(
            " AND f.customer_id IN (SELECT customer_id FROM coupons WHERE customer_id IS NOT NULL \
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
        let scope = |year_end| Scope {
            company: 1,
            today,
            year_end,
        };
        let none = members(&Filters::default(), &scope(None));
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
        // No stored year: the period's rollups, grouped.
        let sql = members(&f, &scope(None));
        assert!(sql.text().contains("last_purchase < $2"), "{}", sql.text());
        assert!(
            sql.text()
                .contains("AND f.customer_id NOT IN (SELECT customer_id FROM rollup_customer_days")
        );
        assert!(sql.text().contains("sum(sales) > $6"), "{}", sql.text());
        assert!(sql.text().ends_with("f.birth_month = $7"));
        // The stored year ends today: its column alone.
        let sql = members(&f, &scope(Some(today)));
        assert!(
            sql.text().contains("AND f.year_sales <= $3"),
            "{}",
            sql.text()
        );
        assert!(
            !sql.text().contains("rollup_customer_days"),
            "{}",
            sql.text()
        );
        // It ended two days ago: corrected by the days that differ, joined once.
        let sql = members(&f, &scope(Some(today - Duration::days(2))));
        assert!(
            sql.text()
                .contains("AND (f.year_sales + coalesce(ds.n, 0)) <= $"),
            "{}",
            sql.text()
        );
        assert_eq!(sql.text().matches("LEFT JOIN").count(), 1);
    }

    #[test]
    fn bought_reads_the_row_of_its_item_group_or_brand_from_the_periods_first_day() {
        let scope = Scope {
            company: 1,
            today: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            year_end: None,
        };
        for (what, table) in [
            (
                Goods::Item(7),
                "customer_goods WHERE company_id = $2 AND item_id = $3",
            ),
            (
                Goods::ItemGroup(7),
                "customer_goods_groups WHERE company_id = $2 AND item_group_id = ANY (ARRAY(\
                 SELECT id FROM item_groups WHERE lineage @> ARRAY[$3::bigint]))",
            ),
            (
                Goods::Brand(7),
                "customer_goods_brands WHERE company_id = $2 AND brand_id = $3",
            ),
        ] {
            let f = Filters {
                bought: Some(patron_rules::segments::Within { what, days: 30 }),
                ..Filters::default()
            };
            let sql = members(&f, &scope);
            assert!(
                sql.text().ends_with(&format!(
                    "AND f.customer_id IN (SELECT customer_id FROM {table} AND last_day >= $4)"
                )),
                "{}",
                sql.text()
            );
        }
    }
}
