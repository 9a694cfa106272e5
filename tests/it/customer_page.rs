//! The customer page as people read it: lifetime spend and visits, the spend chart's value axis
//! and figures, stores by name, one header on the page and its Loyalty tab, and why a user may
//! not edit a customer (on the page and in the 403 of the edit page).

use chrono::Utc;
use patron::users::rules::Role;
use reqwest::StatusCode;

use crate::common::TestApp;
use crate::common::shop::shop;
use crate::sales_pages::invoice;

/// `back` months before the current one, a day into it (SQL).
fn month(back: u32) -> String {
    format!("date_trunc('month', now()) - interval '{back} months' + interval '1 day'")
}

#[actix_web::test]
async fn lifetime_spend_and_visits_count_the_sales_that_stand_and_the_chart_has_an_axis() {
    let (app, _) = shop().await;
    let this_month = "date_trunc('month', now()) + interval '1 minute'";
    invoice(
        &app,
        "C-1",
        "NORTH",
        "Ana",
        this_month,
        "40",
        "submitted",
        None,
    );
    invoice(
        &app,
        "C-2",
        "NORTH",
        "Ana",
        &month(2),
        "15",
        "submitted",
        None,
    );
    invoice(
        &app,
        "C-3",
        "NORTH",
        "Ana",
        &month(2),
        "5",
        "submitted",
        None,
    );
    // A return takes its amount off the spend but is no visit; a cancelled sale is neither.
    let returned = Some("C-3");
    invoice(
        &app,
        "C-4",
        "NORTH",
        "Ana",
        &month(2),
        "-10",
        "submitted",
        returned,
    );
    invoice(
        &app,
        "C-5",
        "NORTH",
        "Ana",
        &month(5),
        "99",
        "cancelled",
        None,
    );
    // Older than the chart, still part of the lifetime.
    invoice(
        &app,
        "C-6",
        "NORTH",
        "Ana",
        &month(30),
        "77",
        "submitted",
        None,
    );
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    let (hq, _) = app.signed_in(Role::HqManager).await;

    let page = hq.get(&format!("/customers/{ana}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // 40 + 15 + 5 - 10 + 77 over four visits.
    page.assert_contains(r#"<dd id="lifetime-spend">$127.00</dd>"#);
    page.assert_contains(r#"<dd id="visits">4</dd>"#);
    page.assert_contains(r#"<dd id="average-sale">$31.75</dd>"#);
    let first_of_month = Utc::now().format("1 %b %Y").to_string();
    page.assert_contains(&format!(r#"<dd id="last-visit">{first_of_month}</dd>"#));

    // The chart: 40 this month, 10 net two months ago (the return taken off); the amounts
    // on its axis in round steps of $20 up to $40.
    page.assert_contains(
        r#"<div class="chart-values" aria-hidden="true"><span>$40</span><span>$20</span><span>$0</span></div>"#,
    );
    assert_eq!(page.body.matches(r#"<line class="grid""#).count(), 2);
    assert_eq!(page.body.matches(r#"<line class="axis""#).count(), 1);
    assert_eq!(
        page.body
            .split(r#"<div class="chart-months" aria-hidden="true">"#)
            .nth(1)
            .and_then(|rest| rest.split("</div>").next())
            .map(|months| months.matches("<span>").count()),
        Some(4)
    );
    page.assert_contains(": $40.00</title>");
    page.assert_contains("Monthly spend as a table");
    page.assert_contains(r#"<td class="num">$10.00</td>"#);
    page.assert_lacks("<text");
    page.assert_lacks("style=");

    // Stores by name: in the header, the history table and the contact card alike.
    page.assert_contains("<td>Store NORTH</td>");
    page.assert_lacks("<td>NORTH</td>");
}

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
