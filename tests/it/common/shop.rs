//! A shop to sell in: store NORTH with its profile, a Walk-in default customer and Ana Lima
//! (credit limit 100), sales persons EMP-004 (allowed) and EMP-009 (not), an Express delivery
//! charge and two items; and a till of that store.

use chrono::Utc;
use patron::config::Config;
use serde_json::{Value, json};

use super::{ApiClient, TestApp};

/// A store NORTH with a Walk-in default customer, an allowed sales person, a delivery charge and
/// two items; returns the app and a till of that store.
pub async fn shop() -> (TestApp, ApiClient) {
    shop_with(|_| {}).await
}

/// The same shop on an app whose settings `tune` changed.
pub async fn shop_with(tune: impl FnOnce(&mut Config)) -> (TestApp, ApiClient) {
    let app = TestApp::spawn_with(tune, None).await;
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
    app.sql("INSERT INTO sales_persons (employee_code, name) VALUES ('EMP-004', 'Diego'), ('EMP-009', 'Elsewhere')");
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

/// A sale at NORTH now, as its till sends it: two Black Tee M ($39.98, cash) to Ana Lima
/// (CUST-00002), with the till's `id` and invoice `number`.
pub fn two_tees_for_ana(id: &str, number: &str) -> Value {
    json!({
        "id": id, "number": number, "posted_at": Utc::now().to_rfc3339(),
        "customer_code": "CUST-00002",
        "lines": [{"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99", "discount_amount": "0"}],
        "coupon_codes": [], "loyalty_points_redeemed": 0, "loyalty_amount": "0", "delivery_charge": null,
        "payments": [{"mode": "cash", "amount": "39.98"}],
        "totals": {"net_total": "39.98", "discount_amount": "0", "grand_total": "39.98"}
    })
}
