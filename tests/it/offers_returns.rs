//! Returns take back what offers gave on the goods they return: a Loyalty Point offer's bonus
//! when the kept goods no longer meet it (once, however many returns follow), and the discount
//! and free units counted against a campaign's budget, in the offers list and in the reports.
//! Cancelling the return gives all of it back.

use patron_rules::users::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::common::offers;
use crate::common::shop::shop;
use crate::common::{ApiClient, TestApp};
use crate::offers_till::{
    NOV_20, campaign, discount_given, free, line, sale, submit, uuid, with_grand_total_offer,
};

/// Return `n` of `lines` against sale `of`, for Ana, posted a day after the sales.
fn refund(n: u32, of: u32, lines: Vec<Value>) -> Value {
    let mut body = sale(n, "2026-11-21T10:00:00Z", lines);
    body["return_against"] = uuid(of).into();
    body
}

fn balance(app: &TestApp) -> i64 {
    app.count(
        "SELECT coalesce(sum(points), 0)::bigint AS n FROM loyalty_point_entries e \
         JOIN customers c ON c.id = e.customer_id WHERE c.first_name = 'Ana'",
    )
}

async fn cancel(till: &ApiClient, n: u32) {
    let cancelled = till
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(n)), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
}

/// The shop, Ana in a program of a point per dollar, and "Buy 3 tees, 50 bonus".
async fn shop_with_bonus_for_three() -> (TestApp, ApiClient) {
    let (app, till) = shop().await;
    crate::loyalty::single_tier(&app);
    let mut t = offers::terms("Buy 3 tees, 50 bonus", "loyalty_point");
    t.apply_on = "item_code".into();
    t.apply_on_id = Some(offers::item(&app, "TEE-BLK-M"));
    t.min_qty = Decimal::from(3);
    t.loyalty_points = 50;
    offers::make(&app, t);
    (app, till)
}

#[actix_web::test]
async fn a_return_takes_back_the_bonus_the_kept_goods_no_longer_meet_and_only_once() {
    let (app, till) = shop_with_bonus_for_three().await;

    let mut bought = sale(1, NOV_20, vec![line("TEE-BLK-M", "3", "19.99", "0", None)]);
    bought["customer_code"] = "CUST-00002".into();
    submit(&till, &bought).await;
    // 59.97 earns 59 points, the offer 50.
    assert_eq!(balance(&app), 109);

    // Two tees back: the one kept earns 19 points and no longer meets "buy 3".
    let back = submit(
        &till,
        &refund(2, 1, vec![line("TEE-BLK-M", "-2", "19.99", "0", None)]),
    )
    .await;
    assert_eq!(balance(&app), 19);
    assert_eq!(
        app.text(
            "SELECT string_agg(points || ' ' || reason, '; ' ORDER BY id) AS t \
             FROM loyalty_point_entries WHERE kind = 'bonus'"
        ),
        "50 Offer: Buy 3 tees, 50 bonus; -50 Offer: Buy 3 tees, 50 bonus (goods returned)"
    );
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing
        .get(&format!("/invoices/{}", back["id"].as_str().unwrap()))
        .await;
    page.assert_contains("50 bonus points taken back");

    // The last tee back: its own 19 points go, the bonus is not taken twice.
    submit(
        &till,
        &refund(3, 1, vec![line("TEE-BLK-M", "-1", "19.99", "0", None)]),
    )
    .await;
    assert_eq!(balance(&app), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_point_entries WHERE kind = 'bonus'"),
        2
    );

    // Cancelling the returns gives the points back, the bonus with the first.
    cancel(&till, 3).await;
    assert_eq!(balance(&app), 19);
    cancel(&till, 2).await;
    assert_eq!(balance(&app), 109);
}

#[actix_web::test]
async fn a_return_of_fewer_units_than_the_offer_needs_keeps_the_bonus() {
    let (app, till) = shop_with_bonus_for_three().await;

    let mut bought = sale(1, NOV_20, vec![line("TEE-BLK-M", "4", "19.99", "0", None)]);
    bought["customer_code"] = "CUST-00002".into();
    submit(&till, &bought).await;
    // 79.96 earns 79 points, the offer 50.
    assert_eq!(balance(&app), 129);
    // One of four back: three still meet the offer; 59.97 earns 59.
    submit(
        &till,
        &refund(2, 1, vec![line("TEE-BLK-M", "-1", "19.99", "0", None)]),
    )
    .await;
    assert_eq!(balance(&app), 109);
}

