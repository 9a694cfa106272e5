//! Opening balances from a CSV file (loyalty.manage), run by the shared import machinery
//! (`crate::imports`): each row credits a customer's points in the program they are enrolled in,
//! as an `adjust` entry with the reason "Opening balance" and no invoice, so that balances brought
//! over from another system need no dummy sales.

use std::collections::HashMap;

use actix_web::web;
use chrono::NaiveDate;
use diesel::prelude::*;
use patron_rules::users::Permission;
use rust_decimal::Decimal;

use crate::db::schema::{customers, loyalty_members, loyalty_point_entries};
use crate::imports::job::{Column, ImportScope, Importer, template};
use crate::imports::{Checked, RowError, cell, header, reader};

/// The file's columns, in template order.
pub const COLUMNS: [&str; 3] = ["Customer Code", "Points", "Expiry Date"];
/// Columns every file must have.
pub const REQUIRED: [&str; 2] = ["Customer Code", "Points"];
/// The reason every entry carries.
pub const REASON: &str = "Opening balance";

/// A row ready to write: one credit entry.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningRow {
    /// The customer.
    pub customer_id: i64,
    /// Their program.
    pub program_id: i64,
    /// The program's company.
    pub company_id: i64,
    /// Points, above 0.
    pub points: i64,
    /// Last day they count; `None`: never expire.
    pub expiry_date: Option<NaiveDate>,
}

/// What the codes of a file refer to.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    /// Customer code (upper case) -> customer id.
    pub customers: HashMap<String, i64>,
    /// Customer id -> their memberships as (company, program).
    pub memberships: HashMap<i64, Vec<(i64, i64)>>,
}

/// Reads a Points cell: a whole number above 0.
fn points(cell: &str) -> Result<i64, String> {
    if cell.is_empty() {
        return Err("Enter the points.".into());
    }
    let whole = cell
        .replace(',', "")
        .parse::<Decimal>()
        .ok()
        .filter(|p| p.fract().is_zero() && *p > Decimal::ZERO)
        .and_then(|p| i64::try_from(p).ok());
    whole.ok_or_else(|| format!("“{cell}”: points are a whole number above 0, like 250."))
}

/// Reads an Expiry Date cell: empty (never expires) or a day that is not before `today`.
fn expiry(cell: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    let day = NaiveDate::parse_from_str(cell, "%Y-%m-%d")
        .map_err(|_| format!("“{cell}”: dates look like 2026-11-23."))?;
    if day < today {
        return Err(format!(
            "{cell} is in the past: points that expired never count."
        ));
    }
    Ok(Some(day))
}

/// Checks every row of `text` against `lookups` on `today`. Pure.
pub fn check(
    text: &str,
    lookups: &Lookups,
    today: NaiveDate,
) -> Result<Checked<OpeningRow>, String> {
    let columns = header(text, &COLUMNS, &REQUIRED)?;
    let mut checked = Checked::default();
    for (index, record) in reader(text).records().enumerate() {
        let line = index + 2;
        checked.total += 1;
        let mut errors = Vec::new();
        let mut fail = |column: &str, message: String| {
            errors.push(RowError {
                line,
                column: column.to_owned(),
                message,
            })
        };
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                fail("Row", format!("Cannot be read: {e}"));
                checked.errors.append(&mut errors);
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
        let code = cell("Customer Code").to_uppercase();
        let membership = if code.is_empty() {
            fail("Customer Code", "Enter the customer code.".into());
            None
        } else {
            match lookups.customers.get(&code) {
                None => {
                    fail("Customer Code", format!("No customer has the code {code}."));
                    None
                }
                Some(customer) => match lookups.memberships.get(customer).map(Vec::as_slice) {
                    None | Some([]) => {
                        fail(
                            "Customer Code",
                            format!(
                                "{code} is not enrolled in a loyalty program: enrol them first."
                            ),
                        );
                        None
                    }
                    Some([(company, program)]) => Some((*customer, *company, *program)),
                    Some(many) => {
                        fail(
                            "Customer Code",
                            format!(
                                "{code} is enrolled in the programs of {} companies, so the file \
                                 cannot say which one gets the points.",
                                many.len()
                            ),
                        );
                        None
                    }
                },
            }
        };
        let points = points(&cell("Points")).map_err(|m| fail("Points", m)).ok();
        let expiry_date = expiry(&cell("Expiry Date"), today)
            .map_err(|m| fail("Expiry Date", m))
            .ok();
        match (membership, points, expiry_date) {
            (Some((customer_id, company_id, program_id)), Some(points), Some(expiry_date)) => {
                checked.rows.push(OpeningRow {
                    customer_id,
                    program_id,
                    company_id,
                    points,
                    expiry_date,
                });
            }
            _ => checked.errors.append(&mut errors),
        }
    }
    Ok(checked)
}

