//! Coupons at the till: every reason of the validation chain over HTTP with its message, a
//! coupon's offer applied to a sale and its use counted, One Use per customer and per coupon,
//! cancel giving a use back once, and Maximum Use held exactly under concurrent sales.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::common::coupons::{self, sale, uuid_of};
use crate::common::shop::shop;

/// A coupon check for `code` on 2026-11-20 for `customer` (a uuid; none: the Walk-in).
fn ask(code: &str, customer: Option<&str>) -> serde_json::Value {
    json!({"code": code, "customer_id": customer, "posted_at": "2026-11-20T10:00:00Z"})
}

#[actix_web::test]
async fn every_reason_of_the_chain_is_told_with_its_code_and_message() {
    let (app, till) = shop().await;
    let offer = coupons::offer(&app);
    let ana = uuid_of(&app, "Ana");
    coupons::make(&app, offer, "WELCOME10", 5);
    for code in [
        "FUTURE", "PAST", "FULL", "PAUSED", "NOTHERE", "GIFTBOB", "ONCE",
    ] {
        coupons::make(&app, offer, code, 0);
    }
    app.sql("UPDATE coupons SET valid_from = '2026-12-01' WHERE code = 'FUTURE'");
    app.sql("UPDATE coupons SET valid_upto = '2026-11-19' WHERE code = 'PAST'");
    app.sql("UPDATE coupons SET maximum_use = 2, used = 2 WHERE code = 'FULL'");
    app.sql("UPDATE coupons SET disabled = true WHERE code = 'PAUSED'");
    app.sql(
        "UPDATE coupons SET coupon_type = 'gift_card', maximum_use = 1, \
         customer_id = (SELECT id FROM customers WHERE first_name = 'Walk-in') WHERE code = 'GIFTBOB'",
    );
    app.sql("UPDATE coupons SET one_use = true WHERE code = 'ONCE'");
    // Another company has its own coupon, and an offer for another store has one here.
    app.sql("INSERT INTO companies (name, currency_code) VALUES ('Other Co', 'USD')");
    app.sql(
        "INSERT INTO offers (company_id, title) SELECT id, 'Theirs' FROM companies WHERE name = 'Other Co'",
    );
    app.sql(
        "INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, offer_type, \
         valid_from, discount_type, auto) SELECT id, 1, '2026-01-01', 'Theirs', 'transaction', \
         'grand_total', '2026-01-01', 'percentage', false FROM offers WHERE title = 'Theirs'",
    );
    app.sql(
        "INSERT INTO coupons (company_id, name, coupon_type, code, offer_id) SELECT company_id, \
         'Theirs', 'promotional', 'THEIRS', id FROM offers WHERE title = 'Theirs'",
    );
    app.store("SOUTH");
    let mut south = crate::common::offers::terms("South only", "item_price");
    south.auto = false;
    south.pos_profile_id = Some(app.count(
        "SELECT p.id AS n FROM pos_profiles p JOIN stores s ON s.id = p.store_id WHERE s.code = 'SOUTH'",
    ));
    south.discount_percentage = 5.into();
    let south = crate::common::offers::make(&app, south);
    app.sql(&format!(
        "UPDATE coupons SET offer_id = {south} WHERE code = 'NOTHERE'"
    ));
    let switched_off = crate::common::offers::make(&app, {
        let mut t = crate::common::offers::terms("Switched off", "item_price");
        t.auto = false;
        t.disabled = true;
        t
    });
    coupons::make(&app, switched_off, "OFFEROFF", 0);

    let valid = till
        .post("/api/v1/coupons/validate", &ask(" welcome10 ", Some(&ana)))
        .await;
    assert_eq!(valid.status, StatusCode::OK, "{:?}", valid.json);
    assert_eq!(valid.json["code"], "WELCOME10");
    assert_eq!(valid.json["offer"]["title"], "Tees 10% coupon");
    assert_eq!(valid.json["uses_left"], 5);

    // ONCE is used by Ana on a sale; GIFTBOB is the Walk-in's, not Ana's.
    let first = sale(&till, &Uuid::new_v4().to_string(), 1, Some(&ana), &["ONCE"]).await;
    let made = till.post("/api/v1/invoices", &first).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);

    for (code, reason, message) in [
        ("NOPE", "unknown_code", "No coupon has the code NOPE."),
        (
            "THEIRS",
            "other_company",
            "Coupon THEIRS belongs to another company.",
        ),
        (
            "FUTURE",
            "not_yet_valid",
            "Coupon FUTURE is not valid until 2026-12-01.",
        ),
        ("PAST", "expired", "Coupon PAST expired on 2026-11-19."),
        (
            "FULL",
            "used_up",
            "Coupon FULL is used up: all 2 uses are taken.",
        ),
        ("PAUSED", "disabled", "Coupon PAUSED is disabled."),
        (
            "OFFEROFF",
            "offer_disabled",
            "Coupon OFFEROFF is for the offer Switched off, which is disabled.",
        ),
        (
            "NOTHERE",
            "offer_not_here",
            "Coupon NOTHERE is for the offer South only, which is for Store SOUTH only.",
        ),
        (
            "GIFTBOB",
            "other_customer",
            "Coupon GIFTBOB is a gift for another customer.",
        ),
        (
            "ONCE",
            "already_used",
            "This customer has already used coupon ONCE; it is one use per customer.",
        ),
    ] {
        let reply = till
            .post("/api/v1/coupons/validate", &ask(code, Some(&ana)))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert_eq!(
            reply.json["error"]["code"], reason,
            "{code}: {:?}",
            reply.json
        );
        assert_eq!(reply.json["error"]["message"], message, "{code}");
        assert_eq!(reply.json["error"]["fields"]["code"], message, "{code}");
    }
    // The Walk-in may use their gift, and ONCE was Ana's use only.
    for code in ["GIFTBOB", "ONCE"] {
        let reply = till
            .post("/api/v1/coupons/validate", &ask(code, None))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{code}: {:?}", reply.json);
    }
}

