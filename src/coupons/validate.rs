//! The validation chain against the database: the coupon found by code, the version of its
//! offer in force at the sale, and whether the customer used it already. The invoice step, the
//! till's validate call and the cart evaluator all ask here.

use chrono::NaiveDate;
use diesel::PgConnection;
use diesel::QueryResult;
use patron_rules::coupons::codes;
use patron_rules::coupons::{self as rules, Asked, Refusal};
use patron_rules::offers::Offer;

use super::model::{self, Found};
use crate::offers::pricing::CouponAsk;

/// Where a coupon is asked for: the store's company, profile and warehouse.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The company.
    pub company_id: i64,
    /// The store's POS profile.
    pub profile_id: i64,
    /// The store's warehouse.
    pub warehouse: &'a str,
}

/// A coupon that may be used.
#[derive(Debug, Clone)]
pub struct Valid {
    /// The coupon.
    pub coupon_id: i64,
    /// Its code, as stored.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The offer version it makes eligible.
    pub offer: Offer,
    /// Uses left (none: unlimited).
    pub uses_left: Option<i32>,
}

/// A code refused, with the code as the till sent it.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The code, normalised.
    pub code: String,
    /// Why.
    pub refusal: Refusal,
}

impl Refused {
    /// The sentence people read.
    pub fn message(&self) -> String {
        self.refusal.message(&self.code)
    }
}

/// Runs the chain for `code` at `place` on day `on` for `customer`, with `offers` the company's
/// offer versions in force at the sale.
pub fn validate(
    conn: &mut PgConnection,
    offers: &[Offer],
    place: &Place,
    code: &str,
    customer: i64,
    on: NaiveDate,
) -> QueryResult<Result<Valid, Refused>> {
    let code = codes::normalize(code);
    let found = model::find(conn, place.company_id, &code)?;
    let used_by_customer = match &found {
        Some(found) if found.coupon.one_use => model::used_by(conn, found.id, customer)?,
        _ => false,
    };
    let offer = found
        .as_ref()
        .and_then(|found| offers.iter().find(|o| o.id == found.offer_id));
    let asked = Asked {
        company_id: place.company_id,
        on,
        profile_id: place.profile_id,
        warehouse: place.warehouse,
        customer_id: customer,
        used_by_customer,
    };
    let checked = rules::check(found.as_ref().map(|f| &f.coupon), offer, &asked);
    Ok(match (checked, found, offer) {
        (
            Ok(()),
            Some(Found {
                id, name, coupon, ..
            }),
            Some(offer),
        ) => Ok(Valid {
            coupon_id: id,
            uses_left: (coupon.maximum_use > 0).then(|| coupon.maximum_use - coupon.used),
            name,
            code: coupon.code,
            offer: offer.clone(),
        }),
        (Err(refusal), _, _) => Err(Refused { code, refusal }),
        // The chain passes only with a coupon and its offer.
        _ => Err(Refused {
            code,
            refusal: Refusal::Unknown,
        }),
    })
}

/// The cart evaluator's check (`offers::pricing::CouponCheck`): the offer a code makes eligible,
/// or why not.
pub fn for_cart(
    conn: &mut PgConnection,
    ask: &CouponAsk,
    offers: &[Offer],
) -> QueryResult<Result<i64, String>> {
    let place = Place {
        company_id: ask.store.company_id,
        profile_id: ask.store.profile_id,
        warehouse: &ask.store.warehouse,
    };
    // Nobody in particular: no gift card coupon is theirs, and no One Use was theirs yet.
    let customer = ask.customer.unwrap_or(0);
    Ok(validate(conn, offers, &place, ask.code, customer, ask.on)?
        .map(|valid| valid.offer.id)
        .map_err(|refused| refused.message()))
}
