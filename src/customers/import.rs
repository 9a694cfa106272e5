//! Checking a customer CSV: the header names the columns by their labels (those of the export),
//! every row is parsed with the same rules as the form, names of groups, territories and stores
//! must exist (nothing is created silently). Pure: the caller loads the lookups.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::export::COLUMNS;
use super::forms::CustomerForm;
use super::model::CustomerFields;

pub use crate::imports::{MAX_BYTES, RowError, decode};
use crate::imports::{cell, header as read_header, reader};

/// Columns every file must have.
pub const REQUIRED: [&str; 3] = ["First Name", "Customer Group", "Territory"];

/// What names in the file may refer to.
#[derive(Debug, Default)]
pub struct Lookups {
    /// Customer group ids by lower-case name.
    pub groups: HashMap<String, i64>,
    /// Territory ids by lower-case name.
    pub territories: HashMap<String, i64>,
    /// Store ids by upper-case code.
    pub stores: HashMap<String, i64>,
    /// Country codes.
    pub countries: HashSet<String>,
    /// Customer codes of the file that exist already.
    pub existing_codes: HashSet<String>,
    /// UUIDs of the file that exist already.
    pub existing_uuids: HashSet<Uuid>,
}

/// What the person importing may do with a row, as the customer form holds them: a store
/// supervisor's customers are their store's, and deactivating is HQ's.
#[derive(Debug, Clone, Copy)]
pub struct RowScope {
    /// The one store whose customers they make (none inside: HQ's), when they are held to one.
    pub own_store: Option<Option<i64>>,
    /// Whether rows may come in deactivated.
    pub may_deactivate: bool,
}

impl RowScope {
    /// Head office's: any store, any status.
    pub const HQ: RowScope = RowScope {
        own_store: None,
        may_deactivate: true,
    };
}

/// A row ready to insert.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Its code, or none for the next from the sequence.
    pub code: Option<String>,
    /// Its uuid, or none for a new one.
    pub uuid: Option<Uuid>,
    /// Origin store, none for HQ.
    pub origin_store_id: Option<i64>,
    /// Active or deactivated.
    pub active: bool,
    /// The rest.
    pub fields: CustomerFields,
}

/// The outcome of checking a customer file.
pub type Checked = crate::imports::Checked<ImportRow>;

/// The position of each known column in the header; a message when the header is not usable.
pub fn header(text: &str) -> Result<HashMap<&'static str, usize>, String> {
    read_header(text, &COLUMNS, &REQUIRED)
}

/// The customer codes and uuids the file names, for looking up which exist already.
pub fn keys(text: &str) -> (Vec<String>, Vec<Uuid>) {
    let Ok(columns) = header(text) else {
        return (Vec::new(), Vec::new());
    };
    let (mut codes, mut uuids) = (Vec::new(), Vec::new());
    for record in reader(text).records().flatten() {
        let cell = |c: &str| {
            columns
                .get(c)
                .and_then(|i| cell(&record, *i))
                .unwrap_or("")
                .trim()
        };
        if !cell("Customer Code").is_empty() {
            codes.push(cell("Customer Code").to_uppercase());
        }
        if let Ok(uuid) = Uuid::parse_str(cell("UUID")) {
            uuids.push(uuid);
        }
    }
    (codes, uuids)
}

/// The column label of a form field.
fn label(field: &str) -> &'static str {
    match field {
        "first_name" => "First Name",
        "last_name" => "Last Name",
        "customer_group_id" => "Customer Group",
        "territory_id" => "Territory",
        "tax_id" => "Tax Id",
        "mobile" => "Mobile Number",
        "email" => "Email",
        "website" => "Website",
        "address_line1" => "Address Line 1",
        "address_line2" => "Address Line 2",
        "city" => "City",
        "postcode" => "Postcode",
        "country_code" => "Country",
        "birthday" => "Birthday",
        "gender" => "Gender",
        "notes" => "Internal Notes",
        "credit_limit" => "Credit Limit",
        _ => "Row",
    }
}

fn is_code(code: &str) -> bool {
    code.strip_prefix("CUST-")
        .is_some_and(|n| n.len() >= 5 && n.chars().all(|c| c.is_ascii_digit()))
}

