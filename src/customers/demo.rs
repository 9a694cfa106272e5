//! The demo's Walk-in Customer: every demo store's Default Customer (made once).

use diesel::prelude::*;

use super::model;
use crate::kernel::Actor;
use crate::trees::model::groups;

const ACTOR: Actor = Actor::System("demo data");

/// The "Walk-in Customer" (made once) that sales without a named customer go to.
pub fn walk_in_customer(conn: &mut PgConnection) -> anyhow::Result<i64> {
    use crate::db::schema::customers as table;
    let existing = table::table
        .filter(table::first_name.eq("Walk-in"))
        .filter(table::last_name.eq("Customer"))
        .select(table::id)
        .first::<i64>(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let group = match groups::group_by_name(conn, "Individual")? {
        Some(group) => group.id,
        None => groups::root_group_id(conn)?,
    };
    let fields = model::CustomerFields {
        first_name: "Walk-in".into(),
        last_name: "Customer".into(),
        customer_group_id: group,
        territory_id: groups::root_territory_id(conn)?,
        notes: "Sales without a named customer go here (every store's Default Customer).".into(),
        ..model::CustomerFields::default()
    };
    let customer = model::create(
        conn,
        &model::NewCustomer {
            uuid: uuid::Uuid::new_v4(),
            origin_store_id: None,
            fields,
        },
        &ACTOR,
    )?;
    Ok(customer.id)
}
