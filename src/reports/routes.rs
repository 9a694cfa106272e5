//! The sales reports' pages: the Reports menu, and Sales by Customer, Lapsed Customers, Sales by
//! Store and Sales Person, and Delivery Charges. Each shares the filter bar, sortable columns
//! where a list is long, a totals line, a CSV that equals the page (streamed through a cursor),
//! and a print view (`?print=1`: no navigation, the filters and when it was run in its header).

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Days;
use patron_rules::Currency;
use patron_rules::users::Permission;

use super::chart;
use super::filters::{Reader, ReportQuery, Resolved};
use super::model::customer_page;
use super::model::customers::{self as customer_model, Cohort, CustomerSales, Lapsed};
use super::model::stores::{self as store_model, Delivery, StoreSales};
use super::page::{Fields, Report, day, money, number, one_piece_csv, page, resolved};
use super::table::{self, Cell, Column, num, sorted, text};
use crate::state::AppState;
use crate::web::format::count;
use crate::web::stream::csv_download;
use crate::web::{AppError, CurrentUser, FieldErrors, PageCtx, render};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports", web::get().to(index))
        .route("/reports/customers", web::get().to(customers))
        .route("/reports/customers.csv", web::get().to(customers_csv))
        .route("/reports/cohorts", web::get().to(cohorts))
        .route("/reports/cohorts.csv", web::get().to(cohorts_csv))
        .route("/reports/lapsed", web::get().to(lapsed))
        .route("/reports/lapsed.csv", web::get().to(lapsed_csv))
        .route("/reports/stores", web::get().to(stores))
        .route("/reports/stores.csv", web::get().to(stores_csv))
        .route("/reports/delivery", web::get().to(delivery))
        .route("/reports/delivery.csv", web::get().to(delivery_csv));
}

/// Rows a report page shows; the CSV has them all.
const PAGE_ROWS: i64 = 200;
/// Days without a purchase that make a customer lapsed, unless chosen.
const LAPSED_DAYS: u64 = 90;
/// How far back a lapsed customer's last purchase may be, unless From is chosen.
const LAPSED_LOOKBACK_DAYS: u64 = 730;

/// A report in the menu.
struct MenuEntry {
    title: &'static str,
    href: &'static str,
    about: &'static str,
}

#[derive(Template)]
#[template(path = "reports/index.html")]
struct IndexPage {
    ctx: PageCtx,
    sales: Vec<MenuEntry>,
    others: Vec<MenuEntry>,
    own_store: bool,
}

/// GET /reports: the Reports menu.
async fn index(user: CurrentUser) -> Result<HttpResponse, AppError> {
    let reader = Reader::of(&user)?;
    let sales = vec![
        MenuEntry {
            title: "Sales by Customer",
            href: "/reports/customers",
            about: "Who bought: sales, returns, net sales, discounts, average basket, first and last purchase in the period.",
        },
        MenuEntry {
            title: "New and Returning Customers",
            href: "/reports/cohorts",
            about: "Each month's new customers (first purchase), the share who came back within 30 and 90 days, and the customers who returned.",
        },
        MenuEntry {
            title: "Lapsed Customers",
            href: "/reports/lapsed",
            about: "Who stopped buying: no purchase in 90 days (or as many as you choose), most valuable first, with their mobile and store to call.",
        },
        MenuEntry {
            title: "Sales by Store and Sales Person",
            href: "/reports/stores",
            about: "Which stores and sales persons sell, with each one's commission and the sales day by day.",
        },
        MenuEntry {
            title: "Delivery Charges",
            href: "/reports/delivery",
            about: "Delivery charges collected, by store and charge.",
        },
    ];
    let others = if user.can(Permission::ReportsView) {
        vec![
            MenuEntry {
                title: "Offer Effectiveness",
                href: "/reports/offers",
                about: "What each offer gave and brought in, and the average basket with it against the same stores' sales without it.",
            },
            MenuEntry {
                title: "Coupons",
                href: "/reports/coupons",
                about: "Each coupon's uses, uses per day, discount given and the revenue of those sales, with its campaign and batch.",
            },
            MenuEntry {
                title: "Loyalty",
                href: "/loyalty/reports",
                about: "Points liability, points expiring, members by tier.",
            },
            MenuEntry {
                title: "Gift Card Liability",
                href: "/reports/gift-cards",
                about: "What cards still hold, issued by month, breakage, expiring cards.",
            },
            MenuEntry {
                title: "Referral Funnel",
                href: "/reports/referrals",
                about: "Codes issued, registrations, first purchases and revenue per campaign and referrer.",
            },
        ]
    } else {
        Vec::new()
    };
    render(&IndexPage {
        ctx: user.page(),
        sales,
        others,
        own_store: reader.own_store.is_some(),
    })
}

