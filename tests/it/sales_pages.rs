//! The sales pages people read: one invoice with its lines, payments and returns; the invoices
//! list with its filters, paging and CSV; the customer's monthly spend chart.

use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::shop::shop;
use crate::common::{ApiClient, TestApp};

/// A sale of two black tees to Ana at `posted_at`, paid in cash.
fn sale(id: &str, number: &str, posted_at: &str) -> Value {
    json!({
        "id": id, "number": number, "posted_at": posted_at,
        "customer_code": "CUST-00002", "sales_person": "EMP-004",
        "lines": [{"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99", "discount_amount": "0"}],
        "coupon_codes": [], "loyalty_points_redeemed": 0, "loyalty_amount": "0", "delivery_charge": null,
        "payments": [{"mode": "cash", "amount": "39.98"}],
        "totals": {"net_total": "39.98", "discount_amount": "0", "grand_total": "39.98"}
    })
}

/// Submits `body` and checks it was taken.
async fn submit(till: &ApiClient, body: &Value) {
    let made = till.post("/api/v1/invoices", body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
}

const ID: &str = "0b6f3a52-0000-4000-8000-000000000001";
const RETURN: &str = "0b6f3a52-0000-4000-8000-000000000002";

#[actix_web::test]
async fn the_invoice_page_shows_lines_totals_payments_and_returns() {
    let (app, till) = shop().await;
    let cap3 = crate::common::offers::percent_off(&app, "CAP3", "CAP-RED", 10);
    let mut body = sale(ID, "S1-000123", "2026-11-20T14:03:00Z");
    body["lines"] = json!([
        {"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99", "discount_amount": "0"},
        {"item_code": "cap-red", "qty": 3, "price_list_rate": 7.5, "discount_amount": "2.25", "offer": "CAP3"}
    ]);
    body["delivery_charge"] = "express".into();
    body["totals"] =
        json!({"net_total": "60.23", "discount_amount": "2.25", "grand_total": "69.73"});
    body["payments"] = json!([{"mode": "card", "amount": "50"}, {"mode": "cash", "amount": "20"}]);
    submit(&till, &body).await;
    let mut give_back = sale(RETURN, "R1-0001", "2026-11-21T10:00:00Z");
    give_back["return_against"] = ID.into();
    give_back["lines"] =
        json!([{"item_code": "TEE-BLK-M", "qty": "-1", "price_list_rate": "19.99"}]);
    give_back["totals"] = json!({"net_total": "-19.99", "grand_total": "-19.99"});
    give_back["payments"] = json!([{"mode": "cash", "amount": "-19.99"}]);
    submit(&till, &give_back).await;
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");

    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get(&format!("/invoices/{ID}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains("Invoice S1-000123");
    page.assert_contains(r#"<span class="badge badge-active">Submitted</span>"#);
    page.assert_contains(&format!(r#"<a href="/customers/{ana}">Ana Lima</a>"#));
    page.assert_contains("Diego (EMP-004)");
    page.assert_contains("<td class=\"nowrap\">TEE-BLK-M</td>");
    page.assert_contains(r#"Red Cap <span class="muted">CAP3</span>"#);
    page.assert_contains(r#"<td class="num">$20.25</td>"#);
    page.assert_contains(&format!(
        r#"<a href="/offers/{cap3}/versions/1">CAP3 (version 1)</a> <span class="muted">$2.25 off</span>"#
    ));
    page.assert_contains(r#"<dt>Delivery Charge (Express)</dt><dd id="delivery">$9.50</dd>"#);
    page.assert_contains(r#"<dd id="grand-total">$69.73</dd>"#);
    page.assert_contains(r#"<dd id="paid">$70.00</dd>"#);
    page.assert_contains("<tr><td>Card</td><td class=\"num\">$50.00</td></tr>");
    page.assert_contains(&format!(r#"<a href="/invoices/{RETURN}">R1-0001</a>"#));

    let back = hq.get(&format!("/invoices/{RETURN}")).await;
    back.assert_contains(r#"<span class="badge badge-warning">Return</span>"#);
    back.assert_contains(&format!(r#"<a href="/invoices/{ID}">S1-000123</a>"#));
    back.assert_contains(r#"<dd id="grand-total">-$19.99</dd>"#);

    // The customer's Sales history opens it.
    let history = hq.get(&format!("/customers/{ana}")).await;
    history.assert_contains(&format!(r#"href="/invoices/{ID}">S1-000123</a>"#));

    // Cancelled: grey badge and when.
    let cancelled = till
        .post(&format!("/api/v1/invoices/{RETURN}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK);
    let back = hq.get(&format!("/invoices/{RETURN}")).await;
    back.assert_contains(r#"<span class="badge badge-inactive">Cancelled</span>"#);
    back.assert_contains(r#"<dd id="cancelled-at">"#);

    // Marketing reads reports: allowed. Nonsense and unknown ids: 404, never 500.
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    assert_eq!(
        marketing.get(&format!("/invoices/{ID}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        hq.get("/invoices/0b6f3a52-0000-4000-8000-00000000ffff")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hq.get("/invoices/not-a-uuid").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_store_supervisor_sees_only_their_own_stores_invoices() {
    let (app, till) = shop().await;
    submit(&till, &sale(ID, "S1-000123", "2026-11-20T14:03:00Z")).await;

    // The harness's supervisors work at store TEST.
    let (elsewhere, _) = app.signed_in(Role::StoreSupervisor).await;
    let page = elsewhere.get(&format!("/invoices/{ID}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    page.assert_lacks("S1-000123");

    let (here, user) = app.signed_in(Role::StoreSupervisor).await;
    app.sql(&format!(
        "UPDATE users SET store_id = (SELECT id FROM stores WHERE code = 'NORTH') WHERE id = {}",
        user.id
    ));
    let page = here.get(&format!("/invoices/{ID}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Invoice S1-000123");

    // On the customer's Sales history, the number links only where the invoice opens.
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    let history = here.get(&format!("/customers/{ana}")).await;
    history.assert_contains(&format!(r#"href="/invoices/{ID}">S1-000123</a>"#));
    let history = elsewhere.get(&format!("/customers/{ana}")).await;
    history.assert_contains("<td>S1-000123</td>");
    history.assert_lacks(&format!("/invoices/{ID}"));
}

/// Writes an invoice straight into the database: `number` at store `store` for the customer
/// named `first_name`, sold at `posted_at` (an SQL expression), `status`, returning goods of
/// invoice `against` when given.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a column the tests vary"
)]
fn invoice(
    app: &TestApp,
    number: &str,
    store: &str,
    first_name: &str,
    posted_at: &str,
    total: &str,
    status: &str,
    against: Option<&str>,
) {
    let against = against.map_or("NULL".to_owned(), |n| {
        format!("(SELECT id FROM invoices WHERE number = '{n}')")
    });
    app.sql(&format!(
        "INSERT INTO invoices (uuid, number, store_id, company_id, customer_id, posted_at, \
         currency_code, net_total, discount_amount, grand_total, request_hash, response, status, \
         return_against_id, cancelled_at) \
         SELECT gen_random_uuid(), '{number}', s.id, s.company_id, \
         (SELECT id FROM customers WHERE first_name = '{first_name}'), {posted_at}, 'USD', \
         {total}, 0, {total}, '\\x00', '{{}}', '{status}', {against}, \
         CASE WHEN '{status}' = 'cancelled' THEN now() END \
         FROM stores s WHERE s.code = '{store}'"
    ));
}

/// Invoice numbers in the order the page lists them.
fn numbers(body: &str) -> Vec<String> {
    body.split(r#"<a class="row-link" href="/invoices/"#)
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find('>')? + 1;
            let end = rest.find("</a>")?;
            Some(rest[start..end].to_owned())
        })
        .collect()
}

/// 53 sales at NORTH in October, a return of the first, two sales at SOUTH in November (the
/// second cancelled).
async fn many() -> TestApp {
    let (app, _) = shop().await;
    app.store("SOUTH");
    for n in 1..=53 {
        invoice(
            &app,
            &format!("N-{n}"),
            "NORTH",
            "Ana",
            &format!("'2026-10-01T00:00:00Z'::timestamptz + interval '{n} hours'"),
            "10",
            "submitted",
            None,
        );
    }
    invoice(
        &app,
        "R-1",
        "NORTH",
        "Ana",
        "'2026-10-20T09:00:00Z'",
        "-10",
        "submitted",
        Some("N-1"),
    );
    invoice(
        &app,
        "S-1",
        "SOUTH",
        "Walk-in",
        "'2026-11-05T10:00:00Z'",
        "25.5",
        "submitted",
        None,
    );
    invoice(
        &app,
        "S-2",
        "SOUTH",
        "Walk-in",
        "'2026-11-05T11:00:00Z'",
        "12",
        "cancelled",
        None,
    );
    app
}

#[actix_web::test]
async fn the_invoices_list_filters_by_store_date_customer_and_status_and_pages() {
    let app = many().await;
    let south = app.count("SELECT id AS n FROM stores WHERE code = 'SOUTH'");
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    let page = marketing.get("/invoices").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains(r#"<a href="/invoices" aria-current="page">Invoices</a>"#);
    let first = numbers(&page.body);
    assert_eq!(first.len(), 50);
    assert_eq!(&first[..4], ["S-2", "S-1", "R-1", "N-53"]);
    assert_eq!(first[49], "N-7");
    page.assert_contains(r#"<span class="badge badge-inactive">Cancelled</span>"#);
    page.assert_contains(r#"<span class="badge badge-warning">Return</span>"#);
    page.assert_contains(r#"<td class="num">$25.50</td>"#);

    // Next: the rest, nothing twice, no further link.
    page.assert_lacks(">Previous</a>");
    let next = page.pager_link("next").unwrap();
    let second = marketing.get(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(
        numbers(&second.body),
        ["N-6", "N-5", "N-4", "N-3", "N-2", "N-1"]
    );
    second.assert_lacks(">Next</a>");
    second.assert_contains("Showing 51–56");
    let back = marketing.get(&second.pager_link("prev").unwrap()).await;
    assert_eq!(
        numbers(&back.body),
        first,
        "Previous gives the first page again"
    );
    back.assert_lacks(">Previous</a>");

    let by_store = marketing.get(&format!("/invoices?store={south}")).await;
    assert_eq!(numbers(&by_store.body), ["S-2", "S-1"]);
    by_store.assert_contains(&format!(r#"<option value="{south}" selected>"#));

    let by_date = marketing
        .get("/invoices?from=2026-10-20&to=2026-10-20")
        .await;
    assert_eq!(numbers(&by_date.body), ["R-1"]);
    let by_date = marketing.get("/invoices?from=2026-11-01").await;
    assert_eq!(numbers(&by_date.body), ["S-2", "S-1"]);
    let by_date = marketing.get("/invoices?to=2026-10-01").await;
    assert_eq!(
        numbers(&by_date.body).len(),
        23,
        "N-1 to N-23 fall on 1 October"
    );

    assert_eq!(
        numbers(&marketing.get("/invoices?status=cancelled").await.body),
        ["S-2"]
    );
    assert_eq!(
        numbers(&marketing.get("/invoices?status=return").await.body),
        ["R-1"]
    );
    let standing = numbers(&marketing.get("/invoices?status=submitted").await.body);
    assert_eq!(&standing[..2], ["S-1", "N-53"]);

    let walk_in = marketing.get("/invoices?customer=cust-00001").await;
    assert_eq!(numbers(&walk_in.body), ["S-2", "S-1"]);

    // Bad input: a message next to the filter, never a 500.
    let unknown = marketing.get("/invoices?customer=CUST-99999").await;
    assert_eq!(unknown.status, StatusCode::OK);
    unknown.assert_contains("No customer has the code CUST-99999.");
    assert!(numbers(&unknown.body).is_empty());
    let bad = marketing
        .get("/invoices?from=yesterday&to=2026-13-45&before=nonsense&store=x")
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    bad.assert_contains(
        r#"<p class="field-error" id="f-from-error">Dates look like 2026-11-23.</p>"#,
    );
    assert_eq!(numbers(&bad.body).len(), 50);
    let swapped = marketing
        .get("/invoices?from=2026-11-02&to=2026-11-01")
        .await;
    swapped.assert_contains("To comes before From: swap them.");

    // htmx asks for the rows only.
    let rows = marketing
        .get_fragment(&format!("/invoices?store={south}&status=all"))
        .await;
    assert_eq!(rows.status, StatusCode::OK);
    rows.assert_lacks("<html");
    assert_eq!(numbers(&rows.body), ["S-2", "S-1"]);

    // Reports only.
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    assert_eq!(
        supervisor.get("/invoices").await.status,
        StatusCode::FORBIDDEN
    );
}

/// The href of the page's first button link, as a browser would follow it.
/// The href of the link whose text ends with `end` (`>Older sales</a>`), as a browser would follow it.
fn link_before(body: &str, end: &str) -> String {
    let head = &body[..body
        .find(end)
        .unwrap_or_else(|| panic!("no {end} in {body}"))];
    let at = head.rfind("href=\"").unwrap() + "href=\"".len();
    head[at..].trim_end_matches('"').replace("&#38;", "&")
}

#[actix_web::test]
async fn the_customer_sales_history_filters_by_store_and_dates_and_pages_with_its_filters() {
    let app = many().await;
    invoice(
        &app,
        "AS-1",
        "SOUTH",
        "Ana",
        "'2026-11-06T10:00:00Z'",
        "5",
        "submitted",
        None,
    );
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    let south = app.count("SELECT id AS n FROM stores WHERE code = 'SOUTH'");
    let (supervisor, _) = app.signed_in(Role::HqManager).await;

    let all = supervisor.get(&format!("/customers/{ana}")).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let first = numbers(&all.body);
    assert_eq!(first.len(), 25);
    assert_eq!(&first[..3], ["AS-1", "R-1", "N-53"]);

    let at_south = supervisor
        .get(&format!("/customers/{ana}?store={south}"))
        .await;
    assert_eq!(numbers(&at_south.body), ["AS-1"]);
    at_south.assert_contains(&format!(r#"<option value="{south}" selected>"#));
    at_south.assert_lacks(">Older sales</a>");

    // 1 and 2 October hold N-1 to N-47: two pages, and the second keeps the dates.
    let october = supervisor
        .get(&format!("/customers/{ana}?from=2026-10-01&to=2026-10-02"))
        .await;
    let page_one = numbers(&october.body);
    assert_eq!(page_one.len(), 25);
    assert_eq!(
        (page_one[0].as_str(), page_one[24].as_str()),
        ("N-47", "N-23")
    );
    let older = link_before(&october.body, ">Older sales</a>");
    assert!(older.contains("from=2026-10-01&to=2026-10-02"), "{older}");
    let page_two = numbers(&supervisor.get(&older).await.body);
    assert_eq!(page_two.len(), 22);
    assert_eq!(
        (page_two[0].as_str(), page_two[21].as_str()),
        ("N-22", "N-1")
    );

    let nothing = supervisor
        .get(&format!("/customers/{ana}?from=2025-01-01&to=2025-01-31"))
        .await;
    nothing.assert_contains("No sales match these filters.");
    let swapped = supervisor
        .get(&format!("/customers/{ana}?from=2026-11-02&to=2026-11-01"))
        .await;
    assert_eq!(swapped.status, StatusCode::OK);
    swapped.assert_contains(
        r#"<p class="field-error" id="f-to-error">To comes before From: swap them.</p>"#,
    );
    assert_eq!(numbers(&swapped.body), ["AS-1"], "From alone still applies");
}

#[actix_web::test]
async fn the_csv_has_a_header_and_one_row_per_invoice() {
    let app = many().await;
    let north = app.count("SELECT id AS n FROM stores WHERE code = 'NORTH'");
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let csv = hq.get(&format!("/invoices/export.csv?store={north}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "Day,Posted At,Invoice,Id,Store,Customer Code,Customer,Status,Currency,Net Total,Discount,Delivery Charge,Grand Total,Coupon Codes"
    );
    assert_eq!(lines.len(), 1 + 54);
    assert!(
        lines[1].starts_with("2026-10-20,2026-10-20 09:00:00 +00:00,R-1,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",NORTH,CUST-00002,Ana Lima,Return,USD,-10.00,0.00,0.00,-10.00,"));
    let everything = hq.get("/invoices/export.csv").await;
    assert_eq!(everything.body.lines().count(), 1 + 56);
    let cancelled = hq.get("/invoices/export.csv?status=cancelled").await;
    assert_eq!(cancelled.body.lines().count(), 2);
}

#[actix_web::test]
async fn every_invoice_filter_has_an_index() {
    let app = TestApp::spawn().await;
    let newest = "ORDER BY posted_at DESC, id DESC LIMIT 51";
    app.assert_indexed(&[
        (
            &format!("SELECT id FROM invoices {newest}"),
            "invoices_posted_idx",
        ),
        (
            &format!(
                "SELECT id FROM invoices WHERE posted_at >= '2026-10-01' AND posted_at < '2026-11-01' {newest}"
            ),
            "invoices_posted_idx",
        ),
        (
            &format!("SELECT id FROM invoices WHERE store_id = 1 AND posted_at >= '2026-10-01' {newest}"),
            "invoices_store_idx",
        ),
        (
            &format!("SELECT id FROM invoices WHERE customer_id = 1 AND posted_at < '2026-10-01' {newest}"),
            "invoices_customer_idx",
        ),
        (
            &format!("SELECT id FROM invoices WHERE status = 'cancelled' {newest}"),
            "invoices_cancelled_idx",
        ),
        (
            &format!(
                "SELECT id FROM invoices WHERE status = 'submitted' AND return_against_id IS NOT NULL {newest}"
            ),
            "invoices_returns_idx",
        ),
        (
            "SELECT sum(grand_total) FROM invoices WHERE customer_id = 1 AND posted_at >= '2024-12-01' AND status = 'submitted'",
            "invoices_customer_idx",
        ),
        // The customer page's lifetime spend and visits.
        (
            "SELECT currency_code, sum(grand_total), count(*) FILTER (WHERE return_against_id IS NULL) \
             FROM invoices WHERE customer_id = 1 AND status = 'submitted' GROUP BY currency_code",
            "invoices_customer_idx",
        ),
    ]);
}

#[actix_web::test]
async fn the_customer_page_charts_monthly_spend_on_a_value_axis_and_sums_the_lifetime() {
    let (app, _) = shop().await;
    let month = |back: u32| {
        format!("date_trunc('month', now()) - interval '{back} months' + interval '1 day'")
    };
    invoice(
        &app,
        "C-1",
        "NORTH",
        "Ana",
        "date_trunc('month', now()) + interval '1 minute'",
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
    invoice(
        &app,
        "C-4",
        "NORTH",
        "Ana",
        &month(4),
        "-10",
        "submitted",
        Some("C-3"),
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
    invoice(
        &app,
        "W-1",
        "NORTH",
        "Walk-in",
        &month(30),
        "12",
        "submitted",
        None,
    );
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    let walk_in = app.count("SELECT id AS n FROM customers WHERE first_name = 'Walk-in'");
    let (hq, _) = app.signed_in(Role::HqManager).await;

    let page = hq.get(&format!("/customers/{ana}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"<figure class="spend-chart">"#);
    page.assert_contains(r#"role="img" aria-labelledby="spend-title""#);
    assert_eq!(
        page.body.matches("<rect class=\"bar").count(),
        3,
        "{}",
        page.body
    );
    assert_eq!(
        page.body.matches("<rect class=\"bar bar-return\"").count(),
        1
    );
    page.assert_contains(": $40.00</title>");
    page.assert_contains(": $20.00</title>");
    page.assert_contains(": -$10.00</title>");
    page.assert_lacks("$99.00</title>");
    page.assert_lacks("style=");
    // Amounts on the axis in round steps, the zero line among them; every word is HTML
    // beside the drawing (no SVG text to shrink on a phone), the figures also as a table.
    page.assert_contains(
        r#"<div class="chart-values" aria-hidden="true"><span>$40</span><span>$20</span><span>$0</span><span>-$20</span></div>"#,
    );
    assert_eq!(page.body.matches(r#"<line class="grid""#).count(), 3);
    assert_eq!(page.body.matches(r#"<line class="axis""#).count(), 1);
    let months = page
        .body
        .split(r#"<div class="chart-months" aria-hidden="true">"#)
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or_default();
    assert_eq!(months.matches("<span>").count(), 4, "{months}");
    page.assert_lacks("<text");
    page.assert_contains("Monthly spend as a table");
    page.assert_contains(r#"<td class="num">-$10.00</td></tr>"#);

    // The lifetime: 40 + 15 + 5 - 10 + 77 over four visits (the return takes its amount off
    // but is no visit; the cancelled sale is neither; the sale older than the chart counts).
    page.assert_contains(r#"<dd id="lifetime-spend">$127.00</dd>"#);
    page.assert_contains(r#"<dd id="visits">4</dd>"#);
    page.assert_contains(r#"<dd id="average-sale">$31.75</dd>"#);
    let first_of_month = chrono::Utc::now().format("1 %b %Y").to_string();
    page.assert_contains(&format!(r#"<dd id="last-visit">{first_of_month}</dd>"#));
    // Stores by name, as everywhere on the customer page.
    page.assert_contains("<td>Store NORTH</td>");
    page.assert_lacks("<td>NORTH</td>");

    // Sales, but none in the last 24 months: the table without a chart.
    let old = hq.get(&format!("/customers/{walk_in}")).await;
    old.assert_contains(">W-1</a>");
    old.assert_lacks("spend-chart");
    old.assert_contains(r#"<dd id="lifetime-spend">$12.00</dd>"#);
}

#[actix_web::test]
async fn the_invoice_page_reads_its_time_in_the_company_zone_and_payment_modes_in_words() {
    let (app, till) = shop().await;
    crate::common::gift_cards::issue(&app, "CARD2345ABCDEFGH", "20", None, None);
    let mut body = sale(ID, "S1-000124", "2026-11-20T14:03:00Z");
    body["payments"] = json!([
        {"mode": "gift_card", "amount": "20", "card": "CARD2345ABCDEFGH"},
        {"mode": "on_account", "amount": "19.98"}
    ]);
    submit(&till, &body).await;
    let (hq, _) = app.signed_in(Role::HqManager).await;

    let page = hq.get(&format!("/invoices/{ID}")).await;
    page.assert_contains(r#"<dd id="invoice-date">20 Nov 2026, 14:03 UTC</dd>"#);
    page.assert_contains(r#"<tr><td>Gift card</td><td class="num">$20.00</td></tr>"#);
    page.assert_contains(r#"<tr><td>On account</td><td class="num">$19.98</td></tr>"#);
    page.assert_lacks("gift_card");

    // Tokyo is nine hours ahead: the same sale was made at 23:03 there.
    app.sql("UPDATE companies SET time_zone = 'Asia/Tokyo'");
    let page = hq.get(&format!("/invoices/{ID}")).await;
    page.assert_contains(r#"<dd id="invoice-date">20 Nov 2026, 23:03 JST</dd>"#);
    let list = hq.get("/invoices").await;
    list.assert_contains("Date (Asia/Tokyo)");
    list.assert_contains(r#"<td class="nowrap">20 Nov 2026, 23:03</td>"#);
    // ...and on the company's 20 November, not UTC's 21st.
    assert_eq!(
        numbers(&hq.get("/invoices?from=2026-11-21").await.body),
        Vec::<String>::new()
    );
    assert_eq!(
        numbers(&hq.get("/invoices?from=2026-11-20&to=2026-11-20").await.body),
        ["S1-000124"]
    );
}

#[actix_web::test]
async fn the_invoice_list_filters_by_a_customer_chosen_by_name_and_keeps_the_code_in_the_link() {
    let app = many().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // The picker suggests customers by name; the field then holds the code.
    let options = marketing
        .get_fragment("/customers/options?customer=walk")
        .await;
    options.assert_contains(r#"<option value="CUST-00001">CUST-00001 · Walk-in Customer"#);

    // A name only one customer has: the address is rewritten to the code (shareable), and the
    // name shows under the field.
    let typed = marketing
        .get("/invoices?customer=walk-in+customer&status=all")
        .await;
    assert_eq!(typed.status, StatusCode::SEE_OTHER);
    let location = typed.location().unwrap().to_owned();
    assert!(location.contains("customer=CUST-00001"), "{location}");
    assert!(location.contains("status=all"), "{location}");
    let page = marketing.get(&location).await;
    assert_eq!(numbers(&page.body), ["S-2", "S-1"]);
    page.assert_contains(r#"value="CUST-00001""#);
    // Its suggestions come from the customer picker, which must not take over the address.
    page.assert_contains(r#"list="f-customer-options""#);
    page.assert_contains(r#"hx-get="/customers/options""#);
    page.assert_contains(r#"hx-push-url="false""#);
    page.assert_contains(
        r#"<p class="hint" id="f-customer-chosen">Walk-in Customer · CUST-00001</p>"#,
    );

    // With htmx: the rows, the name out of band, and the code in the pushed address.
    let rows = marketing.get_fragment("/invoices?customer=Ana").await;
    assert_eq!(rows.status, StatusCode::OK);
    assert!(!rows.body.contains("<html"));
    assert_eq!(numbers(&rows.body).len(), 50);
    rows.assert_contains(r#"id="f-customer-chosen" hx-swap-oob="true">Ana Lima · CUST-00002</p>"#);
    let pushed = rows.headers["hx-push-url"].to_str().unwrap();
    assert!(pushed.contains("customer=CUST-00002"), "{pushed}");

    // A name nobody has, or that several share: said next to the field, no invoices, no 500.
    let nobody = marketing.get("/invoices?customer=Zebedee").await;
    assert_eq!(nobody.status, StatusCode::OK);
    nobody.assert_contains(r#"id="f-customer-error">No customer matches Zebedee.</p>"#);
    assert!(numbers(&nobody.body).is_empty());
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT 'Ana', 'Silva', min(g.id), min(t.id) FROM customer_groups g, territories t",
    );
    let several = marketing.get("/invoices?customer=Ana").await;
    several.assert_contains("More than one customer matches Ana: pick one from the suggestions.");
    assert!(numbers(&several.body).is_empty());
}

#[actix_web::test]
async fn the_spend_chart_counts_months_on_the_company_calendar() {
    use chrono::{Datelike, Duration, NaiveTime, Utc};
    let (app, till) = shop().await;
    // 21:00 UTC on the last day of last month: already the 1st of this month in Tokyo.
    let today = Utc::now().date_naive();
    let first = today.with_day(1).unwrap();
    let posted = first.and_time(NaiveTime::MIN).and_utc() - Duration::hours(3);
    submit(&till, &sale(ID, "S1-000125", &posted.to_rfc3339())).await;
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let this_month = format!("<tr><td>{}</td>", first.format("%b %Y"));
    let last_month = format!(
        "<tr><td>{}</td>",
        (first - Duration::days(1)).format("%b %Y")
    );
    let row = |month: &str| format!(r#"{month}<td class="num">$39.98</td></tr>"#);

    hq.get(&format!("/customers/{ana}"))
        .await
        .assert_contains(&row(&last_month));
    app.sql("UPDATE companies SET time_zone = 'Asia/Tokyo'");
    hq.get(&format!("/customers/{ana}"))
        .await
        .assert_contains(&row(&this_month));
}
