//! The OpenAPI document against the routes actually mounted: the route table
//! (`patron::api::routes::table`, the only way an `/api/v1` route is mounted) and the served
//! document list the same operations, every documented operation answers (never 404 or 405),
//! the document is OpenAPI 3 in shape, and the API page shows it to HQ.

use std::collections::BTreeSet;

use patron_rules::users::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::TestApp;

/// The gift card the document's operations are called with.
const GIFT_CARD: &str = "CARD2345ABCDEFGH";

/// `(METHOD, path)` of every operation in the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .contains(&method.as_str())
            {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

/// Every `$ref` anywhere in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => refs(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|inner| refs(inner, out)),
        _ => {}
    }
}

/// `path` with its placeholders filled with things that exist, so that a 404 can only mean
/// "not mounted". A new kind of placeholder needs its sample here.
fn filled(path: &str, customer: &str, invoice: &str) -> String {
    let path = if path.starts_with("/api/v1/customers/") {
        path.replace("{id}", customer)
    } else if path.starts_with("/api/v1/invoices/") {
        path.replace("{id}", invoice)
    } else if path.starts_with("/api/v1/gift-cards/") {
        path.replace("{number}", GIFT_CARD)
    } else if path.starts_with("/api/v1/referral-codes/") {
        // Any code answers (an unknown one with 422), so a 404 still means "not mounted".
        path.replace("{code}", "NOSUCHCODE")
    } else {
        path.to_owned()
    };
    assert!(
        !path.contains('{'),
        "no sample value for a placeholder of {path}: add one in tests/it/openapi.rs `filled`"
    );
    path
}

#[actix_web::test]
async fn the_document_lists_exactly_the_mounted_routes_and_each_answers() {
    let app = TestApp::spawn().await;
    patron::seed::customers(&mut app.conn(), 1, |_| {}).unwrap();
    let customer = app.text("SELECT uuid::text AS t FROM customers LIMIT 1");
    let till = app.terminal(&app.terminal_token("NORTH"));
    crate::common::gift_cards::issue(&app, GIFT_CARD, "10", None, None);
    let invoice = app.text(
        "INSERT INTO invoices (uuid, number, store_id, company_id, customer_id, posted_at, \
         currency_code, net_total, discount_amount, grand_total, request_hash, response) \
         SELECT gen_random_uuid(), 'S-1', s.id, s.company_id, (SELECT min(id) FROM customers), \
         now(), 'USD', 0, 0, 0, '\\x00', '{}' FROM stores s WHERE s.code = 'NORTH' \
         RETURNING uuid::text AS t",
    );

    // Public: no token needed.
    let served = till.without_token().get("/api/openapi.json").await;
    assert_eq!(served.status, StatusCode::OK);
    let doc = served.json;

    let mounted: BTreeSet<(String, String)> =
        patron::api::routes::table().list().into_iter().collect();
    let documented = documented(&doc);
    assert!(mounted.len() >= 7, "{mounted:?}");
    let undocumented: Vec<_> = mounted.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "mounted but not in openapi.rs `paths(...)`: {undocumented:?}"
    );
    let unmounted: Vec<_> = documented.difference(&mounted).collect();
    assert!(
        unmounted.is_empty(),
        "documented but not in api::routes::table: {unmounted:?}"
    );

    for (method, path) in &documented {
        assert!(path.starts_with("/api/v1/"), "{path}");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = matches!(method, Method::POST | Method::PUT | Method::PATCH).then(|| json!({}));
        let url = filled(path, &customer, &invoice);
        let answer = till.request(method.clone(), &url, body.as_ref()).await;
        assert!(
            ![StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&answer.status),
            "{method} {url} is documented but answers {}: {:?}",
            answer.status,
            answer.json
        );
        // And it is guarded by the token the document says it needs.
        let anonymous = till
            .without_token()
            .request(method.clone(), &url, body.as_ref())
            .await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {url}");
        let error = anonymous.json["error"].as_object().unwrap();
        let shape: BTreeSet<&str> = error.keys().map(String::as_str).collect();
        let schema = &doc["components"]["schemas"]["ApiErrorDetail"]["properties"];
        let documented_shape: BTreeSet<&str> = schema
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(shape, documented_shape, "ApiError is what errors look like");
    }
}

