//! Sales from the tills: totals recomputed, customers and sales persons resolved, payments within
//! the credit limit, every sale exactly once, cancels and returns, and what customers owe.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::offers;
use crate::common::shop::{shop, shop_with};

fn sale(id: &str) -> Value {
    json!({
        "id": id, "number": "S1-000123", "posted_at": "2026-11-20T14:03:00Z",
        "customer_code": "CUST-00002", "sales_person": "EMP-004",
        "lines": [{"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99", "discount_amount": "0"}],
        "coupon_codes": [], "loyalty_points_redeemed": 0, "loyalty_amount": "0", "delivery_charge": null,
        "payments": [{"mode": "cash", "amount": "39.98"}],
        "totals": {"net_total": "39.98", "discount_amount": "0", "grand_total": "39.98"}
    })
}

const ID: &str = "0b6f3a52-0000-4000-8000-000000000001";

#[actix_web::test]
async fn a_sale_is_recomputed_stored_and_read_back() {
    let (app, till) = shop().await;
    offers::percent_off(&app, "CAP3", "CAP-RED", 10);
    let mut body = sale(ID);
    body["lines"] = json!([
        {"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99", "discount_amount": "0"},
        {"item_code": "cap-red", "qty": 3, "price_list_rate": 7.5, "discount_amount": "2.25", "offer": "cap3"}
    ]);
    body["delivery_charge"] = "express".into();
    body["totals"] =
        json!({"net_total": "60.23", "discount_amount": "2.25", "grand_total": "69.73"});
    body["payments"] = json!([{"mode": "card", "amount": "50"}, {"mode": "cash", "amount": "20"}]);

    let made = till.post("/api/v1/invoices", &body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    let answer = &made.json;
    assert_eq!(answer["status"], "submitted");
    assert_eq!(answer["customer"]["code"], "CUST-00002");
    assert_eq!(answer["sales_person"], "EMP-004");
    assert_eq!(answer["lines"][1]["item_code"], "CAP-RED");
    assert_eq!(answer["lines"][1]["amount"], "20.25");
    assert_eq!(answer["lines"][1]["offer"], "cap3");
    assert_eq!(
        answer["delivery_charge"],
        json!({"label": "Express", "amount": "9.50"})
    );
    assert_eq!(answer["totals"]["grand_total"], "69.73");
    assert_eq!(answer["totals"]["paid"], "70.00");

    let read = till.get(&format!("/api/v1/invoices/{ID}")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(&read.json, answer);

    // Another store of the same company may read it; a store of another company may not.
    let south = app.terminal(&app.terminal_token("SOUTH"));
    assert_eq!(
        south.get(&format!("/api/v1/invoices/{ID}")).await.status,
        StatusCode::OK
    );
    app.sql("INSERT INTO companies (name, currency_code) VALUES ('Other Co', 'EUR')");
    app.store("FAR");
    app.sql("UPDATE stores SET company_id = (SELECT id FROM companies WHERE name = 'Other Co') WHERE code = 'FAR'");
    let far = app.terminal(&app.terminal_token("FAR"));
    assert_eq!(
        far.get(&format!("/api/v1/invoices/{ID}")).await.status,
        StatusCode::NOT_FOUND
    );

    // Only the store that made the sale cancels it.
    let refused = south
        .post(&format!("/api/v1/invoices/{ID}/cancel"), &json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{:?}", refused.json);
    assert!(
        refused.json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("another store"),
        "{:?}",
        refused.json
    );
    assert_eq!(
        app.text(&format!(
            "SELECT status AS t FROM invoices WHERE uuid = '{ID}'"
        )),
        "submitted"
    );
    let cancelled = till
        .post(&format!("/api/v1/invoices/{ID}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
}

#[actix_web::test]
async fn totals_that_do_not_add_up_are_refused_by_field() {
    let (app, till) = shop().await;
    let mut body = sale(ID);
    body["totals"]["net_total"] = "39.99".into();
    body["totals"]["grand_total"] = "39.99".into();
    let refused = till.post("/api/v1/invoices", &body).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &refused.json["error"]["fields"];
    assert_eq!(
        fields["totals.net_total"],
        "The lines come to 39.98 here, not 39.99."
    );
    assert!(fields["totals.grand_total"].is_string());
    let short = {
        let mut b = sale(ID);
        b["payments"] = json!([{"mode": "card", "amount": "30"}]);
        till.post("/api/v1/invoices", &b).await
    };
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short.json["error"]["fields"]["payments"]
            .as_str()
            .unwrap()
            .contains("less than")
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 0);
}

#[actix_web::test]
async fn the_default_customer_takes_unnamed_sales_and_sales_persons_must_be_allowed() {
    let (app, till) = shop().await;
    let mut body = sale(ID);
    body.as_object_mut().unwrap().remove("customer_code");
    let made = till.post("/api/v1/invoices", &body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(made.json["customer"]["name"], "Walk-in Customer");

    let mut stranger = sale("0b6f3a52-0000-4000-8000-000000000002");
    stranger["sales_person"] = "EMP-009".into();
    let refused = till.post("/api/v1/invoices", &stranger).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.json["error"]["fields"]["sales_person"],
        "EMP-009 is not a sales person this store allows."
    );

    // The code as a cashier types it, any case; a deactivated sales person no longer sells.
    let mut typed = sale("0b6f3a52-0000-4000-8000-000000000004");
    typed["sales_person"] = " emp-004 ".into();
    let taken = till.post("/api/v1/invoices", &typed).await;
    assert_eq!(taken.status, StatusCode::CREATED, "{:?}", taken.json);
    assert_eq!(taken.json["sales_person"], "EMP-004");
    app.sql("UPDATE sales_persons SET active = false WHERE employee_code = 'EMP-004'");
    let mut gone = sale("0b6f3a52-0000-4000-8000-000000000005");
    gone["sales_person"] = "EMP-004".into();
    let refused = till.post("/api/v1/invoices", &gone).await;
    assert_eq!(
        refused.json["error"]["fields"]["sales_person"],
        "EMP-004 is not a sales person this store allows."
    );

    app.sql("UPDATE pos_profiles SET default_customer_id = NULL");
    let mut nobody = sale("0b6f3a52-0000-4000-8000-000000000003");
    nobody.as_object_mut().unwrap().remove("customer_code");
    let refused = till.post("/api/v1/invoices", &nobody).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json["error"]["fields"]["customer_code"].is_string());
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 2);
}

#[actix_web::test]
async fn each_sale_is_stored_exactly_once() {
    let (app, till) = shop().await;
    let first = till.post("/api/v1/invoices", &sale(ID)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = till.post("/api/v1/invoices", &sale(ID)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json, first.json);
    let mut changed = sale(ID);
    changed["number"] = "S1-000999".into();
    let clash = till.post("/api/v1/invoices", &changed).await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert_eq!(clash.json["error"]["code"], "conflict");

    let racing = sale("0b6f3a52-0000-4000-8000-0000000000aa");
    let replies =
        futures_util::future::join_all((0..20).map(|_| till.post("/api/v1/invoices", &racing)))
            .await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let replayed = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!((created, replayed), (1, 19), "{replies:?}");
    assert!(replies.iter().all(|r| r.json == replies[0].json));
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 2);
    assert_eq!(app.count("SELECT count(*) AS n FROM invoice_lines"), 2);
}

#[actix_web::test]
async fn on_account_sales_stay_within_the_credit_limit_and_payments_lower_the_balance() {
    let (app, till) = shop().await;
    let on_account = |id: &str, amount: &str| {
        let mut b = sale(id);
        b["payments"] = json!([{"mode": "on_account", "amount": amount}]);
        b
    };
    let a = till
        .post(
            "/api/v1/invoices",
            &on_account("0b6f3a52-0000-4000-8000-000000000011", "39.98"),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.json);
    let b = till
        .post(
            "/api/v1/invoices",
            &on_account("0b6f3a52-0000-4000-8000-000000000012", "39.98"),
        )
        .await;
    assert_eq!(b.status, StatusCode::CREATED);
    // 79.96 owed of a 100.00 limit: another 39.98 would pass it.
    let c = till
        .post(
            "/api/v1/invoices",
            &on_account("0b6f3a52-0000-4000-8000-000000000013", "39.98"),
        )
        .await;
    assert_eq!(c.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        c.json["error"]["fields"]["payments"],
        "On account would take the customer past their credit limit: they owe $79.96, the limit is $100.00."
    );
    let ana = app.text("SELECT uuid::text AS t FROM customers WHERE first_name = 'Ana'");
    let balance = till.get(&format!("/api/v1/customers/{ana}")).await;
    assert_eq!(balance.json["balances"]["outstanding"], "79.96");
    assert_eq!(balance.json["balances"]["available_credit"], "20.04");

    let payment =
        json!({"id": "5a5a5a5a-0000-4000-8000-000000000001", "amount": "50", "mode": "card"});
    let paid = till
        .post(
            &format!("/api/v1/customers/{ana}/account-payments"),
            &payment,
        )
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{:?}", paid.json);
    assert_eq!(paid.json["outstanding"], "29.96");
    let retried = till
        .post(
            &format!("/api/v1/customers/{ana}/account-payments"),
            &payment,
        )
        .await;
    assert_eq!(retried.status, StatusCode::OK);
    assert_eq!(retried.json["outstanding"], "29.96");
    let c = till
        .post(
            "/api/v1/invoices",
            &on_account("0b6f3a52-0000-4000-8000-000000000013", "39.98"),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED);

    // Cancelling a sale takes it off the account.
    let cancelled = till
        .post(
            "/api/v1/invoices/0b6f3a52-0000-4000-8000-000000000013/cancel",
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK);
    let balance = till.get(&format!("/api/v1/customers/{ana}")).await;
    assert_eq!(balance.json["balances"]["outstanding"], "29.96");
}

#[actix_web::test]
async fn a_cancel_is_idempotent_and_waits_for_returns_to_go_first() {
    let (app, till) = shop().await;
    till.post("/api/v1/invoices", &sale(ID)).await;
    let mut give_back = sale("0b6f3a52-0000-4000-8000-000000000021");
    give_back["return_against"] = ID.into();
    give_back["number"] = "R1-0001".into();
    give_back["lines"] =
        json!([{"item_code": "TEE-BLK-M", "qty": "-1", "price_list_rate": "19.99"}]);
    give_back["totals"] = json!({"net_total": "-19.99", "grand_total": "-19.99"});
    give_back["payments"] = json!([{"mode": "cash", "amount": "-19.99"}]);
    let returned = till.post("/api/v1/invoices", &give_back).await;
    assert_eq!(returned.status, StatusCode::CREATED, "{:?}", returned.json);
    assert_eq!(returned.json["return_against"], ID);
    assert_eq!(returned.json["customer"]["code"], "CUST-00002");

    // Two were sold and one came back: two more cannot.
    let mut too_many = give_back.clone();
    too_many["id"] = "0b6f3a52-0000-4000-8000-000000000022".into();
    too_many["lines"][0]["qty"] = "-2".into();
    too_many["totals"] = json!({"net_total": "-39.98", "grand_total": "-39.98"});
    too_many["payments"] = json!([{"mode": "cash", "amount": "-39.98"}]);
    let refused = till.post("/api/v1/invoices", &too_many).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.json["error"]["fields"]["lines[0].qty"],
        "Only 1 of TEE-BLK-M can still be returned (2 sold, 1 returned already)."
    );

    let blocked = till
        .post(&format!("/api/v1/invoices/{ID}/cancel"), &json!({}))
        .await;
    assert_eq!(blocked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        blocked.json["error"]["fields"]["id"]
            .as_str()
            .unwrap()
            .contains("R1-0001")
    );

    let first = till
        .post(
            "/api/v1/invoices/0b6f3a52-0000-4000-8000-000000000021/cancel",
            &json!({}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.json["status"], "cancelled");
    let second = till
        .post(
            "/api/v1/invoices/0b6f3a52-0000-4000-8000-000000000021/cancel",
            &json!({}),
        )
        .await;
    assert_eq!(second.json, first.json);
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'invoice' AND action = 'cancel'"
        ),
        1
    );
    // With the return cancelled, both items can come back again.
    let mut both = too_many.clone();
    both["id"] = "0b6f3a52-0000-4000-8000-000000000023".into();
    assert_eq!(
        till.post("/api/v1/invoices", &both).await.status,
        StatusCode::CREATED
    );
}

