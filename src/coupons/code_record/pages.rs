//! The pages both code records share, one generic handler each over [`CodePages`]: New, Edit,
//! Create, Save, Disable and Enable (each checking the area's manage permission), and the list's
//! loading and paging. An area's routes file mounts them with `mount::<Area>` and keeps its own
//! list and record page, whose tables and filters differ.

use actix_web::{HttpResponse, http::StatusCode, web};
use diesel::PgConnection;
use patron_rules::keyset::Keyset;
use patron_rules::users::Permission;
use serde::de::DeserializeOwned;

use super::form::Parsed;
use super::list::PAGE;
use super::model::CodeTable;
use crate::coupons::model::queries::{campaigns_of, coupon_offers};
use crate::state::AppState;
use crate::stores::model::{self as stores, Company, home_company};
use crate::web::pager::{self, PageQuery, Pager};
use crate::web::{AppError, CurrentUser, FieldErrors, Flash, PageCtx, see_other};

/// What an area tells the shared pages: where they live, what a record is called, who may
/// change one, and its form.
pub trait CodePages: CodeTable {
    /// The list's path ("/coupons"); a record's page is `{PATH}/{id}`.
    const PATH: &'static str;
    /// A record in flash messages ("coupon": "Disabled coupon WELCOME10.").
    const NOUN: &'static str;
    /// The id of the list's element that paging swaps.
    const LIST_TARGET: &'static str;
    /// Who may create, edit, disable and enable.
    const MANAGE: Permission;
    /// The form as typed.
    type Form: Clone + Send + 'static;
    /// The customer as the parsed form holds it (by code, until checked).
    type Customer: Send + 'static;
    /// What the New page's address may fill in.
    type Prefill: DeserializeOwned + 'static;

    /// A new record's form for `company` (the user's), with what the address fills in.
    fn blank(company: Option<i64>, prefill: Self::Prefill) -> Self::Form;
    /// The form as posted.
    fn read(pairs: &[(String, String)]) -> Self::Form;
    /// The form of a stored record.
    fn form_of(conn: &mut PgConnection, stored: &Self::Stored) -> Result<Self::Form, AppError>;
    /// The company id as typed in the form.
    fn company_typed(form: &Self::Form) -> &str;
    /// Puts back what stays once made (the company and the code) over what was posted.
    fn keep(form: &mut Self::Form, company: i64, code: &str);
    /// What the form alone tells, or a message per field.
    fn parse(form: &Self::Form) -> Result<Parsed<Self::Fields, Self::Customer>, FieldErrors>;
    /// The checks that need the database (the company is checked already).
    fn check(
        conn: &mut PgConnection,
        parsed: &mut Parsed<Self::Fields, Self::Customer>,
        errors: &mut FieldErrors,
    ) -> Result<(), AppError>;
    /// The message when another record of the company has `code`.
    fn taken(code: &str) -> String;
    /// How "Created ..." and "Saved ..." name the record: its code unless the area says.
    fn saved_name(code: &str, _form: &Self::Form) -> String {
        code.to_owned()
    }
    /// Renders the area's form page.
    fn render_form(status: StatusCode, view: FormView<Self>) -> Result<HttpResponse, AppError>;
}

/// What both form pages show; an area's form template reads it through its page (`Deref`).
pub struct FormView<R: CodePages> {
    /// The page.
    pub ctx: PageCtx,
    /// The record edited (none: a new one).
    pub editing: Option<R::Stored>,
    /// The form as typed.
    pub form: R::Form,
    /// A message per field.
    pub errors: FieldErrors,
    /// The companies to choose from.
    pub companies: Vec<Company>,
    /// The company's coupon based offers (id, title).
    pub offers: Vec<(i64, String)>,
    /// The company's campaigns (id, name).
    pub campaigns: Vec<(i64, String)>,
}

impl<R: CodePages> FormView<R> {
    /// Whether option `id` is the one `value` holds.
    pub fn picked(&self, value: &str, id: &i64) -> bool {
        picked(value, id)
    }
}

/// Whether option `id` is the one `value` holds (a select's `selected`).
pub fn picked(value: &str, id: &i64) -> bool {
    value.trim() == id.to_string()
}

/// Mounts New, Create, Save, Edit, Disable and Enable under `R::PATH`. Mount them before the
/// record page (`{PATH}/{id}`), so that `{PATH}/new` is not read as an id.
pub fn mount<R: CodePages>(cfg: &mut web::ServiceConfig) {
    let path = R::PATH;
    cfg.route(path, web::post().to(create::<R>))
        .route(&format!("{path}/new"), web::get().to(new_page::<R>))
        .route(&format!("{path}/{{id}}"), web::post().to(update::<R>))
        .route(
            &format!("{path}/{{id}}/edit"),
            web::get().to(edit_page::<R>),
        )
        .route(
            &format!("{path}/{{id}}/disable"),
            web::post().to(disable::<R>),
        )
        .route(
            &format!("{path}/{{id}}/enable"),
            web::post().to(enable::<R>),
        );
}

