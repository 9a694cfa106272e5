//! The POS Profile tab of a store (stores.manage): the switches, Default Customer and allowed
//! sales persons, and the delivery charges table edited in place with htmx. Every action also
//! works as a plain form post for browsers without JavaScript.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::PgConnection;
use patron_rules::Currency;
use patron_rules::stores::parse_amount;
use patron_rules::users::Permission;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::forms::ChargeForm;
use super::model::delivery::{self, DeliveryCharge};
use super::model::profile::{self, ProfileSettings, SWITCHES, SettingInfo};
use super::model::sales_persons::{self, SalesPerson};
use super::model::{self as stores, Store};
use crate::state::AppState;
use crate::web::page::with_toast;
use crate::web::request::is_fragment_request;
use crate::web::tabs::Tab;
use crate::web::{AppError, CurrentUser, FieldErrors, Flash, PageCtx, render_status, see_other};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/stores/{id}/profile", web::get().to(show))
        .route("/stores/{id}/profile", web::post().to(save))
        .route("/stores/{id}/delivery-charges", web::post().to(add_charge))
        .route(
            "/stores/{id}/delivery-charges/{charge}",
            web::post().to(update_charge),
        )
        .route(
            "/stores/{id}/delivery-charges/{charge}/remove",
            web::post().to(remove_charge),
        );
}

/// The delivery charges table in one of its states: showing, editing a row, or with errors in
/// the new row.
struct ChargesTable {
    store_id: i64,
    currency: Currency,
    rows: Vec<DeliveryCharge>,
    editing: Option<i64>,
    edit_form: ChargeForm,
    edit_errors: FieldErrors,
    new_form: ChargeForm,
    new_errors: FieldErrors,
}

impl ChargesTable {
    fn showing(store_id: i64, currency: Currency, rows: Vec<DeliveryCharge>) -> ChargesTable {
        ChargesTable {
            store_id,
            currency,
            rows,
            editing: None,
            edit_form: ChargeForm::default(),
            edit_errors: FieldErrors::new(),
            new_form: ChargeForm::default(),
            new_errors: FieldErrors::new(),
        }
    }

    /// Starts editing row `id` with its stored values.
    fn edit(mut self, id: i64) -> ChargesTable {
        if let Some(row) = self.rows.iter().find(|row| row.id == id) {
            self.edit_form = ChargeForm {
                label: row.label.clone(),
                default_rate: row.default_rate.normalize().to_string(),
                rate: row.rate.normalize().to_string(),
                shipping_account: row.shipping_account.clone(),
                cost_center: row.cost_center.clone(),
                is_default: row.is_default.then(|| "on".to_owned()),
            };
            self.editing = Some(id);
        }
        self
    }

    fn money(&self, amount: &Decimal) -> String {
        self.currency.format(*amount)
    }
}

#[derive(Template)]
#[template(path = "stores/profile.html", blocks = ["charges"])]
struct ProfilePage {
    ctx: PageCtx,
    store: Store,
    tabs: Vec<Tab>,
    switches: &'static [SettingInfo],
    settings: ProfileSettings,
    default_customer: String,
    max_change: String,
    persons: Vec<SalesPerson>,
    allowed: Vec<i64>,
    errors: FieldErrors,
    charges: ChargesTable,
}

impl ProfilePage {
    fn is_allowed(&self, person: &SalesPerson) -> bool {
        self.allowed.contains(&person.id)
    }

    fn is_editing(&self, row: &DeliveryCharge) -> bool {
        self.charges.editing == Some(row.id)
    }
}

/// Everything the tab shows, as stored.
fn load(conn: &mut PgConnection, store_id: i64) -> Result<(Store, ProfileParts), AppError> {
    let store = stores::find(conn, store_id)?;
    let currency = stores::company_currency(conn, store.company_id)?;
    let profile = profile::for_store(conn, store_id)?;
    let mut persons = sales_persons::active(conn)?;
    // A deactivated sales person still allowed here stays visible, so it can be unticked.
    for person in sales_persons::by_ids(conn, &profile.allowed_sales_persons)? {
        if !person.active {
            persons.push(person);
        }
    }
    let rows = delivery::list(conn, profile.id)?;
    Ok((
        store,
        ProfileParts {
            settings: profile.settings,
            default_customer: profile
                .default_customer
                .map(|(_, code, name)| format!("{code} · {name}"))
                .unwrap_or_default(),
            max_change: profile.settings.max_change.normalize().to_string(),
            persons,
            allowed: profile.allowed_sales_persons,
            charges: ChargesTable::showing(store_id, currency, rows),
        },
    ))
}

