//! The item CSV import, run by the shared import machinery (`crate::imports`): columns by label
//! (those of the export), every row read with the form's rules, group and brand names that must
//! exist, codes that must be new.

use std::collections::HashSet;

use diesel::prelude::*;
use patron_rules::users::Permission;

use super::export::COLUMNS;
use super::forms::{ItemForm, Names};
use super::model::{self, ItemFields};
use crate::imports::job::{Column, ImportScope, Importer, template};
use crate::imports::{Checked, RowError, cell, header, reader};

/// Columns every file must have.
pub const REQUIRED: [&str; 3] = ["Item Code", "Item Name", "Item Group"];

/// A row ready to write: the item and whether it is active.
pub type ImportRow = (ItemFields, bool);

/// Items from a CSV file (stores.manage).
pub struct ItemImport;

/// The column label of a form field.
fn label(field: &str) -> &'static str {
    match field {
        "item_code" => "Item Code",
        "name" => "Item Name",
        "item_group" => "Item Group",
        "brand" => "Brand",
        "standard_rate" => "Standard Rate",
        "unit" => "Unit",
        _ => "Row",
    }
}

/// Reads an Active cell: empty means yes.
fn active(cell: &str) -> Option<bool> {
    match cell.to_lowercase().as_str() {
        "" | "yes" | "y" | "true" | "1" | "active" => Some(true),
        "no" | "n" | "false" | "0" | "deactivated" => Some(false),
        _ => None,
    }
}

/// Checks every row of `text` against `names` and the `existing` item codes. Pure.
pub fn check(
    text: &str,
    names: &Names,
    existing: &HashSet<String>,
) -> Result<Checked<ImportRow>, String> {
    let columns = header(text, &COLUMNS, &REQUIRED)?;
    let mut checked = Checked::default();
    let mut seen = HashSet::new();
    for (index, record) in reader(text).records().enumerate() {
        let line = index + 2;
        checked.total += 1;
        let mut fail = |column: &str, message: String| {
            checked.errors.push(RowError {
                line,
                column: column.to_owned(),
                message,
            })
        };
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                fail("Row", format!("Cannot be read: {e}"));
                continue;
            }
        };
        let cell = |c: &str| {
            columns
                .get(c)
                .and_then(|i| cell(&record, *i))
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        let form = ItemForm {
            item_code: cell("Item Code"),
            name: cell("Item Name"),
            item_group: cell("Item Group"),
            brand: cell("Brand"),
            standard_rate: cell("Standard Rate"),
            unit: cell("Unit"),
        };
        let active = active(&cell("Active"));
        if active.is_none() {
            fail(
                "Active",
                format!("“{}” is neither Yes nor No.", cell("Active")),
            );
        }
        let parsed = form.parse(names);
        if let Ok(fields) = &parsed
            && (existing.contains(&fields.item_code) || !seen.insert(fields.item_code.clone()))
        {
            fail("Item Code", format!("{} exists already.", fields.item_code));
        }
        match (parsed, active) {
            (Ok(fields), Some(active)) if checked.errors.last().is_none_or(|e| e.line != line) => {
                checked.rows.push((fields, active));
            }
            (Ok(_), _) => {}
            (Err(errors), _) => {
                let mut errors: Vec<RowError> = errors
                    .iter()
                    .map(|(field, message)| RowError {
                        line,
                        column: label(field).to_owned(),
                        message: message.to_owned(),
                    })
                    .collect();
                // In the file's column order.
                errors.sort_by_key(|e| COLUMNS.iter().position(|c| *c == e.column));
                checked.errors.extend(errors);
            }
        }
    }
    Ok(checked)
}

impl Importer for ItemImport {
    type Hooks = ();
    type Row = ImportRow;
    const KIND: &'static str = "items";
    const ENTITY: &'static str = "item_import";
    const BASE: &'static str = "/items/import";
    const LIST: &'static str = "/items";
    const DONE_LINK: &'static str = "/items";
    const NOUNS: (&'static str, &'static str) = ("items", "item");
    const PERMISSION: Permission = Permission::StoresManage;

    fn columns() -> Vec<Column> {
        Column::list(&COLUMNS, &REQUIRED, |label| match label {
            "Item Code" => "A–Z, 0–9, - _ . /; new codes only",
            "Item Group" | "Brand" => "an existing name",
            "Standard Rate" => "a number >= 0, like 19.99",
            "Unit" => "like Nos or Kg; empty: Nos",
            "Active" => "Yes or No; empty: Yes",
            _ => "text",
        })
    }

    fn template_csv() -> String {
        template(
            &COLUMNS,
            "TSH-0001,Classic Cotton T-Shirt,All Item Groups,,19.99,Nos,Yes\n",
        )
    }

    fn check(
        conn: &mut PgConnection,
        text: &str,
        _scope: ImportScope,
    ) -> QueryResult<Result<Checked<ImportRow>, String>> {
        let names = Names::load(conn)?;
        let codes: Vec<String> = match header(text, &COLUMNS, &REQUIRED) {
            Ok(columns) => reader(text)
                .records()
                .flatten()
                .filter_map(|r| {
                    columns
                        .get("Item Code")
                        .and_then(|i| cell(&r, *i))
                        .map(|c| c.trim().to_uppercase())
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let existing = model::existing_codes(conn, &codes)?.into_iter().collect();
        Ok(check(text, &names, &existing))
    }

    fn insert(
        conn: &mut PgConnection,
        rows: &[ImportRow],
        _actor: &crate::kernel::Actor,
        _hooks: &(),
    ) -> QueryResult<()> {
        model::insert_many(conn, rows).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn each_problem_is_reported_at_its_line_and_column() {
        let names = Names {
            groups: HashMap::from([("tops".into(), 4)]),
            brands: HashMap::from([("northwind".into(), 9)]),
        };
        let existing = HashSet::from(["OLD-1".to_owned()]);
        let text = "\u{feff}Item Code,Item Name,Item Group,Brand,Standard Rate,Active\n\
                    tsh-1,Tee,Tops,Northwind,19.99,Yes\n\
                    old-1,Old,Shoes,Acme,-1,maybe\n\
                    TSH-1,Again,Tops,,5,\n";
        let text = crate::imports::decode(text.as_bytes()).unwrap();
        let checked = check(text, &names, &existing).unwrap();
        assert_eq!((checked.total, checked.rows.len()), (3, 1));
        assert_eq!(checked.rows[0].0.item_code, "TSH-1");
        let found: Vec<(usize, &str)> = checked
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (3, "Active"),
                (3, "Item Group"),
                (3, "Brand"),
                (3, "Standard Rate"),
                (4, "Item Code"),
            ]
        );
        assert_eq!(
            checked.errors[1].message,
            "No item group is called “Shoes”."
        );
    }
}