const CUSTOMER_COLUMNS: [Column; 9] = [
    text("Customer", Some("name")),
    text("Customer Code", Some("code")),
    num("Sales", Some("sales")),
    num("Returns", None),
    num("Net Sales", Some("net")),
    num("Discounts", Some("discount")),
    num("Average Basket", None),
    num("First Purchase", None),
    num("Last Purchase", Some("last")),
];

fn customer_cells(currency: &Currency, row: &CustomerSales) -> Vec<Cell> {
    let name = Cell::text(row.name.clone());
    vec![
        if row.customer_id == 0 {
            name
        } else {
            name.linked(format!("/customers/{}", row.customer_id))
        },
        Cell::text(row.code.clone()),
        number(row.sales),
        number(row.returns),
        money(currency, row.net_sales),
        money(currency, row.discount),
        row.average_basket()
            .map_or_else(|| Cell::text(""), |a| money(currency, a)),
        day(row.first_purchase),
        day(row.last_purchase),
    ]
}

/// GET /reports/customers: Sales by Customer.
async fn customers(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let resolved = resolved(&state, &user, query.into_inner()).await?;
    let (filter, sort, currency) = (
        resolved.filter.clone(),
        resolved.query.sort.clone(),
        resolved.currency.clone(),
    );
    let found = state
        .reports
        .run(move |conn| {
            Ok(customer_page::customer_page(
                conn, &filter, &sort, PAGE_ROWS,
            )?)
        })
        .await?;
    page(
        &user,
        resolved,
        Report {
            title: "Sales by Customer",
            path: "/reports/customers",
            intro: "Net sales are sales less returns, without delivery charges; cancelled invoices count nowhere. First and Last Purchase are within the period.".into(),
            fields: Fields { customers: true, sales_person: false, days: false, campaign: false },
            columns: &CUSTOMER_COLUMNS,
            chart: None,
            note: found.more.then(|| match found.customers {
                Some(all) => format!(
                    "Showing the first {} of {} customers; the CSV has them all.",
                    count(PAGE_ROWS),
                    count(all)
                ),
                None => format!(
                    "Showing the first {} customers; the CSV has them all.",
                    count(PAGE_ROWS)
                ),
            }),
            rows: found.rows.iter().map(|r| customer_cells(&currency, r)).collect(),
            totals: found.totals.as_ref().map(|t| customer_cells(&currency, t)),
            empty: "No sales in this period. Choose other dates or filters.",
        },
    )
}

/// GET /reports/customers.csv: every customer of the page's filters, in its order.
async fn customers_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let resolved = resolved(&state, &user, query.into_inner()).await?;
    let filter = resolved.filter.clone();
    let totals = state
        .reports
        .run(move |conn| Ok(customer_page::customer_totals(conn, &filter)?))
        .await?;
    let currency = resolved.currency.clone();
    let sql = resolved
        .filter
        .inline(&customer_model::by_customer_sql(&resolved.query.sort));
    let file = format!("sales-by-customer-{}.csv", resolved.query.to);
    Ok(csv_download(
        state.reports.pool().clone(),
        &file,
        table::cursor_csv(
            &CUSTOMER_COLUMNS,
            sql,
            move |row: &CustomerSales| customer_cells(&currency, row),
            Some(customer_cells(&resolved.currency, &totals)),
        ),
    ))
}

const COHORT_COLUMNS: [Column; 5] = [
    text("Month", None),
    num("New Customers", None),
    num("Back within 30 Days", None),
    num("Back within 90 Days", None),
    num("Returning Customers", None),
];

/// "12 (40%)": part of the month's new customers.
fn share(part: i64, of: i64) -> Cell {
    let percent = if of > 0 { part * 100 / of } else { 0 };
    Cell::figure(format!("{} ({percent}%)", count(part)), part.to_string())
}

fn cohort_cells(row: &Cohort) -> Vec<Cell> {
    vec![
        Cell::figure(
            row.month.format("%B %Y").to_string(),
            row.month.format("%Y-%m").to_string(),
        ),
        number(row.new_customers),
        share(row.back_30, row.new_customers),
        share(row.back_90, row.new_customers),
        number(row.returning_customers),
    ]
}

