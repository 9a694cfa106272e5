//! The engine's rules as table tests with exact figures (the worked examples first).
//! `figures` holds the edges of its integer counting: other minor units, amounts finer than
//! the minor unit, large figures and what is out of its range.

mod figures;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::money::Currency;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

const SHIRTS: i64 = 10;
const CLOTHING: i64 = 1;

/// An auto offer valid all of 2026, for every store and customer, 10 % unless changed.
fn offer(id: i64, title: &str, apply_on: ApplyOn, offer_type: OfferType) -> Offer {
    Offer {
        id,
        version: 1,
        title: title.into(),
        disabled: false,
        company_id: 1,
        profile: None,
        warehouse: None,
        customer_group: None,
        segment: None,
        apply_on,
        offer_type,
        min_qty: Decimal::ZERO,
        max_qty: Decimal::ZERO,
        min_amount: Decimal::ZERO,
        max_amount: Decimal::ZERO,
        valid_from: day("2026-01-01"),
        valid_upto: Some(day("2026-12-31")),
        discount_type: DiscountType::Percentage,
        rate: Decimal::ZERO,
        discount_percentage: d("10"),
        discount_amount: Decimal::ZERO,
        max_discount: Decimal::ZERO,
        auto: true,
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

fn item(code: &str) -> ApplyOn {
    ApplyOn::ItemCode(code.into())
}

/// A line of `code` in Shirts (under Clothing) unless it is "Y-CAP".
fn line(code: &str, qty: &str, rate: &str) -> CartLine {
    CartLine {
        item_code: code.into(),
        item_groups: if code == "Y-CAP" {
            vec![CLOTHING]
        } else {
            vec![SHIRTS, CLOTHING]
        },
        brand_id: Some(7),
        qty: d(qty),
        price_list_rate: d(rate),
        manual_discount: Decimal::ZERO,
    }
}

/// The same line with a cashier's manual discount of `discount`.
fn manual(mut line: CartLine, discount: &str) -> CartLine {
    line.manual_discount = d(discount);
    line
}

fn discounts(priced: &Priced) -> Vec<Decimal> {
    priced.lines.iter().map(|l| l.discount).collect()
}

struct Sale {
    lines: Vec<CartLine>,
    date: NaiveDate,
    coupons: Vec<i64>,
    spent: Vec<i64>,
    customer_discount: Decimal,
    segments: Vec<i64>,
}

fn sale(lines: Vec<CartLine>) -> Sale {
    Sale {
        lines,
        date: day("2026-12-04"),
        coupons: vec![],
        spent: vec![],
        customer_discount: Decimal::ZERO,
        segments: vec![],
    }
}

impl Sale {
    fn price(&self, offers: &[Offer]) -> Priced {
        self.price_in(&Currency::usd(), offers)
    }

    fn price_in(&self, currency: &Currency, offers: &[Offer]) -> Priced {
        let cart = Cart {
            company_id: 1,
            profile_id: 3,
            warehouse: "Main",
            customer_groups: &[20, 2],
            segments: &self.segments,
            posting_date: self.date,
            coupon_offers: &self.coupons,
            spent_campaigns: &self.spent,
            customer_discount: self.customer_discount,
            currency,
            lines: &self.lines,
        };
        evaluate(&cart, offers)
    }
}

fn reason_of(priced: &Priced, id: i64) -> String {
    priced
        .missed
        .iter()
        .find(|(o, _)| o.id == id)
        .map(|(_, r)| r.to_string())
        .unwrap_or_else(|| panic!("offer {id} was not missed: {priced:?}"))
}

fn applied(priced: &Priced) -> Vec<i64> {
    priced.applied.iter().map(|o| o.id).collect()
}

#[test]
fn example_1_item_price_with_a_min_amount() {
    let mut tenth = offer(1, "X 10%", item("X"), OfferType::ItemPrice);
    tenth.min_amount = d("100");
    let four = sale(vec![line("X", "4", "25.00")]).price(&[tenth.clone()]);
    assert_eq!(four.lines[0].discount, d("10.00"));
    assert_eq!(
        four.lines[0].source,
        Some(DiscountSource::Offer(tenth.reference()))
    );
    let three = sale(vec![line("X", "3", "25.00")]).price(&[tenth]);
    assert_eq!(three.lines[0].discount, Decimal::ZERO);
    assert_eq!(
        reason_of(&three, 1),
        "Min Amount 100.00 not met: 75.00 (25.00 more would reach it)"
    );
}

#[test]
fn example_2_a_group_offer_sums_its_lines_an_item_offer_only_its_item() {
    let mut shirts = offer(
        1,
        "Shirts",
        ApplyOn::ItemGroup(CLOTHING),
        OfferType::ItemPrice,
    );
    shirts.min_qty = d("3");
    let mut only_x = offer(2, "Only X", item("X"), OfferType::ItemPrice);
    only_x.min_qty = d("3");
    let cart = sale(vec![line("X", "2", "10"), line("Y", "2", "20")]);
    let priced = cart.price(&[shirts, only_x]);
    assert_eq!(priced.lines[0].discount, d("2.00"));
    assert_eq!(priced.lines[1].discount, d("4.00"));
    assert_eq!(applied(&priced), [1]);
    assert_eq!(
        reason_of(&priced, 2),
        "Min Qty 3 not met: 2 in cart (1 more would reach it)"
    );
}

#[test]
fn example_3_a_line_takes_the_larger_discount() {
    let a = offer(1, "A 10%", item("X"), OfferType::ItemPrice);
    let mut b = offer(2, "B 15 off", item("X"), OfferType::ItemPrice);
    b.discount_type = DiscountType::Amount;
    b.discount_amount = d("15");
    let priced = sale(vec![line("X", "1", "100.00")]).price(&[a, b]);
    assert_eq!(priced.lines[0].discount, d("15.00"));
    assert_eq!(applied(&priced), [2]);
    assert_eq!(
        reason_of(&priced, 1),
        "line 1 got a larger discount from B 15 off"
    );
}

#[test]
fn example_4_give_product_recurring_or_not() {
    let mut free_cap = offer(1, "Cap free", item("X"), OfferType::GiveProduct);
    free_cap.min_qty = d("2");
    free_cap.given_item = Some("Y-CAP".into());
    free_cap.given_qty = d("1");
    free_cap.recurring = true;
    for (qty, free) in [("6", "3"), ("7", "3"), ("1", "0")] {
        let priced = sale(vec![line("X", qty, "10")]).price(&[free_cap.clone()]);
        let given: Decimal = priced.free.iter().map(|f| f.qty).sum();
        assert_eq!(given, d(free), "qty {qty}");
    }
    let once = Offer {
        recurring: false,
        ..free_cap.clone()
    };
    let priced = sale(vec![line("X", "6", "10")]).price(&[once]);
    assert_eq!(priced.free.len(), 1);
    assert_eq!(priced.free[0].item_code, "Y-CAP");
    assert_eq!(priced.free[0].qty, d("1"));
    let short = sale(vec![line("X", "1", "10")]).price(&[free_cap]);
    assert_eq!(
        reason_of(&short, 1),
        "Min Qty 2 not met: 1 in cart (1 more to get 1 free)"
    );
}

#[test]
fn example_5_one_grand_total_offer_the_larger() {
    let mut ten = offer(
        1,
        "10% over 200",
        ApplyOn::Transaction,
        OfferType::GrandTotal,
    );
    ten.min_amount = d("200");
    let mut twenty = offer(
        2,
        "20% over 500",
        ApplyOn::Transaction,
        OfferType::GrandTotal,
    );
    twenty.discount_percentage = d("20");
    twenty.min_amount = d("500");
    let offers = [ten, twenty];
    let small = sale(vec![line("X", "1", "250.00")]).price(&offers);
    assert_eq!(
        small.grand_total.map(|(a, o)| (a, o.id)),
        Some((d("25.00"), 1))
    );
    let big = sale(vec![line("X", "1", "600.00")]).price(&offers);
    assert_eq!(
        big.grand_total.map(|(a, o)| (a, o.id)),
        Some((d("120.00"), 2))
    );
    assert_eq!(
        reason_of(&big, 1),
        "20% over 500 takes 120.00 off the total instead of this one's 60.00, \
         and a sale takes one Grand Total offer"
    );
}

#[test]
fn a_coupons_grand_total_offer_that_wins_is_named_as_the_coupons() {
    let mut auto = offer(1, "Spring 5%", ApplyOn::Transaction, OfferType::GrandTotal);
    auto.discount_percentage = d("5");
    let mut coupon = offer(2, "Flyer 10%", ApplyOn::Transaction, OfferType::GrandTotal);
    coupon.discount_percentage = d("10");
    coupon.auto = false;
    let with_coupon = Sale {
        coupons: vec![2],
        ..sale(vec![line("X", "1", "80.00")])
    };
    let priced = with_coupon.price(&[auto, coupon]);
    assert_eq!(
        priced.grand_total.map(|(a, o)| (a, o.id)),
        Some((d("8.00"), 2))
    );
    assert_eq!(
        reason_of(&priced, 1),
        "the coupon's offer Flyer 10% takes 8.00 off the total instead of this one's 4.00, \
         and a sale takes one Grand Total offer"
    );
}

#[test]
fn example_6_a_transaction_offer_counts_the_net_after_item_discounts() {
    let item_offer = offer(1, "X 10%", item("X"), OfferType::ItemPrice);
    let mut total = offer(2, "Over 200", ApplyOn::Transaction, OfferType::GrandTotal);
    total.min_amount = d("200");
    let priced = sale(vec![line("X", "2", "100.00")]).price(&[item_offer, total]);
    assert_eq!(priced.lines[0].discount, d("20.00"));
    assert_eq!(priced.grand_total, None);
    assert_eq!(
        reason_of(&priced, 2),
        "Min Amount 200.00 not met: 180.00 (20.00 more would reach it)"
    );
}

#[test]
fn item_price_rate_sets_the_unit_price_only_below_the_list_price() {
    let mut at_eight = offer(1, "X at 8", item("X"), OfferType::ItemPrice);
    at_eight.rate = d("8");
    let cheaper = sale(vec![line("X", "3", "9.99")]).price(&[at_eight.clone()]);
    assert_eq!(cheaper.lines[0].discount, d("5.97"));
    let already = sale(vec![line("X", "3", "7.50")]).price(&[at_eight]);
    assert_eq!(already.lines[0].discount, Decimal::ZERO);
    assert_eq!(
        reason_of(&already, 1),
        "its price is not below the list price"
    );
}

#[test]
fn a_line_discount_is_rounded_once_half_away_from_zero() {
    // 3 x 33.3 % of 0.35 = 0.34965 -> 0.35 (per unit it would be 3 x 0.12 = 0.36).
    let mut third = offer(1, "Third off", item("X"), OfferType::ItemPrice);
    third.discount_percentage = d("33.3");
    let priced = sale(vec![line("X", "3", "0.35")]).price(&[third]);
    assert_eq!(priced.lines[0].discount, d("0.35"));
    // 5 % of 0.50 = 0.025 -> 0.03.
    let mut five = offer(2, "Five", item("X"), OfferType::ItemPrice);
    five.discount_percentage = d("5");
    let priced = sale(vec![line("X", "1", "0.50")]).price(&[five]);
    assert_eq!(priced.lines[0].discount, d("0.03"));
}

#[test]
fn amount_discounts_never_go_below_zero_and_max_discount_caps_the_invoice() {
    let mut big = offer(1, "50 off", item("X"), OfferType::ItemPrice);
    big.discount_type = DiscountType::Amount;
    big.discount_amount = d("50");
    let priced = sale(vec![line("X", "2", "30.00")]).price(&[big.clone()]);
    assert_eq!(priced.lines[0].discount, d("60.00"));
    big.max_discount = d("45");
    let capped = sale(vec![line("X", "1", "30.00"), line("X", "1", "30.00")]).price(&[big]);
    assert_eq!(discounts(&capped), [d("22.50"), d("22.50")]);
}

#[test]
fn max_discount_is_shared_in_proportion_and_the_lines_add_up_to_it() {
    let mut tenth = offer(1, "Shirts 10%, max 10", item("X"), OfferType::ItemPrice);
    tenth.max_discount = d("10");
    // 10.00 + 10.00 + 10.00 uncapped: a third each, the cent left over to the first line.
    let even = sale(vec![
        line("X", "1", "100.00"),
        line("X", "1", "100.00"),
        line("X", "1", "100.00"),
    ])
    .price(&[tenth.clone()]);
    assert_eq!(discounts(&even), [d("3.34"), d("3.33"), d("3.33")]);
    let source = Some(DiscountSource::Offer(tenth.reference()));
    assert!(even.lines.iter().all(|l| l.source == source));
    // 20.00 + 10.00 + 5.00 = 35.00 uncapped: 5.714.., 2.857.., 1.428..; down to 5.71, 2.85, 1.42
    // (9.98), the two cents left to the largest remainders (.857 of line 3, .714 of line 2).
    let uneven = sale(vec![
        line("X", "2", "100.00"),
        line("X", "1", "100.00"),
        line("X", "1", "50.00"),
    ])
    .price(&[tenth.clone()]);
    assert_eq!(discounts(&uneven), [d("5.71"), d("2.86"), d("1.43")]);
    assert_eq!(uneven.line_discounts(), d("10.00"));
    // A cap the lines do not reach changes nothing.
    let under = sale(vec![line("X", "1", "40.00"), line("X", "1", "50.00")]).price(&[tenth]);
    assert_eq!(discounts(&under), [d("4.00"), d("5.00")]);
}

#[test]
fn sharing_a_cap_gives_ties_to_the_earlier_line_and_never_more_than_the_cap() {
    let usd = Currency::usd();
    let mut tie = [d("1.00"), d("1.00"), d("1.00")];
    share_max_discount(d("0.02"), &mut tie, &usd);
    assert_eq!(tie, [d("0.01"), d("0.01"), d("0.00")]);
    // A cap finer than the cent is taken down to it.
    let mut fine = [d("9.00"), d("3.00")];
    share_max_discount(d("10.005"), &mut fine, &usd);
    assert_eq!(fine, [d("7.50"), d("2.50")]);
    let mut already = [d("4.00"), d("1.00")];
    share_max_discount(d("5"), &mut already, &usd);
    assert_eq!(already, [d("4.00"), d("1.00")]);
    // The yen has no minor unit: whole yen.
    let yen = Currency {
        minor_unit: 0,
        ..Currency::usd()
    };
    let mut whole = [d("500"), d("500"), d("500")];
    share_max_discount(d("1000"), &mut whole, &yen);
    assert_eq!(whole, [d("334"), d("333"), d("333")]);
}

#[test]
fn a_manual_discount_counts_toward_a_grand_total_offers_min_amount_and_percentage() {
    let mut ten = offer(
        1,
        "10% over 100",
        ApplyOn::Transaction,
        OfferType::GrandTotal,
    );
    ten.min_amount = d("100");
    let short = sale(vec![manual(line("X", "1", "100.00"), "10.00")]).price(&[ten.clone()]);
    assert_eq!(short.lines[0].discount, d("10.00"));
    assert_eq!(short.lines[0].source, Some(DiscountSource::Manual));
    assert_eq!(short.grand_total, None);
    assert_eq!(
        reason_of(&short, 1),
        "Min Amount 100.00 not met: 90.00 (10.00 more would reach it)"
    );
    // 120.00 less 10.00 by hand: 10 % of the 110.00 left.
    let reached = sale(vec![
        manual(line("X", "1", "100.00"), "10.00"),
        line("Y", "1", "20.00"),
    ])
    .price(&[ten]);
    assert_eq!(
        reached.grand_total.map(|(a, o)| (a, o.id)),
        Some((d("11.00"), 1))
    );
}

#[test]
fn a_manual_discount_line_takes_no_offer_but_its_units_count_toward_them() {
    let mut three_x = offer(1, "Three X 10%", item("X"), OfferType::ItemPrice);
    three_x.min_qty = d("3");
    let mut cart = sale(vec![
        manual(line("X", "2", "10.00"), "1.50"),
        line("X", "1", "10.00"),
        manual(line("Y", "1", "20.00"), "2.00"),
        line("Y", "1", "20.00"),
    ]);
    cart.customer_discount = d("5");
    let priced = cart.price(&[three_x.clone()]);
    assert_eq!(
        discounts(&priced),
        [d("1.50"), d("1.00"), d("2.00"), d("1.00")]
    );
    let sources: Vec<Option<DiscountSource>> = priced.lines.iter().map(|l| l.source).collect();
    assert_eq!(
        sources,
        [
            Some(DiscountSource::Manual),
            Some(DiscountSource::Offer(three_x.reference())),
            Some(DiscountSource::Manual),
            Some(DiscountSource::CustomerGroup),
        ]
    );
    // An offer whose only line carries a manual discount says so.
    let only = sale(vec![manual(line("X", "3", "10.00"), "3.00")]).price(&[three_x]);
    assert_eq!(discounts(&only), [d("3.00")]);
    assert_eq!(
        reason_of(&only, 1),
        "line 1 has a manual discount, which takes the place of offers on it"
    );
    // A manual discount is never more than the line.
    let over = sale(vec![manual(line("X", "1", "10.00"), "12.00")]).price(&[]);
    assert_eq!(discounts(&over), [d("10.00")]);
}

#[test]
fn a_replace_offer_frees_no_unit_of_a_manual_discount_line() {
    let mut three_for_two = offer(1, "3 for 2", item("X"), OfferType::GiveProduct);
    three_for_two.min_qty = d("3");
    three_for_two.given_qty = d("1");
    three_for_two.replace = Replace::SameItem;
    let alone = sale(vec![manual(line("X", "3", "5.00"), "1.00")]).price(&[three_for_two.clone()]);
    assert!(alone.free.is_empty());
    assert_eq!(alone.lines[0].qty, d("3"));
    assert_eq!(
        reason_of(&alone, 1),
        "line 1 has a manual discount, which takes the place of offers on it"
    );
    // Beside a plain line of the item, the free unit comes from the plain line.
    let beside = sale(vec![
        manual(line("X", "2", "5.00"), "1.00"),
        line("X", "1", "5.00"),
    ])
    .price(&[three_for_two]);
    assert_eq!(
        (beside.free[0].qty, beside.free[0].from_line),
        (d("1"), Some(1))
    );
    assert_eq!(beside.lines[0].qty, d("2"));
    assert_eq!(beside.lines[0].discount, d("1.00"));
}

#[test]
fn ties_go_to_the_lower_priority_then_the_title() {
    let mut b = offer(1, "B", item("X"), OfferType::ItemPrice);
    let mut a = offer(2, "A", item("X"), OfferType::ItemPrice);
    let priced = sale(vec![line("X", "1", "10")]).price(&[b.clone(), a.clone()]);
    assert_eq!(applied(&priced), [2], "same priority: title A first");
    b.priority = 1;
    a.priority = 2;
    let priced = sale(vec![line("X", "1", "10")]).price(&[a, b]);
    assert_eq!(applied(&priced), [1], "priority 1 before 2");
}

#[test]
fn eligibility_says_why_with_the_figure() {
    let mut other_store = offer(1, "Downtown", item("X"), OfferType::ItemPrice);
    other_store.profile = Some((9, "DOWNTOWN".into()));
    let mut later = offer(2, "Later", item("X"), OfferType::ItemPrice);
    later.valid_from = day("2026-12-05");
    let mut over = offer(3, "Over", item("X"), OfferType::ItemPrice);
    over.valid_upto = Some(day("2026-12-03"));
    let mut coupon = offer(4, "Coupon", item("X"), OfferType::ItemPrice);
    coupon.auto = false;
    let mut budget = offer(5, "Budget", item("X"), OfferType::ItemPrice);
    budget.campaign = Some((77, "Black Friday".into()));
    let mut vip = offer(6, "VIP", item("X"), OfferType::ItemPrice);
    vip.customer_group = Some((99, "VIP".into()));
    let mut off = offer(7, "Off", item("X"), OfferType::ItemPrice);
    off.disabled = true;
    let mut elsewhere = offer(8, "Elsewhere", item("X"), OfferType::ItemPrice);
    elsewhere.company_id = 2;
    let absent = offer(9, "Absent", item("Z"), OfferType::ItemPrice);
    let mut cart = sale(vec![line("X", "1", "10"), line("X", "-1", "10")]);
    cart.spent = vec![77];
    let priced = cart.price(&[
        other_store,
        later,
        over,
        coupon,
        budget,
        vip,
        off,
        elsewhere,
        absent,
    ]);
    let reasons: Vec<String> = (1..=7)
        .chain([9])
        .map(|id| reason_of(&priced, id))
        .collect();
    assert_eq!(
        reasons,
        [
            "for store DOWNTOWN only",
            "not valid until 2026-12-05",
            "expired on 2026-12-03",
            "needs its coupon",
            "budget of Black Friday used up",
            "for customer group VIP only",
            "disabled",
            "none of its items in the cart",
        ]
    );
    assert!(
        priced.missed.iter().all(|(o, _)| o.id != 8),
        "another company's is not considered"
    );
    assert!(priced.applied.is_empty());
}

#[test]
fn a_coupon_makes_its_offer_eligible_and_a_subgroup_customer_matches() {
    let mut coupon = offer(4, "Coupon", item("X"), OfferType::ItemPrice);
    coupon.auto = false;
    coupon.customer_group = Some((2, "Retail".into()));
    let mut cart = sale(vec![line("X", "1", "10")]);
    cart.coupons = vec![4];
    assert_eq!(applied(&cart.price(&[coupon])), [4]);
}

#[test]
fn returns_never_trigger_offers() {
    let mut need_two = offer(1, "Two X", item("X"), OfferType::ItemPrice);
    need_two.min_qty = d("2");
    let priced = sale(vec![line("X", "1", "10"), line("X", "-3", "10")]).price(&[need_two]);
    assert_eq!(
        reason_of(&priced, 1),
        "Min Qty 2 not met: 1 in cart (1 more would reach it)"
    );
    assert_eq!(priced.lines[1].qty, d("-3"));
}

#[test]
fn replace_same_item_frees_bought_units_which_count_toward_it() {
    let mut three_for_two = offer(1, "3 for 2", item("X"), OfferType::GiveProduct);
    three_for_two.min_qty = d("3");
    three_for_two.given_qty = d("1");
    three_for_two.replace = Replace::SameItem;
    three_for_two.recurring = true;
    let priced = sale(vec![line("X", "7", "5.00")]).price(&[three_for_two]);
    assert_eq!(priced.lines[0].qty, d("5"), "2 of 7 units are free");
    assert_eq!(priced.free.len(), 1);
    assert_eq!(
        (priced.free[0].qty, priced.free[0].from_line),
        (d("2"), Some(0))
    );
}

#[test]
fn replace_cheapest_frees_the_cheapest_units_and_other_offers_see_only_paid_units() {
    let mut cheapest = offer(
        1,
        "Cheapest free",
        ApplyOn::ItemGroup(SHIRTS),
        OfferType::GiveProduct,
    );
    cheapest.min_qty = d("3");
    cheapest.given_qty = d("1");
    cheapest.replace = Replace::CheapestItem;
    let mut three_x = offer(2, "Three X", item("X"), OfferType::ItemPrice);
    three_x.min_qty = d("3");
    let priced = sale(vec![line("X", "2", "30"), line("W", "1", "12")]).price(&[cheapest, three_x]);
    assert_eq!(priced.free[0].item_code, "W");
    assert_eq!(priced.lines[1].qty, d("0"));
    assert_eq!(
        reason_of(&priced, 2),
        "Min Qty 3 not met: 2 in cart (1 more would reach it)"
    );
}

#[test]
fn the_customer_group_discount_fills_lines_without_an_item_price_offer() {
    let x_offer = offer(1, "X 10%", item("X"), OfferType::ItemPrice);
    let mut cart = sale(vec![line("X", "1", "10.00"), line("Y", "2", "7.25")]);
    cart.customer_discount = d("5");
    let priced = cart.price(&[x_offer]);
    assert_eq!(priced.lines[0].discount, d("1.00"));
    assert_eq!(priced.lines[1].discount, d("0.73"));
    assert_eq!(priced.lines[1].source, Some(DiscountSource::CustomerGroup));
}

#[test]
fn grand_total_amount_and_cap_and_bonus_points() {
    let mut fifty = offer(1, "50 off", ApplyOn::Transaction, OfferType::GrandTotal);
    fifty.discount_type = DiscountType::Amount;
    fifty.discount_amount = d("50");
    let mut half = offer(
        2,
        "Half, max 20",
        ApplyOn::Transaction,
        OfferType::GrandTotal,
    );
    half.discount_percentage = d("50");
    half.max_discount = d("20");
    let mut points = offer(3, "Bonus", ApplyOn::Brand(7), OfferType::LoyaltyPoint);
    points.loyalty_points = 250;
    points.min_qty = d("2");
    let priced = sale(vec![line("X", "1", "30.00")]).price(&[fifty.clone(), half, points.clone()]);
    assert_eq!(
        priced.grand_total.map(|(a, o)| (a, o.id)),
        Some((d("30.00"), 1)),
        "never more than the net"
    );
    assert_eq!(
        reason_of(&priced, 3),
        "Min Qty 2 not met: 1 in cart (1 more would reach it)"
    );
    let two = sale(vec![line("X", "2", "30.00")]).price(&[points]);
    assert_eq!(two.bonus_points, [(250, OfferRef { id: 3, version: 1 })]);
}

#[test]
fn an_offer_held_back_by_its_campaigns_days_names_the_campaign() {
    let mut spring = offer(1, "X 10%", item("X"), OfferType::ItemPrice);
    spring.discount_percentage = d("10");
    spring.campaign = Some((5, "Spring sale".into()));
    // The offer from 1 Jan, its campaign 1 Mar to 31 May: the engine reads the days within both.
    spring.campaign_days = Some((day("2027-03-01"), Some(day("2027-05-31"))));
    spring.valid_from = day("2027-03-01");
    spring.valid_upto = Some(day("2027-05-31"));
    let mut cart = sale(vec![line("X", "1", "25.00")]);
    cart.date = day("2027-02-10");
    assert_eq!(
        reason_of(&cart.price(&[spring.clone()]), 1),
        "its campaign Spring sale starts on 2027-03-01"
    );
    cart.date = day("2027-06-01");
    assert_eq!(
        reason_of(&cart.price(&[spring.clone()]), 1),
        "its campaign Spring sale ended on 2027-05-31"
    );
    // Its own Valid Upto comes first: the offer's days are named, not the campaign's.
    spring.valid_upto = Some(day("2027-04-30"));
    cart.date = day("2027-05-02");
    assert_eq!(
        reason_of(&cart.price(&[spring]), 1),
        "expired on 2027-04-30"
    );
}

/// An offer aimed at segment 5, "Lapsed regulars", whose members were taken on 7 Dec at 03:00.
fn lapsed(mut offer: Offer) -> Offer {
    offer.segment = Some(std::sync::Arc::new(SegmentRef {
        id: 5,
        name: "Lapsed regulars".into(),
        as_of: "7 Dec, 03:00".into(),
    }));
    offer
}

#[test]
fn a_segment_offer_applies_to_its_members_and_names_the_snapshot_to_others() {
    let offers = [lapsed(offer(
        1,
        "Come back 10%",
        item("TS"),
        OfferType::ItemPrice,
    ))];
    let mut member = sale(vec![line("TS", "2", "20.00")]);
    member.segments = vec![3, 5];
    assert_eq!(discounts(&member.price(&offers)), vec![d("4.00")]);

    let mut other = sale(vec![line("TS", "2", "20.00")]);
    other.segments = vec![3];
    let priced = other.price(&offers);
    assert_eq!(discounts(&priced), vec![d("0.00")]);
    assert_eq!(
        reason_of(&priced, 1),
        "not in segment Lapsed regulars as of 7 Dec, 03:00"
    );
    assert!(matches!(
        &priced.missed[0].1,
        Reason::NotInSegment { segment } if segment.id == 5
    ));
}

#[test]
fn a_segment_never_taken_says_so_and_the_group_is_checked_first() {
    let mut never = lapsed(offer(1, "Come back 10%", item("TS"), OfferType::ItemPrice));
    if let Some(segment) = never.segment.as_mut() {
        std::sync::Arc::make_mut(segment).as_of = String::new();
    }
    let mut vip = lapsed(offer(2, "VIP lapsed", item("TS"), OfferType::ItemPrice));
    vip.customer_group = Some((99, "VIP".into()));
    let priced = sale(vec![line("TS", "1", "20.00")]).price(&[never, vip]);
    assert_eq!(
        reason_of(&priced, 1),
        "not in segment Lapsed regulars (its members have not been taken yet)"
    );
    assert_eq!(reason_of(&priced, 2), "for customer group VIP only");
}