/// The code of store `id`, for messages.
fn store_code(lookups: &Lookups, id: Option<i64>) -> String {
    lookups
        .stores
        .iter()
        .find(|(_, store)| Some(**store) == id)
        .map_or_else(|| "HQ".to_owned(), |(code, _)| code.clone())
}

/// Checks every row of `text` (whose header `header` accepted), each within `scope`.
pub fn check(
    text: &str,
    lookups: &Lookups,
    scope: RowScope,
    today: NaiveDate,
) -> Result<Checked, String> {
    let columns = header(text)?;
    let mut checked = Checked::default();
    let mut seen_codes = HashSet::new();
    let mut seen_uuids = HashSet::new();
    for (index, record) in reader(text).records().enumerate() {
        let line = index + 2;
        checked.total += 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                checked.errors.push(RowError {
                    line,
                    column: "Row".into(),
                    message: format!("Cannot be read: {e}"),
                });
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
        let mut errors = Vec::new();
        let mut fail = |column: &str, message: String| {
            errors.push(RowError {
                line,
                column: column.to_owned(),
                message,
            });
        };
        let mut id_of =
            |column: &str, map: &HashMap<String, i64>, key: String, what: &str| -> String {
                if key.is_empty() {
                    return String::new();
                }
                match map.get(&key) {
                    Some(id) => id.to_string(),
                    None => {
                        fail(column, format!("No {what} is called “{}”.", cell(column)));
                        // A placeholder that parses, so that only this message is reported.
                        "0".to_owned()
                    }
                }
            };
        let group = id_of(
            "Customer Group",
            &lookups.groups,
            cell("Customer Group").to_lowercase(),
            "customer group",
        );
        let territory = id_of(
            "Territory",
            &lookups.territories,
            cell("Territory").to_lowercase(),
            "territory",
        );
        let store = id_of(
            "Origin Store",
            &lookups.stores,
            cell("Origin Store").to_uppercase(),
            "store",
        );
        let mut origin_store_id = store.parse::<i64>().ok();
        if let Some(own) = scope.own_store {
            if cell("Origin Store").is_empty() {
                // As in the form: a store's people make their store's customers.
                origin_store_id = own;
            } else if origin_store_id.is_some_and(|id| id != 0) && origin_store_id != own {
                let code = store_code(lookups, own);
                fail(
                    "Origin Store",
                    format!("You add customers of {code} only: write {code} or leave it empty."),
                );
            }
        }
        let country = cell("Country").to_uppercase();
        if !country.is_empty() && !lookups.countries.contains(&country) {
            fail(
                "Country",
                format!("“{country}” is not an ISO 3166 country code (like US or DE)."),
            );
        }
        let active = match cell("Status").to_lowercase().as_str() {
            "" | "active" => true,
            "deactivated" if !scope.may_deactivate => {
                fail(
                    "Status",
                    "Head office deactivates customers: write Active or leave it empty.".into(),
                );
                true
            }
            "deactivated" => false,
            other => {
                fail(
                    "Status",
                    format!("“{other}” is neither Active nor Deactivated."),
                );
                true
            }
        };
        let code = Some(cell("Customer Code").to_uppercase()).filter(|c| !c.is_empty());
        if let Some(code) = &code {
            if !is_code(code) {
                fail("Customer Code", "Codes look like CUST-00042.".into());
            } else if lookups.existing_codes.contains(code) || !seen_codes.insert(code.clone()) {
                fail("Customer Code", format!("{code} exists already."));
            }
        }
        let uuid = match cell("UUID").as_str() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(uuid) if lookups.existing_uuids.contains(&uuid) || !seen_uuids.insert(uuid) => {
                    fail("UUID", "This UUID exists already.".into());
                    None
                }
                Ok(uuid) => Some(uuid),
                Err(_) => {
                    fail("UUID", "Not a UUID.".into());
                    None
                }
            },
        };
        let form = CustomerForm {
            first_name: cell("First Name"),
            last_name: cell("Last Name"),
            customer_group_id: group,
            territory_id: territory,
            tax_id: cell("Tax Id"),
            mobile: cell("Mobile Number"),
            email: cell("Email"),
            website: cell("Website"),
            address_line1: cell("Address Line 1"),
            address_line2: cell("Address Line 2"),
            city: cell("City"),
            postcode: cell("Postcode"),
            country_code: country,
            birthday: cell("Birthday"),
            gender: cell("Gender").to_lowercase(),
            notes: cell("Internal Notes"),
            credit_limit: cell("Credit Limit"),
            confirm_duplicates: String::new(),
            // Imports never register referrals: an import makes no coupons.
            referral_code: String::new(),
        };
        match form.parse(today) {
            Ok(fields) if errors.is_empty() => checked.rows.push(ImportRow {
                code,
                uuid,
                origin_store_id,
                active,
                fields,
            }),
            Ok(_) => {}
            Err(field_errors) => {
                for (field, message) in field_errors.iter() {
                    // The lookups above already explained a name that matched nothing.
                    if !errors.iter().any(|e| e.column == label(field)) {
                        errors.push(RowError {
                            line,
                            column: label(field).to_owned(),
                            message: message.to_owned(),
                        });
                    }
                }
            }
        }
        checked.errors.extend(errors);
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookups() -> Lookups {
        Lookups {
            groups: HashMap::from([("vip".into(), 3)]),
            territories: HashMap::from([("europe".into(), 7)]),
            stores: HashMap::from([("DOWNTOWN".into(), 2)]),
            countries: HashSet::from(["DE".into()]),
            existing_codes: HashSet::from(["CUST-00001".into()]),
            existing_uuids: HashSet::new(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn each_problem_is_reported_at_its_line_and_column() {
        let text = "First Name,Customer Group,Territory,Email,Origin Store,Customer Code,Country\n\
                    Ana,VIP,Europe,ana@example.com,downtown,CUST-00002,de\n\
                    Bo,Gold,Europe,bo@,,CUST-00001,XX\n\
                    ,VIP,Mars,,,,\n";
        let checked = check(text, &lookups(), RowScope::HQ, today()).unwrap();
        assert_eq!(checked.total, 3);
        assert_eq!(checked.rows.len(), 1);
        let ana = &checked.rows[0];
        assert_eq!(
            (
                ana.fields.customer_group_id,
                ana.fields.territory_id,
                ana.origin_store_id
            ),
            (3, 7, Some(2))
        );
        assert_eq!(ana.code.as_deref(), Some("CUST-00002"));
        assert_eq!(ana.fields.country_code.as_deref(), Some("DE"));
        let found: Vec<(usize, &str)> = checked
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (3, "Customer Group"),
                (3, "Country"),
                (3, "Customer Code"),
                (3, "Email"),
                (4, "Territory"),
                (4, "First Name"),
            ]
        );
        assert_eq!(
            checked.errors[0].message,
            "No customer group is called “Gold”."
        );
    }

    #[test]
    fn a_store_supervisor_imports_their_own_store_s_active_customers_only() {
        let mut lookups = lookups();
        lookups.stores.insert("HARBOR".into(), 5);
        let text = "First Name,Customer Group,Territory,Origin Store,Status\n\
                    Ana,VIP,Europe,,\n\
                    Bo,VIP,Europe,downtown,Active\n\
                    Cy,VIP,Europe,HARBOR,\n\
                    Di,VIP,Europe,,Deactivated\n";
        let supervisor = RowScope {
            own_store: Some(Some(2)),
            may_deactivate: false,
        };
        let checked = check(text, &lookups, supervisor, today()).unwrap();
        let stores: Vec<Option<i64>> = checked.rows.iter().map(|r| r.origin_store_id).collect();
        assert_eq!(
            stores,
            [Some(2), Some(2)],
            "an empty Origin Store is theirs"
        );
        assert_eq!(
            checked.problems(),
            [
                (
                    4,
                    "Origin Store",
                    "You add customers of DOWNTOWN only: write DOWNTOWN or leave it empty."
                ),
                (
                    5,
                    "Status",
                    "Head office deactivates customers: write Active or leave it empty."
                ),
            ]
        );

        let hq = check(text, &lookups, RowScope::HQ, today()).unwrap();
        assert_eq!(hq.rows.len(), 4);
        assert_eq!(hq.rows[2].origin_store_id, Some(5));
        assert_eq!(hq.rows[0].origin_store_id, None, "HQ's own customers");
    }
}
