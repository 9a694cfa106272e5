//! The customer change feed tills sync from: paging, validation, and above all that a till's
//! cursor never skips a change, even when transactions commit out of the order they wrote in.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use diesel::prelude::*;
use reqwest::StatusCode;

use crate::common::{ApiClient, TestApp};

/// Reads the feed from `after` until `has_more` is false; returns (code -> notes) of the last
/// version seen of each customer, and the new cursor.
async fn drain(till: &ApiClient, mut after: i64, seen: &mut HashMap<String, String>) -> i64 {
    loop {
        let page = till
            .get(&format!("/api/v1/customers/changes?after={after}&limit=7"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.json);
        let mut last = after;
        for customer in page.json["customers"].as_array().unwrap() {
            let seq = customer["change_seq"].as_i64().unwrap();
            assert!(seq > last, "feed order: {seq} after {last}");
            last = seq;
            seen.insert(
                customer["code"].as_str().unwrap().to_owned(),
                customer["city"].as_str().unwrap().to_owned(),
            );
        }
        assert_eq!(page.json["next"].as_i64().unwrap(), last);
        after = last;
        if !page.json["has_more"].as_bool().unwrap() {
            return after;
        }
    }
}

fn cities(app: &TestApp) -> HashMap<String, String> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        code: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        city: String,
    }
    diesel::sql_query("SELECT code, city FROM customers")
        .load::<Row>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|r| (r.code, r.city))
        .collect()
}

#[actix_web::test]
async fn a_till_pages_through_every_customer_and_then_sees_each_later_change() {
    let app = TestApp::spawn().await;
    patron::seed::customers(&mut app.conn(), 30, |_| {}).unwrap();
    let till = app.terminal(&app.terminal_token("NORTH"));

    let mut seen = HashMap::new();
    let cursor = drain(&till, 0, &mut seen).await;
    assert_eq!(seen, cities(&app));

    app.sql("UPDATE customers SET city = 'Lisbon', active = false WHERE code = 'CUST-00007'");
    let page = till
        .get(&format!("/api/v1/customers/changes?after={cursor}"))
        .await;
    let changed = page.json["customers"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0]["code"], "CUST-00007");
    assert_eq!(changed[0]["city"], "Lisbon");
    assert_eq!(changed[0]["active"], false);
    assert!(!changed[0]["customer_group"].as_str().unwrap().is_empty());
    assert_eq!(page.json["has_more"], false);
    let nothing = till
        .get(&format!(
            "/api/v1/customers/changes?after={}",
            page.json["next"]
        ))
        .await;
    assert_eq!(nothing.json["customers"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn bad_cursors_and_sizes_are_named_and_tokens_are_required() {
    let app = TestApp::spawn().await;
    let till = app.terminal(&app.terminal_token("NORTH"));
    let reply = till
        .get("/api/v1/customers/changes?after=-1&limit=5000")
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.json["error"]["fields"]["after"].is_string());
    assert!(reply.json["error"]["fields"]["limit"].is_string());
    let words = till.get("/api/v1/customers/changes?limit=lots").await;
    assert_eq!(words.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(words.json["error"]["fields"]["limit"].is_string());
    let anonymous = till.without_token().get("/api/v1/customers/changes").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_change_that_commits_late_is_not_skipped() {
    let app = TestApp::spawn().await;
    patron::seed::customers(&mut app.conn(), 5, |_| {}).unwrap();
    let till = app.terminal(&app.terminal_token("NORTH"));
    let mut seen = HashMap::new();
    let cursor = drain(&till, 0, &mut seen).await;

    // A writes first but commits last; B writes and commits in between; the till reads then.
    let mut slow = app.db.conn();
    diesel::sql_query("BEGIN").execute(&mut slow).unwrap();
    diesel::sql_query("UPDATE customers SET city = 'Slow' WHERE code = 'CUST-00001'")
        .execute(&mut slow)
        .unwrap();
    app.sql("UPDATE customers SET city = 'Quick' WHERE code = 'CUST-00002'");
    let cursor = drain(&till, cursor, &mut seen).await;
    assert_eq!(seen["CUST-00002"], "Quick");
    assert_ne!(seen["CUST-00001"], "Slow", "not committed yet");

    diesel::sql_query("COMMIT").execute(&mut slow).unwrap();
    drain(&till, cursor, &mut seen).await;
    assert_eq!(
        seen["CUST-00001"], "Slow",
        "the late commit reached the till"
    );
}

#[actix_web::test]
async fn a_till_reading_while_hq_writes_ends_with_every_final_version() {
    let app = TestApp::spawn().await;
    patron::seed::customers(&mut app.conn(), 40, |_| {}).unwrap();
    let till = app.terminal(&app.terminal_token("NORTH"));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let pool = app.pool.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut conn = pool.get().unwrap();
            let mut round = 0u32;
            while !stop.load(Ordering::Relaxed) && round < 400 {
                round += 1;
                let (a, b) = (1 + round % 40, 1 + (round * 7) % 40);
                // Two customers per transaction, with a pause inside so commits interleave.
                conn.transaction::<_, diesel::result::Error, _>(|conn| {
                    diesel::sql_query(format!(
                        "UPDATE customers SET city = 'r{round}' WHERE id = {a}"
                    ))
                    .execute(conn)?;
                    diesel::sql_query("SELECT pg_sleep(0.002)").execute(conn)?;
                    diesel::sql_query(format!(
                        "UPDATE customers SET city = 'r{round}' WHERE id = {b}"
                    ))
                    .execute(conn)?;
                    Ok(())
                })
                .unwrap();
            }
        })
    };
    let second_writer = {
        let pool = app.pool.clone();
        std::thread::spawn(move || {
            let mut conn = pool.get().unwrap();
            for round in 0..300 {
                diesel::sql_query(format!(
                    "UPDATE customers SET city = 'w{round}' WHERE id = {}",
                    1 + (round * 3) % 40
                ))
                .execute(&mut conn)
                .unwrap();
            }
        })
    };
    let mut seen = HashMap::new();
    let mut cursor = 0;
    for _ in 0..60 {
        cursor = drain(&till, cursor, &mut seen).await;
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    second_writer.join().unwrap();
    drain(&till, cursor, &mut seen).await;
    assert_eq!(
        seen,
        cities(&app),
        "every customer's last version reached the till"
    );
}

fn ana(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "first_name": "Ana", "last_name": "Lima", "mobile": "+351 912 000 111",
        "email": "ana@example.com", "customer_group": "All Customers",
        "territory": "All Territories"
    })
}

