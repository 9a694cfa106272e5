//! A company's referral defaults (set once per company): whether customers created at HQ get a
//! referral code automatically, and what an automatic code carries. Stores decide for their own
//! customers with their POS profile's "Auto Create Referral For New Customers".

use diesel::prelude::*;
use patron_rules::referrals::RewardReferrer;
use serde::Serialize;

use super::CodeFields;
use super::codes::ReferralCodes;
use crate::audit;
use crate::coupons::code_record::model::CodeTable;
use crate::customers::hooks::Creation;
use crate::db::schema::{pos_profiles, referral_defaults};
use crate::kernel::Actor;
use crate::web::AppError;

/// The audit log's name for a company's referral defaults.
pub const ENTITY: &str = "referral_defaults";

/// What an automatic code carries, as the Referral defaults section edits it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = referral_defaults)]
#[diesel(treat_none_as_null = true)]
pub struct Defaults {
    /// Auto Create Referral For New Customers (customers created at HQ).
    pub auto_create: bool,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Customer Offer (none: no automatic codes can be made).
    pub customer_offer_id: Option<i64>,
    /// Primary Offer.
    pub primary_offer_id: Option<i64>,
    /// Max Registrations.
    pub max_registrations: Option<i32>,
    /// Reward Referrer, as stored.
    pub reward_referrer: String,
}

impl Default for Defaults {
    fn default() -> Defaults {
        Defaults {
            auto_create: false,
            campaign_id: None,
            customer_offer_id: None,
            primary_offer_id: None,
            max_registrations: None,
            reward_referrer: RewardReferrer::AtRegistration.as_stored().to_owned(),
        }
    }
}

/// `company`'s defaults (the blank ones until saved).
pub fn of(conn: &mut PgConnection, company: i64) -> QueryResult<Defaults> {
    Ok(referral_defaults::table
        .find(company)
        .select(Defaults::as_select())
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

/// Saves `company`'s defaults, audited with before and after.
pub fn save(
    conn: &mut PgConnection,
    actor: &Actor,
    company: i64,
    defaults: &Defaults,
) -> QueryResult<()> {
    let before = of(conn, company)?;
    diesel::insert_into(referral_defaults::table)
        .values((referral_defaults::company_id.eq(company), defaults))
        .on_conflict(referral_defaults::company_id)
        .do_update()
        .set((defaults, referral_defaults::updated_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    audit::record_change(conn, actor, ENTITY, company, "update", &before, defaults)
}

/// Whether a customer created for `store` (none: at HQ) of `company` gets a code at once.
fn auto_on(conn: &mut PgConnection, store: Option<i64>, defaults: &Defaults) -> QueryResult<bool> {
    match store {
        Some(store) => Ok(pos_profiles::table
            .filter(pos_profiles::store_id.eq(store))
            .select(pos_profiles::auto_create_referral)
            .first(conn)
            .optional()?
            .unwrap_or(false)),
        None => Ok(defaults.auto_create),
    }
}

/// The `created` hook: gives the new customer their own code when their store's profile (or,
/// at HQ, the company) says so, carrying the company's defaults. Without a Customer Offer in
/// the defaults no code can be made: the create goes on without one, and the log says why.
pub fn on_customer_created(
    conn: &mut PgConnection,
    creation: &Creation<'_>,
) -> Result<(), AppError> {
    let Some(company) = super::super::register::company_of(conn, creation.store_id)? else {
        return Ok(());
    };
    let defaults = of(conn, company)?;
    if !auto_on(conn, creation.store_id, &defaults)? {
        return Ok(());
    }
    let Some(customer_offer_id) = defaults.customer_offer_id else {
        tracing::warn!(
            company,
            "automatic referral code not made: the company's referral defaults have no Customer Offer"
        );
        return Ok(());
    };
    ReferralCodes::create_fresh(
        conn,
        creation.actor,
        &CodeFields {
            company_id: company,
            customer_id: creation.customer.get(),
            campaign_id: defaults.campaign_id,
            customer_offer_id,
            primary_offer_id: defaults.primary_offer_id,
            disabled: false,
            max_registrations: defaults.max_registrations,
            reward_referrer: defaults.reward_referrer,
        },
    )?;
    Ok(())
}
