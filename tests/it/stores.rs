//! Stores as HQ keeps them: the list, a store's details, its POS profile, the delivery charges
//! table edited in place, and terminal tokens made and revoked from the store's page.

use patron_rules::users::Role;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::common::{TestApp, TestClient};

/// A store with its profile, and an HQ manager signed in.
async fn setup() -> (TestApp, TestClient, i64) {
    let app = TestApp::spawn().await;
    let store = app.store("NORTH");
    let (hq, _) = app.signed_in(Role::HqManager).await;
    (app, hq, store)
}

#[actix_web::test]
async fn hq_creates_a_store_and_finds_it_in_the_list() {
    let (app, hq, _) = setup().await;
    let company = app.count("SELECT min(id) AS n FROM companies").to_string();

    let refused = hq
        .post_form(
            "/stores",
            &[
                ("code", "west side"),
                ("name", ""),
                ("company_id", &company),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("Use only letters, digits and dashes.");
    refused.assert_contains("Enter the Store Name.");
    refused.assert_contains(r#"value="west side""#);

    let taken = hq
        .post_form(
            "/stores",
            &[
                ("code", "north"),
                ("name", "Again"),
                ("company_id", &company),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    taken.assert_contains("Another store already has this code.");

    let created = hq
        .post_form(
            "/stores",
            &[
                ("code", "west-1"),
                ("name", "West Side"),
                ("company_id", &company),
                ("warehouse", "West Stock"),
                ("phone", "555-0199"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) AS n FROM pos_profiles"), 2);
    let list = hq.get("/stores").await;
    list.assert_contains("WEST-1");
    list.assert_contains("West Stock");
    let found = hq.get_fragment("/stores?q=west").await;
    found.assert_lacks("<html");
    found.assert_contains("West Side");
    found.assert_lacks("NORTH");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE entity = 'store' AND action = 'create' AND actor_id IS NOT NULL"),
        1
    );
}

#[actix_web::test]
async fn profile_settings_are_saved_and_shown() {
    let (app, hq, store) = setup().await;
    let walk_in = app.text(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT 'Walk-in', 'Customer', (SELECT min(id) FROM customer_groups), \
         (SELECT min(id) FROM territories) RETURNING code AS t",
    );
    app.sql("INSERT INTO sales_persons (employee_code, name) VALUES ('EMP-001', 'Ada Lovelace'), ('EMP-002', 'Alan Turing')");
    let ada = app
        .count("SELECT id AS n FROM sales_persons WHERE employee_code = 'EMP-001'")
        .to_string();
    let path = format!("/stores/{store}/profile");

    let unknown = hq
        .post_form(
            &path,
            &[
                ("default_customer", "CUST-99999"),
                ("show_customer_balance", "on"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    unknown.assert_contains("No customer has the code CUST-99999.");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM pos_profiles WHERE show_customer_balance"),
        0,
        "nothing saved from a refused form"
    );

    let saved = hq
        .post_form(
            &path,
            &[
                ("default_customer", &format!("{walk_in} · Walk-in Customer")),
                ("show_customer_balance", "on"),
                ("auto_set_delivery_charges", "on"),
                ("sales_person", &ada),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = hq.get(&path).await;
    page.assert_contains("POS profile saved.");
    page.assert_contains(&format!(r#"value="{walk_in} · Walk-in Customer""#));
    page.assert_contains(r#"name="show_customer_balance" type="checkbox" checked"#);
    page.assert_contains(r#"name="auto_set_delivery_charges" type="checkbox" checked"#);
    page.assert_lacks(r#"name="apply_customer_discount" type="checkbox" checked"#);
    page.assert_contains(&format!(r#"value="{ada}" checked> Ada Lovelace"#));
    page.assert_lacks(r#"checked> Alan Turing"#);
    page.assert_contains("Sales go to this customer when the cashier picks none.");
    page.assert_contains(r#"name="max_change" inputmode="decimal" value="1000""#);

    // Maximum Change: a bad amount is told by its field and nothing is saved; a good one is.
    let bad = hq
        .post_form(
            &path,
            &[("max_change", "lots"), ("show_customer_balance", "on")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains(r#"<p class="field-error" id="f-max_change-error">Enter an amount from 0 to 1,000,000.</p>"#);
    bad.assert_contains(r#"value="lots""#);
    let five = hq
        .post_form(
            &path,
            &[("max_change", "5"), ("show_customer_balance", "on")],
        )
        .await;
    assert_eq!(five.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.text("SELECT max_change::text AS t FROM pos_profiles p JOIN stores s ON s.id = p.store_id WHERE p.max_change <> 1000"),
        "5.0000"
    );

    let options = hq
        .get_fragment("/customers/options?default_customer=walk")
        .await;
    options.assert_contains(&format!(r#"<option value="{walk_in}">"#));
}

#[actix_web::test]
async fn delivery_charges_are_added_edited_and_removed_in_place() {
    let (app, hq, store) = setup().await;
    hq.get(&format!("/stores/{store}/profile")).await;
    let token = hq.csrf().unwrap();
    let add = format!("/stores/{store}/delivery-charges");
    let charge = |label: &'static str, rate: &'static str, default: bool| {
        let mut fields = vec![
            ("label", label),
            ("default_rate", "5"),
            ("rate", rate),
            ("shipping_account", "Freight"),
        ];
        if default {
            fields.push(("is_default", "on"));
        }
        fields
    };

    let first = hq
        .post_htmx(&add, &charge("Standard Delivery", "4.5", true), &token)
        .await;
    assert_eq!(first.status, StatusCode::OK);
    first.assert_lacks("<html");
    first.assert_contains("<td>Standard Delivery</td>");
    first.assert_contains("$4.50");
    assert!(
        first.headers["hx-trigger"]
            .to_str()
            .unwrap()
            .contains("Standard Delivery added")
    );

    let second_default = hq
        .post_htmx(&add, &charge("Express", "12", true), &token)
        .await;
    assert_eq!(second_default.status, StatusCode::UNPROCESSABLE_ENTITY);
    second_default
        .assert_contains("Standard Delivery is already the default; only one charge can be.");
    second_default.assert_contains(r#"value="Express""#);

    let negative = hq
        .post_htmx(&add, &charge("Express", "-1", false), &token)
        .await;
    assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
    negative.assert_contains("The Rate cannot be negative.");

    let duplicate = hq
        .post_htmx(&add, &charge("standard delivery", "3", false), &token)
        .await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    duplicate.assert_contains("This store already has a charge called standard delivery.");
    assert_eq!(app.count("SELECT count(*) AS n FROM delivery_charges"), 1);

    let express = hq
        .post_htmx(&add, &charge("Express", "12", false), &token)
        .await;
    assert_eq!(express.status, StatusCode::OK);
    let id = app.count("SELECT id AS n FROM delivery_charges WHERE label = 'Express'");

    let editing = hq
        .get_fragment(&format!("/stores/{store}/profile?edit={id}"))
        .await;
    editing.assert_contains(&format!(r#"form="charge-{id}" value="Express""#));
    editing.assert_contains("data-escape-cancels");

    let edited = hq
        .post_htmx(
            &format!("{add}/{id}"),
            &charge("Express", "14.25", false),
            &token,
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK);
    edited.assert_contains("$14.25");
    let audited = app.text(&format!(
        "SELECT (before->>'rate') || ' -> ' || (after->>'rate') AS t FROM audit_log \
         WHERE entity = 'delivery_charge' AND entity_id = '{id}' AND action = 'update'"
    ));
    assert_eq!(audited, "12.0000 -> 14.2500");

    let removed = hq
        .post_htmx(&format!("{add}/{id}/remove"), &[], &token)
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    removed.assert_lacks("<td>Express</td>");
    assert_eq!(app.count("SELECT count(*) AS n FROM delivery_charges"), 1);

    // Without JavaScript the same forms post and come back to the tab.
    let plain = hq.post_form(&add, &charge("Same Day", "20", false)).await;
    assert_eq!(plain.status, StatusCode::SEE_OTHER);
    hq.get(&format!("/stores/{store}/profile"))
        .await
        .assert_contains("Same Day");
}

#[actix_web::test]
async fn a_deactivated_store_keeps_its_charges() {
    let (app, hq, store) = setup().await;
    hq.post_form(
        &format!("/stores/{store}/delivery-charges"),
        &[("label", "Express"), ("default_rate", "9"), ("rate", "9")],
    )
    .await;
    let done = hq
        .post_form(&format!("/stores/{store}/deactivate"), &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = hq.get(&format!("/stores/{store}/profile")).await;
    page.assert_contains("Deactivated");
    page.assert_contains("Express");
    assert_eq!(app.count("SELECT count(*) AS n FROM delivery_charges"), 1);
}

#[actix_web::test]
async fn a_terminal_token_is_shown_once_stored_as_a_hash_and_can_be_revoked() {
    let (app, hq, store) = setup().await;
    let tokens = format!("/stores/{store}/tokens");
    let blank = hq.post_form(&tokens, &[("label", " ")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    blank.assert_contains("Name the till, like Till 1.");

    let made = hq.post_form(&tokens, &[("label", "Till 1")]).await;
    assert_eq!(made.status, StatusCode::OK);
    made.assert_contains("it is shown only this once");
    let start = made.body.find("ptt_").unwrap();
    let secret: String = made.body[start..].chars().take(68).collect();
    assert!(
        secret[4..].chars().all(|c| c.is_ascii_hexdigit()),
        "{secret}"
    );

    // Stored: the SHA-256 only. The list never shows the secret again.
    let stored = app.text("SELECT encode(token_hash, 'hex') AS t FROM terminal_tokens");
    assert_eq!(stored, hex::encode(Sha256::digest(secret.as_bytes())));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM terminal_tokens t WHERE row_to_json(t)::text LIKE '%{}%'",
            &secret[4..]
        )),
        0
    );
    let later = hq.get(&tokens).await;
    later.assert_lacks(&secret);
    later.assert_contains("Till 1");
    later.assert_contains("Never");

    let till = app.terminal(&secret);
    assert_eq!(
        till.get("/api/v1/terminal/profile").await.status,
        StatusCode::OK
    );
    hq.get(&tokens).await.assert_lacks("Never");

    let id = app.count("SELECT id AS n FROM terminal_tokens");
    let revoked = hq.post_form(&format!("{tokens}/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    hq.get(&tokens).await.assert_contains("Revoked");
    assert_eq!(
        till.get("/api/v1/terminal/profile").await.status,
        StatusCode::UNAUTHORIZED
    );
}
