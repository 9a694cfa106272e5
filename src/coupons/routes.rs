//! The Coupons pages (coupons.manage writes, reports.view reads): the list with its search and
//! filters, the form, and a page per coupon with its uses and what is left. Coupons are never
//! deleted: Disable.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use super::code_record::list::PAGE;
use super::code_record::model::CodeTable;
use super::form::{self, CouponForm};
use super::list::{self, ListFilter, ListRow};
use super::model::queries::{self, Redemption};
use super::model::store::{Coupons, StoredCoupon};
use crate::state::AppState;
use crate::stores::model::home_company;
use crate::stores::model::{self as stores, Company};
use crate::web::pager::{self, PageQuery, Pager};
use crate::web::{AppError, CurrentUser, FieldErrors, Flash, PageCtx, render_status, see_other};
use patron_rules::coupons::Status;
use patron_rules::users::Permission;

/// Who may read the coupon pages.
pub const READERS: [Permission; 2] = [Permission::CouponsManage, Permission::ReportsView];

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/coupons", web::get().to(index))
        .route("/coupons", web::post().to(create))
        .route("/coupons/new", web::get().to(new_page))
        .route("/coupons/{id}", web::get().to(show))
        .route("/coupons/{id}", web::post().to(update))
        .route("/coupons/{id}/edit", web::get().to(edit_page))
        .route("/coupons/{id}/disable", web::post().to(disable))
        .route("/coupons/{id}/enable", web::post().to(enable));
}

/// A list row with its status today.
pub struct Row {
    /// The coupon.
    pub row: ListRow,
    /// Its status.
    pub status: Status,
}

#[derive(Template)]
#[template(path = "coupons/index.html")]
struct IndexPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    pager: Pager,
    filter: ListFilter,
    offers: Vec<(i64, String)>,
    campaigns: Vec<(i64, String)>,
    statuses: [Status; 5],
    can_manage: bool,
}

impl IndexPage {
    fn picked(&self, value: &str, id: &i64) -> bool {
        value.trim() == id.to_string()
    }
}

#[derive(serde::Deserialize)]
struct IndexQuery {
    #[serde(flatten)]
    filter: ListFilter,
    #[serde(flatten)]
    page: PageQuery,
}

async fn index(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<IndexQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let IndexQuery { filter, page } = query.into_inner();
    let (store, today) = (user.store_id, user.clock.date(Utc::now()));
    let keyset = page.keyset(|k| k.parse::<i64>().ok());
    let typed = filter.clone();
    let (found, offers, campaigns) = state
        .db
        .run(move |conn| {
            let (company, _) = home_company(conn, store)?;
            Ok((
                list::page(conn, company.id, &typed, today, &keyset)?,
                queries::coupon_offers(conn, company.id)?,
                queries::campaigns_of(conn, company.id)?,
            ))
        })
        .await?;
    let keyset = page.keyset(|k| k.parse::<i64>().ok());
    let base = pager::link("/coupons", &filter.pairs());
    let (rows, pager) = pager::paginate(
        &page,
        &keyset,
        found,
        PAGE,
        |r| r.id.to_string(),
        &base,
        "coupon-list",
    );
    let rows = rows
        .into_iter()
        .map(|row| Row {
            status: row.status(today),
            row,
        })
        .collect();
    render_status(
        StatusCode::OK,
        &IndexPage {
            ctx: user.page(),
            rows,
            pager,
            filter,
            offers,
            campaigns,
            statuses: Status::ALL,
            can_manage: user.can(Permission::CouponsManage),
        },
    )
}

#[derive(Template)]
#[template(path = "coupons/show.html")]
struct ShowPage {
    ctx: PageCtx,
    coupon: Row,
    customer: Option<crate::customers::model::Customer>,
    redemptions: Vec<Redemption>,
    uses_left: String,
    can_manage: bool,
}

/// How many uses a coupon page lists.
const LISTED_USES: i64 = 200;

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let (id, today) = (id.into_inner(), user.clock.date(Utc::now()));
    let (row, customer, redemptions) = state
        .db
        .run(move |conn| {
            let row = list::one(conn, id)?;
            let customer = match row.customer_id {
                Some(customer) => Some(crate::customers::model::find(conn, customer)?),
                None => None,
            };
            let redemptions = queries::redemptions(conn, id, LISTED_USES)?;
            Ok((row, customer, redemptions))
        })
        .await?;
    let uses_left = if row.maximum_use == 0 {
        "No limit".to_owned()
    } else {
        (row.maximum_use - row.used).max(0).to_string()
    };
    render_status(
        StatusCode::OK,
        &ShowPage {
            ctx: user.page(),
            coupon: Row {
                status: row.status(today),
                row,
            },
            customer,
            redemptions,
            uses_left,
            can_manage: user.can(Permission::CouponsManage),
        },
    )
}