#[actix_web::test]
async fn a_till_creates_a_customer_once_and_hq_gives_the_code() {
    let app = TestApp::spawn().await;
    let north = app.terminal(&app.terminal_token("NORTH"));
    let south = app.terminal(&app.terminal_token("SOUTH"));
    let id = "9d1c6a1e-0000-4000-8000-000000000001";

    let made = north.post("/api/v1/customers", &ana(id)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(made.json["id"], id);
    assert_eq!(made.json["origin_store"], "NORTH");
    assert!(made.json["change_seq"].as_i64().unwrap() > 0);
    let code = made.json["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("CUST-"));

    let retry = north.post("/api/v1/customers", &ana(id)).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.json["code"], code.as_str());

    // The same person entered at another store while both were offline: a second customer.
    let twin = south
        .post(
            "/api/v1/customers",
            &ana("9d1c6a1e-0000-4000-8000-000000000002"),
        )
        .await;
    assert_eq!(twin.status, StatusCode::CREATED);
    assert_ne!(twin.json["code"], code.as_str());
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 2);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE entity = 'customer' AND actor_label LIKE 'till NORTH%'"),
        1
    );

    // Twenty retries at once (a till on a flaky line): one customer.
    let racing = "9d1c6a1e-0000-4000-8000-000000000009";
    let body = ana(racing);
    let replies =
        futures_util::future::join_all((0..20).map(|_| north.post("/api/v1/customers", &body)))
            .await;
    let codes: std::collections::HashSet<_> =
        replies.iter().map(|r| r.json["code"].to_string()).collect();
    assert_eq!(codes.len(), 1, "{replies:?}");
    assert!(replies.iter().all(|r| r.status.is_success()));
    app.sql(&format!(
        "UPDATE customers SET active = false WHERE uuid = '{racing}'"
    ));

    let found = north.get("/api/v1/customers/search?q=ana%20lima").await;
    assert_eq!(found.json["customers"].as_array().unwrap().len(), 2);
    let one = north.get(&format!("/api/v1/customers/{id}")).await;
    assert_eq!(one.json["code"], code.as_str());
    assert_eq!(one.json["balances"]["outstanding"], "0.00");
    let missing = north
        .get("/api/v1/customers/00000000-0000-4000-8000-00000000ffff")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json["error"]["code"], "not_found");
}