async fn cohort_rows(
    state: &AppState,
    user: &CurrentUser,
    query: ReportQuery,
) -> Result<(Resolved, Vec<Cohort>), AppError> {
    let resolved = resolved(state, user, query).await?;
    let filter = resolved.filter.clone();
    let rows = state
        .reports
        .run(move |conn| Ok(customer_model::cohorts(conn, &filter)?))
        .await?;
    Ok((resolved, rows))
}

/// GET /reports/cohorts: New and Returning Customers by month.
async fn cohorts(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (resolved, rows) = cohort_rows(&state, &user, query.into_inner()).await?;
    let any = rows
        .iter()
        .any(|r| r.new_customers > 0 || r.returning_customers > 0);
    page(
        &user,
        resolved,
        Report {
            title: "New and Returning Customers",
            path: "/reports/cohorts",
            intro: "Whole months, from the one From falls in to the one To falls in. New: their first purchase ever fell in the month; Back within 30 or 90 days: of those, who bought again that soon after; Returning: who bought in the month and had bought before it.".into(),
            fields: Fields { customers: true, sales_person: false, days: false, campaign: false },
            columns: &COHORT_COLUMNS,
            chart: super::chart::cohort_chart(
                &rows.iter().map(|r| (r.month, r.new_customers, r.back_90)).collect::<Vec<_>>(),
            ),
            note: None,
            rows: if any { rows.iter().map(cohort_cells).collect() } else { Vec::new() },
            totals: None,
            empty: "No sales in these months. Choose other dates or filters.",
        },
    )
}

/// GET /reports/cohorts.csv.
async fn cohorts_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (resolved, rows) = cohort_rows(&state, &user, query.into_inner()).await?;
    one_piece_csv(
        &state,
        &format!("new-and-returning-customers-{}.csv", resolved.query.to),
        &COHORT_COLUMNS,
        rows.iter().map(cohort_cells).collect(),
    )
}

const LAPSED_COLUMNS: [Column; 8] = [
    text("Customer", None),
    text("Customer Code", None),
    text("Mobile", None),
    text("Store", None),
    num("Last Purchase", None),
    num("Days Since", None),
    num("Sales", None),
    num("Lifetime Value", None),
];

fn lapsed_cells(currency: &Currency, today: chrono::NaiveDate, row: &Lapsed) -> Vec<Cell> {
    vec![
        Cell::text(row.name.clone()).linked(format!("/customers/{}", row.customer_id)),
        Cell::text(row.code.clone()),
        Cell::text(row.mobile.clone()),
        Cell::text(row.store.clone()),
        day(Some(row.last_purchase)),
        number((today - row.last_purchase).num_days()),
        number(row.sales),
        money(currency, row.lifetime_value),
    ]
}

/// The lapse in days the query asks for (90 unless a number from 1 to 3,650 is given).
fn lapse_days(query: &ReportQuery, errors: &mut FieldErrors) -> u64 {
    let raw = query.days.trim();
    if raw.is_empty() {
        return LAPSED_DAYS;
    }
    match raw.parse::<u64>() {
        Ok(days) if (1..=3_650).contains(&days) => days,
        _ => {
            errors.add("days", "A number of days from 1 to 3,650.");
            LAPSED_DAYS
        }
    }
}

/// The lapsed customers' filters: To is today, the lapse starts `days` before it, and From
/// defaults to two years before that.
async fn lapsed_filters(
    state: &AppState,
    user: &CurrentUser,
    mut query: ReportQuery,
) -> Result<(Resolved, u64, chrono::NaiveDate), AppError> {
    let mut errors = FieldErrors::new();
    let days = lapse_days(&query, &mut errors);
    let today = user.clock.today();
    let since = today - Days::new(days - 1);
    query.to = String::new();
    if query.from.trim().is_empty() {
        query.from = (since - Days::new(LAPSED_LOOKBACK_DAYS))
            .format("%Y-%m-%d")
            .to_string();
    }
    query.days = days.to_string();
    let mut resolved = resolved(state, user, query).await?;
    resolved.filter.to = since;
    for (field, message) in errors.iter() {
        resolved.errors.add(field, message);
    }
    Ok((resolved, days, today))
}

