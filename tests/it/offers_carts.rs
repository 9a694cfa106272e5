//! Carts at the edges of the offers' terms, priced by `carts/evaluate` and checked again when the
//! till submits them: a Max Discount shared among the lines it caps, a cashier's manual discount
//! that keeps a basket under a Grand Total offer's Min Amount, and bonus points answered only for
//! a loyalty member.

use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::common::ApiClient;
use crate::common::offers;
use crate::common::shop::shop;
use crate::offers_till::refusal;

/// A day before any edit a test makes.
const NOV_20: &str = "2026-11-20T14:03:00Z";

/// `lines` priced for `customer` (none: the store's Default Customer), answered 200.
async fn evaluate(till: &ApiClient, lines: Value, customer: Option<&str>) -> Value {
    let mut cart = json!({"lines": lines, "posted_at": NOV_20});
    if let Some(code) = customer {
        cart["customer_code"] = code.into();
    }
    let priced = till.post("/api/v1/carts/evaluate", &cart).await;
    assert_eq!(priced.status, StatusCode::OK, "{:?}", priced.json);
    priced.json
}

/// Sale `n` of a priced cart's lines, totals and Grand Total offer, paid in cash.
fn invoice(n: u32, priced: &Value) -> Value {
    let mut sale = json!({
        "id": format!("0ca75000-0000-4000-8000-{n:012}"), "number": format!("C-{n}"),
        "posted_at": NOV_20, "lines": priced["lines"], "totals": priced["totals"],
        "payments": [{"mode": "cash", "amount": priced["totals"]["grand_total"]}]
    });
    if !priced["grand_total_offer"].is_null() {
        sale["grand_total_offer"] = priced["grand_total_offer"].clone();
    }
    sale
}

