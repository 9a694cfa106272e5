//! The segment pages (reports.view reads, segments.manage builds and acts): the list, the form
//! whose count and sample follow the filters as they change, a segment's page with its
//! sentences, live count, sample, size over time and its customers as CSV, and the on-demand
//! snapshot and RFM run.

use actix_web::web::Bytes;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use patron_rules::Currency;
use patron_rules::segments::{Filters, Goods};
use patron_rules::users::Permission;
use serde_json::json;

use super::form::{self, SegmentForm};
use super::model::{self, SegmentFields};
use super::view::{self, Choices, Member};
use super::{READERS, rfm, snapshot};
use crate::reports::chart::{self, Chart};
use crate::state::AppState;
use crate::stores::model::home_company;
use crate::web::csv_file::CsvFile;
use crate::web::format::{count as count_text, day};
use crate::web::stream::csv_download;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/segments", web::get().to(index))
        .route("/segments", web::post().to(create))
        .route("/segments/new", web::get().to(new_page))
        .route("/segments/count", web::post().to(count))
        .route("/segments/rfm", web::post().to(compute_rfm))
        .route("/segments/{id}", web::get().to(show))
        .route("/segments/{id}", web::post().to(update))
        .route("/segments/{id}/edit", web::get().to(edit_page))
        .route("/segments/{id}/snapshot", web::post().to(take_snapshot))
        .route("/segments/{id}/customers.csv", web::get().to(download));
}

/// Customers a CSV page reads at a time.
const CSV_PAGE: i64 = 5000;
/// Snapshots the size chart shows.
const CHART_DAYS: i64 = 90;

/// A line of the list.
struct Line {
    id: i64,
    name: String,
    sentences: Vec<String>,
    size: String,
    as_of: String,
}

#[derive(Template)]
#[template(path = "segments/index.html")]
struct IndexPage {
    ctx: PageCtx,
    rows: Vec<Line>,
    rfm: String,
    can_manage: bool,
}

/// "3 Dec 2026 03:00" in the user's zone, or "never".
fn when(user: &CurrentUser, at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "never".into(), |at| user.clock.at(at))
}

/// What the page says of the last RFM run.
fn rfm_text(user: &CurrentUser, run: Option<rfm::Run>) -> String {
    match run {
        Some(run) => format!(
            "RFM scores of {} customers, computed {}",
            count_text(run.customers),
            user.clock.at(run.computed_at)
        ),
        None => {
            "RFM scores not computed yet: they are computed nightly, or now with the button.".into()
        }
    }
}

async fn index(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let store = user.store_id;
    let (segments, run) = state
        .db
        .run(move |conn| {
            let (company, currency) = home_company(conn, store)?;
            let mut out = Vec::new();
            for s in model::of_company(conn, company.id)? {
                let sentences = view::sentences(conn, &s.fields.filters(), &currency)?;
                out.push((s, sentences));
            }
            Ok((out, rfm::last_run(conn, company.id)?))
        })
        .await?;
    let rows = segments
        .into_iter()
        .map(|(s, sentences)| Line {
            id: s.id,
            name: s.fields.name.clone(),
            sentences,
            size: s.snapshot_size.map_or_else(|| "—".into(), count_text),
            as_of: when(&user, s.snapshot_at),
        })
        .collect();
    render(&IndexPage {
        ctx: user.page(),
        rows,
        rfm: rfm_text(&user, run),
        can_manage: user.can(Permission::SegmentsManage),
    })
}

// ---------------------------------------------------------------------------------------------
// The form and its live count

#[derive(Template)]
#[template(path = "segments/form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<(i64, String)>,
    form: SegmentForm,
    errors: FieldErrors,
    choices: Choices,
    counted: Counted,
}

impl FormPage {
    fn months(&self) -> Vec<(u32, &'static str)> {
        form::months()
    }
    fn picked(&self, key: &str, id: &i64) -> bool {
        self.form.chosen(key, &id.to_string())
    }
}

