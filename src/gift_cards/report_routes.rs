//! `GET /reports/gift-cards` (reports.view): the gift card liability report — what is owed in
//! all, by month of issue and by customer, the cards expiring in 30/60/90 days and breakage —
//! and each section as CSV (`/reports/gift-cards/{months,customers,expiring,breakage}.csv`).
//! Figures are as of today (UTC), the day sales' Valid Upto is read against.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::Currency;
use patron_rules::users::Permission;

use super::model::queries::Currencies;
use super::report::{
    self, BreakageRow, Company, CustomerRow, ExpiringRow, MonthRow, Summary, WINDOWS, plain,
};
use crate::state::AppState;
use crate::web::format::{self, count};
use crate::web::stream::{csv_bytes, csv_download};
use crate::web::{AppError, CurrentUser, PageCtx, render};

/// Customers the page lists (the CSV has them all).
const CUSTOMERS_SHOWN: i64 = 100;

/// Mounts the report and its CSVs.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports/gift-cards", web::get().to(index))
        .route(
            "/reports/gift-cards/{section:months|customers|expiring|breakage}.csv",
            web::get().to(download),
        );
}

/// A company's totals as shown.
struct SummaryView {
    company: String,
    cards: String,
    outstanding: String,
    expired_cards: String,
    breakage: String,
}

/// A row of a section as shown: its cells, amounts formatted.
struct Line {
    company: String,
    cells: Vec<String>,
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "gift_cards/report.html")]
struct ReportPage {
    ctx: PageCtx,
    today: String,
    /// The company's time zone, which decides the day.
    zone: &'static str,
    summary: Vec<SummaryView>,
    months: Vec<Line>,
    customers: Vec<Line>,
    windows: Vec<(String, Vec<String>)>,
    expiring: Vec<Line>,
    breakage: Vec<Line>,
    /// Whether the viewer may open the cards.
    opens_cards: bool,
}

/// Everything the page shows, priced in each company's currency.
struct Figures {
    summary: Vec<(Summary, Currency)>,
    months: Vec<(MonthRow, Currency)>,
    customers: Vec<(CustomerRow, Currency)>,
    expiring: Vec<(ExpiringRow, Currency)>,
    breakage: Vec<(BreakageRow, Currency)>,
}

/// The rows `load` reads, each with its company's currency.
fn priced<R>(
    conn: &mut PgConnection,
    currencies: &mut Currencies,
    load: impl FnOnce(&mut PgConnection) -> diesel::QueryResult<Vec<R>>,
    head: impl Fn(&R) -> &Company,
) -> Result<Vec<(R, Currency)>, AppError> {
    let rows = load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let currency = currencies.get(conn, &head(&row).currency_code)?;
        out.push((row, currency));
    }
    Ok(out)
}

fn figures(conn: &mut PgConnection, day: NaiveDate, customers: i64) -> Result<Figures, AppError> {
    let mut c = Currencies::default();
    Ok(Figures {
        summary: priced(conn, &mut c, |conn| report::summary(conn, day), |r| &r.head)?,
        months: priced(
            conn,
            &mut c,
            |conn| report::by_month(conn, day),
            |r| &r.head,
        )?,
        customers: priced(
            conn,
            &mut c,
            |conn| report::by_customer(conn, day, customers),
            |r| &r.head,
        )?,
        expiring: priced(
            conn,
            &mut c,
            |conn| report::expiring(conn, day),
            |r| &r.head,
        )?,
        breakage: priced(
            conn,
            &mut c,
            |conn| report::breakage(conn, day),
            |r| &r.head,
        )?,
    })
}

fn month(day: NaiveDate) -> String {
    day.format("%b %Y").to_string()
}

fn customer_name(row: &CustomerRow) -> String {
    match (&row.code, &row.name) {
        (None, _) => "No customer".into(),
        (Some(code), Some(name)) => format!("{name} ({code})"),
        (Some(code), None) => code.clone(),
    }
}

