//! Customer Groups and Territories: trees HQ keeps, that every customer belongs to.

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::TestApp;

fn id_of(app: &TestApp, table: &str, name: &str) -> i64 {
    app.count(&format!(
        "SELECT id AS n FROM {table} WHERE name = '{name}'"
    ))
}

#[actix_web::test]
async fn a_group_is_created_under_a_parent_and_listed_indented_under_it() {
    let app = TestApp::spawn().await;
    let root = id_of(&app, "customer_groups", "All Customers").to_string();
    let (client, user) = app.signed_in(Role::HqManager).await;
    client
        .get("/customer-groups/new")
        .await
        .assert_contains(r#"<label for="f-default_discount">Default Discount (%)"#);
    let page = client
        .post_form(
            "/customer-groups",
            &[
                ("name", "VIP"),
                ("parent_id", &root),
                ("default_discount", "12.5"),
                ("notes", "Best customers"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let list = client.get("/customer-groups").await;
    list.assert_contains("Customer Group saved.");
    list.assert_contains(r#"<span class="indent" data-depth="1"><span class="tree-step" aria-hidden="true"></span><a href="/customer-groups/"#);
    list.assert_contains("12.5%");
    assert_eq!(
        app.count(&format!("SELECT count(*) AS n FROM audit_log WHERE entity = 'customer_group' AND action = 'create' AND actor_id = {}", user.id)),
        1
    );

    let again = client
        .post_form("/customer-groups", &[("name", "vip"), ("parent_id", &root)])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_contains("Another one already has this name.");

    let bad = client
        .post_form(
            "/customer-groups",
            &[("name", "Half"), ("default_discount", "101")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("Enter a percentage from 0 to 100, like 5 or 12.5.");
}

#[actix_web::test]
async fn a_territory_cannot_move_under_its_own_child() {
    let app = TestApp::spawn().await;
    let root = id_of(&app, "territories", "All Territories").to_string();
    let (client, _) = app.signed_in(Role::Admin).await;
    client.get("/territories").await;
    client
        .post_form("/territories", &[("name", "Europe"), ("parent_id", &root)])
        .await;
    let europe = id_of(&app, "territories", "Europe").to_string();
    client
        .post_form("/territories", &[("name", "Spain"), ("parent_id", &europe)])
        .await;
    let spain = id_of(&app, "territories", "Spain").to_string();

    let edit = client.get(&format!("/territories/{europe}")).await;
    edit.assert_lacks(&format!(r#"<option value="{spain}""#));
    let page = client
        .post_form(
            &format!("/territories/{europe}"),
            &[("name", "Europe"), ("parent_id", &spain)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("It cannot go under itself or one of its own.");

    let list = client.get("/territories").await;
    let (e, s) = (
        list.body.find(">Europe</a>").unwrap(),
        list.body.find(">Spain</a>").unwrap(),
    );
    assert!(e < s, "children follow their parent");
}

#[actix_web::test]
async fn groups_show_how_many_customers_use_them() {
    let app = TestApp::spawn().await;
    let mut conn = app.conn();
    patron::seed::customers(&mut conn, 40, |_| {}).unwrap();
    let (client, _) = app.signed_in(Role::HqManager).await;
    let list = client.get("/customer-groups").await;
    for group in ["Individual", "Corporate", "VIP", "Wholesale"] {
        list.assert_contains(&format!(">{group}</a>"));
    }
    let total: i64 = list
        .body
        .split("<td class=\"num\">")
        .skip(1)
        .filter_map(|cell| cell[..cell.find('<').unwrap()].parse::<i64>().ok())
        .sum();
    assert_eq!(total, 40);
}

#[actix_web::test]
async fn groups_import_from_csv_all_or_nothing() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::HqManager).await;
    client.get("/customer-groups/import").await;
    let bad = client
        .upload(
            "/customer-groups/import",
            "groups.csv",
            "Name,Parent,Default Discount\nTrade,All Customers,5\nX,Nowhere,\n".into(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("Nothing was imported.");
    bad.assert_contains("<tr><td class=\"num\">3</td><td>Parent</td>");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customer_groups WHERE name = 'Trade'"),
        0
    );

    let good = client
        .upload("/customer-groups/import", "groups.csv", "\u{feff}Name,Parent,Default Discount,Notes\nTrade,All Customers,5,Shops\nTrade North,Trade,7.5,\n".into())
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let list = client.get("/customer-groups").await;
    list.assert_contains("Imported 2 customer groups.");
    list.assert_contains("7.5%");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customer_groups c JOIN customer_groups p ON p.id = c.parent_id WHERE c.name = 'Trade North' AND p.name = 'Trade'"),
        1
    );
}

#[actix_web::test]
async fn only_an_unused_group_can_be_deleted() {
    let app = TestApp::spawn().await;
    let mut conn = app.conn();
    patron::seed::customers(&mut conn, 10, |_| {}).unwrap();
    let (client, _) = app.signed_in(Role::Admin).await;
    client.get("/customer-groups").await;
    let used = id_of(&app, "customer_groups", "Individual");
    let page = client
        .post_form(&format!("/customer-groups/{used}/delete"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    client
        .get(page.location().unwrap())
        .await
        .assert_contains("is in use");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customer_groups WHERE name = 'Individual'"),
        1
    );

    let root = id_of(&app, "customer_groups", "All Customers");
    client
        .post_form(&format!("/customer-groups/{root}/delete"), &[])
        .await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customer_groups WHERE name = 'All Customers'"),
        1,
        "the root stays"
    );

    client
        .post_form(
            "/customer-groups",
            &[("name", "Unused"), ("parent_id", &root.to_string())],
        )
        .await;
    let unused = id_of(&app, "customer_groups", "Unused");
    let page = client
        .post_form(&format!("/customer-groups/{unused}/delete"), &[])
        .await;
    assert_eq!(page.location(), Some("/customer-groups"));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customer_groups WHERE name = 'Unused'"),
        0
    );
    assert_eq!(app.count(&format!("SELECT count(*) AS n FROM audit_log WHERE entity = 'customer_group' AND entity_id = '{unused}' AND action = 'delete'")), 1);
}
