//! The home page per role: a supervisor's store today, HQ's chain-wide sales and new customers,
//! marketing's programs; only what exists is offered, sign-ins stay out of the activity.

use chrono::Utc;
use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::shop::shop;

fn sale_now(id: &str, amount: &str) -> Value {
    json!({
        "id": id, "number": format!("S1-{}", &id[..4]), "posted_at": Utc::now().to_rfc3339(),
        "customer_code": "CUST-00002",
        "lines": [{"item_code": "CAP-RED", "qty": "1", "price_list_rate": amount, "discount_amount": "0"}],
        "coupon_codes": [], "loyalty_points_redeemed": 0, "loyalty_amount": "0", "delivery_charge": null,
        "payments": [{"mode": "cash", "amount": amount}],
        "totals": {"net_total": amount, "discount_amount": "0", "grand_total": amount}
    })
}

#[actix_web::test]
async fn a_supervisor_sees_their_store_today_and_a_search_box() {
    let (app, till) = shop().await;
    for (id, amount) in [
        ("1a1a0000-0000-4000-8000-000000000001", "39.98"),
        ("2b2b0000-0000-4000-8000-000000000002", "20.00"),
    ] {
        let made = till.post("/api/v1/invoices", &sale_now(id, amount)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    }
    let north = app.store("NORTH");
    app.sql(&format!(
        "UPDATE customers SET origin_store_id = {north} WHERE first_name = 'Ana'"
    ));
    let (client, user) = app.signed_in(Role::StoreSupervisor).await;
    app.sql(&format!(
        "UPDATE users SET store_id = {north} WHERE id = {}",
        user.id
    ));

    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    home.assert_contains("$59.98");
    home.assert_contains("2 sales");
    home.assert_contains("sales today at your store");
    home.assert_contains("customers of Store NORTH");
    home.assert_contains("Latest sales at Store NORTH today");
    home.assert_contains("Ana Lima");
    home.assert_contains(r#"action="/customers" role="search""#);
    // The search box looks through the whole chain, their own store's customers first.
    home.assert_lacks(r#"name="store""#);
    home.assert_contains("in every store (Store NORTH's customers first)");
    for absent in [
        "active users",
        "active stores",
        "Latest activity",
        "Loyalty programs",
    ] {
        home.assert_lacks(absent);
    }
}

#[actix_web::test]
async fn hq_sees_the_chains_sales_new_customers_and_changes_without_sign_ins() {
    let (app, till) = shop().await;
    let made = till
        .post(
            "/api/v1/invoices",
            &sale_now("3c3c0000-0000-4000-8000-000000000003", "12.50"),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    let (client, _) = app.signed_in(Role::HqManager).await;

    let home = client.get("/").await;
    home.assert_contains("$12.50");
    home.assert_contains("1 sale");
    home.assert_contains(">sales today<");
    home.assert_contains("new customers in");
    home.assert_contains("Latest activity");
    home.assert_lacks("sign in");
    home.assert_lacks("Loyalty programs");
}

#[actix_web::test]
async fn marketing_sees_the_programs_and_nothing_that_does_not_exist() {
    let (app, _) = shop().await;
    let (client, _) = app.signed_in(Role::Marketing).await;

    let home = client.get("/").await;
    home.assert_contains("Loyalty programs");
    home.assert_contains("No loyalty program yet.");
    home.assert_contains(r#"href="/loyalty/programs/new""#);
    // Offers and campaigns exist now: their figure and card are there.
    home.assert_contains("offers active today");
    home.assert_contains("Campaigns running");
    // Coupons are there too, in the navigation.
    home.assert_contains(r#"href="/coupons""#);
    home.assert_lacks("Latest activity");
}

#[actix_web::test]
async fn forbidden_and_missing_pages_keep_the_navigation() {
    let (app, _) = shop().await;
    let (client, _) = app.signed_in(Role::StoreSupervisor).await;

    let forbidden = client.get("/users").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    forbidden.assert_contains(r#"<nav class="sidebar" aria-label="Main">"#);
    forbidden.assert_contains(r#"href="/customers""#);
    forbidden.assert_contains("Not allowed");

    let missing = client.get("/nowhere").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    missing.assert_contains(r#"<nav class="sidebar" aria-label="Main">"#);
    missing.assert_contains("Page not found");

    let signed_out = app.client().get("/nowhere").await;
    assert_eq!(signed_out.status, StatusCode::NOT_FOUND);
    signed_out.assert_lacks(r#"aria-label="Main""#);
}
