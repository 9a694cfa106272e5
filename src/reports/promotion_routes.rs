//! What the promotions brought in: Offer Effectiveness (per offer: sales, discount given, units
//! free, revenue, and the average basket with the offer against the same stores' other sales)
//! and Coupons (per coupon: uses, discount, revenue, uses per day). Marketing's reports:
//! reports.view only, company-wide.

use actix_web::{HttpResponse, web};
use patron_rules::Currency;
use patron_rules::users::Permission;
use rust_decimal::Decimal;

use super::filters::ReportQuery;
use super::model::promotions::{self, CouponFigures, OfferFigures};
use super::page::{Fields, Report, money, number, one_piece_csv, page, resolved};
use super::table::{Cell, Column, num, sorted, text};
use crate::state::AppState;
use crate::web::{AppError, CurrentUser};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports/offers", web::get().to(offers))
        .route("/reports/offers.csv", web::get().to(offers_csv))
        .route("/reports/coupons", web::get().to(coupons))
        .route("/reports/coupons.csv", web::get().to(coupons_csv));
}

/// Coupons a page lists; the CSV too (a coupon report of more is a batch's, one click away).
const COUPON_ROWS: i64 = 1_000;

const OFFER_COLUMNS: [Column; 7] = [
    text("Offer", Some("offer")),
    num("Sales", Some("sales")),
    num("Discount Given", Some("discount")),
    num("Units Free", Some("free")),
    num("Revenue", Some("revenue")),
    num("Average Basket", Some("basket")),
    num("Without the Offer", Some("without")),
];

fn basket(currency: &Currency, amount: Option<Decimal>) -> Cell {
    amount.map_or_else(|| Cell::text(""), |a| money(currency, a))
}

fn offer_cells(currency: &Currency, row: &OfferFigures) -> Vec<Cell> {
    vec![
        Cell::text(row.title.clone()).linked(format!("/offers/{}", row.offer_id)),
        number(row.sales),
        money(currency, row.discount),
        Cell::text(row.free_qty.normalize().to_string()),
        money(currency, row.revenue),
        basket(currency, row.basket_with()),
        basket(currency, row.basket_without()),
    ]
}

async fn offer_rows(
    state: &AppState,
    user: &CurrentUser,
    query: ReportQuery,
) -> Result<(super::filters::Resolved, Vec<Vec<Cell>>), AppError> {
    user.require(Permission::ReportsView)?;
    let resolved = resolved(state, user, query).await?;
    let filter = resolved.filter.clone();
    let rows = state
        .reports
        .run(move |conn| Ok(promotions::offers(conn, &filter)?))
        .await?;
    let cells = rows
        .iter()
        .map(|r| offer_cells(&resolved.currency, r))
        .collect();
    let cells = sorted(&OFFER_COLUMNS, cells, &resolved.query.sort);
    Ok((resolved, cells))
}

/// GET /reports/offers: Offer Effectiveness.
async fn offers(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (resolved, rows) = offer_rows(&state, &user, query.into_inner()).await?;
    page(
        &user,
        resolved,
        Report {
            title: "Offer Effectiveness",
            path: "/reports/offers",
            intro: "Each offer's sales, the discount and free units it gave, and those sales' revenue (without delivery); Average Basket is that revenue per sale, Without the Offer the same stores' other sales in the period.".into(),
            fields: Fields { customers: false, sales_person: false, days: false, campaign: true },
            columns: &OFFER_COLUMNS,
            chart: None,
            note: None,
            rows,
            totals: None,
            empty: "No offer was used in this period.",
        },
    )
}

/// GET /reports/offers.csv.
async fn offers_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (resolved, rows) = offer_rows(&state, &user, query.into_inner()).await?;
    one_piece_csv(
        &state,
        &format!("offer-effectiveness-{}.csv", resolved.query.to),
        &OFFER_COLUMNS,
        rows,
    )
}

const COUPON_COLUMNS: [Column; 8] = [
    text("Coupon", Some("coupon")),
    text("Offer", Some("offer")),
    text("Campaign", Some("campaign")),
    text("Batch", Some("batch")),
    num("Uses", Some("uses")),
    num("Uses per Day", Some("per-day")),
    num("Discount Given", Some("discount")),
    num("Revenue", Some("revenue")),
];

fn coupon_cells(currency: &Currency, days: i64, row: &CouponFigures) -> Vec<Cell> {
    let per_day = Decimal::from(row.uses) / Decimal::from(days.max(1));
    vec![
        Cell::text(row.code.clone()).linked(format!("/coupons/{}", row.coupon_id)),
        Cell::text(row.offer.clone()),
        Cell::text(row.campaign.clone()),
        Cell::text(row.batch.clone()),
        number(row.uses),
        Cell::text(per_day.round_dp(2).normalize().to_string()),
        money(currency, row.discount),
        money(currency, row.revenue),
    ]
}

async fn coupon_rows(
    state: &AppState,
    user: &CurrentUser,
    query: ReportQuery,
) -> Result<(super::filters::Resolved, i64, Vec<Vec<Cell>>), AppError> {
    user.require(Permission::ReportsView)?;
    let resolved = resolved(state, user, query).await?;
    let filter = resolved.filter.clone();
    let rows = state
        .reports
        .run(move |conn| Ok(promotions::coupons(conn, &filter, COUPON_ROWS)?))
        .await?;
    let days = (resolved.filter.to - resolved.filter.from).num_days() + 1;
    let cells = rows
        .iter()
        .map(|r| coupon_cells(&resolved.currency, days, r))
        .collect();
    let cells = sorted(&COUPON_COLUMNS, cells, &resolved.query.sort);
    Ok((resolved, days, cells))
}

/// GET /reports/coupons: Coupons.
async fn coupons(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (resolved, days, rows) = coupon_rows(&state, &user, query.into_inner()).await?;
    page(
        &user,
        resolved,
        Report {
            title: "Coupons",
            path: "/reports/coupons",
            intro: format!(
                "Each coupon used in these {days} days (the {COUPON_ROWS} most used), most used first unless a column says otherwise, with its offer's discount on those sales and their revenue (without delivery); coupons are the company's, so every store counts."
            ),
            fields: Fields {
                customers: false,
                sales_person: false,
                days: false,
                campaign: true,
            },
            columns: &COUPON_COLUMNS,
            chart: None,
            note: None,
            rows,
            totals: None,
            empty: "No coupon was used in this period.",
        },
    )
}

/// GET /reports/coupons.csv.
async fn coupons_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (resolved, _, rows) = coupon_rows(&state, &user, query.into_inner()).await?;
    one_piece_csv(
        &state,
        &format!("coupons-{}.csv", resolved.query.to),
        &COUPON_COLUMNS,
        rows,
    )
}
