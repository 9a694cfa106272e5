//! Gift cards in the till API: issuing exactly once by the till's uuid, reading a card's balance,
//! and a till that tries too many unknown numbers refused for a while.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::gift_cards::issue;
use crate::common::shop::{shop, shop_with};

const ID: &str = "3f8a2c61-7d4e-4b5a-9c0e-000000000001";

#[actix_web::test]
async fn a_till_issues_a_card_once_and_reads_its_balance() {
    let (app, till) = shop().await;
    let ana = app.text("SELECT uuid::text AS t FROM customers WHERE code = 'CUST-00002'");
    let body = json!({
        "id": ID, "number": "gc7q-k2m9-xh4t-r8wp", "initial_value": "50", "customer_code": "cust-00002",
        "valid_upto": "2030-12-31"
    });
    let made = till.post("/api/v1/gift-cards", &body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(
        made.json,
        json!({
            "number": "GC7QK2M9XH4TR8WP", "currency": "USD", "initial_value": "50.00",
            "balance": "50.00", "status": "active", "valid_upto": "2030-12-31", "customer_id": ana
        })
    );
    // Issued at the till's store, by the till, with its first ledger entry.
    assert_eq!(
        app.text(
            "SELECT s.code || ' ' || split_part(g.issued_by, ' (', 1) || ' ' || e.kind || ' ' || e.amount::text AS t \
             FROM gift_cards g JOIN stores s ON s.id = g.store_id \
             JOIN gift_card_entries e ON e.card_id = g.id"
        ),
        "NORTH till NORTH issue 50.0000"
    );

    // The same request again: the first answer, and still one card.
    let again = till.post("/api/v1/gift-cards", &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json, made.json);
    // The same uuid with something else: refused.
    let mut changed = body.clone();
    changed["initial_value"] = "60".into();
    let conflict = till.post("/api/v1/gift-cards", &changed).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(conflict.json["error"]["code"], "conflict");
    assert_eq!(app.count("SELECT count(*) AS n FROM gift_cards"), 1);

    let read = till.get("/api/v1/gift-cards/gc7qk2m9xh4tr8wp").await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json, made.json);

    // Without a number the server makes one; it reads back the same way.
    let generated = till
        .post(
            "/api/v1/gift-cards",
            &json!({"id": "3f8a2c61-7d4e-4b5a-9c0e-000000000002", "initial_value": "25.5"}),
        )
        .await;
    assert_eq!(
        generated.status,
        StatusCode::CREATED,
        "{:?}",
        generated.json
    );
    let number = generated.json["number"].as_str().unwrap().to_owned();
    assert_eq!(number.len(), 16);
    assert!(
        number
            .bytes()
            .all(|b| patron_rules::gift_cards::ALPHABET.contains(&b))
    );
    assert_eq!(generated.json["customer_id"], serde_json::Value::Null);
    assert_eq!(generated.json["valid_upto"], serde_json::Value::Null);
    assert_eq!(
        till.get(&format!("/api/v1/gift-cards/{number}")).await.json["balance"],
        "25.50"
    );
}

#[actix_web::test]
async fn what_a_till_gets_wrong_in_an_issue_is_named_by_field() {
    let (app, till) = shop().await;
    issue(&app, "GC7QK2M9XH4TR8WP", "10", None, None);
    let refused = till
        .post(
            "/api/v1/gift-cards",
            &json!({
                "id": ID, "number": "GC7QK2M9XH4TR8WP", "initial_value": "10.001",
                "customer_code": "CUST-09999", "valid_upto": "2020-01-01"
            }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &refused.json["error"]["fields"];
    assert_eq!(fields["number"], "Another gift card has this number.");
    assert_eq!(fields["initial_value"], "USD takes at most 2 decimals.");
    assert_eq!(
        fields["customer_code"],
        "No customer has the code CUST-09999."
    );
    assert_eq!(fields["valid_upto"], "Valid Upto cannot be in the past.");

    let unreadable = till
        .post(
            "/api/v1/gift-cards",
            &json!({"id": ID, "initial_value": "ten"}),
        )
        .await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unreadable.json["error"]["fields"]["initial_value"].is_string(),
        "{:?}",
        unreadable.json
    );
    let zero = till
        .post(
            "/api/v1/gift-cards",
            &json!({"id": ID, "initial_value": "0"}),
        )
        .await;
    assert_eq!(
        zero.json["error"]["fields"]["initial_value"],
        "The amount must be more than zero."
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM gift_cards"), 1);
}

#[actix_web::test]
async fn a_till_trying_unknown_numbers_is_refused_every_lookup_past_the_limit() {
    let (app, till) = shop_with(|config| config.till_lookup_limit = 3).await;
    issue(&app, "GC7QK2M9XH4TR8WP", "10", None, None);
    // Another company's card is unknown to this till.
    app.sql("INSERT INTO companies (name, currency_code) VALUES ('Other Co', 'EUR')");
    app.sql(
        "INSERT INTO gift_cards (number, company_id, currency_code, initial_value, balance, issued_by) \
         SELECT 'FARAWAY234567892', id, 'EUR', 5, 0, 'test' FROM companies WHERE name = 'Other Co'",
    );
    let known = till.get("/api/v1/gift-cards/GC7QK2M9XH4TR8WP").await;
    assert_eq!(known.status, StatusCode::OK);

    for guess in ["GC7QK2M9XH4TR8WQ", "FARAWAY234567892", "NOT-A-NUMBER"] {
        let answer = till.get(&format!("/api/v1/gift-cards/{guess}")).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{guess}");
        assert_eq!(answer.json["error"]["code"], "not_found");
    }
    // Past three misses, every lookup is refused, the known card's too.
    for number in ["GC7QK2M9XH4TR8WR", "GC7QK2M9XH4TR8WP"] {
        let refused = till.get(&format!("/api/v1/gift-cards/{number}")).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{number}");
        assert_eq!(refused.json["error"]["code"], "too_many_requests");
        assert!(
            refused.json["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Too many gift card numbers that match no card in 10 minutes"),
            "{:?}",
            refused.json
        );
    }
    // Another till of the same store has its own count.
    let other = app.terminal(&app.terminal_token("NORTH"));
    assert_eq!(
        other
            .get("/api/v1/gift-cards/GC7QK2M9XH4TR8WP")
            .await
            .status,
        StatusCode::OK
    );
    // Once the misses are more than ten minutes old, the till may look again.
    app.sql("UPDATE till_lookup_misses SET at = at - interval '11 minutes'");
    assert_eq!(
        till.get("/api/v1/gift-cards/GC7QK2M9XH4TR8WP").await.status,
        StatusCode::OK
    );
}
