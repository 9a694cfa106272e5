//! A store supervisor at the counter: looks any customer of the chain up (their own store's
//! first), is told which filter hid a match, and opens their own store's invoices from a
//! customer's history (only those: another store's invoices are listed, not opened).

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::shop::{shop, two_tees_for_ana};
use crate::common::{Page, TestApp};

/// Gives the customer named `first_name` a mobile number and an origin store (none: HQ).
fn place(app: &TestApp, first_name: &str, last_name: &str, mobile: &str, store: Option<i64>) {
    let store = store.map_or("NULL".to_owned(), |id| id.to_string());
    app.sql(&format!(
        "INSERT INTO customers (first_name, last_name, mobile, origin_store_id, customer_group_id, territory_id) \
         SELECT '{first_name}', '{last_name}', '{mobile}', {store}, \
         (SELECT min(id) FROM customer_groups), (SELECT min(id) FROM territories)"
    ));
}

/// The customers' names in the order the list shows them.
fn names(page: &Page) -> Vec<String> {
    page.body
        .split(r#"<a class="row-link" href="/customers/"#)
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find("</span>")? + "</span>".len();
            let end = rest.find("</a>")?;
            Some(rest[start..end].trim().to_owned())
        })
        .collect()
}

#[actix_web::test]
async fn a_supervisors_search_finds_every_stores_customers_their_own_first() {
    let (app, _) = shop().await;
    let (north, test) = (app.store("NORTH"), app.store("TEST"));
    // The harness's supervisors work at store TEST.
    place(&app, "Zoe", "Adams", "+1 555 301 7788", Some(test));
    place(&app, "Bruno", "Costa", "555 401 7788", None);
    place(&app, "Carla", "Lima", "+1 555 201 7788", Some(north));
    place(&app, "Zelda", "Lima", "", Some(test));
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    let (hq, _) = app.signed_in(Role::HqManager).await;

    // By the last digits of a phone: another store's customer and HQ's are found too.
    let found = supervisor.get("/customers?q=7788").await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(
        names(&found),
        ["Zoe Adams", "Bruno Costa", "Carla Lima"],
        "their own store's customer first, then by name"
    );
    let rows = supervisor.get_fragment("/customers?q=7788").await;
    rows.assert_lacks("<html");
    assert_eq!(names(&rows), ["Zoe Adams", "Bruno Costa", "Carla Lima"]);
    // HQ has no store of its own: the usual order.
    assert_eq!(
        names(&hq.get("/customers?q=7788").await),
        ["Bruno Costa", "Carla Lima", "Zoe Adams"]
    );

    // The whole number finds the one customer, wherever they were created.
    assert_eq!(
        names(&supervisor.get("/customers?q=%2B1+555+201+7788").await),
        ["Carla Lima"]
    );
    // By name, too.
    assert_eq!(
        names(&supervisor.get("/customers?q=lima").await),
        ["Zelda Lima", "Ana Lima", "Carla Lima"]
    );
    assert_eq!(
        names(&hq.get("/customers?q=lima").await),
        ["Ana Lima", "Carla Lima", "Zelda Lima"]
    );

    // Their own store first is a sort key over the matches: the search keeps its index.
    app.assert_indexed(&[(
        &format!(
            "SELECT c.id FROM customers c WHERE c.active AND c.mobile_digits <> '' AND \
             (c.mobile_digits LIKE '7788%' OR reverse(c.mobile_digits) LIKE '8877%') \
             ORDER BY (c.origin_store_id IS NOT DISTINCT FROM {test}) DESC, c.search_name, c.id LIMIT 51"
        ),
        "customers_mobile_suffix_idx",
    )]);

    // Browsing keeps one order for everyone (its pages are keyed by name).
    let list = supervisor.get("/customers").await;
    assert_eq!(
        names(&list),
        [
            "Ana Lima",
            "Bruno Costa",
            "Carla Lima",
            "Walk-in Customer",
            "Zelda Lima",
            "Zoe Adams"
        ]
    );
}