#[actix_web::test]
async fn returns_give_the_discount_and_free_units_back_to_the_campaign_the_list_and_the_reports() {
    let (app, till) = shop().await;
    let black_friday = campaign(&app, "Black Friday", Some(10));
    let tees = offers::percent_off_in(&app, "BF tees", "TEE-BLK-M", 10, Some(black_friday));
    let mut t = offers::terms("BF cap with 3 tees", "give_product");
    t.apply_on = "item_code".into();
    t.apply_on_id = Some(offers::item(&app, "TEE-BLK-M"));
    t.min_qty = Decimal::from(3);
    t.given_item_id = Some(offers::item(&app, "CAP-RED"));
    t.given_qty = Decimal::ONE;
    t.campaign_id = Some(black_friday);
    offers::make(&app, t);

    submit(
        &till,
        &sale(
            1,
            NOV_20,
            vec![
                line("TEE-BLK-M", "3", "19.99", "6.00", Some("BF tees")),
                free("CAP-RED", "1", "7.50", "BF cap with 3 tees"),
            ],
        ),
    )
    .await;
    assert_eq!(discount_given(&app, black_friday), "13.5000");

    // One tee back with its 2.00 of the discount, and the free cap.
    submit(
        &till,
        &refund(
            2,
            1,
            vec![
                line("TEE-BLK-M", "-1", "19.99", "-2.00", None),
                line("CAP-RED", "-1", "7.50", "-7.50", None),
            ],
        ),
    )
    .await;
    assert_eq!(discount_given(&app, black_friday), "4.0000");
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get(&format!("/campaigns/{black_friday}")).await;
    page.assert_contains("Discount given: $4.00 of $10.00");
    let page = marketing.get(&format!("/offers/{tees}")).await;
    page.assert_contains("<dt>Discount Given</dt><dd>$4.00</dd>");
    // Offer Effectiveness: one sale each (the return is none), the discount and free units
    // net of the return, the revenue too (53.97 sold, 17.99 refunded).
    let report = marketing
        .get("/reports/offers?from=2026-11-20&to=2026-11-21")
        .await;
    report.assert_contains(
        r#">BF tees</a></td><td class="num">1</td><td class="num">$4.00</td><td class="num">0</td><td class="num">$35.98</td>"#,
    );
    report.assert_contains(
        r#">BF cap with 3 tees</a></td><td class="num">1</td><td class="num">$0.00</td><td class="num">0</td><td class="num">$35.98</td>"#,
    );

    // The rest back, more discount than is left claimed: the budget stops at nothing given.
    submit(
        &till,
        &refund(3, 1, vec![line("TEE-BLK-M", "-2", "19.99", "-5.00", None)]),
    )
    .await;
    assert_eq!(discount_given(&app, black_friday), "0.0000");

    // Cancelling a return counts its discount again.
    cancel(&till, 3).await;
    assert_eq!(discount_given(&app, black_friday), "4.0000");
}

#[actix_web::test]
async fn a_return_gives_its_share_of_a_grand_total_discount_back_to_that_offer() {
    let (app, till) = shop().await;
    let black_friday = campaign(&app, "Black Friday", None);
    let mut t = offers::terms("10% over 50", "grand_total");
    t.apply_on = "transaction".into();
    t.min_amount = Decimal::from(50);
    t.discount_percentage = Decimal::from(10);
    t.campaign_id = Some(black_friday);
    offers::make(&app, t);
    let body = sale(1, NOV_20, vec![line("TEE-BLK-M", "3", "19.99", "0", None)]);
    submit(&till, &with_grand_total_offer(body, "10% over 50", "6.00")).await;
    assert_eq!(discount_given(&app, black_friday), "6.0000");
    // The till spreads the sale's discount over the refunded tee.
    submit(
        &till,
        &refund(2, 1, vec![line("TEE-BLK-M", "-1", "19.99", "-2.00", None)]),
    )
    .await;
    assert_eq!(discount_given(&app, black_friday), "4.0000");
}
