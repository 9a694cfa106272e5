//! The Stores pages (stores.manage): the list, a new store, and the Details tab of a store with
//! deactivate/reactivate. The POS Profile and Terminal Tokens tabs live in their own modules.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::Activation;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::forms::StoreForm;
use super::model::{self, Company, Store, StoreFields, StoreRow};
use crate::state::AppState;
use crate::web::request::is_fragment_request;
use crate::web::tabs::Tab;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/stores", web::get().to(index))
        .route("/stores", web::post().to(create))
        .route("/stores/new", web::get().to(new_page))
        .route("/stores/{id}", web::get().to(details))
        .route("/stores/{id}", web::post().to(update))
        .route(
            "/stores/{id}/{action:deactivate|reactivate}",
            web::post().to(set_active),
        );
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "stores/index.html", blocks = ["rows"])]
struct IndexPage {
    ctx: PageCtx,
    q: String,
    stores: Vec<StoreRow>,
}

async fn index(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let q = query.into_inner().q;
    let search = q.clone();
    let stores = state
        .db
        .run(move |conn| Ok(model::list(conn, &search)?))
        .await?;
    let page = IndexPage {
        ctx: user.page(),
        q,
        stores,
    };
    if is_fragment_request(&req) {
        render(&page.as_rows())
    } else {
        render(&page)
    }
}

/// The new-store form and the Details tab: one template.
#[derive(Template)]
#[template(path = "stores/form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<Store>,
    tabs: Vec<Tab>,
    form: StoreForm,
    errors: FieldErrors,
    companies: Vec<Company>,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Store>,
    form: StoreForm,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let companies = state.db.run(|conn| Ok(model::companies(conn)?)).await?;
    let tabs = editing
        .as_ref()
        .map(|store| super::store_tabs(store, "Details"))
        .unwrap_or_default();
    Ok(FormPage {
        ctx: user.page(),
        editing,
        tabs,
        form,
        errors,
        companies,
    })
}

fn form_of(store: &Store) -> StoreForm {
    StoreForm {
        code: store.code.clone(),
        name: store.name.clone(),
        company_id: store.company_id.to_string(),
        warehouse: store.warehouse.clone(),
        address: store.address.clone(),
        phone: store.phone.clone(),
    }
}

async fn new_page(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let mut page = form_page(
        &state,
        &user,
        None,
        StoreForm::default(),
        FieldErrors::new(),
    )
    .await?;
    if let [only] = page.companies.as_slice() {
        page.form.company_id = only.id.to_string();
    }
    render(&page)
}

async fn details(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let id = id.into_inner();
    let store = state.db.run(move |conn| Ok(model::find(conn, id)?)).await?;
    let form = form_of(&store);
    render(&form_page(&state, &user, Some(store), form, FieldErrors::new()).await?)
}

/// A duplicate store code, reported next to the field.
fn code_taken(err: AppError) -> AppError {
    match err {
        AppError::Conflict(_) => AppError::field("code", "Another store already has this code."),
        other => other,
    }
}

/// Checks `fields` against the database: the company must exist and be active.
fn check_company(conn: &mut diesel::PgConnection, fields: &StoreFields) -> Result<(), AppError> {
    match model::find_company(conn, fields.company_id) {
        Ok(company) if company.active => Ok(()),
        Ok(_) => Err(AppError::field(
            "company_id",
            "This company is deactivated; choose another.",
        )),
        Err(diesel::result::Error::NotFound) => {
            Err(AppError::field("company_id", "Choose the company."))
        }
        Err(other) => Err(other.into()),
    }
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<StoreForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let form = form.into_inner();
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => return rerender(&state, &user, None, form, errors).await,
    };
    let actor = user.actor();
    let saved = state
        .db
        .tx(move |conn| {
            check_company(conn, &fields)?;
            Ok(model::create(conn, &fields, &actor)?)
        })
        .await
        .map_err(code_taken);
    match saved {
        Ok(store) => {
            user.flash(Flash::success(format!(
                "Store {} created. Set up its POS profile next.",
                store.code
            )));
            Ok(see_other(&format!("/stores/{}/profile", store.id)))
        }
        Err(AppError::Validation(errors)) => rerender(&state, &user, None, form, errors).await,
        Err(other) => Err(other),
    }
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<StoreForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let id = id.into_inner();
    let store = state.db.run(move |conn| Ok(model::find(conn, id)?)).await?;
    let form = form.into_inner();
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => return rerender(&state, &user, Some(store), form, errors).await,
    };
    let actor = user.actor();
    let saved = state
        .db
        .tx(move |conn| {
            check_company(conn, &fields)?;
            Ok(model::update(conn, id, &fields, &actor)?)
        })
        .await
        .map_err(code_taken);
    match saved {
        Ok(store) => {
            user.flash(Flash::success(format!("Store {} saved.", store.code)));
            Ok(see_other(&format!("/stores/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            rerender(&state, &user, Some(store), form, errors).await
        }
        Err(other) => Err(other),
    }
}

async fn rerender(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Store>,
    form: StoreForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let page = form_page(state, user, editing, form, errors).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn set_active(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, Activation)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let (id, action) = path.into_inner();
    let active = action.active();
    let actor = user.actor();
    let store = state
        .db
        .tx(move |conn| Ok(model::set_active(conn, id, action, &actor)?))
        .await?;
    user.flash(Flash::success(if active {
        format!("Store {} reactivated.", store.code)
    } else {
        format!(
            "Store {} deactivated. Its tills can no longer call the API; its history stays.",
            store.code
        )
    }));
    Ok(see_other(&format!("/stores/{id}")))
}
