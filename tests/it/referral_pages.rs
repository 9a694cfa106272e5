//! Referral codes as marketing keeps them over HTTP: created with the customer picker's value
//! (code typed or made), found by code or referrer, edited (never the code), disabled and
//! audited; automatic codes for a store's new customers and for HQ's by the company setting;
//! the customer page's Referrals card; a merge moving codes, registrations and coupons.

use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::common::referrals::{self, alice, coupons_of};
use crate::common::shop::shop;

#[actix_web::test]
async fn marketing_creates_finds_edits_and_disables_a_code_and_each_change_is_audited() {
    let (app, _till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    let alice_code = app.text(&format!(
        "SELECT code AS t FROM customers WHERE id = {alice}"
    ));
    let company = app
        .count("SELECT company_id AS n FROM offers LIMIT 1")
        .to_string();
    let (client, _) = app.signed_in(Role::Marketing).await;
    let page = client.get("/referrals/new").await;
    assert_eq!(page.status, StatusCode::OK);
    for label in [
        "Referral Code",
        "Customer",
        "Customer Offer",
        "Primary Offer",
        "Max Registrations",
        "Reward Referrer",
    ] {
        page.assert_contains(&format!(r#">{label}"#));
    }
    let (welcome, thanks) = (offers.welcome.to_string(), offers.thanks.to_string());
    let form = |code: &'static str, customer: &str| {
        vec![
            ("code", code.to_owned()),
            ("company_id", company.clone()),
            ("customer", customer.to_owned()),
            ("customer_offer_id", welcome.clone()),
            ("primary_offer_id", thanks.clone()),
            ("max_registrations", "25".to_owned()),
            ("reward_referrer", "first_purchase".to_owned()),
        ]
    };
    let refs = |pairs: &[(&'static str, String)]| -> Vec<(&'static str, String)> { pairs.to_vec() };
    // An offer that is not coupon based cannot carry a referral coupon.
    let auto =
        crate::common::offers::make(&app, crate::common::offers::terms("Auto 5%", "grand_total"));
    let mut bad = refs(&form("", &alice_code));
    bad[3].1 = auto.to_string();
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = client.post_form("/referrals", &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Auto 5% is not Coupon Based: a referral coupon cannot activate it.");

    let typed = form("alice-2026", &alice_code);
    let typed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = client.post_form("/referrals", &typed).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let shown = client.get(page.location().unwrap()).await;
    shown.assert_contains("ALICE-2026");
    shown.assert_contains("Alice Moreau");
    shown.assert_contains("alice@example.com");
    shown.assert_contains("0 of 25");
    shown.assert_contains("After the new customer&#39;s first purchase");
    // The same code again is refused; an empty code is made from the alphabet.
    let page = client.post_form("/referrals", &typed).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Another referral code of the company is ALICE-2026.");
    let made = form("", &alice_code);
    let made: Vec<(&str, &str)> = made.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = client.post_form("/referrals", &made).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    client.get(page.location().unwrap()).await;
    let generated = app.text("SELECT code AS t FROM referral_codes WHERE code <> 'ALICE-2026'");
    assert_eq!(generated.len(), 10);
    assert!(
        !generated.contains(['0', 'O', '1', 'I', 'L']),
        "{generated}"
    );

    // Found by the code's start and by the referrer's name.
    let list = client.get("/referrals?q=alice-20").await;
    list.assert_contains("ALICE-2026");
    list.assert_lacks(&generated);
    let list = client.get("/referrals?q=moreau").await;
    list.assert_contains("ALICE-2026");
    list.assert_contains(&generated);
    let fragment = client.get_fragment("/referrals?q=nobody").await;
    assert!(!fragment.body.contains("<html"));

    // Edited: everything but the code (a changed code in the post is ignored).
    let id = app.count("SELECT id AS n FROM referral_codes WHERE code = 'ALICE-2026'");
    let edit = client.get(&format!("/referrals/{id}/edit")).await;
    edit.assert_contains("readonly");
    let mut changed = form("HACKED", &alice_code);
    changed[5].1 = "40".into();
    let changed: Vec<(&str, &str)> = changed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = client
        .post_form(&format!("/referrals/{id}"), &changed)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let shown = client.get(&format!("/referrals/{id}")).await;
    shown.assert_contains("ALICE-2026");
    shown.assert_contains("0 of 40");

    let page = client
        .post_form(&format!("/referrals/{id}/disable"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    client.get(page.location().unwrap()).await;
    let list = client.get("/referrals?disabled=yes").await;
    list.assert_contains("ALICE-2026");
    list.assert_lacks(&generated);
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg(action, ',' ORDER BY id) AS t FROM audit_log \
             WHERE entity = 'referral_code' AND entity_id = '{id}'"
        )),
        "create,update,deactivate"
    );

    // A store supervisor may not see them; HQ reads them but may not change them.
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    assert_eq!(
        supervisor.get("/referrals").await.status,
        StatusCode::FORBIDDEN
    );
    let (hq, _) = app.signed_in(Role::HqManager).await;
    assert_eq!(hq.get("/referrals").await.status, StatusCode::OK);
    assert_eq!(hq.get("/referrals/new").await.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn new_customers_get_their_own_code_where_the_store_or_the_company_says_so() {
    let (app, till) = shop().await;
    let offers = referrals::offers(&app);
    let company = app.count("SELECT company_id AS n FROM offers LIMIT 1");
    // The switch is off: no code.
    let made = till
        .post(
            "/api/v1/customers",
            &json!({"id": Uuid::new_v4(), "first_name": "Dina"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    assert_eq!(app.count("SELECT count(*) AS n FROM referral_codes"), 0);

    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing
        .get(&format!("/companies/{company}/referral-defaults"))
        .await;
    page.assert_contains("Auto Create Referral For New Customers");
    let page = marketing
        .post_form(
            &format!("/companies/{company}/referral-defaults"),
            &[("auto_create", "on")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Choose the Customer Offer: an automatic code needs one.");
    let (welcome, thanks) = (offers.welcome.to_string(), offers.thanks.to_string());
    let page = marketing
        .post_form(
            &format!("/companies/{company}/referral-defaults"),
            &[
                ("customer_offer_id", &welcome),
                ("primary_offer_id", &thanks),
                ("max_registrations", "10"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // The store's profile switch on: a till's new customer gets a code carrying the defaults.
    app.sql("UPDATE pos_profiles SET auto_create_referral = true");
    let made = till
        .post(
            "/api/v1/customers",
            &json!({"id": Uuid::new_v4(), "first_name": "Eli"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM referral_codes r JOIN customers c ON c.id = r.customer_id \
             WHERE c.first_name = 'Eli' AND r.customer_offer_id = {welcome} \
             AND r.primary_offer_id = {thanks} AND r.max_registrations = 10"
        )),
        1
    );
    // Eli's code works at once: Fay registers with it.
    let eli = app.text(
        "SELECT r.code AS t FROM referral_codes r JOIN customers c ON c.id = r.customer_id \
         WHERE c.first_name = 'Eli'",
    );
    let fay = till
        .post(
            "/api/v1/customers",
            &json!({"id": Uuid::new_v4(), "first_name": "Fay", "referral_code": eli.to_lowercase()}),
        )
        .await;
    assert_eq!(fay.status, StatusCode::CREATED, "{:?}", fay.json);
    assert_eq!(coupons_of(&app, "Fay", offers.welcome), 1);
    assert_eq!(coupons_of(&app, "Eli", offers.thanks), 1);

    // At HQ the company's setting decides: off, then on.
    let group = app
        .count("SELECT min(id) AS n FROM customer_groups")
        .to_string();
    let territory = app
        .count("SELECT min(id) AS n FROM territories")
        .to_string();
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let create = |first: &'static str| {
        vec![
            ("first_name", first),
            ("customer_group_id", group.as_str()),
            ("territory_id", territory.as_str()),
        ]
    };
    assert_eq!(
        hq.post_form("/customers", &create("Gus")).await.status,
        StatusCode::SEE_OTHER
    );
    marketing
        .post_form(
            &format!("/companies/{company}/referral-defaults"),
            &[("auto_create", "on"), ("customer_offer_id", &welcome)],
        )
        .await;
    assert_eq!(
        hq.post_form("/customers", &create("Hal")).await.status,
        StatusCode::SEE_OTHER
    );
    let owners = app.text(
        "SELECT string_agg(c.first_name, ',' ORDER BY c.id) AS t FROM referral_codes r \
         JOIN customers c ON c.id = r.customer_id",
    );
    // Fay was created at the store with the switch on: she has her own code too.
    assert_eq!(owners, "Eli,Fay,Hal");
    // The company page points marketing at the section.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin.get(&format!("/companies/{company}")).await;
    page.assert_contains("Referral defaults");
    page.assert_contains(&format!("/companies/{company}/referral-defaults"));
}

#[actix_web::test]
async fn the_customer_page_shows_codes_referrals_and_coupon_statuses_and_a_merge_moves_them() {
    let (app, till) = shop().await;
    let offers = referrals::offers(&app);
    let alice = alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);
    let bob = till
        .post(
            "/api/v1/customers",
            &json!({"id": Uuid::new_v4(), "first_name": "Bob", "last_name": "Doe", "referral_code": "ALICE2026"}),
        )
        .await;
    assert_eq!(bob.status, StatusCode::CREATED);
    let bob_id = app.count("SELECT id AS n FROM customers WHERE first_name = 'Bob'");
    let (client, _) = app.signed_in(Role::Admin).await;
    let page = client.get(&format!("/customers/{alice}")).await;
    page.assert_contains("Referrals");
    page.assert_contains(r#"data-copy="ALICE2026""#);
    page.assert_contains("Bob Doe");
    page.assert_contains("Unused");
    let page = client.get(&format!("/customers/{bob_id}")).await;
    page.assert_contains("Referred by");
    page.assert_contains("Alice Moreau");
    page.assert_contains("ALICE2026");

    // Alice's duplicate record is merged into her main one: the code, the registration she made
    // and her coupon follow.
    let main = app.count(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT 'Alicia', 'Moreau', min(g.id), min(t.id) FROM customer_groups g, territories t \
         RETURNING id AS n",
    );
    let page = client
        .post_form(
            "/customers/merge",
            &[("keep", &main.to_string()), ("merge", &alice.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM referral_codes WHERE customer_id = {main}"
        )),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM referral_registrations WHERE referrer_id = {main}"
        )),
        1
    );
    assert_eq!(coupons_of(&app, "Alicia", offers.thanks), 1);
    let page = client.get(&format!("/customers/{main}")).await;
    page.assert_contains(r#"data-copy="ALICE2026""#);
    page.assert_contains("Bob Doe");
}
