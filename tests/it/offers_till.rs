//! Offers as the tills meet them at submission (`POST /api/v1/invoices`): every claim checked by
//! the engine at the sale's `posted_at` under the version then in force, refused by line and
//! offer when it asks for more than the offer gives, taken as sent when it asks for less; bonus
//! points in the customer's ledger and back out on cancel; campaign budgets counted exactly, even
//! by tills submitting at once.

use chrono::Utc;
use patron::kernel::Actor;
use patron::offers::model::campaigns::{self, CampaignFields};
use patron_rules::users::Role;
use reqwest::StatusCode;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

use crate::common::offers;
use crate::common::shop::shop;
use crate::common::{ApiClient, TestApp};

/// A day before any edit a test makes.
pub(crate) const NOV_20: &str = "2026-11-20T14:03:00Z";

pub(crate) fn uuid(n: u32) -> String {
    format!("0ffe0000-0000-4000-8000-{n:012}")
}

pub(crate) fn money(text: &Value) -> Decimal {
    match text {
        Value::String(s) => s.parse().unwrap(),
        Value::Null => Decimal::ZERO,
        other => other.to_string().parse().unwrap(),
    }
}

pub(crate) fn cents(amount: Decimal) -> String {
    amount
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .to_string()
}

/// A line of `qty` x `code` at `rate` with `discount` off, naming `offer` when given.
pub(crate) fn line(
    code: &str,
    qty: &str,
    rate: &str,
    discount: &str,
    offer: Option<&str>,
) -> Value {
    let mut line = json!({"item_code": code, "qty": qty, "price_list_rate": rate, "discount_amount": discount});
    if let Some(offer) = offer {
        line["offer"] = offer.into();
    }
    line
}

/// A free line of `qty` x `code` at `rate` that `offer` gives.
pub(crate) fn free(code: &str, qty: &str, rate: &str, offer: &str) -> Value {
    let whole = cents(qty.parse::<Decimal>().unwrap() * rate.parse::<Decimal>().unwrap());
    json!({"item_code": code, "qty": qty, "price_list_rate": rate, "discount_amount": whole,
           "is_offer": true, "offer": offer})
}

/// Sale `n` of `lines` posted at `posted_at`, with the totals a till works out and paid in cash.
pub(crate) fn sale(n: u32, posted_at: &str, lines: Vec<Value>) -> Value {
    let mut net = Decimal::ZERO;
    let mut discount = Decimal::ZERO;
    for l in &lines {
        let gross = money(&l["qty"]) * money(&l["price_list_rate"]);
        net += (gross - money(&l["discount_amount"]))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        discount += money(&l["discount_amount"]);
    }
    json!({
        "id": uuid(n), "number": format!("S-{n}"), "posted_at": posted_at, "lines": lines,
        "payments": [{"mode": "cash", "amount": cents(net)}],
        "totals": {"net_total": cents(net), "discount_amount": cents(discount), "grand_total": cents(net)}
    })
}

/// `body` with a Grand Total offer of `amount` claimed (and the grand total and payment less it).
pub(crate) fn with_grand_total_offer(mut body: Value, offer: &str, amount: &str) -> Value {
    let grand = money(&body["totals"]["net_total"]) - amount.parse::<Decimal>().unwrap();
    body["grand_total_offer"] = json!({"offer": offer, "amount": amount});
    body["totals"]["grand_total"] = cents(grand).into();
    body["payments"] = json!([{"mode": "cash", "amount": cents(grand)}]);
    body
}

/// An Item Price offer of `percent` % on the black tee, with Min Amount `min_amount`.
fn tees_off(app: &TestApp, title: &str, percent: u32, min_amount: u32) -> i64 {
    let mut t = offers::terms(title, "item_price");
    t.apply_on = "item_code".into();
    t.apply_on_id = Some(offers::item(app, "TEE-BLK-M"));
    t.discount_percentage = Decimal::from(percent);
    t.min_amount = Decimal::from(min_amount);
    offers::make(app, t)
}

