//! The Audit page: entries in words with links, newest first, filters, paging both ways,
//! fragments for htmx, indexes; and home's latest activity.

use patron_rules::users::Role;
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
async fn entries_are_listed_newest_first_and_paged_both_ways() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    add_entries(&app, 110, "widget");
    let cell = |n: usize| format!("<span class=\"muted\">Widget</span> #{n}</td>");

    let first = client.get("/audit?entity=widget").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.matches(">Widget</span> #").count(), 50);
    let newest = first.body.find(&cell(110)).unwrap();
    let older = first.body.find(&cell(109)).unwrap();
    assert!(newest < older, "newest first");
    first.assert_contains("Showing 1–50");
    first.assert_lacks(">Previous</a>");

    let second = client.get(&first.pager_link("next").unwrap()).await;
    second.assert_contains("Showing 51–100");
    second.assert_contains(&cell(60));
    let back = client.get(&second.pager_link("prev").unwrap()).await;
    assert_eq!(
        back.body.split("<tbody>").nth(1),
        first.body.split("<tbody>").nth(1),
        "Previous gives page 1's rows exactly"
    );

    let last = client.get(&second.pager_link("next").unwrap()).await;
    assert_eq!(last.body.matches(">Widget</span> #").count(), 10);
    last.assert_contains(&cell(10));
    last.assert_contains("Showing 101–110");
    last.assert_lacks(">Next</a>");
}

#[actix_web::test]
async fn filters_narrow_the_list_in_words_and_htmx_gets_only_the_rows() {
    let app = TestApp::spawn().await;
    let (client, me) = app.signed_in(Role::HqManager).await;
    add_entries(&app, 3, "widget");
    let target = app.user(Role::Marketing);
    client
        .post_form(&format!("/users/{}/deactivate", target.id), &[])
        .await;
    let target_cell = format!(
        r#"<span class="muted">User</span> <a href="/users/{}">{}</a>"#,
        target.id, target.name
    );

    let mine = client.get(&format!("/audit?user={}", me.id)).await;
    mine.assert_contains(&target_cell);
    mine.assert_contains("<td>Deactivated</td>");
    mine.assert_contains(&format!(
        r#"<a href="/users/{}">{} (HQ)</a>"#,
        me.id, me.name
    ));
    mine.assert_lacks(">Widget</span>");
    mine.assert_contains(r#"<option value="user">User</option>"#);
    mine.assert_contains(r#"<option value="deactivate">Deactivated</option>"#);
    mine.assert_contains(r#"<option value="sign_in">Signed in</option>"#);

    let one = client
        .get(&format!("/audit?entity=user&id={}", target.id))
        .await;
    one.assert_contains(&target_cell);
    one.assert_lacks(&format!(r#"<a href="/users/{}">{}</a>"#, me.id, me.name));

    let sign_ins = client.get("/audit?action=sign_in").await;
    sign_ins.assert_contains("<td>Signed in</td>");
    sign_ins.assert_lacks("<td>Deactivated</td>");

    let fragment = client.get_fragment("/audit?entity=widget").await;
    fragment.assert_lacks("<html");
    fragment.assert_lacks("<form");
    assert_eq!(fragment.body.matches(">Widget</span> #").count(), 3);

    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let none = client.get(&format!("/audit?from={tomorrow}")).await;
    none.assert_contains("No entries match these filters.");

    let bad = client.get("/audit?from=yesterday&after=x&before=-").await;
    assert_eq!(bad.status, StatusCode::OK);
    bad.assert_contains("Dates look like 2026-11-23.");
}

#[actix_web::test]
async fn a_change_reads_as_its_fields_with_a_link_to_the_customer() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::HqManager).await;
    let group = app.count("SELECT id AS n FROM customer_groups WHERE parent_id IS NULL");
    let territory = app.count("SELECT id AS n FROM territories WHERE parent_id IS NULL");
    let (group, territory) = (group.to_string(), territory.to_string());
    let mut form = vec![
        ("first_name", "Jane"),
        ("last_name", "Doe"),
        ("customer_group_id", group.as_str()),
        ("territory_id", territory.as_str()),
        ("email", "jane@old.example"),
        ("mobile", ""),
    ];
    let created = client.post_form("/customers", &form).await;
    let at = created.location().unwrap().to_owned();
    form[4] = ("email", "jane@new.example");
    let saved = client.post_form(&at, &form).await;
    assert!(saved.status.is_redirection(), "{}", saved.body);

    let page = client.get("/audit?entity=customer").await;
    page.assert_contains("Email: jane@old.example → jane@new.example");
    page.assert_contains(&format!(
        r#"<span class="muted">Customer</span> <a href="{at}">Jane Doe</a>"#
    ));
    // Created: its main fields, no JSON.
    page.assert_contains("<li>First Name: Jane</li>");
    page.assert_lacks("first_name");
    page.assert_lacks("{&quot;");
}

#[actix_web::test]
async fn home_tells_the_latest_changes_in_words_without_sign_ins() {
    let app = TestApp::spawn().await;
    let (client, me) = app.signed_in(Role::Admin).await;
    let target = app.user(Role::Marketing);
    client
        .post_form(&format!("/users/{}/deactivate", target.id), &[])
        .await;
    assert!(app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'sign_in'") >= 1);

    let home = client.get("/").await;
    // "Test Administrator (HQ) deactivated user Test Marketing", the user's name a link or not.
    home.assert_contains(&format!("{} (HQ)", me.name));
    home.assert_contains("deactivated user");
    home.assert_contains(&target.name);
    home.assert_lacks("signed in");
    home.assert_lacks("sign in");
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
            "SELECT * FROM audit_log WHERE action = 'sign_in' ORDER BY id DESC LIMIT 51",
            "audit_log_action_idx",
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
