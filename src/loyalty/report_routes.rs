//! `GET /loyalty/reports` (reports.view): three tabs — Liability per program, Expiring in the
//! next 30/60/90 days, Members per tier — each with its CSV export
//! (`/loyalty/reports/{liability,expiring,tiers}.csv`, streamed). Also mounts the customer
//! ledger pages and the opening balances import.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use patron_rules::Currency;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::model::reports::{self, CompanyCurrencies, ExpiringRow, LiabilityRow, TierRow, WINDOWS};
use crate::state::AppState;
use crate::web::format::count;
use crate::web::stream::csv_download;
use crate::web::{AppError, CurrentUser, PageCtx, render};

/// Mounts the reports, the customer ledger and the opening balances import.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/loyalty/reports", web::get().to(index))
        .route(
            "/loyalty/reports/liability.csv",
            web::get().to(liability_csv),
        )
        .route("/loyalty/reports/expiring.csv", web::get().to(expiring_csv))
        .route("/loyalty/reports/tiers.csv", web::get().to(tiers_csv))
        .configure(super::opening_import::config);
}

/// The tabs, by query value and label.
const TABS: [(&str, &str); 3] = [
    ("liability", "Liability"),
    ("expiring", "Expiring points"),
    ("tiers", "Members per tier"),
];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReportQuery {
    tab: String,
}

/// A liability row as shown.
struct LiabilityView {
    program: String,
    active: bool,
    company: String,
    members: String,
    points: String,
    factor: String,
    liability: String,
}

/// A currency's total as shown.
struct TotalView {
    code: String,
    members: String,
    points: String,
    liability: String,
}

/// An expiring row as shown: points and value per window.
struct ExpiringView {
    program: String,
    active: bool,
    company: String,
    windows: Vec<(String, String)>,
}

/// Length of the largest tier's bar (SVG user units).
const BAR: i64 = 240;

/// One tier's line of a program's chart.
struct TierView {
    name: String,
    min_spent: String,
    members: String,
    /// Members, as counted.
    value: i64,
    /// Share of the program's members.
    share: String,
    /// Length of its bar, 0 to `BAR`.
    bar: i64,
}

/// One program's tiers.
struct TierGroup {
    program: String,
    company: String,
    total: String,
    tiers: Vec<TierView>,
}

#[derive(Template)]
#[template(path = "loyalty/reports.html")]
struct ReportsPage {
    bar_full: i64,
    ctx: PageCtx,
    tab: &'static str,
    tabs: Vec<(&'static str, &'static str)>,
    today: String,
    /// The company's time zone, which decides the day.
    zone: &'static str,
    windows: Vec<String>,
    liability: Vec<LiabilityView>,
    totals: Vec<TotalView>,
    expiring: Vec<ExpiringView>,
    tiers: Vec<TierGroup>,
    can_import: bool,
}

fn with_currencies<R>(
    conn: &mut diesel::PgConnection,
    rows: Vec<R>,
    company: impl Fn(&R) -> i64,
) -> Result<Vec<(R, Currency)>, AppError> {
    let mut currencies = CompanyCurrencies::default();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let currency = currencies.get(conn, company(&row))?;
        out.push((row, currency));
    }
    Ok(out)
}

fn liability_rows(
    conn: &mut diesel::PgConnection,
    day: NaiveDate,
) -> Result<Vec<(LiabilityRow, Currency)>, AppError> {
    let rows = reports::liability(conn, day)?;
    with_currencies(conn, rows, |r| r.head.company_id)
}

fn expiring_rows(
    conn: &mut diesel::PgConnection,
    day: NaiveDate,
) -> Result<Vec<(ExpiringRow, Currency)>, AppError> {
    let rows = reports::expiring(conn, day)?;
    with_currencies(conn, rows, |r| r.head.company_id)
}

fn tier_groups(rows: Vec<(TierRow, Currency)>) -> Vec<TierGroup> {
    let mut groups: Vec<(i64, TierGroup)> = Vec::new();
    for (row, currency) in rows {
        let view = TierView {
            name: row.tier.clone(),
            min_spent: currency.format(row.min_spent),
            members: count(row.members),
            value: row.members,
            share: String::new(),
            bar: 0,
        };
        match groups.last_mut() {
            Some((id, group)) if *id == row.program_id => group.tiers.push(view),
            _ => groups.push((
                row.program_id,
                TierGroup {
                    program: row.program,
                    company: row.company,
                    total: String::new(),
                    tiers: vec![view],
                },
            )),
        }
    }
    groups
        .into_iter()
        .map(|(_, mut group)| {
            let counts: Vec<i64> = group.tiers.iter().map(|t| t.value).collect();
            let total = counts.iter().sum();
            for (tier, bar) in group
                .tiers
                .iter_mut()
                .zip(reports::bar_lengths(&counts, BAR))
            {
                tier.share = reports::share(tier.value, total);
                tier.bar = bar;
            }
            group.total = count(total);
            group
        })
        .collect()
}