/// Each line's discount, as the till reads them.
fn discounts(priced: &Value) -> Vec<&str> {
    priced["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["discount_amount"].as_str().unwrap())
        .collect()
}

/// What the answer says of offer `title`: "applied", or why not.
fn outcome(priced: &Value, title: &str) -> String {
    let offer = priced["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["offer"] == title)
        .unwrap_or_else(|| panic!("{title} not considered: {priced:?}"));
    match offer["applied"].as_bool() {
        Some(true) => "applied".into(),
        _ => offer["reason"].as_str().unwrap().to_owned(),
    }
}

#[actix_web::test]
async fn a_max_discount_is_shared_among_its_lines_and_each_line_is_held_to_its_share() {
    let (app, till) = shop().await;
    let mut t = offers::terms("Tees 10%, max 10", "item_price");
    t.apply_on = "item_code".into();
    t.apply_on_id = Some(offers::item(&app, "TEE-BLK-M"));
    t.discount_percentage = Decimal::from(10);
    t.max_discount = Decimal::from(10);
    offers::make(&app, t);

    // Three lines of 10.00 off each, capped at 10.00: a third each, the cent left to line 1.
    let tee = json!({"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": "100.00"});
    let priced = evaluate(&till, json!([tee, tee, tee]), None).await;
    assert_eq!(discounts(&priced), ["3.34", "3.33", "3.33"]);
    assert!(
        priced["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["offer"] == "Tees 10%, max 10"),
        "{priced:?}"
    );
    assert_eq!(priced["totals"]["discount_amount"], "10.00");
    assert_eq!(priced["totals"]["net_total"], "290.00");
    // Lines of 20.00, 10.00 and 5.00 off: 5.71, 2.86, 1.43 (the cents to the largest remainders).
    let two = json!({"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "100.00"});
    let half = json!({"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": "50.00"});
    let uneven = evaluate(&till, json!([two, tee, half]), None).await;
    assert_eq!(discounts(&uneven), ["5.71", "2.86", "1.43"]);

    // The shares go in as priced.
    let made = till.post("/api/v1/invoices", &invoice(1, &priced)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);

    // A line that claims more than its share is refused, and told why.
    let mut greedy = invoice(2, &priced);
    greedy["lines"][1]["discount_amount"] = "3.34".into();
    greedy["totals"] =
        json!({"net_total": "289.99", "discount_amount": "10.01", "grand_total": "289.99"});
    greedy["payments"][0]["amount"] = "289.99".into();
    let refused = till.post("/api/v1/invoices", &greedy).await;
    assert_eq!(
        refusal(&refused, "lines[1].discount_amount"),
        "Tees 10%, max 10 gives 3.33 off this line, not 3.34: its share of the offer's Max \
         Discount 10.00, which is shared among the lines naming the offer in proportion to their \
         discounts."
    );
}

#[actix_web::test]
async fn a_manual_discount_keeps_a_basket_under_a_grand_total_offers_min_amount() {
    let (app, till) = shop().await;
    let mut t = offers::terms("10% over 100", "grand_total");
    t.discount_percentage = Decimal::from(10);
    t.min_amount = Decimal::from(100);
    offers::make(&app, t);
    let short = "Min Amount 100.00 not met: 90.00 (10.00 more would reach it)";

    // A 100.00 basket with 10.00 off by the cashier nets 90.00.
    let tee = json!({"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": "100.00",
                     "manual_discount": "10.00"});
    let priced = evaluate(&till, json!([tee]), None).await;
    assert_eq!(discounts(&priced), ["10.00"]);
    assert_eq!(priced["lines"][0]["offer"], Value::Null);
    assert_eq!(priced["lines"][0]["amount"], "90.00");
    assert_eq!(priced["grand_total_offer"], Value::Null);
    assert_eq!(priced["totals"]["grand_total"], "90.00");
    assert_eq!(outcome(&priced, "10% over 100"), short);

    // A till that claims the offer on it anyway is refused with the net the basket reached.
    let mut claimed = invoice(1, &priced);
    claimed["grand_total_offer"] = json!({"offer": "10% over 100", "amount": "9.00"});
    claimed["totals"]["grand_total"] = "81.00".into();
    claimed["payments"][0]["amount"] = "81.00".into();
    let refused = till.post("/api/v1/invoices", &claimed).await;
    assert_eq!(
        refusal(&refused, "grand_total_offer.offer"),
        format!("10% over 100 does not apply: {short}.")
    );

    // 120.00 less 10.00 by hand reaches it, and the 10 % is of the 110.00 left.
    let cap = json!({"item_code": "CAP-RED", "qty": "1", "price_list_rate": "20.00"});
    let over = evaluate(&till, json!([tee, cap]), None).await;
    assert_eq!(discounts(&over), ["10.00", "0.00"]);
    assert_eq!(
        over["grand_total_offer"],
        json!({"offer": "10% over 100", "amount": "11.00"})
    );
    assert_eq!(over["totals"]["grand_total"], "99.00");
    let made = till.post("/api/v1/invoices", &invoice(2, &over)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
}

#[actix_web::test]
async fn bonus_points_are_answered_only_for_a_loyalty_member() {
    let (app, till) = shop().await;
    crate::loyalty::single_tier(&app);
    offers::fifty_bonus_over_20(&app);
    let tees = json!([{"item_code": "TEE-BLK-M", "qty": "3", "price_list_rate": "19.99"}]);

    // The Walk-in Customer is in no program: the sale would credit nothing.
    let walk_in = evaluate(&till, tees.clone(), None).await;
    assert_eq!(walk_in["bonus_points"], json!([]));
    assert_eq!(
        outcome(&walk_in, "50 bonus over 20"),
        "no bonus points: the customer is in no loyalty program of this company"
    );

    // Ana, a member, is told of them.
    let ana = evaluate(&till, tees, Some("CUST-00002")).await;
    assert_eq!(
        ana["bonus_points"],
        json!([{"offer": "50 bonus over 20", "points": 50}])
    );
    assert_eq!(outcome(&ana, "50 bonus over 20"), "applied");
}

#[actix_web::test]
async fn a_coupons_grand_total_offer_that_displaces_another_says_so_to_the_till() {
    let (app, till) = shop().await;
    let mut spring = offers::terms("Spring 5%", "grand_total");
    spring.discount_percentage = Decimal::from(5);
    offers::make(&app, spring);
    let mut flyer = offers::terms("Flyer 10%", "grand_total");
    flyer.discount_percentage = Decimal::from(10);
    flyer.auto = false;
    let flyer = offers::make(&app, flyer);
    crate::common::coupons::make(&app, flyer, "FLYER10", 0);
    let displaced = "the coupon's offer Flyer 10% takes 8.00 off the total instead of this \
                     one's 4.00, and a sale takes one Grand Total offer";

    // Without the coupon the automatic offer applies; with it, the coupon's, and the answer
    // says in words why the automatic one gave way.
    let tee = json!({"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": "80.00"});
    let plain = evaluate(&till, json!([tee]), None).await;
    assert_eq!(
        plain["grand_total_offer"],
        json!({"offer": "Spring 5%", "amount": "4.00"})
    );
    let cart = json!({"lines": [tee], "posted_at": NOV_20, "coupon_codes": ["FLYER10"]});
    let priced = till.post("/api/v1/carts/evaluate", &cart).await.json;
    assert_eq!(
        priced["grand_total_offer"],
        json!({"offer": "Flyer 10%", "amount": "8.00"})
    );
    assert_eq!(outcome(&priced, "Flyer 10%"), "applied");
    assert_eq!(outcome(&priced, "Spring 5%"), displaced);

    // A till that keeps the automatic offer on a sale with the coupon is told the same.
    let mut sale = invoice(1, &priced);
    sale["coupon_codes"] = json!(["FLYER10"]);
    sale["grand_total_offer"] = json!({"offer": "Spring 5%", "amount": "4.00"});
    sale["totals"]["grand_total"] = "76.00".into();
    sale["payments"][0]["amount"] = "76.00".into();
    let refused = till.post("/api/v1/invoices", &sale).await;
    assert_eq!(
        refusal(&refused, "grand_total_offer.offer"),
        format!("Spring 5% does not apply: {displaced}.")
    );
}
