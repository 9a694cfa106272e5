//! Demo stores: one company (USD, New York time, new customers in Individual / United States),
//! five stores with POS profiles (Downtown with every switch on), a Walk-in Customer every profile
//! defaults to, delivery charges, eight sales persons and one terminal token per store for trying
//! the API. Running it again adds nothing.

use diesel::prelude::*;
use rust_decimal::Decimal;

use super::model::delivery::{self, ChargeFields};
use super::model::profile::{self, ProfileSettings};
use super::model::sales_persons::{self, SalesPersonFields};
use super::model::tokens;
use super::model::{self as stores, CompanyFields, StoreFields};
use crate::db::schema::{companies, sales_persons as sales_persons_table};
use crate::kernel::Actor;
use crate::trees::model::groups;

const ACTOR: Actor = Actor::System("demo data");

/// (code, name, warehouse, address, phone).
const STORES: [(&str, &str, &str, &str, &str); 5] = [
    (
        "DOWNTOWN",
        "Downtown",
        "Central Warehouse",
        "120 Main Street, Springfield",
        "555-0101",
    ),
    (
        "RIVERSIDE",
        "Riverside Mall",
        "Central Warehouse",
        "Riverside Mall, Unit 42, Springfield",
        "555-0102",
    ),
    (
        "AIRPORT",
        "Airport Terminal 2",
        "Airport Stockroom",
        "Terminal 2 Airside, Springfield Airport",
        "555-0103",
    ),
    (
        "HARBOR",
        "Harbor Point",
        "East Warehouse",
        "8 Quay Road, Harbor Point",
        "555-0104",
    ),
    (
        "UPTOWN",
        "Uptown Plaza",
        "East Warehouse",
        "77 Plaza Avenue, Uptown",
        "555-0105",
    ),
];

/// (employee code, name, commission %).
const SALES_PERSONS: [(&str, &str, i64); 8] = [
    ("EMP-001", "Olivia Bennett", 250),
    ("EMP-002", "Marcus Chen", 250),
    ("EMP-003", "Priya Raman", 300),
    ("EMP-004", "Diego Alvarez", 200),
    ("EMP-005", "Hannah Schultz", 200),
    ("EMP-006", "Kwame Mensah", 150),
    ("EMP-007", "Sofia Rossi", 300),
    ("EMP-008", "Liam O'Connor", 150),
];

/// (label, default rate, rate, default?).
const CHARGES: [(&str, i64, i64, bool); 3] = [
    ("Standard Delivery", 500, 500, true),
    ("Express", 1200, 1200, false),
    ("Same Day", 2000, 1800, false),
];

/// The company and the five stores; call before customers are spread over the stores.
pub fn stores(conn: &mut PgConnection) -> anyhow::Result<()> {
    let has_company: bool =
        diesel::select(diesel::dsl::exists(companies::table.select(companies::id)))
            .get_result(conn)?;
    if !has_company {
        stores::create_company(
            conn,
            &CompanyFields {
                name: "Patron Retail Co.".into(),
                currency_code: "USD".into(),
                time_zone: "America/New_York".into(),
                ..CompanyFields::default()
            },
            &ACTOR,
        )?;
    }
    let company_id = stores::first_company(conn)?;
    for (code, name, warehouse, address, phone) in STORES {
        if stores::find_by_code(conn, code)?.is_some() {
            continue;
        }
        let fields = StoreFields {
            code: code.into(),
            name: name.into(),
            company_id,
            warehouse: warehouse.into(),
            address: address.into(),
            phone: phone.into(),
        };
        stores::create(conn, &fields, &ACTOR)?;
    }
    Ok(())
}

/// Profiles (each with `walk_in` as its Default Customer), charges, sales persons and tokens of
/// stores that have no token yet. Returns the tokens made, as (store code, secret), to print once.
pub fn profiles(conn: &mut PgConnection, walk_in: i64) -> anyhow::Result<Vec<(String, String)>> {
    let people = ensure_sales_persons(conn)?;
    let mut made = Vec::new();
    for (index, (code, ..)) in STORES.iter().enumerate() {
        let Some(store) = stores::find_by_code(conn, code)? else {
            continue;
        };
        if !tokens::list_for_store(conn, store.id)?.is_empty() {
            continue;
        }
        let everything = index == 0;
        let settings = ProfileSettings {
            default_customer_id: Some(walk_in),
            show_customer_balance: true,
            apply_customer_discount: everything || index % 2 == 1,
            force_customer_price_list: everything,
            auto_create_referral: everything,
            auto_fetch_coupon_gifts: everything || index % 2 == 0,
            auto_set_delivery_charges: everything || index == 2,
            ..ProfileSettings::default()
        };
        // Each store has three or four of the eight, overlapping.
        let allowed: Vec<i64> = (0..4)
            .filter(|k| everything || *k < 3)
            .map(|k| people[(index * 2 + k) % people.len()])
            .collect();
        let saved = profile::save(conn, store.id, &settings, &allowed, &ACTOR)?;
        if delivery::list(conn, saved.id)?.is_empty() {
            for (label, default_rate, rate, is_default) in CHARGES {
                let fields = ChargeFields {
                    label: label.into(),
                    default_rate: Decimal::new(default_rate, 2),
                    rate: Decimal::new(rate, 2),
                    shipping_account: "Freight and Forwarding Charges".into(),
                    cost_center: format!("{} - Main", store.code),
                    is_default,
                };
                delivery::add(conn, saved.id, &fields, &ACTOR)?;
            }
        }
        let token = tokens::create(conn, store.id, "Till 1", &ACTOR)?;
        made.push((store.code, token.secret));
    }
    Ok(made)
}

/// The demo company's new customers start in "Individual" and "United States" (made with the
/// demo customers, so call this after them). A company that has defaults keeps them.
pub fn customer_defaults(conn: &mut PgConnection) -> anyhow::Result<()> {
    let id = stores::first_company(conn)?;
    let company = stores::find_company(conn, id)?;
    if company.default_customer_group_id.is_some() || company.default_territory_id.is_some() {
        return Ok(());
    }
    let fields = CompanyFields {
        default_customer_group_id: groups::group_by_name(conn, "Individual")?.map(|g| g.id),
        default_territory_id: groups::territory_by_name(conn, "United States")?.map(|t| t.id),
        name: company.name,
        currency_code: company.currency_code,
        time_zone: company.time_zone,
    };
    stores::update_company(conn, id, &fields, company.active, &ACTOR)?;
    Ok(())
}

/// The eight demo sales persons (made once); returns their ids.
fn ensure_sales_persons(conn: &mut PgConnection) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for (code, name, rate) in SALES_PERSONS {
        let existing = sales_persons_table::table
            .filter(sales_persons_table::employee_code.eq(code))
            .select(sales_persons_table::id)
            .first::<i64>(conn)
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                let fields = SalesPersonFields {
                    employee_code: code.into(),
                    name: name.into(),
                    commission_rate: Decimal::new(rate, 2),
                };
                sales_persons::create(conn, &fields, &ACTOR)?.id
            }
        };
        ids.push(id);
    }
    Ok(ids)
}
