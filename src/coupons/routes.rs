//! The Coupons pages (coupons.manage writes, reports.view reads): the list with its search and
//! filters, and a page per coupon with its uses and what is left. New, Edit, Save, Disable and
//! Enable are the code record's (`code_record::pages`); what is a coupon's own is said in the
//! `CodePages` impl below. Coupons are never deleted: Disable.

use std::ops::Deref;

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use diesel::PgConnection;
use patron_rules::coupons::Status;
use patron_rules::users::Permission;

use super::READERS;
use super::code_record::form::Parsed;
use super::code_record::pages::{self, CodePages, FormView};
use super::form::{self, CouponForm, OfferPrefill};
use super::list::{self, ListFilter, ListRow};
use super::model::queries::{self, Redemption};
use super::model::store::{CouponFields, Coupons};
use crate::state::AppState;
use crate::web::pager::{PageQuery, Pager};
use crate::web::{AppError, CurrentUser, FieldErrors, PageCtx, render_status};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    pages::mount::<Coupons>(cfg);
    cfg.route("/coupons", web::get().to(index))
        .route("/coupons/{id}", web::get().to(show));
}

impl CodePages for Coupons {
    const PATH: &'static str = "/coupons";
    const NOUN: &'static str = "coupon";
    const LIST_TARGET: &'static str = "coupon-list";
    const MANAGE: Permission = Permission::CouponsManage;
    type Form = CouponForm;
    type Customer = Option<String>;
    type Prefill = OfferPrefill;

    fn blank(company: Option<i64>, prefill: OfferPrefill) -> CouponForm {
        CouponForm::for_offer(company, &prefill)
    }

    fn read(pairs: &[(String, String)]) -> CouponForm {
        CouponForm::from_pairs(pairs)
    }

    fn form_of(conn: &mut PgConnection, coupon: &Self::Stored) -> Result<CouponForm, AppError> {
        let code = match coupon.fields.customer_id {
            Some(c) => Some(crate::customers::model::find(conn, c)?.code),
            None => None,
        };
        Ok(CouponForm::of(coupon, code))
    }

    fn company_typed(form: &CouponForm) -> &str {
        &form.company_id
    }

    fn keep(form: &mut CouponForm, company: i64, code: &str) {
        form.company_id = company.to_string();
        form.code = code.to_owned();
    }

    fn parse(form: &CouponForm) -> Result<Parsed<CouponFields, Option<String>>, FieldErrors> {
        form.parse()
    }

    fn check(
        conn: &mut PgConnection,
        parsed: &mut Parsed<CouponFields, Option<String>>,
        errors: &mut FieldErrors,
    ) -> Result<(), AppError> {
        form::check_against(conn, parsed, errors)
    }

    fn taken(code: &str) -> String {
        format!("Another coupon of the company has the code {code}.")
    }

    /// "Created coupon Welcome flyer.": a coupon goes by its name.
    fn saved_name(_code: &str, form: &CouponForm) -> String {
        form.name.trim().to_owned()
    }

    fn render_form(status: StatusCode, view: FormView<Self>) -> Result<HttpResponse, AppError> {
        render_status(status, &FormPage { view })
    }
}

#[derive(Template)]
#[template(path = "coupons/form.html")]
struct FormPage {
    view: FormView<Coupons>,
}

impl Deref for FormPage {
    type Target = FormView<Coupons>;

    fn deref(&self) -> &FormView<Coupons> {
        &self.view
    }
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
        pages::picked(value, id)
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
    let today = user.clock.date(Utc::now());
    let typed = filter.clone();
    let (rows, pager, (offers, campaigns)) = pages::list::<Coupons, _, _, _>(
        &state,
        &user,
        &page,
        &filter.pairs(),
        |r: &ListRow| r.id,
        move |conn, company, keyset| {
            Ok((
                list::page(conn, company, &typed, today, keyset)?,
                (
                    queries::coupon_offers(conn, company)?,
                    queries::campaigns_of(conn, company)?,
                ),
            ))
        },
    )
    .await?;
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
