//! Errors as people and programs see them: pages, fragments, JSON; 404, 503, a panic; headers.

use actix_web::web;
use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::{Page, TestApp};

fn assert_security_headers(page: &Page) {
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["referrer-policy"], "same-origin");
}

#[actix_web::test]
async fn pages_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    for path in ["/login", "/", "/users", "/nowhere"] {
        let page = client.get(path).await;
        assert_security_headers(&page);
        assert_eq!(page.headers["vary"], "HX-Request", "{path}");
    }
}

#[actix_web::test]
async fn pages_have_no_inline_script_or_style() {
    let app = TestApp::spawn().await;
    let (client, user) = app.signed_in(Role::Admin).await;
    for path in [
        "/login".to_owned(),
        "/".to_owned(),
        "/users".to_owned(),
        "/users/new".to_owned(),
        format!("/users/{}", user.id),
        "/audit".to_owned(),
        "/account/password".to_owned(),
    ] {
        let page = client.get(&path).await;
        for (i, _) in page.body.match_indices("<script") {
            let tag = &page.body[i..i + page.body[i..].find('>').unwrap()];
            assert!(
                tag.contains("src=\"/static/"),
                "{path}: inline script {tag}"
            );
        }
        page.assert_lacks(" style=");
        page.assert_lacks("<style");
    }
}

#[actix_web::test]
async fn an_unknown_address_gets_a_404_page_fragment_or_json() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;

    let page = client.get("/nowhere").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    page.assert_contains("<html");
    page.assert_contains("Page not found");

    let fragment = client.get_fragment("/nowhere").await;
    assert_eq!(fragment.status, StatusCode::NOT_FOUND);
    fragment.assert_lacks("<html");
    fragment.assert_contains("role=\"alert\"");
    assert_eq!(fragment.headers["hx-retarget"], "#alerts");

    let json = client.get("/api/v1/nothing").await;
    assert_eq!(json.status, StatusCode::NOT_FOUND);
    let body: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].is_string());
    assert!(body["error"]["fields"].is_object());
}

#[actix_web::test]
async fn a_missing_or_malformed_record_id_is_a_404() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    assert_eq!(
        client.get("/users/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(client.get("/users/abc").await.status, StatusCode::NOT_FOUND);
}

async fn panicking() -> &'static str {
    panic!("secret detail: the vault code is 1234");
}

#[actix_web::test]
async fn a_panic_in_a_handler_is_a_plain_500_and_the_server_goes_on() {
    let app = TestApp::spawn_with(
        |_| {},
        Some(|cfg| {
            cfg.route("/test/panic", web::get().to(panicking));
        }),
    )
    .await;
    let client = app.client();
    let page = client.get("/test/panic").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    page.assert_contains("Something went wrong on our side");
    page.assert_lacks("secret detail");
    page.assert_lacks("panicked");
    assert_security_headers(&page);

    assert_eq!(client.get("/login").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn when_the_database_goes_away_pages_say_so_and_recover_when_it_is_back() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::HqManager).await;
    let name = app.db.name.clone();
    let mut admin = app.db.admin();
    use diesel::RunQueryDsl;
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .execute(&mut admin)
        .unwrap();
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .execute(&mut admin)
    .unwrap();

    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    page.assert_contains("Database unavailable");
    assert_security_headers(&page);
    assert_eq!(
        client.get("/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );

    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .execute(&mut admin)
        .unwrap();
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::OK, "recovered without a restart");
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn static_files_are_served_with_long_cache_lifetimes() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let htmx = client.get("/static/htmx.min.js").await;
    assert_eq!(htmx.status, StatusCode::OK);
    assert!(
        htmx.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert!(
        htmx.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    htmx.assert_contains("htmx");
    let login = client.get("/login").await;
    login.assert_contains(&format!(
        "/static/app.css?v={}",
        patron::web::assets::VERSION
    ));
    assert_eq!(
        client.get("/static/nope.js").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn health_and_metrics_report_the_database_and_the_requests() {
    let app = TestApp::spawn_with(
        |config| config.metrics_token = Some("scrape-secret".into()),
        None,
    )
    .await;
    let client = app.client();
    let health = client.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    health.assert_contains("\"database\":\"up\"");

    client.get("/login").await;
    client.get("/users/17").await;
    // Only Prometheus, with its token, reads the counts.
    let browser = client.get("/metrics").await;
    assert_eq!(browser.status, StatusCode::UNAUTHORIZED);
    browser.assert_lacks("patron_http_requests_total");
    let scrape = |token: &'static str| {
        reqwest::Client::new()
            .get(format!("{}/metrics", app.base))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(
        scrape("wrong-secret").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let res = scrape("scrape-secret").await.unwrap();
    let metrics = crate::common::Page {
        status: res.status(),
        headers: res.headers().clone(),
        body: res.text().await.unwrap(),
    };
    assert_eq!(metrics.status, StatusCode::OK);
    metrics.assert_contains(
        r#"patron_http_requests_total{method="GET",route="/login",status="200"} 1"#,
    );
    metrics.assert_contains(
        r#"patron_http_requests_total{method="GET",route="/users/{id}",status="303"} 1"#,
    );
    metrics.assert_contains(r#"patron_http_request_duration_seconds_count{route="/login"} 1"#);
    metrics.assert_contains("patron_db_pool_connections ");
    metrics.assert_contains("patron_db_pool_idle ");
}

#[actix_web::test]
async fn without_a_token_the_metrics_are_off() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.client().get("/metrics").await.status,
        StatusCode::NOT_FOUND
    );
}
