//! The tree pages (stores.manage) of Customer Groups, Territories and Item Groups: lists in tree
//! order with how many customers or items use each, create and edit. A node in use is never
//! deleted.

use std::collections::HashMap;

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::tree::{Node, display_order, would_cycle};
use patron_rules::users::Permission;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::model;
use super::model::groups::{self, GroupFields, TerritoryFields};
use crate::catalog::model::{self as catalog, ItemGroupFields};
use crate::state::AppState;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the pages of the three trees.
pub fn config(cfg: &mut web::ServiceConfig) {
    mount(cfg, Kind::Group);
    mount(cfg, Kind::Territory);
    mount(cfg, Kind::ItemGroup);
}

/// Mounts the pages of one tree.
pub fn mount(cfg: &mut web::ServiceConfig, kind: Kind) {
    {
        let base = kind.path();
        cfg.service(
            web::resource(base)
                .app_data(web::Data::new(kind))
                .route(web::get().to(index))
                .route(web::post().to(save_new)),
        )
        .service(
            web::resource(format!("{base}/new"))
                .app_data(web::Data::new(kind))
                .route(web::get().to(new_page)),
        )
        .service(
            web::resource(format!("{base}/{{id}}"))
                .app_data(web::Data::new(kind))
                .route(web::get().to(edit_page))
                .route(web::post().to(save_existing)),
        )
        .service(
            web::resource(format!("{base}/{{id}}/delete"))
                .app_data(web::Data::new(kind))
                .route(web::post().to(delete)),
        );
    }
}

/// Which tree a page is about: the two share their pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Customer groups.
    Group,
    /// Territories.
    Territory,
    /// Item groups (the catalogue).
    ItemGroup,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Group => "/customer-groups",
            Kind::Territory => "/territories",
            Kind::ItemGroup => "/item-groups",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::Group => "Customer Groups",
            Kind::Territory => "Territories",
            Kind::ItemGroup => "Item Groups",
        }
    }

    fn singular(self) -> &'static str {
        match self {
            Kind::Group => "Customer Group",
            Kind::Territory => "Territory",
            Kind::ItemGroup => "Item Group",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Kind::Group => "customer_groups",
            Kind::Territory => "territories",
            Kind::ItemGroup => "item_groups",
        }
    }

    /// What uses the nodes: the usage column's heading.
    fn users(self) -> &'static str {
        match self {
            Kind::Group | Kind::Territory => "Customers",
            Kind::ItemGroup => "Items",
        }
    }

    fn entity(self) -> &'static str {
        match self {
            Kind::Group => "customer_group",
            Kind::Territory => "territory",
            Kind::ItemGroup => "item_group",
        }
    }
}

/// A node with what the pages show of it.
#[derive(Debug, Clone)]
struct Item {
    node: Node,
    discount: Decimal,
    notes: String,
}

fn load_items(
    conn: &mut diesel::PgConnection,
    kind: Kind,
) -> Result<(Vec<Item>, HashMap<i64, i64>), AppError> {
    Ok(match kind {
        Kind::Group => (
            groups::groups(conn)?
                .into_iter()
                .map(|g| Item {
                    node: g.node(),
                    discount: g.default_discount,
                    notes: g.notes,
                })
                .collect(),
            groups::group_usage(conn)?.into_iter().collect(),
        ),
        Kind::Territory => (
            groups::territories(conn)?
                .into_iter()
                .map(|t| Item {
                    node: t.node(),
                    discount: Decimal::ZERO,
                    notes: String::new(),
                })
                .collect(),
            groups::territory_usage(conn)?.into_iter().collect(),
        ),
        Kind::ItemGroup => (
            catalog::item_groups(conn)?
                .into_iter()
                .map(|g| Item {
                    node: g.node(),
                    discount: Decimal::ZERO,
                    notes: String::new(),
                })
                .collect(),
            catalog::item_group_usage(conn)?.into_iter().collect(),
        ),
    })
}

struct Row {
    id: i64,
    name: String,
    depth: usize,
    discount: String,
    customers: i64,
}

