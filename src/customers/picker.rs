//! The customer picker: suggestions for a field that takes a customer (a POS profile's Default
//! Customer, the invoice list's Customer filter), as `<option>`s for a `<datalist>`. The field
//! itself takes the customer code.

use actix_web::{HttpResponse, web};
use askama::Template;
use patron_rules::customers::search_terms;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::list_page;
use super::model::{ListFilter, ListRow};
use crate::state::AppState;
use crate::web::{AppError, CurrentUser, render};

/// How many suggestions the picker shows.
const SUGGESTIONS: i64 = 10;

/// Mounts the route (before `/customers/{id}`).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/options", web::get().to(options));
}

#[derive(Debug, Deserialize)]
struct OptionsQuery {
    /// What was typed; pickers send their own field's name, so the known ones are aliases.
    #[serde(default, alias = "default_customer", alias = "customer")]
    q: String,
}

#[derive(Template)]
#[template(path = "customers/options.html")]
struct Options {
    rows: Vec<ListRow>,
}

async fn options(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<OptionsQuery>,
) -> Result<HttpResponse, AppError> {
    if !(user.can(Permission::CustomersView) || user.can(Permission::StoresManage)) {
        return Err(AppError::Forbidden);
    }
    // "CUST-00001 · Walk-in Customer", chosen from an earlier list, searches by its code.
    let typed = query.q.split(" · ").next().unwrap_or_default().to_owned();
    let rows = match search_terms(&typed) {
        None => Vec::new(),
        Some(search) => {
            let filter = ListFilter {
                search: Some(search),
                ..ListFilter::default()
            };
            state
                .db
                .run(move |conn| Ok(list_page::rows(conn, &filter, SUGGESTIONS)?))
                .await?
        }
    };
    render(&Options { rows })
}
