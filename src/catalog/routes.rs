//! The item pages: the searchable list (stores.manage, offers.manage or reports.view may read
//! it), create and edit with the Item Group and Brand pickers, deactivate and reactivate
//! (stores.manage). There is no delete: history refers to items.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::Activation;
use patron_rules::catalog::rate_text;
use patron_rules::tree::{Node, in_tree_order};
use patron_rules::users::Permission;

use super::forms::{ItemForm, Names};
use super::list;
use super::list_page::{ListQuery, READERS};
use super::model::{self, Brand, ItemGroup};
use crate::state::AppState;
use crate::web::pager::{self, Pager};
use crate::web::request::is_fragment_request;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Rows per page of the list.
const PAGE_SIZE: i64 = 50;

/// Mounts the item pages (after the catalogue's literal `/items/...` routes, see `catalog::config`).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/items", web::get().to(index))
        .route("/items", web::post().to(create))
        .route("/items/new", web::get().to(new_page))
        .route("/items/{id}", web::get().to(edit_page))
        .route("/items/{id}", web::post().to(update))
        .route(
            "/items/{id}/{action:deactivate|reactivate}",
            web::post().to(set_active),
        );
}

/// A list row as shown.
struct Row {
    id: i64,
    code: String,
    name: String,
    group: String,
    brand: String,
    rate: String,
    unit: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "catalog/index.html", blocks = ["results"])]
struct IndexPage {
    ctx: PageCtx,
    query: ListQuery,
    rows: Vec<Row>,
    pager: Pager,
    groups: Vec<(ItemGroup, usize)>,
    brands: Vec<Brand>,
    can_edit: bool,
}

impl IndexPage {
    fn export_query(&self) -> String {
        serde_urlencoded::to_string(self.query.pairs()).unwrap_or_default()
    }
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let query = query.into_inner();
    let fragment = is_fragment_request(&req);
    let filter_query = query.clone();
    let (rows, groups, brands) = state
        .db
        .run(move |conn| {
            let groups = model::item_groups(conn)?;
            let nodes: Vec<Node> = groups.iter().map(ItemGroup::node).collect();
            let rows = list::list(conn, &filter_query.filter(&nodes), PAGE_SIZE + 1)?;
            let brands = if fragment {
                Vec::new()
            } else {
                model::brands(conn, true)?
            };
            Ok((rows, groups, brands))
        })
        .await?;
    let (shown, pager) = pager::paginate(
        &query.page,
        &query.keyset(),
        rows,
        50,
        ListQuery::key,
        &pager::link("/items", &query.pairs()),
        "item-results",
    );
    let page = IndexPage {
        ctx: user.page(),
        rows: shown
            .iter()
            .map(|r| Row {
                id: r.id,
                code: r.item_code.clone(),
                name: r.name.clone(),
                group: r.group.clone(),
                brand: r.brand.clone().unwrap_or_default(),
                rate: rate_text(r.standard_rate),
                unit: r.unit.clone(),
                active: r.active,
            })
            .collect(),
        pager,
        groups: in_tree_order(groups, ItemGroup::node),
        brands,
        can_edit: user.can(Permission::StoresManage),
        query,
    };
    if fragment {
        render(&page.as_results())
    } else {
        render(&page)
    }
}

#[derive(Template)]
#[template(path = "catalog/form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<model::Item>,
    form: ItemForm,
    errors: FieldErrors,
}

fn form_page(
    user: &CurrentUser,
    editing: Option<model::Item>,
    form: ItemForm,
    errors: FieldErrors,
) -> FormPage {
    FormPage {
        ctx: user.page(),
        editing,
        form,
        errors,
    }
}

async fn new_page(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let form = ItemForm {
        item_group: model::ROOT_ITEM_GROUP.into(),
        unit: "Nos".into(),
        ..ItemForm::default()
    };
    render(&form_page(&user, None, form, FieldErrors::new()))
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let id = id.into_inner();
    let (item, group, brand) = state
        .db
        .run(move |conn| {
            let item = model::find(conn, id)?;
            let group = model::item_groups(conn)?
                .into_iter()
                .find(|g| g.id == item.fields.item_group_id)
                .map(|g| g.name)
                .unwrap_or_default();
            let brand = match item.fields.brand_id {
                Some(b) => model::brand(conn, b)?.name,
                None => String::new(),
            };
            Ok((item, group, brand))
        })
        .await?;
    let form = ItemForm {
        item_code: item.fields.item_code.clone(),
        name: item.fields.name.clone(),
        item_group: group,
        brand,
        standard_rate: rate_text(item.fields.standard_rate),
        unit: item.fields.unit.clone(),
    };
    render(&form_page(&user, Some(item), form, FieldErrors::new()))
}

/// Saves a new item (`id` none) or changes one, audited in the same transaction.
async fn save(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: Option<i64>,
    form: ItemForm,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let actor = user.actor();
    let posted = form.clone();
    let result = state
        .db
        .tx(move |conn| {
            let fields = posted.parse(&Names::load(conn)?)?;
            Ok(match id {
                None => model::create(conn, &fields, &actor)?,
                Some(id) => model::update(conn, id, &fields, &actor)?,
            })
        })
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => {
                AppError::field("item_code", "Another item already has this code.")
            }
            other => other,
        });
    match result {
        Ok(item) => {
            user.flash(Flash::success(format!(
                "Item {} saved.",
                item.fields.item_code
            )));
            Ok(see_other("/items"))
        }
        Err(AppError::Validation(errors)) => {
            let editing = match id {
                Some(id) => Some(state.db.run(move |conn| Ok(model::find(conn, id)?)).await?),
                None => None,
            };
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&user, editing, form, errors),
            )
        }
        Err(other) => Err(other),
    }
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<ItemForm>,
) -> Result<HttpResponse, AppError> {
    save(state, user, None, form.into_inner()).await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<ItemForm>,
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
    let item = state
        .db
        .tx(move |conn| Ok(model::set_active(conn, id, activation, &actor)?))
        .await?;
    let done = activation.done();
    user.flash(Flash::success(format!(
        "Item {} {done}.",
        item.fields.item_code
    )));
    Ok(see_other(&format!("/items/{id}")))
}
