//! A segment's actions (segments.manage), each a small page with its form: issue one Gift Card
//! coupon per customer of the segment for a coupon based offer (a coupon batch, made in the
//! background with its progress on the batch's page), and enrol the segment's customers in a
//! loyalty program. Each takes a fresh snapshot first, so that whom it reaches is the count the
//! page showed; each is one transaction with its audit entry; each is safe to run twice.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::PgConnection;
use patron_rules::coupons::codes;
use patron_rules::users::Permission;
use serde_json::json;

use super::model::{self, Segment};
use super::snapshot;
use crate::coupons::form::{CouponForm, check_against};
use crate::coupons::model::batch::{self, BatchFields, MOST};
use crate::coupons::model::{for_customers, queries};
use crate::loyalty::model::programs;
use crate::state::AppState;
use crate::web::format::count as count_text;
use crate::web::{AppError, CurrentUser, FieldErrors, Flash, PageCtx, render_status, see_other};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/segments/{id}/coupons", web::get().to(coupons_page))
        .route("/segments/{id}/coupons", web::post().to(issue))
        .route("/segments/{id}/enrol", web::get().to(enrol_page))
        .route("/segments/{id}/enrol", web::post().to(enrol));
}

/// The value of `name` among `pairs`, or empty.
fn value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// What the segment's pages say of it: its id, name and the snapshot's size now.
struct Head {
    id: i64,
    name: String,
    size: String,
}

// ---------------------------------------------------------------------------------------------
// Issue coupons

/// The coupon form as typed.
#[derive(Debug, Clone, Default)]
struct CouponsForm {
    offer_id: String,
    campaign_id: String,
    valid_from: String,
    valid_upto: String,
    prefix: String,
}

impl CouponsForm {
    fn from_pairs(pairs: &[(String, String)]) -> CouponsForm {
        CouponsForm {
            offer_id: value(pairs, "offer_id"),
            campaign_id: value(pairs, "campaign_id"),
            valid_from: value(pairs, "valid_from"),
            valid_upto: value(pairs, "valid_upto"),
            prefix: codes::normalize(&value(pairs, "prefix")),
        }
    }

    /// The batch to make for `segment`, or a message per field (offer coupon based and the
    /// company's, the dates inside the offer's and in order, the campaign the company's).
    fn read(
        &self,
        conn: &mut PgConnection,
        segment: &Segment,
        by: String,
    ) -> Result<Result<BatchFields, FieldErrors>, AppError> {
        // The coupon form's own checks, for a coupon named after the segment.
        let coupon = CouponForm {
            name: segment.fields.name.clone(),
            coupon_type: "promotional".into(),
            company_id: segment.fields.company_id.to_string(),
            offer_id: self.offer_id.clone(),
            campaign_id: self.campaign_id.clone(),
            valid_from: self.valid_from.clone(),
            valid_upto: self.valid_upto.clone(),
            maximum_use: "1".into(),
            ..CouponForm::default()
        };
        let mut errors = FieldErrors::new();
        if let Some(problem) = codes::prefix_problem(&self.prefix) {
            errors.add("prefix", problem);
        }
        let parsed = match coupon.parse() {
            Ok(mut parsed) => {
                check_against(conn, &mut parsed, &mut errors)?;
                Some(parsed)
            }
            Err(more) => {
                for (field, message) in more.iter() {
                    errors.add(field, message);
                }
                None
            }
        };
        let (Some(parsed), true) = (parsed, errors.is_empty()) else {
            return Ok(Err(errors));
        };
        let c = parsed.fields;
        Ok(Ok(BatchFields {
            company_id: c.company_id,
            offer_id: c.offer_id,
            campaign_id: c.campaign_id,
            name: c.name,
            prefix: self.prefix.clone(),
            requested: 1,
            maximum_use: 1,
            one_use: false,
            valid_from: c.valid_from,
            valid_upto: c.valid_upto,
            created_by: by,
            segment_id: Some(segment.id),
        }))
    }
}

