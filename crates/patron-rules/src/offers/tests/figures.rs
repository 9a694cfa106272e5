//! The engine counts in integers inside (see `units`): these tests hold its answers exact where
//! that could go wrong — currencies of 0 and 3 decimals, amounts finer than the minor unit,
//! large figures — and show what it does past what an i64 holds: it says so, never wraps.

use super::*;

fn currency(code: &str, minor_unit: u32) -> Currency {
    Currency {
        code: code.into(),
        minor_unit,
        symbol: String::new(),
    }
}

fn percent(id: i64, title: &str, apply_on: ApplyOn, offer_type: OfferType, pct: &str) -> Offer {
    let mut offer = offer(id, title, apply_on, offer_type);
    offer.discount_percentage = d(pct);
    offer
}

#[test]
fn yen_discounts_round_half_away_from_zero_to_whole_yen() {
    let jpy = currency("JPY", 0);
    // 3 x 125 = 375, 10 %: 37.5 -> 38; 5 % of the customer's group on 50: 2.5 -> 3; the net
    // 375 - 38 + 50 - 3 = 384, 10 % of it: 38.4 -> 38.
    let mut cart = sale(vec![line("X", "3", "125"), line("Y", "1", "50")]);
    cart.customer_discount = d("5");
    let priced = cart.price_in(
        &jpy,
        &[
            percent(1, "X 10%", item("X"), OfferType::ItemPrice, "10"),
            percent(
                2,
                "All 10%",
                ApplyOn::Transaction,
                OfferType::GrandTotal,
                "10",
            ),
        ],
    );
    assert_eq!(discounts(&priced), [d("38"), d("3")]);
    assert_eq!(priced.lines[0].discount.to_string(), "38");
    assert_eq!(
        priced.grand_total.map(|(a, o)| (a.to_string(), o.id)),
        Some(("38".to_string(), 2))
    );
}

#[test]
fn dinar_discounts_keep_three_decimals() {
    let kwd = currency("KWD", 3);
    // 2 x 1.255 = 2.510, 12.5 %: 0.31375 -> 0.314; a Min Amount of 2.5105 is not met by 2.510.
    let mut eighth = percent(1, "X 12.5%", item("X"), OfferType::ItemPrice, "12.5");
    let priced = sale(vec![line("X", "2", "1.255")]).price_in(&kwd, &[eighth.clone()]);
    assert_eq!(priced.lines[0].discount.to_string(), "0.314");
    eighth.min_amount = d("2.5105");
    let short = sale(vec![line("X", "2", "1.255")]).price_in(&kwd, &[eighth]);
    assert_eq!(
        reason_of(&short, 1),
        "Min Amount 2.511 not met: 2.510 (0.001 more would reach it)"
    );
}

#[test]
fn amounts_finer_than_the_cent_are_counted_exactly_and_rounded_once() {
    // 3 x 1.2345 = 3.7035: 10 % is 0.37035 -> 0.37; the amount reaches a Min Amount of 3.70
    // (3.7035 is more) and reads 3.70 where it misses one of 3.71.
    let mut tenth = percent(1, "X 10%", item("X"), OfferType::ItemPrice, "10");
    tenth.min_amount = d("3.70");
    let priced = sale(vec![line("X", "3", "1.2345")]).price(&[tenth.clone()]);
    assert_eq!(priced.lines[0].discount.to_string(), "0.37");
    tenth.min_amount = d("3.71");
    let short = sale(vec![line("X", "3", "1.2345")]).price(&[tenth]);
    assert_eq!(
        reason_of(&short, 1),
        "Min Amount 3.71 not met: 3.70 (0.01 more would reach it)"
    );
    // 0.333 kg at 2.99 = 0.99567, half off: 0.497835 -> 0.50.
    let half = percent(2, "Half", item("W"), OfferType::ItemPrice, "50");
    let weighed = sale(vec![line("W", "0.333", "2.99")]).price(&[half]);
    assert_eq!(weighed.lines[0].discount.to_string(), "0.50");
    // A rate of 7.995 on a list price of 9.99, 3 units: 1.995 x 3 = 5.985 -> 5.99.
    let mut at_rate = offer(3, "X at 7.995", item("X"), OfferType::ItemPrice);
    at_rate.rate = d("7.995");
    let priced = sale(vec![line("X", "3", "9.99")]).price(&[at_rate]);
    assert_eq!(priced.lines[0].discount.to_string(), "5.99");
}