/// GET /loyalty/reports.
async fn index(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let tab = TABS
        .iter()
        .map(|(key, _)| *key)
        .find(|key| *key == query.tab.trim())
        .unwrap_or("liability");
    let day = user.clock.today();
    let mut page = ReportsPage {
        bar_full: BAR,
        ctx: user.page(),
        tab,
        tabs: TABS.to_vec(),
        today: day.format("%-d %B %Y").to_string(),
        zone: user.clock.zone_name(),
        windows: WINDOWS.iter().map(|d| format!("Within {d} days")).collect(),
        liability: Vec::new(),
        totals: Vec::new(),
        expiring: Vec::new(),
        tiers: Vec::new(),
        can_import: user.can(Permission::LoyaltyManage),
    };
    match tab {
        "expiring" => {
            let rows = state.db.run(move |conn| expiring_rows(conn, day)).await?;
            page.expiring = rows
                .into_iter()
                .map(|(row, currency)| ExpiringView {
                    windows: row
                        .points()
                        .iter()
                        .map(|p| {
                            (
                                count(*p),
                                currency.format(reports::value(
                                    *p,
                                    row.head.conversion_factor,
                                    &currency,
                                )),
                            )
                        })
                        .collect(),
                    program: row.head.program,
                    active: row.head.active,
                    company: row.head.company,
                })
                .collect();
        }
        "tiers" => {
            let rows = state
                .db
                .run(|conn| {
                    let rows = reports::members_per_tier(conn)?;
                    with_currencies(conn, rows, |r| r.company_id)
                })
                .await?;
            page.tiers = tier_groups(rows);
        }
        _ => {
            let rows = state.db.run(move |conn| liability_rows(conn, day)).await?;
            page.totals = reports::totals(&rows)
                .into_iter()
                .map(|t| TotalView {
                    members: count(t.members),
                    points: count(t.points),
                    liability: t.currency.format(t.liability),
                    code: t.currency.code,
                })
                .collect();
            page.liability = rows
                .into_iter()
                .map(|(row, currency)| LiabilityView {
                    members: count(row.members),
                    points: count(row.points),
                    factor: row.head.conversion_factor.normalize().to_string(),
                    liability: currency.format(reports::value(
                        row.points,
                        row.head.conversion_factor,
                        &currency,
                    )),
                    program: row.head.program,
                    active: row.head.active,
                    company: row.head.company,
                })
                .collect();
        }
    }
    render(&page)
}

fn csv_failed(e: csv::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// A one-chunk CSV download of a small report made by `make` on the stream's connection.
fn report_download<F>(state: &AppState, name: &str, day: NaiveDate, make: F) -> HttpResponse
where
    F: FnOnce(&mut diesel::PgConnection) -> Result<Vec<u8>, AppError> + Send + 'static,
{
    let file = format!("{name}-{}.csv", day.format("%Y-%m-%d"));
    let mut make = Some(make);
    csv_download(state.db.pool().clone(), &file, move |conn| {
        match make.take() {
            Some(make) => make(conn).map(|bytes| Some(bytes.into())),
            None => Ok(None),
        }
    })
}

/// GET /loyalty/reports/liability.csv.
async fn liability_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let day = user.clock.today();
    Ok(report_download(
        &state,
        "loyalty-liability",
        day,
        move |conn| reports::liability_csv(&liability_rows(conn, day)?).map_err(csv_failed),
    ))
}

/// GET /loyalty/reports/expiring.csv.
async fn expiring_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let day = user.clock.today();
    Ok(report_download(
        &state,
        "loyalty-expiring",
        day,
        move |conn| reports::expiring_csv(&expiring_rows(conn, day)?).map_err(csv_failed),
    ))
}

/// GET /loyalty/reports/tiers.csv.
async fn tiers_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    Ok(report_download(
        &state,
        "loyalty-tiers",
        user.clock.today(),
        |conn| reports::tiers_csv(&reports::members_per_tier(conn)?).map_err(csv_failed),
    ))
}
