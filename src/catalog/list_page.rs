//! What the item list, its CSV export and the catalogue's pickers share: who may read the
//! catalogue, and the list's query string with the filter it asks for.

use patron_rules::catalog::search;
use patron_rules::tree::{Node, subtree};
use patron_rules::users::Permission;
use serde::Deserialize;

use super::list::{ItemFilter, ItemRow, Status};
use crate::web::pager::{Keyset, PageQuery};

/// Who may read the catalogue's lists and pickers.
pub const READERS: [Permission; 3] = [
    Permission::StoresManage,
    Permission::OffersManage,
    Permission::ReportsView,
];

/// The list's query string.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Search box.
    pub q: String,
    /// Item Group id (its subgroups included).
    pub group: String,
    /// Brand id.
    pub brand: String,
    /// active, deactivated or all.
    pub status: String,
    /// The page's position.
    #[serde(flatten)]
    pub page: PageQuery,
}

impl ListQuery {
    /// The filter it asks for; `groups` resolves the chosen group to its subtree.
    pub fn filter(&self, groups: &[Node]) -> ItemFilter {
        ItemFilter {
            search: search(&self.q),
            group_ids: self.group.parse().ok().map(|id| subtree(groups, id)),
            brand_id: self.brand.parse().ok(),
            status: match self.status.as_str() {
                "deactivated" => Status::Deactivated,
                "all" => Status::All,
                _ => Status::Active,
            },
            after: match self.keyset() {
                Keyset::First => None,
                Keyset::After(key) | Keyset::Before(key) => Some(key),
            },
            backward: self.keyset().is_backward(),
        }
    }

    /// The page's position: a row's key is `id,folded name` (see `key`).
    pub fn keyset(&self) -> Keyset<(String, i64)> {
        self.page.keyset(|raw| {
            let (id, name) = raw.split_once(',')?;
            Some((name.to_owned(), id.parse().ok()?))
        })
    }

    /// A row's position, as the pager carries it.
    pub fn key(row: &ItemRow) -> String {
        format!("{},{}", row.id, row.search_name)
    }

    /// The filters, for the pager's links.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", self.q.as_str()),
            ("group", &self.group),
            ("brand", &self.brand),
            ("status", &self.status),
        ]
    }
}
