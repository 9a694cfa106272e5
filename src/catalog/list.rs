//! The item list: filters, search by any part of the code or name, keyset paging by name. Also
//! the queries the CSV export and the change feed page through.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use patron_rules::catalog::ItemSearch;
use patron_rules::search::like_escape;
use rust_decimal::Decimal;

use super::model::patron_fold;
use crate::db::schema::{brands, item_groups, items};

/// Which items by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Status {
    /// Active only (the default).
    #[default]
    Active,
    /// Deactivated only.
    Deactivated,
    /// Both.
    All,
}

/// What the list shows.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// The search box.
    pub search: Option<ItemSearch>,
    /// The chosen group and everything under it.
    pub group_ids: Option<Vec<i64>>,
    /// The chosen brand.
    pub brand_id: Option<i64>,
    /// Active, deactivated or both.
    pub status: Status,
    /// Continue after this (folded name, id), or before it when `backward`.
    pub after: Option<(String, i64)>,
    /// Read the items before `after`, Z to A (the "Previous" page).
    pub backward: bool,
}

/// One row of the list (and of the export).
#[derive(Debug, Clone, Queryable)]
pub struct ItemRow {
    /// Id.
    pub id: i64,
    /// Item Code.
    pub item_code: String,
    /// Item Name.
    pub name: String,
    /// Item Group's name.
    pub group: String,
    /// Brand's name.
    pub brand: Option<String>,
    /// Standard Rate.
    pub standard_rate: Decimal,
    /// Unit.
    pub unit: String,
    /// Active.
    pub active: bool,
    /// The folded name (the paging key).
    pub search_name: String,
}

/// One page of the list: `limit` items matching `filter`, by folded name then id.
pub fn list(conn: &mut PgConnection, filter: &ItemFilter, limit: i64) -> QueryResult<Vec<ItemRow>> {
    let mut query = items::table
        .inner_join(item_groups::table)
        .left_join(brands::table)
        .select((
            items::id,
            items::item_code,
            items::name,
            item_groups::name,
            brands::name.nullable(),
            items::standard_rate,
            items::unit,
            items::active,
            items::search_name,
        ))
        .into_boxed();
    query = match filter.status {
        Status::Active => query.filter(items::active),
        Status::Deactivated => query.filter(items::active.eq(false)),
        Status::All => query,
    };
    if let Some(ids) = &filter.group_ids {
        query = query.filter(items::item_group_id.eq_any(ids.clone()));
    }
    if let Some(brand) = filter.brand_id {
        query = query.filter(items::brand_id.eq(brand));
    }
    match &filter.search {
        None => {}
        Some(ItemSearch::Parts(words)) => {
            for word in words {
                let pattern = format!("%{}%", like_escape(word));
                query = query.filter(items::search_text.like(patron_fold(pattern)));
            }
        }
        Some(ItemSearch::Start(start)) => {
            let code = format!("{}%", like_escape(&start.to_uppercase()));
            let name = format!("{}%", like_escape(start));
            query = query.filter(
                items::item_code
                    .like(code)
                    .or(items::search_name.like(patron_fold(name))),
            );
        }
    }
    if let Some((name, id)) = &filter.after {
        let beyond = if filter.backward { "<" } else { ">" };
        query = query.filter(
            sql::<Bool>(&format!("(items.search_name, items.id) {beyond} ("))
                .bind::<Text, _>(name.clone())
                .sql(", ")
                .bind::<BigInt, _>(*id)
                .sql(")"),
        );
    }
    if let Some(ItemSearch::Parts(_)) = &filter.search {
        // Sorting the trigram matches: walking the name index in order instead and filtering
        // takes most of the table when the matches sort late ("linen" at 100,000 items).
        query = if filter.backward {
            query.order((
                sql::<Text>("items.search_name || '' DESC"),
                items::id.desc(),
            ))
        } else {
            query.order((sql::<Text>("items.search_name || ''"), items::id.asc()))
        };
    } else if filter.backward {
        query = query.order((items::search_name.desc(), items::id.desc()));
    } else {
        query = query.order((items::search_name.asc(), items::id.asc()));
    }
    query.limit(limit).load(conn)
}
