//! Offers aimed at a customer segment: the segment's members as of its last snapshot get the
//! offer at carts/evaluate and at submission, anyone else is told why (naming the snapshot's
//! time in the company's zone); the feed tells tills such an offer needs the server's evaluate;
//! the simulator explains the miss; the form offers only the company's segments, and its field
//! fits at 1366 and 390 px.

use fantoccini::Locator;
use patron_rules::users::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::browser::{Driver, open_browser, sign_in, text_of};
use crate::common::offers;
use crate::common::shop::shop;
use crate::common::{ApiClient, TestApp};
use crate::offers_pages::{Form, look, offer, post};
use crate::offers_till::{NOV_20, line, refusal, sale};

/// Segment "Lapsed regulars" of NORTH's company (in New York), its members taken on 7 Dec 2026
/// at 03:00 there, with `members` (customer codes) in it; returns its id.
fn lapsed_regulars(app: &TestApp, members: &[&str]) -> i64 {
    let company = offers::company(app, "NORTH");
    app.sql(&format!(
        "UPDATE companies SET time_zone = 'America/New_York' WHERE id = {company}"
    ));
    let segment = app.count(&format!(
        "INSERT INTO segments (company_id, name, snapshot_at, snapshot_size) \
         VALUES ({company}, 'Lapsed regulars', '2026-12-07T08:00:00Z', {}) RETURNING id AS n",
        members.len()
    ));
    for code in members {
        app.sql(&format!(
            "INSERT INTO segment_members SELECT {segment}, id FROM customers WHERE code = '{code}'"
        ));
    }
    segment
}

/// "Come back 10%": 10 % off the black tee for the segment's members.
fn come_back(app: &TestApp, segment: i64) -> i64 {
    let mut t = offers::terms("Come back 10%", "item_price");
    t.apply_on = "item_code".into();
    t.apply_on_id = Some(offers::item(app, "TEE-BLK-M"));
    t.discount_percentage = Decimal::from(10);
    t.segment_id = Some(segment);
    offers::make(app, t)
}

/// Two black tees priced for `customer`: the line's discount and what the answer says of the
/// offer ("applied", or why not).
async fn two_tees_for(till: &ApiClient, customer: &str) -> (String, String) {
    let cart = json!({
        "lines": [{"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99"}],
        "posted_at": NOV_20, "customer_code": customer
    });
    let priced = till.post("/api/v1/carts/evaluate", &cart).await;
    assert_eq!(priced.status, StatusCode::OK, "{:?}", priced.json);
    let offer = &priced.json["offers"][0];
    assert_eq!(offer["offer"], "Come back 10%", "{:?}", priced.json);
    let said = if offer["applied"] == true {
        "applied".to_owned()
    } else {
        offer["reason"].as_str().unwrap().to_owned()
    };
    (
        priced.json["lines"][0]["discount_amount"]
            .as_str()
            .unwrap()
            .to_owned(),
        said,
    )
}

/// Sale `n` of two black tees to `customer` claiming 4.00 off from the segment's offer.
fn claiming(n: u32, customer: &str) -> Value {
    let mut body = sale(
        n,
        NOV_20,
        vec![line(
            "TEE-BLK-M",
            "2",
            "19.99",
            "4.00",
            Some("Come back 10%"),
        )],
    );
    body["customer_code"] = customer.into();
    body
}

#[actix_web::test]
async fn a_segment_offer_goes_to_its_members_and_tells_anyone_else_why_at_evaluate_and_submission()
{
    let (app, till) = shop().await;
    // Ana Lima is CUST-00002, the Walk-in Customer CUST-00001.
    let segment = lapsed_regulars(&app, &["CUST-00002"]);
    come_back(&app, segment);

    assert_eq!(
        two_tees_for(&till, "CUST-00002").await,
        ("4.00".to_owned(), "applied".to_owned())
    );
    let (discount, why) = two_tees_for(&till, "CUST-00001").await;
    assert_eq!(discount, "0.00");
    assert_eq!(why, "not in segment Lapsed regulars as of 7 Dec, 03:00");

    let made = till
        .post("/api/v1/invoices", &claiming(1, "CUST-00002"))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(made.json["lines"][0]["discount_amount"], "4.00");

    let refused = till
        .post("/api/v1/invoices", &claiming(2, "CUST-00001"))
        .await;
    assert_eq!(
        refusal(&refused, "lines[0].offer"),
        "Come back 10% does not apply: not in segment Lapsed regulars as of 7 Dec, 03:00."
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 1);

    // The next snapshot takes the Walk-in Customer in: the offer now reaches them, and the
    // reason of a miss would name the new time.
    app.sql(&format!(
        "INSERT INTO segment_members SELECT {segment}, id FROM customers WHERE code = 'CUST-00001'"
    ));
    app.sql(&format!(
        "UPDATE segments SET snapshot_at = '2026-12-08T08:00:00Z' WHERE id = {segment}"
    ));
    assert_eq!(
        two_tees_for(&till, "CUST-00001").await,
        ("4.00".to_owned(), "applied".to_owned())
    );
    app.sql(&format!(
        "DELETE FROM segment_members WHERE segment_id = {segment} AND customer_id = \
         (SELECT id FROM customers WHERE code = 'CUST-00002')"
    ));
    assert_eq!(
        two_tees_for(&till, "CUST-00002").await.1,
        "not in segment Lapsed regulars as of 8 Dec, 03:00"
    );
    let made = till
        .post("/api/v1/invoices", &claiming(3, "CUST-00001"))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
}