#[actix_web::test]
async fn the_document_is_openapi_3_in_shape() {
    let app = TestApp::spawn().await;
    let doc = app
        .terminal("none")
        .without_token()
        .get("/api/openapi.json")
        .await
        .json;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    assert!(!doc["info"]["title"].as_str().unwrap().is_empty());
    assert!(!doc["info"]["version"].as_str().unwrap().is_empty());
    assert_eq!(
        doc["components"]["securitySchemes"]["terminal_token"],
        json!({"type": "http", "scheme": "bearer",
            "description": doc["components"]["securitySchemes"]["terminal_token"]["description"]})
    );
    assert_eq!(doc["security"], json!([{"terminal_token": []}]));

    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    assert!(!targets.is_empty());
    for target in &targets {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{target} is not a component schema"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{target} does not resolve"
        );
    }

    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let what = format!("{method} {path}");
            assert!(!op["summary"].as_str().unwrap_or("").is_empty(), "{what}");
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{what}: operationId"));
            assert!(
                operation_ids.insert(id.to_owned()),
                "{what}: operationId {id} twice"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.keys().any(|s| s.starts_with('2')), "{what}");
            assert!(responses.contains_key("401"), "{what}");
            for (status, response) in responses {
                if status.starts_with('4') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ApiError",
                        "{what} {status}"
                    );
                }
            }
            // Every `{placeholder}` is a documented path parameter.
            for piece in path.split('/').filter(|p| p.starts_with('{')) {
                let name = piece.trim_matches(|c| c == '{' || c == '}');
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                assert!(
                    params
                        .iter()
                        .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true),
                    "{what}: path parameter {name}"
                );
            }
        }
    }

    // Amounts are decimal strings, ids uuids, times date-times.
    let record = &doc["components"]["schemas"]["CustomerRecord"]["properties"];
    assert_eq!(
        record["credit_limit"],
        json!({"type": "string", "format": "decimal", "description": record["credit_limit"]["description"]})
    );
    assert_eq!(record["id"]["format"], "uuid");
    assert_eq!(record["updated_at"]["format"], "date-time");
    let item = &doc["components"]["schemas"]["FeedItem"]["properties"];
    assert_eq!(item["standard_rate"]["format"], "decimal");
    let charge = &doc["components"]["schemas"]["DeliveryCharge"]["properties"];
    assert_eq!(charge["rate"]["format"], "decimal");
}

/// A route mounted beside the table, as an area might by mistake.
fn rogue(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.route(
        "/api/v1/rogue",
        actix_web::web::get().to(|| async { "served" }),
    );
}

#[actix_web::test]
async fn a_route_mounted_outside_the_table_is_never_served() {
    let app = TestApp::spawn_with(|_| {}, Some(rogue)).await;
    let till = app.terminal(&app.terminal_token("NORTH"));
    let answer = till.get("/api/v1/rogue").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json["error"]["code"], "not_found");
}

#[actix_web::test]
async fn hq_reads_the_api_page_and_a_supervisor_may_not() {
    let app = TestApp::spawn().await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get("/api-docs").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"href="/api-docs""#);
    for (method, path) in patron::api::routes::table().list() {
        page.assert_contains(&format!(">{method}</span> <code>{path}</code>"));
    }
    for shown in [
        "Parameters",
        "Request body",
        "Responses",
        r##"<a href="#schema-CustomerRecord">CustomerRecord</a>"##,
        "string (decimal)",
        "/api/openapi.json",
    ] {
        page.assert_contains(shown);
    }
    page.assert_lacks("<script>");

    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    assert_eq!(
        supervisor.get("/api-docs").await.status,
        StatusCode::FORBIDDEN
    );
}

/// The operation `id` of the document: its method, path and body.
fn operation<'a>(doc: &'a Value, id: &str) -> (Method, &'a str, &'a Value) {
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["operationId"] == id {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                return (method, path, op);
            }
        }
    }
    panic!("no operation {id}")
}