#[actix_web::test]
async fn a_coupon_applies_its_offer_counts_once_and_cancel_gives_the_use_back_once() {
    let (app, till) = shop().await;
    let offer = coupons::offer(&app);
    coupons::make(&app, offer, "WELCOME10", 5);

    // Without the coupon the offer gives nothing; with it the tees are 10% off.
    let plain = sale(&till, &Uuid::new_v4().to_string(), 2, None, &[]).await;
    assert_eq!(plain["totals"]["grand_total"], "39.98");
    let id = Uuid::new_v4().to_string();
    let with = sale(&till, &id, 2, None, &["welcome10"]).await;
    assert_eq!(with["lines"][0]["offer"], "Tees 10% coupon");
    assert_eq!(with["totals"]["grand_total"], "35.98");
    // Claiming the coupon's offer without the coupon is refused.
    let mut sneaky = with.clone();
    sneaky["id"] = json!(Uuid::new_v4().to_string());
    sneaky["coupon_codes"] = json!([]);
    let refused = till.post("/api/v1/invoices", &sneaky).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.json["error"]["fields"]["lines[0].offer"]
            .as_str()
            .is_some_and(|m| m.contains("needs its coupon")),
        "{:?}",
        refused.json
    );

    let made = till.post("/api/v1/invoices", &with).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(coupons::used(&app, "WELCOME10"), 1);
    // A retry of the same sale counts nothing more.
    let again = till.post("/api/v1/invoices", &with).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(coupons::used(&app, "WELCOME10"), 1);

    let cancelled = till
        .post(&format!("/api/v1/invoices/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    assert_eq!(coupons::used(&app, "WELCOME10"), 0);
    let twice = till
        .post(&format!("/api/v1/invoices/{id}/cancel"), &json!({}))
        .await;
    assert!(twice.status.is_success(), "{:?}", twice.json);
    assert_eq!(coupons::used(&app, "WELCOME10"), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM coupon_redemptions WHERE released_at IS NOT NULL"),
        1
    );

    // Listing a coupon twice, or on a return, is refused.
    let twice_listed = sale(&till, &Uuid::new_v4().to_string(), 1, None, &["WELCOME10"]).await;
    let mut doubled = twice_listed.clone();
    doubled["coupon_codes"] = json!(["WELCOME10", "welcome10"]);
    let reply = till.post("/api/v1/invoices", &doubled).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.json["error"]["fields"]["coupon_codes[1]"].is_string());
}

