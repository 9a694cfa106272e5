//! The customers card on the home page: a search box (the first thing a supervisor at the
//! counter needs), how many customers the viewer looks after, and how many are new this month.
//! The box searches the whole chain, since customers shop in every store; a supervisor's own
//! store's customers come first (see `model::list`).

use askama::Template;
use diesel::PgConnection;
use diesel::prelude::*;
use patron_rules::users::Permission;

use super::model::{self, ListFilter, Origin};
use crate::db::schema::customers;
use crate::web::AppError;
use crate::web::format::count;
use crate::web::tiles::{Figure, HomeRequest, HomeTile, Tile, html};

/// The search card and the customer counts.
pub struct FindCustomer;

#[derive(Template)]
#[template(path = "customers/home_search.html")]
struct SearchCard {
    /// The supervisor's store's name ("Downtown"), whose customers the search lists first.
    store_name: Option<String>,
    can_create: bool,
}

impl HomeTile for FindCustomer {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &HomeRequest,
    ) -> Result<Vec<Tile>, AppError> {
        if !request.can(Permission::CustomersView) {
            return Ok(Vec::new());
        }
        let own = request.own_store();
        let store_name = request.store_name.clone();
        let mut tiles = Vec::new();
        let active = match own {
            Some(id) => {
                let filter = ListFilter {
                    origin: Some(Origin::Store(id)),
                    ..ListFilter::default()
                };
                count(model::count_capped(conn, &filter, i64::MAX)?)
            }
            None => match model::count_active_roughly(conn, 10_000)? {
                (n, true) => count(n),
                (n, false) => format!("about {}", count(n)),
            },
        };
        tiles.push(Tile::Figure(Figure {
            value: active,
            label: match &store_name {
                Some(name) => format!("customers of {name}"),
                None => "active customers".into(),
            },
            detail: None,
            href: Some(match own {
                Some(id) => format!("/customers?store={id}"),
                None => "/customers".into(),
            }),
        }));
        let mut new = customers::table
            .filter(customers::created_at.ge(request.month_start))
            .filter(customers::merged_into_id.is_null())
            .into_boxed();
        if let Some(id) = own {
            new = new.filter(customers::origin_store_id.eq(id));
        }
        let new: i64 = new.count().get_result(conn)?;
        tiles.push(Tile::Figure(Figure {
            value: count(new),
            label: format!("new customers in {}", request.today.format("%B")),
            detail: None,
            href: Some(match own {
                Some(id) => format!("/customers?store={id}&sort=created"),
                None => "/customers?sort=created".into(),
            }),
        }));
        tiles.insert(
            0,
            Tile::Lead(html(&SearchCard {
                store_name,
                can_create: request.can(Permission::CustomersCreate),
            })?),
        );
        Ok(tiles)
    }
}
