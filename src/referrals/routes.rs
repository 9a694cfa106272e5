//! The Referral Codes pages (referrals.manage writes, reports.view reads): the list with its
//! search and filters, and a page per code with its registrations and their reward coupons.
//! New (with a customer picker), Edit, Save, Disable and Enable are the code record's
//! (`coupons::code_record::pages`); what is a referral code's own is said in the `CodePages`
//! impl below. Codes are never deleted: Disable.

use std::ops::Deref;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use diesel::PgConnection;
use patron_rules::users::Permission;

use super::form::{self, CodeForm};
use super::list::{self, ListFilter, ListRow};
use super::model::CodeFields;
use super::model::codes::ReferralCodes;
use super::model::queries::{self, Registered};
use crate::coupons::code_record::form::Parsed;
use crate::coupons::code_record::pages::{self, CodePages, FormView};
use crate::coupons::model::queries::campaigns_of;
use crate::state::AppState;
use crate::web::pager::{PageQuery, Pager};
use crate::web::request::is_fragment_request;
use crate::web::{AppError, CurrentUser, FieldErrors, PageCtx, render, render_status};

/// Who may read the referral pages.
pub const READERS: [Permission; 2] = [Permission::ReferralsManage, Permission::ReportsView];

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    pages::mount::<ReferralCodes>(cfg);
    cfg.route("/referrals", web::get().to(index))
        .route("/referrals/{id}", web::get().to(show));
}

/// What the New page's address fills in.
#[derive(serde::Deserialize)]
pub struct NewQuery {
    /// A customer code to fill in (the customer page's "New referral code" link).
    #[serde(default)]
    customer: String,
}

impl CodePages for ReferralCodes {
    const PATH: &'static str = "/referrals";
    const NOUN: &'static str = "referral code";
    const LIST_TARGET: &'static str = "referral-list";
    const MANAGE: Permission = Permission::ReferralsManage;
    type Form = CodeForm;
    type Customer = String;
    type Prefill = NewQuery;

    fn blank(company: Option<i64>, prefill: NewQuery) -> CodeForm {
        let mut form = CodeForm::blank(company);
        form.customer = prefill.customer.trim().to_owned();
        form
    }

    fn read(pairs: &[(String, String)]) -> CodeForm {
        CodeForm::from_pairs(pairs)
    }

    fn form_of(conn: &mut PgConnection, code: &Self::Stored) -> Result<CodeForm, AppError> {
        let customer = crate::customers::model::find(conn, code.fields.customer_id)?.code;
        Ok(CodeForm::of(code, customer))
    }

    fn company_typed(form: &CodeForm) -> &str {
        &form.company_id
    }

    fn keep(form: &mut CodeForm, company: i64, code: &str) {
        form.company_id = company.to_string();
        form.code = code.to_owned();
    }

    fn parse(form: &CodeForm) -> Result<Parsed<CodeFields, String>, FieldErrors> {
        form.parse()
    }

    fn check(
        conn: &mut PgConnection,
        parsed: &mut Parsed<CodeFields, String>,
        errors: &mut FieldErrors,
    ) -> Result<(), AppError> {
        form::check_against(conn, parsed, errors)
    }

    fn taken(code: &str) -> String {
        format!("Another referral code of the company is {code}.")
    }

    fn render_form(status: StatusCode, view: FormView<Self>) -> Result<HttpResponse, AppError> {
        render_status(status, &FormPage { view })
    }
}

#[derive(Template)]
#[template(path = "referrals/form.html")]
struct FormPage {
    view: FormView<ReferralCodes>,
}

impl Deref for FormPage {
    type Target = FormView<ReferralCodes>;

    fn deref(&self) -> &FormView<ReferralCodes> {
        &self.view
    }
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
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let IndexQuery { filter, page } = query.into_inner();
    let typed = filter.clone();
    let (rows, pager, campaigns) = pages::list::<ReferralCodes, _, _, _>(
        &state,
        &user,
        &page,
        &filter.pairs(),
        |r: &ListRow| r.id,
        move |conn, company, keyset| {
            Ok((
                list::page(conn, company, &typed, keyset)?,
                campaigns_of(conn, company)?,
            ))
        },
    )
    .await?;
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