#[actix_web::test]
async fn one_use_is_once_per_customer_for_that_coupon_only() {
    let (app, till) = shop().await;
    let offer = coupons::offer(&app);
    let ana = uuid_of(&app, "Ana");
    coupons::make(&app, offer, "ONCE-A", 0);
    coupons::make(&app, offer, "ONCE-B", 0);
    app.sql("UPDATE coupons SET one_use = true");

    let first = sale(
        &till,
        &Uuid::new_v4().to_string(),
        1,
        Some(&ana),
        &["ONCE-A"],
    )
    .await;
    assert_eq!(
        till.post("/api/v1/invoices", &first).await.status,
        StatusCode::CREATED
    );
    let second = sale(&till, &Uuid::new_v4().to_string(), 1, None, &[]).await;
    let mut again = second.clone();
    again["customer_id"] = json!(ana);
    again["coupon_codes"] = json!(["ONCE-A"]);
    again["lines"] = first["lines"].clone();
    again["totals"] = first["totals"].clone();
    again["payments"] = first["payments"].clone();
    let refused = till.post("/api/v1/invoices", &again).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.json["error"]["fields"]["coupon_codes[0]"],
        "This customer has already used coupon ONCE-A; it is one use per customer."
    );
    assert_eq!(coupons::used(&app, "ONCE-A"), 1);
    // Another One Use coupon, and the same coupon for another customer, still go.
    let other = sale(
        &till,
        &Uuid::new_v4().to_string(),
        1,
        Some(&ana),
        &["ONCE-B"],
    )
    .await;
    assert_eq!(
        till.post("/api/v1/invoices", &other).await.status,
        StatusCode::CREATED
    );
    let walk_in = sale(&till, &Uuid::new_v4().to_string(), 1, None, &["ONCE-A"]).await;
    assert_eq!(
        till.post("/api/v1/invoices", &walk_in).await.status,
        StatusCode::CREATED
    );
    assert_eq!(coupons::used(&app, "ONCE-A"), 2);
}