#[derive(Template)]
#[template(path = "trees/index.html")]
struct IndexPage {
    ctx: PageCtx,
    kind_path: &'static str,
    title: &'static str,
    singular: &'static str,
    is_group: bool,
    users: &'static str,
    rows: Vec<Row>,
}

async fn index(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: web::Data<Kind>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let kind = **kind;
    let (items, usage) = state.db.run(move |conn| load_items(conn, kind)).await?;
    let nodes: Vec<Node> = items.iter().map(|i| i.node.clone()).collect();
    let rows = display_order(&nodes)
        .into_iter()
        .map(|(i, depth)| Row {
            id: items[i].node.id,
            name: items[i].node.name.clone(),
            depth,
            discount: format!("{}%", items[i].discount.normalize()),
            customers: usage.get(&items[i].node.id).copied().unwrap_or(0),
        })
        .collect();
    render(&IndexPage {
        ctx: user.page(),
        kind_path: kind.path(),
        title: kind.title(),
        singular: kind.singular(),
        is_group: kind == Kind::Group,
        users: kind.users(),
        rows,
    })
}

/// The form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct TreeForm {
    name: String,
    parent_id: String,
    default_discount: String,
    notes: String,
}

#[derive(Template)]
#[template(path = "trees/form.html")]
struct FormPage {
    ctx: PageCtx,
    kind_path: &'static str,
    title: &'static str,
    singular: &'static str,
    is_group: bool,
    editing: Option<i64>,
    form: TreeForm,
    errors: FieldErrors,
    parents: Vec<(i64, String, usize)>,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    kind: Kind,
    editing: Option<i64>,
    form: TreeForm,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let (items, _) = state.db.run(move |conn| load_items(conn, kind)).await?;
    let nodes: Vec<Node> = items.iter().map(|i| i.node.clone()).collect();
    // A node can go under anything but itself and its own subtree.
    let parents = display_order(&nodes)
        .into_iter()
        .filter(|(i, _)| editing.is_none_or(|id| !would_cycle(&nodes, id, Some(nodes[*i].id))))
        .map(|(i, depth)| (nodes[i].id, nodes[i].name.clone(), depth))
        .collect();
    Ok(FormPage {
        ctx: user.page(),
        kind_path: kind.path(),
        title: kind.title(),
        singular: kind.singular(),
        is_group: kind == Kind::Group,
        editing,
        form,
        errors,
        parents,
    })
}

async fn new_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: web::Data<Kind>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    render(
        &form_page(
            &state,
            &user,
            **kind,
            None,
            TreeForm::default(),
            FieldErrors::new(),
        )
        .await?,
    )
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: web::Data<Kind>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let (kind, id) = (**kind, id.into_inner());
    let (items, _) = state.db.run(move |conn| load_items(conn, kind)).await?;
    let item = items
        .into_iter()
        .find(|i| i.node.id == id)
        .ok_or(AppError::NotFound)?;
    let form = TreeForm {
        name: item.node.name,
        parent_id: item
            .node
            .parent_id
            .map(|p| p.to_string())
            .unwrap_or_default(),
        default_discount: item.discount.normalize().to_string(),
        notes: item.notes,
    };
    render(&form_page(&state, &user, kind, Some(id), form, FieldErrors::new()).await?)
}

/// Parsed form: name, parent, discount, notes.
type Parsed = (String, Option<i64>, Decimal, String);

fn parse(form: &TreeForm, kind: Kind) -> Result<Parsed, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = form.name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", "Enter a name.");
    } else if name.chars().count() > 120 {
        errors.add("name", "Use at most 120 characters.");
    }
    let parent = match form.parent_id.trim() {
        "" => None,
        raw => raw.parse::<i64>().map(Some).unwrap_or_else(|_| {
            errors.add("parent_id", "Choose a parent from the list.");
            None
        }),
    };
    let discount = if kind == Kind::Group {
        match form.default_discount.trim() {
            "" => Decimal::ZERO,
            raw => match raw.trim_end_matches('%').trim().parse::<Decimal>() {
                Ok(d) if d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED && d.scale() <= 2 => d,
                _ => {
                    errors.add(
                        "default_discount",
                        "Enter a percentage from 0 to 100, like 5 or 12.5.",
                    );
                    Decimal::ZERO
                }
            },
        }
    } else {
        Decimal::ZERO
    };
    if form.notes.chars().count() > 2000 {
        errors.add("notes", "Use at most 2000 characters.");
    }
    errors.into_result((name, parent, discount, form.notes.trim().to_owned()))
}

