//! Referral codes and registrations as stored: a code looked up for the registration check, a
//! registration counted against the cap with one conditional UPDATE, the registration row, and
//! merges moving both to the kept customer.

pub mod codes;
pub mod defaults;
pub mod queries;

use diesel::prelude::*;
use patron_rules::CustomerId;
use patron_rules::referrals::{CodeFacts, RewardReferrer};
use serde::Serialize;

use crate::db::schema::{customers, referral_codes, referral_registrations};

/// The audit log's name for a referral code.
pub const ENTITY: &str = "referral_code";

/// A referral code's settings as its form edits them (everything but the code).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = referral_codes)]
#[diesel(treat_none_as_null = true)]
pub struct CodeFields {
    /// Company.
    pub company_id: i64,
    /// Customer (the referrer).
    pub customer_id: i64,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Customer Offer: what the new customer's coupon is for.
    pub customer_offer_id: i64,
    /// Primary Offer: what the referrer's coupon is for (none: the referrer gets nothing).
    pub primary_offer_id: Option<i64>,
    /// Disabled.
    pub disabled: bool,
    /// Max Registrations (none: no cap).
    pub max_registrations: Option<i32>,
    /// Reward Referrer, as stored.
    pub reward_referrer: String,
}

impl CodeFields {
    /// When the referrer is rewarded.
    pub fn reward(&self) -> RewardReferrer {
        RewardReferrer::from_stored(&self.reward_referrer)
    }
}

/// A stored referral code.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = referral_codes)]
pub struct StoredCode {
    /// Id.
    pub id: i64,
    /// Referral Code.
    pub code: String,
    /// Its settings.
    #[diesel(embed)]
    pub fields: CodeFields,
    /// Registrations so far.
    pub registrations: i32,
}

/// A code with what the registration check reads of its referrer.
#[derive(Debug, Clone)]
pub struct Found {
    /// The code row.
    pub stored: StoredCode,
    /// What the rules read.
    pub facts: CodeFacts,
}

/// The code `code` (already normalised), preferring `company`'s when two companies use the
/// same text; none when no company has it.
pub fn find_by_code(
    conn: &mut PgConnection,
    company: i64,
    code: &str,
) -> QueryResult<Option<Found>> {
    let rows: Vec<(StoredCode, Option<String>, Option<String>)> = referral_codes::table
        .inner_join(customers::table)
        .filter(referral_codes::code.eq(code))
        .select((
            StoredCode::as_select(),
            customers::mobile_digits,
            customers::search_email,
        ))
        .load(conn)?;
    let row = rows
        .iter()
        .find(|row| row.0.fields.company_id == company)
        .or(rows.first())
        .cloned();
    Ok(row.map(|(stored, mobile, email)| Found {
        facts: CodeFacts {
            code: stored.code.clone(),
            company_id: stored.fields.company_id,
            referrer_id: stored.fields.customer_id,
            referrer_mobile_digits: mobile.unwrap_or_default(),
            referrer_email: email.unwrap_or_default(),
            disabled: stored.fields.disabled,
            max_registrations: stored.fields.max_registrations,
            registrations: stored.registrations,
        },
        stored,
    }))
}

/// Counts one registration on code `id` unless it is disabled or full by now: one conditional
/// UPDATE, so that registrations arriving together never pass the cap. False: refused.
pub fn take_registration(conn: &mut PgConnection, id: i64) -> QueryResult<bool> {
    let taken = diesel::update(referral_codes::table.find(id))
        .filter(referral_codes::disabled.eq(false))
        .filter(referral_codes::max_registrations.is_null().or(
            referral_codes::registrations.lt(referral_codes::max_registrations.assume_not_null()),
        ))
        .set(referral_codes::registrations.eq(referral_codes::registrations + 1))
        .execute(conn)?;
    Ok(taken == 1)
}

/// A registration about to be written.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = referral_registrations)]
pub struct NewRegistration {
    /// The code used.
    pub referral_code_id: i64,
    /// Who referred.
    pub referrer_id: i64,
    /// Who was registered.
    pub customer_id: i64,
    /// The new customer's welcome coupon.
    pub customer_coupon_id: i64,
    /// The referrer's coupon, when made at registration.
    pub referrer_coupon_id: Option<i64>,
    /// Where (a till's or supervisor's store).
    pub store_id: Option<i64>,
}

/// Writes a registration; returns its id.
pub fn insert_registration(conn: &mut PgConnection, new: &NewRegistration) -> QueryResult<i64> {
    diesel::insert_into(referral_registrations::table)
        .values(new)
        .returning(referral_registrations::id)
        .get_result(conn)
}

/// Merging customers: codes and registrations (both sides) go to the kept customer. A kept
/// customer who was referred already keeps their own registration; the merged one's stays
/// where it is (one registration per customer), in history.
pub fn move_customer(
    conn: &mut PgConnection,
    from: CustomerId,
    to: CustomerId,
) -> QueryResult<usize> {
    let (from, to) = (from.get(), to.get());
    let codes = diesel::update(referral_codes::table)
        .filter(referral_codes::customer_id.eq(from))
        .set((
            referral_codes::customer_id.eq(to),
            referral_codes::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    let referred = diesel::update(referral_registrations::table)
        .filter(referral_registrations::referrer_id.eq(from))
        .set(referral_registrations::referrer_id.eq(to))
        .execute(conn)?;
    let kept_is_referred: bool = diesel::select(diesel::dsl::exists(
        referral_registrations::table.filter(referral_registrations::customer_id.eq(to)),
    ))
    .get_result(conn)?;
    let own = if kept_is_referred {
        0
    } else {
        diesel::update(referral_registrations::table)
            .filter(referral_registrations::customer_id.eq(from))
            .set(referral_registrations::customer_id.eq(to))
            .execute(conn)?
    };
    Ok(codes + referred + own)
}