/// The live count of a form's filters with its sample, or why it cannot count.
#[derive(Template)]
#[template(path = "segments/count.html")]
struct Counted {
    /// "1,234 customers".
    size: String,
    /// When it was counted, in the user's zone.
    at: String,
    /// The filters as sentences.
    sentences: Vec<String>,
    /// Some of the customers.
    sample: Vec<SampleRow>,
    /// What stops the count (a field to correct).
    problem: Option<String>,
}

/// A customer of the sample.
struct SampleRow {
    id: i64,
    name: String,
    code: String,
    mobile: String,
    last_purchase: String,
    spent: String,
}

fn sample_rows(members: Vec<Member>, currency: &Currency) -> Vec<SampleRow> {
    members
        .into_iter()
        .map(|m| SampleRow {
            id: m.id,
            name: m.name,
            code: m.code,
            mobile: m.mobile,
            last_purchase: m.last_purchase.map_or_else(|| "Never".into(), day),
            spent: currency.format(m.net_sales),
        })
        .collect()
}

/// Counts `filters` now, with a sample and the sentences.
fn counted(
    conn: &mut PgConnection,
    filters: &Filters,
    company: i64,
    currency: &Currency,
    today: NaiveDate,
    at: String,
) -> Result<Counted, AppError> {
    let (size, sample) = view::count_and_sample(conn, filters, company, today)?;
    Ok(Counted {
        size: format!(
            "{} {}",
            count_text(size),
            if size == 1 { "customer" } else { "customers" }
        ),
        at,
        sentences: view::sentences(conn, filters, currency)?,
        sample: sample_rows(sample, currency),
        problem: None,
    })
}

/// Reads `form` and counts it; a form that does not read counts nothing and says why.
fn read_and_count(
    conn: &mut PgConnection,
    form: &SegmentForm,
    store: Option<i64>,
    today: NaiveDate,
    at: String,
) -> Result<(Filters, FieldErrors, Counted), AppError> {
    let (company, currency) = home_company(conn, store)?;
    let (filters, errors) = form.read(conn, company.id)?;
    let result = if errors.is_empty() {
        counted(conn, &filters, company.id, &currency, today, at)?
    } else {
        Counted {
            size: String::new(),
            at,
            sentences: Vec::new(),
            sample: Vec::new(),
            problem: Some("Correct the fields marked below to count the customers.".into()),
        }
    };
    Ok((filters, errors, result))
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    editing: Option<(i64, String)>,
    form: SegmentForm,
    shown_errors: Option<FieldErrors>,
) -> Result<HttpResponse, AppError> {
    let (store, clock) = (user.store_id, user.clock);
    let today = clock.today();
    let at = clock.at(Utc::now());
    let typed = form.clone();
    let (choices, errors, counted) = state
        .db
        .run(move |conn| {
            let (company, _) = home_company(conn, store)?;
            let (_, errors, counted) = read_and_count(conn, &typed, store, today, at)?;
            Ok((view::choices(conn, company.id)?, errors, counted))
        })
        .await?;
    render_status(
        status,
        &FormPage {
            ctx: user.page(),
            editing,
            form,
            errors: shown_errors.unwrap_or(if status == StatusCode::OK {
                FieldErrors::new()
            } else {
                errors
            }),
            choices,
            counted,
        },
    )
}

async fn new_page(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    form_page(
        &state,
        &user,
        StatusCode::OK,
        None,
        SegmentForm::default(),
        None,
    )
    .await
}

/// The count of the form as posted (htmx posts it on every change).
async fn count(
    state: web::Data<AppState>,
    user: CurrentUser,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let form = SegmentForm::from_pairs(&pairs);
    let (store, clock) = (user.store_id, user.clock);
    let (today, at) = (clock.today(), clock.at(Utc::now()));
    let counted = state
        .db
        .run(move |conn| Ok(read_and_count(conn, &form, store, today, at)?.2))
        .await?;
    render(&counted)
}

