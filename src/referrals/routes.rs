//! The Referral Codes pages (referrals.manage writes, reports.view reads): the list with its
//! search and filters, the form with a customer picker, and a page per code with its
//! registrations and their reward coupons. Codes are never deleted: Disable.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use super::form::{self, CodeForm};
use super::list::{self, ListFilter, ListRow};
use super::model::StoredCode;
use super::model::codes::ReferralCodes;
use super::model::queries::{self, Registered};
use crate::coupons::code_record::list::PAGE;
use crate::coupons::code_record::model::CodeTable;
use crate::coupons::model::queries::{campaigns_of, coupon_offers};
use crate::state::AppState;
use crate::stores::model::home_company;
use crate::stores::model::{self as stores, Company};
use crate::web::pager::{self, PageQuery, Pager};
use crate::web::request::is_fragment_request;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};
use patron_rules::users::Permission;

/// Who may read the referral pages.
pub const READERS: [Permission; 2] = [Permission::ReferralsManage, Permission::ReportsView];

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/referrals", web::get().to(index))
        .route("/referrals", web::post().to(create))
        .route("/referrals/new", web::get().to(new_page))
        .route("/referrals/{id}", web::get().to(show))
        .route("/referrals/{id}", web::post().to(update))
        .route("/referrals/{id}/edit", web::get().to(edit_page))
        .route("/referrals/{id}/disable", web::post().to(disable))
        .route("/referrals/{id}/enable", web::post().to(enable));
}

#[derive(Template)]
#[template(path = "referrals/index.html", blocks = ["results"])]
struct IndexPage {
    ctx: PageCtx,
    rows: Vec<ListRow>,
    pager: Pager,
    filter: ListFilter,
    campaigns: Vec<(i64, String)>,
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
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let IndexQuery { filter, page } = query.into_inner();
    let store = user.store_id;
    let keyset = page.keyset(|k| k.parse::<i64>().ok());
    let typed = filter.clone();
    let (found, campaigns) = state
        .db
        .run(move |conn| {
            let (company, _) = home_company(conn, store)?;
            Ok((
                list::page(conn, company.id, &typed, &keyset)?,
                campaigns_of(conn, company.id)?,
            ))
        })
        .await?;
    let keyset = page.keyset(|k| k.parse::<i64>().ok());
    let base = pager::link("/referrals", &filter.pairs());
    let (rows, pager) = pager::paginate(
        &page,
        &keyset,
        found,
        PAGE,
        |r| r.id.to_string(),
        &base,
        "referral-list",
    );
    let page = IndexPage {
        ctx: user.page(),
        rows,
        pager,
        filter,
        campaigns,
        can_manage: user.can(Permission::ReferralsManage),
    };
    if is_fragment_request(&req) {
        render(&page.as_results())
    } else {
        render(&page)
    }
}

#[derive(Template)]
#[template(path = "referrals/show.html")]
struct ShowPage {
    ctx: PageCtx,
    code: ListRow,
    registrations: Vec<Registered>,
    can_manage: bool,
}

/// How many registrations a code's page lists.
const LISTED: i64 = 200;

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let (id, today) = (id.into_inner(), user.clock.date(Utc::now()));
    let (code, registrations) = state
        .db
        .run(move |conn| {
            let code = list::one(conn, id)?;
            let rows = queries::of_code(conn, id, LISTED)?;
            Ok((code, queries::with_states(conn, rows, today)?))
        })
        .await?;
    render_status(
        StatusCode::OK,
        &ShowPage {
            ctx: user.page(),
            code,
            registrations,
            can_manage: user.can(Permission::ReferralsManage),
        },
    )
}

#[derive(Template)]
#[template(path = "referrals/form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<StoredCode>,
    form: CodeForm,
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
    editing: Option<StoredCode>,
    form: CodeForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let company = form.company_id.trim().parse::<i64>().unwrap_or(0);
    let (companies, offers, campaigns) = state
        .db
        .run(move |conn| {
            Ok((
                stores::companies(conn)?,
                coupon_offers(conn, company)?,
                campaigns_of(conn, company)?,
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

#[derive(serde::Deserialize)]
struct NewQuery {
    /// A customer code to fill in (the customer page's "New referral code" link).
    #[serde(default)]
    customer: String,
}

async fn new_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReferralsManage)?;
    let store = user.store_id;
    let company = state
        .db
        .run(move |conn| Ok(stores::company_of(conn, store)?.map(|c| c.id)))
        .await?;
    let mut form = CodeForm::blank(company);
    form.customer = query.customer.trim().to_owned();
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
    user.require(Permission::ReferralsManage)?;
    let id = id.into_inner();
    let (code, customer) = state
        .db
        .run(move |conn| {
            let code = ReferralCodes::find(conn, id)?;
            let customer = crate::customers::model::find(conn, code.fields.customer_id)?.code;
            Ok((code, customer))
        })
        .await?;
    let form = CodeForm::of(&code, customer);
    form_page(
        &state,
        &user,
        StatusCode::OK,
        Some(code),
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
    user.require(Permission::ReferralsManage)?;
    save(&state, &user, None, CodeForm::from_pairs(&form)).await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReferralsManage)?;
    let id = id.into_inner();
    let code = state
        .db
        .run(move |conn| Ok(ReferralCodes::find(conn, id)?))
        .await?;
    let mut typed = CodeForm::from_pairs(&form);
    // The code is shared and printed, and the company owns the offers: both stay once made.
    typed.company_id = code.fields.company_id.to_string();
    typed.code = code.code.clone();
    save(&state, &user, Some(code), typed).await
}

/// Creates or saves a code in one transaction, audited; bad input, a taken code or an offer
/// that cannot take coupons come back as the form with messages (422).
async fn save(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<StoredCode>,
    form: CodeForm,
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
                return Ok(Err(errors));
            }
            form::check_against(conn, &mut parsed, &mut errors)?;
            let company = parsed.fields.company_id;
            if id.is_none()
                && let Some(code) = &parsed.code
                && ReferralCodes::code_taken(conn, company, code)?
            {
                errors.add(
                    "code",
                    format!("Another referral code of the company is {code}."),
                );
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let saved = match id {
                Some(id) => {
                    ReferralCodes::save(conn, &actor, id, &parsed.fields)?;
                    (id, ReferralCodes::find(conn, id)?.code)
                }
                None => {
                    let code = match parsed.code {
                        Some(code) => code,
                        None => ReferralCodes::fresh_code(conn, company)?,
                    };
                    (
                        ReferralCodes::create(conn, &actor, &code, &parsed.fields)?,
                        code,
                    )
                }
            };
            Ok(Ok(saved))
        })
        .await?;
    match outcome {
        Ok((id, code)) => {
            let verb = if editing.is_some() {
                "Saved"
            } else {
                "Created"
            };
            user.flash(Flash::success(format!("{verb} referral code {code}.")));
            Ok(see_other(&format!("/referrals/{id}")))
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
    user.require(Permission::ReferralsManage)?;
    let actor = user.actor();
    let code = state
        .db
        .tx(move |conn| {
            let code = ReferralCodes::find(conn, id)?;
            ReferralCodes::set_disabled(conn, &actor, id, disabled)?;
            Ok(code.code)
        })
        .await?;
    let done = if disabled { "Disabled" } else { "Enabled" };
    user.flash(Flash::success(format!("{done} referral code {code}.")));
    Ok(see_other(&format!("/referrals/{id}")))
}