struct ProfileParts {
    settings: ProfileSettings,
    default_customer: String,
    max_change: String,
    persons: Vec<SalesPerson>,
    allowed: Vec<i64>,
    charges: ChargesTable,
}

fn page(user: &CurrentUser, store: Store, parts: ProfileParts, errors: FieldErrors) -> ProfilePage {
    ProfilePage {
        ctx: user.page(),
        tabs: super::store_tabs(&store, "POS Profile"),
        store,
        switches: &SWITCHES,
        settings: parts.settings,
        default_customer: parts.default_customer,
        max_change: parts.max_change,
        persons: parts.persons,
        allowed: parts.allowed,
        errors,
        charges: parts.charges,
    }
}

/// The whole tab, or only the charges table when htmx asks; `status` 422 when showing errors.
fn respond(
    req: &HttpRequest,
    page: &ProfilePage,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    if is_fragment_request(req) {
        render_status(status, &page.as_charges())
    } else {
        render_status(status, page)
    }
}

#[derive(Debug, Deserialize)]
struct ShowQuery {
    edit: Option<i64>,
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let id = id.into_inner();
    let (store, mut parts) = state.db.run(move |conn| load(conn, id)).await?;
    if let Some(charge) = query.edit {
        parts.charges = parts.charges.edit(charge);
    }
    respond(
        &req,
        &page(&user, store, parts, FieldErrors::new()),
        StatusCode::OK,
    )
}

/// The settings form as typed, and what it parses to.
struct SettingsInput {
    /// The Default Customer field as typed (shown again on errors).
    typed: String,
    /// The Maximum Change field as typed.
    typed_change: String,
    /// The ticked sales persons.
    allowed: Vec<i64>,
    parsed: Result<ProfileSettings, FieldErrors>,
}

/// Reads the settings form: pairs, because the allowed sales persons repeat one field name.
fn parse_settings(conn: &mut PgConnection, pairs: &[(String, String)]) -> SettingsInput {
    let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim());
    let on = |name: &str| value(name).is_some();
    let allowed: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "sales_person")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let typed = value("default_customer").unwrap_or_default().to_owned();
    let mut errors = FieldErrors::new();
    // The picker shows "CUST-00001 · Walk-in Customer"; the code is what counts.
    let code = typed.split_whitespace().next().unwrap_or_default();
    let default_customer_id = if code.is_empty() {
        None
    } else {
        match profile::customer_by_code(conn, code) {
            Ok(Some((id, true))) => Some(id),
            Ok(Some(_)) => {
                errors.add(
                    "default_customer",
                    "This customer is deactivated; pick another.",
                );
                None
            }
            Ok(None) => {
                errors.add(
                    "default_customer",
                    format!("No customer has the code {code}."),
                );
                None
            }
            Err(err) => {
                errors.add(
                    "default_customer",
                    format!("The customer could not be looked up: {err}"),
                );
                None
            }
        }
    };
    // A form without the field (not the tab's own) keeps the default.
    let typed_change =
        value("max_change").map_or_else(|| profile::DEFAULT_MAX_CHANGE.to_string(), str::to_owned);
    let max_change = parse_amount(&typed_change, "Maximum Change")
        .ok()
        .filter(|amount| *amount <= Decimal::from(profile::MOST_MAX_CHANGE))
        .unwrap_or_else(|| {
            errors.add("max_change", "Enter an amount from 0 to 1,000,000.");
            Decimal::ZERO
        });
    let settings = ProfileSettings {
        max_change,
        default_customer_id,
        show_customer_balance: on("show_customer_balance"),
        apply_customer_discount: on("apply_customer_discount"),
        force_customer_price_list: on("force_customer_price_list"),
        auto_create_referral: on("auto_create_referral"),
        auto_fetch_coupon_gifts: on("auto_fetch_coupon_gifts"),
        auto_set_delivery_charges: on("auto_set_delivery_charges"),
    };
    SettingsInput {
        typed,
        typed_change,
        allowed,
        parsed: errors.into_result(settings),
    }
}

