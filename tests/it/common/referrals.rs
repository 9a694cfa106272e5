//! Referrals for tests: the shop's coupon-based offers for a welcome and a thank-you, Alice Moreau
//! (a customer of the shop with a mobile and an email) and her referral code, written as the
//! pages store it, which a test then adjusts with SQL.

use rust_decimal::Decimal;

use super::{TestApp, coupons, offers};

/// The offers a referral code carries.
pub struct Offers {
    /// "Tees 10% coupon": the new customer's.
    pub welcome: i64,
    /// "Referrer thanks 15%": the referrer's.
    pub thanks: i64,
}

/// The two coupon-based offers.
pub fn offers(app: &TestApp) -> Offers {
    let welcome = coupons::offer(app);
    let mut terms = offers::terms("Referrer thanks 15%", "grand_total");
    terms.discount_percentage = Decimal::from(15);
    terms.auto = false;
    Offers {
        welcome,
        thanks: offers::make(app, terms),
    }
}

/// Alice Moreau, mobile +1 555 010 1111, alice@example.com; returns her id.
pub fn alice(app: &TestApp) -> i64 {
    app.count(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id, mobile, email) \
         SELECT 'Alice', 'Moreau', (SELECT min(id) FROM customer_groups), (SELECT min(id) FROM territories), \
         '+1 555 010 1111', 'alice@example.com' RETURNING id AS n",
    )
}

/// Referral code `code` of customer `referrer` with `offers`, rewarding At registration; returns
/// its id.
pub fn code(app: &TestApp, referrer: i64, code: &str, offers: &Offers) -> i64 {
    app.count(&format!(
        "INSERT INTO referral_codes (company_id, code, customer_id, customer_offer_id, primary_offer_id) \
         SELECT company_id, '{code}', {referrer}, id, {thanks} FROM offers WHERE id = {welcome} \
         RETURNING id AS n",
        thanks = offers.thanks,
        welcome = offers.welcome,
    ))
}

/// How many enabled gift card coupons for offer `offer` customer `first_name` holds.
pub fn coupons_of(app: &TestApp, first_name: &str, offer: i64) -> i64 {
    app.count(&format!(
        "SELECT count(*) AS n FROM coupons c JOIN customers p ON p.id = c.customer_id \
         WHERE p.first_name = '{first_name}' AND c.offer_id = {offer} \
         AND c.coupon_type = 'gift_card' AND NOT c.disabled"
    ))
}
