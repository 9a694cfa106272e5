//! What the simulator's Item Code and Customer fields name when what was typed is no code: an
//! item or a customer by its exact name (the pickers suggest as one types; a person who typed the
//! whole name and pressed Enter means that one), or a sentence for the field saying which ones
//! the name could mean.

use diesel::prelude::*;
use patron_rules::catalog::{rate_text, search};
use patron_rules::customers::search_terms;

use crate::catalog::list::{self as catalog_list, ItemFilter};
use crate::customers::list_page;
use crate::customers::model::ListFilter;
use crate::db::schema::{customers, items};

/// Choices a message lists; one more read tells that there are more.
const CHOICES: usize = 5;

/// An item named by the Item Code field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedItem {
    /// Its Item Code.
    pub item_code: String,
}

/// A customer named by the Customer field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCustomer {
    /// Id.
    pub id: i64,
    /// Code: what the field then shows.
    pub code: String,
}

diesel::define_sql_function! {
    /// Patron's folding (lower case, accents removed): the indexed `search_name` columns of
    /// items and customers hold their names folded so.
    fn patron_fold(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// What was typed with its spaces as a name has them.
fn spaced(typed: &str) -> String {
    typed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The item whose name is `typed` (case and accents aside), or the sentence for the field: the
/// items of that name to choose from, or those whose name holds what was typed.
pub fn item(conn: &mut PgConnection, typed: &str) -> QueryResult<Result<NamedItem, String>> {
    let named: Vec<(String, String, rust_decimal::Decimal)> = items::table
        .filter(items::search_name.eq(patron_fold(spaced(typed))))
        .order((items::active.desc(), items::item_code.asc()))
        .select((items::item_code, items::name, items::standard_rate))
        .limit(CHOICES as i64 + 1)
        .load(conn)?;
    if let [(code, _, _)] = named.as_slice() {
        return Ok(Ok(NamedItem {
            item_code: code.clone(),
        }));
    }
    if !named.is_empty() {
        let choices: Vec<String> = named
            .iter()
            .map(|(code, name, rate)| format!("{code} ({name}, {})", rate_text(*rate)))
            .collect();
        return Ok(Err(several("items are", typed, &choices, "Item Code")));
    }
    let like = match search(typed) {
        None => Vec::new(),
        Some(found) => {
            let filter = ItemFilter {
                search: Some(found),
                ..ItemFilter::default()
            };
            catalog_list::list(conn, &filter, CHOICES as i64 + 1)?
                .into_iter()
                .map(|i| format!("{} ({})", i.item_code, i.name))
                .collect()
        }
    };
    Ok(Err(none("item", typed, &like)))
}

/// The customer whose name ("First Last") is `typed`, or the sentence for the field. Who may not
/// view customers reads no other customer's code or name in it (`show_people`).
pub fn customer(
    conn: &mut PgConnection,
    typed: &str,
    show_people: bool,
) -> QueryResult<Result<NamedCustomer, String>> {
    let named: Vec<(i64, String, String)> = customers::table
        .filter(customers::search_name.eq(patron_fold(spaced(typed)).nullable()))
        .filter(customers::merged_into_id.is_null())
        .order((customers::active.desc(), customers::code.asc()))
        .select((customers::id, customers::code, customers::mobile))
        .limit(CHOICES as i64 + 1)
        .load(conn)?;
    if let [(id, code, _)] = named.as_slice() {
        return Ok(Ok(NamedCustomer {
            id: *id,
            code: code.clone(),
        }));
    }
    if !named.is_empty() {
        let choices: Vec<String> = if show_people {
            named
                .iter()
                .map(|(_, code, mobile)| match mobile.trim() {
                    "" => code.clone(),
                    mobile => format!("{code} ({mobile})"),
                })
                .collect()
        } else {
            Vec::new()
        };
        return Ok(Err(several("customers are", typed, &choices, "code")));
    }
    let like = match search_terms(typed).filter(|_| show_people) {
        None => Vec::new(),
        Some(found) => {
            let filter = ListFilter {
                search: Some(found),
                ..ListFilter::default()
            };
            list_page::rows(conn, &filter, CHOICES as i64 + 1)?
                .into_iter()
                .map(|c| {
                    format!(
                        "{} ({})",
                        c.code,
                        format!("{} {}", c.first_name, c.last_name).trim()
                    )
                })
                .collect()
        }
    };
    Ok(Err(none("customer", typed, &like)))
}

/// "a, b or c", with "and more" past `CHOICES`.
fn listed(choices: &[String]) -> String {
    let shown = &choices[..choices.len().min(CHOICES)];
    let mut said = match shown {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
    };
    if choices.len() > CHOICES {
        said = format!("{}, or more", shown.join(", "));
    }
    said
}

/// "Several items are named Classic T-Shirt: A or B. Enter the Item Code of the one you mean."
fn several(who_are: &str, typed: &str, choices: &[String], field: &str) -> String {
    let typed = typed.trim();
    if choices.is_empty() {
        return format!("Several {who_are} named {typed}: enter the {field} of the one you mean.");
    }
    let count = if choices.len() > CHOICES {
        "Several".to_owned()
    } else {
        choices.len().to_string()
    };
    format!(
        "{count} {who_are} named {typed}: {}. Enter the {field} of the one you mean.",
        listed(choices)
    )
}

/// "No item has the code or name Clasic. Did you mean A or B?"
fn none(what: &str, typed: &str, like: &[String]) -> String {
    let typed = typed.trim();
    if like.is_empty() {
        format!("No {what} has the code or name {typed}.")
    } else {
        format!(
            "No {what} has the code or name {typed}. Did you mean {}?",
            listed(like)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn messages_list_the_choices_a_name_could_mean() {
        assert_eq!(
            several(
                "items are",
                " Tee ",
                &list(&["A (Tee, 1.00)", "B (Tee, 2.00)"]),
                "Item Code"
            ),
            "2 items are named Tee: A (Tee, 1.00) or B (Tee, 2.00). Enter the Item Code of the one you mean."
        );
        assert_eq!(
            several("customers are", "Ana Lima", &[], "code"),
            "Several customers are named Ana Lima: enter the code of the one you mean."
        );
        let six = list(&["A", "B", "C", "D", "E", "F"]);
        assert_eq!(
            several("items are", "X", &six, "Item Code"),
            "Several items are named X: A, B, C, D, E, or more. Enter the Item Code of the one you mean."
        );
        assert_eq!(
            none("item", "Clasic", &list(&["TS-1 (Classic Tee)"])),
            "No item has the code or name Clasic. Did you mean TS-1 (Classic Tee)?"
        );
        assert_eq!(
            none("customer", "CUST-99999", &[]),
            "No customer has the code or name CUST-99999."
        );
        assert_eq!(listed(&list(&["A", "B", "C"])), "A, B or C");
    }
}
