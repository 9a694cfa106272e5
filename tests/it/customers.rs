//! The customer database as HQ and the stores use it: search, create, duplicates, edit,
//! deactivate, the origin store, and that nothing can be deleted.

use patron::customers::model::{self, CustomerFields, NewCustomer};
use patron::trees::model::groups;
use patron_rules::users::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;

use crate::common::{Page, TestApp};

/// A customer with the given names, mobile and email in the root group and territory.
fn customer(app: &TestApp, first: &str, last: &str, mobile: &str, email: &str) -> model::Customer {
    let mut conn = app.conn();
    let fields = CustomerFields {
        first_name: first.into(),
        last_name: last.into(),
        customer_group_id: groups::root_group_id(&mut conn).unwrap(),
        territory_id: groups::root_territory_id(&mut conn).unwrap(),
        tax_id: String::new(),
        mobile: mobile.into(),
        email: email.into(),
        website: String::new(),
        address_line1: String::new(),
        address_line2: String::new(),
        city: "Springfield".into(),
        postcode: String::new(),
        country_code: None,
        birthday: None,
        gender: String::new(),
        notes: String::new(),
        credit_limit: Decimal::ZERO,
    };
    model::insert(
        &mut conn,
        &NewCustomer {
            uuid: uuid::Uuid::new_v4(),
            origin_store_id: None,
            fields,
        },
    )
    .unwrap()
}

fn names_in(page: &Page) -> Vec<String> {
    page.body
        .split("class=\"row-link\"")
        .skip(1)
        .map(|part| {
            let start = part.find("</span>").unwrap() + "</span>".len();
            let end = part.find("</a>").unwrap();
            part[start..end].trim().to_owned()
        })
        .collect()
}