/// Saves the form (a new segment when `id` is none) and snapshots it, in one transaction.
async fn save(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let form = SegmentForm::from_pairs(&pairs);
    let (store, actor, clock) = (user.store_id, user.actor(), user.clock);
    let today = clock.today();
    let typed = form.clone();
    let outcome = state
        .db
        .tx(move |conn| {
            let (company, _) = home_company(conn, store)?;
            if let Some(id) = id {
                let found = model::find(conn, id)?;
                if found.fields.company_id != company.id {
                    return Err(AppError::NotFound);
                }
            }
            let (filters, mut errors) = typed.read(conn, company.id)?;
            let (name, description) = typed.head(&mut errors);
            if !name.is_empty() && model::name_taken(conn, company.id, &name, id)? {
                errors.add("name", format!("Another segment is called {name}."));
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let fields = SegmentFields {
                company_id: company.id,
                name,
                description,
                filters: serde_json::to_value(&filters).unwrap_or_default(),
            };
            let id = match id {
                Some(id) => {
                    model::save(conn, &actor, id, &fields)?;
                    id
                }
                None => model::create(conn, &actor, &fields)?,
            };
            let segment = model::find(conn, id)?;
            let size = snapshot::take(conn, &segment, today, Utc::now())?;
            Ok(Ok((id, fields.name, size)))
        })
        .await?;
    match outcome {
        Ok((id, name, size)) => {
            user.flash(Flash::success(format!(
                "Saved segment {name}: {} customers.",
                count_text(size)
            )));
            Ok(see_other(&format!("/segments/{id}")))
        }
        Err(errors) => {
            let editing = id.map(|id| (id, form.name.clone()));
            form_page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                editing,
                form,
                Some(errors),
            )
            .await
        }
    }
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    save(state, user, None, pairs.into_inner()).await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    save(state, user, Some(id.into_inner()), pairs.into_inner()).await
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let (id, store) = (id.into_inner(), user.store_id);
    let form = state
        .db
        .run(move |conn| {
            let s = model::owned(conn, store, id)?;
            let filters = s.fields.filters();
            let picked = picked_names(conn, &filters)?;
            Ok(SegmentForm::of(
                &s.fields.name,
                &s.fields.description,
                &filters,
                picked,
            ))
        })
        .await?;
    let name = form.name.clone();
    form_page(&state, &user, StatusCode::OK, Some((id, name)), form, None).await
}