#[derive(Template)]
#[template(path = "segments/coupons.html")]
struct CouponsPage {
    ctx: PageCtx,
    segment: Head,
    form: CouponsForm,
    errors: FieldErrors,
    offers: Vec<(i64, String)>,
    campaigns: Vec<(i64, String)>,
    most: String,
}

impl CouponsPage {
    fn picked(&self, value: &str, id: &i64) -> bool {
        value == id.to_string()
    }
}

/// The segment's head and its size counted now (what the action would reach).
fn head(
    conn: &mut PgConnection,
    segment: &Segment,
    today: chrono::NaiveDate,
) -> Result<Head, AppError> {
    let size = super::view::count(
        conn,
        &segment.fields.filters(),
        segment.fields.company_id,
        today,
    )?;
    Ok(Head {
        id: segment.id,
        name: segment.fields.name.clone(),
        size: customers(size),
    })
}

async fn coupons_form(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    form: CouponsForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (store, today) = (user.store_id, user.clock.today());
    let (segment, offers, campaigns) = state
        .db
        .run(move |conn| {
            let segment = model::owned(conn, store, id)?;
            let company = segment.fields.company_id;
            Ok((
                head(conn, &segment, today)?,
                queries::coupon_offers(conn, company)?,
                queries::campaigns_of(conn, company)?,
            ))
        })
        .await?;
    render_status(
        status,
        &CouponsPage {
            ctx: user.page(),
            segment,
            form,
            errors,
            offers,
            campaigns,
            most: count_text(i64::from(MOST)),
        },
    )
}

async fn coupons_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let form = CouponsForm::default();
    coupons_form(
        &state,
        &user,
        id.into_inner(),
        StatusCode::OK,
        form,
        FieldErrors::new(),
    )
    .await
}

/// What issuing came to: a batch making the coupons, or none due.
enum Issued {
    Batch(i64),
    NoneDue(i64),
}

