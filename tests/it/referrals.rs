//! Referral codes at registration, worked over HTTP as the issue tells them: Alice's code, Bob
//! and Carol registered with it at a till (each with a welcome coupon, Alice with one per
//! registration), a disabled or full code and a self-referral refused with the message and
//! nothing made, a retried create making no second coupons, the After first purchase reward
//! coming with Bob's first sale and going away with its cancel, and the HQ form's field.

use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::common::coupons::{sale, uuid_of};
use crate::common::referrals::{self, alice, coupons_of};
use crate::common::shop::shop;
use crate::common::{ApiClient, ApiReply, TestApp};

async fn register(till: &ApiClient, id: &str, first: &str, mobile: &str, code: &str) -> ApiReply {
    till.post(
        "/api/v1/customers",
        &json!({"id": id, "first_name": first, "last_name": "Doe", "mobile": mobile,
                "email": format!("{}@example.com", first.to_lowercase()), "referral_code": code}),
    )
    .await
}

fn customers_named(app: &TestApp, first: &str) -> i64 {
    app.count(&format!(
        "SELECT count(*) AS n FROM customers WHERE first_name = '{first}'"
    ))
}

#[actix_web::test]
async fn bob_and_carol_registered_with_alices_code_get_welcome_coupons_and_alice_two_thanks() {
    let (app, till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);

    let checked = till.get("/api/v1/referral-codes/alice2026").await;
    assert_eq!(checked.status, StatusCode::OK, "{:?}", checked.json);
    assert_eq!(checked.json["code"], "ALICE2026");
    assert_eq!(checked.json["referrer"]["name"], "Alice Moreau");
    assert_eq!(checked.json["customer_offer"], "Tees 10% coupon");
    assert_eq!(checked.json["registrations_left"], serde_json::Value::Null);

    let bob = Uuid::new_v4().to_string();
    let made = register(&till, &bob, "Bob", "+1 555 010 2222", " alice2026 ").await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(coupons_of(&app, "Bob", offers.welcome), 1);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 1);

    // Bob's coupon is his to use at the till, for the welcome offer.
    let code = app.text(&format!(
        "SELECT c.code AS t FROM coupons c JOIN customers p ON p.id = c.customer_id \
         WHERE p.uuid = '{bob}'"
    ));
    let valid = till
        .post(
            "/api/v1/coupons/validate",
            &json!({"code": code, "customer_id": bob, "posted_at": "2026-11-20T10:00:00Z"}),
        )
        .await;
    assert_eq!(valid.status, StatusCode::OK, "{:?}", valid.json);
    assert_eq!(valid.json["offer"]["title"], "Tees 10% coupon");
    assert_eq!(valid.json["uses_left"], 1);

    let carol = register(&till, &Uuid::new_v4().to_string(), "Carol", "", "ALICE2026").await;
    assert_eq!(carol.status, StatusCode::CREATED, "{:?}", carol.json);
    assert_eq!(coupons_of(&app, "Carol", offers.welcome), 1);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 2);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM referral_registrations"),
        2
    );
    assert_eq!(
        app.count("SELECT registrations::bigint AS n FROM referral_codes"),
        2
    );
}