#[actix_web::test]
async fn maximum_use_holds_exactly_when_sales_arrive_at_once() {
    let (app, till) = shop().await;
    let offer = coupons::offer(&app);
    coupons::make(&app, offer, "LAST10", 10);
    // Priced once (each cart check would see uses left); then 40 tills submit together.
    let template = sale(&till, &Uuid::new_v4().to_string(), 1, None, &["LAST10"]).await;
    let bodies: Vec<_> = (0..40)
        .map(|_| {
            let mut body = template.clone();
            let id = Uuid::new_v4().to_string();
            body["number"] = json!(format!("C-{}", &id[..8]));
            body["id"] = json!(id);
            body
        })
        .collect();
    let replies = join_all(bodies.iter().map(|b| till.post("/api/v1/invoices", b))).await;
    let accepted: Vec<_> = replies
        .iter()
        .zip(&bodies)
        .filter(|(r, _)| r.status == StatusCode::CREATED)
        .map(|(_, b)| b["id"].as_str().unwrap().to_owned())
        .collect();
    let used_up = replies
        .iter()
        .filter(|r| {
            r.status == StatusCode::UNPROCESSABLE_ENTITY
                && r.json["error"]["fields"]["coupon_codes[0]"]
                    == "Coupon LAST10 is used up: all 10 uses are taken."
        })
        .count();
    assert_eq!(
        accepted.len(),
        10,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(used_up, 30);
    assert_eq!(coupons::used(&app, "LAST10"), 10);
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 10);

    // Three cancelled give three uses back: of ten more at once, exactly three go in.
    for id in &accepted[..3] {
        let reply = till
            .post(&format!("/api/v1/invoices/{id}/cancel"), &json!({}))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let more: Vec<_> = (0..10)
        .map(|_| {
            let mut body = template.clone();
            let id = Uuid::new_v4().to_string();
            body["number"] = json!(format!("C-{}", &id[..8]));
            body["id"] = json!(id);
            body
        })
        .collect();
    let replies = join_all(more.iter().map(|b| till.post("/api/v1/invoices", b))).await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert!(replies.iter().all(|r| !r.status.is_server_error()));
    assert_eq!(created, 3);
    assert_eq!(coupons::used(&app, "LAST10"), 10);
}

#[actix_web::test]
async fn a_till_fetches_a_customers_gift_coupons_where_its_profile_says_so() {
    let (app, till) = shop().await;
    let offer = coupons::offer(&app);
    let ana = uuid_of(&app, "Ana");
    coupons::make(&app, offer, "GIFT-ANA", 0);
    coupons::make(&app, offer, "GIFT-USED", 0);
    app.sql(
        "UPDATE coupons SET coupon_type = 'gift_card', maximum_use = 1, \
         customer_id = (SELECT id FROM customers WHERE first_name = 'Ana')",
    );
    app.sql("UPDATE coupons SET used = 1 WHERE code = 'GIFT-USED'");
    let path = format!("/api/v1/customers/{ana}/coupons");
    let off = till.get(&path).await;
    assert_eq!(off.status, StatusCode::FORBIDDEN, "{:?}", off.json);
    app.sql("UPDATE pos_profiles SET auto_fetch_coupon_gifts = true");
    let on = till.get(&path).await;
    assert_eq!(on.status, StatusCode::OK, "{:?}", on.json);
    assert_eq!(on.json["coupons"].as_array().unwrap().len(), 1);
    assert_eq!(on.json["coupons"][0]["code"], "GIFT-ANA");
    assert_eq!(on.json["coupons"][0]["offer"], "Tees 10% coupon");
}

#[actix_web::test]
async fn merging_customers_moves_their_gift_coupons_and_uses() {
    let (app, till) = shop().await;
    let offer = coupons::offer(&app);
    let ana = uuid_of(&app, "Ana");
    coupons::make(&app, offer, "ONCE", 0);
    coupons::make(&app, offer, "GIFT-ANA", 0);
    app.sql("UPDATE coupons SET one_use = true WHERE code = 'ONCE'");
    app.sql(
        "UPDATE coupons SET coupon_type = 'gift_card', maximum_use = 1, \
         customer_id = (SELECT id FROM customers WHERE first_name = 'Ana') WHERE code = 'GIFT-ANA'",
    );
    let used = sale(&till, &Uuid::new_v4().to_string(), 1, Some(&ana), &["ONCE"]).await;
    assert_eq!(
        till.post("/api/v1/invoices", &used).await.status,
        StatusCode::CREATED
    );
    // Ana's duplicate record is merged into the Walk-in's (as HQ would merge two records).
    let (hq, _) = app.signed_in(patron_rules::users::Role::HqManager).await;
    let keep = app
        .count("SELECT id AS n FROM customers WHERE first_name = 'Walk-in'")
        .to_string();
    let merge = app
        .count("SELECT id AS n FROM customers WHERE first_name = 'Ana'")
        .to_string();
    let done = hq
        .post_form("/customers/merge", &[("keep", &keep), ("merge", &merge)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM coupons WHERE code = 'GIFT-ANA' AND customer_id = {keep}"
        )),
        1
    );
    // The kept customer now holds Ana's use of ONCE, so One Use refuses them.
    let again = till
        .post("/api/v1/coupons/validate", &ask("ONCE", None))
        .await;
    assert_eq!(
        again.json["error"]["code"], "already_used",
        "{:?}",
        again.json
    );
    let gift = till
        .post("/api/v1/coupons/validate", &ask("GIFT-ANA", None))
        .await;
    assert_eq!(gift.status, StatusCode::OK, "{:?}", gift.json);
}

#[actix_web::test]
async fn what_a_sale_reads_of_coupons_is_indexed() {
    let app = crate::common::TestApp::spawn().await;
    app.assert_indexed(&[
        ("SELECT id FROM coupons WHERE code = 'WELCOME10'", "coupons_code_key"),
        (
            "SELECT 1 FROM coupon_redemptions WHERE coupon_id = 1 AND customer_id = 2 \
             AND one_use AND released_at IS NULL",
            "coupon_redemptions_one_use_key",
        ),
        (
            "UPDATE coupon_redemptions SET released_at = now() WHERE invoice_id = 7 AND released_at IS NULL",
            "coupon_redemptions_invoice_id_coupon_id_key",
        ),
        ("SELECT id FROM coupons WHERE batch_id = 3", "coupons_batch_idx"),
    ]);
}