#[actix_web::test]
async fn every_operation_documents_the_shared_errors_and_the_examples_are_a_day_the_api_accepts() {
    let (app, till) = crate::common::shop::shop().await;
    // The demo data the examples name: groups and territories, the catalogue, a delivery charge.
    patron::seed::demo_trees(&mut app.conn()).unwrap();
    patron::catalog::demo::seed(&mut app.conn()).unwrap();
    patron::coupons::demo::seed(&mut app.conn()).unwrap();
    app.sql(
        "INSERT INTO delivery_charges (pos_profile_id, label, default_rate, rate) \
         SELECT p.id, 'Standard Delivery', 5, 5 FROM pos_profiles p \
         JOIN stores s ON s.id = p.store_id WHERE s.code = 'NORTH'",
    );
    let doc = till.without_token().get("/api/openapi.json").await.json;

    let mut with_body = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for status in ["400", "401"] {
                assert_eq!(
                    op["responses"][status]["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ApiError",
                    "{method} {path} {status}"
                );
            }
            if let Some(body) = op.get("requestBody") {
                with_body += 1;
                assert!(
                    body["content"]["application/json"]["example"].is_object(),
                    "{method} {path}: a request body example"
                );
            }
            // Links name operations that exist, the way OpenAPI spells it.
            for response in op["responses"].as_object().unwrap().values() {
                for link in response["links"]
                    .as_object()
                    .into_iter()
                    .flat_map(|l| l.values())
                {
                    let target = link["operationId"].as_str().unwrap();
                    operation(&doc, target);
                    assert_eq!(link["parameters"]["id"], "$response.body#/id");
                }
            }
        }
    }
    assert_eq!(with_body, 7);
    let modes = &doc["components"]["schemas"]["AccountPayMode"]["enum"];
    assert_eq!(modes, &json!(patron::sales::model::accounts::ACCOUNT_MODES));

    // The examples in order: a customer made, edited, read, paid towards; a sale made, read,
    // cancelled; a gift card issued and read.
    for (id, expected) in [
        ("create_customer", StatusCode::CREATED),
        ("patch_customer", StatusCode::OK),
        ("get_customer", StatusCode::OK),
        ("get_customer_loyalty", StatusCode::OK),
        ("record_account_payment", StatusCode::CREATED),
        ("search_customers", StatusCode::OK),
        ("evaluate_cart", StatusCode::OK),
        ("validate_coupon", StatusCode::OK),
        ("submit_invoice", StatusCode::CREATED),
        ("get_invoice", StatusCode::OK),
        ("cancel_invoice", StatusCode::OK),
        ("issue_gift_card", StatusCode::CREATED),
        ("get_gift_card", StatusCode::OK),
    ] {
        let (method, path, op) = operation(&doc, id);
        let mut url = path.to_owned();
        let mut query = Vec::new();
        for param in op["parameters"].as_array().into_iter().flatten() {
            let name = param["name"].as_str().unwrap();
            let example = param["example"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: {name}"));
            match param["in"].as_str().unwrap() {
                "path" => url = url.replace(&format!("{{{name}}}"), example),
                _ => query.push(format!("{name}={example}")),
            }
        }
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        let body = op["requestBody"]["content"]["application/json"]
            .get("example")
            .cloned();
        let answer = till.request(method, &url, body.as_ref()).await;
        assert_eq!(answer.status, expected, "{id}: {:?}", answer.json);
        match id {
            "patch_customer" => {
                assert_eq!(answer.json["conflicts"], json!([]));
                assert_eq!(answer.json["customer"]["email"], "ana@example.com");
            }
            "search_customers" => assert_eq!(answer.json["customers"][0]["last_name"], "Lima"),
            "submit_invoice" => assert_eq!(answer.json["totals"]["grand_total"], "34.98"),
            "evaluate_cart" => assert_eq!(answer.json["totals"]["grand_total"], "44.97"),
            "cancel_invoice" => assert_eq!(answer.json["status"], "cancelled"),
            "validate_coupon" => assert_eq!(answer.json["offer"]["title"], "Welcome 10%"),
            "get_gift_card" => assert_eq!(answer.json["balance"], "50.00"),
            _ => {}
        }
    }
}