#[actix_web::test]
async fn malformed_customers_are_refused_by_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let till = app.terminal(&app.terminal_token("NORTH"));
    let id = "9d1c6a1e-0000-4000-8000-000000000003";
    let mut no_name = ana(id);
    no_name["first_name"] = "".into();
    let mut wrong_type = ana(id);
    wrong_type["first_name"] = 7.into();
    let mut unknown_group = ana(id);
    unknown_group["customer_group"] = "Martians".into();
    let mut bad_country = ana(id);
    bad_country["country_code"] = "XX".into();
    let mut bad_email = ana(id);
    bad_email["email"] = "ana@".into();
    for (body, field) in [
        (no_name, "first_name"),
        (wrong_type, "first_name"),
        (unknown_group, "customer_group"),
        (bad_country, "country_code"),
        (bad_email, "email"),
    ] {
        let reply = till.post("/api/v1/customers", &body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {:?}",
            reply.json
        );
        assert!(
            reply.json["error"]["fields"][field].is_string(),
            "{field}: {:?}",
            reply.json
        );
    }
    let not_json = till
        .post_bytes("/api/v1/customers", b"{\"id\": ".to_vec())
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.json["error"]["code"], "bad_request");
    let mut huge = ana(id);
    huge["notes"] = "x".repeat(2 * 1024 * 1024).into();
    let too_big = till
        .post_bytes("/api/v1/customers", serde_json::to_vec(&huge).unwrap())
        .await;
    assert!(too_big.status.is_client_error(), "{}", too_big.status);
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 0);
}

#[actix_web::test]
async fn an_offline_edit_merges_field_by_field_and_reports_conflicts() {
    let app = TestApp::spawn().await;
    let till = app.terminal(&app.terminal_token("NORTH"));
    let id = "9d1c6a1e-0000-4000-8000-000000000004";
    let mut body = ana(id);
    body["city"] = "Porto".into();
    till.post("/api/v1/customers", &body).await;
    // Meanwhile HQ moves her to Braga.
    app.sql("UPDATE customers SET city = 'Braga'");

    let path = format!("/api/v1/customers/{id}");
    let reply = till
        .patch(
            &path,
            &serde_json::json!({"changes": {
                "email": {"from": "ana@example.com", "to": "ana.lima@example.com"},
                "city": {"from": "Porto", "to": "Faro"}
            }}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
    assert_eq!(reply.json["customer"]["email"], "ana.lima@example.com");
    assert_eq!(
        reply.json["customer"]["city"], "Braga",
        "HQ's change is kept"
    );
    assert_eq!(
        reply.json["conflicts"],
        serde_json::json!([{"field": "city", "from": "Porto", "to": "Faro", "current": "Braga"}])
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customers WHERE email = 'ana.lima@example.com' AND city = 'Braga'"),
        1
    );

    let clean = till
        .patch(
            &path,
            &serde_json::json!({"changes": {"city": {"from": "Braga", "to": "Faro"}}}),
        )
        .await;
    assert_eq!(clean.json["conflicts"], serde_json::json!([]));
    assert_eq!(clean.json["customer"]["city"], "Faro");

    let refused = till
        .patch(
            &path,
            &serde_json::json!({"changes": {"credit_limit": {"from": "0", "to": "9999"}}}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json["error"]["fields"]["changes.credit_limit"].is_string());
    let invalid = till
        .patch(
            &path,
            &serde_json::json!({"changes": {"email": {"from": "ana.lima@example.com", "to": "nope"}}}),
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.json["error"]["fields"]["changes.email"].is_string());
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customers WHERE email = 'ana.lima@example.com' AND city = 'Faro' AND credit_limit = 0"),
        1,
        "refused edits left the record alone"
    );
}