/// A campaign of the shop's company with `budget`.
pub(crate) fn campaign(app: &TestApp, name: &str, budget: Option<u32>) -> i64 {
    campaigns::create(
        &mut app.conn(),
        &Actor::System("test"),
        &CampaignFields {
            company_id: offers::company(app, "NORTH"),
            name: name.into(),
            description: String::new(),
            start_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            end_date: None,
            active: true,
            budget: budget.map(Decimal::from),
        },
    )
    .unwrap()
}

pub(crate) fn discount_given(app: &TestApp, campaign: i64) -> String {
    app.text(&format!(
        "SELECT discount_given::text AS t FROM campaigns WHERE id = {campaign}"
    ))
}

/// The refusal's message for `field`, asserting the sale was refused 422.
#[track_caller]
pub(crate) fn refusal(reply: &crate::common::ApiReply, field: &str) -> String {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        reply.json
    );
    reply.json["error"]["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("no message for {field}: {:?}", reply.json))
        .to_owned()
}

pub(crate) async fn submit(till: &ApiClient, body: &Value) -> Value {
    let made = till.post("/api/v1/invoices", body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    made.json
}

#[actix_web::test]
async fn an_item_price_offer_with_min_amount_is_honoured_only_on_a_cart_that_meets_it() {
    let (app, till) = shop().await;
    let offer = tees_off(&app, "Tees 10% over 50", 10, 50);

    // 3 x 19.99 = 59.97 meets Min Amount 50: 10% is 6.00 off the line.
    let made = submit(
        &till,
        &sale(
            1,
            NOV_20,
            vec![line(
                "TEE-BLK-M",
                "3",
                "19.99",
                "6.00",
                Some("Tees 10% over 50"),
            )],
        ),
    )
    .await;
    assert_eq!(made["lines"][0]["discount_amount"], "6.00");
    assert_eq!(made["lines"][0]["amount"], "53.97");
    assert_eq!(made["totals"]["grand_total"], "53.97");
    assert_eq!(
        app.text(
            "SELECT discount::text || ' by ' || offer_id || ' v' || offer_version AS t FROM invoice_offers"
        ),
        format!("6.0000 by {offer} v1")
    );

    // 2 x 19.99 = 39.98 does not: the claim is refused by line, with the figure, and nothing stays.
    let below = till
        .post(
            "/api/v1/invoices",
            &sale(
                2,
                NOV_20,
                vec![line(
                    "TEE-BLK-M",
                    "2",
                    "19.99",
                    "4.00",
                    Some("Tees 10% over 50"),
                )],
            ),
        )
        .await;
    assert_eq!(
        refusal(&below, "lines[0].offer"),
        "Tees 10% over 50 does not apply: Min Amount 50.00 not met: 39.98 (10.02 more would reach it)."
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 1);
    assert_eq!(app.count("SELECT count(*) AS n FROM invoice_offers"), 1);
}

#[actix_web::test]
async fn a_line_may_claim_less_than_its_offer_gives_but_never_more() {
    let (app, till) = shop().await;
    tees_off(&app, "Tees 10%", 10, 0);

    let greedy = till
        .post(
            "/api/v1/invoices",
            &sale(
                1,
                NOV_20,
                vec![line("TEE-BLK-M", "3", "19.99", "6.01", Some("Tees 10%"))],
            ),
        )
        .await;
    assert_eq!(
        refusal(&greedy, "lines[0].discount_amount"),
        "Tees 10% gives 6.00 off this line, not 6.01."
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 0);

    // A till with stale terms (5%) gives less: the sale stands as sent.
    let modest = submit(
        &till,
        &sale(
            2,
            NOV_20,
            vec![line("TEE-BLK-M", "3", "19.99", "3.00", Some("Tees 10%"))],
        ),
    )
    .await;
    assert_eq!(modest["lines"][0]["discount_amount"], "3.00");
    assert_eq!(modest["totals"]["grand_total"], "56.97");
    assert_eq!(
        app.text("SELECT discount::text AS t FROM invoice_offers"),
        "3.0000"
    );
}

#[actix_web::test]
async fn a_claim_naming_no_known_offer_is_refused_by_line() {
    let (app, till) = shop().await;
    tees_off(&app, "Tees 10%", 10, 0);
    let unknown = till
        .post(
            "/api/v1/invoices",
            &sale(
                1,
                NOV_20,
                vec![
                    line("CAP-RED", "1", "7.50", "0", None),
                    line("TEE-BLK-M", "3", "19.99", "6.00", Some("Tees 15%")),
                ],
            ),
        )
        .await;
    let message = refusal(&unknown, "lines[1].offer");
    assert!(
        message.starts_with("No offer titled \"Tees 15%\" was in force at 2026-11-20 14:03:00 UTC"),
        "{message}"
    );
    assert!(unknown.json["error"]["fields"]["lines[0].offer"].is_null());
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 0);
}

