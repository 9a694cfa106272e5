//! What every report page shares: the page template and how a report fills it (`Report`,
//! `page`), the cells of money, counts and days, reading the filters on the reports' database,
//! and a short report's one-piece CSV.

use actix_web::HttpResponse;
use askama::Template;
use chrono::Utc;
use patron_rules::Currency;

use super::chart::Chart;
use super::filters::{self, Choices, Reader, ReportQuery, Resolved};
use super::table::{self, Cell, Column, Header};
use crate::state::AppState;
use crate::web::format::count;
use crate::web::stream::csv_download;
use crate::web::{AppError, CurrentUser, FieldErrors, PageCtx, render};

/// Which filters a report offers.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Customer Group and Territory.
    pub customers: bool,
    /// Sales Person.
    pub sales_person: bool,
    /// Days Without a Purchase (and no To).
    pub days: bool,
    /// Campaign.
    pub campaign: bool,
}

#[derive(Template)]
#[template(path = "reports/report.html")]
struct ReportPage {
    ctx: PageCtx,
    title: &'static str,
    path: &'static str,
    intro: String,
    printing: bool,
    run_at: String,
    summary: String,
    as_of: Option<String>,
    query: ReportQuery,
    links: String,
    choices: Choices,
    /// A store supervisor's store: the only choice.
    store_locked: bool,
    errors: FieldErrors,
    fields: Fields,
    chart: Option<Chart>,
    note: Option<String>,
    headers: Vec<Header>,
    rows: Vec<Vec<Cell>>,
    totals: Option<Vec<Cell>>,
    empty: &'static str,
}

impl ReportPage {
    fn chosen(&self, field: &str, value: &str) -> bool {
        let picked = match field {
            "store" => &self.query.store,
            "customer_group" => &self.query.customer_group,
            "territory" => &self.query.territory,
            "campaign" => &self.query.campaign,
            _ => &self.query.sales_person,
        };
        picked == value
    }
}

/// What a report's handler fills in; `page` adds the rest.
pub struct Report {
    pub title: &'static str,
    pub path: &'static str,
    pub intro: String,
    pub fields: Fields,
    pub columns: &'static [Column],
    pub chart: Option<Chart>,
    pub note: Option<String>,
    pub rows: Vec<Vec<Cell>>,
    pub totals: Option<Vec<Cell>>,
    pub empty: &'static str,
}

pub fn page(
    user: &CurrentUser,
    resolved: Resolved,
    report: Report,
) -> Result<HttpResponse, AppError> {
    let printing = resolved.query.printing();
    let mut ctx = user.page();
    if printing {
        // The layout without a signed-in user draws no navigation: paper has no menu.
        ctx.user = None;
        ctx.nav = Vec::new();
    }
    let path = report.path;
    let links = resolved.query.link(&resolved.query.sort);
    let headers = table::headers(report.columns, &resolved.query.sort, |sort| {
        format!("{path}?{}", resolved.query.link(sort))
    });
    render(&ReportPage {
        ctx,
        title: report.title,
        path,
        intro: report.intro,
        printing,
        run_at: resolved.reader.clock.at_labelled(Utc::now()),
        summary: resolved.summary,
        as_of: resolved.as_of,
        query: resolved.query,
        links,
        choices: resolved.choices,
        store_locked: resolved.reader.own_store.is_some(),
        errors: resolved.errors,
        fields: report.fields,
        chart: report.chart,
        note: report.note,
        headers,
        rows: report.rows,
        totals: report.totals,
        empty: report.empty,
    })
}

pub fn money(currency: &Currency, amount: rust_decimal::Decimal) -> Cell {
    Cell::figure(currency.format(amount), currency.round(amount).to_string())
}

pub fn number(n: i64) -> Cell {
    Cell::figure(count(n), n.to_string())
}

pub fn day(date: Option<chrono::NaiveDate>) -> Cell {
    date.map_or_else(
        || Cell::text(""),
        |d| Cell::figure(crate::web::format::day(d), d.format("%Y-%m-%d").to_string()),
    )
}

/// Reads the filters for `user` on the blocking pool.
pub async fn resolved(
    state: &AppState,
    user: &CurrentUser,
    query: ReportQuery,
) -> Result<Resolved, AppError> {
    let reader = Reader::of(user)?;
    // Customers' lifetime, month and cohort figures: every sale so far folded in.
    crate::reports::fold::catch_up(&state.db).await?;
    state
        .reports
        .run(move |conn| filters::resolve(conn, reader, query))
        .await
}

/// A short report's CSV, already read, as one chunk.
pub fn one_piece_csv(
    state: &AppState,
    file: &str,
    columns: &'static [Column],
    rows: Vec<Vec<Cell>>,
) -> Result<HttpResponse, AppError> {
    let mut bytes = Some(table::csv_chunk(columns, &rows, true)?);
    Ok(csv_download(
        state.reports.pool().clone(),
        file,
        move |_| Ok(bytes.take()),
    ))
}