async fn search(client: &crate::common::TestClient, q: &str) -> Vec<String> {
    let page = client
        .get_fragment(&format!(
            "/customers?{}",
            serde_urlencoded::to_string([("q", q)]).unwrap()
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_lacks("<html");
    names_in(&page)
}

#[actix_web::test]
async fn search_finds_customers_by_every_field_the_way_people_type_them() {
    let app = TestApp::spawn().await;
    let jose = customer(
        &app,
        "José",
        "Ñúñez",
        "+1 (555) 010-2030",
        "jose.nunez@example.com",
    );
    customer(&app, "Mary", "Jones", "555 777 8888", "mary@shop.example");
    customer(&app, "Annette", "Brown", "", "");
    let (client, _) = app.signed_in(Role::StoreSupervisor).await;

    assert_eq!(
        search(&client, "jos").await,
        ["José Ñúñez"],
        "part of a name"
    );
    assert_eq!(
        search(&client, "nunez").await,
        ["José Ñúñez"],
        "accents ignored"
    );
    assert_eq!(
        search(&client, "JOSÉ ÑÚÑEZ").await,
        ["José Ñúñez"],
        "case ignored, full name"
    );
    assert_eq!(
        search(&client, "nette").await,
        ["Annette Brown"],
        "the middle of a name"
    );
    assert_eq!(
        search(&client, "nunez jose").await,
        ["José Ñúñez"],
        "words in any order"
    );
    assert_eq!(
        search(&client, "+1 555-010 2030").await,
        ["José Ñúñez"],
        "phone as typed"
    );
    assert_eq!(
        search(&client, "0102030").await,
        ["José Ñúñez"],
        "the end of the phone"
    );
    assert_eq!(
        search(&client, "+1 555").await,
        ["José Ñúñez"],
        "the start of the phone"
    );
    assert_eq!(
        search(&client, "5550102030").await,
        ["José Ñúñez"],
        "without the country code"
    );
    assert_eq!(
        search(&client, "mary@shop").await,
        ["Mary Jones"],
        "the start of the email"
    );
    assert_eq!(
        search(&client, "jose.nu").await,
        ["José Ñúñez"],
        "one word: also an email's start"
    );
    assert_eq!(
        search(&client, &jose.code).await,
        ["José Ñúñez"],
        "the code"
    );
    assert_eq!(
        search(&client, &jose.code.to_lowercase()).await,
        ["José Ñúñez"],
        "the code in lower case"
    );
    assert!(search(&client, "zzzz").await.is_empty());
}

#[actix_web::test]
async fn exact_code_and_phone_matches_come_first() {
    let app = TestApp::spawn().await;
    // Names that sort before the exact match, with numbers that end the same way.
    for i in 1..4 {
        customer(
            &app,
            "Aaron",
            &format!("Smith{i}"),
            &format!("+{i} 555 123 4000"),
            "",
        );
    }
    let exact = customer(&app, "Zed", "Zimmer", "555 123 4000", "");
    let (client, _) = app.signed_in(Role::HqManager).await;
    let names = search(&client, "555-123-4000").await;
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(names[0], "Zed Zimmer", "exact phone first: {names:?}");

    // A customer's number (4 for CUST-00004) finds that customer first.
    let number = exact
        .code
        .trim_start_matches("CUST-")
        .trim_start_matches('0');
    let names = search(&client, &format!("{number:0>3}")).await;
    assert_eq!(
        names.first().map(String::as_str),
        Some("Zed Zimmer"),
        "{names:?}"
    );
    assert_eq!(search(&client, &exact.code).await, ["Zed Zimmer"]);
}

#[actix_web::test]
async fn a_deactivated_customer_is_hidden_until_the_status_filter_asks() {
    let app = TestApp::spawn().await;
    let c = customer(&app, "Hidden", "Person", "", "");
    let (client, _) = app.signed_in(Role::HqManager).await;
    client.get(&format!("/customers/{}", c.id)).await;
    let page = client
        .post_form(&format!("/customers/{}/deactivate", c.id), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let shown = client.get(&format!("/customers/{}", c.id)).await;
    shown.assert_contains("Deactivated");
    shown.assert_contains(">Reactivate</button>");

    assert!(search(&client, "hidden").await.is_empty());
    let found = client
        .get_fragment("/customers?q=hidden&status=deactivated")
        .await;
    assert_eq!(names_in(&found), ["Hidden Person"]);
    let all = client.get_fragment("/customers?q=hidden&status=all").await;
    assert_eq!(names_in(&all), ["Hidden Person"]);

    let who = app.count(&format!("SELECT count(*) AS n FROM customers WHERE id = {} AND NOT active AND deactivated_by IS NOT NULL AND deactivated_at IS NOT NULL", c.id));
    assert_eq!(who, 1);
    assert_eq!(
        app.count(&format!("SELECT count(*) AS n FROM audit_log WHERE entity = 'customer' AND entity_id = '{}' AND action = 'deactivate'", c.id)),
        1
    );
}

fn new_customer_form<'a>(
    first: &'a str,
    email: &'a str,
    mobile: &'a str,
    group: &'a str,
    territory: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("first_name", first),
        ("last_name", "Okafor"),
        ("customer_group_id", group),
        ("territory_id", territory),
        ("mobile", mobile),
        ("email", email),
        ("city", "Riverside"),
        ("credit_limit", "1,250.50"),
        ("birthday", "1990-04-23"),
        ("country_code", "NG"),
    ]
}

fn roots(app: &TestApp) -> (String, String) {
    let mut conn = app.conn();
    (
        groups::root_group_id(&mut conn).unwrap().to_string(),
        groups::root_territory_id(&mut conn).unwrap().to_string(),
    )
}

#[actix_web::test]
async fn creating_a_customer_assigns_a_code_and_shows_the_detail_page() {
    let app = TestApp::spawn().await;
    let (group, territory) = roots(&app);
    let (client, user) = app.signed_in(Role::HqManager).await;
    let page = client.get("/customers/new").await;
    page.assert_contains(r#"<label for="f-first_name">First Name <span class="req""#);
    page.assert_contains(r#"<label for="f-customer_group_id">Customer Group"#);
    page.assert_contains(r#"data-require="first_name customer_group_id territory_id""#);

    let page = client
        .post_form(
            "/customers",
            &new_customer_form(
                "Kwame",
                "kwame@example.com",
                "+234 803 555 0101",
                &group,
                &territory,
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let shown = client.get(page.location().unwrap()).await;
    shown.assert_contains("Kwame Okafor");
    shown.assert_contains("CUST-00001");
    shown.assert_contains("Created at HQ");
    shown.assert_contains("Nigeria");
    shown.assert_contains(r#"<dd id="credit-limit">$1,250.50</dd>"#);
    shown.assert_contains(r#"<dd id="available-credit">$1,250.50</dd>"#);
    shown.assert_contains("No purchases yet.");
    let activity = client
        .get(&format!("{}?tab=activity", page.location().unwrap()))
        .await;
    activity.assert_contains(&user.name);
    activity.assert_contains("<td>Created</td>");
    activity.assert_contains("<li>First Name: Kwame</li>");
    assert_eq!(app.count("SELECT count(*) AS n FROM customers WHERE credit_limit = 1250.5 AND birthday = '1990-04-23'"), 1);
}

#[actix_web::test]
async fn required_fields_and_bad_values_are_reported_next_to_each_field() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::HqManager).await;
    client.get("/customers/new").await;
    let page = client
        .post_form(
            "/customers",
            &[
                ("first_name", " "),
                ("customer_group_id", ""),
                ("territory_id", ""),
                ("email", "kwame@"),
                ("mobile", "call me"),
                ("birthday", "2999-01-01"),
                ("credit_limit", "-5"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, message) in [
        ("first_name", "Enter the first name."),
        ("customer_group_id", "Choose a customer group."),
        ("territory_id", "Choose a territory."),
        ("email", "Enter an email address like name@example.com."),
        (
            "mobile",
            "Use digits, spaces, dashes, brackets and a leading +.",
        ),
        ("birthday", "A birthday cannot be in the future."),
        ("credit_limit", "The credit limit cannot be negative."),
    ] {
        page.assert_contains(&format!(
            r#"<p class="field-error" id="f-{field}-error">{message}</p>"#
        ));
    }
    page.assert_contains(r#"value="kwame@""#);
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 0);
}

#[actix_web::test]
async fn a_group_that_does_not_exist_is_refused_at_its_field() {
    let app = TestApp::spawn().await;
    let (_, territory) = roots(&app);
    let (client, _) = app.signed_in(Role::HqManager).await;
    client.get("/customers/new").await;
    let page = client
        .post_form(
            "/customers",
            &new_customer_form("Nia", "", "", "999999", &territory),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"id="f-customer_group_id-error">Choose one from the list.</p>"#);
}

#[actix_web::test]
async fn possible_duplicates_are_listed_before_saving_and_can_be_overridden() {
    let app = TestApp::spawn().await;
    let (group, territory) = roots(&app);
    let existing = customer(
        &app,
        "Kwame",
        "Okafor",
        "+234 803 555 0101",
        "kwame@example.com",
    );
    let (client, _) = app.signed_in(Role::HqManager).await;
    client.get("/customers/new").await;

    for (email, mobile, why) in [
        ("KWAME@example.com", "", "same email"),
        ("", "234-803-555-0101", "same mobile digits"),
        ("", "", "same name in the same city"),
    ] {
        let mut form = new_customer_form("Kwame", email, mobile, &group, &territory);
        form.retain(|(k, _)| *k != "city");
        form.push(("city", "springfield"));
        let page = client.post_form("/customers", &form).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{why}");
        page.assert_contains("This may be someone you already have");
        page.assert_contains(&format!(
            r#"<a href="/customers/{}">Kwame Okafor</a>"#,
            existing.id
        ));
        page.assert_contains(r#"name="confirm_duplicates" value="1""#);
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 1);

    let mut form = new_customer_form("Kwame", "kwame@example.com", "", &group, &territory);
    form.push(("confirm_duplicates", "1"));
    let page = client.post_form("/customers", &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 2);
}

#[actix_web::test]
async fn a_store_supervisors_customers_belong_to_their_store() {
    let app = TestApp::spawn().await;
    let (group, territory) = roots(&app);
    let (client, _) = app.signed_in(Role::StoreSupervisor).await;
    client.get("/customers/new").await;
    let page = client
        .post_form(
            "/customers",
            &new_customer_form("Lea", "", "", &group, &territory),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let shown = client.get(page.location().unwrap()).await;
    shown.assert_contains("Store TEST");
    let test_store = app.store("TEST");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM customers WHERE origin_store_id = {test_store}"
        )),
        1
    );
    // Their own customer they may edit; one made at HQ they may only look at.
    shown.assert_contains(">Edit</a>");
    let hq_customer = customer(&app, "Head", "Office", "", "");
    let page = client.get(&format!("/customers/{}", hq_customer.id)).await;
    page.assert_lacks(">Edit</a>");
    assert_eq!(
        client
            .get(&format!("/customers/{}/edit", hq_customer.id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn editing_saves_and_audits_before_and_after() {
    let app = TestApp::spawn().await;
    let (group, territory) = roots(&app);
    let c = customer(&app, "Ana", "Silva", "", "");
    let (client, _) = app.signed_in(Role::HqManager).await;
    let edit = client.get(&format!("/customers/{}/edit", c.id)).await;
    edit.assert_contains(r#"value="Ana""#);
    let page = client
        .post_form(
            &format!("/customers/{}", c.id),
            &new_customer_form("Ana Maria", "ana@example.com", "", &group, &territory),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    client
        .get(page.location().unwrap())
        .await
        .assert_contains("Ana Maria Okafor");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'customer' AND entity_id = '{}' AND action = 'update' \
             AND before->>'first_name' = 'Ana' AND after->>'first_name' = 'Ana Maria'",
            c.id
        )),
        1
    );
    patron::db::sequence_changes(&mut app.conn()).unwrap();
    let seq_moved = app.count(&format!(
        "SELECT count(*) AS n FROM customers WHERE id = {} AND change_seq > {}",
        c.id,
        c.change_seq.unwrap_or(0)
    ));
    assert_eq!(
        seq_moved, 1,
        "every change moves the customer up the change feed"
    );
}

#[actix_web::test]
async fn the_list_pages_with_next_and_never_repeats_a_row() {
    let app = TestApp::spawn().await;
    let mut conn = app.conn();
    patron::seed::customers(&mut conn, 120, |_| {}).unwrap();
    let (client, _) = app.signed_in(Role::Marketing).await;
    let mut seen = Vec::new();
    let mut path = "/customers".to_owned();
    for _ in 0..5 {
        let page = client.get(&path).await;
        let ids: Vec<String> = page
            .body
            .split("class=\"row-link\" href=\"/customers/")
            .skip(1)
            .map(|p| p[..p.find('"').unwrap()].to_owned())
            .collect();
        seen.extend(ids);
        match page.pager_link("next") {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!(seen.len(), 120);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 120);
    let first = client.get("/customers").await;
    first.assert_contains("120 customers");
}

#[actix_web::test]
async fn there_is_no_way_to_delete_a_customer() {
    let app = TestApp::spawn().await;
    let c = customer(&app, "Kept", "Forever", "", "");
    let (client, _) = app.signed_in(Role::Admin).await;
    client.get("/customers").await;
    let token = client.csrf().unwrap();
    for path in [format!("/customers/{}/delete", c.id)] {
        let page = client.post_form(&path, &[]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    let page = client.delete(&format!("/customers/{}", c.id), &token).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 1);
}

#[actix_web::test]
async fn a_common_surname_shows_its_first_page_in_name_order() {
    let app = TestApp::spawn().await;
    // More namesakes than the 200 matches a search for a word anywhere in the name sorts, and
    // the ones first by name made last, so that they are last in the table.
    for i in 0..210 {
        customer(&app, &format!("Zoe{i:03}"), "Okafor", "", "");
    }
    customer(&app, "Okafoma", "Ude", "", "");
    customer(&app, "Aaron", "Okafor", "", "");
    customer(&app, "Bola", "Bokafor", "", "");
    let (client, _) = app.signed_in(Role::HqManager).await;

    let page = client.get_fragment("/customers?q=okafo").await;
    let names = names_in(&page);
    assert_eq!(names.len(), 50, "{names:?}");
    assert_eq!(
        names[..3],
        ["Aaron Okafor", "Okafoma Ude", "Zoe000 Okafor"],
        "surname and name starts, by name"
    );
    page.assert_contains("showing the first 50; type more to narrow");
    assert_eq!(
        search(&client, "bokaf").await,
        ["Bola Bokafor"],
        "a rarer surname still found"
    );
}

#[actix_web::test]
async fn customer_searches_and_filters_are_served_by_indexes() {
    let app = TestApp::spawn().await;
    app.assert_indexed(&[
        (
            "SELECT id FROM customers WHERE search_name LIKE '%' || patron_fold('José') || '%'",
            "customers_search_name_trgm",
        ),
        (
            "SELECT id FROM customers WHERE search_email <> '' AND search_email LIKE 'mary@sh%'",
            "customers_search_email_idx",
        ),
        (
            "SELECT id FROM customers WHERE mobile_digits <> '' AND mobile_digits LIKE '1555%'",
            "customers_mobile_digits_idx",
        ),
        (
            "SELECT id FROM customers WHERE mobile_digits <> '' AND reverse(mobile_digits) LIKE '0302%'",
            "customers_mobile_suffix_idx",
        ),
        (
            "SELECT id FROM customers WHERE code LIKE 'CUST-0004%'",
            "customers_code_key",
        ),
        (
            "SELECT id FROM customers WHERE search_name LIKE 'jo%' ORDER BY search_name, id LIMIT 51",
            "customers_name_sort_idx",
        ),
        (
            "SELECT id FROM customers WHERE patron_fold(last_name) COLLATE \"C\" LIKE 'oka%' \
             ORDER BY patron_fold(last_name) COLLATE \"C\", search_name, id LIMIT 51",
            "customers_surname_idx",
        ),
        (
            "SELECT id FROM customers WHERE active ORDER BY search_name, id LIMIT 51",
            "customers_name_sort_idx",
        ),
        (
            "SELECT id FROM customers WHERE customer_group_id = 1 ORDER BY search_name, id LIMIT 51",
            "customers_group_idx",
        ),
        (
            "SELECT id FROM customers WHERE territory_id = 1 ORDER BY search_name, id LIMIT 51",
            "customers_territory_idx",
        ),
        (
            "SELECT id FROM customers WHERE origin_store_id = 1 ORDER BY search_name, id LIMIT 51",
            "customers_origin_store_idx",
        ),
        (
            "SELECT id FROM customers WHERE change_seq > 10 ORDER BY change_seq LIMIT 100",
            "customers_change_seq_idx",
        ),
    ]);
}

#[actix_web::test]
async fn the_filtered_list_exports_as_csv_with_the_import_columns() {
    let app = TestApp::spawn().await;
    customer(
        &app,
        "José",
        "Ñúñez",
        "+1 (555) 010-2030",
        "jose@example.com",
    );
    customer(&app, "Mary", "Jones, Jr.", "", "mary@example.com");
    let (client, user) = app.signed_in(Role::HqManager).await;

    let page = client.get("/customers").await;
    page.assert_contains(
        r#"href="/customers/export.csv?q=&amp;group="#.replace("&amp;", "&#38;").as_str(),
    );
    let all = client.get("/customers/export.csv").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(
        all.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        all.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let mut reader = csv::Reader::from_reader(all.body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, patron::customers::export::COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][1], "José");
    assert_eq!(&rows[0][6], "+1 (555) 010-2030");
    assert_eq!(&rows[1][2], "Jones, Jr.", "commas survive");
    assert_eq!(&rows[1][19], "Active");

    let filtered = client.get("/customers/export.csv?q=mary%40").await;
    assert_eq!(
        filtered.body.lines().count(),
        2,
        "header and Mary: {}",
        filtered.body
    );
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg((after->'rows')::text || ' ' || (after->'filters'->>'q'), ', ' \
             ORDER BY id) AS t FROM audit_log WHERE action = 'export' AND actor_id = {}",
            user.id
        )),
        "2 , 1 mary@",
        "each export is audited with its filters and how many customers it held"
    );

    // Looking customers up is every store's; taking them all out is HQ's.
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    let list = supervisor.get("/customers").await;
    list.assert_contains("José");
    list.assert_lacks("Export these as CSV");
    let refused = supervisor.get("/customers/export.csv").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_lacks("jose@example.com");
}

#[actix_web::test]
async fn an_export_larger_than_one_chunk_has_every_customer_once() {
    let app = TestApp::spawn().await;
    let mut conn = app.conn();
    patron::seed::customers(&mut conn, 5_200, |_| {}).unwrap();
    let (client, _) = app.signed_in(Role::Admin).await;
    let export = client.get("/customers/export.csv").await;
    let mut reader = csv::Reader::from_reader(export.body.as_bytes());
    let mut codes: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(codes.len(), 5_200);
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 5_200);
}

#[actix_web::test]
async fn merging_keeps_one_customer_and_deactivates_the_other_with_a_pointer() {
    let app = TestApp::spawn().await;
    let kept = customer(
        &app,
        "Kwame",
        "Okafor",
        "+234 803 555 0101",
        "kwame@example.com",
    );
    let dup = customer(&app, "Kwame", "Okafor", "", "k.okafor@example.com");
    let (client, user) = app.signed_in(Role::HqManager).await;

    let page = client
        .get(&format!(
            "/customers/merge?keep={}&merge={}",
            kept.code,
            dup.code.to_lowercase()
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&format!("Keep: {}", kept.code));
    page.assert_contains(&format!("Merge and deactivate: {}", dup.code));
    page.assert_contains(&format!(
        "data-confirm=\"Merge {} into {}?",
        dup.code, kept.code
    ));

    let done = client
        .post_form(
            "/customers/merge",
            &[
                ("keep", &kept.id.to_string()),
                ("merge", &dup.id.to_string()),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        done.location(),
        Some(format!("/customers/{}", kept.id).as_str())
    );
    client
        .get(done.location().unwrap())
        .await
        .assert_contains(&format!("{} merged into {}.", dup.code, kept.code));
    let merged_page = client.get(&format!("/customers/{}", dup.id)).await;
    merged_page.assert_contains(&format!("Merged into {}", kept.code));
    merged_page.assert_contains("Deactivated");
    assert_eq!(
        app.count(&format!("SELECT count(*) AS n FROM customers WHERE id = {} AND NOT active AND merged_into_id = {}", dup.id, kept.id)),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE actor_id = {} AND ((entity_id = '{}' AND action = 'merge') OR (entity_id = '{}' AND action = 'merge_into'))",
            user.id, dup.id, kept.id
        )),
        2
    );

    // Merging again, or a customer into itself, is refused at the field.
    let again = client
        .post_form(
            "/customers/merge",
            &[
                ("keep", &kept.id.to_string()),
                ("merge", &dup.id.to_string()),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_contains(&format!("{} is deactivated.", dup.code));
    let same = client
        .get(&format!("/customers/merge?keep={0}&merge={0}", kept.code))
        .await;
    same.assert_contains("Choose two different customers.");
    let unknown = client
        .get(&format!(
            "/customers/merge?keep={}&merge=CUST-99999",
            kept.code
        ))
        .await;
    unknown.assert_contains("No customer has this code.");
}

#[actix_web::test]
async fn a_nul_character_typed_into_a_form_is_refused_not_a_server_error() {
    let app = TestApp::spawn().await;
    let (group, territory) = roots(&app);
    let (client, _) = app.signed_in(Role::HqManager).await;
    let page = client
        .post_form(
            "/customers",
            &new_customer_form("Nul\u{0}l", "nul@example.com", "", &group, &territory),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    page.assert_contains("NUL character");
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 0);
}

#[actix_web::test]
async fn a_new_customer_starts_in_the_company_defaults_or_the_form_asks_for_a_group() {
    let app = TestApp::spawn().await;
    app.store("NORTH"); // makes "Main Company", with no defaults
    let (client, _) = app.signed_in(Role::HqManager).await;

    // No defaults: nothing is preselected, so the top of the tree is never taken silently.
    let page = client.get("/customers/new").await;
    page.assert_contains(r#"<option value="">Choose…</option>"#);
    let root = groups::root_group_id(&mut app.conn()).unwrap();
    page.assert_lacks(&format!(r#"<option value="{root}" selected>"#));
    let page = client
        .post_form(
            "/customers",
            &[("first_name", "Kwame"), ("territory_id", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"aria-describedby="f-customer_group_id-error""#);
    page.assert_contains(
        r#"<p class="field-error" id="f-customer_group_id-error">Choose a customer group.</p>"#,
    );
    page.assert_contains(r#"value="Kwame""#);

    // The company's defaults are preselected.
    app.sql("INSERT INTO customer_groups (name, parent_id) SELECT 'Retail', min(id) FROM customer_groups");
    app.sql("INSERT INTO territories (name, parent_id) SELECT 'Nordics', min(id) FROM territories");
    app.sql(
        "UPDATE companies SET \
         default_customer_group_id = (SELECT id FROM customer_groups WHERE name = 'Retail'), \
         default_territory_id = (SELECT id FROM territories WHERE name = 'Nordics')",
    );
    let group = app.count("SELECT id AS n FROM customer_groups WHERE name = 'Retail'");
    let territory = app.count("SELECT id AS n FROM territories WHERE name = 'Nordics'");
    let page = client.get("/customers/new").await;
    page.assert_contains(&format!(
        r#"<option value="{group}" selected>— Retail</option>"#
    ));
    page.assert_contains(&format!(
        r#"<option value="{territory}" selected>— Nordics</option>"#
    ));
}

#[actix_web::test]
async fn a_birthday_before_1900_or_after_the_company_s_today_is_refused_on_the_api_the_form_and_the_import()
 {
    const BEFORE_1900: &str = "A birthday cannot be before 1900-01-01.";
    const FUTURE: &str = "A birthday cannot be in the future.";
    let app = TestApp::spawn().await;
    let till = app.terminal(&app.terminal_token("NORTH"));
    // The company's day starts 14 hours ahead of UTC's: its today is the latest date anywhere.
    app.sql("UPDATE companies SET time_zone = 'Pacific/Kiritimati'");
    let today = patron_rules::clock::Clock::from_name("Pacific/Kiritimati").today();
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    let today = today.to_string();
    let (group, territory) = roots(&app);
    let uuid = |n: u32| format!("b1d7a000-0000-4000-8000-{n:012}");

    // A till creating a customer.
    for (n, (birthday, message)) in [
        ("1899-12-31", BEFORE_1900),
        ("0000-01-01", BEFORE_1900),
        (tomorrow.as_str(), FUTURE),
    ]
    .into_iter()
    .enumerate()
    {
        let answer = till
            .post(
                "/api/v1/customers",
                &serde_json::json!({"id": uuid(n as u32), "first_name": "Ada", "birthday": birthday}),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{birthday}"
        );
        assert_eq!(answer.json["error"]["code"], "validation");
        assert_eq!(
            answer.json["error"]["fields"]["birthday"], message,
            "{birthday}"
        );
    }
    for (n, birthday) in [(10, "1900-01-01"), (11, today.as_str())] {
        let answer = till
            .post(
                "/api/v1/customers",
                &serde_json::json!({"id": uuid(n), "first_name": "Ada", "birthday": birthday}),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "{birthday}: {:?}",
            answer.json
        );
        assert_eq!(answer.json["birthday"], birthday);
    }
    // ... and editing one offline.
    let edit = till
        .patch(
            &format!("/api/v1/customers/{}", uuid(10)),
            &serde_json::json!({"changes": {"birthday": {"from": "1900-01-01", "to": "1899-12-31"}}}),
        )
        .await;
    assert_eq!(edit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        edit.json["error"]["fields"]["changes.birthday"],
        BEFORE_1900
    );
    assert_eq!(
        app.text(&format!(
            "SELECT birthday::text AS t FROM customers WHERE uuid = '{}'",
            uuid(10)
        )),
        "1900-01-01"
    );

    // HQ's customer form shows the message by the field and keeps what was typed.
    let (client, _) = app.signed_in(Role::HqManager).await;
    client.get("/customers/new").await;
    for (birthday, message) in [("1899-12-31", BEFORE_1900), (tomorrow.as_str(), FUTURE)] {
        let mut form = new_customer_form("Kwame", "", "", &group, &territory);
        form.retain(|(field, _)| *field != "birthday");
        form.push(("birthday", birthday));
        let page = client.post_form("/customers", &form).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{birthday}");
        page.assert_contains(&format!(
            r#"<p class="field-error" id="f-birthday-error">{message}</p>"#
        ));
        page.assert_contains(&format!(r#"value="{birthday}""#));
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 2);

    // The import refuses those rows, saying why, and takes the rest.
    let csv = format!(
        "First Name,Last Name,Customer Group,Territory,Birthday\n\
         Old,Timer,All Customers,All Territories,1899-12-31\n\
         Not,Yet,All Customers,All Territories,{tomorrow}\n\
         Born,Today,All Customers,All Territories,{today}\n"
    );
    let path = crate::import::upload(&client, &csv).await;
    let page = client.get(&path).await;
    page.assert_contains("3 rows: <strong>1 ready to import</strong>");
    for (line, message) in [(2, BEFORE_1900), (3, FUTURE)] {
        page.assert_contains(&format!(
            "<tr><td class=\"num\">{line}</td><td>Birthday</td><td>{message}</td></tr>"
        ));
    }
    let done = crate::import::run(&app, &client, &path, "valid_rows").await;
    done.assert_contains("Imported 1 customer(s); 2 rows with problems were skipped.");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customers WHERE birthday < '1900-01-01'"),
        0
    );
}
