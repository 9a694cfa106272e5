//! A customer's sales history as their page shows it: newest first, 25 at a time, filtered by
//! store and date range, with a link to older sales (keyset on posted_at and id, never OFFSET).

use chrono::{DateTime, Datelike, Utc};
use diesel::PgConnection;
use diesel::QueryResult;
use patron_rules::{Clock, Currency};

use super::chart::{self, Chart, Month};
use super::model;
use super::model::history::HistoryFilter;
use crate::stores::model as stores;
use crate::web::FieldErrors;
use crate::web::date_range::read_dates;

/// Sales per page.
pub const PAGE: i64 = 25;

/// One sale, ready to show.
#[derive(Debug, Clone)]
pub struct SaleLine {
    /// The invoice's uuid.
    pub id: String,
    /// Date.
    pub date: String,
    /// Store name (the customer page names stores, never codes them alone).
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
    /// Store id: a store supervisor opens only their own store's invoices.
    pub store_id: i64,
}

/// A page of history.
#[derive(Debug, Clone, Default)]
pub struct SalesHistory {
    /// The sales.
    pub rows: Vec<SaleLine>,
    /// The `before` value of the next page, when there is one.
    pub older: Option<String>,
    /// Their monthly spend over the last 24 months, when they bought anything in that time.
    pub chart: Option<Chart>,
}

/// The history's filters as they arrive in the customer page's query string (empty = any).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct HistoryQuery {
    /// Store id.
    pub store: String,
    /// First day, 2026-11-23.
    pub from: String,
    /// Last day.
    pub to: String,
    /// The page cursor.
    pub before: String,
}

impl HistoryQuery {
    /// The filter, its days read on `clock`; bad dates are left out and explained in `errors`.
    pub fn read(&self, clock: Clock, errors: &mut FieldErrors) -> HistoryFilter {
        let (from, to) = read_dates(&self.from, &self.to, errors);
        HistoryFilter {
            store_id: self.store.trim().parse().ok(),
            from,
            to,
            before: parse_before(self.before.trim()),
            clock,
        }
    }

    /// Whether any filter beyond paging is set.
    pub fn is_filtered(&self) -> bool {
        !(self.store.trim().is_empty() && self.from.trim().is_empty() && self.to.trim().is_empty())
    }

    /// The customer page's link to the sales before `before`, keeping the filters.
    pub fn older_link(&self, customer_id: i64, before: &str) -> String {
        let next = HistoryQuery {
            before: before.to_owned(),
            ..self.clone()
        };
        format!(
            "/customers/{customer_id}?{}",
            serde_urlencoded::to_string(&next).unwrap_or_default()
        )
    }
}

/// Reads `before` as sent back by the page ("2026-11-20T14:03:00Z,42").
pub fn parse_before(raw: &str) -> Option<(DateTime<Utc>, i64)> {
    let (at, id) = raw.split_once(',')?;
    Some((
        DateTime::parse_from_rfc3339(at).ok()?.to_utc(),
        id.parse().ok()?,
    ))
}

/// The page of customer `customer_id`'s sales that `filter` picks.
pub fn page(
    conn: &mut PgConnection,
    customer_id: i64,
    filter: &HistoryFilter,
) -> QueryResult<SalesHistory> {
    let mut rows = model::history::history(conn, customer_id, filter, PAGE + 1)?;
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
            date: filter.clock.day(row.posted_at),
            store: row.store,
            number: row.number,
            discount: currency.format(row.discount_amount),
            grand_total: currency.format(row.grand_total),
            coupons: row.coupon_codes.join(", "),
            store_id: row.store_id,
            status: match (row.status.as_str(), row.is_return) {
                ("cancelled", _) => "Cancelled",
                (_, true) => "Return",
                _ => "Submitted",
            },
        });
    }
    let today = filter.clock.date(Utc::now());
    let current = Month {
        year: today.year(),
        month: today.month(),
    };
    let since = current.window(chart::MONTHS)[0];
    let spend = monthly_spend(conn, customer_id, since, filter.clock)?;
    let currency = match currencies.first() {
        Some(currency) => currency.clone(),
        None => latest_sale_currency(conn, customer_id)?.unwrap_or_else(Currency::usd),
    };
    Ok(SalesHistory {
        rows: lines,
        older,
        chart: chart::chart(current, &spend, &currency),
    })
}

/// The currency of customer `customer_id`'s latest sale, if they have one.
fn latest_sale_currency(
    conn: &mut PgConnection,
    customer_id: i64,
) -> QueryResult<Option<Currency>> {
    match model::history::history(conn, customer_id, &HistoryFilter::default(), 1)?.first() {
        Some(row) => stores::currency(conn, &row.currency_code),
        None => Ok(None),
    }
}

