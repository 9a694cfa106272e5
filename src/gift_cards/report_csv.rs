//! The liability report's sections as CSV, as of the report's day (`/reports/gift-cards/
//! {movements,months,customers,expiring,breakage}.csv?as_of=`), and what the page and the files
//! share: rows priced in their company's currency and how a customer is named.

use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::Currency;
use patron_rules::gift_cards::liability::month_start;

use super::model::queries::Currencies;
use super::report::{self, CustomerRow, WINDOWS, Whose, plain};
use super::report_months::{self, MonthRow, Totals};
use crate::web::AppError;
use crate::web::stream::csv_bytes;

/// The rows `load` reads, each with its company's currency (one query per currency, cached).
pub fn priced<R: Whose>(
    conn: &mut PgConnection,
    currencies: &mut Currencies,
    load: impl FnOnce(&mut PgConnection) -> diesel::QueryResult<Vec<R>>,
) -> Result<Vec<(R, Currency)>, AppError> {
    let rows = load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let currency = currencies.get(conn, &row.whose().currency_code)?;
        out.push((row, currency));
    }
    Ok(out)
}

/// The months of issue at the close of `day`, with their part in its month's movements, priced.
pub fn months(
    conn: &mut PgConnection,
    currencies: &mut Currencies,
    day: NaiveDate,
) -> Result<Vec<(MonthRow, Currency)>, AppError> {
    priced(conn, currencies, |conn| {
        report_months::by_month(conn, month_start(day), day)
    })
}

/// CSV rows of `rows`: each its company and currency, then its `cells`.
fn lines<R: Whose>(
    rows: &[(R, Currency)],
    cells: impl Fn(&R, &Currency) -> Vec<String>,
) -> Vec<Vec<String>> {
    rows.iter()
        .map(|(row, currency)| {
            let head = row.whose();
            let mut line = vec![head.company.clone(), head.currency_code.clone()];
            line.extend(cells(row, currency));
            line
        })
        .collect()
}

/// Each company's totals with its currency, summed from its months.
pub fn priced_totals(months: &[(MonthRow, Currency)]) -> Vec<(Totals, Currency)> {
    let rows: Vec<MonthRow> = months.iter().map(|(row, _)| row.clone()).collect();
    report_months::totals(&rows)
        .into_iter()
        .map(|total| {
            let currency = months
                .iter()
                .find(|(row, _)| row.head == total.head)
                .map_or_else(Currency::usd, |(_, currency)| currency.clone());
            (total, currency)
        })
        .collect()
}

/// "Ana Lima (CUST-00002)", the code alone without a name, "No customer" for cards of nobody.
pub fn customer_name(row: &CustomerRow) -> String {
    match (&row.code, &row.name) {
        (None, _) => "No customer".into(),
        (Some(code), Some(name)) => format!("{name} ({code})"),
        (Some(code), None) => code.clone(),
    }
}

/// Columns of each section's CSV.
const MOVEMENT_COLUMNS: [&str; 12] = [
    "Company",
    "Currency",
    "From",
    "To",
    "Opening Balance",
    "Issued",
    "Topped Up",
    "Spent",
    "Refunded",
    "Adjusted",
    "Expired",
    "Closing Balance",
];
const MONTH_COLUMNS: [&str; 6] = [
    "Company",
    "Currency",
    "Month Issued",
    "Cards",
    "Issued Value",
    "Outstanding",
];
const CUSTOMER_COLUMNS: [&str; 6] = [
    "Company",
    "Currency",
    "Customer Code",
    "Customer",
    "Cards",
    "Outstanding",
];
const EXPIRING_COLUMNS: [&str; 8] = [
    "Company",
    "Currency",
    "Card",
    "Customer Code",
    "Valid Upto",
    "Days Left",
    "Within",
    "Balance",
];
const BREAKAGE_COLUMNS: [&str; 5] = ["Company", "Currency", "Month Expired", "Cards", "Breakage"];

/// The smallest window `days_left` falls in ("30 days").
fn within(days_left: i64) -> String {
    WINDOWS
        .iter()
        .find(|w| days_left <= **w)
        .map_or_else(String::new, |w| format!("{w} days"))
}

/// Section `section` as of the close of `day`, as CSV.
pub fn section_csv(
    conn: &mut PgConnection,
    section: &str,
    day: NaiveDate,
) -> Result<Vec<u8>, AppError> {
    let mut c = Currencies::default();
    let (columns, rows): (&[&str], Vec<Vec<String>>) = match section {
        "movements" => (
            &MOVEMENT_COLUMNS,
            priced_totals(&months(conn, &mut c, day)?)
                .iter()
                .map(|(t, cur)| {
                    let mut row = vec![
                        t.head.company.clone(),
                        t.head.currency_code.clone(),
                        month_start(day).to_string(),
                        day.to_string(),
                    ];
                    // Signed as the page shows them: Spent and Expired take away.
                    row.extend(
                        t.movements
                            .lines()
                            .iter()
                            .map(|(_, amount)| plain(*amount, cur)),
                    );
                    row
                })
                .collect(),
        ),
        "months" => (
            &MONTH_COLUMNS,
            lines(&months(conn, &mut c, day)?, |r, cur| {
                vec![
                    r.month.format("%Y-%m").to_string(),
                    r.cards.to_string(),
                    plain(r.issued, cur),
                    plain(r.outstanding, cur),
                ]
            }),
        ),
        "customers" => (
            &CUSTOMER_COLUMNS,
            lines(
                &priced(conn, &mut c, |conn| {
                    report::by_customer(conn, day, i64::MAX)
                })?,
                |r, cur| {
                    vec![
                        r.code.clone().unwrap_or_default(),
                        r.name.clone().unwrap_or_else(|| customer_name(r)),
                        r.cards.to_string(),
                        plain(r.outstanding, cur),
                    ]
                },
            ),
        ),
        "expiring" => (
            &EXPIRING_COLUMNS,
            lines(
                &priced(conn, &mut c, |conn| report::expiring(conn, day))?,
                |r, cur| {
                    vec![
                        r.masked(),
                        r.customer_code.clone().unwrap_or_default(),
                        r.valid_upto.to_string(),
                        r.days_left(day).to_string(),
                        within(r.days_left(day)),
                        plain(r.balance, cur),
                    ]
                },
            ),
        ),
        _ => (
            &BREAKAGE_COLUMNS,
            lines(
                &priced(conn, &mut c, |conn| report::breakage(conn, day))?,
                |r, cur| {
                    vec![
                        r.month.format("%Y-%m").to_string(),
                        r.cards.to_string(),
                        plain(r.breakage, cur),
                    ]
                },
            ),
        ),
    };
    csv_bytes(columns, rows).map_err(|e| AppError::Internal(e.to_string()))
}
