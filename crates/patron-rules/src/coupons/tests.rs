//! The validation chain, reason by reason and in its order.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::offers::{ApplyOn, DiscountType, OfferType, Replace};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A coupon-based Grand Total offer valid all of December 2026 at every store.
fn offer() -> Offer {
    Offer {
        id: 7,
        version: 1,
        title: "Welcome 10%".into(),
        disabled: false,
        company_id: 1,
        profile: None,
        warehouse: None,
        customer_group: None,
        segment: None,
        apply_on: ApplyOn::Transaction,
        offer_type: OfferType::GrandTotal,
        min_qty: Decimal::ZERO,
        max_qty: Decimal::ZERO,
        min_amount: Decimal::ONE,
        max_amount: Decimal::ZERO,
        valid_from: day("2026-12-01"),
        valid_upto: Some(day("2026-12-31")),
        discount_type: DiscountType::Percentage,
        rate: Decimal::ZERO,
        discount_percentage: Decimal::TEN,
        discount_amount: Decimal::ZERO,
        max_discount: Decimal::ZERO,
        auto: false,
        given_item: None,
        given_qty: Decimal::ZERO,
        recurring: false,
        replace: Replace::None,
        loyalty_points: 0,
        campaign: None,
        campaign_days: None,
        priority: 10,
    }
}

fn coupon() -> Coupon {
    Coupon {
        code: "WELCOME".into(),
        company_id: 1,
        coupon_type: CouponType::Promotional,
        valid_from: None,
        valid_upto: None,
        maximum_use: 5,
        used: 0,
        disabled: false,
        customer_id: None,
        one_use: false,
    }
}

fn asked() -> Asked<'static> {
    Asked {
        company_id: 1,
        on: day("2026-12-06"),
        profile_id: 3,
        warehouse: "Downtown Stores",
        customer_id: 42,
        used_by_customer: false,
    }
}

fn refusal(coupon: Option<&Coupon>, offer: &Offer, asked: &Asked) -> Option<&'static str> {
    check(coupon, Some(offer), asked).err().map(|r| r.code())
}

#[test]
fn a_valid_coupon_passes() {
    assert_eq!(refusal(Some(&coupon()), &offer(), &asked()), None);
}

#[test]
fn each_reason_in_turn() {
    let offer = offer();
    assert_eq!(refusal(None, &offer, &asked()), Some("unknown_code"));
    let other = Coupon {
        company_id: 2,
        ..coupon()
    };
    assert_eq!(
        refusal(Some(&other), &offer, &asked()),
        Some("other_company")
    );
    let later = Coupon {
        valid_from: Some(day("2026-12-10")),
        ..coupon()
    };
    assert_eq!(
        refusal(Some(&later), &offer, &asked()),
        Some("not_yet_valid")
    );
    let over = Coupon {
        valid_upto: Some(day("2026-12-05")),
        ..coupon()
    };
    assert_eq!(refusal(Some(&over), &offer, &asked()), Some("expired"));
    let full = Coupon {
        used: 5,
        ..coupon()
    };
    assert_eq!(refusal(Some(&full), &offer, &asked()), Some("used_up"));
    let off = Coupon {
        disabled: true,
        ..coupon()
    };
    assert_eq!(refusal(Some(&off), &offer, &asked()), Some("disabled"));
    let gift = Coupon {
        coupon_type: CouponType::GiftCard,
        customer_id: Some(41),
        maximum_use: 1,
        ..coupon()
    };
    assert_eq!(
        refusal(Some(&gift), &offer, &asked()),
        Some("other_customer")
    );
    let once = Coupon {
        one_use: true,
        ..coupon()
    };
    let again = Asked {
        used_by_customer: true,
        ..asked()
    };
    assert_eq!(refusal(Some(&once), &offer, &again), Some("already_used"));
    // Used by this customer matters only for One Use coupons.
    assert_eq!(refusal(Some(&coupon()), &offer, &again), None);
}

#[test]
fn the_offer_must_be_enabled_valid_and_for_the_store() {
    let disabled = Offer {
        disabled: true,
        ..offer()
    };
    assert_eq!(
        refusal(Some(&coupon()), &disabled, &asked()),
        Some("offer_disabled")
    );
    // A coupon valid longer than its offer is still held to the offer's dates.
    let long = Coupon {
        valid_upto: Some(day("2027-01-31")),
        ..coupon()
    };
    let january = Asked {
        on: day("2027-01-05"),
        ..asked()
    };
    assert_eq!(
        refusal(Some(&long), &offer(), &january),
        Some("offer_not_valid")
    );
    let elsewhere = Offer {
        profile: Some((9, "UPTOWN".into())),
        ..offer()
    };
    let refused = check(Some(&coupon()), Some(&elsewhere), &asked()).unwrap_err();
    assert_eq!(
        refused.message("WELCOME"),
        "Coupon WELCOME is for the offer Welcome 10%, which is for UPTOWN only."
    );
}

#[test]
fn blank_dates_take_the_offers() {
    let before = Asked {
        on: day("2026-11-30"),
        ..asked()
    };
    let refused = check(Some(&coupon()), Some(&offer()), &before).unwrap_err();
    assert_eq!(refused, Refusal::NotYetValid(day("2026-12-01")));
    assert_eq!(
        refused.message("WELCOME"),
        "Coupon WELCOME is not valid until 2026-12-01."
    );
    let after = Asked {
        on: day("2027-01-01"),
        ..asked()
    };
    assert_eq!(
        check(Some(&coupon()), Some(&offer()), &after),
        Err(Refusal::Expired(day("2026-12-31")))
    );
}

#[test]
fn the_first_refusal_wins() {
    // Expired and used up and disabled: a till hears "expired", the earliest in the chain.
    let everything = Coupon {
        valid_upto: Some(day("2026-12-02")),
        used: 5,
        disabled: true,
        ..coupon()
    };
    assert_eq!(
        refusal(Some(&everything), &offer(), &asked()),
        Some("expired")
    );
    // Unlimited coupons never run out.
    let unlimited = Coupon {
        maximum_use: 0,
        used: 10_000,
        ..coupon()
    };
    assert_eq!(refusal(Some(&unlimited), &offer(), &asked()), None);
}

#[test]
fn status_puts_disabled_then_used_up_then_dates() {
    let offer = offer();
    let on =
        |c: &Coupon, today: &str| Status::of(c, offer.valid_from, offer.valid_upto, day(today));
    assert_eq!(on(&coupon(), "2026-12-06"), Status::Valid);
    assert_eq!(on(&coupon(), "2026-11-30"), Status::Scheduled);
    assert_eq!(on(&coupon(), "2027-01-01"), Status::Expired);
    let full = Coupon {
        used: 5,
        ..coupon()
    };
    assert_eq!(on(&full, "2027-01-01"), Status::UsedUp);
    let off = Coupon {
        disabled: true,
        ..full
    };
    assert_eq!(on(&off, "2026-12-06"), Status::Disabled);
}