/// GET /reports/gift-cards.
async fn index(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let day = user.clock.today();
    let f = state
        .db
        .run(move |conn| figures(conn, day, CUSTOMERS_SHOWN))
        .await?;
    let opens_cards = user.can(Permission::GiftCardsManage);
    let page = ReportPage {
        ctx: user.page(),
        today: format::day(day),
        zone: user.clock.zone_name(),
        summary: f
            .summary
            .iter()
            .map(|(s, cur)| SummaryView {
                company: s.head.company.clone(),
                cards: count(s.cards),
                outstanding: cur.format(s.outstanding),
                expired_cards: count(s.expired_cards),
                breakage: cur.format(s.breakage),
            })
            .collect(),
        months: f
            .months
            .iter()
            .map(|(r, cur)| Line {
                company: r.head.company.clone(),
                cells: vec![
                    month(r.month),
                    count(r.cards),
                    cur.format(r.issued),
                    cur.format(r.outstanding),
                ],
                href: None,
            })
            .collect(),
        customers: f
            .customers
            .iter()
            .map(|(r, cur)| Line {
                company: r.head.company.clone(),
                cells: vec![customer_name(r), count(r.cards), cur.format(r.outstanding)],
                href: r.customer_id.map(|id| format!("/customers/{id}")),
            })
            .collect(),
        windows: {
            let rows: Vec<ExpiringRow> = f.expiring.iter().map(|(r, _)| r.clone()).collect();
            let mut shown = Vec::new();
            for (head, windows) in report::windows(&rows, day) {
                let cur = f
                    .expiring
                    .iter()
                    .find(|(r, _)| r.head == head)
                    .map_or_else(Currency::usd, |(_, cur)| cur.clone());
                shown.push((
                    head.company,
                    windows
                        .iter()
                        .map(|(cards, balance)| {
                            format!("{} on {}", cur.format(*balance), report::cards(*cards))
                        })
                        .collect(),
                ));
            }
            shown
        },
        expiring: f
            .expiring
            .iter()
            .map(|(r, cur)| Line {
                company: r.head.company.clone(),
                cells: vec![
                    r.masked(),
                    r.customer_code.clone().unwrap_or_default(),
                    format::day(r.valid_upto),
                    count(r.days_left(day)),
                    cur.format(r.balance),
                ],
                href: opens_cards.then(|| format!("/gift-cards/{}", r.id)),
            })
            .collect(),
        breakage: f
            .breakage
            .iter()
            .map(|(r, cur)| Line {
                company: r.head.company.clone(),
                cells: vec![month(r.month), count(r.cards), cur.format(r.breakage)],
                href: None,
            })
            .collect(),
        opens_cards,
    };
    render(&page)
}

/// Columns of each section's CSV.
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

/// Section `section` as CSV.
fn section_csv(
    conn: &mut PgConnection,
    section: &str,
    day: NaiveDate,
) -> Result<Vec<u8>, AppError> {
    let mut c = Currencies::default();
    let head = |h: &Company| vec![h.company.clone(), h.currency_code.clone()];
    let (columns, rows): (&[&str], Vec<Vec<String>>) = match section {
        "months" => (
            &MONTH_COLUMNS,
            priced(
                conn,
                &mut c,
                |conn| report::by_month(conn, day),
                |r| &r.head,
            )?
            .iter()
            .map(|(r, cur)| {
                let mut row = head(&r.head);
                row.extend([
                    r.month.format("%Y-%m").to_string(),
                    r.cards.to_string(),
                    plain(r.issued, cur),
                    plain(r.outstanding, cur),
                ]);
                row
            })
            .collect(),
        ),
        "customers" => (
            &CUSTOMER_COLUMNS,
            priced(
                conn,
                &mut c,
                |conn| report::by_customer(conn, day, i64::MAX),
                |r| &r.head,
            )?
            .iter()
            .map(|(r, cur)| {
                let mut row = head(&r.head);
                row.extend([
                    r.code.clone().unwrap_or_default(),
                    r.name.clone().unwrap_or_else(|| customer_name(r)),
                    r.cards.to_string(),
                    plain(r.outstanding, cur),
                ]);
                row
            })
            .collect(),
        ),
        "expiring" => (
            &EXPIRING_COLUMNS,
            priced(
                conn,
                &mut c,
                |conn| report::expiring(conn, day),
                |r| &r.head,
            )?
            .iter()
            .map(|(r, cur)| {
                let mut row = head(&r.head);
                row.extend([
                    r.masked(),
                    r.customer_code.clone().unwrap_or_default(),
                    r.valid_upto.to_string(),
                    r.days_left(day).to_string(),
                    within(r.days_left(day)),
                    plain(r.balance, cur),
                ]);
                row
            })
            .collect(),
        ),
        _ => (
            &BREAKAGE_COLUMNS,
            priced(
                conn,
                &mut c,
                |conn| report::breakage(conn, day),
                |r| &r.head,
            )?
            .iter()
            .map(|(r, cur)| {
                let mut row = head(&r.head);
                row.extend([
                    r.month.format("%Y-%m").to_string(),
                    r.cards.to_string(),
                    plain(r.breakage, cur),
                ]);
                row
            })
            .collect(),
        ),
    };
    csv_bytes(columns, rows).map_err(|e| AppError::Internal(e.to_string()))
}

/// GET /reports/gift-cards/{section}.csv.
async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    section: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let section = section.into_inner();
    let day = user.clock.today();
    let file = format!("gift-cards-{section}-{}.csv", day.format("%Y-%m-%d"));
    let mut once = Some(section);
    Ok(csv_download(
        state.db.pool().clone(),
        &file,
        move |conn| match once.take() {
            Some(section) => section_csv(conn, &section, day).map(|bytes| Some(bytes.into())),
            None => Ok(None),
        },
    ))
}
