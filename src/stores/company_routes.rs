//! The Companies pages (stores.manage): the list, create and edit. A company's currency decides
//! how its stores' amounts round, its time zone how its pages read times, and its default group
//! and territory where new customers start; a company is deactivated (never deleted) once no
//! active store sells for it.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::OptionalExtension;
use patron_rules::Clock;
use patron_rules::Currency;
use patron_rules::clock::{parse_zone, zone_names};
use patron_rules::tree::in_tree_order;
use patron_rules::users::Permission;

use super::forms::CompanyForm;
use super::model::{self, Company};
use crate::state::AppState;
use crate::trees::model::groups::{self, Group, Territory};
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/companies", web::get().to(index))
        .route("/companies", web::post().to(create))
        .route("/companies/new", web::get().to(new_page))
        .route("/companies/{id}", web::get().to(edit_page))
        .route("/companies/{id}", web::post().to(update));
}

#[derive(Template)]
#[template(path = "stores/companies.html")]
struct IndexPage {
    ctx: PageCtx,
    /// Each company with how many stores sell for it.
    companies: Vec<(Company, i64)>,
}

async fn index(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let companies = state
        .db
        .run(|conn| {
            // A chain has a handful of companies: one count each is cheaper than clever.
            let mut rows = Vec::new();
            for company in model::companies(conn)? {
                let stores = model::store_count(conn, company.id)?;
                rows.push((company, stores));
            }
            Ok(rows)
        })
        .await?;
    render(&IndexPage {
        ctx: user.page(),
        companies,
    })
}

/// The create and edit form (one template; `editing` holds the company being edited).
#[derive(Template)]
#[template(path = "stores/company_form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<Company>,
    form: CompanyForm,
    errors: FieldErrors,
    /// Every currency as (code, name).
    currencies: Vec<(String, String)>,
    /// The chosen currency, for the rounding hint.
    currency: Option<Currency>,
    /// Customer groups in tree order with their depth.
    groups: Vec<(Group, usize)>,
    /// Territories in tree order with their depth.
    territories: Vec<(Territory, usize)>,
    /// Time zone names for the picker.
    zones: Vec<&'static str>,
    /// The time now in the chosen zone, when it is one.
    zone_now: Option<String>,
}

/// The form page with `status` (422 when it comes back with errors).
async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    editing: Option<Company>,
    form: CompanyForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let code = form.currency_code.trim().to_uppercase();
    let zone_now = parse_zone(&form.time_zone)
        .ok()
        .map(|zone| Clock::new(zone).at_labelled(chrono::Utc::now()));
    let (currencies, currency, groups, territories) = state
        .db
        .run(move |conn| {
            Ok((
                model::currency_choices(conn)?,
                model::currency(conn, &code)?,
                groups::groups(conn)?,
                groups::territories(conn)?,
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
            currencies,
            currency,
            groups: in_tree_order(groups, Group::node),
            territories: in_tree_order(territories, Territory::node),
            zones: zone_names().collect(),
            zone_now,
        },
    )
}

async fn new_page(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let form = CompanyForm {
        currency_code: Currency::usd().code,
        active: Some("on".into()),
        time_zone: "UTC".into(),
        ..CompanyForm::default()
    };
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

/// Company `id` (404 when there is none).
async fn load(state: &AppState, id: i64) -> Result<Company, AppError> {
    state
        .db
        .run(move |conn| Ok(model::find_company(conn, id)?))
        .await
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let company = load(&state, id.into_inner()).await?;
    let form = CompanyForm {
        name: company.name.clone(),
        currency_code: company.currency_code.clone(),
        active: company.active.then(|| "on".to_owned()),
        default_customer_group_id: id_text(company.default_customer_group_id),
        default_territory_id: id_text(company.default_territory_id),
        time_zone: company.time_zone.clone(),
    };
    let errors = FieldErrors::new();
    form_page(&state, &user, StatusCode::OK, Some(company), form, errors).await
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    save(&state, &user, None, form.into_inner()).await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let company = load(&state, id.into_inner()).await?;
    save(&state, &user, Some(company), form.into_inner()).await
}

/// An optional id as the form holds it ("" for none).
fn id_text(id: Option<i64>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

/// "1 active store sells" / "3 active stores sell".
fn active_stores_message(n: i64) -> String {
    let (stores, sell) = if n == 1 {
        ("store", "sells")
    } else {
        ("stores", "sell")
    };
    format!(
        "{n} active {stores} still {sell} for this company: deactivate them or move them to \
         another company first."
    )
}

/// Creates (`editing` is `None`) or saves a company in one transaction. An unknown currency, a
/// name in use and deactivating a company with active stores come back next to their field.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Company>,
    form: CompanyForm,
) -> Result<HttpResponse, AppError> {
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return form_page(state, user, status, editing, form, errors).await;
        }
    };
    // New companies start active: there is nothing to switch off yet.
    let active = editing.is_none() || form.active.is_some();
    let (actor, id) = (user.actor(), editing.as_ref().map(|c| c.id));
    let name = fields.name.clone();
    let saved = state
        .db
        .tx(move |conn| {
            let mut errors = FieldErrors::new();
            if model::currency(conn, &fields.currency_code)?.is_none() {
                errors.add(
                    "currency_code",
                    format!(
                        "{} is not an ISO 4217 currency code; choose one from the list.",
                        fields.currency_code
                    ),
                );
            }
            if let Some(group) = fields.default_customer_group_id
                && groups::group(conn, group).optional()?.is_none()
            {
                let message = "That customer group no longer exists; choose another.";
                errors.add("default_customer_group_id", message);
            }
            if let Some(territory) = fields.default_territory_id
                && groups::territory(conn, territory).optional()?.is_none()
            {
                let message = "That territory no longer exists; choose another.";
                errors.add("default_territory_id", message);
            }
            if let Some(id) = id
                && !active
            {
                let n = model::active_store_count(conn, id)?;
                if n > 0 {
                    errors.add("active", active_stores_message(n));
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            Ok(match id {
                Some(id) => model::update_company(conn, id, &fields, active, &actor)?,
                None => model::create_company(conn, &fields, &actor)?,
            })
        })
        .await;
    let errors = match saved {
        Ok(company) => {
            let verb = if id.is_some() { "Saved" } else { "Created" };
            user.flash(Flash::success(format!("{verb} {}.", company.name)));
            return Ok(see_other("/companies"));
        }
        // The only unique index is on the name (ignoring case).
        Err(AppError::Conflict(_)) => {
            let mut errors = FieldErrors::new();
            errors.add("name", format!("Another company is already called {name}."));
            errors
        }
        Err(AppError::Validation(errors)) => errors,
        Err(other) => return Err(other),
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    form_page(state, user, status, editing, form, errors).await
}
