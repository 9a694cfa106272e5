//! The quick way through a one-word name search (the as-you-type case): the customers whose name,
//! surname or email starts with the word, each walked in its index's order and stopped at a page.
//! The trigram index that finds the word anywhere in a name must gather every customer holding it
//! before the first can be shown (9,635 for "okafo" among a million, about 2.7 ms); a page of
//! starts is a few index entries (bench/RESULTS.md, "Name search from the starts of names").
//! When the starts do not fill a page, the list looks for the word anywhere, as before: a word
//! in the middle of a name ("kafor") is still found.

use diesel::PgConnection;
use diesel::QueryResult;
use diesel::RunQueryDsl;
use patron_rules::customers::Search;
use patron_rules::search::like_escape;

use super::model::{LIST_COLUMNS, ListFilter, ListRow, push_conditions, push_own_first};
use crate::db::sql::{Bind, Sql};

/// Where a word may start: the name (index `customers_name_sort_idx`), the surname
/// (`customers_surname_idx`, migration `surname_starts`) or the email (`customers_search_email_idx`).
/// Each condition is followed by its index's order, so that the walk stops after `limit` rows.
const STARTS: [(&str, &str, &str); 3] = [
    (
        " AND c.search_name LIKE patron_fold(",
        ") || '%'",
        " ORDER BY c.search_name, c.id",
    ),
    (
        " AND patron_fold(c.last_name) COLLATE \"C\" LIKE patron_fold(",
        ") || '%'",
        " ORDER BY patron_fold(c.last_name) COLLATE \"C\", c.search_name, c.id",
    ),
    (
        " AND c.search_email <> '' AND c.search_email LIKE lower(",
        ") || '%'",
        " ORDER BY c.search_email, c.id",
    ),
];

/// A page (`limit` rows) of the customers of `filter` whose name, surname or email starts with
/// its one search word, sorted as the list sorts a search (the supervisor's own store first, then
/// by name). None when the search is not one word of three characters or more, or when fewer
/// than `limit` start with it: then the caller's search for the word anywhere in the name finds
/// these and more. With more than `limit`, the page is each start's first `limit` by that
/// start's order, sorted by name: exact for a surname, as a list of the matches by name would be.
pub fn page(
    conn: &mut PgConnection,
    filter: &ListFilter,
    limit: i64,
) -> QueryResult<Option<Vec<ListRow>>> {
    let Some(Search::Name { words, .. }) = &filter.search else {
        return Ok(None);
    };
    let [word] = words.as_slice() else {
        return Ok(None);
    };
    if word.chars().count() < 3 {
        return Ok(None);
    }
    let unsearched = ListFilter {
        search: None,
        after: None,
        ..filter.clone()
    };
    let word = like_escape(word);
    // A supervisor's own store's starts are walked apart too, so other stores' cannot crowd them
    // out of the page.
    let stores: &[Option<i64>] = match filter.own_store {
        Some(own) => &[Some(own), None],
        None => &[None],
    };
    let mut sql = Sql::default();
    sql.push("SELECT * FROM (");
    let mut first = true;
    for store in stores {
        for (condition, pattern_end, order) in STARTS {
            if !first {
                sql.push(" UNION ");
            }
            first = false;
            sql.push("(").push(LIST_COLUMNS);
            push_conditions(&mut sql, &unsearched);
            if let Some(store) = store {
                sql.push(" AND c.origin_store_id = ")
                    .bind(Bind::Int(*store));
            }
            sql.push(condition)
                .bind(Bind::Text(word.clone()))
                .push(pattern_end)
                .push(order)
                .push(" LIMIT ")
                .bind(Bind::Int(limit))
                .push(")");
        }
    }
    sql.push(") m ORDER BY");
    push_own_first(&mut sql, filter, "origin_store_id");
    sql.push(" search_name, id LIMIT ").bind(Bind::Int(limit));
    let rows: Vec<ListRow> = sql.query().load(conn)?;
    Ok((rows.len() >= usize::try_from(limit).unwrap_or(usize::MAX)).then_some(rows))
}