/// GET /reports/lapsed: Lapsed Customers.
async fn lapsed(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (resolved, days, today) = lapsed_filters(&state, &user, query.into_inner()).await?;
    let filter = resolved.filter.clone();
    let rows = state
        .reports
        .run(move |conn| Ok(customer_model::lapsed(conn, &filter, PAGE_ROWS + 1)?))
        .await?;
    let currency = resolved.currency.clone();
    let more = i64::try_from(rows.len()).unwrap_or(0) > PAGE_ROWS;
    page(
        &user,
        resolved,
        Report {
            title: "Lapsed Customers",
            path: "/reports/lapsed",
            intro: format!(
                "Active customers whose last purchase was more than {days} days ago (and on or after From), most valuable first: the list a store calls. Lifetime value is every sale less returns, at every store; with a store chosen, the customers whose last purchase was there."
            ),
            fields: Fields {
                customers: true,
                sales_person: false,
                days: true,
                campaign: false,
            },
            columns: &LAPSED_COLUMNS,
            chart: None,
            note: more.then(|| {
                format!(
                    "Showing the {} most valuable; the CSV has them all.",
                    count(PAGE_ROWS)
                )
            }),
            rows: rows
                .iter()
                .take(usize::try_from(PAGE_ROWS).unwrap_or(200))
                .map(|r| lapsed_cells(&currency, today, r))
                .collect(),
            totals: None,
            empty: "Nobody has lapsed: every customer who bought in the period bought again since.",
        },
    )
}

/// GET /reports/lapsed.csv: every lapsed customer, to call from.
async fn lapsed_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (resolved, days, today) = lapsed_filters(&state, &user, query.into_inner()).await?;
    let sql = resolved.filter.inline(&customer_model::lapsed_sql());
    let currency = resolved.currency.clone();
    Ok(csv_download(
        state.reports.pool().clone(),
        &format!("lapsed-{days}-days-{today}.csv"),
        table::cursor_csv(
            &LAPSED_COLUMNS,
            sql,
            move |row: &Lapsed| lapsed_cells(&currency, today, row),
            None,
        ),
    ))
}

const STORE_COLUMNS: [Column; 10] = [
    text("Store", None),
    text("Sales Person", None),
    num("Sales", None),
    num("Returns", None),
    num("Net Sales", None),
    num("Discounts", None),
    num("Average Basket", None),
    num("Delivery Charges", None),
    num("Commission Rate", None),
    num("Commission", None),
];

fn store_cells(currency: &Currency, query: &ReportQuery, row: &StoreSales) -> Vec<Cell> {
    let person = match row.line.as_str() {
        "person" => {
            let cell = Cell::text(row.sales_person.clone());
            match row.sales_person_id {
                Some(id) => cell.linked(format!(
                    "/reports/stores?{}",
                    ReportQuery {
                        sales_person: id.to_string(),
                        ..query.clone()
                    }
                    .link("")
                )),
                None => cell,
            }
        }
        "store" => Cell::text("All sales persons"),
        _ => Cell::text(""),
    };
    let is_person = row.line == "person" && row.sales_person_id.is_some();
    vec![
        Cell::text(if row.line == "total" {
            "Total"
        } else {
            &row.store
        }),
        person,
        number(row.sales),
        number(row.returns),
        money(currency, row.net_sales),
        money(currency, row.discount),
        row.average_basket()
            .map_or_else(|| Cell::text(""), |a| money(currency, a)),
        money(currency, row.delivery),
        if is_person {
            Cell::text(format!("{}%", row.commission_rate.normalize()))
        } else {
            Cell::text("")
        },
        if is_person {
            money(currency, row.commission())
        } else {
            Cell::text("")
        },
    ]
}

/// The store report's lines, and for the page's chart (`with_days`) its net sales per day.
async fn store_lines(
    state: &AppState,
    resolved: &Resolved,
    with_days: bool,
) -> Result<(Vec<StoreSales>, Vec<store_model::Day>), AppError> {
    let filter = resolved.filter.clone();
    state
        .reports
        .run(move |conn| {
            let days = if with_days {
                store_model::by_day(conn, &filter)?
            } else {
                Vec::new()
            };
            Ok((store_model::by_store(conn, &filter)?, days))
        })
        .await
}

/// The lines as the page and the CSV show them: each store and sales person, then the totals
/// line when anything was sold or returned.
fn store_rows(resolved: &Resolved, lines: &[StoreSales]) -> (Vec<Vec<Cell>>, Option<Vec<Cell>>) {
    let cells = |line| store_cells(&resolved.currency, &resolved.query, line);
    let (body, totals): (Vec<_>, Vec<_>) = lines.iter().partition(|l| l.line != "total");
    let totals = totals
        .first()
        .filter(|t| t.sales != 0 || t.returns != 0)
        .map(|t| cells(t));
    (body.into_iter().map(cells).collect(), totals)
}

