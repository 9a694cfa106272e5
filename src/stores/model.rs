//! Store rows and queries.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::stores;

/// A store of the chain.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = stores)]
pub struct Store {
    /// Internal id.
    pub id: i64,
    /// Short upper-case code (`DOWNTOWN`).
    pub code: String,
    /// Name people read.
    pub name: String,
    /// Deactivated stores stay for history.
    pub active: bool,
}

/// Active stores by name, for pickers.
pub fn list_active(conn: &mut PgConnection) -> QueryResult<Vec<Store>> {
    stores::table
        .filter(stores::active.eq(true))
        .order(stores::name.asc())
        .select(Store::as_select())
        .load(conn)
}

/// The store with `code`, if any.
pub fn find_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Store>> {
    stores::table
        .filter(stores::code.eq(code))
        .select(Store::as_select())
        .first(conn)
        .optional()
}

/// Creates a store unless one with the code exists; returns it either way.
pub fn ensure(conn: &mut PgConnection, code: &str, name: &str) -> QueryResult<Store> {
    diesel::insert_into(stores::table)
        .values((stores::code.eq(code), stores::name.eq(name)))
        .on_conflict(stores::code)
        .do_nothing()
        .execute(conn)?;
    stores::table
        .filter(stores::code.eq(code))
        .select(Store::as_select())
        .first(conn)
}

/// How many active stores there are.
pub fn count_active(conn: &mut PgConnection) -> QueryResult<i64> {
    stores::table
        .filter(stores::active.eq(true))
        .count()
        .get_result(conn)
}
