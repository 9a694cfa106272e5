//! The coupons referrals hand out: a single-use Gift Card coupon on an offer for one customer,
//! made through the coupons area (code from its alphabet, audited) and withdrawn by disabling
//! it, never by deleting it.

use diesel::prelude::*;

use crate::coupons::code_record::model::CodeTable;
use crate::coupons::model::store::{CouponFields, Coupons};
use crate::db::schema::coupons as coupon_table;
use crate::kernel::Actor;

/// A reward coupon to make.
#[derive(Debug, Clone, Copy)]
pub struct Reward<'a> {
    /// The code's company.
    pub company_id: i64,
    /// The offer it makes eligible.
    pub offer_id: i64,
    /// The code's campaign, so that campaign reports count it.
    pub campaign_id: Option<i64>,
    /// Whose coupon it is.
    pub customer_id: i64,
    /// Coupon Name.
    pub name: &'a str,
}

/// Makes a single-use Gift Card coupon for `reward.customer_id`; returns its id.
pub fn issue(conn: &mut PgConnection, actor: &Actor, reward: &Reward<'_>) -> QueryResult<i64> {
    let (id, _) = Coupons::create_fresh(
        conn,
        actor,
        &CouponFields {
            company_id: reward.company_id,
            name: reward.name.chars().take(140).collect(),
            coupon_type: "gift_card".to_owned(),
            offer_id: reward.offer_id,
            campaign_id: reward.campaign_id,
            valid_from: None,
            valid_upto: None,
            maximum_use: 1,
            one_use: false,
            customer_id: Some(reward.customer_id),
        },
    )?;
    Ok(id)
}

/// Withdraws coupon `id` if it is still unused (disabled, audited); true when it was.
pub fn withdraw_unused(conn: &mut PgConnection, actor: &Actor, id: i64) -> QueryResult<bool> {
    // Locked so that a sale using it at this moment either counts first (and it stays) or
    // finds it disabled.
    let used: i32 = coupon_table::table
        .find(id)
        .select(coupon_table::used)
        .for_update()
        .first(conn)?;
    if used > 0 {
        return Ok(false);
    }
    Coupons::set_disabled(conn, actor, id, true)
}
