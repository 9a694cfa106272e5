//! The audited writes of the trees' pages: a customer group, territory or item group saved or
//! deleted by a person, with its audit entry in the same transaction (the rows and queries
//! themselves are in `groups` and the catalogue's model).

pub mod groups;

use diesel::prelude::*;
use serde_json::Value;

use self::groups::{Group, GroupFields, Territory, TerritoryFields};
use crate::audit::{self, Audited};
use crate::catalog::model::{self as catalog, ItemGroupFields};
use crate::kernel::Actor;

/// Saves customer group `id` (new when `None`), audited; `before` is the record as the page
/// knew it. Returns its id.
pub fn save_group(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Option<i64>,
    before: Option<Value>,
    fields: &GroupFields,
) -> QueryResult<i64> {
    save(
        conn,
        actor,
        "customer_group",
        id,
        before,
        |conn| groups::insert_group(conn, fields),
        |conn, id| groups::update_group(conn, id, fields),
    )
}

/// Saves territory `id` (new when `None`), audited, as `save_group`.
pub fn save_territory(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Option<i64>,
    before: Option<Value>,
    fields: &TerritoryFields,
) -> QueryResult<i64> {
    save(
        conn,
        actor,
        "territory",
        id,
        before,
        |conn| groups::insert_territory(conn, fields),
        |conn, id| groups::update_territory(conn, id, fields),
    )
}

/// Saves item group `id` (new when `None`), audited, as `save_group`.
pub fn save_item_group(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Option<i64>,
    before: Option<Value>,
    fields: &ItemGroupFields,
) -> QueryResult<i64> {
    save(
        conn,
        actor,
        "item_group",
        id,
        before,
        |conn| catalog::insert_item_group(conn, fields),
        |conn, id| catalog::update_item_group(conn, id, fields),
    )
}

/// A node created through `audit::create`, or changed through `audit::update` from what the
/// page showed of it (`before`) to its row.
fn save<T: Audited>(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    id: Option<i64>,
    before: Option<Value>,
    insert: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
    update: impl FnOnce(&mut PgConnection, i64) -> QueryResult<T>,
) -> QueryResult<i64> {
    let Some(id) = id else {
        return audit::create(conn, actor, entity, insert).map(|node| node.audit_id());
    };
    audit::update(
        conn,
        actor,
        entity,
        id,
        |_| Ok(before.unwrap_or_default()),
        |conn, _| Ok(audit::snapshot(&update(conn, id)?).unwrap_or_default()),
    )?;
    Ok(id)
}

/// Deletes node `id` of `table` (`entity` in the audit log) when nothing uses it, audited with
/// `before`, what the page showed of it; answers whether it went.
pub fn delete_unused(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    table: &str,
    id: i64,
    before: Value,
) -> QueryResult<bool> {
    let deleted = groups::delete_unused(conn, table, id)?;
    if deleted {
        audit::record(conn, actor, entity, id, "delete", Some(before), None)?;
    }
    Ok(deleted)
}

/// Adds a customer group from an imported file, audited as an import.
pub fn import_group(
    conn: &mut PgConnection,
    actor: &Actor,
    fields: &GroupFields,
) -> QueryResult<Group> {
    let group = groups::insert_group(conn, fields)?;
    audit::record(
        conn,
        actor,
        "customer_group",
        group.id,
        "import",
        None,
        audit::snapshot(&group),
    )?;
    Ok(group)
}

audit::keyed_by_id!(Group, Territory);
