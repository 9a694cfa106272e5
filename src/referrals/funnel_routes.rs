//! The Referral funnel report (reports.view): over a date range and optionally one campaign, the
//! whole funnel as an SVG chart, one line per campaign, the top referrers (each linking to the
//! customer), and the same lines as CSV.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::{Duration, NaiveDate, Utc};
use patron_rules::Currency;
use patron_rules::clock::Clock;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::funnel::{self, Figures, Range};
use super::funnel_chart::{self, Chart};
use crate::coupons::model::queries::campaigns_of;
use crate::state::AppState;
use crate::stores::model::home_company;
use crate::web::csv_file::CsvFile;
use crate::web::{AppError, CurrentUser, FieldErrors, PageCtx, render_status};

/// How many referrers the top table lists.
const TOP: i64 = 20;

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports/referrals", web::get().to(index))
        .route("/reports/referrals.csv", web::get().to(csv_download));
}

/// The query as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct FunnelQuery {
    from: String,
    to: String,
    campaign: String,
}

impl FunnelQuery {
    /// The range asked for (the last 30 days by default), or the fields that are wrong.
    fn parse(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate, Option<i64>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let day = |errors: &mut FieldErrors, field: &str, raw: &str, default: NaiveDate| match raw
            .trim()
        {
            "" => default,
            raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d").unwrap_or_else(|_| {
                errors.add(field, "Enter a date like 2026-01-31.");
                default
            }),
        };
        let to = day(&mut errors, "to", &self.to, today);
        let from = day(&mut errors, "from", &self.from, to - Duration::days(29));
        if from > to {
            errors.add("to", "The range ends before it starts.");
        }
        let campaign = match self.campaign.trim() {
            "" => None,
            raw => raw.parse::<i64>().ok().or_else(|| {
                errors.add("campaign", "Choose a campaign from the list.");
                None
            }),
        };
        errors.into_result((from, to, campaign))
    }
}

/// A line as the page shows it.
struct Line {
    figures: Figures,
    revenue: String,
}

#[derive(Template)]
#[template(path = "referrals/funnel.html")]
struct FunnelPage {
    ctx: PageCtx,
    from: String,
    to: String,
    campaign: String,
    errors: FieldErrors,
    campaigns: Vec<(i64, String)>,
    total: Line,
    chart: Chart,
    chart_width: u32,
    by_campaign: Vec<Line>,
    referrers: Vec<Line>,
    csv_query: String,
}

impl FunnelPage {
    fn picked(&self, id: &i64) -> bool {
        self.campaign.trim() == id.to_string()
    }
}

struct Report {
    currency: Currency,
    campaigns: Vec<(i64, String)>,
    total: Figures,
    by_campaign: Vec<Figures>,
    referrers: Vec<Figures>,
}

fn load(
    conn: &mut diesel::PgConnection,
    store: Option<i64>,
    range: Option<(NaiveDate, NaiveDate, Option<i64>)>,
) -> Result<Report, AppError> {
    // The registrations' purchases and revenue: every sale so far folded in.
    crate::db::fold::fold(conn)?;
    let (company, currency) = home_company(conn, store)?;
    let campaigns = campaigns_of(conn, company.id)?;
    let Some((from, to, campaign)) = range else {
        return Ok(Report {
            currency,
            campaigns,
            total: Figures::default(),
            by_campaign: Vec::new(),
            referrers: Vec::new(),
        });
    };
    let range = Range {
        company: company.id,
        clock: Clock::from_name(&company.time_zone),
        from,
        to,
        campaign,
    };
    let lines = funnel::report(conn, &range, TOP)?;
    Ok(Report {
        currency,
        campaigns,
        total: lines.total,
        by_campaign: lines.campaigns,
        referrers: lines.referrers,
    })
}

async fn index(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<FunnelQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let query = query.into_inner();
    let today = user.clock.date(Utc::now());
    let parsed = query.parse(today);
    let (range, errors) = match parsed {
        Ok(range) => (Some(range), FieldErrors::new()),
        Err(errors) => (None, errors),
    };
    let store = user.store_id;
    let report = state.db.run(move |conn| load(conn, store, range)).await?;
    let line = |figures: Figures| Line {
        revenue: report.currency.format(figures.revenue),
        figures,
    };
    let t = &report.total;
    let chart = funnel_chart::chart(&[
        ("Codes issued", t.codes_issued),
        ("Registrations", t.registrations),
        ("First purchases", t.first_purchases),
        ("Reward coupons used", t.coupons_used),
    ]);
    let (from, to) = match range {
        Some((from, to, _)) => (from.to_string(), to.to_string()),
        None => (query.from.clone(), query.to.clone()),
    };
    let csv_query = format!("from={from}&to={to}&campaign={}", query.campaign.trim());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FunnelPage {
        ctx: user.page(),
        from,
        to,
        campaign: query.campaign.clone(),
        errors,
        campaigns: report.campaigns.clone(),
        total: line(report.total.clone()),
        chart,
        chart_width: funnel_chart::WIDTH,
        by_campaign: report.by_campaign.iter().cloned().map(line).collect(),
        referrers: report.referrers.iter().cloned().map(line).collect(),
        csv_query,
    };
    render_status(status, &page)
}

/// Columns of the CSV.
const COLUMNS: [&str; 9] = [
    "Group",
    "Name",
    "Codes issued",
    "Registrations",
    "First purchases",
    "Revenue",
    "Currency",
    "Reward coupons issued",
    "Reward coupons used",
];

async fn csv_download(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<FunnelQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let today = user.clock.date(Utc::now());
    let range = query.parse(today).map_err(AppError::Validation)?;
    let store = user.store_id;
    let report = state
        .db
        .run(move |conn| load(conn, store, Some(range)))
        .await?;
    let mut file = CsvFile::new();
    let failed = |e: csv::Error| AppError::Internal(e.to_string());
    file.row(COLUMNS).map_err(failed)?;
    let groups = std::iter::once(("Total", &report.total))
        .chain(report.by_campaign.iter().map(|f| ("Campaign", f)))
        .chain(report.referrers.iter().map(|f| ("Referrer", f)));
    for (group, f) in groups {
        file.row([
            group.to_owned(),
            f.label.clone(),
            f.codes_issued.to_string(),
            f.registrations.to_string(),
            f.first_purchases.to_string(),
            // Always the currency's decimals ("0.00"), as spreadsheets sum them.
            format!(
                "{:.*}",
                report.currency.minor_unit as usize,
                report.currency.round(f.revenue)
            ),
            report.currency.code.clone(),
            f.coupons_issued.to_string(),
            f.coupons_used.to_string(),
        ])
        .map_err(failed)?;
    }
    let bytes = file.bytes().map_err(failed)?;
    let (from, to, _) = range;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"referral-funnel-{from}-{to}.csv\""),
        ))
        .body(bytes))
}
