//! Reading coupons for people and tills: a customer's usable gift card coupons.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{coupons, offers};

/// A gift card coupon a customer may use.
#[derive(Debug, Clone)]
pub struct Gift {
    /// Code.
    pub code: String,
    /// Coupon Name.
    pub name: String,
    /// Its offer's Title.
    pub offer: String,
    /// Valid Upto, if set on the coupon.
    pub valid_upto: Option<NaiveDate>,
}

/// `customer`'s gift card coupons in `company` that are enabled, unused and valid on `today` by
/// their own dates (the offer's dates are the validation chain's to check at the sale).
pub fn gifts_of(
    conn: &mut PgConnection,
    company: i64,
    customer: i64,
    today: NaiveDate,
) -> QueryResult<Vec<Gift>> {
    let rows: Vec<(String, String, String, Option<NaiveDate>)> = coupons::table
        .inner_join(offers::table)
        .filter(coupons::company_id.eq(company))
        .filter(coupons::customer_id.eq(customer))
        .filter(coupons::coupon_type.eq("gift_card"))
        .filter(coupons::disabled.eq(false))
        .filter(coupons::used.lt(coupons::maximum_use))
        .filter(
            coupons::valid_from
                .is_null()
                .or(coupons::valid_from.le(today)),
        )
        .filter(
            coupons::valid_upto
                .is_null()
                .or(coupons::valid_upto.ge(today)),
        )
        .order(coupons::id.asc())
        .select((
            coupons::code,
            coupons::name,
            offers::title,
            coupons::valid_upto,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, name, offer, valid_upto)| Gift {
            code,
            name,
            offer,
            valid_upto,
        })
        .collect())
}