#[actix_web::test]
async fn a_sale_made_before_an_edit_keeps_the_old_terms_and_one_made_after_does_not() {
    let (app, till) = shop().await;
    let offer = tees_off(&app, "Tees 10%", 10, 0);
    assert_eq!(
        offers::edit(&app, offer, |t| t.discount_percentage = Decimal::from(5)),
        2
    );

    // Made on 20 November at a till that was offline while marketing edited the offer.
    let before = submit(
        &till,
        &sale(
            1,
            NOV_20,
            vec![line("TEE-BLK-M", "3", "19.99", "6.00", Some("Tees 10%"))],
        ),
    )
    .await;
    assert_eq!(before["lines"][0]["discount_amount"], "6.00");
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get(&format!("/invoices/{}", uuid(1))).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&format!(
        r#"<a href="/offers/{offer}/versions/1">Tees 10% (version 1)</a> <span class="muted">$6.00 off</span>"#
    ));

    // Made after the edit, the old 10% is more than the offer gives.
    let after = till
        .post(
            "/api/v1/invoices",
            &sale(
                2,
                &Utc::now().to_rfc3339(),
                vec![line("TEE-BLK-M", "3", "19.99", "6.00", Some("Tees 10%"))],
            ),
        )
        .await;
    assert_eq!(
        refusal(&after, "lines[0].discount_amount"),
        "Tees 10% gives 3.00 off this line, not 6.00."
    );
    // At the new terms it goes through, recorded under version 2.
    submit(
        &till,
        &sale(
            3,
            &Utc::now().to_rfc3339(),
            vec![line("TEE-BLK-M", "3", "19.99", "3.00", Some("Tees 10%"))],
        ),
    )
    .await;
    assert_eq!(
        app.text("SELECT string_agg(offer_version::text, ',' ORDER BY invoice_id) AS t FROM invoice_offers"),
        "1,2"
    );
}

#[actix_web::test]
async fn a_recurring_free_product_gives_one_for_every_min_qty_and_no_more() {
    let (app, till) = shop().await;
    let mut t = offers::terms("Cap for every 2 tees", "give_product");
    t.apply_on = "item_code".into();
    t.apply_on_id = Some(offers::item(&app, "TEE-BLK-M"));
    t.min_qty = Decimal::from(2);
    t.given_item_id = Some(offers::item(&app, "CAP-RED"));
    t.given_qty = Decimal::ONE;
    t.recurring = true;
    offers::make(&app, t);

    let four = till
        .post(
            "/api/v1/invoices",
            &sale(
                1,
                NOV_20,
                vec![
                    line("TEE-BLK-M", "6", "19.99", "0", None),
                    free("CAP-RED", "4", "7.50", "Cap for every 2 tees"),
                ],
            ),
        )
        .await;
    assert_eq!(
        refusal(&four, "lines[1].offer"),
        "Cap for every 2 tees gives 3 free CAP-RED on this sale, not 4."
    );

    let three = submit(
        &till,
        &sale(
            2,
            NOV_20,
            vec![
                line("TEE-BLK-M", "6", "19.99", "0", None),
                free("CAP-RED", "3", "7.50", "Cap for every 2 tees"),
            ],
        ),
    )
    .await;
    assert_eq!(three["lines"][1]["is_offer"], true);
    assert_eq!(three["lines"][1]["amount"], "0.00");
    assert_eq!(three["totals"]["grand_total"], "119.94");
    assert_eq!(
        app.text("SELECT free_qty::text AS t FROM invoice_offers"),
        "3.0000"
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 1);
}