async fn save(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: Kind,
    id: Option<i64>,
    form: TreeForm,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let (name, parent, discount, notes) = match parse(&form, kind) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let page = form_page(&state, &user, kind, id, form, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let actor = user.actor();
    let result = state
        .db
        .tx(move |conn| {
            let (items, _) = load_items(conn, kind)?;
            let nodes: Vec<Node> = items.iter().map(|i| i.node.clone()).collect();
            if let Some(parent) = parent
                && !nodes.iter().any(|n| n.id == parent)
            {
                return Err(AppError::field("parent_id", "Choose a parent from the list."));
            }
            if let Some(id) = id
                && would_cycle(&nodes, id, parent)
            {
                return Err(AppError::field("parent_id", "It cannot go under itself or one of its own."));
            }
            let before = id.and_then(|id| items.iter().find(|i| i.node.id == id)).map(|i| {
                serde_json::json!({ "name": i.node.name, "parent_id": i.node.parent_id, "default_discount": i.discount, "notes": i.notes })
            });
            let saved_id = match kind {
                Kind::Group => model::save_group(conn, &actor, id, before, &GroupFields { name, parent_id: parent, default_discount: discount, notes })?,
                Kind::Territory => model::save_territory(conn, &actor, id, before, &TerritoryFields { name, parent_id: parent })?,
                Kind::ItemGroup => model::save_item_group(conn, &actor, id, before, &ItemGroupFields { name, parent_id: parent })?,
            };
            Ok(saved_id)
        })
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::field("name", "Another one already has this name."),
            other => other,
        });
    match result {
        Ok(_) => {
            user.flash(Flash::success(format!("{} saved.", kind.singular())));
            Ok(see_other(kind.path()))
        }
        Err(AppError::Validation(errors)) => {
            let page = form_page(&state, &user, kind, id, form, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

async fn save_new(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: web::Data<Kind>,
    form: web::Form<TreeForm>,
) -> Result<HttpResponse, AppError> {
    save(state, user, **kind, None, form.into_inner()).await
}

async fn save_existing(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: web::Data<Kind>,
    id: web::Path<i64>,
    form: web::Form<TreeForm>,
) -> Result<HttpResponse, AppError> {
    save(
        state,
        user,
        **kind,
        Some(id.into_inner()),
        form.into_inner(),
    )
    .await
}

/// Deletes a group or territory that nothing uses; one in use stays, with the reason shown.
async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: web::Data<Kind>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let (kind, id) = (**kind, id.into_inner());
    let actor = user.actor();
    let deleted = state
        .db
        .tx(move |conn| {
            let (items, _) = load_items(conn, kind)?;
            let item = items
                .into_iter()
                .find(|i| i.node.id == id)
                .ok_or(AppError::NotFound)?;
            let before =
                serde_json::json!({ "name": item.node.name, "parent_id": item.node.parent_id });
            Ok(model::delete_unused(
                conn,
                &actor,
                kind.entity(),
                kind.table(),
                id,
                before,
            )?)
        })
        .await?;
    if deleted {
        user.flash(Flash::success(format!("{} deleted.", kind.singular())));
        Ok(see_other(kind.path()))
    } else {
        user.flash(Flash::error(format!(
            "This {} is in use (by {} or as a parent), or is the top of the tree, so it stays.",
            kind.singular().to_lowercase(),
            kind.users().to_lowercase()
        )));
        Ok(see_other(&format!("{}/{id}", kind.path())))
    }
}