#[derive(Template)]
#[template(path = "coupons/form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<StoredCoupon>,
    form: CouponForm,
    errors: FieldErrors,
    companies: Vec<Company>,
    offers: Vec<(i64, String)>,
    campaigns: Vec<(i64, String)>,
}

impl FormPage {
    fn picked(&self, value: &str, id: &i64) -> bool {
        value.trim() == id.to_string()
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    editing: Option<StoredCoupon>,
    form: CouponForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let company = form.company_id.trim().parse::<i64>().unwrap_or(0);
    let (companies, offers, campaigns) = state
        .db
        .run(move |conn| {
            Ok((
                stores::companies(conn)?,
                queries::coupon_offers(conn, company)?,
                queries::campaigns_of(conn, company)?,
            ))
        })
        .await?;
    render_status(
        status,
        &FormPage {
            ctx: user.page(),
            editing,
            form,
            errors,
            companies,
            offers,
            campaigns,
        },
    )
}

async fn new_page(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::CouponsManage)?;
    let store = user.store_id;
    let company = state
        .db
        .run(move |conn| Ok(stores::company_of(conn, store)?.map(|c| c.id)))
        .await?;
    let form = CouponForm::blank(company);
    form_page(
        &state,
        &user,
        StatusCode::OK,
        None,
        form,
        FieldErrors::new(),
    )
    .await
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CouponsManage)?;
    let id = id.into_inner();
    let (coupon, customer_code) = state
        .db
        .run(move |conn| {
            let coupon = Coupons::find(conn, id)?;
            let code = match coupon.fields.customer_id {
                Some(c) => Some(crate::customers::model::find(conn, c)?.code),
                None => None,
            };
            Ok((coupon, code))
        })
        .await?;
    let form = CouponForm::of(&coupon, customer_code);
    form_page(
        &state,
        &user,
        StatusCode::OK,
        Some(coupon),
        form,
        FieldErrors::new(),
    )
    .await
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CouponsManage)?;
    save(&state, &user, None, CouponForm::from_pairs(&form)).await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CouponsManage)?;
    let id = id.into_inner();
    let coupon = state
        .db
        .run(move |conn| Ok(Coupons::find(conn, id)?))
        .await?;
    let mut typed = CouponForm::from_pairs(&form);
    // The code may be printed and the company owns the offer: both stay once made.
    typed.company_id = coupon.fields.company_id.to_string();
    typed.code = coupon.code.clone();
    save(&state, &user, Some(coupon), typed).await
}

/// Creates or saves a coupon in one transaction, audited; bad input, a taken code or an offer
/// that cannot take coupons come back as the form with messages (422).
async fn save(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<StoredCoupon>,
    form: CouponForm,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (user.actor(), editing.as_ref().map(|c| c.id));
    let typed = form.clone();
    let outcome = state
        .db
        .tx(move |conn| {
            let mut parsed = match typed.parse() {
                Ok(parsed) => parsed,
                Err(errors) => return Ok(Err(errors)),
            };
            let mut errors = FieldErrors::new();
            if stores::find_company(conn, parsed.fields.company_id).is_err() {
                errors.add("company_id", "Choose the company.");
            }
            form::check_against(conn, &mut parsed, &mut errors)?;
            let company = parsed.fields.company_id;
            if id.is_none()
                && let Some(code) = &parsed.code
                && Coupons::code_taken(conn, company, code)?
            {
                errors.add(
                    "code",
                    format!("Another coupon of the company has the code {code}."),
                );
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let id = match id {
                Some(id) => {
                    Coupons::save(conn, &actor, id, &parsed.fields)?;
                    id
                }
                None => {
                    let code = match parsed.code {
                        Some(code) => code,
                        None => Coupons::fresh_code(conn, company)?,
                    };
                    Coupons::create(conn, &actor, &code, &parsed.fields)?
                }
            };
            Ok(Ok(id))
        })
        .await?;
    match outcome {
        Ok(id) => {
            let verb = if editing.is_some() {
                "Saved"
            } else {
                "Created"
            };
            user.flash(Flash::success(format!(
                "{verb} coupon {}.",
                form.name.trim()
            )));
            Ok(see_other(&format!("/coupons/{id}")))
        }
        Err(errors) => {
            form_page(
                state,
                user,
                StatusCode::UNPROCESSABLE_ENTITY,
                editing,
                form,
                errors,
            )
            .await
        }
    }
}

async fn disable(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    switch(state, user, id.into_inner(), true).await
}

async fn enable(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    switch(state, user, id.into_inner(), false).await
}

async fn switch(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: i64,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CouponsManage)?;
    let actor = user.actor();
    let code = state
        .db
        .tx(move |conn| {
            let coupon = Coupons::find(conn, id)?;
            Coupons::set_disabled(conn, &actor, id, disabled)?;
            Ok(coupon.code)
        })
        .await?;
    let done = if disabled { "Disabled" } else { "Enabled" };
    user.flash(Flash::success(format!("{done} coupon {code}.")));
    Ok(see_other(&format!("/coupons/{id}")))
}