#[actix_web::test]
async fn a_grand_total_offer_is_taken_at_the_engines_amount_and_refused_above_it() {
    let (app, till) = shop().await;
    let mut t = offers::terms("10% over 50", "grand_total");
    t.discount_percentage = Decimal::from(10);
    t.min_amount = Decimal::from(50);
    let offer = offers::make(&app, t);
    let lines = || vec![line("TEE-BLK-M", "3", "19.99", "0", None)];

    let above = till
        .post(
            "/api/v1/invoices",
            &with_grand_total_offer(sale(1, NOV_20, lines()), "10% over 50", "6.01"),
        )
        .await;
    assert_eq!(
        refusal(&above, "grand_total_offer.amount"),
        "10% over 50 gives 6.00 on this sale, not 6.01."
    );

    let made = submit(
        &till,
        &with_grand_total_offer(sale(2, NOV_20, lines()), "10% over 50", "6.00"),
    )
    .await;
    assert_eq!(made["totals"]["net_total"], "59.97");
    assert_eq!(made["totals"]["grand_total"], "53.97");
    assert_eq!(
        app.text("SELECT offer_id || ':' || discount::text AS t FROM invoice_offers"),
        format!("{offer}:6.0000")
    );
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get(&format!("/invoices/{}", uuid(2))).await;
    page.assert_contains(r#"<dd id="grand-total-discount">−$6.00</dd>"#);
    page.assert_contains(&format!(
        r#"<a href="/offers/{offer}/versions/1">10% over 50 (version 1)</a>"#
    ));
}

#[actix_web::test]
async fn a_loyalty_point_offer_gives_its_bonus_once_and_cancel_takes_it_back_once() {
    let (app, till) = shop().await;
    crate::loyalty::single_tier(&app);
    let offer = offers::fifty_bonus_over_20(&app);

    let mut body = sale(1, NOV_20, vec![line("TEE-BLK-M", "3", "19.99", "0", None)]);
    body["customer_code"] = "CUST-00002".into();
    submit(&till, &body).await;
    // 59.97 earns 59 points; the offer adds exactly 50.
    assert_eq!(
        app.text(
            "SELECT string_agg(kind || ' ' || points || ' ' || reason, '; ' ORDER BY id) AS t \
             FROM loyalty_point_entries WHERE kind = 'bonus'"
        ),
        "bonus 50 Offer: 50 bonus over 20"
    );
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let customer = marketing.get(&format!("/customers/{ana}")).await;
    customer.assert_contains(r#"<span class="value" id="points-balance">109</span>"#);
    let invoice = marketing.get(&format!("/invoices/{}", uuid(1))).await;
    invoice.assert_contains(&format!(
        r#"<a href="/offers/{offer}/versions/1">50 bonus over 20 (version 1)</a> <span class="muted">50 bonus points</span>"#
    ));

    for _ in 0..2 {
        let cancelled = till
            .post(&format!("/api/v1/invoices/{}/cancel", uuid(1)), &json!({}))
            .await;
        assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    }
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM loyalty_point_entries WHERE kind = 'reversal' AND reverses = 'bonus'"
        ),
        1
    );
    assert_eq!(
        app.count(
            "SELECT sum(points)::bigint AS n FROM loyalty_point_entries \
             WHERE kind = 'bonus' OR reverses = 'bonus'"
        ),
        0
    );
    let customer = marketing.get(&format!("/customers/{ana}")).await;
    customer.assert_contains(r#"<span class="value" id="points-balance">0</span>"#);
}

#[actix_web::test]
async fn a_budget_never_refuses_a_sale_and_a_cancel_gives_its_discount_back_once() {
    let (app, till) = shop().await;
    let black_friday = campaign(&app, "Black Friday", Some(10));
    offers::percent_off_in(&app, "BF tees", "TEE-BLK-M", 10, Some(black_friday));

    // Three sales of 6.00 off against a budget of 10.00: the last two are past it, and stand.
    for n in 1..=3 {
        submit(
            &till,
            &sale(
                n,
                NOV_20,
                vec![line("TEE-BLK-M", "3", "19.99", "6.00", Some("BF tees"))],
            ),
        )
        .await;
    }
    assert_eq!(discount_given(&app, black_friday), "18.0000");
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get(&format!("/campaigns/{black_friday}")).await;
    page.assert_contains("Discount given: $18.00 of $10.00");
    page.assert_contains("Over budget by $8.00");

    // Cancelled twice (a till retrying), the sale's 6.00 comes off once.
    for _ in 0..2 {
        let cancelled = till
            .post(&format!("/api/v1/invoices/{}/cancel", uuid(3)), &json!({}))
            .await;
        assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    }
    assert_eq!(discount_given(&app, black_friday), "12.0000");
    let page = marketing.get(&format!("/campaigns/{black_friday}")).await;
    page.assert_contains("Discount given: $12.00 of $10.00");
    page.assert_contains("Over budget by $2.00");
}

#[actix_web::test]
async fn twenty_tills_submitting_at_once_are_all_counted_against_the_campaign() {
    let (app, till) = shop().await;
    let spring = campaign(&app, "Spring", Some(1000));
    offers::percent_off_in(&app, "Spring tees", "TEE-BLK-M", 10, Some(spring));

    let sales: Vec<Value> = (1..=20)
        .map(|n| {
            sale(
                n,
                NOV_20,
                vec![line("TEE-BLK-M", "3", "19.99", "6.00", Some("Spring tees"))],
            )
        })
        .collect();
    let replies =
        futures_util::future::join_all(sales.iter().map(|s| till.post("/api/v1/invoices", s)))
            .await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 20, "{replies:?}");
    assert_eq!(discount_given(&app, spring), "120.0000");
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get(&format!("/campaigns/{spring}")).await;
    page.assert_contains("Discount given: $120.00 of $1,000.00");
}

