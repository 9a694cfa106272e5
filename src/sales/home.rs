//! The sales figures on the home page: the chain's sales today and this month for HQ and
//! marketing, a supervisor's own store today with its latest sales.

use askama::Template;
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Numeric, Text, Timestamptz};
use patron_rules::money::Currency;
use patron_rules::users::Permission;
use rust_decimal::Decimal;

use crate::stores::model as stores;
use crate::web::AppError;
use crate::web::format::count;
use crate::web::tiles::{Figure, HomeRequest, HomeTile, Tile};

/// Sales today and this month (HQ, marketing) or at the supervisor's store today.
pub struct SalesFigures;

/// Submitted sales net of returns (a return's total is negative) since `since`, per currency.
#[derive(QueryableByName)]
struct Takings {
    #[diesel(sql_type = Text)]
    currency_code: String,
    #[diesel(sql_type = BigInt)]
    sales: i64,
    #[diesel(sql_type = Numeric)]
    total: Decimal,
}

fn takings(
    conn: &mut PgConnection,
    since: DateTime<Utc>,
    store: Option<i64>,
) -> QueryResult<Vec<Takings>> {
    diesel::sql_query(
        "SELECT currency_code, count(*) FILTER (WHERE return_against_id IS NULL) AS sales, \
                sum(grand_total) AS total \
         FROM invoices \
         WHERE posted_at >= $1 AND status = 'submitted' AND ($2::bigint IS NULL OR store_id = $2) \
         GROUP BY currency_code ORDER BY currency_code",
    )
    .bind::<Timestamptz, _>(since)
    .bind::<Nullable<BigInt>, _>(store)
    .load(conn)
}

/// The currencies the tile's amounts are in, each read once per page.
#[derive(Default)]
struct Currencies(Vec<Currency>);

impl Currencies {
    fn get(&mut self, conn: &mut PgConnection, code: &str) -> QueryResult<Currency> {
        if let Some(found) = self.0.iter().find(|c| c.code == code) {
            return Ok(found.clone());
        }
        let currency = stores::currency(conn, code)?.unwrap_or_else(Currency::usd);
        self.0.push(currency.clone());
        Ok(currency)
    }
}

/// One figure per currency sold in (one in practice); "no sales yet" reads as zero.
fn figures(
    conn: &mut PgConnection,
    currencies: &mut Currencies,
    rows: Vec<Takings>,
    label: &str,
    href: Option<String>,
) -> QueryResult<Vec<Tile>> {
    if rows.is_empty() {
        return Ok(vec![Tile::Figure(Figure {
            value: "0".into(),
            label: label.into(),
            detail: Some("no sales yet".into()),
            href,
        })]);
    }
    let mut tiles = Vec::new();
    for row in rows {
        let currency = currencies.get(conn, &row.currency_code)?;
        tiles.push(Tile::Figure(Figure {
            value: currency.format(row.total),
            label: label.into(),
            detail: Some(match row.sales {
                1 => "1 sale".into(),
                n => format!("{} sales", count(n)),
            }),
            href: href.clone(),
        }));
    }
    Ok(tiles)
}

/// A sale at the supervisor's store today.
#[derive(QueryableByName)]
struct RecentSale {
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Timestamptz)]
    posted_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    customer_id: i64,
    #[diesel(sql_type = Text)]
    customer_name: String,
    #[diesel(sql_type = Text)]
    currency_code: String,
    #[diesel(sql_type = Numeric)]
    grand_total: Decimal,
}

struct RecentLine {
    number: String,
    time: String,
    customer_id: i64,
    customer_name: String,
    total: String,
}

#[derive(Template)]
#[template(path = "sales/home_recent.html")]
struct RecentCard {
    store_name: String,
    sales: Vec<RecentLine>,
}

fn recent_card(
    conn: &mut PgConnection,
    currencies: &mut Currencies,
    request: &HomeRequest,
    store_id: i64,
) -> Result<Tile, AppError> {
    let rows: Vec<RecentSale> = diesel::sql_query(
        "SELECT i.number, i.posted_at, i.customer_id, trim(c.first_name || ' ' || c.last_name) AS customer_name, \
                i.currency_code, i.grand_total \
         FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE i.store_id = $1 AND i.posted_at >= $2 AND i.status = 'submitted' \
         ORDER BY i.posted_at DESC, i.id DESC LIMIT 8",
    )
    .bind::<BigInt, _>(store_id)
    .bind::<Timestamptz, _>(request.day_start)
    .load(conn)?;
    let mut sales = Vec::with_capacity(rows.len());
    for row in rows {
        let currency = currencies.get(conn, &row.currency_code)?;
        sales.push(RecentLine {
            number: row.number,
            time: request.clock.local_time(row.posted_at),
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            total: currency.format(row.grand_total),
        });
    }
    let html = crate::web::tiles::html(&RecentCard {
        store_name: request.store_name.clone().unwrap_or_default(),
        sales,
    })?;
    Ok(Tile::Card(html))
}

impl HomeTile for SalesFigures {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &HomeRequest,
    ) -> Result<Vec<Tile>, AppError> {
        let mut currencies = Currencies::default();
        if let Some(store_id) = request.own_store() {
            let today = takings(conn, request.day_start, Some(store_id))?;
            let mut tiles = figures(
                conn,
                &mut currencies,
                today,
                "sales today at your store",
                None,
            )?;
            tiles.push(recent_card(conn, &mut currencies, request, store_id)?);
            return Ok(tiles);
        }
        if !request.can(Permission::ReportsView) {
            return Ok(Vec::new());
        }
        let today = takings(conn, request.day_start, None)?;
        let month = takings(conn, request.month_start, None)?;
        let mut tiles = figures(
            conn,
            &mut currencies,
            today,
            "sales today",
            Some("/invoices".into()),
        )?;
        tiles.extend(figures(
            conn,
            &mut currencies,
            month,
            &format!("sales in {}", request.today.format("%B")),
            Some(format!(
                "/invoices?from={}",
                request.month_start.format("%Y-%m-%d")
            )),
        )?);
        Ok(tiles)
    }
}
