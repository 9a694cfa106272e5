//! The Users page: create, validate, edit, deactivate and reactivate, with the rules that protect
//! administrators, and an audit entry for every change.

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::TestApp;

fn form<'a>(
    name: &'a str,
    email: &'a str,
    role: &'a str,
    store: &'a str,
    password: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("email", email),
        ("role", role),
        ("store_id", store),
        ("password", password),
    ]
}

#[actix_web::test]
async fn an_hq_manager_creates_a_store_supervisor_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let store = app.store("DOWNTOWN").to_string();
    let (hq, hq_user) = app.signed_in(Role::HqManager).await;
    let page = hq.get("/users/new").await;
    page.assert_contains(r#"<label for="f-name">Name"#);
    page.assert_contains("Store DOWNTOWN (DOWNTOWN)");

    let page = hq
        .post_form(
            "/users",
            &form(
                "Sam Ortiz",
                "sam@example.com",
                "store_supervisor",
                &store,
                "supervise-me-1",
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let list = hq.get(page.location().unwrap()).await;
    list.assert_contains("User Sam Ortiz created.");
    list.assert_contains("sam@example.com");
    list.assert_contains("<td>DOWNTOWN</td>");

    let entry = app.count(&format!(
        "SELECT count(*) AS n FROM audit_log WHERE entity = 'user' AND action = 'create' AND actor_id = {} \
         AND after->>'email' = 'sam@example.com' AND after->>'role' = 'store_supervisor' \
         AND NOT (after ? 'password_hash')",
        hq_user.id
    ));
    assert_eq!(entry, 1, "one audit entry, without the password hash");

    let sam = app.client();
    assert_eq!(
        sam.sign_in("sam@example.com", "supervise-me-1")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    sam.get("/").await.assert_contains("Store supervisor");
}

#[actix_web::test]
async fn bad_input_is_shown_next_to_each_field_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let before = app.count("SELECT count(*) AS n FROM users");
    let page = admin
        .post_form(
            "/users",
            &form("", "not-an-email", "store_supervisor", "", "short"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"<p class="field-error" id="f-name-error">Enter a name.</p>"#);
    page.assert_contains(r#"<p class="field-error" id="f-email-error">Enter an email address like name@example.com.</p>"#);
    page.assert_contains(
        r#"<p class="field-error" id="f-store_id-error">A store supervisor needs a store.</p>"#,
    );
    page.assert_contains(
        r#"<p class="field-error" id="f-password-error">Use at least 8 characters.</p>"#,
    );
    page.assert_contains(r#"aria-describedby="f-email-error""#);
    page.assert_contains(r#"value="not-an-email""#);
    page.assert_lacks(r#"value="short""#);
    assert_eq!(app.count("SELECT count(*) AS n FROM users"), before);
}

#[actix_web::test]
async fn an_email_in_use_in_another_case_is_refused_at_the_field() {
    let app = TestApp::spawn().await;
    app.user_named(Role::Marketing, "mia@example.com", "Mia");
    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin
        .post_form(
            "/users",
            &form(
                "Mia Two",
                "MIA@Example.com",
                "marketing",
                "",
                "long enough 1",
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Another user already has this email.");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM users WHERE lower(email) = 'mia@example.com'"),
        1
    );
}

#[actix_web::test]
async fn only_administrators_make_administrators() {
    let app = TestApp::spawn().await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get("/users/new").await;
    page.assert_lacks(r#"<option value="admin""#);
    let page = hq
        .post_form(
            "/users",
            &form("Eve", "eve@example.com", "admin", "", "long enough 1"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Only an administrator can make administrators.");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM users WHERE email = 'eve@example.com'"),
        0
    );

    let admin = app.user(Role::Admin);
    let page = hq
        .post_form(&format!("/users/{}/deactivate", admin.id), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    hq.get(page.location().unwrap())
        .await
        .assert_contains("Only an administrator can deactivate");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM users WHERE id = {} AND active",
            admin.id
        )),
        1
    );
}

#[actix_web::test]
async fn changing_a_role_is_saved_and_audited_with_before_and_after() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let target = app.user(Role::Marketing);
    let path = format!("/users/{}", target.id);
    admin.get(&path).await;
    let page = admin
        .post_form(
            &path,
            &form("Renamed Person", &target.email, "hq_manager", "", ""),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let shown = admin.get(&path).await;
    shown.assert_contains("Saved Renamed Person.");
    shown.assert_contains(r#"<option value="hq_manager" selected>"#);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_id = '{}' AND action = 'update' \
             AND before->>'role' = 'marketing' AND after->>'role' = 'hq_manager' \
             AND after->>'name' = 'Renamed Person'",
            target.id
        )),
        1
    );
}

#[actix_web::test]
async fn nobody_deactivates_themselves() {
    let app = TestApp::spawn().await;
    let (admin, me) = app.signed_in(Role::Admin).await;
    app.user(Role::Admin);
    let page = admin
        .post_form(&format!("/users/{}/deactivate", me.id), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    admin
        .get(page.location().unwrap())
        .await
        .assert_contains("You cannot deactivate your own account.");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM users WHERE id = {} AND active",
            me.id
        )),
        1
    );
}

#[actix_web::test]
async fn the_last_active_administrator_stays_one() {
    let app = TestApp::spawn().await;
    let (admin, me) = app.signed_in(Role::Admin).await;
    let other = app.user(Role::Admin);

    // With two administrators, one may go.
    let page = admin
        .post_form(&format!("/users/{}/deactivate", other.id), &[])
        .await;
    admin
        .get(page.location().unwrap())
        .await
        .assert_contains("deactivated.");

    // Now the last one cannot stop being one.
    let page = admin
        .post_form(
            &format!("/users/{}", me.id),
            &form(&me.name, &me.email, "hq_manager", "", ""),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("This is the last active administrator");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active"),
        1
    );

    // Reactivating brings the other back.
    let page = admin
        .post_form(&format!("/users/{}/reactivate", other.id), &[])
        .await;
    admin
        .get(page.location().unwrap())
        .await
        .assert_contains("reactivated.");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active"),
        2
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_id = '{}' AND action IN ('deactivate', 'reactivate')",
            other.id
        )),
        2
    );
}

#[actix_web::test]
async fn a_users_page_offers_reset_and_deactivate_with_confirmation() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let target = app.user(Role::StoreSupervisor);
    let page = admin.get(&format!("/users/{}", target.id)).await;
    page.assert_contains("Reset password");
    page.assert_contains(r#"data-confirm="Deactivate "#);
    page.assert_contains(r#"class="btn-quiet-danger">Deactivate</button>"#);

    let page = admin
        .post_form(
            &format!("/users/{}/password", target.id),
            &[("password", "tiny")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"id="f-password-error">Use at least 8 characters.</p>"#);
}
