//! Input a till may send that the API fuzzer (`.ci/fuzz-api`) found answered wrongly: each now
//! gets the 4xx JSON error the document promises, naming the field, and nothing is stored.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::TestApp;
use crate::common::shop::shop;

const NUL_MESSAGE: &str = "Text may not contain the NUL character (\\u0000).";

#[actix_web::test]
async fn text_holding_a_nul_character_is_refused_by_field() {
    let (app, till) = shop().await;
    let customers = app.count("SELECT count(*) AS n FROM customers");
    let ana = app.text("SELECT uuid::text AS t FROM customers WHERE first_name = 'Ana'");

    let customer = till
        .post(
            "/api/v1/customers",
            &json!({"id": "7e57a11c-0000-4000-8000-000000000001", "first_name": "Ana",
                "last_name": "Li\u{0}ma"}),
        )
        .await;
    assert_eq!(customer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(customer.json["error"]["code"], "validation");
    assert_eq!(customer.json["error"]["fields"]["last_name"], NUL_MESSAGE);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customers"),
        customers,
        "nothing stored"
    );

    let edit = till
        .patch(
            &format!("/api/v1/customers/{ana}"),
            &json!({"changes": {"city": {"from": "", "to": "Spring\u{0}field"}}}),
        )
        .await;
    assert_eq!(edit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(edit.json["error"]["fields"]["changes.city.to"], NUL_MESSAGE);

    let sale = till
        .post(
            "/api/v1/invoices",
            &json!({"id": "7e57a11c-0000-4000-8000-000000000002", "number": "S1-\u{0}1",
                "posted_at": "2026-11-20T14:03:00Z",
                "lines": [{"item_code": "CAP-RED", "qty": "1", "price_list_rate": "7.50"}],
                "payments": [{"mode": "cash", "amount": "7.50"}],
                "totals": {"net_total": "7.50", "grand_total": "7.50"}}),
        )
        .await;
    assert_eq!(sale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(sale.json["error"]["fields"]["number"], NUL_MESSAGE);
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 0);

    let payment = till
        .post(
            &format!("/api/v1/customers/{ana}/account-payments"),
            &json!({"id": "7e57a11c-0000-4000-8000-000000000003", "amount": "5",
                "reference": "R\u{0}"}),
        )
        .await;
    assert_eq!(payment.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(payment.json["error"]["fields"]["reference"], NUL_MESSAGE);
    assert_eq!(app.count("SELECT count(*) AS n FROM account_payments"), 0);
}

#[actix_web::test]
async fn a_search_holding_a_nul_character_searches_around_it() {
    let (_app, till) = shop().await;
    let found = till.get("/api/v1/customers/search?q=Ana%00Lima").await;
    assert_eq!(found.status, StatusCode::OK, "{:?}", found.json);
    let names: Vec<&str> = found.json["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["last_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Lima"]);

    let nothing = till.get("/api/v1/customers/search?q=%00").await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing.json["error"]["fields"]["q"].is_string());
}

#[actix_web::test]
async fn an_account_payment_amount_says_what_is_wrong_with_it() {
    let (app, till) = shop().await;
    let ana = app.text("SELECT uuid::text AS t FROM customers WHERE first_name = 'Ana'");
    let path = format!("/api/v1/customers/{ana}/account-payments");
    for (amount, message) in [
        ("0", "Enter an amount more than zero."),
        ("2000000000", "Enter an amount of at most 1,000,000,000."),
        ("1.00001", "Use at most 4 decimal places."),
    ] {
        let reply = till
            .post(
                &path,
                &json!({"id": "7e57a11c-0000-4000-8000-000000000004", "amount": amount}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        assert_eq!(reply.json["error"]["fields"]["amount"], message, "{amount}");
    }
    // Trailing zeros are no extra precision.
    let paid = till
        .post(
            &path,
            &json!({"id": "7e57a11c-0000-4000-8000-000000000005", "amount": "1.500000"}),
        )
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{:?}", paid.json);
    assert_eq!(app.count("SELECT count(*) AS n FROM account_payments"), 1);

    // No body at all: the shared 400 of the document, as JSON.
    let empty = till.post_bytes(&path, Vec::new()).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.json["error"]["code"], "bad_request");
}

#[actix_web::test]
async fn a_query_parameter_given_twice_is_a_documented_400() {
    let app = TestApp::spawn().await;
    let till = app.terminal(&app.terminal_token("NORTH"));
    let reply = till.get("/api/v1/customers/changes?limit=5&limit=6").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json["error"]["code"], "bad_request");
    let doc = till.without_token().get("/api/openapi.json").await.json;
    assert_eq!(
        doc["paths"]["/api/v1/customers/changes"]["get"]["responses"]["400"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/ApiError"
    );
}

#[actix_web::test]
async fn amounts_past_what_the_database_holds_are_refused_by_field() {
    let (app, till) = shop().await;
    for (line, field) in [
        (
            json!({"item_code": "TEE-BLK-M", "qty": "100000000000000000000", "price_list_rate": "10000000000"}),
            "lines[0].qty",
        ),
        (
            json!({"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": "10000000000000000000"}),
            "lines[0].price_list_rate",
        ),
    ] {
        let cart = till
            .post("/api/v1/carts/evaluate", &json!({"lines": [line]}))
            .await;
        assert_eq!(
            cart.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            cart.json
        );
        assert!(
            cart.json["error"]["fields"][field]
                .as_str()
                .is_some_and(|m| m.contains("out of range")),
            "{:?}",
            cart.json
        );
    }
    let sale = json!({
        "id": "5d000000-0000-4000-8000-000000000001", "number": "BIG-1",
        "posted_at": "2026-11-20T14:03:00Z",
        "lines": [{"item_code": "CAP-RED", "qty": "1", "price_list_rate": "7.50"}],
        "totals": {"net_total": "7.50", "grand_total": "7.50"},
        "payments": [{"mode": "cash", "amount": "1000000000000000000000000000"}]
    });
    let paid = till.post("/api/v1/invoices", &sale).await;
    assert_eq!(
        paid.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        paid.json
    );
    assert_eq!(
        paid.json["error"]["fields"]["payments"],
        "The cash amount is out of range."
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM invoices WHERE number = 'BIG-1'"),
        0
    );

    // Cash far past the total: the change would pass the store's Maximum Change (1,000 unless
    // set); ordinary change is given.
    let mut tendered = sale.clone();
    tendered["payments"][0]["amount"] = "10000000000".into();
    let refused = till.post("/api/v1/invoices", &tendered).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        refused.json
    );
    assert!(
        refused.json["error"]["fields"]["payments"]
            .as_str()
            .is_some_and(|m| m.contains("Maximum Change of 1000.00")),
        "{:?}",
        refused.json
    );
    tendered["payments"][0]["amount"] = "20.00".into();
    let made = till.post("/api/v1/invoices", &tendered).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(made.json["totals"]["paid"], "20.00");
}

#[actix_web::test]
async fn a_method_a_path_does_not_serve_is_405_with_allow_naming_those_it_does() {
    let (app, _) = shop().await;
    let token = app.terminal_token("NORTH");
    let ana = app.text("SELECT uuid::text AS t FROM customers WHERE first_name = 'Ana'");
    let http = reqwest::Client::new();
    let ask = |method: &str, path: &str| {
        http.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", app.base),
        )
        .bearer_auth(&token)
        .send()
    };
    for (method, path, allowed) in [
        ("TRACE", "/api/v1/invoices".to_owned(), "POST"),
        ("GET", "/api/v1/invoices".to_owned(), "POST"),
        ("TRACE", format!("/api/v1/customers/{ana}"), "GET, PATCH"),
        ("DELETE", format!("/api/v1/customers/{ana}"), "GET, PATCH"),
        ("PUT", "/api/v1/terminal/profile".to_owned(), "GET"),
        ("OPTIONS", "/api/v1/customers/search".to_owned(), "GET"),
        ("POST", "/api/openapi.json".to_owned(), "GET"),
    ] {
        let answer = ask(method, &path).await.unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let allow = answer.headers()["allow"].to_str().unwrap().to_owned();
        let mut listed: Vec<&str> = allow.split(", ").collect();
        listed.sort_unstable();
        assert_eq!(listed.join(", "), allowed, "{method} {path}");
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(
            body["error"]["code"], "method_not_allowed",
            "{method} {path}"
        );
        assert_eq!(
            body["error"]["message"],
            format!("This path answers {allow} only."),
            "{method} {path}"
        );
    }
    // What a path does serve still answers; a path that is not there is still 404.
    assert_eq!(
        ask("GET", "/api/v1/customers/search?q=lima")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        ask("TRACE", "/api/v1/nothing-here").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
