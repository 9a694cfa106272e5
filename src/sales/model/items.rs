//! The items a sale names, as the pipeline resolves them.

use diesel::prelude::*;

use crate::db::schema::{item_groups, items};

/// An item as a sale resolves it: with its item group's lineage and its brand.
#[derive(Debug, Clone, Queryable)]
pub struct ItemForSale {
    /// Id.
    pub id: i64,
    /// Item Code.
    pub item_code: String,
    /// Name.
    pub name: String,
    /// Its item group, then that group's ancestors up to the root.
    pub item_groups: Vec<i64>,
    /// Brand.
    pub brand_id: Option<i64>,
}

/// Items by code, each with its item group's lineage (kept by the database on every group).
pub fn items_by_code(conn: &mut PgConnection, codes: &[String]) -> QueryResult<Vec<ItemForSale>> {
    items::table
        .inner_join(item_groups::table)
        .filter(items::item_code.eq_any(codes))
        .select((
            items::id,
            items::item_code,
            items::name,
            item_groups::lineage,
            items::brand_id,
        ))
        .load(conn)
}
