//! The Companies pages: create and edit with an ISO 4217 currency, unknown currencies and
//! duplicate names refused next to the field, and no deactivation while stores are active.

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::TestApp;

#[actix_web::test]
async fn an_hq_manager_creates_a_company_and_changes_its_currency() {
    let app = TestApp::spawn().await;
    let (hq, hq_user) = app.signed_in(Role::HqManager).await;

    let page = hq.get("/companies/new").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"<label for="f-name">Company Name"#);
    page.assert_contains(r#"<option value="USD" selected>USD — US Dollar</option>"#);
    page.assert_contains(r#"<option value="JPY">JPY — Yen</option>"#);
    page.assert_contains("USD rounds to 2 decimals");

    let page = hq
        .post_form(
            "/companies",
            &[("name", "Nordic Retail"), ("currency_code", "SEK")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let list = hq.get(page.location().unwrap()).await;
    list.assert_contains("Created Nordic Retail.");
    list.assert_contains("<td>SEK</td>");
    let id = app.count("SELECT id AS n FROM companies WHERE name = 'Nordic Retail'");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'company' AND action = 'create' \
             AND actor_id = {} AND entity_id = '{id}'",
            hq_user.id
        )),
        1
    );

    let edit = hq.get(&format!("/companies/{id}")).await;
    edit.assert_contains(r#"<option value="SEK" selected>SEK — Swedish Krona</option>"#);
    edit.assert_contains(r#"name="active" type="checkbox" checked"#);
    let page = hq
        .post_form(
            &format!("/companies/{id}"),
            &[
                ("name", "Nordic Retail AB"),
                ("currency_code", "KWD"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    hq.get("/companies")
        .await
        .assert_contains("Saved Nordic Retail AB.");
    let edit = hq.get(&format!("/companies/{id}")).await;
    edit.assert_contains(r#"<option value="KWD" selected>"#);
    edit.assert_contains("KWD rounds to 3 decimals");
}

#[actix_web::test]
async fn an_unknown_currency_and_a_taken_name_are_refused_next_to_their_field() {
    let app = TestApp::spawn().await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq
        .post_form(
            "/companies",
            &[("name", "Moon Shop"), ("currency_code", "XYZ")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        r#"id="f-currency_code-error">XYZ is not an ISO 4217 currency code; choose one from the list."#,
    );
    page.assert_contains(r#"value="Moon Shop""#);
    let page = hq
        .post_form("/companies", &[("name", ""), ("currency_code", "")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"id="f-name-error">Enter the Company Name."#);
    page.assert_contains(r#"id="f-currency_code-error">Choose the currency."#);
    assert_eq!(app.count("SELECT count(*) AS n FROM companies"), 0);

    app.store("NORTH"); // makes "Main Company"
    let page = hq
        .post_form(
            "/companies",
            &[("name", "main company"), ("currency_code", "EUR")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"id="f-name-error">Another company is already called main company."#);
    assert_eq!(app.count("SELECT count(*) AS n FROM companies"), 1);
}

#[actix_web::test]
async fn a_company_with_active_stores_cannot_be_deactivated() {
    let app = TestApp::spawn().await;
    app.store("NORTH");
    app.store("SOUTH");
    let id = app.count("SELECT id AS n FROM companies");
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let list = hq.get("/companies").await;
    list.assert_contains("Main Company");
    list.assert_contains(r#"<td class="num">2</td>"#);

    let deactivate = [("name", "Main Company"), ("currency_code", "USD")];
    let page = hq.post_form(&format!("/companies/{id}"), &deactivate).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        r#"id="f-active-error">2 active stores still sell for this company: deactivate them or move them to another company first."#,
    );
    assert_eq!(app.text("SELECT active::text AS t FROM companies"), "true");

    app.sql("UPDATE stores SET active = false WHERE code = 'NORTH'");
    let page = hq.post_form(&format!("/companies/{id}"), &deactivate).await;
    page.assert_contains("1 active store still sells for this company");

    app.sql("UPDATE stores SET active = false");
    let page = hq.post_form(&format!("/companies/{id}"), &deactivate).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    hq.get("/companies")
        .await
        .assert_contains(r#"<span class="badge badge-inactive">Deactivated</span>"#);
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'company' AND action = 'update' \
             AND after->>'active' = 'false'"
        ),
        1
    );
}

#[actix_web::test]
async fn a_company_keeps_its_time_zone_and_the_defaults_of_new_customers_and_refuses_a_bad_zone() {
    let app = TestApp::spawn().await;
    app.store("NORTH"); // makes "Main Company"
    let id = app.count("SELECT id AS n FROM companies");
    app.sql("INSERT INTO customer_groups (name, parent_id) SELECT 'Retail', min(id) FROM customer_groups");
    app.sql("INSERT INTO territories (name, parent_id) SELECT 'Nordics', min(id) FROM territories");
    let group = app.count("SELECT id AS n FROM customer_groups WHERE name = 'Retail'");
    let territory = app.count("SELECT id AS n FROM territories WHERE name = 'Nordics'");
    let (hq, hq_user) = app.signed_in(Role::HqManager).await;

    let page = hq.get(&format!("/companies/{id}")).await;
    page.assert_contains(r#"<label for="f-time_zone">Time Zone"#);
    page.assert_contains(r#"name="time_zone" type="text" value="UTC""#);
    page.assert_contains(r#"<option value="Europe/Stockholm"></option>"#);
    page.assert_contains(
        r#"<label for="f-default_customer_group_id">Default Customer Group</label>"#,
    );
    page.assert_contains(r#"<option value="">None: people choose</option>"#);
    page.assert_contains(&format!(r#"<option value="{group}">— Retail</option>"#));

    let (group_id, territory_id) = (group.to_string(), territory.to_string());
    let mut fields = vec![
        ("name", "Main Company"),
        ("currency_code", "USD"),
        ("active", "on"),
        ("time_zone", "Mars/Olympus"),
        ("default_customer_group_id", group_id.as_str()),
        ("default_territory_id", territory_id.as_str()),
    ];
    let page = hq.post_form(&format!("/companies/{id}"), &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        r#"id="f-time_zone-error">Mars/Olympus is not a time zone name; choose one from the list, like Europe/Paris.</p>"#,
    );
    page.assert_contains(r#"value="Mars/Olympus""#);
    page.assert_contains(&format!(
        r#"<option value="{group}" selected>— Retail</option>"#
    ));
    assert_eq!(app.text("SELECT time_zone AS t FROM companies"), "UTC");

    fields[3] = ("time_zone", " europe/stockholm ");
    let page = hq.post_form(&format!("/companies/{id}"), &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        app.text(&format!(
            "SELECT concat_ws(',', time_zone, default_customer_group_id = {group}, \
             default_territory_id = {territory}) AS t FROM companies"
        )),
        "Europe/Stockholm,t,t"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'company' AND action = 'update' \
             AND actor_id = {} AND after->>'time_zone' = 'Europe/Stockholm' \
             AND before->>'time_zone' = 'UTC' AND after->>'default_customer_group_id' = '{group}'",
            hq_user.id
        )),
        1
    );
    let page = hq.get(&format!("/companies/{id}")).await;
    page.assert_contains(r#"value="Europe/Stockholm""#);
    page.assert_contains(" CET there.");

    // An id that is no group: next to its field, never a 500.
    fields[4] = ("default_customer_group_id", "999999");
    let page = hq.post_form(&format!("/companies/{id}"), &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        r#"id="f-default_customer_group_id-error">That customer group no longer exists; choose another.</p>"#,
    );
}
