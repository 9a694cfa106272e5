//! The item catalogue as HQ keeps it and other areas read it: search, create and edit with
//! messages next to fields, deactivate, item group tree, brands, pickers, CSV import and export.

use patron::catalog::model::{self, ItemFields, ItemGroupFields};
use patron_rules::users::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;

use crate::common::{Page, TestApp, TestClient};

/// A group under `parent` (the root when none).
fn group(app: &TestApp, name: &str, parent: Option<i64>) -> i64 {
    let mut conn = app.conn();
    let parent = parent.unwrap_or_else(|| model::root_item_group_id(&mut conn).unwrap());
    model::insert_item_group(
        &mut conn,
        &ItemGroupFields {
            name: name.into(),
            parent_id: Some(parent),
        },
    )
    .unwrap()
    .id
}

fn brand(app: &TestApp, name: &str) -> i64 {
    model::insert_brand(&mut app.conn(), name).unwrap().id
}

fn item(
    app: &TestApp,
    code: &str,
    name: &str,
    group: i64,
    brand: Option<i64>,
    rate: &str,
) -> model::Item {
    model::insert(
        &mut app.conn(),
        &ItemFields {
            item_code: code.into(),
            name: name.into(),
            item_group_id: group,
            brand_id: brand,
            standard_rate: rate.parse::<Decimal>().unwrap(),
            unit: "Nos".into(),
        },
    )
    .unwrap()
}

/// The item codes a list page shows, in order.
fn codes_in(page: &Page) -> Vec<String> {
    page.body
        .split("class=\"row-link\" href=\"/items/")
        .skip(1)
        .map(|part| {
            let start = part.find('>').unwrap() + 1;
            part[start..start + part[start..].find('<').unwrap()].to_owned()
        })
        .collect()
}

