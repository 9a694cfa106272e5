//! The Terminal Tokens tab of a store (stores.manage): make a token for a till (its secret is
//! shown on the answer to the post, once, and never again), see when each was last used, revoke.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::model::tokens::{self, TokenRow};
use super::model::{self as stores, Store};
use crate::state::AppState;
use crate::web::tabs::Tab;
use crate::web::{AppError, CurrentUser, FieldErrors, Flash, PageCtx, render_status, see_other};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/stores/{id}/tokens", web::get().to(index))
        .route("/stores/{id}/tokens", web::post().to(create))
        .route("/stores/{id}/tokens/{token}/revoke", web::post().to(revoke));
}

#[derive(Template)]
#[template(path = "stores/tokens.html")]
struct TokensPage {
    ctx: PageCtx,
    store: Store,
    tabs: Vec<Tab>,
    tokens: Vec<TokenRow>,
    label: String,
    errors: FieldErrors,
    /// The secret just made: shown on this one answer only.
    issued: Option<(String, String)>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    store_id: i64,
    label: String,
    errors: FieldErrors,
    issued: Option<(String, String)>,
) -> Result<TokensPage, AppError> {
    let (store, tokens) = state
        .db
        .run(move |conn| {
            Ok((
                stores::find(conn, store_id)?,
                tokens::list_for_store(conn, store_id)?,
            ))
        })
        .await?;
    Ok(TokensPage {
        ctx: user.page(),
        tabs: super::store_tabs(&store, "Terminal Tokens"),
        store,
        tokens,
        label,
        errors,
        issued,
    })
}

async fn index(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let page = page(
        &state,
        &user,
        id.into_inner(),
        String::new(),
        FieldErrors::new(),
        None,
    )
    .await?;
    render_status(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
struct NewToken {
    #[serde(default)]
    label: String,
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<NewToken>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let store_id = id.into_inner();
    let label = form.into_inner().label.trim().to_owned();
    let mut errors = FieldErrors::new();
    if label.is_empty() {
        errors.add("label", "Name the till, like Till 1.");
    } else if label.chars().count() > 80 {
        errors.add("label", "Use at most 80 characters.");
    }
    if !errors.is_empty() {
        let page = page(&state, &user, store_id, label, errors, None).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let actor = user.actor();
    let token_label = label.clone();
    let issued = state
        .db
        .tx(move |conn| {
            let store = stores::find(conn, store_id)?;
            if !store.active {
                return Err(AppError::field(
                    "label",
                    "This store is deactivated: reactivate it before giving its tills tokens.",
                ));
            }
            Ok(tokens::create(conn, store_id, &token_label, &actor)?)
        })
        .await;
    let issued = match issued {
        Ok(issued) => issued,
        Err(AppError::Validation(errors)) => {
            let page = page(&state, &user, store_id, label, errors, None).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Err(other) => return Err(other),
    };
    let page = page(
        &state,
        &user,
        store_id,
        String::new(),
        FieldErrors::new(),
        Some((issued.row.label, issued.secret)),
    )
    .await?;
    // The secret must not stay in caches or history.
    let mut res = render_status(StatusCode::OK, &page)?;
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

async fn revoke(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let (store_id, token_id) = path.into_inner();
    let actor = user.actor();
    let row = state
        .db
        .tx(move |conn| {
            let row = tokens::find(conn, token_id)?;
            if row.store_id != store_id {
                return Err(AppError::NotFound);
            }
            Ok(tokens::revoke(conn, token_id, &actor)?)
        })
        .await?;
    user.flash(Flash::success(format!(
        "Token {} ({}) revoked: that till can no longer call the API.",
        row.label, row.hint
    )));
    Ok(see_other(&format!("/stores/{store_id}/tokens")))
}