#[actix_web::test]
async fn a_customer_in_no_program_gets_no_bonus_points_and_the_invoice_claims_none() {
    let (app, till) = shop().await;
    crate::loyalty::single_tier(&app);
    offers::fifty_bonus_over_20(&app);

    // The Walk-in Customer is in no program.
    let made = submit(
        &till,
        &sale(1, NOV_20, vec![line("TEE-BLK-M", "3", "19.99", "0", None)]),
    )
    .await;
    assert_eq!(made["customer"]["name"], "Walk-in Customer");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_point_entries"),
        0
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM invoice_offers"), 0);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get(&format!("/invoices/{}", uuid(1))).await;
    page.assert_contains(r#"<dd id="points-earned">0</dd>"#);
    page.assert_contains("<h2>Offers</h2>\n    <p class=\"muted\">No offers.</p>");
    page.assert_lacks("bonus points");

    // Ana, a member, buying the same gets them.
    let mut ana = sale(2, NOV_20, vec![line("TEE-BLK-M", "3", "19.99", "0", None)]);
    ana["customer_code"] = "CUST-00002".into();
    submit(&till, &ana).await;
    assert_eq!(
        app.count(
            "SELECT sum(points)::bigint AS n FROM loyalty_point_entries WHERE kind = 'bonus'"
        ),
        50
    );
}
