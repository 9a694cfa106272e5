//! The offer simulator as marketing uses it: a cart priced as the tills would price it, with
//! each line's discount and its offer, free lines and why an offer missed; a past invoice
//! loaded with "Try on invoice"; the Rate filled from the item's price; items and customers by
//! name; coupons refused in the till's words; Totals that add up row by row; a Grand Total offer
//! displaced by a coupon's; who may use it; and, in Chromium, a line added and the cart priced
//! at a laptop's and a phone's width.

use fantoccini::{Client, Locator};
use patron_rules::coupons::Refusal;
use patron_rules::users::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::json;

use crate::browser::{Driver, click, open_browser, sign_in, text_of, type_into};
use crate::common::TestApp;
use crate::common::shop::shop;
use crate::common::{coupons, offers};

/// Tees 10% over 50.00, a cap free with every 3 tees, and a Grand Total offer far out of reach.
fn promotions(app: &TestApp) {
    let mut tees = offers::terms("Tees 10% over 50", "item_price");
    tees.apply_on = "item_code".into();
    tees.apply_on_id = Some(offers::item(app, "TEE-BLK-M"));
    tees.discount_percentage = Decimal::from(10);
    tees.min_amount = Decimal::from(50);
    offers::make(app, tees);
    offers::free_with(app, "Cap with 3 tees", "TEE-BLK-M", 3, "CAP-RED");
    let mut big = offers::terms("5% over 500", "grand_total");
    big.discount_percentage = Decimal::from(5);
    big.min_amount = Decimal::from(500);
    offers::make(app, big);
}

const CART: &str = "/offers/simulator?store=NORTH&date=&customer=&coupons=\
                    &item=TEE-BLK-M&qty=3&rate=&item=cap-red&qty=1&rate=";

