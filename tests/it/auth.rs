//! Signing in and out: the messages people see, lockout, the session id change.

use patron::users::signin::SIGN_IN_FAILED;
use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::{PASSWORD, TestApp};

#[actix_web::test]
async fn signing_in_shows_the_home_page_with_the_users_name() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::HqManager);
    let client = app.client();

    let page = client.sign_in(&user.email, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/"));

    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    home.assert_contains(&user.name);
    home.assert_contains("HQ manager");
    home.assert_contains("<h1>Hello, Test</h1>");
    home.assert_contains("Sign out");
}

#[actix_web::test]
async fn email_case_does_not_matter_at_sign_in() {
    let app = TestApp::spawn().await;
    app.user_named(Role::Marketing, "Mia.Keller@Example.com", "Mia Keller");
    let page = app
        .client()
        .sign_in("mia.keller@example.COM", PASSWORD)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Marketing);
    let client = app.client();

    let wrong = client.sign_in(&user.email, "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    wrong.assert_contains(SIGN_IN_FAILED);
    wrong.assert_contains(&format!("value=\"{}\"", user.email));

    let unknown = client
        .sign_in("nobody@example.com", "not the password")
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    unknown.assert_contains(SIGN_IN_FAILED);

    let still_out = client.get("/").await;
    assert_eq!(still_out.status, StatusCode::SEE_OTHER);
    assert_eq!(still_out.location(), Some("/login"));
}

#[actix_web::test]
async fn five_failures_lock_the_account_until_the_lock_runs_out() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::HqManager);
    let client = app.client();
    for _ in 0..5 {
        let page = client.sign_in(&user.email, "guess-guess").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }

    let locked = client.sign_in(&user.email, PASSWORD).await;
    assert_eq!(
        locked.status,
        StatusCode::UNAUTHORIZED,
        "the right password is refused while locked"
    );
    locked.assert_contains(SIGN_IN_FAILED);
    let minutes = app.count(&format!(
        "SELECT round(extract(epoch FROM min(at) + interval '15 minutes' - now()) / 60)::bigint AS n \
         FROM sign_in_attempts WHERE user_id = {}",
        user.id
    ));
    assert!((14..=15).contains(&minutes), "locked for {minutes} minutes");

    // Fifteen minutes later.
    app.sql("UPDATE sign_in_attempts SET at = at - interval '15 minutes 1 second'");
    let page = client.sign_in(&user.email, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM sign_in_attempts WHERE user_id = {}",
            user.id
        )),
        0,
        "signing in forgets the failures"
    );
}

#[actix_web::test]
async fn four_failures_do_not_lock() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::HqManager);
    let client = app.client();
    for _ in 0..4 {
        client.sign_in(&user.email, "guess-guess").await;
    }
    assert_eq!(
        client.sign_in(&user.email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn a_deactivated_user_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Marketing);
    app.sql(&format!(
        "UPDATE users SET active = false WHERE id = {}",
        user.id
    ));
    let page = app.client().sign_in(&user.email, PASSWORD).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    page.assert_contains(SIGN_IN_FAILED);
}

#[actix_web::test]
async fn the_session_id_changes_at_sign_in() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Admin);
    let client = app.client();
    client.get("/login").await;
    let before = client
        .session_cookie()
        .expect("the sign-in page starts a session");

    client.sign_in(&user.email, PASSWORD).await;
    let after = client.session_cookie().expect("signed in");
    assert_ne!(before, after);
    assert_eq!(client.get("/").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn signing_in_returns_to_the_page_asked_for_but_never_to_another_site() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Admin);
    let client = app.client();

    let redirect = client.get("/users?x=1").await;
    assert_eq!(redirect.location(), Some("/login?next=%2Fusers%3Fx%3D1"));
    let login = client.get(redirect.location().unwrap()).await;
    login.assert_contains(r#"name="next" value="/users?x=1""#);
    let page = client
        .post_form(
            "/login",
            &[
                ("email", &user.email),
                ("password", PASSWORD),
                ("next", "/users?x=1"),
            ],
        )
        .await;
    assert_eq!(page.location(), Some("/users?x=1"));

    // Another site, or a path a browser may read as one (a tab after the slash) or that cannot
    // be a header (a line break): home instead.
    for next in [
        "//evil.example/",
        "/\t/evil.example/",
        "/users\n",
        "/users\r",
    ] {
        let other = app.client();
        let page = other.sign_in_with_next(&user.email, next).await;
        assert_eq!(page.location(), Some("/"), "{next:?}");
    }
}

#[actix_web::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Marketing).await;
    let page = client.post_form("/logout", &[]).await;
    assert_eq!(page.location(), Some("/login?signed_out=1"));
    client
        .get("/login?signed_out=1")
        .await
        .assert_contains("You have signed out.");
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);

    // The server forgot the signed-in session, so an old copy of the cookie is worthless too.
    assert_eq!(
        app.count("SELECT count(*) AS n FROM sessions WHERE user_id IS NOT NULL"),
        0
    );
}