#[actix_web::test]
async fn a_disabled_full_or_unknown_code_and_a_self_referral_are_refused_with_nothing_made() {
    let (app, till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);

    // Bob's mobile is Alice's, written another way: a self-referral.
    let refused = register(
        &till,
        &Uuid::new_v4().to_string(),
        "Bob",
        "+1 (555) 010-1111",
        "ALICE2026",
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.json["error"]["fields"]["referral_code"],
        "This is a self-referral: the new customer's mobile or email is the referrer's own."
    );
    // The same email as Alice's, in other case.
    let refused = till
        .post(
            "/api/v1/customers",
            &json!({"id": Uuid::new_v4(), "first_name": "Bob", "email": "ALICE@example.com",
                    "referral_code": "ALICE2026"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.json["error"]["fields"]["referral_code"]
            .as_str()
            .unwrap()
            .starts_with("This is a self-referral")
    );

    let unknown = register(&till, &Uuid::new_v4().to_string(), "Bob", "", "NOPE2026").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unknown.json["error"]["fields"]["referral_code"],
        "No referral code NOPE2026 exists."
    );

    app.sql("UPDATE referral_codes SET disabled = true");
    let disabled = register(&till, &Uuid::new_v4().to_string(), "Bob", "", "ALICE2026").await;
    assert_eq!(disabled.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        disabled.json["error"]["fields"]["referral_code"],
        "Referral code ALICE2026 is disabled."
    );
    let checked = till.get("/api/v1/referral-codes/ALICE2026").await;
    assert_eq!(checked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(checked.json["error"]["code"], "disabled");

    app.sql("UPDATE referral_codes SET disabled = false, max_registrations = 1, registrations = 1");
    let full = register(&till, &Uuid::new_v4().to_string(), "Bob", "", "ALICE2026").await;
    assert_eq!(
        full.json["error"]["fields"]["referral_code"],
        "Referral code ALICE2026 has reached its limit of 1 registration."
    );

    assert_eq!(customers_named(&app, "Bob"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM coupons"), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM referral_registrations"),
        0
    );
}

#[actix_web::test]
async fn a_retried_create_makes_no_second_coupons() {
    let (app, till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);
    let bob = Uuid::new_v4().to_string();
    let first = register(&till, &bob, "Bob", "", "ALICE2026").await;
    assert_eq!(first.status, StatusCode::CREATED);
    let retry = register(&till, &bob, "Bob", "", "ALICE2026").await;
    assert_eq!(retry.status, StatusCode::OK, "{:?}", retry.json);
    assert_eq!(retry.json["code"], first.json["code"]);
    // Two retries at once, too.
    let (a, b) = futures_util::join!(
        register(&till, &bob, "Bob", "", "ALICE2026"),
        register(&till, &bob, "Bob", "", "ALICE2026")
    );
    assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(coupons_of(&app, "Bob", offers.welcome), 1);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 1);
    assert_eq!(
        app.count("SELECT registrations::bigint AS n FROM referral_codes"),
        1
    );
}

#[actix_web::test]
async fn after_first_purchase_alices_coupon_comes_with_bobs_first_sale_and_goes_with_its_cancel() {
    let (app, till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);
    app.sql("UPDATE referral_codes SET reward_referrer = 'first_purchase'");
    let made = register(&till, &Uuid::new_v4().to_string(), "Bob", "", "ALICE2026").await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(coupons_of(&app, "Bob", offers.welcome), 1);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 0);

    let bob = uuid_of(&app, "Bob");
    let first_id = Uuid::new_v4().to_string();
    let first = sale(&till, &first_id, 1, Some(&bob), &[]).await;
    let posted = till.post("/api/v1/invoices", &first).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.json);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 1);
    // The same sale again (a till's retry) and a second sale: still one.
    till.post("/api/v1/invoices", &first).await;
    let second_id = Uuid::new_v4().to_string();
    let second = sale(&till, &second_id, 2, Some(&bob), &[]).await;
    let posted = till.post("/api/v1/invoices", &second).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.json);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 1);

    // A second sale's cancel leaves it; the first sale's cancel withdraws it, unused.
    let cancelled = till
        .post(&format!("/api/v1/invoices/{second_id}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 1);
    let cancelled = till
        .post(&format!("/api/v1/invoices/{first_id}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 0);

    // Bob's next sale is his first live purchase: Alice is thanked again, once.
    let third = sale(&till, &Uuid::new_v4().to_string(), 1, Some(&bob), &[]).await;
    let posted = till.post("/api/v1/invoices", &third).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.json);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 1);
}

#[actix_web::test]
async fn a_used_reward_stays_when_the_first_sale_is_cancelled() {
    let (app, till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);
    app.sql("UPDATE referral_codes SET reward_referrer = 'first_purchase'");
    register(&till, &Uuid::new_v4().to_string(), "Bob", "", "ALICE2026").await;
    let bob = uuid_of(&app, "Bob");
    let first_id = Uuid::new_v4().to_string();
    let first = sale(&till, &first_id, 1, Some(&bob), &[]).await;
    till.post("/api/v1/invoices", &first).await;
    app.sql("UPDATE coupons SET used = 1 WHERE offer_id IN (SELECT id FROM offers WHERE title = 'Referrer thanks 15%')");
    let cancelled = till
        .post(&format!("/api/v1/invoices/{first_id}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 1);
}

#[actix_web::test]
async fn the_hq_customer_form_registers_with_a_referral_code_or_shows_why_not() {
    let (app, _till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);
    let group = app
        .count("SELECT min(id) AS n FROM customer_groups")
        .to_string();
    let territory = app
        .count("SELECT min(id) AS n FROM territories")
        .to_string();
    let (client, _) = app.signed_in(Role::HqManager).await;
    let page = client.get("/customers/new").await;
    page.assert_contains(r#"<label for="f-referral_code">Referral Code</label>"#);

    let form = |first: &'static str, mobile: &'static str, code: &'static str| {
        vec![
            ("first_name", first),
            ("last_name", "Doe"),
            ("customer_group_id", group.as_str()),
            ("territory_id", territory.as_str()),
            ("mobile", mobile),
            ("referral_code", code),
            ("confirm_duplicates", "1"),
        ]
    };
    let page = client
        .post_form("/customers", &form("Bob", "+1 555 010 1111", "alice2026"))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        r#"<p class="field-error" id="f-referral_code-error">This is a self-referral"#,
    );
    page.assert_contains(r#"value="alice2026""#);
    assert_eq!(customers_named(&app, "Bob"), 0);

    let page = client
        .post_form("/customers", &form("Bob", "+1 555 010 2222", "alice2026"))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(coupons_of(&app, "Bob", offers.welcome), 1);
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 1);
    // Audited as the person who created Bob.
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'coupon' AND action = 'create' \
             AND actor_id IS NOT NULL"
        ),
        2
    );
}