async fn save(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let id = id.into_inner();
    let pairs = form.into_inner();
    let actor = user.actor();
    let outcome = state
        .db
        .tx(move |conn| {
            let input = parse_settings(conn, &pairs);
            if let Ok(settings) = &input.parsed {
                profile::save(conn, id, settings, &input.allowed, &actor)?;
            }
            Ok(input)
        })
        .await?;
    match outcome.parsed {
        Ok(_) => {
            user.flash(Flash::success(
                "POS profile saved. Tills pick it up on their next sync.",
            ));
            Ok(see_other(&format!("/stores/{id}/profile")))
        }
        Err(errors) => {
            let (store, mut parts) = state.db.run(move |conn| load(conn, id)).await?;
            parts.default_customer = outcome.typed;
            parts.max_change = outcome.typed_change;
            parts.allowed = outcome.allowed;
            let page = page(&user, store, parts, errors);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// What a charge action ends with: the table again (htmx) or the tab (plain post).
async fn after_charge_change(
    state: &AppState,
    user: &CurrentUser,
    req: &HttpRequest,
    store_id: i64,
    refused: Option<(Option<i64>, ChargeForm, FieldErrors)>,
    done: &str,
) -> Result<HttpResponse, AppError> {
    let Some((editing, form, errors)) = refused else {
        if is_fragment_request(req) {
            let (store, parts) = state.db.run(move |conn| load(conn, store_id)).await?;
            let page = page(user, store, parts, FieldErrors::new());
            let res = render_status(StatusCode::OK, &page.as_charges())?;
            return Ok(with_toast(res, done));
        }
        user.flash(Flash::success(done));
        return Ok(see_other(&format!(
            "/stores/{store_id}/profile#delivery-charges"
        )));
    };
    let (store, mut parts) = state.db.run(move |conn| load(conn, store_id)).await?;
    match editing {
        Some(charge) => {
            parts.charges = parts.charges.edit(charge);
            parts.charges.edit_form = form;
            parts.charges.edit_errors = errors;
        }
        None => {
            parts.charges.new_form = form;
            parts.charges.new_errors = errors;
        }
    }
    let page = page(user, store, parts, FieldErrors::new());
    respond(req, &page, StatusCode::UNPROCESSABLE_ENTITY)
}

/// Checks and saves one charge (`editing`: the row being changed), in one transaction. Returns
/// the refusal to show, if any.
async fn save_charge(
    state: &AppState,
    user: &CurrentUser,
    store_id: i64,
    editing: Option<i64>,
    form: ChargeForm,
) -> Result<Option<(Option<i64>, ChargeForm, FieldErrors)>, AppError> {
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => return Ok(Some((editing, form, errors))),
    };
    let actor = user.actor();
    let conflicts = state
        .db
        .tx(move |conn| {
            let profile_id = profile::for_store(conn, store_id)?.id;
            let conflicts = delivery::conflicts(conn, profile_id, &fields, editing)?;
            if conflicts.is_empty() {
                match editing {
                    Some(id) => delivery::update(conn, profile_id, id, &fields, &actor)?,
                    None => delivery::add(conn, profile_id, &fields, &actor)?,
                };
            }
            Ok(conflicts)
        })
        .await;
    let conflicts = match conflicts {
        Ok(conflicts) => conflicts,
        // Someone saved the same label or a default at the same moment: the unique indexes held.
        Err(AppError::Conflict(_)) => vec![(
            "label",
            "Another change to this table was saved at the same moment; check the table and try again."
                .to_owned(),
        )],
        Err(other) => return Err(other),
    };
    if conflicts.is_empty() {
        return Ok(None);
    }
    let mut errors = FieldErrors::new();
    for (field, message) in conflicts {
        errors.add(field, message);
    }
    Ok(Some((editing, form, errors)))
}

async fn add_charge(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<ChargeForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let store_id = id.into_inner();
    let form = form.into_inner();
    let done = format!("Delivery charge {} added.", form.label.trim());
    let refused = save_charge(&state, &user, store_id, None, form).await?;
    after_charge_change(&state, &user, &req, store_id, refused, &done).await
}

async fn update_charge(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    form: web::Form<ChargeForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let (store_id, charge) = path.into_inner();
    let form = form.into_inner();
    let done = format!("Delivery charge {} saved.", form.label.trim());
    let refused = save_charge(&state, &user, store_id, Some(charge), form).await?;
    after_charge_change(&state, &user, &req, store_id, refused, &done).await
}

async fn remove_charge(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let (store_id, charge) = path.into_inner();
    let actor = user.actor();
    let label = state
        .db
        .tx(move |conn| {
            let profile_id = profile::for_store(conn, store_id)?.id;
            let label = delivery::find(conn, profile_id, charge)?.label;
            delivery::remove(conn, profile_id, charge, &actor)?;
            Ok(label)
        })
        .await?;
    let done = format!("Delivery charge {label} removed.");
    after_charge_change(&state, &user, &req, store_id, None, &done).await
}