/// One page of the list of the user's company: `load` reads the rows (one more than a page
/// when there is more) and what else the page needs; the rows come back paged by id.
pub async fn list<R, Row, Extra, Load>(
    state: &AppState,
    user: &CurrentUser,
    page: &PageQuery,
    filters: &[(&str, &str)],
    key: fn(&Row) -> i64,
    load: Load,
) -> Result<(Vec<Row>, Pager, Extra), AppError>
where
    R: CodePages,
    Row: Send + 'static,
    Extra: Send + 'static,
    Load: FnOnce(&mut PgConnection, i64, &Keyset<i64>) -> Result<(Vec<Row>, Extra), AppError>
        + Send
        + 'static,
{
    let store = user.store_id;
    let keyset = page.keyset(|k| k.parse::<i64>().ok());
    let (found, extra) = state
        .db
        .run(move |conn| {
            let (company, _) = home_company(conn, store)?;
            load(conn, company.id, &keyset)
        })
        .await?;
    let keyset = page.keyset(|k| k.parse::<i64>().ok());
    let base = pager::link(R::PATH, filters);
    let (rows, pager) = pager::paginate(
        page,
        &keyset,
        found,
        PAGE,
        |r| key(r).to_string(),
        &base,
        R::LIST_TARGET,
    );
    Ok((rows, pager, extra))
}

async fn form_page<R: CodePages>(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    editing: Option<R::Stored>,
    form: R::Form,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let company = R::company_typed(&form).trim().parse::<i64>().unwrap_or(0);
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
    R::render_form(
        status,
        FormView {
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

async fn new_page<R: CodePages>(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<R::Prefill>,
) -> Result<HttpResponse, AppError> {
    user.require(R::MANAGE)?;
    let store = user.store_id;
    let company = state
        .db
        .run(move |conn| Ok(stores::company_of(conn, store)?.map(|c| c.id)))
        .await?;
    let form = R::blank(company, query.into_inner());
    form_page::<R>(
        &state,
        &user,
        StatusCode::OK,
        None,
        form,
        FieldErrors::new(),
    )
    .await
}

async fn edit_page<R: CodePages>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(R::MANAGE)?;
    let id = id.into_inner();
    let (stored, form) = state
        .db
        .run(move |conn| {
            let stored = R::find(conn, id)?;
            let form = R::form_of(conn, &stored)?;
            Ok((stored, form))
        })
        .await?;
    form_page::<R>(
        &state,
        &user,
        StatusCode::OK,
        Some(stored),
        form,
        FieldErrors::new(),
    )
    .await
}

async fn create<R: CodePages>(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(R::MANAGE)?;
    save::<R>(&state, &user, None, R::read(&form)).await
}

async fn update<R: CodePages>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(R::MANAGE)?;
    let id = id.into_inner();
    let stored = state.db.run(move |conn| Ok(R::find(conn, id)?)).await?;
    let mut typed = R::read(&form);
    // The code may be printed or shared, and the company owns the offers: both stay once made.
    R::keep(&mut typed, R::company_of(&stored), R::code_of(&stored));
    save::<R>(&state, &user, Some(stored), typed).await
}

/// Creates or saves a record in one transaction, audited; bad input, an unknown company, a
/// taken code or what the area's checks refuse come back as the form with messages (422).
async fn save<R: CodePages>(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<R::Stored>,
    form: R::Form,
) -> Result<HttpResponse, AppError> {
    let actor = user.actor();
    let kept = editing
        .as_ref()
        .map(|s| (R::id_of(s), R::code_of(s).to_owned()));
    let typed = form.clone();
    let outcome = state
        .db
        .tx(move |conn| {
            let mut parsed = match R::parse(&typed) {
                Ok(parsed) => parsed,
                Err(errors) => return Ok(Err(errors)),
            };
            let mut errors = FieldErrors::new();
            let company = R::fields_company(&parsed.fields);
            if stores::find_company(conn, company).is_err() {
                errors.add("company_id", "Choose the company.");
            }
            R::check(conn, &mut parsed, &mut errors)?;
            if kept.is_none()
                && let Some(code) = &parsed.code
                && R::code_taken(conn, company, code)?
            {
                errors.add("code", R::taken(code));
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let saved = match kept {
                Some((id, code)) => {
                    R::save(conn, &actor, id, &parsed.fields)?;
                    (id, code)
                }
                None => match parsed.code {
                    Some(code) => (R::create(conn, &actor, &code, &parsed.fields)?, code),
                    None => R::create_fresh(conn, &actor, &parsed.fields)?,
                },
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
            let name = R::saved_name(&code, &form);
            user.flash(Flash::success(format!("{verb} {} {name}.", R::NOUN)));
            Ok(see_other(&format!("{}/{id}", R::PATH)))
        }
        Err(errors) => {
            form_page::<R>(
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

async fn disable<R: CodePages>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    switch::<R>(state, user, id.into_inner(), true).await
}

async fn enable<R: CodePages>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    switch::<R>(state, user, id.into_inner(), false).await
}

async fn switch<R: CodePages>(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: i64,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    user.require(R::MANAGE)?;
    let actor = user.actor();
    let code = state
        .db
        .tx(move |conn| {
            let stored = R::find(conn, id)?;
            R::set_disabled(conn, &actor, id, disabled)?;
            Ok(R::code_of(&stored).to_owned())
        })
        .await?;
    let done = if disabled { "Disabled" } else { "Enabled" };
    user.flash(Flash::success(format!("{done} {} {code}.", R::NOUN)));
    Ok(see_other(&format!("{}/{id}", R::PATH)))
}
