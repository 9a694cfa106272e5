//! A state-changing request without the session's CSRF token is refused and changes nothing.

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::TestApp;

const NEW_USER: [(&str, &str); 4] = [
    ("name", "Casey Forged"),
    ("email", "forged@example.com"),
    ("role", "marketing"),
    ("password", "long enough password"),
];

fn forged_users(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM users WHERE email = 'forged@example.com'")
}

#[actix_web::test]
async fn a_form_without_the_token_is_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    let page = client.post_raw("/users", &NEW_USER).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    page.assert_contains("did not come from this site");
    assert_eq!(forged_users(&app), 0);
}

#[actix_web::test]
async fn a_form_with_a_wrong_token_is_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    let mut fields = vec![("csrf_token", "0123456789abcdef")];
    fields.extend_from_slice(&NEW_USER);
    let page = client.post_raw("/users", &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(forged_users(&app), 0);
}

#[actix_web::test]
async fn another_sessions_token_does_not_work() {
    let app = TestApp::spawn().await;
    let (attacker, _) = app.signed_in(Role::Marketing).await;
    attacker.get("/").await;
    let stolen = attacker.csrf().unwrap();
    let (victim, _) = app.signed_in(Role::Admin).await;
    let mut fields = vec![("csrf_token", stolen.as_str())];
    fields.extend_from_slice(&NEW_USER);
    assert_eq!(
        victim.post_raw("/users", &fields).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(forged_users(&app), 0);
}

#[actix_web::test]
async fn the_token_in_the_htmx_header_is_accepted() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    client.get("/users/new").await;
    let token = client.csrf().unwrap();
    let page = client.post_htmx("/users", &NEW_USER, &token).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(forged_users(&app), 1);

    let refused = client.post_htmx("/users", &NEW_USER, "wrong").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_lacks("<html");
}

#[actix_web::test]
async fn signing_out_needs_the_token_too() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Marketing).await;
    assert_eq!(
        client.post_raw("/logout", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        client.get("/").await.status,
        StatusCode::OK,
        "still signed in"
    );
}

#[actix_web::test]
async fn signing_in_needs_the_token() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Marketing);
    let client = app.client();
    client.get("/login").await;
    let page = client
        .post_raw(
            "/login",
            &[
                ("email", &user.email),
                ("password", crate::common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);
}
