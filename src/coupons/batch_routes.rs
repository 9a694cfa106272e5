//! The Generate codes pages (coupons.manage makes, downloads and switches; the coupon pages'
//! readers see the list and each batch's figures): the list of batches, the batch form, the batch's
//! page with its progress while the codes are made, what its codes were used for, the codes as
//! CSV once they are, and Disable/Enable of all its codes in one audited action.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::coupons::codes;
use patron_rules::users::Permission;

use super::READERS;
use super::form::{self, CouponForm, OfferPrefill};
use super::model::batch::{self, Batch, BatchFields, BatchRow, MOST};
use super::model::queries;
use crate::state::AppState;
use crate::stores::model::home_company;
use crate::web::format::count as count_text;
use crate::web::{AppError, CurrentUser, FieldErrors, Flash, PageCtx, render_status, see_other};

/// Mounts the routes (before `/coupons/{id}`).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/coupons/batches", web::post().to(create))
        .route("/coupons/batches", web::get().to(index))
        .route("/coupons/batches/new", web::get().to(new_page))
        .route("/coupons/batches/{id}", web::get().to(show))
        .route("/coupons/batches/{id}/codes.csv", web::get().to(download))
        .route("/coupons/batches/{id}/disable", web::post().to(disable))
        .route("/coupons/batches/{id}/enable", web::post().to(enable));
}

/// The list's filters as the query string carries them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
struct BatchFilter {
    offer: String,
    campaign: String,
}

impl BatchFilter {
    fn id(text: &str) -> Option<i64> {
        text.trim().parse().ok()
    }
}

#[derive(Template)]
#[template(path = "coupons/batches.html")]
struct IndexPage {
    ctx: PageCtx,
    rows: Vec<BatchRow>,
    filter: BatchFilter,
    offers: Vec<(i64, String)>,
    campaigns: Vec<(i64, String)>,
    listed: i64,
    can_manage: bool,
}

impl IndexPage {
    /// (id, name) pairs as a filter's choices.
    fn choices(&self, named: &[(i64, String)]) -> Vec<(String, String)> {
        named
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect()
    }
}

/// The batches of the user's company, newest first, by offer and campaign.
async fn index(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<BatchFilter>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let filter = query.into_inner();
    let (offer, campaign) = (
        BatchFilter::id(&filter.offer),
        BatchFilter::id(&filter.campaign),
    );
    let store = user.store_id;
    let (rows, offers, campaigns) = state
        .db
        .run(move |conn| {
            let (company, _) = home_company(conn, store)?;
            Ok((
                batch::list(conn, company.id, offer, campaign)?,
                queries::coupon_offers(conn, company.id)?,
                queries::campaigns_of(conn, company.id)?,
            ))
        })
        .await?;
    render_status(
        StatusCode::OK,
        &IndexPage {
            ctx: user.page(),
            rows,
            filter,
            offers,
            campaigns,
            listed: batch::LISTED,
            can_manage: user.can(Permission::CouponsManage),
        },
    )
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

/// Disables or enables every code of batch `id` in one audited action.
async fn switch(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: i64,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CouponsManage)?;
    let actor = user.actor();
    let (name, changed) = state
        .db
        .tx(move |conn| {
            let found = batch::find(conn, id)?;
            if found.status != "done" {
                return Err(AppError::Conflict(
                    "The codes are not all made yet: wait for the batch to finish.".into(),
                ));
            }
            Ok((found.name, batch::set_disabled(conn, &actor, id, disabled)?))
        })
        .await?;
    let done = if disabled { "Disabled" } else { "Enabled" };
    let codes = i64::try_from(changed).unwrap_or(i64::MAX);
    let noun = if codes == 1 { "code" } else { "codes" };
    user.flash(Flash::success(format!(
        "{done} {} {noun} of batch {name}.",
        count_text(codes)
    )));
    Ok(see_other(&format!("/coupons/batches/{id}")))
}

/// The batch form as typed.
#[derive(Debug, Clone, Default)]
struct BatchForm {
    /// What the coupons share (name, offer, campaign, dates, Maximum Use, One Use).
    coupon: CouponForm,
    /// How many codes.
    count: String,
    /// Prefix.
    prefix: String,
}

impl BatchForm {
    fn from_pairs(pairs: &[(String, String)], company: i64) -> BatchForm {
        let mut coupon = CouponForm::from_pairs(pairs);
        coupon.coupon_type = "promotional".into();
        coupon.company_id = company.to_string();
        coupon.code.clear();
        coupon.customer.clear();
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        BatchForm {
            coupon,
            count: value("count"),
            prefix: value("prefix"),
        }
    }
}

