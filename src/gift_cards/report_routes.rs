//! `GET /reports/gift-cards?as_of=` (reports.view): the gift card liability report as of the
//! close of a day (today unless chosen; never a day to come) — the month's movements from the
//! opening balance to the closing one, what is owed in all, by month of issue and by customer,
//! the cards expiring in the next 30/60/90 days and breakage — and each section as CSV of the
//! same day (`report_csv`). Days are the company's.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::Currency;
use patron_rules::gift_cards::liability::{self, month_ends_before, month_start};
use patron_rules::users::Permission;
use serde::Deserialize;

use super::model::queries::Currencies;
use super::report::{self, BreakageRow, CustomerRow, ExpiringRow};
use super::report_csv::{customer_name, months, priced, priced_totals, section_csv};
use super::report_months::{MonthRow, Totals};
use crate::state::AppState;
use crate::web::format::{self, count};
use crate::web::stream::csv_download;
use crate::web::{AppError, CurrentUser, FieldErrors, PageCtx, render};

/// Customers the page lists (the CSV has them all).
const CUSTOMERS_SHOWN: i64 = 100;

/// Month ends the page offers as quick links.
const MONTH_ENDS: usize = 3;

/// Mounts the report and its CSVs.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports/gift-cards", web::get().to(index))
        .route(
            "/reports/gift-cards/{section:movements|months|customers|expiring|breakage}.csv",
            web::get().to(download),
        );
}

/// The query string: the day the report is as of (YYYY-MM-DD; empty: today).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AsOfQuery {
    as_of: String,
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

/// A company's movements as shown: each line's label and signed amount.
struct MovementView {
    company: String,
    lines: Vec<(&'static str, String)>,
}

/// A quick link to another day: its address, its words, and whether it is the day shown.
struct DayLink {
    href: String,
    label: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "gift_cards/report.html")]
struct ReportPage {
    ctx: PageCtx,
    /// The day as the field holds it (YYYY-MM-DD), or what was typed when it was refused.
    as_of: String,
    /// The day in words ("30 Nov 2026").
    day: String,
    /// Whether that day is today (its figures are so far).
    is_today: bool,
    /// The movements' first day in words.
    month_from: String,
    /// The query string the CSV links carry ("?as_of=2026-11-30").
    csv_query: String,
    days: Vec<DayLink>,
    errors: FieldErrors,
    /// The company's time zone, which decides the day.
    zone: &'static str,
    movements: Vec<MovementView>,
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
    totals: Vec<(Totals, Currency)>,
    months: Vec<(MonthRow, Currency)>,
    customers: Vec<(CustomerRow, Currency)>,
    expiring: Vec<(ExpiringRow, Currency)>,
    breakage: Vec<(BreakageRow, Currency)>,
}

fn figures(conn: &mut PgConnection, day: NaiveDate, customers: i64) -> Result<Figures, AppError> {
    let mut c = Currencies::default();
    let months = months(conn, &mut c, day)?;
    Ok(Figures {
        totals: priced_totals(&months),
        months,
        customers: priced(&mut *conn, &mut c, |conn| {
            report::by_customer(conn, day, customers)
        })?,
        expiring: priced(&mut *conn, &mut c, |conn| report::expiring(conn, day))?,
        breakage: priced(&mut *conn, &mut c, |conn| report::breakage(conn, day))?,
    })
}

fn month(day: NaiveDate) -> String {
    day.format("%b %Y").to_string()
}

fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Today and the last month ends, each a link to the report as of that day.
fn day_links(today: NaiveDate, shown: NaiveDate) -> Vec<DayLink> {
    let mut links = vec![DayLink {
        href: "/reports/gift-cards".into(),
        label: "Today".into(),
        current: shown == today,
    }];
    links.extend(
        month_ends_before(today, MONTH_ENDS)
            .into_iter()
            .map(|end| DayLink {
                href: format!("/reports/gift-cards?as_of={}", iso(end)),
                label: format::day(end),
                current: shown == end,
            }),
    );
    links
}

/// GET /reports/gift-cards.
async fn index(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<AsOfQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let today = user.clock.today();
    let raw = query.into_inner().as_of;
    let mut errors = FieldErrors::new();
    // A day refused is said by the field; the figures stay today's meanwhile.
    let day = liability::as_of(&raw, today).unwrap_or_else(|message| {
        errors.add("as_of", message);
        today
    });
    let f = state
        .db
        .run(move |conn| figures(conn, day, CUSTOMERS_SHOWN))
        .await?;
    let opens_cards = user.can(Permission::GiftCardsManage);
    let page = ReportPage {
        ctx: user.page(),
        as_of: if errors.is_empty() { iso(day) } else { raw },
        day: format::day(day),
        is_today: day == today,
        month_from: format::day(month_start(day)),
        csv_query: if day == today {
            String::new()
        } else {
            format!("?as_of={}", iso(day))
        },
        days: day_links(today, day),
        errors,
        zone: user.clock.zone_name(),
        movements: f
            .totals
            .iter()
            .map(|(t, cur)| MovementView {
                company: t.head.company.clone(),
                lines: t
                    .movements
                    .lines()
                    .iter()
                    .map(|(label, amount)| (*label, cur.format(*amount)))
                    .collect(),
            })
            .collect(),
        summary: f
            .totals
            .iter()
            .map(|(t, cur)| SummaryView {
                company: t.head.company.clone(),
                cards: count(t.cards),
                outstanding: cur.format(t.movements.closing),
                expired_cards: count(t.expired_cards),
                breakage: cur.format(t.breakage),
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

/// GET /reports/gift-cards/{section}.csv.
async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    section: web::Path<String>,
    query: web::Query<AsOfQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let section = section.into_inner();
    let day = liability::as_of(&query.as_of, user.clock.today())
        .map_err(|message| AppError::field("as_of", message))?;
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
