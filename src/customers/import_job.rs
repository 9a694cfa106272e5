//! The customer import as the shared import machinery (`crate::imports`) runs it: what names
//! in a file may refer to, and how checked rows are written.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use patron_rules::users::Permission;
use uuid::Uuid;

use super::export::COLUMNS;
use super::hooks::CustomerHooks;
use super::import::{Checked, ImportRow, Lookups, REQUIRED, RowScope, check, keys};
use super::model::CustomerFields;
use crate::db::schema::{countries, customer_groups, customers, stores, territories};
use crate::imports::job::{Column, ImportScope, Importer, template};

/// Customers from a CSV file (customers.create).
pub struct CustomerImport;

impl Importer for CustomerImport {
    type Hooks = CustomerHooks;
    type Row = ImportRow;
    const KIND: &'static str = "customers";
    const ENTITY: &'static str = "customer_import";
    const BASE: &'static str = "/customers/import";
    const LIST: &'static str = "/customers";
    const DONE_LINK: &'static str = "/customers?sort=created";
    const NOUNS: (&'static str, &'static str) = ("customers", "customer");
    const PERMISSION: Permission = Permission::CustomersCreate;

    fn columns() -> Vec<Column> {
        Column::list(&COLUMNS, &REQUIRED, |label| match label {
            "Customer Code" => "CUST-00042; empty: the next code",
            "Customer Group" | "Territory" => "an existing name",
            "Origin Store" => "a store code; empty: created at HQ",
            "Country" => "ISO code, like US",
            "Birthday" => "YYYY-MM-DD",
            "Gender" => "female, male, other or empty",
            "Credit Limit" => "a number, like 1250.50",
            "Status" => "Active or Deactivated",
            "UUID" => "empty: a new one",
            _ => "text",
        })
    }

    fn template_csv() -> String {
        template(
            &COLUMNS,
            ",Ana,García,All Customers,All Territories,,+1 555 010 2030,ana@example.com,,1 Main Street,,Springfield,10001,US,1990-04-23,female,,500,,Active,\n",
        )
    }

    fn check(
        conn: &mut PgConnection,
        text: &str,
        scope: ImportScope,
    ) -> QueryResult<Result<Checked, String>> {
        let lookups = lookups(conn, text)?;
        let today = crate::stores::model::clock_of(conn, None)?.today();
        let rows = RowScope {
            own_store: scope.stores.only(),
            may_deactivate: scope.role.can(Permission::CustomersDeactivate),
        };
        Ok(check(text, &lookups, rows, today))
    }

    fn insert(
        conn: &mut PgConnection,
        rows: &[ImportRow],
        actor: &crate::kernel::Actor,
        hooks: &CustomerHooks,
    ) -> QueryResult<()> {
        let values: Vec<ImportedCustomer> = rows
            .iter()
            .cloned()
            .map(|r| ImportedCustomer {
                uuid: r.uuid.unwrap_or_else(Uuid::new_v4),
                code: r.code,
                origin_store_id: r.origin_store_id,
                active: r.active,
                fields: r.fields,
            })
            .collect();
        let made: Vec<i64> = diesel::insert_into(customers::table)
            .values(&values)
            .returning(customers::id)
            .get_results(conn)?;
        let (_, by) = actor.parts();
        let today = crate::stores::model::clock_of(conn, None)?.today();
        hooks.imported(conn, &made, today, &by)?;
        Ok(())
    }

    fn after_insert(conn: &mut PgConnection) -> QueryResult<()> {
        // Codes taken from the file must never come out of the sequence again.
        diesel::sql_query(
            "SELECT setval('customer_code_seq', greatest((SELECT last_value FROM customer_code_seq), \
             (SELECT coalesce(max(substr(code, 6)::bigint), 0) FROM customers WHERE code ~ '^CUST-[0-9]+$')))",
        )
        .execute(conn)?;
        Ok(())
    }
}

/// Everything names in `text` may refer to.
pub fn lookups(conn: &mut PgConnection, text: &str) -> QueryResult<Lookups> {
    let (codes, uuids) = keys(text);
    let lower = |rows: Vec<(String, i64)>| -> HashMap<String, i64> {
        rows.into_iter()
            .map(|(name, id)| (name.to_lowercase(), id))
            .collect()
    };
    Ok(Lookups {
        groups: lower(
            customer_groups::table
                .select((customer_groups::name, customer_groups::id))
                .load(conn)?,
        ),
        territories: lower(
            territories::table
                .select((territories::name, territories::id))
                .load(conn)?,
        ),
        stores: stores::table
            .select((stores::code, stores::id))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect(),
        countries: countries::table
            .select(countries::code)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
        existing_codes: customers::table
            .filter(customers::code.eq_any(&codes))
            .select(customers::code)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
        existing_uuids: customers::table
            .filter(customers::uuid.eq_any(&uuids))
            .select(customers::uuid)
            .load::<Uuid>(conn)?
            .into_iter()
            .collect::<HashSet<Uuid>>(),
    })
}

/// A customer as imported: its code and uuid kept when the file has them.
#[derive(Insertable)]
#[diesel(table_name = customers)]
struct ImportedCustomer {
    uuid: Uuid,
    code: Option<String>,
    origin_store_id: Option<i64>,
    active: bool,
    #[diesel(embed)]
    fields: CustomerFields,
}
