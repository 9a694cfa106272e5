//! The Brands page: the list with how many items each brand has (readers of the catalogue),
//! create, rename, deactivate and reactivate (stores.manage). Brands are never deleted.

use std::collections::HashMap;

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::Activation;
use patron_rules::users::Permission;

use super::forms::BrandForm;
use super::list_page::READERS;
use super::model::{self, Brand};
use crate::state::AppState;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/brands", web::get().to(index))
        .route("/brands", web::post().to(create))
        .route("/brands/{id}", web::get().to(edit_page))
        .route("/brands/{id}", web::post().to(rename))
        .route(
            "/brands/{id}/{action:deactivate|reactivate}",
            web::post().to(set_active),
        );
}

#[derive(Template)]
#[template(path = "catalog/brands.html")]
struct IndexPage {
    ctx: PageCtx,
    brands: Vec<(Brand, i64)>,
    form: BrandForm,
    errors: FieldErrors,
    can_edit: bool,
}

async fn index_page(
    state: &AppState,
    user: &CurrentUser,
    form: BrandForm,
    errors: FieldErrors,
) -> Result<IndexPage, AppError> {
    let (brands, usage) = state
        .db
        .run(|conn| Ok((model::brands(conn, true)?, model::brand_usage(conn)?)))
        .await?;
    let usage: HashMap<Option<i64>, i64> = usage.into_iter().collect();
    Ok(IndexPage {
        ctx: user.page(),
        brands: brands
            .into_iter()
            .map(|b| {
                let n = usage.get(&Some(b.id)).copied().unwrap_or(0);
                (b, n)
            })
            .collect(),
        form,
        errors,
        can_edit: user.can(Permission::StoresManage),
    })
}

async fn index(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    render(&index_page(&state, &user, BrandForm::default(), FieldErrors::new()).await?)
}

#[derive(Template)]
#[template(path = "catalog/brand_form.html")]
struct EditPage {
    ctx: PageCtx,
    brand: Brand,
    form: BrandForm,
    errors: FieldErrors,
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let id = id.into_inner();
    let brand = state
        .db
        .run(move |conn| Ok(model::brand(conn, id)?))
        .await?;
    let form = BrandForm {
        name: brand.name.clone(),
    };
    render(&EditPage {
        ctx: user.page(),
        brand,
        form,
        errors: FieldErrors::new(),
    })
}

/// Creates (`id` none) or renames a brand, audited in the same transaction; a duplicate name
/// is a message next to the field.
async fn save(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: Option<i64>,
    form: BrandForm,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let actor = user.actor();
    let result = match form.parse() {
        Err(errors) => Err(AppError::Validation(errors)),
        Ok(name) => state
            .db
            .tx(move |conn| {
                Ok(match id {
                    None => model::create_brand(conn, &actor, &name)?,
                    Some(id) => model::save_brand(conn, &actor, id, &name)?,
                })
            })
            .await
            .map_err(|e| match e {
                AppError::Conflict(_) => {
                    AppError::field("name", "Another brand already has this name.")
                }
                other => other,
            }),
    };
    match result {
        Ok(brand) => {
            user.flash(Flash::success(format!("Brand {} saved.", brand.name)));
            Ok(see_other("/brands"))
        }
        Err(AppError::Validation(errors)) => match id {
            None => render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &index_page(&state, &user, form, errors).await?,
            ),
            Some(id) => {
                let brand = state
                    .db
                    .run(move |conn| Ok(model::brand(conn, id)?))
                    .await?;
                let page = EditPage {
                    ctx: user.page(),
                    brand,
                    form,
                    errors,
                };
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
        },
        Err(other) => Err(other),
    }
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<BrandForm>,
) -> Result<HttpResponse, AppError> {
    save(state, user, None, form.into_inner()).await
}

async fn rename(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<BrandForm>,
) -> Result<HttpResponse, AppError> {
    save(state, user, Some(id.into_inner()), form.into_inner()).await
}

async fn set_active(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, Activation)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let (id, activation) = path.into_inner();
    let actor = user.actor();
    let brand = state
        .db
        .tx(move |conn| Ok(model::set_brand_active(conn, id, activation, &actor)?))
        .await?;
    let done = activation.done();
    user.flash(Flash::success(format!("Brand {} {done}.", brand.name)));
    Ok(see_other("/brands"))
}
