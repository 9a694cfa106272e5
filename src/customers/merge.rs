//! Merging duplicates (customers.edit): pick the customer to keep and the one to merge, see both,
//! confirm. Everything pointing at the merged one moves to the kept one in one transaction; the
//! merged one is deactivated with "Merged into CUST-xxxxx". Both sides are audited.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::hooks::CustomerHooks;
use super::model::{self, Customer};
use crate::state::AppState;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/merge", web::get().to(page))
        .route("/customers/merge", web::post().to(merge));
}

/// The two customers, as codes (GET, to preview) or ids (POST, to merge).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MergeQuery {
    keep: String,
    merge: String,
}

#[derive(Template)]
#[template(path = "customers/merge.html")]
struct MergePage {
    ctx: PageCtx,
    query: MergeQuery,
    errors: FieldErrors,
    kept: Option<Customer>,
    merged: Option<Customer>,
}

/// A supervisor merges only customers of their own store.
fn may_merge(user: &CurrentUser, c: &Customer) -> bool {
    user.may_act_on_store(c.origin_store_id)
}

/// Finds both customers by code (or id) and says what is wrong with the pair.
async fn resolve(
    state: &AppState,
    user: &CurrentUser,
    query: &MergeQuery,
) -> Result<(Option<Customer>, Option<Customer>, FieldErrors), AppError> {
    let (keep, merge) = (query.keep.clone(), query.merge.clone());
    let lookup =
        |conn: &mut diesel::PgConnection, key: &str| -> Result<Option<Customer>, AppError> {
            if key.trim().is_empty() {
                return Ok(None);
            }
            match key.trim().parse::<i64>() {
                Ok(id) => Ok(diesel::OptionalExtension::optional(model::find(conn, id))?),
                Err(_) => Ok(model::find_by_code(conn, key)?),
            }
        };
    let (kept, merged) = state
        .db
        .run(move |conn| Ok((lookup(conn, &keep)?, lookup(conn, &merge)?)))
        .await?;
    let mut errors = FieldErrors::new();
    for (field, key, found) in [
        ("keep", &query.keep, &kept),
        ("merge", &query.merge, &merged),
    ] {
        match found {
            None if !key.trim().is_empty() => errors.add(field, "No customer has this code."),
            Some(c) if !c.active => errors.add(field, format!("{} is deactivated.", c.code)),
            Some(c) if !may_merge(user, c) => {
                errors.add(field, "This customer belongs to another store.")
            }
            _ => {}
        }
    }
    if let (Some(k), Some(m)) = (&kept, &merged)
        && k.id == m.id
    {
        errors.add("merge", "Choose two different customers.");
    }
    Ok((kept, merged, errors))
}

async fn page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<MergeQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersEdit)?;
    let query = query.into_inner();
    let (kept, merged, errors) = resolve(&state, &user, &query).await?;
    render(&MergePage {
        ctx: user.page(),
        query,
        errors,
        kept,
        merged,
    })
}

async fn merge(
    state: web::Data<AppState>,
    hooks: web::Data<CustomerHooks>,
    user: CurrentUser,
    form: web::Form<MergeQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersEdit)?;
    let form = form.into_inner();
    let (kept, merged, errors) = resolve(&state, &user, &form).await?;
    let (Some(kept), Some(merged)) = (kept.clone(), merged.clone()) else {
        let mut errors = errors;
        errors.add("merge", "Choose the customer to keep and the one to merge.");
        let page = MergePage {
            ctx: user.page(),
            query: form,
            errors,
            kept,
            merged,
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    if !errors.is_empty() {
        let page = MergePage {
            ctx: user.page(),
            query: form,
            errors,
            kept: Some(kept),
            merged: Some(merged),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let (actor, by) = (user.actor(), user.id);
    let (kept_id, merged_id) = (kept.id, merged.id);
    let (kept, merged) = state
        .db
        .tx(move |conn| Ok(model::merge(conn, &hooks, kept_id, merged_id, by, &actor)?))
        .await?;
    user.flash(Flash::success(format!(
        "{} merged into {}.",
        merged.code, kept.code
    )));
    Ok(see_other(&format!("/customers/{}", kept.id)))
}