#[actix_web::test]
async fn malformed_invoices_get_a_4xx_naming_the_field_and_nothing_is_stored() {
    let (app, till) = shop().await;
    let with = |path: &[&str], value: Value| {
        let mut body = sale(ID);
        let mut slot = &mut body;
        for key in &path[..path.len() - 1] {
            slot = if let Ok(i) = key.parse::<usize>() {
                &mut slot[i]
            } else {
                &mut slot[*key]
            };
        }
        let last = path[path.len() - 1];
        if value.is_null() {
            slot.as_object_mut().unwrap().remove(last);
        } else {
            slot[last] = value;
        }
        body
    };
    for (body, field) in [
        (with(&["number"], Value::Null), "number"),
        (with(&["posted_at"], json!("yesterday")), "posted_at"),
        (with(&["lines", "0", "qty"], json!("-2")), "lines[0].qty"),
        (with(&["lines", "0", "qty"], json!("lots")), "lines[0].qty"),
        (with(&["lines", "0", "qty"], json!("1e30")), "lines[0].qty"),
        (
            with(
                &["lines", "0", "price_list_rate"],
                json!("99999999999999999999"),
            ),
            "lines[0].price_list_rate",
        ),
        (
            with(&["lines", "0", "item_code"], json!("NO-SUCH")),
            "lines[0].item_code",
        ),
        (
            with(&["loyalty_points_redeemed"], json!(1e30)),
            "loyalty_points_redeemed",
        ),
        (
            with(&["payments", "0", "mode"], json!("cheese")),
            "payments[0].mode",
        ),
        (
            with(&["delivery_charge"], json!("Rocket")),
            "delivery_charge",
        ),
        (
            with(&["customer_code"], json!("CUST-99999")),
            "customer_code",
        ),
        (
            with(&["coupon_codes"], json!(["WELCOME10"])),
            "coupon_codes[0]",
        ),
    ] {
        let reply = till.post("/api/v1/invoices", &body).await;
        assert!(
            reply.status.is_client_error(),
            "{field}: {} {:?}",
            reply.status,
            reply.json
        );
        assert!(
            reply.json["error"]["fields"][field].is_string(),
            "{field}: {:?}",
            reply.json
        );
    }
    let mut huge = sale(ID);
    huge["number"] = "x".repeat(2 * 1024 * 1024).into();
    let reply = till
        .post_bytes("/api/v1/invoices", serde_json::to_vec(&huge).unwrap())
        .await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM invoice_lines"), 0);
    let anonymous = till
        .without_token()
        .post("/api/v1/invoices", &sale(ID))
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_sale_dated_before_its_company_or_past_the_clock_window_is_refused_at_posted_at() {
    // Tills may run an hour ahead of the server here; the company keeps Auckland's days and was
    // set up in Patron at 10:00 on 1 March 2025 there (NZDT, 21:00 UTC the day before).
    let (app, till) = shop_with(|config| config.till_future_minutes = 60).await;
    app.sql(
        "UPDATE companies SET time_zone = 'Pacific/Auckland', created_at = '2025-02-28T21:00:00Z'",
    );
    let now = chrono::Utc::now();
    let before = "The sale cannot be dated before 2025-03-01, the day its company was set up: \
                  check the till's date and time.";
    let ahead = "The sale cannot be dated more than an hour ahead of the server's clock: check \
                 the till's date and time.";
    let cases: [(String, Option<&str>); 6] = [
        // Year -4000: not a date any till sold on.
        ("-4000-01-01T00:00:00Z".into(), Some("")),
        // 23:59:59 on 28 February in Auckland: the day before the company existed.
        ("2025-02-28T10:59:59Z".into(), Some(before)),
        // Midnight starting 1 March in Auckland: its first business day, so a till whose clock
        // ran a little behind on the company's first morning is not refused.
        ("2025-02-28T11:00:00Z".into(), None),
        (
            (now + chrono::Duration::minutes(61)).to_rfc3339(),
            Some(ahead),
        ),
        ((now + chrono::Duration::minutes(50)).to_rfc3339(), None),
        ((now + chrono::Duration::days(2)).to_rfc3339(), Some(ahead)),
    ];
    for (n, (posted_at, refused)) in cases.into_iter().enumerate() {
        let mut body = sale(&format!("0b6f3a52-0000-4000-8000-0000000007{n:02}"));
        body["number"] = format!("S1-7{n:02}").into();
        body["posted_at"] = posted_at.clone().into();
        let answer = till.post("/api/v1/invoices", &body).await;
        match refused {
            None => assert_eq!(
                answer.status,
                StatusCode::CREATED,
                "{posted_at}: {:?}",
                answer.json
            ),
            Some(message) => {
                assert_eq!(
                    answer.status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{posted_at}"
                );
                assert_eq!(answer.json["error"]["code"], "validation");
                let said = answer.json["error"]["fields"]["posted_at"].as_str();
                assert!(said.is_some(), "{posted_at}: {:?}", answer.json);
                if !message.is_empty() {
                    assert_eq!(said, Some(message), "{posted_at}");
                }
            }
        }
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM invoices"),
        2,
        "only the two sales dated where a till could have made them are stored"
    );
}

#[actix_web::test]
async fn the_customer_page_shows_sales_and_what_is_owed_and_records_payments() {
    let (app, till) = shop().await;
    let mut body = sale(ID);
    body["payments"] = json!([{"mode": "on_account", "amount": "39.98"}]);
    assert_eq!(
        till.post("/api/v1/invoices", &body).await.status,
        StatusCode::CREATED
    );
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    let (hq, _) = app.signed_in(patron_rules::users::Role::HqManager).await;

    let page = hq.get(&format!("/customers/{ana}")).await;
    page.assert_contains(r#"<dd id="outstanding">$39.98</dd>"#);
    page.assert_contains(r#"<dd id="available-credit">$60.02</dd>"#);
    page.assert_contains(&format!(
        r#"<a class="row-link" href="/invoices/{ID}">S1-000123</a>"#
    ));
    page.assert_contains("Record payment");

    let form = hq.get(&format!("/customers/{ana}/payments/new")).await;
    let key_at = form.body.find(r#"name="key" value=""#).unwrap() + r#"name="key" value=""#.len();
    let key = form.body[key_at..key_at + 36].to_owned();
    let refused = hq
        .post_form(
            &format!("/customers/{ana}/payments"),
            &[("amount", "-5"), ("mode", "cash"), ("key", &key)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("The amount cannot be negative.");
    for _ in 0..2 {
        let paid = hq
            .post_form(
                &format!("/customers/{ana}/payments"),
                &[
                    ("amount", "10"),
                    ("mode", "card"),
                    ("reference", "R-77"),
                    ("key", &key),
                ],
            )
            .await;
        assert_eq!(paid.status, StatusCode::SEE_OTHER);
    }
    let page = hq.get(&format!("/customers/{ana}")).await;
    page.assert_contains("Payment of $10.00 recorded.");
    page.assert_contains(r#"<dd id="outstanding">$29.98</dd>"#);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM account_payments"),
        1,
        "a double submit records one payment"
    );

    let (supervisor, _) = app.signed_in(patron_rules::users::Role::Marketing).await;
    assert_eq!(
        supervisor
            .get(&format!("/customers/{ana}/payments/new"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A store supervisor edits their own store's customers only, payments included.
    let (other_store, _) = app
        .signed_in(patron_rules::users::Role::StoreSupervisor)
        .await;
    assert_ne!(
        app.count(&format!(
            "SELECT count(*) AS n FROM customers WHERE id = {ana} AND origin_store_id IS NOT DISTINCT FROM (SELECT id FROM stores WHERE code = 'TEST')"
        )),
        1,
        "Ana is not a customer of the supervisor's store"
    );
    let refused_page = other_store
        .get(&format!("/customers/{ana}/payments/new"))
        .await;
    assert_eq!(refused_page.status, StatusCode::FORBIDDEN);
    let refused = other_store
        .post_form(
            &format!("/customers/{ana}/payments"),
            &[
                ("amount", "5"),
                ("mode", "cash"),
                ("reference", ""),
                ("key", &uuid::Uuid::new_v4().to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) AS n FROM account_payments"), 1);
}

#[actix_web::test]
async fn synthetic_sales_add_up_like_real_ones() {
    let (app, _) = shop().await;
    let mut made = Vec::new();
    let (mut one, mut two) = (app.conn(), app.conn());
    // Six batches of 50 on two connections at once, as `patron seed --invoices` runs them.
    patron::sales::synthetic::add_invoices(&mut [&mut one, &mut two], 300, 50, |n| made.push(n))
        .unwrap();
    assert_eq!(made, [50, 100, 150, 200, 250, 300]);
    assert_eq!(
        app.count("SELECT count(DISTINCT number) AS n FROM invoices WHERE number LIKE 'SYN-%'"),
        300,
        "no batch overlaps another"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM invoices WHERE return_against_id IS NULL"),
        300
    );
    assert!(app.count("SELECT count(*) AS n FROM invoices WHERE status = 'cancelled'") >= 2);
    assert!(
        app.count("SELECT count(*) AS n FROM invoices WHERE return_against_id IS NOT NULL") >= 5
    );
    let mismatched = app.count(
        "SELECT count(*) AS n FROM invoices i WHERE grand_total <> \
         (SELECT sum(amount) FROM invoice_lines l WHERE l.invoice_id = i.id) \
         OR grand_total <> (SELECT sum(amount) FROM invoice_payments p WHERE p.invoice_id = i.id)",
    );
    assert_eq!(mismatched, 0, "every synthetic invoice adds up");
    let lines = app.count("SELECT count(*) AS n FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.return_against_id IS NULL");
    assert!((900..=2100).contains(&lines), "3 to 7 lines each: {lines}");
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM invoices WHERE posted_at > now() OR cancelled_at > now()"
        ),
        0,
        "nothing happens in the future"
    );
}