#[test]
fn fractional_units_are_made_free_as_written() {
    // Half a unit free for every full unit and a quarter: 1.25 kg leaves 0.75 kg paid.
    let mut half_free = offer(1, "Half free", item("W"), OfferType::GiveProduct);
    half_free.min_qty = d("1.25");
    half_free.given_qty = d("0.5");
    half_free.replace = Replace::SameItem;
    let priced = sale(vec![line("W", "1.25", "4.00")]).price(&[half_free]);
    assert_eq!(priced.lines[0].qty.to_string(), "0.75");
    assert_eq!(priced.free[0].qty.to_string(), "0.5");
    assert_eq!(priced.free[0].from_line, Some(0));
}

#[test]
fn large_quantities_and_amounts_stay_exact() {
    // 40 trillion units at 1,999.99: 79,999,600,000,000,000.00, near the top of what cents hold
    // in an i64 (92,233,720,368,547,758.07); 33.3 % of each line.
    let third = percent(
        1,
        "Third",
        ApplyOn::ItemGroup(SHIRTS),
        OfferType::ItemPrice,
        "33.3",
    );
    let priced = sale(vec![
        line("X", "40000000000000", "1999.99"),
        line("Y", "1000000", "0.07"),
    ])
    .price(&[third]);
    assert_eq!(
        discounts(&priced),
        [d("26639866800000000.00"), d("23310.00")]
    );
    assert_eq!(priced.lines[0].discount.to_string(), "26639866800000000.00");
}

#[test]
fn a_sale_past_what_the_engine_counts_applies_no_offer_and_says_so() {
    // 100 billion units at a million: 10^17 in money, 10^19 cents, more than an i64 holds.
    let tenth = percent(1, "X 10%", item("X"), OfferType::ItemPrice, "10");
    let mut elsewhere = percent(2, "Other store", item("X"), OfferType::ItemPrice, "10");
    elsewhere.profile = Some((9, "DOWNTOWN".into()));
    let priced = sale(vec![
        line("X", "100000000000", "1000000.00"),
        manual(line("Y", "1", "20.00"), "2.00"),
    ])
    .price(&[tenth, elsewhere]);
    assert_eq!(
        reason_of(&priced, 1),
        "the sale's figures are too large to work it out"
    );
    assert_eq!(reason_of(&priced, 2), "for store DOWNTOWN only");
    assert!(priced.applied.is_empty());
    assert_eq!(discounts(&priced), [d("0"), d("2.00")]);
    assert_eq!(priced.lines[1].source, Some(DiscountSource::Manual));
    assert_eq!(priced.lines[0].qty, d("100000000000"));
}

#[test]
fn an_offer_whose_own_figures_overflow_is_missed_and_the_others_still_apply() {
    // 10^25 % of the net does not fit; the 10 % offer applies as usual.
    let huge = percent(
        1,
        "Huge",
        ApplyOn::Transaction,
        OfferType::GrandTotal,
        "10000000000000000000000000",
    );
    let tenth = percent(
        2,
        "Tenth",
        ApplyOn::Transaction,
        OfferType::GrandTotal,
        "10",
    );
    // Every 10^-18 of a unit gives one free: 10 units would give 10^19 times.
    let mut tiny = offer(3, "Tiny", item("X"), OfferType::GiveProduct);
    tiny.min_qty = d("0.000000000000000001");
    tiny.given_qty = d("1");
    tiny.given_item = Some("Y-CAP".into());
    tiny.recurring = true;
    let priced = sale(vec![line("X", "10", "25.00")]).price(&[huge, tenth, tiny]);
    assert_eq!(
        reason_of(&priced, 1),
        "the sale's figures are too large to work it out"
    );
    assert_eq!(
        reason_of(&priced, 3),
        "the sale's figures are too large to work it out"
    );
    assert_eq!(
        priced.grand_total.map(|(a, o)| (a, o.id)),
        Some((d("25.00"), 2))
    );
    assert!(priced.free.is_empty());
}

#[test]
fn a_grand_total_cap_finer_than_the_cent_is_taken_down_to_it() {
    // Half of 100.00 capped at 10.005: 10.00 (as an Item Price offer's cap is shared).
    let mut half = percent(1, "Half", ApplyOn::Transaction, OfferType::GrandTotal, "50");
    half.max_discount = d("10.005");
    let priced = sale(vec![line("X", "1", "100.00")]).price(&[half.clone()]);
    assert_eq!(
        priced.grand_total.map(|(a, o)| (a.to_string(), o.id)),
        Some(("10.00".to_string(), 1))
    );
    // A cap in whole cents is the answer as written.
    half.max_discount = d("20");
    let priced = sale(vec![line("X", "1", "100.00")]).price(&[half]);
    assert_eq!(
        priced.grand_total.map(|(a, o)| (a.to_string(), o.id)),
        Some(("20".to_string(), 1))
    );
}