/// The customer codes of `text`, upper case.
fn codes(text: &str) -> Vec<String> {
    match header(text, &COLUMNS, &REQUIRED) {
        Ok(columns) => reader(text)
            .records()
            .flatten()
            .filter_map(|r| {
                columns
                    .get("Customer Code")
                    .and_then(|i| cell(&r, *i))
                    .map(|c| c.trim().to_uppercase())
            })
            .filter(|c| !c.is_empty())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Everything the codes of `text` refer to, as the database holds it now.
pub fn lookups(conn: &mut PgConnection, text: &str) -> QueryResult<Lookups> {
    let codes = codes(text);
    let customers: HashMap<String, i64> = customers::table
        .filter(customers::code.eq_any(&codes))
        .select((customers::code, customers::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let ids: Vec<i64> = customers.values().copied().collect();
    let mut memberships: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for (customer, company, program) in loyalty_members::table
        .filter(loyalty_members::customer_id.eq_any(&ids))
        .select((
            loyalty_members::customer_id,
            loyalty_members::company_id,
            loyalty_members::program_id,
        ))
        .load::<(i64, i64, i64)>(conn)?
    {
        memberships
            .entry(customer)
            .or_default()
            .push((company, program));
    }
    Ok(Lookups {
        customers,
        memberships,
    })
}

/// Opening balances from a CSV file (loyalty.manage).
pub struct OpeningImport;

impl Importer for OpeningImport {
    type Hooks = ();
    type Row = OpeningRow;
    const KIND: &'static str = "loyalty_opening";
    const ENTITY: &'static str = "loyalty_opening_import";
    const BASE: &'static str = "/loyalty/import";
    const LIST: &'static str = "/loyalty/reports";
    const LIST_LABEL: &'static str = "Loyalty reports";
    const ROUND_TRIPS: bool = false;
    const DONE_LINK: &'static str = "/loyalty/reports";
    const NOUNS: (&'static str, &'static str) = ("opening balances", "opening balance");
    const PERMISSION: Permission = Permission::LoyaltyManage;

    fn columns() -> Vec<Column> {
        Column::list(&COLUMNS, &REQUIRED, |label| match label {
            "Customer Code" => "CUST-00042, a customer enrolled in one company's program",
            "Points" => "a whole number above 0, like 250",
            _ => "YYYY-MM-DD, today or later; empty: never expire",
        })
    }

    fn template_csv() -> String {
        template(&COLUMNS, "CUST-00042,250,2027-12-31\nCUST-00043,1200,\n")
    }

    fn check(
        conn: &mut PgConnection,
        text: &str,
        _scope: ImportScope,
    ) -> QueryResult<Result<Checked<OpeningRow>, String>> {
        let lookups = lookups(conn, text)?;
        let today = crate::stores::model::clock_of(conn, None)?.today();
        Ok(check(text, &lookups, today))
    }

    fn insert(
        conn: &mut PgConnection,
        rows: &[OpeningRow],
        actor: &crate::kernel::Actor,
        _hooks: &(),
    ) -> QueryResult<()> {
        let (_, created_by) = actor.parts();
        let mut days = std::collections::BTreeMap::new();
        for row in rows {
            if let std::collections::btree_map::Entry::Vacant(day) = days.entry(row.company_id) {
                day.insert(crate::stores::model::company_clock(conn, row.company_id)?.today());
            }
        }
        let values: Vec<_> = rows
            .iter()
            .map(|r| {
                let today = days.get(&r.company_id).copied().unwrap_or_default();
                (
                    loyalty_point_entries::customer_id.eq(r.customer_id),
                    loyalty_point_entries::program_id.eq(r.program_id),
                    loyalty_point_entries::company_id.eq(r.company_id),
                    loyalty_point_entries::kind.eq("adjust"),
                    loyalty_point_entries::points.eq(r.points),
                    loyalty_point_entries::purchase_amount.eq(Decimal::ZERO),
                    loyalty_point_entries::posting_date.eq(today),
                    loyalty_point_entries::expiry_date.eq(r.expiry_date),
                    loyalty_point_entries::reason.eq(REASON),
                    loyalty_point_entries::created_by.eq(&created_by),
                )
            })
            .collect();
        diesel::insert_into(loyalty_point_entries::table)
            .values(&values)
            .execute(conn)?;
        Ok(())
    }
}

/// Mounts the import pages under /loyalty/import.
pub fn config(cfg: &mut web::ServiceConfig) {
    crate::imports::pages::mount::<OpeningImport>(cfg);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookups() -> Lookups {
        Lookups {
            customers: HashMap::from([
                ("CUST-00001".into(), 1),
                ("CUST-00002".into(), 2),
                ("CUST-00003".into(), 3),
            ]),
            memberships: HashMap::from([(1, vec![(10, 100)]), (3, vec![(10, 100), (11, 110)])]),
        }
    }

    #[test]
    fn each_problem_is_reported_at_its_line_and_column() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let text = "Customer Code,Points,Expiry Date\n\
                    cust-00001,250,2026-11-23\n\
                    CUST-00001,\"1,200\",\n\
                    CUST-09999,10,\n\
                    CUST-00002,10,\n\
                    CUST-00003,10,\n\
                    CUST-00001,0,2026-11-22\n\
                    CUST-00001,2.5,23/11/2026\n\
                    ,-4,\n";
        let checked = check(text, &lookups(), today).unwrap();
        assert_eq!((checked.total, checked.rows.len()), (8, 2));
        assert_eq!(
            checked.rows[0],
            OpeningRow {
                customer_id: 1,
                program_id: 100,
                company_id: 10,
                points: 250,
                expiry_date: Some(today),
            }
        );
        assert_eq!(
            (checked.rows[1].points, checked.rows[1].expiry_date),
            (1200, None)
        );
        assert_eq!(
            checked.problems(),
            [
                (4, "Customer Code", "No customer has the code CUST-09999."),
                (
                    5,
                    "Customer Code",
                    "CUST-00002 is not enrolled in a loyalty program: enrol them first."
                ),
                (
                    6,
                    "Customer Code",
                    "CUST-00003 is enrolled in the programs of 2 companies, so the file cannot say which one gets the points."
                ),
                (
                    7,
                    "Points",
                    "“0”: points are a whole number above 0, like 250."
                ),
                (
                    7,
                    "Expiry Date",
                    "2026-11-22 is in the past: points that expired never count."
                ),
                (
                    8,
                    "Points",
                    "“2.5”: points are a whole number above 0, like 250."
                ),
                (
                    8,
                    "Expiry Date",
                    "“23/11/2026”: dates look like 2026-11-23."
                ),
                (9, "Customer Code", "Enter the customer code."),
                (
                    9,
                    "Points",
                    "“-4”: points are a whole number above 0, like 250."
                ),
            ]
        );
    }

    #[test]
    fn a_file_without_points_is_refused_whole() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(check("Customer Code\nCUST-00001\n", &lookups(), today).is_err());
    }
}
