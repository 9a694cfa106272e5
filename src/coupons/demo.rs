//! The demo data's coupon: a coupon-based "Welcome 10%" offer (10 % off the whole sale) and the
//! coupon WELCOME10 for it, so that a newcomer can try a coupon at the till API at once.

use chrono::NaiveDate;
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::code_record::model::CodeTable;
use super::model::store::{CouponFields, Coupons};
use crate::db::schema::offers;
use crate::kernel::Actor;
use crate::offers::model::versions::{self, OfferFields, OfferTerms};

/// Adds the offer and its coupon to the first company, once.
pub fn seed(conn: &mut PgConnection) -> anyhow::Result<()> {
    let Some(company) = crate::stores::model::first_company(conn).ok() else {
        return Ok(());
    };
    let exists: bool = diesel::select(diesel::dsl::exists(
        offers::table
            .filter(offers::company_id.eq(company))
            .filter(offers::title.eq("Welcome 10%")),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(());
    }
    let actor = Actor::System("demo data");
    let valid_from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let offer = versions::create(
        conn,
        &actor,
        &OfferFields {
            company_id: company,
            description: "10 % off the whole sale with the coupon WELCOME10.".into(),
            terms: OfferTerms {
                title: "Welcome 10%".into(),
                disabled: false,
                pos_profile_id: None,
                warehouse: None,
                customer_group_id: None,
                segment_id: None,
                apply_on: "transaction".into(),
                apply_on_id: None,
                offer_type: "grand_total".into(),
                min_qty: Decimal::ZERO,
                max_qty: Decimal::ZERO,
                min_amount: Decimal::ONE,
                max_amount: Decimal::ZERO,
                valid_from,
                valid_upto: None,
                discount_type: "percentage".into(),
                rate: Decimal::ZERO,
                discount_percentage: Decimal::TEN,
                discount_amount: Decimal::ZERO,
                max_discount: Decimal::ZERO,
                auto: false,
                given_item_id: None,
                given_qty: Decimal::ZERO,
                recurring: false,
                replace: "none".into(),
                loyalty_points: 0,
                campaign_id: None,
                priority: 10,
            },
        },
    )?;
    Coupons::create(
        conn,
        &actor,
        "WELCOME10",
        &CouponFields {
            company_id: company,
            name: "Welcome flyer".into(),
            coupon_type: "promotional".into(),
            offer_id: offer,
            campaign_id: None,
            valid_from: None,
            valid_upto: None,
            maximum_use: 0,
            one_use: true,
            customer_id: None,
        },
    )?;
    Ok(())
}