#[actix_web::test]
async fn the_feed_tells_tills_a_segment_offer_needs_the_servers_evaluate() {
    let (app, till) = shop().await;
    let segment = lapsed_regulars(&app, &["CUST-00002"]);
    let aimed = come_back(&app, segment);
    let everyone = offers::percent_off(&app, "Tees 5%", "TEE-BLK-M", 5);

    let feed = till.get("/api/v1/offers/changes").await;
    assert_eq!(feed.status, StatusCode::OK, "{:?}", feed.json);
    let flag = |id: i64| {
        feed.json["offers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .map(|o| o["terms"]["needs_server_evaluate"].clone())
    };
    assert_eq!(flag(aimed), Some(Value::Bool(true)));
    assert_eq!(flag(everyone), Some(Value::Bool(false)));

    let doc = app.client().get("/api/openapi.json").await;
    assert!(
        doc.body.contains("needs_server_evaluate"),
        "the field is documented"
    );
}

#[actix_web::test]
async fn the_simulator_explains_a_miss_by_the_segments_snapshot() {
    let (app, _till) = shop().await;
    let segment = lapsed_regulars(&app, &["CUST-00002"]);
    come_back(&app, segment);
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    let outsider = marketing
        .get("/offers/simulator?store=NORTH&item=TEE-BLK-M&qty=2&rate=19.99&customer=CUST-00001")
        .await;
    assert_eq!(outsider.status, StatusCode::OK, "{}", outsider.body);
    outsider.assert_contains(
        r#"<span><span class="badge badge-inactive">Not applied</span> not in segment Lapsed regulars as of 7 Dec, 03:00</span>"#,
    );
    let member = marketing
        .get("/offers/simulator?store=NORTH&item=TEE-BLK-M&qty=2&rate=19.99&customer=CUST-00002")
        .await;
    member.assert_lacks("not in segment");
}

/// The offer form of "Come back 10%" on the black tee with Customer Segment `segment`.
fn form(app: &TestApp, segment: &str) -> Form {
    offer(
        app,
        "Come back 10%",
        &[("apply_on_item", "TEE-BLK-M"), ("segment_id", segment)],
    )
}

#[actix_web::test]
async fn the_form_offers_the_companys_segments_refuses_anothers_and_the_offer_reads_its_snapshot() {
    let (app, _till) = shop().await;
    let ours = lapsed_regulars(&app, &["CUST-00002"]);
    let other_company = app.count(
        "INSERT INTO companies (name, currency_code) VALUES ('Other Co', 'EUR') RETURNING id AS n",
    );
    let theirs = app.count(&format!(
        "INSERT INTO segments (company_id, name) VALUES ({other_company}, 'Their VIPs') RETURNING id AS n"
    ));
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    let new = marketing.get("/offers/new").await;
    new.assert_contains(r#"<label for="f-segment_id">Customer Segment</label>"#);
    new.assert_contains(&format!(
        r#"<option value="{ours}">Lapsed regulars</option>"#
    ));
    new.assert_lacks("Their VIPs");

    let refused = post(&marketing, "/offers", &form(&app, &theirs.to_string())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains(
        r#"<p class="field-error" id="f-segment_id-error">Choose a segment of the offer&#39;s company.</p>"#,
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM offers"), 0);

    let made = post(&marketing, "/offers", &form(&app, &ours.to_string())).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(
        app.count("SELECT segment_id AS n FROM offer_versions"),
        ours
    );
    let page = marketing.get(made.location().unwrap()).await;
    page.assert_contains("· customers in segment Lapsed regulars ·");
    page.assert_contains(
        "<dt>Customer Segment</dt><dd>Lapsed regulars (members as of 7 Dec 2026, 03:00)</dd>",
    );
    let edit = marketing
        .get(&format!("{}/edit", made.location().unwrap()))
        .await;
    edit.assert_contains(&format!(
        r#"<option value="{ours}" selected>Lapsed regulars</option>"#
    ));
}

#[actix_web::test]
async fn the_customer_segment_field_fits_beside_customer_group_at_1366_and_390_px() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, _till) = shop().await;
    let segment = lapsed_regulars(&app, &["CUST-00002"]);
    app.sql(&format!(
        "UPDATE segments SET name = 'Lapsed regulars who spent over $1,234,567.89 last year' \
         WHERE id = {segment}"
    ));
    let id = come_back(&app, segment);
    let user = app.user(Role::Marketing);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    for width in [1366, 390] {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .goto(&format!("{}/offers/{id}/edit", app.base))
            .await
            .unwrap();
        browser
            .execute(
                "document.getElementById('f-segment_id').scrollIntoView({block: 'center'});",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            text_of(&browser, Locator::Css("label[for=f-segment_id]")).await,
            "Customer Segment"
        );
        look(&browser, width, "segment-field").await;
        browser
            .goto(&format!("{}/offers/{id}", app.base))
            .await
            .unwrap();
        look(&browser, width, "segment-offer").await;
    }
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}