#[actix_web::test]
async fn no_match_names_the_filters_that_are_on_with_a_link_that_clears_each() {
    let (app, _) = shop().await;
    let north = app.store("NORTH");
    let test = app.store("TEST");
    place(&app, "Carla", "Lima", "+1 555 201 7788", Some(north));
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;

    // Their home page's "customers of Store TEST" figure leads to the list with the store filter on.
    let empty = supervisor
        .get(&format!("/customers?q=201+7788&store={test}"))
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    empty.assert_contains(
        "No customer matches “201 7788” with the store filter ‘Store TEST’ on. \
         <a href=\"/customers?q=201+7788\">Clear the store filter</a>.",
    );
    empty.assert_lacks("Check the spelling");
    let rows = supervisor
        .get_fragment(&format!("/customers?q=201+7788&store={test}"))
        .await;
    rows.assert_lacks("<html");
    rows.assert_contains("with the store filter ‘Store TEST’ on.");
    // The link finds the customer in every store.
    assert_eq!(
        names(&supervisor.get("/customers?q=201+7788").await),
        ["Carla Lima"]
    );

    // Each filter that is on is named, and each link clears only its own.
    let group = app.count("SELECT min(id) AS n FROM customer_groups");
    let group_name = app.text("SELECT name AS t FROM customer_groups ORDER BY id LIMIT 1");
    let empty = supervisor
        .get(&format!(
            "/customers?q=7788&group={group}&store=hq&status=deactivated"
        ))
        .await;
    empty.assert_contains(&format!(
        "No customer matches “7788” with the group filter ‘{group_name}’, the store filter \
         ‘Created at HQ’ and the status filter ‘Deactivated’ on."
    ));
    empty.assert_contains(
        "<a href=\"/customers?q=7788&#38;store=hq&#38;status=deactivated\">Clear the group filter</a>.",
    );
    empty.assert_contains(&format!(
        "<a href=\"/customers?q=7788&#38;group={group}&#38;status=deactivated\">Clear the store filter</a>."
    ));
    empty.assert_contains(&format!(
        "<a href=\"/customers?q=7788&#38;group={group}&#38;store=hq\">Clear the status filter</a>."
    ));

    // Without a search as well; and with no filter on, the old advice stands.
    let none_here = supervisor.get(&format!("/customers?store={test}")).await;
    none_here.assert_contains("No customers with the store filter ‘Store TEST’ on.");
    let no_match = supervisor.get("/customers?q=nobody").await;
    no_match.assert_contains("No customer matches “nobody”. Check the spelling");
}

#[actix_web::test]
async fn a_supervisor_opens_their_own_stores_invoices_from_a_customers_history_and_no_other() {
    let (app, till) = shop().await;
    let sale = two_tees_for_ana("5a1e0000-0000-4000-8000-000000000023", "N-000023");
    let made = till.post("/api/v1/invoices", &sale).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    // Ana also bought at store TEST.
    app.store("TEST");
    let inserted = app.sql(
        "INSERT INTO invoices (uuid, number, store_id, company_id, customer_id, posted_at, \
         currency_code, net_total, discount_amount, grand_total, request_hash, response, status) \
         SELECT '7e570000-0000-4000-8000-000000000023', 'T-000023', s.id, s.company_id, \
         (SELECT id FROM customers WHERE first_name = 'Ana'), now() - interval '1 day', 'USD', \
         1234.5, 0, 1234.5, '\\x00', '{}', 'submitted' FROM stores s WHERE s.code = 'TEST'",
    );
    assert_eq!(inserted, 1);
    let (supervisor, user) = app.signed_in(Role::StoreSupervisor).await;
    app.sql(&format!(
        "UPDATE users SET store_id = {} WHERE id = {}",
        app.store("NORTH"),
        user.id
    ));
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");

    let history = supervisor.get(&format!("/customers/{ana}")).await;
    assert_eq!(history.status, StatusCode::OK);
    // Their own store's invoice is a link, and it opens.
    let own = "/invoices/5a1e0000-0000-4000-8000-000000000023";
    history.assert_contains(&format!(r#"<a class="row-link" href="{own}">N-000023</a>"#));
    let invoice = supervisor.get(own).await;
    assert_eq!(invoice.status, StatusCode::OK);
    invoice.assert_contains("Invoice N-000023");
    invoice.assert_contains("$39.98");
    // Another store's is listed with its date, store and total, but not linked nor opened:
    // a supervisor's invoices are their own store's (`StoreScope`).
    history.assert_contains("<td>Store TEST</td>");
    history.assert_contains("<td>T-000023</td>");
    history.assert_contains("$1,234.50");
    let other = "/invoices/7e570000-0000-4000-8000-000000000023";
    history.assert_lacks(other);
    let refused = supervisor.get(other).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    refused.assert_lacks("T-000023");
}
