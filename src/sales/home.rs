//! A supervisor's home page: the latest sales at their store today (the sales figures themselves
//! come from the reports' rollups, `reports::home`).

use askama::Template;
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Numeric, Text, Timestamptz};
use rust_decimal::Decimal;

use super::list::Currencies;
use crate::web::AppError;
use crate::web::tiles::{HomeRequest, HomeTile, Tile};

/// The latest sales at the supervisor's store today.
pub struct LatestSales;

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

impl HomeTile for LatestSales {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &HomeRequest,
    ) -> Result<Vec<Tile>, AppError> {
        let Some(store_id) = request.own_store() else {
            return Ok(Vec::new());
        };
        let mut currencies = Currencies::default();
        Ok(vec![recent_card(conn, &mut currencies, request, store_id)?])
    }
}