/// The currency a customer's account reads in: that of their latest sale, else their origin
/// store's company's, else dollars.
pub fn customer_currency(
    conn: &mut PgConnection,
    customer_id: i64,
    origin_store_id: Option<i64>,
) -> QueryResult<Currency> {
    if let Some(currency) = latest_sale_currency(conn, customer_id)? {
        return Ok(currency);
    }
    match origin_store_id {
        Some(store) => Ok(stores::warehouse_and_currency(conn, store)?.1),
        None => Ok(Currency::usd()),
    }
}

/// Customer `customer_id`'s net spend per month of the company's calendar (`clock`) from the
/// start of `since`: grand totals of invoices that stand, returns negative (read on
/// `invoices_customer_idx`).
pub fn monthly_spend(
    conn: &mut PgConnection,
    customer_id: i64,
    since: Month,
    clock: Clock,
) -> QueryResult<Vec<(Month, rust_decimal::Decimal)>> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Integer, Numeric, Text, Timestamptz};

    #[derive(diesel::QueryableByName)]
    struct Bucket {
        #[diesel(sql_type = Integer)]
        year: i32,
        #[diesel(sql_type = Integer)]
        month: i32,
        #[diesel(sql_type = Numeric)]
        total: rust_decimal::Decimal,
    }
    let start = chrono::NaiveDate::from_ymd_opt(since.year, since.month, 1)
        .map(|day| clock.start_of(day))
        .unwrap_or_default();
    let buckets: Vec<Bucket> = diesel::sql_query(
        "SELECT extract(year FROM posted_at AT TIME ZONE $3)::int AS year, \
                extract(month FROM posted_at AT TIME ZONE $3)::int AS month, \
                sum(grand_total) AS total \
         FROM invoices \
         WHERE customer_id = $1 AND posted_at >= $2 AND status = 'submitted' \
         GROUP BY 1, 2",
    )
    .bind::<BigInt, _>(customer_id)
    .bind::<Timestamptz, _>(start)
    .bind::<Text, _>(clock.zone_name())
    .load(conn)?;
    Ok(buckets
        .into_iter()
        .map(|b| {
            (
                Month {
                    year: b.year,
                    month: u32::try_from(b.month).unwrap_or(1),
                },
                b.total,
            )
        })
        .collect())
}

/// What a customer has bought over all time, in one currency.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Lifetime {
    /// The currency of the invoices.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub currency_code: String,
    /// Grand totals of the invoices that stand, returns taken off.
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    pub spend: rust_decimal::Decimal,
    /// Sales that stand (returns and cancelled sales are no visit).
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub visits: i64,
    /// When the latest of them was made.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub last_visit: Option<DateTime<Utc>>,
}

/// Customer `customer_id`'s lifetime spend and visits per currency they bought in, in one
/// statement over `invoices_customer_idx`; empty when they never bought.
pub fn lifetime(conn: &mut PgConnection, customer_id: i64) -> QueryResult<Vec<Lifetime>> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;
    diesel::sql_query(
        "SELECT currency_code, sum(grand_total) AS spend, \
                count(*) FILTER (WHERE return_against_id IS NULL) AS visits, \
                max(posted_at) FILTER (WHERE return_against_id IS NULL) AS last_visit \
         FROM invoices WHERE customer_id = $1 AND status = 'submitted' \
         GROUP BY currency_code ORDER BY count(*) DESC, currency_code",
    )
    .bind::<BigInt, _>(customer_id)
    .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_older_link_keeps_the_filters() {
        let query = HistoryQuery {
            store: "3".into(),
            from: "2026-01-01".into(),
            to: String::new(),
            before: "ignored".into(),
        };
        assert_eq!(
            query.older_link(7, "2026-11-20T14:03:00Z,42"),
            "/customers/7?store=3&from=2026-01-01&to=&before=2026-11-20T14%3A03%3A00Z%2C42"
        );
        assert!(query.is_filtered());
        assert!(!HistoryQuery::default().is_filtered());
    }

    #[test]
    fn bad_dates_are_explained_and_left_out() {
        let mut errors = FieldErrors::new();
        let query = HistoryQuery {
            from: "2026-12-01".into(),
            to: "2026-11-01".into(),
            ..HistoryQuery::default()
        };
        let filter = query.read(Clock::UTC, &mut errors);
        assert_eq!(filter.from, NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(filter.to, None);
        assert_eq!(errors.get("to"), Some("To comes before From: swap them."));
    }

    #[test]
    fn the_older_link_reads_back() {
        let (at, id) = parse_before("2026-11-20T14:03:00+00:00,42").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-20T14:03:00+00:00");
        assert_eq!(id, 42);
        assert!(parse_before("yesterday,1").is_none());
        assert!(parse_before("2026-11-20T14:03:00Z").is_none());
    }
}
