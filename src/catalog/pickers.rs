//! Pickers that forms reuse (`picker` in templates/_macros.html): a text field with a
//! `<datalist>` that htmx refills as the person types. These endpoints answer the options: items
//! (by code), item groups and brands (by name), the first 20 that match.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use patron_rules::catalog::{rate_text, search};
use patron_rules::tree::in_tree_order;

use super::list::{self, ItemFilter};
use super::list_page::READERS;
use super::model::{self, ItemGroup};
use crate::state::AppState;
use crate::web::{AppError, CurrentUser, render};

/// Options one answer holds.
const OPTIONS: usize = 20;

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/pickers/items", web::get().to(items))
        .route("/pickers/item-groups", web::get().to(item_groups))
        .route("/pickers/brands", web::get().to(brands));
}

/// One option: what the field gets, and what the person reads beside it.
struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "catalog/picker_options.html")]
struct Options {
    options: Vec<Choice>,
}

/// The text typed: `q`, or the field's own value, which htmx sends under the field's name.
fn typed(query: &HashMap<String, String>) -> String {
    query
        .get("q")
        .or_else(|| query.values().next())
        .map(|q| q.trim().to_owned())
        .unwrap_or_default()
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

async fn items(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let filter = ItemFilter {
        search: search(&typed(&query)),
        ..ItemFilter::default()
    };
    let rows = state
        .db
        .run(move |conn| Ok(list::list(conn, &filter, OPTIONS as i64)?))
        .await?;
    let options = rows
        .into_iter()
        .map(|r| Choice {
            label: format!("{} · {} {}", r.name, rate_text(r.standard_rate), r.unit),
            value: r.item_code,
        })
        .collect();
    render(&Options { options })
}

async fn item_groups(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let typed = typed(&query);
    let groups = state.db.run(|conn| Ok(model::item_groups(conn)?)).await?;
    let by_id: HashMap<i64, ItemGroup> = groups.iter().map(|g| (g.id, g.clone())).collect();
    let options = in_tree_order(groups, ItemGroup::node)
        .into_iter()
        .filter(|(g, _)| contains(&g.name, &typed))
        .take(OPTIONS)
        .map(|(g, _)| {
            // The path tells apart groups that read alike ("Kids › Tops").
            let mut path = vec![g.name.clone()];
            let mut parent = g.parent_id.and_then(|p| by_id.get(&p));
            while let Some(p) = parent.filter(|p| p.parent_id.is_some() && path.len() < 8) {
                path.push(p.name.clone());
                parent = p.parent_id.and_then(|id| by_id.get(&id));
            }
            path.reverse();
            Choice {
                value: g.name,
                label: path.join(" › "),
            }
        })
        .collect();
    render(&Options { options })
}

async fn brands(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let typed = typed(&query);
    let brands = state.db.run(|conn| Ok(model::brands(conn, false)?)).await?;
    let options = brands
        .into_iter()
        .filter(|b| contains(&b.name, &typed))
        .take(OPTIONS)
        .map(|b| Choice {
            label: b.name.clone(),
            value: b.name,
        })
        .collect();
    render(&Options { options })
}
