//! Coupons as people keep them: created (code typed or generated), edited (never the code, once
//! made: it may be printed), disabled and enabled again; never deleted; every change audited.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::coupons::code_record::model::{CodeTable, code_table_queries};
use crate::db::schema::coupons;

/// The audit log's name for a coupon.
pub const ENTITY: &str = "coupon";

/// A coupon as its form edits it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = coupons)]
#[diesel(treat_none_as_null = true)]
pub struct CouponFields {
    /// Company (fixed once made).
    pub company_id: i64,
    /// Coupon Name.
    pub name: String,
    /// Coupon Type: promotional or gift_card.
    pub coupon_type: String,
    /// POS Offer.
    pub offer_id: i64,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Valid From (none: the offer's).
    pub valid_from: Option<NaiveDate>,
    /// Valid Upto (none: the offer's).
    pub valid_upto: Option<NaiveDate>,
    /// Maximum Use (0: unlimited; 1 for a gift card coupon).
    pub maximum_use: i32,
    /// One Use: at most once per customer.
    pub one_use: bool,
    /// The customer a gift card coupon is for.
    pub customer_id: Option<i64>,
}

/// A stored coupon.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = coupons)]
pub struct StoredCoupon {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Its settings.
    #[diesel(embed)]
    pub fields: CouponFields,
    /// Used.
    pub used: i32,
    /// Disabled.
    pub disabled: bool,
    /// The batch that made it.
    pub batch_id: Option<i64>,
}

/// The coupons table as a code record: the audited create, save and Disable/Enable come with
/// `CodeTable` (`Coupons::create(conn, actor, code, fields)`, ...).
#[derive(Debug, Clone, Copy)]
pub struct Coupons;

impl CodeTable for Coupons {
    const ENTITY: &'static str = ENTITY;
    type Fields = CouponFields;
    type Stored = StoredCoupon;
    code_table_queries!(coupons, CouponFields, StoredCoupon);
}
