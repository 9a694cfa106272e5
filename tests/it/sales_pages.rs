//! The sales pages people read: one invoice with its lines, payments and returns; the invoices
//! list with its filters, paging and CSV; the customer's monthly spend chart.

use patron::users::rules::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{ApiClient, TestApp};

/// A store NORTH with a Walk-in default customer, Ana Lima (CUST-00002), an allowed sales
/// person, a delivery charge and two items; returns the app and a till of that store.
async fn shop() -> (TestApp, ApiClient) {
    let app = TestApp::spawn().await;
    let store = app.store("NORTH");
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id, credit_limit) \
         SELECT x.f, x.l, (SELECT min(id) FROM customer_groups), (SELECT min(id) FROM territories), x.c \
         FROM (VALUES ('Walk-in', 'Customer', 0), ('Ana', 'Lima', 100)) AS x(f, l, c)",
    );
    app.sql(&format!(
        "UPDATE pos_profiles SET default_customer_id = (SELECT id FROM customers WHERE first_name = 'Walk-in') \
         WHERE store_id = {store}"
    ));
    app.sql("INSERT INTO sales_persons (employee_code, name) VALUES ('EMP-004', 'Diego')");
    app.sql(&format!(
        "INSERT INTO pos_profile_sales_persons SELECT p.id, s.id FROM pos_profiles p, sales_persons s \
         WHERE p.store_id = {store} AND s.employee_code = 'EMP-004'"
    ));
    app.sql(&format!(
        "INSERT INTO delivery_charges (pos_profile_id, label, default_rate, rate) \
         SELECT id, 'Express', 12, 9.5 FROM pos_profiles WHERE store_id = {store}"
    ));
    app.sql(
        "INSERT INTO items (item_code, name, item_group_id, standard_rate) \
         SELECT x.c, x.n, (SELECT min(id) FROM item_groups), x.r \
         FROM (VALUES ('TEE-BLK-M', 'Black Tee M', 19.99), ('CAP-RED', 'Red Cap', 7.50)) AS x(c, n, r)",
    );
    let till = app.terminal(&app.terminal_token("NORTH"));
    (app, till)
}

/// A sale of two black tees to Ana at `posted_at`, paid in cash.
fn sale(id: &str, number: &str, posted_at: &str) -> Value {
    json!({
        "id": id, "number": number, "posted_at": posted_at,
        "customer_code": "CUST-00002", "sales_person": "EMP-004",
        "lines": [{"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99", "discount_amount": "0"}],
        "coupon_codes": [], "loyalty_points_redeemed": 0, "loyalty_amount": "0", "delivery_charge": null,
        "payments": [{"mode": "cash", "amount": "39.98"}],
        "totals": {"net_total": "39.98", "discount_amount": "0", "grand_total": "39.98"}
    })
}

/// Submits `body` and checks it was taken.
async fn submit(till: &ApiClient, body: &Value) {
    let made = till.post("/api/v1/invoices", body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
}

const ID: &str = "0b6f3a52-0000-4000-8000-000000000001";
const RETURN: &str = "0b6f3a52-0000-4000-8000-000000000002";

#[actix_web::test]
async fn the_invoice_page_shows_lines_totals_payments_and_returns() {
    let (app, till) = shop().await;
    let mut body = sale(ID, "S1-000123", "2026-11-20T14:03:00Z");
    body["lines"] = json!([
        {"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99", "discount_amount": "0"},
        {"item_code": "cap-red", "qty": 3, "price_list_rate": 7.5, "discount_amount": "2.25", "is_offer": true, "offer": "CAP3"}
    ]);
    body["delivery_charge"] = "express".into();
    body["totals"] =
        json!({"net_total": "60.23", "discount_amount": "2.25", "grand_total": "69.73"});
    body["payments"] = json!([{"mode": "card", "amount": "50"}, {"mode": "cash", "amount": "20"}]);
    submit(&till, &body).await;
    let mut give_back = sale(RETURN, "R1-0001", "2026-11-21T10:00:00Z");
    give_back["return_against"] = ID.into();
    give_back["lines"] =
        json!([{"item_code": "TEE-BLK-M", "qty": "-1", "price_list_rate": "19.99"}]);
    give_back["totals"] = json!({"net_total": "-19.99", "grand_total": "-19.99"});
    give_back["payments"] = json!([{"mode": "cash", "amount": "-19.99"}]);
    submit(&till, &give_back).await;
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");

    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get(&format!("/invoices/{ID}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains("Invoice S1-000123");
    page.assert_contains(r#"<span class="badge badge-active">Submitted</span>"#);
    page.assert_contains(&format!(r#"<a href="/customers/{ana}">Ana Lima</a>"#));
    page.assert_contains("Diego (EMP-004)");
    page.assert_contains("<td class=\"nowrap\">TEE-BLK-M</td>");
    page.assert_contains(
        r#"Red Cap <span class="badge badge-warning">Offer</span> <span class="muted">CAP3</span>"#,
    );
    page.assert_contains(r#"<td class="num">$20.25</td>"#);
    page.assert_contains(r#"<dt>Delivery Charge (Express)</dt><dd id="delivery">$9.50</dd>"#);
    page.assert_contains(r#"<dd id="grand-total">$69.73</dd>"#);
    page.assert_contains(r#"<dd id="paid">$70.00</dd>"#);
    page.assert_contains("<tr><td>card</td><td class=\"num\">$50.00</td></tr>");
    page.assert_contains(&format!(r#"<a href="/invoices/{RETURN}">R1-0001</a>"#));

    let back = hq.get(&format!("/invoices/{RETURN}")).await;
    back.assert_contains(r#"<span class="badge badge-warning">Return</span>"#);
    back.assert_contains(&format!(r#"<a href="/invoices/{ID}">S1-000123</a>"#));
    back.assert_contains(r#"<dd id="grand-total">-$19.99</dd>"#);

    // The customer's Sales history opens it.
    let history = hq.get(&format!("/customers/{ana}")).await;
    history.assert_contains(&format!(r#"href="/invoices/{ID}">S1-000123</a>"#));

    // Cancelled: grey badge and when.
    let cancelled = till
        .post(&format!("/api/v1/invoices/{RETURN}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK);
    let back = hq.get(&format!("/invoices/{RETURN}")).await;
    back.assert_contains(r#"<span class="badge badge-inactive">Cancelled</span>"#);
    back.assert_contains(r#"<dd id="cancelled-at">"#);

    // Marketing reads reports: allowed. Nonsense and unknown ids: 404, never 500.
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    assert_eq!(
        marketing.get(&format!("/invoices/{ID}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        hq.get("/invoices/0b6f3a52-0000-4000-8000-00000000ffff")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hq.get("/invoices/not-a-uuid").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_store_supervisor_sees_only_their_own_stores_invoices() {
    let (app, till) = shop().await;
    submit(&till, &sale(ID, "S1-000123", "2026-11-20T14:03:00Z")).await;

    // The harness's supervisors work at store TEST.
    let (elsewhere, _) = app.signed_in(Role::StoreSupervisor).await;
    let page = elsewhere.get(&format!("/invoices/{ID}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    page.assert_lacks("S1-000123");

    let (here, user) = app.signed_in(Role::StoreSupervisor).await;
    app.sql(&format!(
        "UPDATE users SET store_id = (SELECT id FROM stores WHERE code = 'NORTH') WHERE id = {}",
        user.id
    ));
    let page = here.get(&format!("/invoices/{ID}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Invoice S1-000123");
}
