//! The coupon pages: marketing makes a coupon (its code made when left blank), each rule refused
//! next to its field with nothing stored, edits keep the code, Disable stops it at the till, the
//! list's search and status filter, a coupon's uses, generated codes in bulk with their CSV, and
//! who may do what.

use std::collections::HashSet;

use patron_rules::coupons::codes::ALPHABET;
use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::common::coupons::{self, sale};
use crate::common::shop::shop;
use crate::common::{TestApp, TestClient};

/// The coupon form for `offer` with `changes`.
fn form(app: &TestApp, offer: i64, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let company = crate::common::offers::company(app, "NORTH").to_string();
    let offer = offer.to_string();
    let mut fields: Vec<(String, String)> = [
        ("name", "Welcome flyer"),
        ("coupon_type", "promotional"),
        ("code", ""),
        ("company_id", company.as_str()),
        ("offer_id", offer.as_str()),
        ("campaign_id", ""),
        ("valid_from", ""),
        ("valid_upto", ""),
        ("maximum_use", "3"),
        ("customer", ""),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (field, value) in changes {
        fields.retain(|(k, _)| k != field);
        fields.push(((*field).to_owned(), (*value).to_owned()));
    }
    fields
}

async fn post(client: &TestClient, path: &str, fields: &[(String, String)]) -> crate::common::Page {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post_form(path, &pairs).await
}

#[actix_web::test]
async fn marketing_makes_a_coupon_with_a_made_code_and_the_till_can_use_it() {
    let (app, till) = shop().await;
    let offer = coupons::offer(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    let made = post(&marketing, "/coupons", &form(&app, offer, &[])).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page = marketing.get(made.location().unwrap()).await;
    page.assert_contains("Created coupon Welcome flyer.");
    page.assert_contains("Tees 10% coupon");
    let code = app.text("SELECT code AS t FROM coupons");
    assert_eq!(code.len(), 10);
    assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
    page.assert_contains(&code);
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'coupon' AND action = 'create'"
        ),
        1
    );

    // Used once at the till: the page lists the sale and two uses left.
    let id = Uuid::new_v4().to_string();
    let body = sale(&till, &id, 1, None, &[&code.to_lowercase()]).await;
    assert_eq!(
        till.post("/api/v1/invoices", &body).await.status,
        StatusCode::CREATED
    );
    let page = marketing.get(made.location().unwrap()).await;
    page.assert_contains(&format!("C-{}", &id[..8]));
    page.assert_contains("Walk-in Customer");
    page.assert_contains(r#"<dd id="coupon-left">2</dd>"#);
    // Marketing reads reports: the coupon's page leads to its figures.
    page.assert_contains(r#"<a href="/reports/coupons">"#);

    // Edited: the code stays whatever is posted; disabled: the till is told so.
    let coupon = made.location().unwrap().to_owned();
    let edited = post(
        &marketing,
        &coupon,
        &form(
            &app,
            offer,
            &[("code", "HACKED"), ("name", "Welcome flyer 2")],
        ),
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    assert_eq!(app.text("SELECT code AS t FROM coupons"), code);
    let off = marketing.post_form(&format!("{coupon}/disable"), &[]).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let refused = till
        .post(
            "/api/v1/coupons/validate",
            &json!({"code": code, "posted_at": "2026-11-20T10:00:00Z"}),
        )
        .await;
    assert_eq!(refused.json["error"]["code"], "disabled");
    marketing.get(&coupon).await.assert_contains("Disabled");
    // The audit log names the coupon and links its page.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let audit = admin.get("/audit").await;
    audit.assert_contains(&format!(r#"href="{coupon}""#));
    audit.assert_contains(&format!("{code} (Welcome flyer 2)"));
}

#[actix_web::test]
async fn each_rule_is_told_next_to_its_field_and_nothing_is_stored() {
    let (app, _till) = shop().await;
    let offer = coupons::offer(&app);
    let auto = crate::common::offers::percent_off(&app, "Auto 5%", "TEE-BLK-M", 5);
    coupons::make(&app, offer, "TAKEN", 0);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    for (changes, field, message) in [
        (vec![("name", "")], "name", "Enter the Coupon Name."),
        (
            vec![("offer_id", auto.to_string().leak() as &str)],
            "offer_id",
            "Auto 5% is not Coupon Based: a coupon cannot activate it.",
        ),
        (
            vec![("code", "taken")],
            "code",
            "Another coupon of the company has the code TAKEN.",
        ),
        (
            vec![("code", "NO SPACES")],
            "code",
            "A coupon code holds letters, digits and dashes only",
        ),
        (
            vec![("coupon_type", "gift_card")],
            "customer",
            "A Gift Card coupon is for one customer: choose them.",
        ),
        (
            vec![("valid_from", "2025-12-01")],
            "valid_from",
            "The offer is valid from 2026-01-01: start on or after it.",
        ),
        (
            vec![("valid_from", "2026-12-10"), ("valid_upto", "2026-12-01")],
            "valid_upto",
            "Valid Upto cannot be before Valid From.",
        ),
        (
            vec![("maximum_use", "-2")],
            "maximum_use",
            "or 0 for no limit",
        ),
    ] {
        let page = post(&marketing, "/coupons", &form(&app, offer, &changes)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{changes:?}");
        page.assert_contains(&format!(r#"<p class="field-error" id="f-{field}-error">"#));
        page.assert_contains(message);
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM coupons"), 1);
}

#[actix_web::test]
async fn the_list_searches_and_filters_by_status() {
    let (app, _till) = shop().await;
    let offer = coupons::offer(&app);
    coupons::make(&app, offer, "SPRING-1", 2);
    coupons::make(&app, offer, "SPRING-2", 2);
    coupons::make(&app, offer, "AUTUMN-1", 2);
    app.sql("UPDATE coupons SET used = 2 WHERE code = 'SPRING-2'");
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let spring = marketing.get("/coupons?q=spring").await;
    spring.assert_contains("SPRING-1");
    spring.assert_contains("SPRING-2");
    spring.assert_lacks("AUTUMN-1");
    let used_up = marketing.get("/coupons?status=used_up").await;
    used_up.assert_contains("SPRING-2");
    used_up.assert_lacks("SPRING-1");
    used_up.assert_contains("Used up");
    let valid = marketing.get("/coupons?status=valid").await;
    valid.assert_contains("AUTUMN-1");
    valid.assert_lacks("SPRING-2");

    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    assert_eq!(
        supervisor.get("/coupons").await.status,
        StatusCode::FORBIDDEN
    );
    let (hq, _) = app.signed_in(Role::HqManager).await;
    assert_eq!(hq.get("/coupons").await.status, StatusCode::OK);
    assert_eq!(hq.get("/coupons/new").await.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn codes_made_in_bulk_are_unique_unguessable_and_download_as_csv() {
    let (app, till) = shop().await;
    let offer = coupons::offer(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let offer = offer.to_string();
    let made = marketing
        .post_form(
            "/coupons/batches",
            &[
                ("name", "Spring flyer"),
                ("count", "2500"),
                ("prefix", "spring-"),
                ("offer_id", &offer),
                ("campaign_id", ""),
                ("maximum_use", "1"),
                ("valid_from", ""),
                ("valid_upto", ""),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let batch = app.count("SELECT max(id) AS n FROM coupon_batches");
    // Waits for the run itself: it holds this lock until it has finished.
    app.sql(&format!("SELECT pg_advisory_lock(7304, {batch}::int)"));
    let page = marketing.get(made.location().unwrap()).await;
    page.assert_contains("Made 2500 codes.");

    let csv = marketing
        .get(&format!("/coupons/batches/{batch}/codes.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "Code,Coupon Name,POS Offer,Valid From,Valid Upto,Maximum Use"
    );
    let codes: HashSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(codes.len(), 2500);
    for code in &codes {
        let random = code.strip_prefix("SPRING-").unwrap();
        assert_eq!(random.len(), 11, "{code}");
        assert!(random.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
    }
    // Any of them works at the till, once.
    let code = *codes.iter().next().unwrap();
    let body = sale(&till, &Uuid::new_v4().to_string(), 1, None, &[code]).await;
    assert_eq!(
        till.post("/api/v1/invoices", &body).await.status,
        StatusCode::CREATED
    );
    assert_eq!(coupons::used(&app, code), 1);

    let bad = marketing
        .post_form(
            "/coupons/batches",
            &[
                ("name", "Too many"),
                ("count", "100001"),
                ("offer_id", &offer),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("Enter how many codes: 1 to 100,000.");
}

#[actix_web::test]
async fn marketing_generates_codes_in_the_browser_and_finds_one() {
    use crate::browser::{Driver, click, open_browser, sign_in, text_of, type_into};
    use crate::stories::{WIDTHS, look};
    use fantoccini::Locator;
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, _till) = shop().await;
    coupons::offer(&app);
    let user = app.user(Role::Marketing);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    for width in WIDTHS {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .goto(&format!("{}/coupons/batches/new", app.base))
            .await
            .unwrap();
        type_into(&browser, "#f-name", &format!("Spring {width}")).await;
        let count = browser.find(Locator::Css("#f-count")).await.unwrap();
        count.clear().await.unwrap();
        count.send_keys("300").await.unwrap();
        type_into(&browser, "#f-prefix", &format!("S{width}-")).await;
        browser
            .find(Locator::Css("#f-offer_id"))
            .await
            .unwrap()
            .select_by_label("Tees 10% coupon")
            .await
            .unwrap();
        look(&browser, "coupons", width, "1-generate").await;
        click(&browser, Locator::Css("button.btn-primary")).await;
        // The page follows the batch until it is done.
        let result = text_of(&browser, Locator::Css("#batch-result")).await;
        assert_eq!(result, "Made 300 codes.");
        look(&browser, "coupons", width, "2-made").await;

        click(&browser, Locator::LinkText("See the coupons")).await;
        let first = text_of(&browser, Locator::Css("table.coupons tbody a.mono")).await;
        assert!(first.starts_with(&format!("S{width}-")), "{first}");
        look(&browser, "coupons", width, "3-list").await;
        click(&browser, Locator::Css("table.coupons tbody a.mono")).await;
        let heading = text_of(&browser, Locator::Css("h1")).await;
        assert_eq!(heading, format!("Coupon {first}"));
        look(&browser, "coupons", width, "4-coupon").await;
        // The coupon leads back to its batch, which is in the list of batches.
        click(&browser, Locator::Css("dd a[href^='/coupons/batches/']")).await;
        let heading = text_of(&browser, Locator::Css("h1")).await;
        assert_eq!(heading, format!("Coupon batch: Spring {width}"));
        look(&browser, "coupons", width, "5-batch").await;
        click(&browser, Locator::LinkText("All batches")).await;
        look(&browser, "coupons", width, "6-batches").await;
    }
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}

/// Generates a batch of `count` codes named `name` for `offer` and waits for it; its id.
async fn generate(app: &TestApp, client: &TestClient, offer: i64, name: &str, count: &str) -> i64 {
    let offer = offer.to_string();
    let made = client
        .post_form(
            "/coupons/batches",
            &[
                ("name", name),
                ("count", count),
                ("prefix", "flyer-"),
                ("offer_id", &offer),
                ("maximum_use", ""),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let batch = app.count("SELECT max(id) AS n FROM coupon_batches");
    // Waits for the run itself: it holds this lock until it has finished.
    app.sql(&format!("SELECT pg_advisory_lock(7304, {batch}::int)"));
    batch
}

#[actix_web::test]
async fn a_batch_is_found_again_kept_out_of_the_coupon_list_and_switched_off_in_one_action() {
    let (app, till) = shop().await;
    let offer = coupons::offer(&app);
    coupons::make(&app, offer, "WELCOME10", 0);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    // A new coupon starts with no limit.
    marketing
        .get("/coupons/new")
        .await
        .assert_contains(r#"name="maximum_use" type="number" min="0" value="""#);
    let batch = generate(&app, &marketing, offer, "Spring flyer", "12").await;

    let list = marketing.get("/coupons/batches").await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_contains(&format!(
        r#"<a href="/coupons/batches/{batch}">Spring flyer</a></td>"#
    ));
    list.assert_contains(r#"<td class="num">12</td>"#);
    list.assert_contains(&format!(
        r#"<a href="/coupons/batches/{batch}/codes.csv" download>CSV</a>"#
    ));
    // The offer's and the coupon's pages lead back to it.
    let offer_page = marketing.get(&format!("/offers/{offer}")).await;
    offer_page.assert_contains(&format!(r#"href="/coupons/batches?offer={offer}""#));
    let by_offer = marketing
        .get(&format!("/coupons/batches?offer={offer}"))
        .await;
    by_offer.assert_contains("Spring flyer");
    let code = app.text(&format!(
        "SELECT min(code) AS t FROM coupons WHERE batch_id = {batch}"
    ));
    let coupon = app.count(&format!(
        "SELECT id AS n FROM coupons WHERE code = '{code}'"
    ));
    marketing
        .get(&format!("/coupons/{coupon}"))
        .await
        .assert_contains(&format!(r#"<a href="/coupons/batches/{batch}">"#));

    // The coupon list shows the hand-made coupons unless asked for the generated ones.
    let list = marketing.get("/coupons").await;
    list.assert_contains("WELCOME10");
    list.assert_lacks(&code);
    let generated = marketing.get("/coupons?made=batch").await;
    generated.assert_contains(&code);
    generated.assert_lacks("WELCOME10");
    marketing
        .get(&format!("/coupons?batch={batch}"))
        .await
        .assert_contains(&code);

    // The CSV carries the offer's dates where the codes have none, and its title.
    let csv = marketing
        .get(&format!("/coupons/batches/{batch}/codes.csv"))
        .await;
    assert!(
        csv.body.contains(&format!(
            "{code},Spring flyer,Tees 10% coupon,2026-01-01,,0"
        )),
        "{}",
        csv.body
    );

    // Disable the whole batch: one audited action, and the till refuses its codes.
    let body = sale(
        &till,
        &Uuid::new_v4().to_string(),
        1,
        None,
        &[code.as_str()],
    )
    .await;
    let off = marketing
        .post_form(&format!("/coupons/batches/{batch}/disable"), &[])
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    let page = marketing.get(&format!("/coupons/batches/{batch}")).await;
    page.assert_contains("Disabled 12 codes of batch Spring flyer.");
    page.assert_contains(r#"<dd id="batch-disabled">12 of 12 codes</dd>"#);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM coupons WHERE batch_id = {batch} AND disabled"
        )),
        12
    );
    assert_eq!(
        app.text(&format!(
            "SELECT action || ' ' || (after->>'coupons') AS t FROM audit_log \
             WHERE entity = 'coupon_batch' AND entity_id = '{batch}' AND action <> 'create' \
             AND action <> 'export'"
        )),
        "disable 12"
    );
    assert_eq!(
        till.post("/api/v1/invoices", &body).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let on = marketing
        .post_form(&format!("/coupons/batches/{batch}/enable"), &[])
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.body);
    assert_eq!(
        till.post("/api/v1/invoices", &body).await.status,
        StatusCode::CREATED
    );

    // A store supervisor has no coupon pages; a reader sees the batches, not their codes.
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    assert_eq!(
        supervisor.get("/coupons/batches").await.status,
        StatusCode::FORBIDDEN
    );
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let seen = hq.get("/coupons/batches").await;
    assert_eq!(seen.status, StatusCode::OK);
    seen.assert_lacks("codes.csv");
    assert_eq!(
        hq.post_form(&format!("/coupons/batches/{batch}/disable"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
