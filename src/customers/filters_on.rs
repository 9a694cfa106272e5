//! The customer list's filters that are on, each with what it is set to: what the list names
//! when they leave it empty, so that nobody takes "no match" for "no such customer".

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::model::{ListFilter, Origin, Status};

/// One filter that narrows the list.
#[derive(Debug, Clone)]
pub struct FilterOn {
    /// Its query key, which is also the word people read: `store`, `group`, `territory`, `status`
    /// (and `segment`, which the list adds for those who read segments).
    pub key: &'static str,
    /// What it is set to, as its select shows it ("Downtown", "Created at HQ").
    pub value: String,
}

/// The filters of `filter` that narrow the list, in the order the page shows them. Status is one
/// only when it asks for deactivated customers: the default (active) has its own hint, and "all"
/// narrows nothing. A filter whose record is gone reads as its id.
pub fn filters_on(conn: &mut PgConnection, filter: &ListFilter) -> QueryResult<Vec<FilterOn>> {
    #[derive(QueryableByName)]
    struct Names {
        #[diesel(sql_type = Nullable<Text>)]
        group_name: Option<String>,
        #[diesel(sql_type = Nullable<Text>)]
        territory_name: Option<String>,
        #[diesel(sql_type = Nullable<Text>)]
        store_name: Option<String>,
    }
    let store_id = match filter.origin {
        Some(Origin::Store(id)) => Some(id),
        _ => None,
    };
    // One round trip for the three names; a filter that is off asks for none.
    let names: Names = diesel::sql_query(
        "SELECT (SELECT name FROM customer_groups WHERE id = $1) AS group_name, \
         (SELECT name FROM territories WHERE id = $2) AS territory_name, \
         (SELECT name FROM stores WHERE id = $3) AS store_name",
    )
    .bind::<Nullable<BigInt>, _>(filter.group_id)
    .bind::<Nullable<BigInt>, _>(filter.territory_id)
    .bind::<Nullable<BigInt>, _>(store_id)
    .get_result(conn)?;
    let mut on = Vec::new();
    if let Some(id) = filter.group_id {
        on.push(named("group", names.group_name, id));
    }
    if let Some(id) = filter.territory_id {
        on.push(named("territory", names.territory_name, id));
    }
    match filter.origin {
        Some(Origin::Hq) => on.push(FilterOn {
            key: "store",
            value: "Created at HQ".to_owned(),
        }),
        Some(Origin::Store(id)) => on.push(named("store", names.store_name, id)),
        None => {}
    }
    if filter.status == Status::Deactivated {
        on.push(FilterOn {
            key: "status",
            value: "Deactivated".to_owned(),
        });
    }
    Ok(on)
}

/// A filter set to record `id`, read by its `name` (by its id when the record is gone).
fn named(key: &'static str, name: Option<String>, id: i64) -> FilterOn {
    FilterOn {
        key,
        value: name.unwrap_or_else(|| format!("#{id}")),
    }
}
