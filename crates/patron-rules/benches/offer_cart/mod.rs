//! The offer engine's bench case, shared by `benches/rules.rs` (criterion) and
//! `examples/offers_callgrind.rs` (instruction counts): 200 active offers of every type over
//! 40 items, 10 groups and 5 brands (a quarter of them Item Price offers on single items, as a
//! chain runs them), in rank order, and a 50-line cart.

use chrono::NaiveDate;
use patron_rules::Currency;
use patron_rules::offers::{ApplyOn, Cart, CartLine, DiscountType, Offer, OfferType, Replace};
use rust_decimal::Decimal;

/// The day the sale is posted.
pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default()
}

/// 200 active offers, in rank order (Priority, then Title).
pub fn offers() -> Vec<Offer> {
    let day = day();
    let mut offers: Vec<Offer> = (0..200)
        .map(|i: i64| {
            let (apply_on, offer_type) = match i % 8 {
                0 => (ApplyOn::ItemGroup(i % 10), OfferType::ItemPrice),
                1 => (ApplyOn::Brand(i % 5), OfferType::ItemPrice),
                2 => (
                    ApplyOn::ItemCode(format!("ITEM-{:03}", i % 40)),
                    OfferType::GiveProduct,
                ),
                3 => (ApplyOn::Transaction, OfferType::GrandTotal),
                4 => (ApplyOn::Transaction, OfferType::LoyaltyPoint),
                _ => (
                    ApplyOn::ItemCode(format!("ITEM-{:03}", i % 40)),
                    OfferType::ItemPrice,
                ),
            };
            Offer {
                id: i,
                version: 1,
                title: format!("Offer {i:03}"),
                disabled: false,
                company_id: 1,
                profile: None,
                warehouse: None,
                customer_group: None,
                segment: None,
                apply_on,
                offer_type,
                min_qty: Decimal::from(i % 3),
                max_qty: Decimal::ZERO,
                min_amount: Decimal::from(i % 4 * 25),
                max_amount: Decimal::ZERO,
                valid_from: day,
                valid_upto: None,
                discount_type: DiscountType::Percentage,
                rate: Decimal::ZERO,
                discount_percentage: Decimal::from(5 + i % 20),
                discount_amount: Decimal::ZERO,
                max_discount: Decimal::ZERO,
                auto: true,
                given_item: Some("GIFT".into()),
                given_qty: Decimal::ONE,
                recurring: i % 2 == 0,
                replace: Replace::None,
                loyalty_points: 100,
                campaign: None,
                campaign_days: None,
                priority: (i % 5) as i32,
            }
        })
        .collect();
    offers.sort_by(|a, b| (a.priority, &a.title).cmp(&(b.priority, &b.title)));
    offers
}

/// The 50 paid lines.
pub fn lines() -> Vec<CartLine> {
    (0..50)
        .map(|i: i64| CartLine {
            item_code: format!("ITEM-{:03}", i % 40),
            item_groups: vec![i % 10, 100 + i % 3],
            brand_id: Some(i % 5),
            qty: Decimal::from(1 + i % 3),
            price_list_rate: Decimal::new(999 + 250 * i, 2),
            manual_discount: Decimal::ZERO,
        })
        .collect()
}

/// The sale around `lines`, in `currency`.
pub fn cart<'a>(lines: &'a [CartLine], currency: &'a Currency) -> Cart<'a> {
    Cart {
        company_id: 1,
        profile_id: 1,
        warehouse: "Main",
        customer_groups: &[1],
        segments: &[],
        posting_date: day(),
        coupon_offers: &[],
        spent_campaigns: &[],
        customer_discount: Decimal::ZERO,
        currency,
        lines,
    }
}
