//! Offers for tests, made through the offers area itself (versions kept, revision touched) as
//! the editor would make them: an Item Price, Give Product, Grand Total or Loyalty Point offer
//! with the usual defaults, which a test then adjusts.

use chrono::NaiveDate;
use diesel::prelude::*;
use patron::kernel::Actor;
use patron::offers::model::versions::{self, OfferFields, OfferTerms};
use rust_decimal::Decimal;

use super::TestApp;

/// Terms of an auto offer of `offer_type` valid from 2026-01-01, applying on every paid line.
pub fn terms(title: &str, offer_type: &str) -> OfferTerms {
    OfferTerms {
        title: title.to_owned(),
        disabled: false,
        pos_profile_id: None,
        warehouse: None,
        customer_group_id: None,
        segment_id: None,
        apply_on: "transaction".into(),
        apply_on_id: None,
        offer_type: offer_type.into(),
        min_qty: Decimal::ZERO,
        max_qty: Decimal::ZERO,
        min_amount: Decimal::ZERO,
        max_amount: Decimal::ZERO,
        valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        valid_upto: None,
        discount_type: "percentage".into(),
        rate: Decimal::ZERO,
        discount_percentage: Decimal::ZERO,
        discount_amount: Decimal::ZERO,
        max_discount: Decimal::ZERO,
        auto: true,
        given_item_id: None,
        given_qty: Decimal::ZERO,
        recurring: false,
        replace: "none".into(),
        loyalty_points: 0,
        campaign_id: None,
        priority: 10,
    }
}

/// Item `code`'s id.
pub fn item(app: &TestApp, code: &str) -> i64 {
    use patron::db::schema::items;
    items::table
        .filter(items::item_code.eq(code))
        .select(items::id)
        .first(&mut app.conn())
        .unwrap()
}

/// The company of store `store`.
pub fn company(app: &TestApp, store: &str) -> i64 {
    use patron::db::schema::stores;
    app.store(store);
    stores::table
        .filter(stores::code.eq(store))
        .select(stores::company_id)
        .first(&mut app.conn())
        .unwrap()
}

/// Makes an offer of store NORTH's company with `terms`; returns its id.
pub fn make(app: &TestApp, terms: OfferTerms) -> i64 {
    let fields = OfferFields {
        company_id: company(app, "NORTH"),
        description: String::new(),
        terms,
    };
    versions::create(&mut app.conn(), &Actor::System("test"), &fields).unwrap()
}

/// Saves new terms for offer `id` (a new version, in force from now).
pub fn edit(app: &TestApp, id: i64, change: impl FnOnce(&mut OfferTerms)) -> i32 {
    let mut conn = app.conn();
    let mut fields = versions::find(&mut conn, id, false).unwrap().fields;
    change(&mut fields.terms);
    versions::save(&mut conn, &Actor::System("test"), id, &fields).unwrap()
}

/// An Item Price offer of `percent` % on item `code`.
pub fn percent_off(app: &TestApp, title: &str, code: &str, percent: u32) -> i64 {
    percent_off_in(app, title, code, percent, None)
}

/// The same, in campaign `campaign` when given.
pub fn percent_off_in(
    app: &TestApp,
    title: &str,
    code: &str,
    percent: u32,
    campaign: Option<i64>,
) -> i64 {
    let mut t = terms(title, "item_price");
    t.apply_on = "item_code".into();
    t.apply_on_id = Some(item(app, code));
    t.discount_percentage = Decimal::from(percent);
    t.campaign_id = campaign;
    make(app, t)
}

/// A Give Product offer: `given` x `qty` free for every `min_qty` of `code`.
pub fn free_with(app: &TestApp, title: &str, code: &str, min_qty: u32, given: &str) -> i64 {
    let mut t = terms(title, "give_product");
    t.apply_on = "item_code".into();
    t.apply_on_id = Some(item(app, code));
    t.min_qty = Decimal::from(min_qty);
    t.given_item_id = Some(item(app, given));
    t.given_qty = Decimal::ONE;
    make(app, t)
}

/// The Loyalty Point offer "50 bonus over 20": 50 bonus points on a sale of 20 or more.
pub fn fifty_bonus_over_20(app: &TestApp) -> i64 {
    let mut t = terms("50 bonus over 20", "loyalty_point");
    t.min_amount = Decimal::from(20);
    t.loyalty_points = 50;
    make(app, t)
}
