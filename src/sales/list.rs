//! The invoices list (reports.view) and its CSV: every store's sales filtered by store, date
//! range, customer and status, newest first, keyset paged on (posted_at, id), never OFFSET.
//! Each filter has an index: store and customer lead their own, dates alone use the posted_at
//! index, cancelled invoices and returns have partial indexes of their own.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use patron_rules::{Clock, Currency};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::schema::{customers, invoices, stores};

/// Which invoices, by the badge they carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Every invoice.
    #[default]
    All,
    /// Sales that stand (not cancelled, not returns).
    Submitted,
    /// Cancelled invoices (sales and returns).
    Cancelled,
    /// Returns that stand.
    Return,
}

impl StatusFilter {
    /// Reads the query string's value; anything unknown is "all".
    pub fn parse(raw: &str) -> StatusFilter {
        match raw.trim() {
            "submitted" => StatusFilter::Submitted,
            "cancelled" => StatusFilter::Cancelled,
            "return" => StatusFilter::Return,
            _ => StatusFilter::All,
        }
    }
}

/// What the list shows.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    /// One store.
    pub store_id: Option<i64>,
    /// Sold on or after this day (the company's, as `clock` reads it).
    pub from: Option<NaiveDate>,
    /// Sold on or before this day (the company's).
    pub to: Option<NaiveDate>,
    /// The company's clock: where its days start.
    pub clock: Clock,
    /// One customer.
    pub customer_id: Option<i64>,
    /// By status.
    pub status: StatusFilter,
    /// Older than this (posted_at, id): the next page.
    pub before: Option<(DateTime<Utc>, i64)>,
    /// Newer than this (posted_at, id), read oldest first: the previous page.
    pub after: Option<(DateTime<Utc>, i64)>,
}

/// One invoice of the list.
#[derive(Debug, Clone, Queryable)]
pub struct ListRow {
    /// Id (the cursor with `posted_at`).
    pub id: i64,
    /// The till's uuid.
    pub uuid: Uuid,
    /// When sold.
    pub posted_at: DateTime<Utc>,
    /// Store code.
    pub store: String,
    /// The till's number.
    pub number: String,
    /// Customer code.
    pub customer_code: String,
    /// Customer first name.
    pub first_name: String,
    /// Customer last name.
    pub last_name: String,
    /// Net total.
    pub net_total: Decimal,
    /// Discounts.
    pub discount_amount: Decimal,
    /// Delivery charge.
    pub delivery_amount: Decimal,
    /// Grand total.
    pub grand_total: Decimal,
    /// Coupons used.
    pub coupon_codes: Vec<String>,
    /// submitted or cancelled.
    pub status: String,
    /// Whether it is a return.
    pub is_return: bool,
    /// Currency.
    pub currency_code: String,
}

impl ListRow {
    /// The customer's name.
    pub fn customer_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }

    /// The `before` value that pages past this row ("2026-11-20T14:03:00Z,42").
    pub fn cursor(&self) -> String {
        let at = self
            .posted_at
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        format!("{at},{}", self.id)
    }
}

/// Up to `limit` invoices matching `filter`, newest first (oldest first with `filter.after`).
pub fn list(
    conn: &mut PgConnection,
    filter: &InvoiceFilter,
    limit: i64,
) -> QueryResult<Vec<ListRow>> {
    let mut query = invoices::table
        .inner_join(stores::table)
        .inner_join(customers::table)
        .limit(limit)
        .select((
            invoices::id,
            invoices::uuid,
            invoices::posted_at,
            stores::code,
            invoices::number,
            customers::code,
            customers::first_name,
            customers::last_name,
            invoices::net_total,
            invoices::discount_amount,
            invoices::delivery_amount,
            invoices::grand_total,
            invoices::coupon_codes,
            invoices::status,
            invoices::return_against_id.is_not_null(),
            invoices::currency_code,
        ))
        .into_boxed();
    if let Some(store) = filter.store_id {
        query = query.filter(invoices::store_id.eq(store));
    }
    if let Some(customer) = filter.customer_id {
        query = query.filter(invoices::customer_id.eq(customer));
    }
    if let Some(from) = filter.from {
        query = query.filter(invoices::posted_at.ge(filter.clock.start_of(from)));
    }
    if let Some(to) = filter.to.and_then(|to| to.succ_opt()) {
        query = query.filter(invoices::posted_at.lt(filter.clock.start_of(to)));
    }
    // Literals, not binds, so that the planner matches the partial indexes.
    query = match filter.status {
        StatusFilter::All => query,
        StatusFilter::Submitted => query.filter(sql::<Bool>(
            "invoices.status = 'submitted' AND invoices.return_against_id IS NULL",
        )),
        StatusFilter::Cancelled => query.filter(sql::<Bool>("invoices.status = 'cancelled'")),
        StatusFilter::Return => query.filter(sql::<Bool>(
            "invoices.status = 'submitted' AND invoices.return_against_id IS NOT NULL",
        )),
    };
    if let Some((at, id)) = filter.before {
        query = query.filter(
            invoices::posted_at
                .lt(at)
                .or(invoices::posted_at.eq(at).and(invoices::id.lt(id))),
        );
    }
    if let Some((at, id)) = filter.after {
        query = query
            .filter(
                invoices::posted_at
                    .gt(at)
                    .or(invoices::posted_at.eq(at).and(invoices::id.gt(id))),
            )
            .order((invoices::posted_at.asc(), invoices::id.asc()));
    } else {
        query = query.order((invoices::posted_at.desc(), invoices::id.desc()));
    }
    query.load(conn)
}