#[actix_web::test]
async fn a_cart_is_priced_with_each_lines_offer_and_why_the_others_missed() {
    let (app, _till) = shop().await;
    promotions(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    let page = marketing.get(CART).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // The blank Rate took the item's price, and the form shows it.
    page.assert_contains(
        r#"id="f-rate-0" name="rate" type="text" inputmode="decimal" value="19.99""#,
    );
    page.assert_contains(
        "<td class=\"num\">$19.99</td>\n          <td class=\"num\">$6.00</td>\n          <td class=\"num\">$53.97</td>\n          <td>Tees 10% over 50</td>",
    );
    page.assert_contains(r#"<span>Red Cap <span class="badge badge-warning">Free</span></span>"#);
    page.assert_contains(r#"<dd id="sim-net-total">$61.47</dd>"#);
    page.assert_contains(r#"<dd id="sim-grand-total">$61.47</dd>"#);
    page.assert_contains("Walk-in Customer (CUST-00001, the store&#39;s Default Customer)");
    page.assert_contains(
        r#"<span><span class="badge badge-active">Applied</span> $6.00 off</span>"#,
    );
    page.assert_contains(r#"<span><span class="badge badge-active">Applied</span> 1 free</span>"#);
    page.assert_contains(
        r#"<span><span class="badge badge-inactive">Not applied</span> Min Amount 500.00 not met: 61.47 (438.53 more would reach it)</span>"#,
    );

    // Two tees miss both item offers, each with the figure that would reach it.
    let two = marketing
        .get("/offers/simulator?store=NORTH&item=TEE-BLK-M&qty=2&rate=19.99")
        .await;
    two.assert_contains("Min Amount 50.00 not met: 39.98 (10.02 more would reach it)");
    two.assert_contains("Min Qty 3 not met: 2 in cart (1 more to get 1 free)");

    // htmx asks for the form and result only.
    let fragment = marketing.get_fragment(CART).await;
    assert_eq!(fragment.status, StatusCode::OK);
    fragment.assert_lacks("<html");
    fragment.assert_contains(r#"<dd id="sim-grand-total">$61.47</dd>"#);
    assert_eq!(
        fragment.headers.get("vary").unwrap().to_str().unwrap(),
        "HX-Request"
    );

    // A coupon code that does not exist is named by the field; the cart is priced without it.
    let coupon = marketing
        .get(&CART.replace("coupons=", "coupons=NOPE-123"))
        .await;
    assert_eq!(coupon.status, StatusCode::OK);
    coupon.assert_contains("<li>No coupon has the code NOPE-123.</li>");
    coupon.assert_contains(r#"aria-describedby="f-coupons-hint f-coupons-error""#);
    coupon.assert_contains(r#"<dd id="sim-grand-total">$61.47</dd>"#);

    // Mistakes come back by their field, the cart as typed, and nothing priced.
    let wrong = marketing
        .get("/offers/simulator?store=NORTH&item=TEE-BLK-M&qty=0&rate=&item=NOSUCH&qty=1&rate=&customer=CUST-99999")
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong.assert_contains(
        r#"<p class="field-error" id="f-qty-0-error">Enter a Qty above 0, like 1 or 2.5.</p>"#,
    );
    wrong.assert_lacks("sim-grand-total");
    let unknown = marketing
        .get("/offers/simulator?store=NORTH&item=NOSUCH&qty=1&rate=&customer=CUST-99999")
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    unknown.assert_contains(
        r#"<p class="field-error" id="f-item-0-error">No item has the code or name NOSUCH.</p>"#,
    );
    unknown.assert_contains(
        r#"<p class="field-error" id="f-customer-error">No customer has the code or name CUST-99999.</p>"#,
    );

    // Without JavaScript, Remove and Add line come back through the server, the cart priced.
    let removed = marketing.get(&format!("{CART}&remove=0")).await;
    assert_eq!(removed.status, StatusCode::OK);
    removed.assert_lacks(r#"value="TEE-BLK-M""#);
    removed.assert_contains(r#"<dd id="sim-grand-total">$7.50</dd>"#);
    let added = marketing.get(&format!("{CART}&add=1")).await;
    added.assert_contains(r#"id="f-item-3""#);
    added.assert_contains(r#"<dd id="sim-grand-total">$61.47</dd>"#);

    // The offers list leads here.
    marketing
        .get("/offers")
        .await
        .assert_contains(r#"<a href="/offers/simulator">Offer simulator</a>"#);
}

/// The Totals card as it reads: one "label | figure" per row, top to bottom.
fn totals(body: &str) -> Vec<String> {
    let start = body.find(r#"id="sim-totals">"#).unwrap();
    let card = &body[start..start + body[start..].find("</dl>").unwrap()];
    let cell = |tag: &str, html: &str| -> String {
        let inner = html.split_once('>').map_or("", |(_, rest)| rest);
        inner
            .split(&format!("</{tag}>"))
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    card.split("<dt")
        .skip(1)
        .map(|row| {
            let (dt, dd) = row.split_once("<dd").unwrap();
            format!("{} | {}", cell("dt", dt), cell("dd", dd))
        })
        .collect()
}

/// The Totals of `CART` from Net Total down: `offer` ("Title | −$1.23") as its Grand Total offer.
fn assert_net_to_grand(body: &str, offer: &str, grand_total: &str) {
    let (title, amount) = offer.split_once(" | ").unwrap();
    assert_eq!(
        totals(body)[3..],
        [
            "Net Total | $61.47".to_owned(),
            format!("{title} (Grand Total offer) | {amount}"),
            format!("Grand Total | {grand_total}"),
        ]
    );
}

#[actix_web::test]
async fn the_totals_go_row_by_row_from_the_lines_to_the_grand_total() {
    let (app, _till) = shop().await;
    promotions(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // Three tees at 19.99 and a cap at 7.50, with a second cap free: 74.97 at their Rates.
    let page = marketing.get(CART).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        totals(&page.body),
        [
            "Lines at their Rates | $74.97",
            "Tees 10% over 50 (item discount) | −$6.00",
            "Cap with 3 tees (free items) | −$7.50",
            "Net Total | $61.47",
            "Grand Total | $61.47",
        ]
    );

    // A Grand Total offer takes Net Total to Grand Total on its own row.
    let mut two = offers::terms("2% off every sale", "grand_total");
    two.discount_percentage = Decimal::from(2);
    offers::make(&app, two);
    let page = marketing.get(CART).await;
    assert_net_to_grand(&page.body, "2% off every sale | −$1.23", "$60.24");

    // With no line discount the Totals start at Net Total.
    let plain = marketing
        .get("/offers/simulator?store=NORTH&item=CAP-RED&qty=1&rate=")
        .await;
    assert_eq!(
        totals(&plain.body),
        [
            "Net Total | $7.50",
            "2% off every sale (Grand Total offer) | −$0.15",
            "Grand Total | $7.35",
        ]
    );
}

#[actix_web::test]
async fn a_coupon_that_cannot_be_used_says_why_by_its_field_in_the_tills_words() {
    let (app, _till) = shop().await;
    promotions(&app);
    let offer = coupons::offer(&app);
    for code in ["SHUT", "GONE", "OLD1", "ANAS", "GOOD"] {
        coupons::make(&app, offer, code, 0);
    }
    app.sql("UPDATE coupons SET disabled = true WHERE code = 'SHUT'");
    app.sql("UPDATE coupons SET maximum_use = 2, used = 2 WHERE code = 'GONE'");
    app.sql("UPDATE coupons SET valid_upto = '2026-01-31' WHERE code = 'OLD1'");
    app.sql(
        "UPDATE coupons SET coupon_type = 'gift_card', maximum_use = 1, \
         customer_id = (SELECT id FROM customers WHERE first_name = 'Ana') WHERE code = 'ANAS'",
    );
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    let page = marketing
        .get(&CART.replace("coupons=", "coupons=nope-123+shut+gone+old1+anas+good"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let said = |refusal: Refusal, code: &str| format!("<li>{}</li>", refusal.message(code));
    page.assert_contains(r#"<ul class="field-error plain" id="f-coupons-error"><li>No coupon has the code NOPE-123.</li>"#);
    for (refusal, code) in [
        (Refusal::Disabled, "SHUT"),
        (Refusal::UsedUp(2), "GONE"),
        (
            Refusal::Expired(chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()),
            "OLD1",
        ),
        (Refusal::OtherCustomer, "ANAS"),
    ] {
        page.assert_contains(&said(refusal, code));
    }
    // As people read them: the till's sentences, by the field.
    page.assert_contains("<li>Coupon SHUT is disabled.</li>");
    page.assert_contains("<li>Coupon GONE is used up: all 2 uses are taken.</li>");
    page.assert_contains("<li>Coupon OLD1 expired on 2026-01-31.</li>");
    page.assert_contains("<li>Coupon ANAS is a gift for another customer.</li>");
    page.assert_lacks("Coupon GOOD");
    // The good one priced the cart: 10% off the tees.
    page.assert_contains(r#"coupons <code>good</code>"#);
    page.assert_contains(r#"<dd id="sim-grand-total">$61.47</dd>"#);

    // Ana's own gift is hers to use.
    let ana = marketing
        .get(
            &CART
                .replace("coupons=", "coupons=ANAS")
                .replace("customer=", "customer=CUST-00002"),
        )
        .await;
    ana.assert_lacks("f-coupons-error");

    // A cart with other mistakes still names a mistyped code at once.
    let wrong = marketing
        .get(
            "/offers/simulator?store=NORTH&coupons=SAVE1O\
             &item=NOSUCH&qty=1&rate=&item=TEE-BLK-M&qty=0&rate=",
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong.assert_contains(r#"id="f-item-0-error">No item has the code or name NOSUCH.</p>"#);
    wrong.assert_contains(r#"id="f-qty-1-error">Enter a Qty above 0"#);
    wrong.assert_contains("<li>No coupon has the code SAVE1O.</li>");
    wrong.assert_contains(r#"aria-describedby="f-coupons-hint f-coupons-error""#);
}

#[actix_web::test]
async fn items_and_customers_are_taken_by_name_and_an_ambiguous_name_lists_its_choices() {
    let (app, _till) = shop().await;
    promotions(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // The pickers suggest by part of a name, with the code as the value.
    let items = marketing.get_fragment("/pickers/items?item=black").await;
    items.assert_contains(r#"<option value="TEE-BLK-M">Black Tee M · 19.99"#);
    let people = marketing
        .get_fragment("/customers/options?customer=lima")
        .await;
    people.assert_contains(r#"<option value="CUST-00002">CUST-00002 · Ana Lima"#);

    // A whole name typed and Enter pressed: the item and the customer it names.
    let page = marketing
        .get(
            "/offers/simulator?store=NORTH&customer=ana+LIMA&coupons=\
             &item=black+tee+m&qty=3&rate=&item=Red+Cap&qty=1&rate=",
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains(r#"name="item" type="text" value="TEE-BLK-M""#);
    page.assert_contains(r#"name="item" type="text" value="CAP-RED""#);
    page.assert_contains(r#"name="customer" type="text" value="CUST-00002""#);
    page.assert_contains("Store NORTH (NORTH) · Ana Lima (CUST-00002) ·");
    page.assert_contains(r#"<dd id="sim-grand-total">$61.47</dd>"#);

    // Part of a name is not enough: the field says which items it could be.
    let part = marketing
        .get("/offers/simulator?store=NORTH&item=Tee&qty=1&rate=")
        .await;
    assert_eq!(part.status, StatusCode::UNPROCESSABLE_ENTITY);
    part.assert_contains(
        r#"<p class="field-error" id="f-item-0-error">No item has the code or name Tee. Did you mean TEE-BLK-M (Black Tee M)?</p>"#,
    );

    // Two items and two customers of one name: each field lists them to choose from.
    app.sql(
        "INSERT INTO items (item_code, name, item_group_id, standard_rate) \
         SELECT 'TEE-BLK-M2', 'Black Tee M', min(id), 21 FROM item_groups",
    );
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id, mobile) \
         SELECT 'Ana', 'Lima', min(g.id), min(t.id), '+1 555 0100' FROM customer_groups g, territories t",
    );
    let both = marketing
        .get("/offers/simulator?store=NORTH&customer=Ana+Lima&item=Black+Tee+M&qty=1&rate=")
        .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    both.assert_contains(
        r#"<p class="field-error" id="f-item-0-error">2 items are named Black Tee M: TEE-BLK-M (Black Tee M, 19.99) or TEE-BLK-M2 (Black Tee M, 21.00). Enter the Item Code of the one you mean.</p>"#,
    );
    both.assert_contains(
        r#"<p class="field-error" id="f-customer-error">2 customers are named Ana Lima: CUST-00002 or CUST-00003 (+1 555 0100). Enter the code of the one you mean.</p>"#,
    );
    both.assert_lacks("sim-grand-total");
}

#[actix_web::test]
async fn a_grand_total_offer_displaced_by_a_coupons_says_so_in_words() {
    let (app, _till) = shop().await;
    promotions(&app);
    let mut welcome = offers::terms("Welcome 5%", "grand_total");
    welcome.discount_percentage = Decimal::from(5);
    offers::make(&app, welcome);
    let coupon_offer = |title: &str, percent: u32| {
        let mut terms = offers::terms(title, "grand_total");
        terms.discount_percentage = Decimal::from(percent);
        terms.auto = false;
        offers::make(&app, terms)
    };
    let spring = coupon_offer("Spring 10%", 10);
    coupons::make(&app, spring, "SAVE10", 0);
    let small = coupon_offer("Small 2%", 2);
    coupons::make(&app, small, "SAVE2", 0);
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // Without a coupon Welcome 5% applies.
    let plain = marketing.get(CART).await;
    plain.assert_contains(r#"<dd id="sim-grand-total-discount">−$3.07</dd>"#);

    // SAVE10's offer gives more (6.15 of 61.47) and takes its place; the loser says why.
    let page = marketing
        .get(&CART.replace("coupons=", "coupons=SAVE10"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains(
        "Welcome 5%</a></td><td><span><span class=\"badge badge-inactive\">Not applied</span> \
         the coupon SAVE10&#39;s offer Spring 10% gives more (one Grand Total offer per sale)</span>",
    );
    assert_net_to_grand(&page.body, "Spring 10% | −$6.15", "$55.32");

    // A coupon whose offer gives less is valid, but the automatic offer keeps its place.
    let less = marketing
        .get(&CART.replace("coupons=", "coupons=SAVE2"))
        .await;
    less.assert_lacks("f-coupons-error");
    less.assert_contains(
        "Small 2%</a></td><td><span><span class=\"badge badge-inactive\">Not applied</span> \
         coupon SAVE2 is valid, but the offer Welcome 5% gives more (one Grand Total offer per sale)</span>",
    );
}

#[actix_web::test]
async fn try_on_invoice_loads_a_sales_lines_store_customer_and_day() {
    let (app, till) = shop().await;
    promotions(&app);
    let sale = |id: &str, number: &str| {
        json!({
            "id": id, "number": number, "posted_at": "2026-11-20T14:03:00Z", "customer_code": "CUST-00002",
            "lines": [{"item_code": "TEE-BLK-M", "qty": "3", "price_list_rate": "19.99", "discount_amount": "6.00", "offer": "Tees 10% over 50"},
                      {"item_code": "CAP-RED", "qty": "1", "price_list_rate": "7.50", "discount_amount": "7.50", "is_offer": true, "offer": "Cap with 3 tees"}],
            "payments": [{"mode": "cash", "amount": "53.97"}],
            "totals": {"net_total": "53.97", "discount_amount": "13.50", "grand_total": "53.97"}
        })
    };
    let uuid = "7e570000-0000-4000-8000-000000000001";
    let made = till
        .post("/api/v1/invoices", &sale(uuid, "S1-000123"))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // The invoice page offers the simulator to those who may use it.
    let invoice = marketing.get(&format!("/invoices/{uuid}")).await;
    invoice.assert_contains(&format!(
        r#"<a href="/offers/simulator?invoice={uuid}">Try these lines in the offer simulator</a>"#
    ));
    let tried = marketing
        .get(&format!("/offers/simulator?invoice={uuid}"))
        .await;
    assert_eq!(tried.status, StatusCode::OK, "{}", tried.body);
    // Its sold lines (not the free cap), store, customer and posting date fill the form.
    tried.assert_contains(r#"name="item" type="text" value="TEE-BLK-M""#);
    tried.assert_contains(r#"value="3" autocomplete="off" placeholder="1""#);
    tried.assert_lacks(r#"name="item" type="text" value="CAP-RED""#);
    tried.assert_contains(r#"<option value="NORTH" selected>"#);
    tried.assert_contains(r#"name="customer" type="text" value="CUST-00002""#);
    tried.assert_contains(r#"name="date" type="date" value="2026-11-20""#);
    tried.assert_contains("Invoice S1-000123 of 20 Nov 2026, 14:03 UTC at Store NORTH");
    tried.assert_contains("Ana Lima (CUST-00002)");
    tried.assert_contains(r#"<dd id="sim-grand-total">$53.97</dd>"#);
    tried.assert_contains("Price these lines today</a>");

    // By number too; a number two stores used asks which one.
    let by_number = marketing.get("/offers/simulator?invoice=S1-000123").await;
    by_number.assert_contains(r#"<dd id="sim-grand-total">$53.97</dd>"#);
    let south = app.terminal(&app.terminal_token("SOUTH"));
    let made = south
        .post(
            "/api/v1/invoices",
            &sale("7e570000-0000-4000-8000-000000000002", "S1-000123"),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    let both = marketing.get("/offers/simulator?invoice=S1-000123").await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    both.assert_contains("2 invoices have the number S1-000123: choose one.");
    both.assert_contains(&format!(r#"<a href="/offers/simulator?invoice={uuid}">"#));
    both.assert_contains("Store SOUTH");
    let none = marketing.get("/offers/simulator?invoice=S9-1").await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    none.assert_contains(
        r#"<p class="field-error" id="f-invoice-error">No invoice has the number or uuid S9-1.</p>"#,
    );
    none.assert_lacks("f-item-0-error");

    // The lookup by number has its index.
    app.assert_indexed(&[(
        "SELECT id FROM invoices WHERE number = 'S1-000123' ORDER BY posted_at DESC, id DESC LIMIT 11",
        "invoices_number_idx",
    )]);
}

#[actix_web::test]
async fn bonus_points_say_when_the_customer_would_not_get_them() {
    let (app, _till) = shop().await;
    crate::loyalty::single_tier(&app);
    offers::fifty_bonus_over_20(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    let walk_in = marketing.get(CART).await;
    walk_in.assert_contains("<li><strong>50</strong> bonus points from 50 bonus over 20</li>");
    walk_in.assert_contains("Not credited: the customer is in no loyalty program of this company.");
    let ana = marketing
        .get(&CART.replace("customer=", "customer=cust-00002"))
        .await;
    ana.assert_contains("Ana Lima (CUST-00002)");
    ana.assert_contains("<li><strong>50</strong> bonus points from 50 bonus over 20</li>");
    ana.assert_lacks("Not credited");
    ana.assert_contains(
        r#"<span><span class="badge badge-active">Applied</span> 50 bonus points</span>"#,
    );
}

#[actix_web::test]
async fn the_rate_of_a_chosen_item_and_a_new_line_come_as_fragments() {
    let (app, _till) = shop().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let rate = marketing
        .get_fragment("/offers/simulator/rate?item=cap-red&row=3")
        .await;
    assert_eq!(rate.status, StatusCode::OK);
    rate.assert_lacks("<html");
    assert_eq!(
        rate.body.trim(),
        r#"<input id="f-rate-3" name="rate" type="text" inputmode="decimal" value="7.50" autocomplete="off" placeholder="Item's price">"#
    );
    // An item's whole name brings its price too.
    marketing
        .get_fragment("/offers/simulator/rate?item=red+cap&row=4")
        .await
        .assert_contains(
            r#"id="f-rate-4" name="rate" type="text" inputmode="decimal" value="7.50""#,
        );
    let unknown = marketing
        .get_fragment("/offers/simulator/rate?item=NOSUCH&row=n1%22x")
        .await;
    unknown.assert_contains(
        r#"<input id="f-rate-n1x" name="rate" type="text" inputmode="decimal" value="""#,
    );

    let line = marketing.get_fragment("/offers/simulator/line").await;
    assert_eq!(line.status, StatusCode::OK);
    line.assert_lacks("<html");
    line.assert_contains(r#"<div class="sim-line" data-row>"#);
    line.assert_contains(r#"name="item""#);
    line.assert_contains("Item Code<span class=\"sr-only\">, new line</span>");
}

#[actix_web::test]
async fn a_store_supervisor_may_not_use_the_simulator_and_hq_may() {
    let (app, till) = shop().await;
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    for path in [
        "/offers/simulator",
        CART,
        "/offers/simulator/rate?item=CAP-RED&row=0",
        "/offers/simulator/line",
    ] {
        assert_eq!(
            supervisor.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // Nor is it offered on their store's invoice page.
    let uuid = "7e570000-0000-4000-8000-000000000003";
    let sale = json!({
        "id": uuid, "number": "S1-1", "posted_at": "2026-11-20T14:03:00Z",
        "lines": [{"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": "19.99"}],
        "payments": [{"mode": "cash", "amount": "19.99"}],
        "totals": {"net_total": "19.99", "grand_total": "19.99"}
    });
    assert_eq!(
        till.post("/api/v1/invoices", &sale).await.status,
        StatusCode::CREATED
    );
    app.sql("UPDATE users SET store_id = (SELECT id FROM stores WHERE code = 'NORTH') WHERE role = 'store_supervisor'");
    let invoice = supervisor.get(&format!("/invoices/{uuid}")).await;
    assert_eq!(invoice.status, StatusCode::OK);
    invoice.assert_lacks("offer simulator");

    // HQ reads reports, and so may try carts.
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get(CART).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"<dd id="sim-grand-total">$67.47</dd>"#);
    let first = hq.get("/offers/simulator").await;
    assert_eq!(first.status, StatusCode::OK);
    first.assert_contains("Enter an item and press Price the cart");
    first.assert_lacks("field-error");
}

/// Saves `offers-simulator-WIDTH-STEP.png` under target/screenshots and asserts that the page
/// is no wider than the window.
async fn look(browser: &Client, width: u32, step: &str) {
    crate::browser::save_screenshot(browser, &format!("offers-simulator-{width}-{step}")).await;
    crate::browser::assert_fits(browser, &format!("{step} at {width} px")).await;
}

#[actix_web::test]
async fn in_a_browser_a_line_is_added_its_rate_filled_and_the_cart_priced() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, till) = shop().await;
    promotions(&app);
    let sale = json!({
        "id": "7e570000-0000-4000-8000-000000000009", "number": "S1-9", "posted_at": "2026-11-20T14:03:00Z",
        "customer_code": "CUST-00002",
        "lines": [{"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99"}],
        "payments": [{"mode": "cash", "amount": "39.98"}],
        "totals": {"net_total": "39.98", "grand_total": "39.98"}
    });
    assert_eq!(
        till.post("/api/v1/invoices", &sale).await.status,
        StatusCode::CREATED
    );
    let user = app.user(Role::Marketing);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    for width in [1366, 390] {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .goto(&format!("{}/offers/simulator", app.base))
            .await
            .unwrap();
        look(&browser, width, "empty").await;

        // The first line: a tee, its Rate filled from the item's price when the code is in.
        type_into(&browser, "#f-item-0", "TEE-BLK-M").await;
        type_into(&browser, "#f-qty-0", "3").await;
        browser
            .wait()
            .for_element(Locator::Css("#f-rate-0[value='19.99']"))
            .await
            .unwrap();

        // Add line brings a line with the focus in its Item Code.
        click(&browser, Locator::Css("button[name=add]")).await;
        let added = browser
            .wait()
            .for_element(Locator::Css(
                "#sim-lines .sim-line:nth-child(2) input[name=item]",
            ))
            .await
            .unwrap();
        let focused = browser.active_element().await.unwrap();
        assert_eq!(
            focused.attr("id").await.unwrap(),
            added.attr("id").await.unwrap()
        );
        added.send_keys("CAP-RED").await.unwrap();
        // Tab leaves the field (a change): the Rate comes.
        added.send_keys("\u{e004}").await.unwrap();
        browser
            .wait()
            .for_element(Locator::Css(
                "#sim-lines .sim-line:nth-child(2) input[name=rate][value='7.50']",
            ))
            .await
            .unwrap();

        if width == 390 {
            // Enter in a field prices the cart (it does not remove a line).
            browser
                .find(Locator::Css(
                    "#sim-lines .sim-line:nth-child(2) input[name=qty]",
                ))
                .await
                .unwrap()
                .send_keys("\u{e007}")
                .await
                .unwrap();
        } else {
            click(&browser, Locator::Css("#sim-form .btn-primary")).await;
        }
        assert_eq!(
            text_of(&browser, Locator::Id("sim-grand-total")).await,
            "$61.47"
        );
        let offers = text_of(&browser, Locator::Id("sim-offers")).await;
        assert!(offers.contains("Tees 10% over 50"), "{offers}");
        assert!(
            offers.contains("Min Amount 500.00 not met: 61.47"),
            "{offers}"
        );
        let url = browser.current_url().await.unwrap();
        assert!(
            url.query().unwrap_or_default().contains("item=CAP-RED"),
            "{url}"
        );
        for (step, id) in [
            ("cart", "sim-lines"),
            ("priced", "sim-result-title"),
            ("offers", "sim-offers"),
        ] {
            browser
                .execute(
                    "document.getElementById(arguments[0]).scrollIntoView({block: 'center'});",
                    vec![json!(id)],
                )
                .await
                .unwrap();
            look(&browser, width, step).await;
        }

        // Remove takes a line out at once.
        let before = browser
            .find_all(Locator::Css("#sim-lines .sim-line"))
            .await
            .unwrap()
            .len();
        // From the keyboard: Enter on the line's Remove.
        browser
            .find(Locator::Css(
                "#sim-lines .sim-line:first-child [data-remove-row]",
            ))
            .await
            .unwrap()
            .send_keys("\u{e007}")
            .await
            .unwrap();
        let after = browser
            .find_all(Locator::Css("#sim-lines .sim-line"))
            .await
            .unwrap()
            .len();
        assert_eq!(after, before - 1);

        // Every kind of Totals row at once (30 tees reach the Grand Total offer), as it looks.
        browser
            .goto(&format!(
                "{}/offers/simulator?store=NORTH&item=TEE-BLK-M&qty=30&rate=&item=CAP-RED&qty=1&rate=",
                app.base
            ))
            .await
            .unwrap();
        let rows = text_of(&browser, Locator::Id("sim-totals")).await;
        assert!(rows.contains("5% over 500 (Grand Total offer)"), "{rows}");
        browser
            .execute(
                "document.getElementById('sim-totals').scrollIntoView({block: 'center'});",
                vec![],
            )
            .await
            .unwrap();
        look(&browser, width, "totals").await;

        // A past sale loaded, and a cart with mistakes, as they look.
        browser
            .goto(&format!("{}/offers/simulator?invoice=S1-9", app.base))
            .await
            .unwrap();
        look(&browser, width, "invoice").await;
        browser
            .goto(&format!(
                "{}/offers/simulator?store=NORTH&item=NOSUCH&qty=0&rate=x&coupons=NOPE",
                app.base
            ))
            .await
            .unwrap();
        browser
            .execute(
                "document.getElementById('sim-lines').scrollIntoView({block: 'center'});",
                vec![],
            )
            .await
            .unwrap();
        look(&browser, width, "mistakes").await;
    }
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}
