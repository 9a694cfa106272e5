//! A store's POS profile: the switches its tills obey, its Default Customer and the sales persons
//! allowed to sell there.

use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::model as audit;
use crate::db::schema::{customers, pos_profile_sales_persons, pos_profiles, sales_persons};
use crate::kernel::Actor;

/// The switches of a profile, as stored and as the form edits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable, AsChangeset, Serialize)]
#[diesel(table_name = pos_profiles, treat_none_as_null = true)]
pub struct ProfileSettings {
    /// Customer a sale goes to when the cashier picks none ("Walk-in Customer").
    pub default_customer_id: Option<i64>,
    /// The till shows the customer's outstanding balance.
    pub show_customer_balance: bool,
    /// The till applies the customer group's default discount.
    pub apply_customer_discount: bool,
    /// Prices come from the customer's price list, never typed by hand.
    pub force_customer_price_list: bool,
    /// New customers get a referral code at once.
    pub auto_create_referral: bool,
    /// The till looks for gift coupons the customer holds.
    pub auto_fetch_coupon_gifts: bool,
    /// The default delivery charge is added to every delivery sale.
    pub auto_set_delivery_charges: bool,
    /// The most change a till may give back in cash, in the company currency.
    pub max_change: Decimal,
}

/// A new profile's Maximum Change.
pub const DEFAULT_MAX_CHANGE: i64 = 1_000;
/// The largest Maximum Change a profile may set (the column's check).
pub const MOST_MAX_CHANGE: i64 = 1_000_000;

impl Default for ProfileSettings {
    fn default() -> Self {
        ProfileSettings {
            default_customer_id: None,
            show_customer_balance: false,
            apply_customer_discount: false,
            force_customer_price_list: false,
            auto_create_referral: false,
            auto_fetch_coupon_gifts: false,
            auto_set_delivery_charges: false,
            max_change: Decimal::from(DEFAULT_MAX_CHANGE),
        }
    }
}

/// One setting as the profile tab shows it: field name, label and its one-line explanation.
pub struct SettingInfo {
    /// Form field name (the column).
    pub name: &'static str,
    /// Label people know from the POS.
    pub label: &'static str,
    /// What it does.
    pub help: &'static str,
}

/// The switches in the order the tab lists them.
pub const SWITCHES: [SettingInfo; 6] = [
    SettingInfo {
        name: "show_customer_balance",
        label: "Show Customer Balance",
        help: "The till shows the customer's outstanding balance and available credit.",
    },
    SettingInfo {
        name: "apply_customer_discount",
        label: "Apply Customer Discount",
        help: "The customer group's default discount is applied to the sale automatically.",
    },
    SettingInfo {
        name: "force_customer_price_list",
        label: "Force Price From Customer Price List",
        help: "Cashiers cannot type prices; they come from the customer's price list.",
    },
    SettingInfo {
        name: "auto_create_referral",
        label: "Auto Create Referral For New Customers",
        help: "Every customer created at this store gets a referral code straight away.",
    },
    SettingInfo {
        name: "auto_fetch_coupon_gifts",
        label: "Auto Fetch Coupon Gifts",
        help: "When a customer is picked, the till lists the gift coupons they can use.",
    },
    SettingInfo {
        name: "auto_set_delivery_charges",
        label: "Auto Set Delivery Charges",
        help: "Delivery sales get the default delivery charge without the cashier choosing one.",
    },
];

impl ProfileSettings {
    /// The value of switch `name` (one of `SWITCHES`).
    pub fn switch(&self, name: &str) -> bool {
        match name {
            "show_customer_balance" => self.show_customer_balance,
            "apply_customer_discount" => self.apply_customer_discount,
            "force_customer_price_list" => self.force_customer_price_list,
            "auto_create_referral" => self.auto_create_referral,
            "auto_fetch_coupon_gifts" => self.auto_fetch_coupon_gifts,
            "auto_set_delivery_charges" => self.auto_set_delivery_charges,
            _ => false,
        }
    }
}

/// A store's profile with what it refers to, ready to show or to send to a till.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// Profile id (delivery charges hang on it).
    pub id: i64,
    /// The switches and the Default Customer id.
    pub settings: ProfileSettings,
    /// The Default Customer as (uuid, code, name).
    pub default_customer: Option<(uuid::Uuid, String, String)>,
    /// Ids of the sales persons allowed at the store.
    pub allowed_sales_persons: Vec<i64>,
}

/// The profile of store `store_id`.
pub fn for_store(conn: &mut PgConnection, store_id: i64) -> QueryResult<Profile> {
    let (id, settings) = pos_profiles::table
        .filter(pos_profiles::store_id.eq(store_id))
        .select((pos_profiles::id, ProfileSettings::as_select()))
        .first::<(i64, ProfileSettings)>(conn)?;
    let default_customer = match settings.default_customer_id {
        Some(customer_id) => customers::table
            .find(customer_id)
            .select((
                customers::uuid,
                customers::code,
                customers::first_name
                    .concat(" ")
                    .concat(customers::last_name),
            ))
            .first::<(uuid::Uuid, String, String)>(conn)
            .optional()?
            .map(|(uuid, code, name)| (uuid, code, name.trim().to_owned())),
        None => None,
    };
    let allowed_sales_persons = pos_profile_sales_persons::table
        .inner_join(sales_persons::table)
        .filter(pos_profile_sales_persons::pos_profile_id.eq(id))
        .order(sales_persons::name.asc())
        .select(sales_persons::id)
        .load(conn)?;
    Ok(Profile {
        id,
        settings,
        default_customer,
        allowed_sales_persons,
    })
}

/// The customer a Default Customer field names by its code: (id, active), if there is one.
pub fn customer_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<(i64, bool)>> {
    customers::table
        .filter(customers::code.eq(code.trim().to_uppercase()))
        .select((customers::id, customers::active))
        .first(conn)
        .optional()
}

/// Saves the profile of store `store_id`: its switches, Default Customer and allowed sales
/// persons, in one audited change.
pub fn save(
    conn: &mut PgConnection,
    store_id: i64,
    settings: &ProfileSettings,
    allowed: &[i64],
    actor: &Actor,
) -> QueryResult<Profile> {
    let before = for_store(conn, store_id)?;
    diesel::update(pos_profiles::table.find(before.id))
        .set((settings, pos_profiles::updated_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    diesel::delete(
        pos_profile_sales_persons::table
            .filter(pos_profile_sales_persons::pos_profile_id.eq(before.id)),
    )
    .execute(conn)?;
    let rows: Vec<_> = allowed
        .iter()
        .map(|person| {
            (
                pos_profile_sales_persons::pos_profile_id.eq(before.id),
                pos_profile_sales_persons::sales_person_id.eq(*person),
            )
        })
        .collect();
    diesel::insert_into(pos_profile_sales_persons::table)
        .values(&rows)
        .on_conflict_do_nothing()
        .execute(conn)?;
    let after = for_store(conn, store_id)?;
    audit::record_change(
        conn,
        actor,
        "pos_profile",
        before.id,
        "update",
        &before,
        &after,
    )?;
    Ok(after)
}
