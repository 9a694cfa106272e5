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
