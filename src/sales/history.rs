//! A customer's sales history as their page shows it: newest first, 25 at a time, with a link to
//! older sales (keyset on posted_at and id, never OFFSET).

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::QueryResult;

use super::model;
use crate::stores::model as stores;
use crate::stores::rules::Currency;

/// Sales per page.
pub const PAGE: i64 = 25;

/// One sale, ready to show.
#[derive(Debug, Clone)]
pub struct SaleLine {
    /// The invoice's uuid.
    pub id: String,
    /// Date.
    pub date: String,
    /// Store code.
    pub store: String,
    /// Invoice number.
    pub number: String,
    /// Discount.
    pub discount: String,
    /// Grand total.
    pub grand_total: String,
    /// Coupons, comma separated.
    pub coupons: String,
    /// "Submitted", "Cancelled", "Return".
    pub status: &'static str,
}

/// A page of history.
#[derive(Debug, Clone, Default)]
pub struct SalesHistory {
    /// The sales.
    pub rows: Vec<SaleLine>,
    /// The `before` value of the next page, when there is one.
    pub older: Option<String>,
    /// What the customer owes.
    pub outstanding: rust_decimal::Decimal,
}

/// Reads `before` as sent back by the page ("2026-11-20T14:03:00Z,42").
pub fn parse_before(raw: &str) -> Option<(DateTime<Utc>, i64)> {
    let (at, id) = raw.split_once(',')?;
    Some((
        DateTime::parse_from_rfc3339(at).ok()?.to_utc(),
        id.parse().ok()?,
    ))
}

/// The page of customer `customer_id`'s sales before `before`.
pub fn page(
    conn: &mut PgConnection,
    customer_id: i64,
    before: Option<(DateTime<Utc>, i64)>,
) -> QueryResult<SalesHistory> {
    let mut rows = model::history(conn, customer_id, before, PAGE + 1)?;
    let older = (rows.len() > PAGE as usize).then(|| {
        rows.truncate(PAGE as usize);
        rows.last()
            .map(|r| {
                let at = r
                    .posted_at
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                format!("{at},{}", r.id)
            })
            .unwrap_or_default()
    });
    let mut currencies: Vec<Currency> = Vec::new();
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let currency = match currencies.iter().find(|c| c.code == row.currency_code) {
            Some(currency) => currency.clone(),
            None => {
                let currency =
                    stores::currency(conn, &row.currency_code)?.unwrap_or_else(Currency::usd);
                currencies.push(currency.clone());
                currency
            }
        };
        lines.push(SaleLine {
            id: row.uuid.to_string(),
            date: row.posted_at.format("%-d %b %Y").to_string(),
            store: row.store,
            number: row.number,
            discount: currency.format(row.discount_amount),
            grand_total: currency.format(row.grand_total),
            coupons: row.coupon_codes.join(", "),
            status: match (row.status.as_str(), row.is_return) {
                ("cancelled", _) => "Cancelled",
                (_, true) => "Return",
                _ => "Submitted",
            },
        });
    }
    Ok(SalesHistory {
        rows: lines,
        older,
        outstanding: model::outstanding(conn, customer_id)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_older_link_reads_back() {
        let (at, id) = parse_before("2026-11-20T14:03:00+00:00,42").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-20T14:03:00+00:00");
        assert_eq!(id, 42);
        assert!(parse_before("yesterday,1").is_none());
        assert!(parse_before("2026-11-20T14:03:00Z").is_none());
    }
}