async fn search(client: &TestClient, query: &str) -> Vec<String> {
    let page = client.get_fragment(&format!("/items?{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_lacks("<html");
    codes_in(&page)
}

#[actix_web::test]
async fn items_are_found_by_code_and_by_any_part_of_the_name_on_their_indexes() {
    let app = TestApp::spawn().await;
    let tops = group(&app, "Tops", None);
    let shoes = group(&app, "Footwear", None);
    let trail = group(&app, "Trail Shoes", Some(shoes));
    let acme = brand(&app, "Acme");
    item(
        &app,
        "TSH-0042",
        "Classic Crème T-Shirt",
        tops,
        Some(acme),
        "19.99",
    );
    item(&app, "TSH-0043", "Striped T-Shirt", tops, None, "21");
    item(
        &app,
        "RUN-0001",
        "Trail Running Shoe",
        trail,
        Some(acme),
        "89.5",
    );
    let old = item(&app, "OLD-0001", "Old T-Shirt", tops, None, "1");
    model::set_active(
        &mut app.conn(),
        old.id,
        patron_rules::Activation::Deactivate,
        &patron::kernel::Actor::System("test"),
    )
    .unwrap();
    let (client, _) = app.signed_in(Role::HqManager).await;

    assert_eq!(search(&client, "q=tsh-0042").await, ["TSH-0042"]);
    assert_eq!(search(&client, "q=0043").await, ["TSH-0043"]);
    assert_eq!(
        search(&client, "q=creme").await,
        ["TSH-0042"],
        "accents fold"
    );
    assert_eq!(search(&client, "q=shirt").await, ["TSH-0042", "TSH-0043"]);
    assert_eq!(search(&client, "q=shirt+strip").await, ["TSH-0043"]);
    assert_eq!(
        search(&client, "q=ts").await,
        ["TSH-0042", "TSH-0043"],
        "short: code start"
    );
    assert_eq!(
        search(&client, "q=tr").await,
        ["RUN-0001"],
        "short: name start"
    );
    assert_eq!(search(&client, "q=shirt&status=all").await.len(), 3);
    assert_eq!(
        search(&client, "q=shirt&status=deactivated").await,
        ["OLD-0001"]
    );
    assert_eq!(
        search(&client, &format!("group={shoes}")).await,
        ["RUN-0001"],
        "subtree"
    );
    assert_eq!(
        search(&client, &format!("brand={acme}")).await,
        ["TSH-0042", "RUN-0001"]
    );
    let page = client.get("/items?q=shirt").await;
    page.assert_contains("<html");
    page.assert_contains(r#"<label for="f-q">Search</label>"#);
    page.assert_contains("19.99");
    page.assert_contains("21.00");

    app.assert_indexed(&[
        (
            "SELECT id FROM items WHERE search_text LIKE '%' || patron_fold('shirt') || '%' ORDER BY search_name, id LIMIT 51",
            "items_search_text_trgm",
        ),
        (
            "SELECT id FROM items WHERE item_code LIKE 'TS%' OR search_name LIKE 'ts%'",
            "items_item_code_key",
        ),
        (
            "SELECT id FROM items WHERE item_code LIKE 'TS%' OR search_name LIKE 'ts%'",
            "items_name_sort_idx",
        ),
        (
            "SELECT id FROM items WHERE item_group_id = ANY('{1,2}') ORDER BY search_name, id LIMIT 51",
            "items_group_idx",
        ),
        (
            "SELECT id FROM items WHERE change_seq > 10 ORDER BY change_seq LIMIT 500",
            "items_change_seq_idx",
        ),
    ]);
}

#[actix_web::test]
async fn the_list_pages_with_next_by_name_without_offset() {
    let app = TestApp::spawn().await;
    let root = model::root_item_group_id(&mut app.conn()).unwrap();
    for n in 0..120 {
        item(
            &app,
            &format!("P-{n:03}"),
            &format!("Product {n:03}"),
            root,
            None,
            "1",
        );
    }
    let (client, _) = app.signed_in(Role::HqManager).await;
    let first = client.get("/items").await;
    assert_eq!(codes_in(&first).len(), 50);
    let href = first.pager_link("next").unwrap();
    assert!(href.contains("after="), "{href}");
    let second = client.get_fragment(&href).await;
    let codes = codes_in(&second);
    assert_eq!(codes.first().map(String::as_str), Some("P-050"));
    assert_eq!(codes.len(), 50);
    second.assert_contains("Showing 51–100");
    let back = client
        .get_fragment(&second.pager_link("prev").unwrap())
        .await;
    assert_eq!(
        codes_in(&back),
        codes_in(&first),
        "Previous gives page 1 again"
    );
    let third = client.get(&second.pager_link("next").unwrap()).await;
    assert_eq!(codes_in(&third).len(), 20);
    third.assert_contains("Showing 101–120");
    third.assert_lacks(">Next</a>");
}

#[actix_web::test]
async fn the_form_shows_each_problem_next_to_its_field_and_keeps_the_values() {
    let app = TestApp::spawn().await;
    let tops = group(&app, "Tops", None);
    brand(&app, "Acme");
    item(&app, "TSH-0042", "Classic T-Shirt", tops, None, "19.99");
    let (client, user) = app.signed_in(Role::HqManager).await;
    let form = client.get("/items/new").await;
    for label in [
        "Item Code",
        "Item Name",
        "Item Group",
        "Brand",
        "Standard Rate",
        "Unit",
    ] {
        form.assert_contains(&format!(">{label}"));
    }
    form.assert_contains(r#"hx-get="/pickers/item-groups""#);

    let page = client
        .post_form(
            "/items",
            &[
                ("item_code", "new 1"),
                ("name", "Linen Shirt"),
                ("item_group", "Shirts"),
                ("brand", "Acme"),
                ("standard_rate", "-3"),
                ("unit", "Nos"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"<p class="field-error" id="f-item_code-error">Use letters"#);
    page.assert_contains(
        r#"<p class="field-error" id="f-item_group-error">No item group is called “Shirts”.</p>"#,
    );
    page.assert_contains(
        r#"<p class="field-error" id="f-standard_rate-error">The rate cannot be negative.</p>"#,
    );
    page.assert_contains(r#"value="Linen Shirt""#);

    let duplicate = client
        .post_form(
            "/items",
            &[
                ("item_code", "tsh-0042"),
                ("name", "Another"),
                ("item_group", "tops"),
                ("standard_rate", "5"),
            ],
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    duplicate.assert_contains(r#"id="f-item_code-error">Another item already has this code.</p>"#);

    let created = client
        .post_form(
            "/items",
            &[
                ("item_code", "lin-01"),
                ("name", "Linen Shirt"),
                ("item_group", "tops"),
                ("brand", "acme"),
                ("standard_rate", "49.9"),
                ("unit", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    client
        .get("/items")
        .await
        .assert_contains("Item LIN-01 saved.");
    let row = app.count("SELECT count(*) AS n FROM items WHERE item_code = 'LIN-01' AND standard_rate = 49.9 AND unit = 'Nos' AND brand_id IS NOT NULL");
    assert_eq!(row, 1);
    assert_eq!(
        app.count(&format!("SELECT count(*) AS n FROM audit_log WHERE entity = 'item' AND action = 'create' AND actor_id = {}", user.id)),
        1
    );
}

#[actix_web::test]
async fn an_edit_is_audited_and_deactivation_asks_first_and_keeps_the_item() {
    let app = TestApp::spawn().await;
    let root = model::root_item_group_id(&mut app.conn()).unwrap();
    let tee = item(&app, "TSH-1", "Tee", root, None, "10");
    let (client, _) = app.signed_in(Role::HqManager).await;
    let form = client.get(&format!("/items/{}", tee.id)).await;
    form.assert_contains(r#"value="10.00""#);
    form.assert_contains(r#"data-confirm="Deactivate TSH-1?"#);
    let saved = client
        .post_form(
            &format!("/items/{}", tee.id),
            &[
                ("item_code", "TSH-1"),
                ("name", "Tee Shirt"),
                ("item_group", "All Item Groups"),
                ("standard_rate", "12.5"),
                ("unit", "Nos"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let off = client
        .post_form(&format!("/items/{}/deactivate", tee.id), &[])
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    client
        .get(&format!("/items/{}", tee.id))
        .await
        .assert_contains("Item TSH-1 deactivated.");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM items WHERE NOT active"),
        1
    );
    assert_eq!(search(&client, "q=tee").await, Vec::<String>::new());
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE entity = 'item' AND action IN ('update', 'deactivate') AND before IS NOT NULL AND after IS NOT NULL"),
        2
    );
    let on = client
        .post_form(&format!("/items/{}/reactivate", tee.id), &[])
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert_eq!(search(&client, "q=tee").await, ["TSH-1"]);
    // Nothing deletes an item.
    let deleted = client
        .delete(&format!("/items/{}", tee.id), &client.csrf().unwrap())
        .await;
    assert_ne!(deleted.status, StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) AS n FROM items"), 1);
}

#[actix_web::test]
async fn a_sold_item_carries_its_group_and_every_ancestor_even_after_hq_moves_a_branch() {
    let app = TestApp::spawn().await;
    let root = model::root_item_group_id(&mut app.conn()).unwrap();
    let apparel = group(&app, "Apparel", None);
    let tops = group(&app, "Tops", Some(apparel));
    let tees = group(&app, "Tees", Some(tops));
    item(&app, "TEE-1", "Plain tee", tees, None, "9.99");
    let lineage = || {
        patron::sales::model::items::items_by_code(&mut app.conn(), &["TEE-1".into()]).unwrap()[0]
            .item_groups
            .clone()
    };
    assert_eq!(lineage(), [tees, tops, apparel, root]);

    // HQ moves Tops (with Tees under it) to a new branch: the item follows.
    let sale = group(&app, "Sale", None);
    let (client, _) = app.signed_in(Role::HqManager).await;
    let moved = client
        .post_form(
            &format!("/item-groups/{tops}"),
            &[("name", "Tops"), ("parent_id", &sale.to_string())],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(lineage(), [tees, tops, sale, root]);
}

#[actix_web::test]
async fn item_groups_form_a_tree_and_only_unused_leaves_can_be_deleted() {
    let app = TestApp::spawn().await;
    let root = model::root_item_group_id(&mut app.conn()).unwrap();
    let (client, _) = app.signed_in(Role::HqManager).await;
    let made = client
        .post_form(
            "/item-groups",
            &[("name", "Apparel"), ("parent_id", &root.to_string())],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let apparel = app.count("SELECT id AS n FROM item_groups WHERE name = 'Apparel'");
    let tops = group(&app, "Tops", Some(apparel));
    let list = client.get("/item-groups").await;
    list.assert_contains("Item Group saved.");
    list.assert_contains(r#"<th scope="col" class="num">Items</th>"#);
    list.assert_contains(&format!(r#"<span class="indent" data-depth="2"><span class="tree-step" aria-hidden="true"></span><span class="tree-step" aria-hidden="true"></span><a href="/item-groups/{tops}">Tops</a>"#));

    let cycle = client
        .post_form(
            &format!("/item-groups/{apparel}"),
            &[("name", "Apparel"), ("parent_id", &tops.to_string())],
        )
        .await;
    assert_eq!(cycle.status, StatusCode::UNPROCESSABLE_ENTITY);
    cycle.assert_contains("It cannot go under itself or one of its own.");
    let twin = client
        .post_form(
            "/item-groups",
            &[("name", "apparel"), ("parent_id", &root.to_string())],
        )
        .await;
    twin.assert_contains("Another one already has this name.");

    item(&app, "TSH-1", "Tee", tops, None, "1");
    for used in [tops, apparel, root] {
        let refused = client
            .post_form(&format!("/item-groups/{used}/delete"), &[])
            .await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER);
        client
            .get(refused.location().unwrap())
            .await
            .assert_contains("is in use (by items or as a parent)");
    }
    let empty = group(&app, "Empty", None);
    client
        .post_form(&format!("/item-groups/{empty}/delete"), &[])
        .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM item_groups"), 3);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE entity = 'item_group'"),
        2
    );
}

#[actix_web::test]
async fn brands_are_unique_deactivated_not_deleted_and_offered_by_the_picker_while_active() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::HqManager).await;
    let made = client.post_form("/brands", &[("name", "Northwind")]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let twin = client.post_form("/brands", &[("name", "northwind")]).await;
    assert_eq!(twin.status, StatusCode::UNPROCESSABLE_ENTITY);
    twin.assert_contains(r#"id="f-name-error">Another brand already has this name.</p>"#);
    let empty = client.post_form("/brands", &[("name", " ")]).await;
    empty.assert_contains(r#"id="f-name-error">Enter a name.</p>"#);
    let id = app.count("SELECT id AS n FROM brands WHERE name = 'Northwind'");

    let options = client.get_fragment("/pickers/brands?brand=north").await;
    assert_eq!(
        options.body.trim(),
        r#"<option value="Northwind">Northwind</option>"#
    );
    client
        .post_form(&format!("/brands/{id}/deactivate"), &[])
        .await;
    client
        .get("/brands")
        .await
        .assert_contains("Brand Northwind deactivated.");
    assert_eq!(
        client
            .get_fragment("/pickers/brands?q=north")
            .await
            .body
            .trim(),
        ""
    );
    let renamed = client
        .post_form(&format!("/brands/{id}"), &[("name", "Northwind Co.")])
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) AS n FROM brands"), 1);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE entity = 'brand'"),
        3
    );
}

#[actix_web::test]
async fn pickers_answer_options_for_what_is_typed() {
    let app = TestApp::spawn().await;
    let apparel = group(&app, "Apparel", None);
    group(&app, "Tops", Some(apparel));
    item(&app, "TSH-1", "Linen Tee", apparel, None, "9.5");
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let groups = marketing
        .get_fragment("/pickers/item-groups?item_group=top")
        .await;
    assert_eq!(groups.status, StatusCode::OK);
    assert_eq!(
        groups.body.trim(),
        r#"<option value="Tops">Apparel › Tops</option>"#
    );
    let items = marketing.get_fragment("/pickers/items?q=linen").await;
    assert_eq!(
        items.body.trim(),
        r#"<option value="TSH-1">Linen Tee · 9.50 Nos</option>"#
    );
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    assert_eq!(
        supervisor
            .get_fragment("/pickers/items?q=linen")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn upload(client: &TestClient, csv: &str) -> String {
    client.get("/items/import").await;
    let page = client
        .upload("/items/import", "items.csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location().unwrap().to_owned()
}

#[actix_web::test]
async fn the_item_import_lists_problems_by_line_and_column_then_imports_all_or_the_valid_rows() {
    let app = TestApp::spawn().await;
    group(&app, "Tops", None);
    brand(&app, "Acme");
    let root = model::root_item_group_id(&mut app.conn()).unwrap();
    item(&app, "OLD-1", "Old", root, None, "1");
    let (client, _) = app.signed_in(Role::HqManager).await;
    let csv = "\u{feff}Item Code,Item Name,Item Group,Brand,Standard Rate,Unit,Active\n\
               TSH-1,Tee,Tops,Acme,19.99,Nos,Yes\n\
               old-1,Again,Tops,,5,,\n\
               TSH-2,Polo,Shirts,Zeta,abc,Nos,No\n\
               TSH-3,Hoodie,tops,,45,Nos,No\n";
    let path = upload(&client, csv).await;
    let page = client.get(&path).await;
    page.assert_contains("4 rows: <strong>2 ready to import</strong>");
    page.assert_contains("<strong class=\"error-text\">4 problem(s)</strong>");
    for (line, column, message) in [
        (3, "Item Code", "OLD-1 exists already."),
        (4, "Item Group", "No item group is called “Shirts”."),
        (4, "Brand", "No brand is called “Zeta”."),
        (4, "Standard Rate", "Enter a number, like 19.99."),
    ] {
        page.assert_contains(&format!(
            "<tr><td class=\"num\">{line}</td><td>{column}</td><td>{message}</td></tr>"
        ));
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM items"),
        1,
        "nothing written yet"
    );
    let refused = crate::import::run(&app, &client, &path, "all").await;
    refused.assert_contains("4 problem(s) found; nothing was imported.");

    let path = upload(&client, csv).await;
    let done = crate::import::run(&app, &client, &path, "valid_rows").await;
    done.assert_contains("Imported 2 item(s)");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM items WHERE item_code = 'TSH-3' AND NOT active"),
        1
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE entity = 'item_import'"),
        1
    );
    // A customer import's page does not show an item import.
    let id = path.rsplit('/').next().unwrap();
    assert_eq!(
        client.get(&format!("/customers/import/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    let bad = client
        .upload("/items/import", "x.csv", b"Item Code,Colour\n".to_vec())
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("Unknown column “Colour”");
}

#[actix_web::test]
async fn export_then_import_into_an_empty_database_reproduces_the_same_file() {
    let source = TestApp::spawn().await;
    patron::catalog::demo::seed(&mut source.conn()).unwrap();
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE items SET name = name || ', \"quoted\"', standard_rate = 1.2345 WHERE id % 9 = 0"),
        &mut source.conn(),
    )
    .unwrap();
    let (exporter, _) = source.signed_in(Role::Marketing).await;
    let exported = exporter.get("/items/export.csv?status=all").await;
    assert_eq!(exported.status, StatusCode::OK);
    assert_eq!(exported.body.lines().count(), 401);
    assert!(
        exported
            .body
            .starts_with("Item Code,Item Name,Item Group,Brand,Standard Rate,Unit,Active\n")
    );

    let target = TestApp::spawn().await;
    patron::catalog::demo::seed(&mut target.conn()).unwrap();
    target.sql("DELETE FROM items");
    let (importer, _) = target.signed_in(Role::HqManager).await;
    let path = upload(&importer, &exported.body).await;
    let page = crate::import::run(&target, &importer, &path, "all").await;
    page.assert_contains("Imported 400 item(s)");
    let reexported = importer.get("/items/export.csv?status=all").await;
    assert_eq!(reexported.body, exported.body);
}

#[actix_web::test]
async fn tills_page_through_the_change_feed_and_an_edit_moves_an_item_to_the_end() {
    let app = TestApp::spawn().await;
    let tops = group(&app, "Tops", None);
    let acme = brand(&app, "Acme");
    let first = item(&app, "A-1", "First", tops, Some(acme), "19.9");
    for n in 2..=5 {
        item(&app, &format!("A-{n}"), "Other", tops, None, "1");
    }
    let till = app.terminal(&app.terminal_token("TEST"));

    let mut after = 0;
    let mut seen = Vec::new();
    loop {
        let page = till
            .get(&format!("/api/v1/items/changes?after={after}&limit=2"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.json);
        for item in page.json["items"].as_array().unwrap() {
            seen.push(item["item_code"].as_str().unwrap().to_owned());
        }
        after = page.json["next"].as_i64().unwrap();
        if !page.json["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(seen, ["A-1", "A-2", "A-3", "A-4", "A-5"]);
    let empty = till
        .get(&format!("/api/v1/items/changes?after={after}"))
        .await;
    assert_eq!(empty.json["items"].as_array().unwrap().len(), 0);
    assert_eq!(empty.json["next"].as_i64().unwrap(), after);
    assert!(!empty.json["has_more"].as_bool().unwrap());

    model::set_active(
        &mut app.conn(),
        first.id,
        patron_rules::Activation::Deactivate,
        &patron::kernel::Actor::System("test"),
    )
    .unwrap();
    let changed = till
        .get(&format!("/api/v1/items/changes?after={after}"))
        .await;
    let items = changed.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let one = &items[0];
    assert_eq!(one["id"], first.id);
    assert_eq!(one["item_code"], "A-1");
    assert_eq!(one["name"], "First");
    assert_eq!(one["item_group"], "Tops");
    assert_eq!(one["brand"], "Acme");
    assert_eq!(one["standard_rate"], "19.90");
    assert_eq!(one["unit"], "Nos");
    assert_eq!(one["active"], false);
    assert!(one["change_seq"].as_i64().unwrap() > after);
    assert!(one["updated_at"].is_string());

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=x", "limit"),
        ("after=-1", "after"),
    ] {
        let bad = till.get(&format!("/api/v1/items/changes?{query}")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(
            bad.json["error"]["fields"][field].is_string(),
            "{query}: {}",
            bad.json
        );
    }
    let anonymous = till.without_token().get("/api/v1/items/changes").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json["error"]["code"], "unauthorized");
}
