//! Customer groups and territories: rows and queries (the only place that writes their tables).

use diesel::prelude::*;
use patron_rules::tree::Node;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::db::lower;
use crate::db::schema::{customer_groups, customers, territories};

/// Root group every new customer defaults to.
pub const ROOT_GROUP: &str = "All Customers";
/// Root territory.
pub const ROOT_TERRITORY: &str = "All Territories";

/// A customer group.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = customer_groups)]
pub struct Group {
    /// Id.
    pub id: i64,
    /// Name, unique whatever its case.
    pub name: String,
    /// Parent group.
    pub parent_id: Option<i64>,
    /// Default discount percent, 0 to 100.
    pub default_discount: Decimal,
    /// Notes.
    pub notes: String,
}

/// What the group form sets.
#[derive(Debug, Clone, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = customer_groups, treat_none_as_null = true)]
pub struct GroupFields {
    /// Name.
    pub name: String,
    /// Parent.
    pub parent_id: Option<i64>,
    /// Default discount percent.
    pub default_discount: Decimal,
    /// Notes.
    pub notes: String,
}

/// A territory.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = territories)]
pub struct Territory {
    /// Id.
    pub id: i64,
    /// Name, unique whatever its case.
    pub name: String,
    /// Parent territory.
    pub parent_id: Option<i64>,
}

/// What the territory form sets.
#[derive(Debug, Clone, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = territories, treat_none_as_null = true)]
pub struct TerritoryFields {
    /// Name.
    pub name: String,
    /// Parent.
    pub parent_id: Option<i64>,
}

impl Group {
    /// As a tree node.
    pub fn node(&self) -> Node {
        Node {
            id: self.id,
            parent_id: self.parent_id,
            name: self.name.clone(),
        }
    }
}

impl Territory {
    /// As a tree node.
    pub fn node(&self) -> Node {
        Node {
            id: self.id,
            parent_id: self.parent_id,
            name: self.name.clone(),
        }
    }
}

/// Every group, by name.
pub fn groups(conn: &mut PgConnection) -> QueryResult<Vec<Group>> {
    customer_groups::table
        .order(customer_groups::name.asc())
        .select(Group::as_select())
        .load(conn)
}

/// Every territory, by name.
pub fn territories(conn: &mut PgConnection) -> QueryResult<Vec<Territory>> {
    territories::table
        .order(territories::name.asc())
        .select(Territory::as_select())
        .load(conn)
}

/// The group with `id`.
pub fn group(conn: &mut PgConnection, id: i64) -> QueryResult<Group> {
    customer_groups::table
        .find(id)
        .select(Group::as_select())
        .first(conn)
}

/// The territory with `id`.
pub fn territory(conn: &mut PgConnection, id: i64) -> QueryResult<Territory> {
    territories::table
        .find(id)
        .select(Territory::as_select())
        .first(conn)
}

/// The id of the root group ("All Customers").
pub fn root_group_id(conn: &mut PgConnection) -> QueryResult<i64> {
    customer_groups::table
        .filter(customer_groups::name.eq(ROOT_GROUP))
        .select(customer_groups::id)
        .first(conn)
}

/// The id of the root territory ("All Territories").
pub fn root_territory_id(conn: &mut PgConnection) -> QueryResult<i64> {
    territories::table
        .filter(territories::name.eq(ROOT_TERRITORY))
        .select(territories::id)
        .first(conn)
}

/// Adds a group.
pub fn insert_group(conn: &mut PgConnection, fields: &GroupFields) -> QueryResult<Group> {
    diesel::insert_into(customer_groups::table)
        .values(fields)
        .returning(Group::as_returning())
        .get_result(conn)
}

/// Saves a group.
pub fn update_group(conn: &mut PgConnection, id: i64, fields: &GroupFields) -> QueryResult<Group> {
    diesel::update(customer_groups::table.find(id))
        .set((fields, customer_groups::updated_at.eq(diesel::dsl::now)))
        .returning(Group::as_returning())
        .get_result(conn)
}

/// Adds a territory.
pub fn insert_territory(
    conn: &mut PgConnection,
    fields: &TerritoryFields,
) -> QueryResult<Territory> {
    diesel::insert_into(territories::table)
        .values(fields)
        .returning(Territory::as_returning())
        .get_result(conn)
}

/// Saves a territory.
pub fn update_territory(
    conn: &mut PgConnection,
    id: i64,
    fields: &TerritoryFields,
) -> QueryResult<Territory> {
    diesel::update(territories::table.find(id))
        .set((fields, territories::updated_at.eq(diesel::dsl::now)))
        .returning(Territory::as_returning())
        .get_result(conn)
}

/// Customers per group id (groups with none are absent).
pub fn group_usage(conn: &mut PgConnection) -> QueryResult<Vec<(i64, i64)>> {
    customers::table
        .group_by(customers::customer_group_id)
        .select((customers::customer_group_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Customers per territory id (territories with none are absent).
pub fn territory_usage(conn: &mut PgConnection) -> QueryResult<Vec<(i64, i64)>> {
    customers::table
        .group_by(customers::territory_id)
        .select((customers::territory_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Finds a group by name (any case), for imports and seeding.
pub fn group_by_name(conn: &mut PgConnection, name: &str) -> QueryResult<Option<Group>> {
    customer_groups::table
        .filter(lower(customer_groups::name).eq(lower(name)))
        .select(Group::as_select())
        .first(conn)
        .optional()
}

/// Finds a territory by name (any case).
pub fn territory_by_name(conn: &mut PgConnection, name: &str) -> QueryResult<Option<Territory>> {
    territories::table
        .filter(lower(territories::name).eq(lower(name)))
        .select(Territory::as_select())
        .first(conn)
        .optional()
}

/// Deletes an unused group, territory or item group (no customer or item, no child, not the
/// root); returns whether it was deleted. The checks and the delete are one statement, so a
/// customer or item added meanwhile keeps it alive.
pub fn delete_unused(conn: &mut PgConnection, table: &str, id: i64) -> QueryResult<bool> {
    let (table, users, column, root) = match table {
        "customer_groups" => (
            "customer_groups",
            "customers",
            "customer_group_id",
            ROOT_GROUP,
        ),
        "item_groups" => (
            "item_groups",
            "items",
            "item_group_id",
            crate::catalog::model::ROOT_ITEM_GROUP,
        ),
        _ => ("territories", "customers", "territory_id", ROOT_TERRITORY),
    };
    let deleted = diesel::sql_query(format!(
        "DELETE FROM {table} t WHERE t.id = $1 AND t.name <> $2 \
         AND NOT EXISTS (SELECT 1 FROM {users} c WHERE c.{column} = t.id) \
         AND NOT EXISTS (SELECT 1 FROM {table} k WHERE k.parent_id = t.id)"
    ))
    .bind::<diesel::sql_types::BigInt, _>(id)
    .bind::<diesel::sql_types::Text, _>(root)
    .execute(conn)?;
    Ok(deleted == 1)
}