/// Takes a fresh snapshot and records a batch for its members who hold no coupon of the offer
/// from this segment yet, audited on the segment; the batch then runs in the background. A
/// refusal (a field to correct, a segment past a batch's size) writes nothing.
async fn issue(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let (id, store, actor, today) = (
        id.into_inner(),
        user.store_id,
        user.actor(),
        user.clock.today(),
    );
    let form = CouponsForm::from_pairs(&pairs);
    let typed = form.clone();
    let outcome = state
        .db
        .tx(move |conn| {
            let segment = model::owned(conn, store, id)?;
            let mut fields = typed
                .read(conn, &segment, actor.parts().1)?
                .map_err(AppError::Validation)?;
            let members = snapshot::take(conn, &segment, today, chrono::Utc::now())?;
            let due = for_customers::due(conn, id, fields.offer_id)?;
            let note = json!({ "offer_id": fields.offer_id, "members": members, "due": due });
            if due == 0 {
                model::note(conn, &actor, id, "issue_coupons", note)?;
                return Ok(Issued::NoneDue(members));
            }
            fields.requested = i32::try_from(due)
                .ok()
                .filter(|n| *n <= MOST)
                .ok_or_else(|| {
                    AppError::field(
                        "offer_id",
                        format!(
                            "{} customers are due a coupon; a batch makes at most {}: narrow the segment.",
                            count_text(due),
                            count_text(i64::from(MOST))
                        ),
                    )
                })?;
            let batch = batch::create(conn, &actor, &fields)?;
            let mut note = note;
            note["batch_id"] = batch.into();
            model::note(conn, &actor, id, "issue_coupons", note)?;
            Ok(Issued::Batch(batch))
        })
        .await;
    match outcome {
        Ok(Issued::Batch(batch)) => {
            batch::spawn(state.db.pool().clone(), batch);
            Ok(see_other(&format!("/coupons/batches/{batch}")))
        }
        Ok(Issued::NoneDue(members)) => {
            user.flash(Flash::success(format!(
                "Each of the {} in the segment holds a coupon of this offer from it already: none issued.",
                customers(members)
            )));
            Ok(see_other(&format!("/segments/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            coupons_form(&state, &user, id, status, form, errors).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Enrol in a loyalty program

#[derive(Template)]
#[template(path = "segments/enrol.html")]
struct EnrolPage {
    ctx: PageCtx,
    segment: Head,
    program: String,
    errors: FieldErrors,
    programs: Vec<(i64, String)>,
}

impl EnrolPage {
    fn picked(&self, id: &i64) -> bool {
        self.program == id.to_string()
    }
}

/// The programs of `company` one may join on `today` (active, running), by name.
fn joinable(
    conn: &mut PgConnection,
    company: i64,
    today: chrono::NaiveDate,
) -> Result<Vec<programs::Program>, AppError> {
    Ok(programs::all(conn)?
        .into_iter()
        .filter(|p| p.fields.company_id == company && p.runs_on(today))
        .collect())
}

async fn enrol_form(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    program: String,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (store, today) = (user.store_id, user.clock.today());
    let (segment, programs) = state
        .db
        .run(move |conn| {
            let segment = model::owned(conn, store, id)?;
            let programs = joinable(conn, segment.fields.company_id, today)?
                .into_iter()
                .map(|p| (p.id, p.fields.name))
                .collect();
            Ok((head(conn, &segment, today)?, programs))
        })
        .await?;
    render_status(
        status,
        &EnrolPage {
            ctx: user.page(),
            segment,
            program,
            errors,
            programs,
        },
    )
}

async fn enrol_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let status = StatusCode::OK;
    enrol_form(
        &state,
        &user,
        id.into_inner(),
        status,
        String::new(),
        FieldErrors::new(),
    )
    .await
}

/// Takes a fresh snapshot and enrols its members who are in no program of the company (and
/// inside the program's group and territory) in one statement, audited on the segment with
/// the counts and on each customer enrolled.
async fn enrol(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::SegmentsManage)?;
    let (id, store, actor, today) = (
        id.into_inner(),
        user.store_id,
        user.actor(),
        user.clock.today(),
    );
    let program = value(&pairs, "program");
    let typed = program.clone();
    let outcome = state
        .db
        .tx(move |conn| {
            let segment = model::owned(conn, store, id)?;
            let chosen = typed.parse::<i64>().ok();
            let Some(program) = joinable(conn, segment.fields.company_id, today)?
                .into_iter()
                .find(|p| Some(p.id) == chosen)
            else {
                let message = if chosen.is_none() {
                    "Choose the Loyalty Program."
                } else {
                    "Choose an active program of the company that runs today."
                };
                return Err(AppError::field("program", message));
            };
            snapshot::take(conn, &segment, today, chrono::Utc::now())?;
            let members = snapshot::members(conn, id)?;
            let joined = crate::loyalty::model::join_all(conn, &actor, &members, &program)?;
            let note = json!({
                "program_id": program.id,
                "program": program.fields.name,
                "enrolled": joined.enrolled,
                "already_members": joined.already,
                "outside_program": joined.outside,
            });
            model::note(conn, &actor, id, "enrol", note)?;
            Ok((program.fields.name, joined))
        })
        .await;
    match outcome {
        Ok((name, joined)) => {
            let mut text = format!(
                "Enrolled {} in {name}; left {} who {} in a program already",
                customers(joined.enrolled),
                customers(joined.already),
                if joined.already == 1 { "is" } else { "are" },
            );
            if joined.outside > 0 {
                text.push_str(&format!(
                    " and {} outside the Customer Group or Territory of the program",
                    customers(joined.outside)
                ));
            }
            text.push('.');
            user.flash(Flash::success(text));
            Ok(see_other(&format!("/segments/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            enrol_form(&state, &user, id, status, program, errors).await
        }
        Err(e) => Err(e),
    }
}

/// "1 customer", "1,234 customers".
fn customers(n: i64) -> String {
    format!(
        "{} {}",
        count_text(n),
        if n == 1 { "customer" } else { "customers" }
    )
}
