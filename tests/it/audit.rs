//! The Audit page: newest first, filters, keyset paging, fragments for htmx, indexes.

use patron::users::rules::Role;
use reqwest::StatusCode;

use crate::common::TestApp;

fn add_entries(app: &TestApp, n: usize, entity: &str) {
    app.sql(&format!(
        "INSERT INTO audit_log (actor_label, entity, entity_id, action, after)
         SELECT 'seed@example.com', '{entity}', g::text, 'update', jsonb_build_object('n', g)
         FROM generate_series(1, {n}) AS g"
    ));
}

#[actix_web::test]
async fn entries_are_listed_newest_first_and_paged_with_next() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    add_entries(&app, 60, "widget");

    let first = client.get("/audit?entity=widget").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.matches("<td>widget ").count(), 50);
    let newest = first.body.find("<td>widget 60</td>").unwrap();
    let older = first.body.find("<td>widget 59</td>").unwrap();
    assert!(newest < older, "newest first");
    first.assert_lacks("<td>widget 10</td>");

    let next = first
        .body
        .split("<a class=\"btn\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(next.contains("before="), "{next}");
    let second = client.get(&next).await;
    assert_eq!(second.body.matches("<td>widget ").count(), 10);
    second.assert_contains("<td>widget 10</td>");
    second.assert_lacks(">Next</a>");
}

#[actix_web::test]
async fn filters_narrow_the_list_and_htmx_gets_only_the_rows() {
    let app = TestApp::spawn().await;
    let (client, me) = app.signed_in(Role::HqManager).await;
    add_entries(&app, 3, "widget");
    let target = app.user(Role::Marketing);
    client
        .post_form(&format!("/users/{}/deactivate", target.id), &[])
        .await;

    let mine = client.get(&format!("/audit?user={}", me.id)).await;
    mine.assert_contains(&format!("<td>user {}</td>", target.id));
    mine.assert_lacks("<td>widget ");

    let one = client
        .get(&format!("/audit?entity=user&id={}", target.id))
        .await;
    one.assert_contains(&format!("<td>user {}</td>", target.id));
    one.assert_lacks(&format!("<td>user {}</td>", me.id));

    let fragment = client.get_fragment("/audit?entity=widget").await;
    fragment.assert_lacks("<html");
    fragment.assert_lacks("<form");
    assert_eq!(fragment.body.matches("<td>widget ").count(), 3);

    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let none = client.get(&format!("/audit?from={tomorrow}")).await;
    none.assert_contains("No entries match these filters.");

    let bad = client.get("/audit?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::OK);
    bad.assert_contains("Dates look like 2026-11-23.");
}

#[actix_web::test]
async fn audit_filters_are_served_by_indexes() {
    let app = TestApp::spawn().await;
    app.assert_indexed(&[
        (
            "SELECT * FROM audit_log WHERE entity = 'user' ORDER BY id DESC LIMIT 51",
            "audit_log_entity_idx",
        ),
        (
            "SELECT * FROM audit_log WHERE actor_id = 1 ORDER BY id DESC LIMIT 51",
            "audit_log_actor_idx",
        ),
        (
            "SELECT * FROM sessions WHERE user_id = 1",
            "sessions_user_id_idx",
        ),
        (
            "SELECT * FROM users WHERE lower(email) = 'a@b.c'",
            "users_email_lower_key",
        ),
    ]);
}
