//! Customer groups from a CSV file (stores.manage): columns Name, Parent, Default Discount, Notes.
//! Every row is checked first; the groups are created in one transaction only when all are valid.

use std::collections::HashSet;

use actix_multipart::Multipart;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::users::Permission;
use rust_decimal::Decimal;

use super::import::{MAX_BYTES, RowError, decode};
use crate::state::AppState;
use crate::trees::model as tree_model;
use crate::trees::model::groups::{self, GroupFields};
use crate::web::upload::read_file;
use crate::web::{AppError, CurrentUser, Flash, PageCtx, render, render_status, see_other};

/// The columns, in the template's order.
pub const COLUMNS: [&str; 4] = ["Name", "Parent", "Default Discount", "Notes"];

/// Mounts the routes (before `/customer-groups/{id}`).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/customer-groups/import", web::get().to(page))
        .route("/customer-groups/import", web::post().to(upload));
}

/// Checks `text` against the existing group names (lower case); returns the groups to create,
/// parents first, or every problem found.
pub fn check(
    text: &str,
    existing: &HashSet<String>,
) -> Result<Vec<(GroupFields, Option<String>)>, Vec<RowError>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                column: "Header".into(),
                message: e.to_string(),
            }]);
        }
    };
    let position = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    if let Some(unknown) = header
        .iter()
        .find(|h| !COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(h)))
    {
        return Err(vec![RowError {
            line: 1,
            column: unknown.clone(),
            message: format!("Unknown column; the columns are {}.", COLUMNS.join(", ")),
        }]);
    }
    if position("Name").is_none() {
        return Err(vec![RowError {
            line: 1,
            column: "Name".into(),
            message: "The file needs a Name column.".into(),
        }]);
    }
    let mut known: HashSet<String> = existing.clone();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in rdr.records().enumerate() {
        let line = i + 2;
        let Ok(record) = record else {
            errors.push(RowError {
                line,
                column: "Row".into(),
                message: "Cannot be read.".into(),
            });
            continue;
        };
        let cell = |c: &str| {
            position(c)
                .and_then(|p| crate::imports::cell(&record, p))
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        let mut fail = |column: &str, message: String| {
            errors.push(RowError {
                line,
                column: column.into(),
                message,
            })
        };
        let name = cell("Name");
        if name.is_empty() || name.chars().count() > 120 {
            fail("Name", "Enter a name of 1 to 120 characters.".into());
        } else if known.contains(&name.to_lowercase()) {
            fail("Name", format!("A group called “{name}” exists already."));
        }
        let parent = Some(cell("Parent")).filter(|p| !p.is_empty());
        if let Some(p) = &parent
            && !known.contains(&p.to_lowercase())
        {
            fail(
                "Parent",
                format!(
                    "No group is called “{p}” (parents must exist or come earlier in the file)."
                ),
            );
        }
        let discount = match cell("Default Discount").trim_end_matches('%').trim() {
            "" => Decimal::ZERO,
            raw => match raw.parse::<Decimal>() {
                Ok(d) if d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED && d.scale() <= 2 => d,
                _ => {
                    fail(
                        "Default Discount",
                        "Enter a percentage from 0 to 100.".into(),
                    );
                    Decimal::ZERO
                }
            },
        };
        known.insert(name.to_lowercase());
        out.push((
            GroupFields {
                name,
                parent_id: None,
                default_discount: discount,
                notes: cell("Notes"),
            },
            parent,
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[derive(Template)]
#[template(path = "customers/group_import.html")]
struct ImportPage {
    ctx: PageCtx,
    errors: Vec<RowError>,
    message: Option<String>,
}

async fn page(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    render(&ImportPage {
        ctx: user.page(),
        errors: Vec::new(),
        message: None,
    })
}

async fn upload(
    state: web::Data<AppState>,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    let refuse = |errors: Vec<RowError>, message: Option<String>| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage {
                ctx: user.page(),
                errors,
                message,
            },
        )
    };
    let bytes = match read_file(&mut form, "file", MAX_BYTES).await? {
        Ok(file) => file.bytes,
        Err(refused) => return refuse(Vec::new(), Some(refused.message())),
    };
    let text = match decode(&bytes) {
        Ok(text) => text.to_owned(),
        Err(message) => return refuse(Vec::new(), Some(message)),
    };
    let actor = user.actor();
    let outcome = state
        .db
        .tx(move |conn| {
            let existing: HashSet<String> = groups::groups(conn)?
                .into_iter()
                .map(|g| g.name.to_lowercase())
                .collect();
            let rows = match check(&text, &existing) {
                Ok(rows) => rows,
                Err(errors) => return Ok(Err(errors)),
            };
            let count = rows.len();
            for (mut fields, parent) in rows {
                fields.parent_id = match parent {
                    Some(name) => groups::group_by_name(conn, &name)?.map(|g| g.id),
                    None => None,
                };
                tree_model::import_group(conn, &actor, &fields)?;
            }
            Ok(Ok(count))
        })
        .await?;
    match outcome {
        Ok(count) => {
            user.flash(Flash::success(format!("Imported {count} customer groups.")));
            Ok(see_other("/customer-groups"))
        }
        Err(errors) => refuse(
            errors,
            Some("Nothing was imported. Fix these lines and upload the file again.".into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_may_come_earlier_in_the_file_and_names_must_be_new() {
        let existing = HashSet::from(["all customers".to_owned()]);
        let rows = check(
            "Name,Parent,Default Discount\nTrade,All Customers,5\nTrade North,Trade,7.5%\n",
            &existing,
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].0.default_discount, Decimal::new(75, 1));
        assert_eq!(rows[1].1.as_deref(), Some("Trade"));

        let errors = check(
            "Name,Parent,Default Discount\nall customers,,\nX,Nowhere,101\n",
            &existing,
        )
        .unwrap_err();
        let cells: Vec<(usize, &str)> =
            errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(cells, [(2, "Name"), (3, "Parent"), (3, "Default Discount")]);
        assert!(check("Nom\nX\n", &existing).is_err());
    }
}