#[actix_web::test]
async fn the_funnel_counts_a_small_known_campaign_and_downloads_as_csv() {
    let (app, till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);
    app.sql(
        "INSERT INTO campaigns (company_id, name, start_date) SELECT company_id, 'Spring friends', \
         '2026-01-01' FROM offers LIMIT 1",
    );
    app.sql("UPDATE referral_codes SET campaign_id = (SELECT id FROM campaigns)");
    // A second code nobody used yet, outside any campaign.
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    referrals::code(&app, ana, "ANA2026", &offers);
    app.sql("UPDATE referral_codes SET campaign_id = NULL WHERE code = 'ANA2026'");
    for first in ["Bob", "Carol"] {
        let made = register(&till, &Uuid::new_v4().to_string(), first, "", "ALICE2026").await;
        assert_eq!(made.status, StatusCode::CREATED);
    }
    // Bob buys a tee with his welcome coupon (10% off 19.99); Carol buys nothing.
    let bob = uuid_of(&app, "Bob");
    let welcome = app.text(
        "SELECT c.code AS t FROM coupons c JOIN customers p ON p.id = c.customer_id \
         WHERE p.first_name = 'Bob'",
    );
    let bought = sale(
        &till,
        &Uuid::new_v4().to_string(),
        1,
        Some(&bob),
        &[&welcome],
    )
    .await;
    let posted = till.post("/api/v1/invoices", &bought).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.json);

    let (client, _) = app.signed_in(Role::Marketing).await;
    let page = client
        .get("/reports/referrals?from=2026-11-01&to=2026-12-31")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains("<svg class=\"funnel-chart\"");
    page.assert_contains(
        r#"<span class="funnel-label">Codes issued</span> <strong class="num">2</strong>"#,
    );
    page.assert_contains(
        r#"<span class="funnel-label">Registrations</span> <strong class="num">2</strong> <span class="muted">100%</span>"#,
    );
    page.assert_contains(
        r#"<span class="funnel-label">First purchases</span> <strong class="num">1</strong> <span class="muted">50%</span>"#,
    );
    page.assert_contains(r#"<dd id="funnel-revenue">$17.99</dd>"#);
    page.assert_contains(r#"<dd id="funnel-coupons-issued">4</dd>"#);
    page.assert_contains(r#"<dd id="funnel-coupons-used">1</dd>"#);
    page.assert_contains("<td>Spring friends</td>");
    page.assert_contains(&format!(
        r#"<a href="/customers/{alice}">Alice Moreau (CUST-"#
    ));

    let csv = client
        .get("/reports/referrals.csv?from=2026-11-01&to=2026-12-31")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "Group,Name,Codes issued,Registrations,First purchases,Revenue,Currency,Reward coupons issued,Reward coupons used"
    );
    assert_eq!(lines[1], "Total,All referrals,2,2,1,17.99,USD,4,1");
    assert_eq!(lines[2], "Campaign,Spring friends,1,2,1,17.99,USD,4,1");
    assert_eq!(lines[3], "Campaign,No campaign,1,0,0,0.00,USD,0,0");

    // Bob's sale cancelled: he has bought nothing, and his coupon is his again to use.
    let cancelled = till
        .post(
            &format!("/api/v1/invoices/{}/cancel", bought["id"].as_str().unwrap()),
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    let csv = client
        .get("/reports/referrals.csv?from=2026-11-01&to=2026-12-31")
        .await;
    assert_eq!(
        csv.body.lines().nth(1),
        Some("Total,All referrals,2,2,0,0.00,USD,4,0")
    );

    // A range before anything happened is empty; a bad date is told by its field.
    let page = client
        .get("/reports/referrals?from=2025-01-01&to=2025-01-31")
        .await;
    page.assert_contains("Nobody referred anyone in this range.");
    let page = client.get("/reports/referrals?from=yesterday").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Enter a date like 2026-01-31.");
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    assert_eq!(
        supervisor.get("/reports/referrals").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn the_seed_makes_registrations_the_funnel_counts() {
    let (app, _till) = shop().await;
    let made = patron::referrals::synthetic::add_registrations(&mut app.conn(), 30).unwrap();
    assert_eq!(made, 30);
    // Their purchases skip the invoice pipeline: `patron seed` rebuilds the rollups after them.
    patron::reports::rebuild::rebuild(&mut app.conn(), None, |_, _| {}).unwrap();
    assert_eq!(
        app.count("SELECT count(*) AS n FROM referral_registrations"),
        30
    );
    // One code per ten registrations, on the customers there are (the shop has two).
    assert_eq!(app.count("SELECT count(*) AS n FROM referral_codes"), 2);
    // Three in five bought: 18 of 30.
    let (client, _) = app.signed_in(Role::Marketing).await;
    let page = client
        .get("/reports/referrals?from=2025-01-01&to=2027-12-31")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(
        r#"<span class="funnel-label">First purchases</span> <strong class="num">18</strong>"#,
    );
    page.assert_contains(r#"<dd id="funnel-coupons-issued">60</dd>"#);
}

#[actix_web::test]
async fn max_registrations_holds_exactly_when_tills_register_at_once() {
    let (app, till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);
    app.sql("UPDATE referral_codes SET max_registrations = 3");
    let guests: Vec<(String, String)> = (0..8)
        .map(|i| (Uuid::new_v4().to_string(), format!("Guest{i}")))
        .collect();
    let answers = futures_util::future::join_all(
        guests
            .iter()
            .map(|(id, name)| register(&till, id, name, "", "ALICE2026")),
    )
    .await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    let refused = answers
        .iter()
        .filter(|a| {
            a.status == StatusCode::UNPROCESSABLE_ENTITY
                && a.json["error"]["fields"]["referral_code"]
                    == "Referral code ALICE2026 has reached its limit of 3 registrations."
        })
        .count();
    assert_eq!((created, refused), (3, 5), "{answers:?}");
    assert_eq!(
        app.count("SELECT registrations::bigint AS n FROM referral_codes"),
        3
    );
    assert_eq!(coupons_of(&app, "Alice", offers.thanks), 3);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customers WHERE first_name LIKE 'Guest%'"),
        3
    );
}