/// GET /reports/stores: Sales by Store and Sales Person, with the day-by-day chart.
async fn stores(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let resolved = resolved(&state, &user, query.into_inner()).await?;
    let (lines, days) = store_lines(&state, &resolved, true).await?;
    let series: Vec<_> = days.iter().map(|d| (d.day, d.net_sales)).collect();
    let chart = chart::chart(
        resolved.filter.from,
        resolved.filter.to,
        &series,
        &resolved.currency,
    );
    let (rows, totals) = store_rows(&resolved, &lines);
    page(
        &user,
        resolved,
        Report {
            title: "Sales by Store and Sales Person",
            path: "/reports/stores",
            intro: "Each store, then its sales persons, most net sales first. Commission is the sales person's Commission Rate on their net sales.".into(),
            fields: Fields { customers: false, sales_person: true, days: false, campaign: false },
            columns: &STORE_COLUMNS,
            chart,
            note: None,
            rows,
            totals,
            empty: "No sales in this period. Choose other dates or filters.",
        },
    )
}

/// GET /reports/stores.csv: the page's lines and totals.
async fn stores_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let resolved = resolved(&state, &user, query.into_inner()).await?;
    let (lines, _) = store_lines(&state, &resolved, false).await?;
    let (mut rows, totals) = store_rows(&resolved, &lines);
    rows.extend(totals);
    one_piece_csv(
        &state,
        &format!("sales-by-store-{}.csv", resolved.query.to),
        &STORE_COLUMNS,
        rows,
    )
}

const DELIVERY_COLUMNS: [Column; 4] = [
    text("Store", Some("store")),
    text("Delivery Charge", Some("label")),
    num("Charges", Some("charges")),
    num("Amount", Some("amount")),
];

fn delivery_cells(currency: &Currency, row: &Delivery) -> Vec<Cell> {
    vec![
        Cell::text(if row.store.is_empty() {
            "Total"
        } else {
            &row.store
        }),
        Cell::text(row.label.clone()),
        number(row.charges),
        money(currency, row.amount),
    ]
}

/// The report's rows in the order asked for, and its totals line (none when there are no rows).
fn delivery_table(
    currency: &Currency,
    lines: &[Delivery],
    sort: &str,
) -> (Vec<Vec<Cell>>, Option<Vec<Cell>>) {
    let (body, totals): (Vec<_>, Vec<_>) = lines.iter().partition(|l| !l.store.is_empty());
    let rows: Vec<_> = body.iter().map(|l| delivery_cells(currency, l)).collect();
    let totals = (!rows.is_empty())
        .then(|| totals.first().map(|t| delivery_cells(currency, t)))
        .flatten();
    (sorted(&DELIVERY_COLUMNS, rows, sort), totals)
}

async fn delivery_lines(state: &AppState, resolved: &Resolved) -> Result<Vec<Delivery>, AppError> {
    let filter = resolved.filter.clone();
    state
        .reports
        .run(move |conn| Ok(store_model::delivery(conn, &filter)?))
        .await
}

/// GET /reports/delivery: Delivery Charges collected.
async fn delivery(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let resolved = resolved(&state, &user, query.into_inner()).await?;
    let lines = delivery_lines(&state, &resolved).await?;
    let currency = resolved.currency.clone();
    let (rows, totals) = delivery_table(&currency, &lines, &resolved.query.sort);
    page(
        &user,
        resolved,
        Report {
            title: "Delivery Charges",
            path: "/reports/delivery",
            intro: "Delivery charges collected, by store and charge; a returned charge counts against its day.".into(),
            fields: Fields { customers: false, sales_person: false, days: false, campaign: false },
            columns: &DELIVERY_COLUMNS,
            chart: None,
            note: None,
            rows,
            totals,
            empty: "No delivery charges in this period.",
        },
    )
}

/// GET /reports/delivery.csv.
async fn delivery_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let resolved = resolved(&state, &user, query.into_inner()).await?;
    let lines = delivery_lines(&state, &resolved).await?;
    let (mut rows, totals) = delivery_table(&resolved.currency, &lines, &resolved.query.sort);
    rows.extend(totals);
    one_piece_csv(
        &state,
        &format!("delivery-charges-{}.csv", resolved.query.to),
        &DELIVERY_COLUMNS,
        rows,
    )
}