#[derive(Template)]
#[template(path = "coupons/batch_form.html")]
struct FormPage {
    ctx: PageCtx,
    form: BatchForm,
    errors: FieldErrors,
    offers: Vec<(i64, String)>,
    campaigns: Vec<(i64, String)>,
    most: String,
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
    form: BatchForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let store = user.store_id;
    let (offers, campaigns) = state
        .db
        .run(move |conn| {
            let (company, _) = home_company(conn, store)?;
            Ok((
                queries::coupon_offers(conn, company.id)?,
                queries::campaigns_of(conn, company.id)?,
            ))
        })
        .await?;
    render_status(
        status,
        &FormPage {
            ctx: user.page(),
            form,
            errors,
            offers,
            campaigns,
            most: count_text(i64::from(MOST)),
        },
    )
}

async fn new_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    prefill: web::Query<OfferPrefill>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CouponsManage)?;
    let form = BatchForm {
        // Each generated code goes to one person: one use each unless said otherwise.
        coupon: CouponForm {
            maximum_use: "1".into(),
            ..CouponForm::for_offer(None, &prefill)
        },
        count: "1000".into(),
        prefix: String::new(),
    };
    form_page(&state, &user, StatusCode::OK, form, FieldErrors::new()).await
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CouponsManage)?;
    let (store, actor) = (user.store_id, user.actor());
    let pairs = pairs.into_inner();
    let outcome = state
        .db
        .tx(move |conn| {
            let (company, _) = home_company(conn, store)?;
            let form = BatchForm::from_pairs(&pairs, company.id);
            let mut errors = FieldErrors::new();
            let count = form
                .count
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|n| (1..=MOST).contains(n));
            if count.is_none() {
                errors.add(
                    "count",
                    format!(
                        "Enter how many codes: 1 to {}.",
                        count_text(i64::from(MOST))
                    ),
                );
            }
            let prefix = codes::normalize(&form.prefix);
            if let Some(problem) = codes::prefix_problem(&prefix) {
                errors.add("prefix", problem);
            }
            let parsed = match form.coupon.parse() {
                Ok(mut parsed) => {
                    form::check_against(conn, &mut parsed, &mut errors)?;
                    Some(parsed)
                }
                Err(more) => {
                    for (field, message) in more.iter() {
                        errors.add(field, message);
                    }
                    None
                }
            };
            let (Some(parsed), Some(count), true) = (parsed, count, errors.is_empty()) else {
                return Ok(Err((form, errors)));
            };
            let c = parsed.fields;
            let fields = BatchFields {
                company_id: c.company_id,
                offer_id: c.offer_id,
                campaign_id: c.campaign_id,
                name: c.name,
                prefix,
                requested: count,
                maximum_use: c.maximum_use,
                one_use: c.one_use,
                valid_from: c.valid_from,
                valid_upto: c.valid_upto,
                created_by: actor.parts().1,
                segment_id: None,
            };
            Ok(Ok(batch::create(conn, &actor, &fields)?))
        })
        .await?;
    match outcome {
        Ok(id) => {
            batch::spawn(state.db.pool().clone(), id);
            Ok(see_other(&format!("/coupons/batches/{id}")))
        }
        Err((form, errors)) => {
            form_page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                errors,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "coupons/batch.html")]
struct ShowPage {
    ctx: PageCtx,
    batch: Batch,
    figures: BatchRow,
    can_manage: bool,
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    let (batch, figures) = state
        .db
        .run(move |conn| {
            let batch = batch::find(conn, id)?;
            let figures = batch::row(conn, batch.company_id, id)?;
            Ok((batch, figures))
        })
        .await?;
    render_status(
        StatusCode::OK,
        &ShowPage {
            ctx: user.page(),
            batch,
            figures,
            can_manage: user.can(Permission::CouponsManage),
        },
    )
}

async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CouponsManage)?;
    let (id, actor) = (id.into_inner(), user.actor());
    let bytes = state
        .db
        .tx(move |conn| {
            let found = batch::find(conn, id)?;
            if found.status != "done" {
                return Err(AppError::Conflict(
                    "The codes are not all made yet: download them once the batch is done.".into(),
                ));
            }
            let bytes = batch::csv(conn, id).map_err(|e| AppError::Internal(format!("{e:#}")))?;
            batch::note_export(conn, &actor, id)?;
            Ok(bytes)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"coupon-batch-{id}.csv\""),
        ))
        .body(bytes))
}
