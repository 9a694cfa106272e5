//! The sales figures on the home page, read from the rollups: sales today and this month, each
//! against the same days of last month, for HQ and marketing (the chain) or a supervisor (their
//! store), and the month's five best customers; each a link into its report.

use askama::Template;
use chrono::{Datelike, Months, NaiveDate};
use diesel::PgConnection;
use patron_rules::Currency;
use patron_rules::users::Permission;
use rust_decimal::Decimal;

use super::model::home::{self, Takings, TopCustomer};
use crate::stores::model as stores;
use crate::web::AppError;
use crate::web::format::count;
use crate::web::tiles::{Figure, HomeRequest, HomeTile, Tile};

/// Sales to date and the month's best customers.
pub struct SalesToDate;

/// The same day of the month before (the month's last day when it is shorter).
fn month_before(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(Months::new(1)).unwrap_or(day)
}

/// "up 12% on 6 Nov", "down 3% on 1–6 Nov", "none on 6 Nov" (nothing to compare with).
fn against(now: Decimal, before: Decimal, when: &str) -> String {
    if before <= Decimal::ZERO {
        return format!("nothing on {when}");
    }
    let change = ((now - before) / before * Decimal::ONE_HUNDRED).round();
    match change.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Greater => format!("up {change}% on {when}"),
        std::cmp::Ordering::Less => format!("down {}% on {when}", change.abs()),
        std::cmp::Ordering::Equal => format!("as on {when}"),
    }
}

fn sales_word(n: i64) -> String {
    match n {
        1 => "1 sale".into(),
        n => format!("{} sales", count(n)),
    }
}

fn figure(
    currency: &Currency,
    now: Takings,
    before: Takings,
    when: &str,
    label: String,
    href: String,
) -> Tile {
    Tile::Figure(Figure {
        value: currency.format(now.net_sales),
        label,
        detail: Some(format!(
            "{} · {}",
            sales_word(now.sales),
            against(now.net_sales, before.net_sales, when)
        )),
        href: Some(href),
    })
}

#[derive(Template)]
#[template(path = "reports/home_top.html")]
struct TopCard {
    month: String,
    customers: Vec<(TopCustomer, String)>,
    href: String,
}

impl HomeTile for SalesToDate {
    fn reads_reports(&self) -> bool {
        true
    }

    fn render(
        &self,
        conn: &mut PgConnection,
        request: &HomeRequest,
    ) -> Result<Vec<Tile>, AppError> {
        let store = request.own_store();
        if store.is_none() && !request.can(Permission::ReportsView) {
            return Ok(Vec::new());
        }
        let Some(company) = stores::company_of(conn, store)? else {
            return Ok(Vec::new());
        };
        let currency = stores::company_currency(conn, company.id)?;
        let today = request.today;
        let month_start = today.with_day(1).unwrap_or(today);
        let (last_today, last_start) = (month_before(today), month_before(month_start));
        let takings =
            |conn: &mut PgConnection, from, to| home::takings(conn, company.id, from, to, store);
        let day_now = takings(conn, today, today)?;
        let day_before = takings(conn, last_today, last_today)?;
        let month_now = takings(conn, month_start, today)?;
        let month_before = takings(conn, last_start, last_today)?;
        let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let link =
            |from: NaiveDate| format!("/reports/stores?from={}&to={}", iso(from), iso(today));
        let mut tiles = vec![
            figure(
                &currency,
                day_now,
                day_before,
                &last_today.format("%-d %b").to_string(),
                if store.is_some() {
                    "sales today at your store".into()
                } else {
                    "sales today".into()
                },
                link(today),
            ),
            figure(
                &currency,
                month_now,
                month_before,
                &format!(
                    "{}–{}",
                    last_start.format("%-d"),
                    last_today.format("%-d %b")
                ),
                format!("sales in {}", today.format("%B")),
                link(month_start),
            ),
        ];
        let top = home::top_customers(conn, company.id, month_start, store, 5)?;
        if !top.is_empty() {
            tiles.push(Tile::Card(crate::web::tiles::html(&TopCard {
                month: today.format("%B").to_string(),
                customers: top
                    .into_iter()
                    .map(|c| {
                        let amount = currency.format(c.net_sales);
                        (c, amount)
                    })
                    .collect(),
                href: format!(
                    "/reports/customers?from={}&to={}",
                    iso(month_start),
                    iso(today)
                ),
            })?));
        }
        Ok(tiles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_says_how_it_compares_with_last_month() {
        let d = |n: i64| Decimal::from(n);
        assert_eq!(against(d(112), d(100), "6 Nov"), "up 12% on 6 Nov");
        assert_eq!(against(d(97), d(100), "1–6 Nov"), "down 3% on 1–6 Nov");
        assert_eq!(against(d(50), d(0), "6 Nov"), "nothing on 6 Nov");
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(month_before(day("2026-03-31")), day("2026-02-28"));
    }
}
