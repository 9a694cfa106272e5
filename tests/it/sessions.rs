//! Sessions end when they should: idle, too old, user deactivated, password changed.

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::{PASSWORD, TestApp};

#[actix_web::test]
async fn a_session_idle_for_more_than_30_minutes_ends() {
    let app = TestApp::spawn().await;
    let (client, user) = app.signed_in(Role::Marketing).await;
    app.sql(&format!(
        "UPDATE sessions SET last_seen_at = now() - interval '29 minutes' WHERE user_id = {}",
        user.id
    ));
    assert_eq!(
        client.get("/").await.status,
        StatusCode::OK,
        "29 minutes idle is fine"
    );

    app.sql(&format!(
        "UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = {}",
        user.id
    ));
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login"));
}

#[actix_web::test]
async fn the_idle_timeout_is_configurable() {
    let app = TestApp::spawn_with(|c| c.session_idle_minutes = 5, None).await;
    let (client, user) = app.signed_in(Role::Marketing).await;
    app.sql(&format!(
        "UPDATE sessions SET last_seen_at = now() - interval '6 minutes' WHERE user_id = {}",
        user.id
    ));
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_session_ends_12_hours_after_sign_in_however_active() {
    let app = TestApp::spawn().await;
    let (client, user) = app.signed_in(Role::HqManager).await;
    app.sql(&format!(
        "UPDATE sessions SET created_at = now() - interval '11 hours 59 minutes' WHERE user_id = {}",
        user.id
    ));
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    app.sql(&format!(
        "UPDATE sessions SET created_at = now() - interval '12 hours 1 minute' WHERE user_id = {}",
        user.id
    ));
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn requests_keep_a_session_alive() {
    let app = TestApp::spawn().await;
    let (client, user) = app.signed_in(Role::HqManager).await;
    app.sql(&format!(
        "UPDATE sessions SET last_seen_at = now() - interval '20 minutes' WHERE user_id = {}",
        user.id
    ));
    client.get("/").await;
    let idle = app.count(&format!(
        "SELECT extract(epoch FROM now() - last_seen_at)::bigint AS n FROM sessions WHERE user_id = {}",
        user.id
    ));
    assert!(idle < 60, "last_seen_at was moved up ({idle} s ago)");
}

#[actix_web::test]
async fn deactivating_a_user_ends_their_session_at_once() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let (victim, victim_user) = app.signed_in(Role::Marketing).await;
    assert_eq!(victim.get("/").await.status, StatusCode::OK);

    admin.get(&format!("/users/{}", victim_user.id)).await;
    let page = admin
        .post_form(&format!("/users/{}/deactivate", victim_user.id), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    let page = victim.get("/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login"));
}

#[actix_web::test]
async fn changing_ones_password_ends_the_other_sessions_only() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::HqManager);
    let laptop = app.client();
    let phone = app.client();
    laptop.sign_in(&user.email, PASSWORD).await;
    phone.sign_in(&user.email, PASSWORD).await;

    laptop.get("/account/password").await;
    let page = laptop
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new secret"),
                ("confirm_password", "a brand new secret"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let home = laptop.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "the changer stays signed in");
    home.assert_contains("Password changed");

    assert_eq!(
        phone.get("/").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    let again = app.client();
    assert_eq!(
        again.sign_in(&user.email, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        again
            .sign_in(&user.email, "a brand new secret")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn a_wrong_current_password_is_reported_next_to_its_field() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Marketing).await;
    client.get("/account/password").await;
    let page = client
        .post_form(
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"<p class="field-error" id="f-current_password-error">That is not your current password.</p>"#);
    page.assert_contains(
        r#"<p class="field-error" id="f-new_password-error">Use at least 8 characters.</p>"#,
    );
}

#[actix_web::test]
async fn an_administrator_resetting_a_password_ends_that_users_sessions() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let (other, other_user) = app.signed_in(Role::StoreSupervisor).await;
    admin.get(&format!("/users/{}", other_user.id)).await;
    let page = admin
        .post_form(
            &format!("/users/{}/password", other_user.id),
            &[("password", "temporary-pass-1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(other.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client()
            .sign_in(&other_user.email, "temporary-pass-1")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}
