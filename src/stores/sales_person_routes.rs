//! The Sales Persons pages (stores.manage): the list with live search, create, edit, deactivate
//! and reactivate. Sales persons are never deleted: invoices name them.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::Activation;
use patron_rules::users::Permission;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::forms::SalesPersonForm;
use super::model::sales_persons::{self as model, LIST_LIMIT, SalesPerson};
use crate::state::AppState;
use crate::web::request::is_fragment_request;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/sales-persons", web::get().to(index))
        .route("/sales-persons", web::post().to(create))
        .route("/sales-persons/new", web::get().to(new_page))
        .route("/sales-persons/{id}", web::get().to(edit_page))
        .route("/sales-persons/{id}", web::post().to(update))
        .route(
            "/sales-persons/{id}/{action:deactivate|reactivate}",
            web::post().to(set_active),
        );
}

/// A commission rate as the pages show it: `2.50%`.
pub fn percent(rate: &Decimal) -> String {
    format!("{:.2}%", rate)
}

/// The list's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "stores/sales_persons.html", blocks = ["rows"])]
struct IndexPage {
    ctx: PageCtx,
    q: String,
    people: Vec<SalesPerson>,
    more: bool,
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let q = query.into_inner().q.trim().to_owned();
    let search = q.clone();
    let mut people = state
        .db
        .run(move |conn| Ok(model::search(conn, &search, false)?))
        .await?;
    let limit = usize::try_from(LIST_LIMIT).unwrap_or(200);
    let more = people.len() > limit;
    people.truncate(limit);
    let page = IndexPage {
        ctx: user.page(),
        q,
        people,
        more,
    };
    if is_fragment_request(&req) {
        render(&page.as_rows())
    } else {
        render(&page)
    }
}

/// The create and edit form (one template; `editing` holds the sales person being edited).
#[derive(Template)]
#[template(path = "stores/sales_person_form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<SalesPerson>,
    form: SalesPersonForm,
    errors: FieldErrors,
}

/// The form page with `status` (422 when it comes back with errors).
fn form_page(
    user: &CurrentUser,
    status: StatusCode,
    editing: Option<SalesPerson>,
    form: SalesPersonForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    render_status(
        status,
        &FormPage {
            ctx: user.page(),
            editing,
            form,
            errors,
        },
    )
}

async fn new_page(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    form_page(
        &user,
        StatusCode::OK,
        None,
        SalesPersonForm::default(),
        FieldErrors::new(),
    )
}

/// Sales person `id` (404 when there is none).
async fn load(state: &AppState, id: i64) -> Result<SalesPerson, AppError> {
    state.db.run(move |conn| Ok(model::find(conn, id)?)).await
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let person = load(&state, id.into_inner()).await?;
    let form = SalesPersonForm {
        employee_code: person.employee_code.clone(),
        name: person.name.clone(),
        commission_rate: person.commission_rate.to_string(),
    };
    form_page(
        &user,
        StatusCode::OK,
        Some(person),
        form,
        FieldErrors::new(),
    )
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<SalesPersonForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    save(&state, &user, None, form.into_inner()).await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<SalesPersonForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let person = load(&state, id.into_inner()).await?;
    save(&state, &user, Some(person), form.into_inner()).await
}

/// Creates (`editing` is `None`) or saves a sales person in one transaction; bad input and a
/// taken employee code come back as the form with messages next to the fields.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<SalesPerson>,
    form: SalesPersonForm,
) -> Result<HttpResponse, AppError> {
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            return form_page(
                user,
                StatusCode::UNPROCESSABLE_ENTITY,
                editing,
                form,
                errors,
            );
        }
    };
    let (actor, id) = (user.actor(), editing.as_ref().map(|p| p.id));
    let code = fields.employee_code.clone();
    let saved = state
        .db
        .tx(move |conn| {
            if model::code_taken(conn, &fields.employee_code, id)? {
                return Err(AppError::Conflict("employee code taken".into()));
            }
            Ok(match id {
                Some(id) => model::update(conn, id, &fields, &actor)?,
                None => model::create(conn, &fields, &actor)?,
            })
        })
        .await;
    let errors = match saved {
        Ok(person) => {
            let verb = if id.is_some() { "Saved" } else { "Created" };
            user.flash(Flash::success(format!(
                "{verb} {} ({}).",
                person.name, person.employee_code
            )));
            return Ok(see_other(&match id {
                Some(id) => format!("/sales-persons/{id}"),
                None => "/sales-persons".to_owned(),
            }));
        }
        // The check above, or the unique index when two people save the same code at once.
        Err(AppError::Conflict(_)) => code_clash(state, code, id).await?,
        Err(AppError::Validation(errors)) => errors,
        Err(other) => return Err(other),
    };
    form_page(
        user,
        StatusCode::UNPROCESSABLE_ENTITY,
        editing,
        form,
        errors,
    )
}

/// The message next to Employee Code when `code` belongs to someone else.
async fn code_clash(
    state: &AppState,
    code: String,
    except: Option<i64>,
) -> Result<FieldErrors, AppError> {
    let lookup = code.clone();
    let holder = state
        .db
        .run(move |conn| Ok(model::find_by_code(conn, &lookup)?))
        .await?
        .filter(|p| Some(p.id) != except);
    let mut errors = FieldErrors::new();
    errors.add(
        "employee_code",
        match holder {
            Some(p) => format!("{code} already belongs to {}.", p.name),
            None => format!("{code} already belongs to another sales person."),
        },
    );
    Ok(errors)
}

async fn set_active(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, Activation)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let (id, activation) = path.into_inner();
    let actor = user.actor();
    let after = state
        .db
        .tx(move |conn| Ok(model::set_active(conn, id, activation, &actor)?))
        .await?;
    user.flash(Flash::success(format!(
        "{} {}.",
        after.name,
        activation.done()
    )));
    Ok(see_other(&format!("/sales-persons/{id}")))
}
