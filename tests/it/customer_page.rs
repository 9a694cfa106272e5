//! The customer page as people read it: its key figures before any purchase, one header on the
//! page and its Loyalty tab, and why a user may not edit a customer (on the page and in the 403
//! of the edit page). The figures and chart with sales are tested with the sales pages.

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::TestApp;
use crate::common::shop::shop;

#[actix_web::test]
async fn a_customer_who_never_bought_reads_zero_and_never() {
    let (app, _) = shop().await;
    let walk_in = app.count("SELECT id AS n FROM customers WHERE first_name = 'Walk-in'");
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get(&format!("/customers/{walk_in}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"<dd id="lifetime-spend">$0.00</dd>"#);
    page.assert_contains(r#"<dd id="visits">0</dd>"#);
    page.assert_contains(r#"<dd id="last-visit"><span class="muted">Never</span></dd>"#);
    page.assert_lacks("spend-chart");
}

/// A customer of store `code`, renamed `store_name`; returns the customer's id.
fn customer_of(app: &TestApp, code: &str, store_name: &str, first_name: &str) -> i64 {
    let store = app.store(code);
    app.sql(&format!(
        "UPDATE stores SET name = '{store_name}' WHERE id = {store}"
    ));
    app.sql(&format!(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id, origin_store_id) \
         SELECT '{first_name}', 'Quinn', (SELECT min(id) FROM customer_groups), \
         (SELECT min(id) FROM territories), {store}"
    ));
    app.count(&format!(
        "SELECT id AS n FROM customers WHERE first_name = '{first_name}'"
    ))
}

#[actix_web::test]
async fn a_supervisor_is_told_why_they_may_not_edit_another_stores_customer() {
    let app = TestApp::spawn().await;
    let mara = customer_of(&app, "HARBOR", "Harbor Point", "Mara");
    let why = "Customers of Harbor Point are edited by that store or HQ.";
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;

    let page = supervisor.get(&format!("/customers/{mara}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_lacks(">Edit</a>");
    page.assert_contains(&format!(
        r#"<p class="muted edit-refusal" id="edit-refusal">{why}</p>"#
    ));
    page.assert_contains("Harbor Point");

    // The edit page and the save answer 403 with the same sentence, and nothing changes.
    let edit = supervisor.get(&format!("/customers/{mara}/edit")).await;
    assert_eq!(edit.status, StatusCode::FORBIDDEN);
    edit.assert_contains(why);
    edit.assert_lacks("Your role does not include this");
    edit.assert_contains(r#"<nav class="sidebar" aria-label="Main">"#);
    let group = app
        .count("SELECT min(id) AS n FROM customer_groups")
        .to_string();
    let territory = app
        .count("SELECT min(id) AS n FROM territories")
        .to_string();
    let save = supervisor
        .post_form(
            &format!("/customers/{mara}"),
            &[
                ("first_name", "Changed"),
                ("last_name", "Quinn"),
                ("customer_group_id", &group),
                ("territory_id", &territory),
                ("credit_limit", "0"),
            ],
        )
        .await;
    assert_eq!(save.status, StatusCode::FORBIDDEN);
    save.assert_contains(why);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customers WHERE first_name = 'Changed'"),
        0
    );

    // A customer made at HQ is HQ's; HQ itself edits both and is told nothing.
    app.sql(&format!(
        "UPDATE customers SET origin_store_id = NULL WHERE id = {mara}"
    ));
    let page = supervisor.get(&format!("/customers/{mara}")).await;
    page.assert_contains("Customers created at HQ are edited by HQ.");
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get(&format!("/customers/{mara}")).await;
    page.assert_contains(">Edit</a>");
    page.assert_lacks("edit-refusal");

    // Marketing looks customers up: the page says so instead of hiding Edit.
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get(&format!("/customers/{mara}")).await;
    page.assert_contains(
        "Your role (Marketing) looks customers up; HQ and store supervisors edit them.",
    );
}

#[actix_web::test]
async fn the_loyalty_tab_keeps_the_customers_header_and_tabs() {
    let app = TestApp::spawn().await;
    let mara = customer_of(&app, "HARBOR", "Harbor Point", "Mara");
    let code = app.text(&format!(
        "SELECT code AS t FROM customers WHERE id = {mara}"
    ));
    let (hq, _) = app.signed_in(Role::HqManager).await;

    let ledger = hq.get(&format!("/customers/{mara}/loyalty/ledger")).await;
    assert_eq!(ledger.status, StatusCode::OK, "{}", ledger.body);
    let page = hq.get(&format!("/customers/{mara}")).await;
    // The same header on both: name, code, store by name, the actions.
    let header = |body: &str| {
        let start = body.find(r#"<header class="customer-head">"#).unwrap();
        let end = body[start..].find("</header>").unwrap();
        body[start..start + end].to_owned()
    };
    assert_eq!(header(&ledger.body), header(&page.body));
    let head = header(&ledger.body);
    assert!(
        head.contains("Mara Quinn") && head.contains(&code),
        "{head}"
    );
    assert!(head.contains("Harbor Point"), "{head}");
    assert!(head.contains(">Edit</a>"), "{head}");
    ledger.assert_contains(&format!(
        r#"<a href="/customers/{mara}/loyalty/ledger" aria-current="page">Loyalty</a>"#
    ));
    ledger.assert_contains(&format!(r#"<a href="/customers/{mara}">Sales history</a>"#));
    page.assert_contains(&format!(
        r#"<a href="/customers/{mara}" aria-current="page">Sales history</a>"#
    ));
}
