//! One page of customers as the list, the picker and the API ask for it: a one-word name search
//! from the starts of names, surnames and emails when they fill the page (`name_starts`), any
//! other search and browsing as `model::list` finds them.

use diesel::PgConnection;
use diesel::QueryResult;

use super::model::{self, ListFilter, ListRow};
use super::name_starts;

/// `limit` rows of the customers of `filter`, in the list's order.
pub fn rows(conn: &mut PgConnection, filter: &ListFilter, limit: i64) -> QueryResult<Vec<ListRow>> {
    match name_starts::page(conn, filter, limit)? {
        Some(page) => Ok(page),
        None => model::list(conn, filter, limit),
    }
}
