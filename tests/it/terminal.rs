//! The terminal API's front door: bearer tokens (shown once, stored as a hash, revocable) and the
//! profile a till configures itself from.

use patron::kernel::Actor;
use patron::stores::model::{delivery, profile, sales_persons, tokens};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::json;

use crate::common::TestApp;

#[actix_web::test]
async fn a_till_without_a_valid_token_is_refused_with_json() {
    let app = TestApp::spawn().await;
    let token = app.terminal_token("NORTH");
    let till = app.terminal(&token);

    let anonymous = till.without_token().get("/api/v1/terminal/profile").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json["error"]["code"], "unauthorized");

    // One hex digit changed (to another digit: replacing it with a fixed one is no change one
    // time in sixteen).
    let last = if token.ends_with('0') { '1' } else { '0' };
    let forged = app
        .terminal(&format!("{}{last}", &token[..token.len() - 1]))
        .get("/api/v1/terminal/profile")
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

    assert_eq!(
        till.get("/api/v1/terminal/profile").await.status,
        StatusCode::OK
    );
    let id: i64 = app.count("SELECT max(id) AS n FROM terminal_tokens");
    // The use is noted, at most once a minute: a second call within it writes nothing, one a
    // minute later does.
    let noted = |app: &TestApp| {
        app.text(&format!(
            "SELECT coalesce(last_used_at::text, 'never') AS t FROM terminal_tokens WHERE id = {id}"
        ))
    };
    let first = noted(&app);
    assert_ne!(first, "never");
    till.get("/api/v1/terminal/profile").await;
    assert_eq!(noted(&app), first);
    app.sql(&format!(
        "UPDATE terminal_tokens SET last_used_at = last_used_at - interval '61 seconds' WHERE id = {id}"
    ));
    let aged = noted(&app);
    till.get("/api/v1/terminal/profile").await;
    assert_ne!(noted(&app), aged);
    tokens::revoke(&mut app.conn(), id, &Actor::System("test")).unwrap();
    let revoked = till.get("/api/v1/terminal/profile").await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(revoked.json["error"]["code"], "unauthorized");
}

#[actix_web::test]
async fn a_deactivated_store_s_tokens_stop_working() {
    let app = TestApp::spawn().await;
    let token = app.terminal_token("NORTH");
    app.sql("UPDATE stores SET active = false WHERE code = 'NORTH'");
    let reply = app.terminal(&token).get("/api/v1/terminal/profile").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn the_profile_is_exactly_what_the_store_is_set_up_with() {
    let app = TestApp::spawn().await;
    let store_id = app.store("NORTH");
    app.sql(
        "UPDATE stores SET name = 'North Mall', warehouse = 'North Stock', \
         address = '1 Mall Road', phone = '555-0100' WHERE code = 'NORTH'",
    );
    let mut conn = app.conn();
    let system = Actor::System("test");
    let walk_in = app.count(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT 'Walk-in', 'Customer', (SELECT min(id) FROM customer_groups), \
         (SELECT min(id) FROM territories) RETURNING id AS n",
    );
    let ada = sales_persons::create(
        &mut conn,
        &sales_persons::SalesPersonFields {
            employee_code: "EMP-001".into(),
            name: "Ada Lovelace".into(),
            commission_rate: Decimal::new(25, 1),
        },
        &system,
    )
    .unwrap();
    let gone = sales_persons::create(
        &mut conn,
        &sales_persons::SalesPersonFields {
            employee_code: "EMP-002".into(),
            name: "Gone Person".into(),
            commission_rate: Decimal::ZERO,
        },
        &system,
    )
    .unwrap();
    sales_persons::set_active(
        &mut conn,
        gone.id,
        patron_rules::Activation::Deactivate,
        &system,
    )
    .unwrap();
    let settings = profile::ProfileSettings {
        default_customer_id: Some(walk_in),
        show_customer_balance: true,
        auto_set_delivery_charges: true,
        ..Default::default()
    };
    profile::save(&mut conn, store_id, &settings, &[ada.id, gone.id], &system).unwrap();
    let profile_id = profile::for_store(&mut conn, store_id).unwrap().id;
    delivery::add(
        &mut conn,
        profile_id,
        &delivery::ChargeFields {
            label: "Express".into(),
            default_rate: Decimal::new(12, 0),
            rate: Decimal::new(9995, 3),
            shipping_account: "Freight Out".into(),
            cost_center: "Main".into(),
            is_default: true,
        },
        &system,
    )
    .unwrap();
    let uuid = app.text("SELECT uuid::text AS t FROM customers WHERE first_name = 'Walk-in'");
    let code = app.text("SELECT code AS t FROM customers WHERE first_name = 'Walk-in'");

    let reply = app
        .terminal(&app.terminal_token("NORTH"))
        .get("/api/v1/terminal/profile")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json,
        json!({
            "store": {
                "code": "NORTH", "name": "North Mall", "warehouse": "North Stock",
                "address": "1 Mall Road", "phone": "555-0100",
                "company": {"name": "Main Company", "currency": "USD", "currency_minor_unit": 2}
            },
            "profile": {
                "default_customer": {"id": uuid, "code": code, "name": "Walk-in Customer"},
                "show_customer_balance": true,
                "apply_customer_discount": false,
                "force_customer_price_list": false,
                "auto_create_referral": false,
                "auto_fetch_coupon_gifts": false,
                "auto_set_delivery_charges": true,
                "max_change": "1000.00"
            },
            "delivery_charges": [{
                "label": "Express", "default_rate": "12.00", "rate": "10.00",
                "shipping_account": "Freight Out", "cost_center": "Main", "is_default": true
            }],
            "sales_persons": [
                {"employee_code": "EMP-001", "name": "Ada Lovelace", "commission_rate": "2.50"}
            ]
        })
    );
}
