//! Offers in the till API: the feed of the offers that concern a store, and carts priced by the
//! server's engine (a budget used up stops its campaign's offers in evaluation, never a sale).

use patron::kernel::Actor;
use patron::offers::model::campaigns::{self, CampaignFields};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::json;

use crate::common::offers;
use crate::common::shop::shop;

#[actix_web::test]
async fn the_feed_carries_this_stores_offers_and_tells_of_another_stores() {
    let (app, till) = shop().await;
    let everywhere = offers::percent_off(&app, "Tees 10%", "TEE-BLK-M", 10);
    let mut elsewhere = offers::terms("South only", "item_price");
    app.store("SOUTH");
    elsewhere.pos_profile_id = Some(
        app.count("SELECT p.id AS n FROM pos_profiles p JOIN stores s ON s.id = p.store_id WHERE s.code = 'SOUTH'"),
    );
    elsewhere.discount_percentage = Decimal::from(5);
    offers::make(&app, elsewhere);

    let page = till.get("/api/v1/offers/changes?limit=1").await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.json);
    assert_eq!(page.json["has_more"], true);
    let first = &page.json["offers"][0];
    assert_eq!(first["id"], everywhere);
    assert_eq!(first["title"], "Tees 10%");
    assert_eq!(first["applies"], true);
    assert_eq!(first["terms"]["item_code"], "TEE-BLK-M");
    assert_eq!(first["terms"]["discount_percentage"], "10");
    let next = page.json["next"].as_i64().unwrap();

    let rest = till
        .get(&format!("/api/v1/offers/changes?after={next}"))
        .await;
    assert_eq!(rest.json["offers"][0]["title"], "South only");
    assert_eq!(rest.json["offers"][0]["applies"], false);
    assert!(rest.json["offers"][0]["terms"].is_null());
    assert_eq!(rest.json["has_more"], false);

    // An edit puts the offer back in the feed with its new version.
    offers::edit(&app, everywhere, |t| {
        t.discount_percentage = Decimal::from(15)
    });
    let after = rest.json["next"].as_i64().unwrap();
    let edited = till
        .get(&format!("/api/v1/offers/changes?after={after}"))
        .await;
    assert_eq!(edited.json["offers"][0]["version"], 2);
    assert_eq!(
        edited.json["offers"][0]["terms"]["discount_percentage"],
        "15"
    );
}

#[actix_web::test]
async fn a_cart_is_priced_with_reasons_and_can_be_submitted_as_it_is() {
    let (app, till) = shop().await;
    let mut tees = offers::terms("Tees 10% over 50", "item_price");
    tees.apply_on = "item_code".into();
    tees.apply_on_id = Some(offers::item(&app, "TEE-BLK-M"));
    tees.discount_percentage = Decimal::from(10);
    tees.min_amount = Decimal::from(50);
    offers::make(&app, tees);
    offers::free_with(&app, "Cap with 3 tees", "TEE-BLK-M", 3, "CAP-RED");

    let two = till
        .post(
            "/api/v1/carts/evaluate",
            &json!({"lines": [{"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99"}],
                    "posted_at": "2026-11-20T14:03:00Z"}),
        )
        .await;
    assert_eq!(two.status, StatusCode::OK, "{:?}", two.json);
    assert_eq!(two.json["totals"]["grand_total"], "39.98");
    let reasons: Vec<String> = two.json["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            format!(
                "{}: {}",
                o["offer"].as_str().unwrap(),
                o["reason"].as_str().unwrap_or("applied")
            )
        })
        .collect();
    assert!(
        reasons.contains(
            &"Cap with 3 tees: Min Qty 3 not met: 2 in cart (1 more to get 1 free)".to_owned()
        ),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(
            &"Tees 10% over 50: Min Amount 50.00 not met: 39.98 (10.02 more would reach it)"
                .to_owned()
        ),
        "{reasons:?}"
    );

    let three = till
        .post(
            "/api/v1/carts/evaluate",
            &json!({"lines": [{"item_code": "TEE-BLK-M", "qty": "3", "price_list_rate": "19.99"}],
                    "posted_at": "2026-11-20T14:03:00Z"}),
        )
        .await;
    let priced = &three.json;
    assert_eq!(priced["lines"][0]["discount_amount"], "6.00");
    assert_eq!(priced["lines"][0]["offer"], "Tees 10% over 50");
    assert_eq!(priced["lines"][1]["item_code"], "CAP-RED");
    assert_eq!(priced["lines"][1]["is_offer"], true);
    assert_eq!(priced["lines"][1]["amount"], "0.00");
    assert_eq!(priced["totals"]["net_total"], "53.97");

    // The priced cart goes in as an invoice unchanged.
    let sale = json!({
        "id": "0b6f3a52-0000-4000-8000-0000000000a1", "number": "S1-9", "posted_at": "2026-11-20T14:03:00Z",
        "lines": priced["lines"], "payments": [{"mode": "cash", "amount": priced["totals"]["grand_total"]}],
        "totals": priced["totals"]
    });
    let made = till.post("/api/v1/invoices", &sale).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(app.count("SELECT count(*) AS n FROM invoice_offers"), 2);
}

#[actix_web::test]
async fn a_spent_budget_stops_evaluation_but_never_a_sale() {
    let (app, till) = shop().await;
    let company = offers::company(&app, "NORTH");
    let campaign = campaigns::create(
        &mut app.conn(),
        &Actor::System("test"),
        &CampaignFields {
            company_id: company,
            name: "Black Friday".into(),
            description: String::new(),
            start_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            end_date: None,
            active: true,
            budget: Some(Decimal::from(5)),
        },
    )
    .unwrap();
    let mut tees = offers::terms("BF tees", "item_price");
    tees.apply_on = "item_code".into();
    tees.apply_on_id = Some(offers::item(&app, "TEE-BLK-M"));
    tees.discount_percentage = Decimal::from(10);
    tees.campaign_id = Some(campaign);
    offers::make(&app, tees);
    let cart = json!({"lines": [{"item_code": "TEE-BLK-M", "qty": "3", "price_list_rate": "19.99"}],
                      "posted_at": "2026-11-20T14:03:00Z"});
    let priced = till.post("/api/v1/carts/evaluate", &cart).await.json;
    assert_eq!(priced["lines"][0]["discount_amount"], "6.00");

    for n in 1..=2 {
        let sale = json!({
            "id": format!("0b6f3a52-0000-4000-8000-00000000000{n}"), "number": format!("S1-{n}"),
            "posted_at": "2026-11-20T14:03:00Z", "lines": priced["lines"],
            "payments": [{"mode": "cash", "amount": "53.97"}], "totals": priced["totals"]
        });
        let made = till.post("/api/v1/invoices", &sale).await;
        assert_eq!(
            made.status,
            StatusCode::CREATED,
            "sale {n}: {:?}",
            made.json
        );
    }
    assert_eq!(
        app.text(&format!(
            "SELECT discount_given::text AS t FROM campaigns WHERE id = {campaign}"
        )),
        "12.0000"
    );
    let after = till.post("/api/v1/carts/evaluate", &cart).await.json;
    assert_eq!(after["lines"][0]["discount_amount"], "0.00");
    assert_eq!(
        after["offers"][0]["reason"],
        "budget of Black Friday used up"
    );
}
