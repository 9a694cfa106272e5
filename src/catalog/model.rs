//! The catalogue's rows and queries: item groups (a tree), brands and items. The only place that
//! writes their tables; the item list and its search live in `list.rs`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use patron_rules::Activation;
use patron_rules::tree::Node;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit;
use crate::db::lower;
use crate::db::schema::{brands, item_groups, items};
use crate::kernel::Actor;

diesel::define_sql_function! {
    /// Patron's folding (lower case, accents removed), as the search columns are built with.
    fn patron_fold(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Name of the root of the item group tree.
pub const ROOT_ITEM_GROUP: &str = "All Item Groups";

/// An item group.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = item_groups)]
pub struct ItemGroup {
    /// Id.
    pub id: i64,
    /// Name, unique whatever its case.
    pub name: String,
    /// Parent, none for the root.
    pub parent_id: Option<i64>,
}

audit::keyed_by_id!(ItemGroup);

impl ItemGroup {
    /// The group as a tree node.
    pub fn node(&self) -> Node {
        Node {
            id: self.id,
            parent_id: self.parent_id,
            name: self.name.clone(),
        }
    }
}

/// What people edit of an item group.
#[derive(Debug, Clone, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = item_groups, treat_none_as_null = true)]
pub struct ItemGroupFields {
    /// Name.
    pub name: String,
    /// Parent.
    pub parent_id: Option<i64>,
}

/// A brand.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = brands)]
pub struct Brand {
    /// Id.
    pub id: i64,
    /// Name, unique whatever its case.
    pub name: String,
    /// Deactivated brands are not offered for new items.
    pub active: bool,
}

audit::keyed_by_id!(Brand);

/// An item.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = items)]
pub struct Item {
    /// Id.
    pub id: i64,
    /// What people edit.
    #[diesel(embed)]
    #[serde(flatten)]
    pub fields: ItemFields,
    /// Deactivated items stay in history but are not sold.
    pub active: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Position in the change feed; none while the change waits for the sequencer.
    pub change_seq: Option<i64>,
}

audit::keyed_by_id!(Item);

/// What people edit of an item, for inserts and updates alike.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = items, treat_none_as_null = true)]
pub struct ItemFields {
    /// Item Code (upper case).
    pub item_code: String,
    /// Item Name.
    pub name: String,
    /// Item Group.
    pub item_group_id: i64,
    /// Brand.
    pub brand_id: Option<i64>,
    /// Standard Rate.
    pub standard_rate: Decimal,
    /// Unit ("Nos", "Kg").
    pub unit: String,
}

/// Every item group, by name.
pub fn item_groups(conn: &mut PgConnection) -> QueryResult<Vec<ItemGroup>> {
    item_groups::table
        .order(item_groups::name.asc())
        .select(ItemGroup::as_select())
        .load(conn)
}

/// The root group's id.
pub fn root_item_group_id(conn: &mut PgConnection) -> QueryResult<i64> {
    item_groups::table
        .filter(item_groups::name.eq(ROOT_ITEM_GROUP))
        .select(item_groups::id)
        .first(conn)
}

/// How many items each group holds (directly).
pub fn item_group_usage(conn: &mut PgConnection) -> QueryResult<Vec<(i64, i64)>> {
    items::table
        .group_by(items::item_group_id)
        .select((items::item_group_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Adds an item group.
pub fn insert_item_group(
    conn: &mut PgConnection,
    fields: &ItemGroupFields,
) -> QueryResult<ItemGroup> {
    diesel::insert_into(item_groups::table)
        .values(fields)
        .returning(ItemGroup::as_returning())
        .get_result(conn)
}

/// Changes an item group.
pub fn update_item_group(
    conn: &mut PgConnection,
    id: i64,
    fields: &ItemGroupFields,
) -> QueryResult<ItemGroup> {
    diesel::update(item_groups::table.find(id))
        .set((fields, item_groups::updated_at.eq(diesel::dsl::now)))
        .returning(ItemGroup::as_returning())
        .get_result(conn)
}

/// Brands by name; only the active ones unless `all`.
pub fn brands(conn: &mut PgConnection, all: bool) -> QueryResult<Vec<Brand>> {
    let mut query = brands::table
        .order(lower(brands::name).asc())
        .select(Brand::as_select())
        .into_boxed();
    if !all {
        query = query.filter(brands::active);
    }
    query.load(conn)
}

/// The brand with `id`.
pub fn brand(conn: &mut PgConnection, id: i64) -> QueryResult<Brand> {
    brands::table
        .find(id)
        .select(Brand::as_select())
        .first(conn)
}

/// How many items each brand has.
pub fn brand_usage(conn: &mut PgConnection) -> QueryResult<Vec<(Option<i64>, i64)>> {
    items::table
        .group_by(items::brand_id)
        .select((items::brand_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Adds a brand.
pub fn insert_brand(conn: &mut PgConnection, name: &str) -> QueryResult<Brand> {
    diesel::insert_into(brands::table)
        .values(brands::name.eq(name))
        .returning(Brand::as_returning())
        .get_result(conn)
}

/// Renames a brand.
pub fn rename_brand(conn: &mut PgConnection, id: i64, name: &str) -> QueryResult<Brand> {
    diesel::update(brands::table.find(id))
        .set((
            brands::name.eq(name),
            brands::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Brand::as_returning())
        .get_result(conn)
}

/// Creates a brand named `name`, audited.
pub fn create_brand(conn: &mut PgConnection, actor: &Actor, name: &str) -> QueryResult<Brand> {
    audit::create(conn, actor, "brand", |conn| insert_brand(conn, name))
}

/// Renames brand `id`, audited with before and after.
pub fn save_brand(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    name: &str,
) -> QueryResult<Brand> {
    audit::update(
        conn,
        actor,
        "brand",
        id,
        |conn| brand(conn, id),
        |conn, _| rename_brand(conn, id, name),
    )
}

/// Deactivates or reactivates a brand.
pub fn set_brand_active(
    conn: &mut PgConnection,
    id: i64,
    activation: Activation,
    actor: &Actor,
) -> QueryResult<Brand> {
    audit::switch(
        conn,
        actor,
        "brand",
        id,
        activation,
        |conn| brand(conn, id),
        |conn, active| {
            diesel::update(brands::table.find(id))
                .set((
                    brands::active.eq(active),
                    brands::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Brand::as_returning())
                .get_result(conn)
        },
    )
}

/// The item with `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Item> {
    items::table.find(id).select(Item::as_select()).first(conn)
}

/// The item with `id`, locked until the transaction ends.
pub fn find_for_update(conn: &mut PgConnection, id: i64) -> QueryResult<Item> {
    items::table
        .find(id)
        .select(Item::as_select())
        .for_update()
        .first(conn)
}

/// Adds an item.
pub fn insert(conn: &mut PgConnection, fields: &ItemFields) -> QueryResult<Item> {
    diesel::insert_into(items::table)
        .values(fields)
        .returning(Item::as_returning())
        .get_result(conn)
}

/// Creates an item, audited.
pub fn create(conn: &mut PgConnection, fields: &ItemFields, actor: &Actor) -> QueryResult<Item> {
    audit::create(conn, actor, "item", |conn| insert(conn, fields))
}

/// Adds many items in one statement (imports, demo data), active or not.
pub fn insert_many(conn: &mut PgConnection, rows: &[(ItemFields, bool)]) -> QueryResult<usize> {
    let values: Vec<_> = rows
        .iter()
        .map(|(fields, active)| (fields.clone(), items::active.eq(*active)))
        .collect();
    diesel::insert_into(items::table)
        .values(values)
        .execute(conn)
}

/// Changes an item (the trigger moves it to the end of the change feed).
pub fn update(
    conn: &mut PgConnection,
    id: i64,
    fields: &ItemFields,
    actor: &Actor,
) -> QueryResult<Item> {
    audit::update(
        conn,
        actor,
        "item",
        id,
        |conn| find_for_update(conn, id),
        |conn, _| {
            diesel::update(items::table.find(id))
                .set(fields)
                .returning(Item::as_returning())
                .get_result(conn)
        },
    )
}

/// Deactivates or reactivates item `id`, audited.
pub fn set_active(
    conn: &mut PgConnection,
    id: i64,
    activation: Activation,
    actor: &Actor,
) -> QueryResult<Item> {
    audit::switch(
        conn,
        actor,
        "item",
        id,
        activation,
        |conn| find_for_update(conn, id),
        |conn, active| {
            diesel::update(items::table.find(id))
                .set(items::active.eq(active))
                .returning(Item::as_returning())
                .get_result(conn)
        },
    )
}

/// Item group ids by lower-case name.
pub fn group_ids_by_name(conn: &mut PgConnection) -> QueryResult<Vec<(String, i64)>> {
    item_groups::table
        .select((lower(item_groups::name), item_groups::id))
        .load(conn)
}

/// Brand ids by lower-case name.
pub fn brand_ids_by_name(conn: &mut PgConnection) -> QueryResult<Vec<(String, i64)>> {
    brands::table
        .select((lower(brands::name), brands::id))
        .load(conn)
}

/// Which of `codes` exist already.
pub fn existing_codes(conn: &mut PgConnection, codes: &[String]) -> QueryResult<Vec<String>> {
    items::table
        .filter(items::item_code.eq_any(codes))
        .select(items::item_code)
        .load(conn)
}