/// Every store for the filter: (id, code, name), by name.
pub fn stores(conn: &mut PgConnection) -> QueryResult<Vec<(i64, String, String)>> {
    stores::table
        .order((stores::name.asc(), stores::id.asc()))
        .select((stores::id, stores::code, stores::name))
        .load(conn)
}

/// The currencies of the rows shown, each read once.
#[derive(Debug, Default)]
pub struct Currencies(Vec<Currency>);

impl Currencies {
    /// Currency `code` (dollars when the code is unknown).
    pub fn get(&mut self, conn: &mut PgConnection, code: &str) -> QueryResult<Currency> {
        if let Some(found) = self.0.iter().find(|c| c.code == code) {
            return Ok(found.clone());
        }
        let currency = crate::stores::model::currency(conn, code)?.unwrap_or_else(Currency::usd);
        self.0.push(currency.clone());
        Ok(currency)
    }
}

/// CSV column headers, in order.
pub const COLUMNS: [&str; 14] = [
    "Day",
    "Posted At",
    "Invoice",
    "Id",
    "Store",
    "Customer Code",
    "Customer",
    "Status",
    "Currency",
    "Net Total",
    "Discount",
    "Delivery Charge",
    "Grand Total",
    "Coupon Codes",
];

/// `rows` as CSV records (with the header when `header` is set), amounts rounded to their
/// currency without symbols, so that spreadsheets read them as numbers; the day is the business
/// day and the time the company's, with its UTC offset.
pub fn to_csv(
    conn: &mut PgConnection,
    clock: Clock,
    currencies: &mut Currencies,
    rows: &[ListRow],
    header: bool,
) -> Result<Vec<u8>, crate::web::AppError> {
    let failed = |e: csv::Error| crate::web::AppError::Internal(e.to_string());
    let mut file = crate::web::csv_file::CsvFile::new();
    if header {
        file.row(COLUMNS).map_err(failed)?;
    }
    for row in rows {
        let currency = currencies.get(conn, &row.currency_code)?;
        let amount = |a: Decimal| currency.round(a).to_string();
        file.row([
            clock.date(row.posted_at).format("%Y-%m-%d").to_string(),
            clock.iso(row.posted_at),
            row.number.clone(),
            row.uuid.to_string(),
            row.store.clone(),
            row.customer_code.clone(),
            row.customer_name(),
            patron_rules::sales::status_label(&row.status, row.is_return).to_owned(),
            row.currency_code.clone(),
            amount(row.net_total),
            amount(row.discount_amount),
            amount(row.delivery_amount),
            amount(row.grand_total),
            row.coupon_codes.join(" "),
        ])
        .map_err(failed)?;
    }
    file.bytes().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_from_the_query_string() {
        assert_eq!(StatusFilter::parse("cancelled"), StatusFilter::Cancelled);
        assert_eq!(StatusFilter::parse("return"), StatusFilter::Return);
        assert_eq!(StatusFilter::parse("submitted"), StatusFilter::Submitted);
        assert_eq!(StatusFilter::parse(""), StatusFilter::All);
        assert_eq!(StatusFilter::parse("nonsense"), StatusFilter::All);
    }
}