/// What the pickers of stored `filters` hold: the bought record's code or name, the coupon's code.
fn picked_names(conn: &mut PgConnection, filters: &Filters) -> Result<(String, String), AppError> {
    use crate::db::schema::{brands, coupons, item_groups, items};
    use diesel::prelude::*;
    let bought = match filters.bought.map(|b| b.what) {
        Some(Goods::Item(id)) => items::table
            .find(id)
            .select(items::item_code)
            .first(conn)
            .optional()?,
        Some(Goods::ItemGroup(id)) => item_groups::table
            .find(id)
            .select(item_groups::name)
            .first(conn)
            .optional()?,
        Some(Goods::Brand(id)) => brands::table
            .find(id)
            .select(brands::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let coupon = match filters.used_coupon {
        Some(u) => coupons::table
            .find(u.what)
            .select(coupons::code)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok((bought.unwrap_or_default(), coupon.unwrap_or_default()))
}

// ---------------------------------------------------------------------------------------------
// A segment's page and its actions

#[derive(Template)]
#[template(path = "segments/show.html")]
struct ShowPage {
    ctx: PageCtx,
    id: i64,
    name: String,
    description: String,
    counted: Counted,
    snapshot: String,
    chart: Option<Chart>,
    rfm: String,
    can_manage: bool,
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let (id, store, clock) = (id.into_inner(), user.store_id, user.clock);
    let (today, at) = (clock.today(), clock.at(Utc::now()));
    let (segment, counted, sizes, run) = state
        .db
        .run(move |conn| {
            let segment = model::owned(conn, store, id)?;
            let currency = crate::stores::model::company_currency(conn, segment.fields.company_id)?;
            let counted = counted(
                conn,
                &segment.fields.filters(),
                segment.fields.company_id,
                &currency,
                today,
                at,
            )?;
            let sizes = model::sizes(conn, id, CHART_DAYS)?;
            let run = rfm::last_run(conn, segment.fields.company_id)?;
            Ok((segment, counted, sizes, run))
        })
        .await?;
    let snapshot = match (segment.snapshot_at, segment.snapshot_size) {
        (Some(at), Some(size)) => format!(
            "{} customers as of {} (what an offer aimed at this segment reads)",
            count_text(size),
            user.clock.at(at)
        ),
        _ => "No snapshot yet".into(),
    };
    render(&ShowPage {
        ctx: user.page(),
        id,
        name: segment.fields.name.clone(),
        description: segment.fields.description.clone(),
        counted,
        snapshot,
        chart: chart::counts_chart("Customers in the segment, day by day", &sizes),
        rfm: rfm_text(&user, run),
        can_manage: user.can(Permission::SegmentsManage),
    })
}

/// Writes the segment's members down now (the nightly run does it too).
async fn take_snapshot(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let (id, store, actor, today) = (
        id.into_inner(),
        user.store_id,
        user.actor(),
        user.clock.today(),
    );
    let size = state
        .db
        .tx(move |conn| {
            let segment = model::owned(conn, store, id)?;
            let size = snapshot::take(conn, &segment, today, Utc::now())?;
            model::note(conn, &actor, id, "snapshot", json!({ "members": size }))?;
            Ok(size)
        })
        .await?;
    user.flash(Flash::success(format!(
        "Wrote down the segment's {} customers.",
        count_text(size)
    )));
    Ok(see_other(&format!("/segments/{id}")))
}

/// Recomputes the company's RFM scores now, then every segment's snapshot.
async fn compute_rfm(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let (store, actor, today) = (user.store_id, user.actor(), user.clock.today());
    let scored = state
        .db
        .tx(move |conn| {
            let (company, _) = home_company(conn, store)?;
            let now = Utc::now();
            let scored = rfm::compute(conn, company.id, today, now)?;
            for segment in model::of_company(conn, company.id)? {
                snapshot::take(conn, &segment, today, now)?;
            }
            model::note_rfm(conn, &actor, company.id, scored)?;
            Ok(scored)
        })
        .await?;
    user.flash(Flash::success(format!(
        "Computed the RFM scores of {} customers.",
        count_text(scored)
    )));
    Ok(see_other("/segments"))
}

/// The segment's customers as CSV, read page by page (memory stays flat), the export audited.
async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let (id, store, actor, today) = (
        id.into_inner(),
        user.store_id,
        user.actor(),
        user.clock.today(),
    );
    let (segment, currency) = state
        .db
        .tx(move |conn| {
            let segment = model::owned(conn, store, id)?;
            let size = view::count(
                conn,
                &segment.fields.filters(),
                segment.fields.company_id,
                today,
            )?;
            model::note(conn, &actor, id, "export", json!({ "customers": size }))?;
            let currency = crate::stores::model::company_currency(conn, segment.fields.company_id)?;
            Ok((segment, currency))
        })
        .await?;
    let filters = segment.fields.filters();
    let company = segment.fields.company_id;
    let file = format!("segment-{id}.csv");
    let mut after = Some(0_i64);
    let mut header = true;
    Ok(csv_download(state.db.pool().clone(), &file, move |conn| {
        let Some(from) = after else { return Ok(None) };
        let rows = view::page(conn, &filters, company, today, from, CSV_PAGE)?;
        after = (rows.len() as i64 == CSV_PAGE).then(|| rows.last().map_or(from, |r| r.id));
        let bytes =
            csv_page(&rows, header, &currency).map_err(|e| AppError::Internal(e.to_string()))?;
        header = false;
        Ok(Some(Bytes::from(bytes)))
    }))
}

/// CSV of `rows`, with the header first when `header`.
fn csv_page(rows: &[Member], header: bool, currency: &Currency) -> Result<Vec<u8>, csv::Error> {
    let mut out = CsvFile::new();
    if header {
        out.row([
            "Customer Code",
            "Name",
            "Mobile",
            "Email",
            "Last Purchase",
            "Net Spend",
        ])?;
    }
    for m in rows {
        out.row([
            m.code.clone(),
            m.name.clone(),
            m.mobile.clone(),
            m.email.clone(),
            m.last_purchase.map(|d| d.to_string()).unwrap_or_default(),
            currency.round(m.net_sales).to_string(),
        ])?;
    }
    out.bytes()
}
