//! The offer and campaign pages: marketing sets up offers through the editor (each rule refused
//! with its message next to its field), an edit keeps version 1 and makes version 2, Copy,
//! Disable, the list's filters and overlap warning, campaigns with their budget bar and overrun,
//! and who may do what. In Chromium: the editor shows the fields Apply On and Offer Type use.

use fantoccini::Locator;
use patron_rules::users::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;

use crate::browser::{Driver, open_browser, sign_in, text_of};
use crate::common::{TestApp, TestClient};

pub(crate) type Form = Vec<(String, String)>;

fn company(app: &TestApp) -> i64 {
    patron::stores::model::first_company(&mut app.conn()).unwrap()
}

/// Items X-1 and Y-1 in item group Shirts; returns Shirts' id.
fn catalogue(app: &TestApp) -> i64 {
    company(app);
    let mut conn = app.conn();
    let root = patron::catalog::model::root_item_group_id(&mut conn).unwrap();
    let shirts = patron::catalog::model::insert_item_group(
        &mut conn,
        &patron::catalog::model::ItemGroupFields {
            name: "Shirts".into(),
            parent_id: Some(root),
        },
    )
    .unwrap()
    .id;
    for (code, name) in [("X-1", "Shirt X"), ("Y-1", "Shirt Y")] {
        patron::catalog::model::insert(
            &mut conn,
            &patron::catalog::model::ItemFields {
                item_code: code.into(),
                name: name.into(),
                item_group_id: shirts,
                brand_id: None,
                standard_rate: Decimal::from(25),
                unit: "Nos".into(),
            },
        )
        .unwrap();
    }
    shirts
}

/// An Item Price offer of 10 % on X-1, auto, from 2026-01-01, with `changes` applied.
pub(crate) fn offer(app: &TestApp, title: &str, changes: &[(&str, &str)]) -> Form {
    let company = company(app).to_string();
    let mut form: Form = [
        ("title", title),
        ("description", ""),
        ("company_id", company.as_str()),
        ("apply_on", "item_code"),
        ("apply_on_item", "X-1"),
        ("offer_type", "item_price"),
        ("discount_type", "percentage"),
        ("discount_percentage", "10"),
        ("valid_from", "2026-01-01"),
        ("applies", "auto"),
        ("priority", "10"),
        ("pos_profile_id", ""),
        ("warehouse", ""),
        ("customer_group_id", ""),
        ("campaign_id", ""),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (field, value) in changes {
        form.retain(|(k, _)| k != field);
        form.push(((*field).to_owned(), (*value).to_owned()));
    }
    form
}

pub(crate) async fn post(
    client: &TestClient,
    path: &str,
    form: &[(String, String)],
) -> crate::common::Page {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.post_form(path, &fields).await
}

/// Creates an offer through the page; returns its id.
async fn create(client: &TestClient, form: &Form) -> i64 {
    let page = post(client, "/offers", form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location()
        .unwrap()
        .trim_start_matches("/offers/")
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn each_rule_of_the_editor_is_refused_with_its_message_next_to_the_field() {
    let app = TestApp::spawn().await;
    catalogue(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // (what changes, the field refused, its message)
    type Case = (
        Vec<(&'static str, &'static str)>,
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            vec![("apply_on", "transaction"), ("min_amount", "100")],
            "offer_type",
            "Transaction cannot take Item Price",
        ),
        (
            vec![("apply_on", "transaction"), ("offer_type", "grand_total")],
            "min_amount",
            "needs a Min Amount above 0",
        ),
        (
            vec![("offer_type", "give_product"), ("replace", "none")],
            "given_qty",
            "Give Product needs a Given Qty above 0.",
        ),
        (
            vec![
                ("offer_type", "give_product"),
                ("replace", "none"),
                ("given_qty", "1"),
            ],
            "given_item",
            "Choose the Given Item",
        ),
        (
            vec![("offer_type", "loyalty_point")],
            "loyalty_points",
            "Loyalty Point needs Loyalty Points above 0.",
        ),
        (
            vec![("applies", "")],
            "applies",
            "Choose Auto or Coupon Based.",
        ),
        (
            vec![("valid_upto", "2025-12-31")],
            "valid_upto",
            "Valid Upto cannot be before Valid From.",
        ),
        (
            vec![("discount_percentage", "120")],
            "discount_percentage",
            "Enter a Discount Percentage from 0 to 100.",
        ),
        (
            vec![("min_amount", "10.005")],
            "min_amount",
            "The company&#39;s currency takes at most 2 decimals: round the Min Amount.",
        ),
        (
            vec![("min_qty", "5"), ("max_qty", "2")],
            "max_qty",
            "Max Qty cannot be below Min Qty.",
        ),
        (
            vec![("apply_on_item", "NOPE")],
            "apply_on_item",
            "There is no item with code NOPE.",
        ),
        (
            vec![("pos_profile_id", "999999")],
            "pos_profile_id",
            "Choose a store of the offer&#39;s company.",
        ),
        (vec![("title", "")], "title", "Enter the Title."),
    ];
    for (changes, field, message) in cases {
        let page = post(&marketing, "/offers", &offer(&app, "Winter", &changes)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{changes:?}");
        page.assert_contains(&format!(r#"<p class="field-error" id="f-{field}-error">"#));
        let at = page
            .body
            .find(&format!(r#"id="f-{field}-error">"#))
            .unwrap();
        assert!(
            page.body[at..].contains(message),
            "{changes:?}: {}",
            &page.body[at..(at + 300).min(page.body.len())]
        );
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM offers"), 0);

    // A title is unique per company.
    create(&marketing, &offer(&app, "Winter", &[])).await;
    let page = post(&marketing, "/offers", &offer(&app, "winter", &[])).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Another offer of the company is called winter.");
}

#[actix_web::test]
async fn an_edit_keeps_version_one_and_copy_and_disable_work() {
    let app = TestApp::spawn().await;
    catalogue(&app);
    let (marketing, user) = app.signed_in(Role::Marketing).await;
    let id = create(&marketing, &offer(&app, "Winter 10%", &[])).await;
    let page = marketing.get(&format!("/offers/{id}")).await;
    page.assert_contains("Created offer Winter 10%.");
    page.assert_contains("Item Code Shirt X (X-1)");

    let edit = marketing.get(&format!("/offers/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    edit.assert_contains(r#"value="X-1""#);
    edit.assert_contains(r#"readonly"#);
    let page = post(
        &marketing,
        &format!("/offers/{id}"),
        &offer(&app, "Winter 20%", &[("discount_percentage", "20")]),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = marketing.get(&format!("/offers/{id}")).await;
    page.assert_contains("Saved offer Winter 20% (version 2).");
    page.assert_contains(&format!(
        r#"<a href="/offers/{id}/versions/1">Version 1</a>"#
    ));
    page.assert_contains(&format!(
        r#"<a href="/offers/{id}/versions/2">Version 2</a>"#
    ));
    page.assert_contains(&user.name);
    page.assert_contains("20%");
    let old = marketing.get(&format!("/offers/{id}/versions/1")).await;
    old.assert_contains("Winter 10%, version 1");
    old.assert_contains("10%");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'offer' AND entity_id = '{id}'"
        )),
        2
    );

    // Copy: a new offer prefilled, titled "Copy of …", saved only when created.
    let copy = marketing.get(&format!("/offers/new?copy={id}")).await;
    copy.assert_contains(r#"value="Copy of Winter 20%""#);
    copy.assert_contains(r#"value="X-1""#);
    let copy_id = create(&marketing, &offer(&app, "Copy of Winter 20%", &[])).await;
    assert_ne!(copy_id, id);

    // Disable makes a version 3 that is disabled; the list's Disabled filter finds it.
    let page = marketing
        .post_form(&format!("/offers/{id}/disable"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = marketing.get(&format!("/offers/{id}")).await;
    page.assert_contains("Offer Winter 20% disabled.");
    page.assert_contains(">Enable</button>");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM offer_versions WHERE offer_id = {id} AND disabled"
        )),
        1
    );
    let list = marketing.get("/offers?status=disabled").await;
    list.assert_contains(">Winter 20%</a><br>");
    list.assert_lacks(">Copy of Winter 20%</a><br>");
}

#[actix_web::test]
async fn the_list_filters_and_warns_of_competing_offers() {
    let app = TestApp::spawn().await;
    catalogue(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    create(&marketing, &offer(&app, "Shirt X 10%", &[])).await;
    create(
        &marketing,
        &offer(
            &app,
            "All shirts 15%",
            &[("apply_on", "item_group"), ("apply_on_group", "Shirts")],
        ),
    )
    .await;
    create(
        &marketing,
        &offer(
            &app,
            "Big basket",
            &[
                ("apply_on", "transaction"),
                ("offer_type", "grand_total"),
                ("min_amount", "200"),
            ],
        ),
    )
    .await;
    create(
        &marketing,
        &offer(&app, "Next year", &[("valid_from", "2099-01-01")]),
    )
    .await;
    create(
        &marketing,
        &offer(
            &app,
            "Spring",
            &[("valid_from", "2020-03-01"), ("valid_upto", "2020-05-31")],
        ),
    )
    .await;

    let list = marketing.get("/offers").await;
    list.assert_contains("Offers that compete for the same items.");
    list.assert_contains(">Shirt X 10%</a> and <a");
    let by = |query: &str| {
        let marketing = &marketing;
        let query = query.to_owned();
        async move { marketing.get(&format!("/offers?{query}")).await }
    };
    let page = by("apply_on=transaction").await;
    page.assert_contains(">Big basket</a><br>");
    page.assert_lacks(">Shirt X 10%</a><br>");
    let page = by("offer_type=grand_total").await;
    page.assert_contains(">Big basket</a><br>");
    page.assert_lacks(">Spring</a><br>");
    let page = by("status=scheduled").await;
    page.assert_contains(">Next year</a><br>");
    page.assert_lacks(">Big basket</a><br>");
    let page = by("status=expired").await;
    page.assert_contains(">Spring</a><br>");
    page.assert_lacks(">Next year</a><br>");
    let page = by("status=active&q=shirt").await;
    page.assert_contains(">Shirt X 10%</a><br>");
    page.assert_contains(">All shirts 15%</a><br>");
    page.assert_lacks(">Spring</a><br>");
    let fragment = marketing.get_fragment("/offers?q=basket").await;
    assert!(!fragment.body.contains("<html"));
    fragment.assert_contains(">Big basket</a><br>");

    // The offer page names the offer it competes with.
    let id = app.count("SELECT id AS n FROM offers WHERE title = 'Shirt X 10%'");
    let page = marketing.get(&format!("/offers/{id}")).await;
    page.assert_contains("Competes for the same items with:");
    page.assert_contains(">All shirts 15%</a>");

    // The 30-day figures read invoice_offers by its index.
    app.assert_indexed(&[(
        "SELECT io.offer_id, count(*), sum(io.discount) FROM invoice_offers io \
         JOIN invoices i ON i.id = io.invoice_id WHERE io.offer_id = ANY('{1,2}') \
         AND i.status <> 'cancelled' GROUP BY io.offer_id",
        "invoice_offers_offer_idx",
    )]);
}

#[actix_web::test]
async fn a_campaign_shows_its_offers_and_the_budget_bar_with_the_overrun() {
    let app = TestApp::spawn().await;
    catalogue(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let company = company(&app).to_string();
    let campaign = |name: &str, budget: &str| -> Form {
        [
            ("company_id", company.as_str()),
            ("name", name),
            ("description", "Deals all weekend"),
            ("start_date", "2026-11-27"),
            ("end_date", ""),
            ("active", "on"),
            ("budget", budget),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    };
    let page = post(&marketing, "/campaigns", &campaign("Black Friday", "-5")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        r#"<p class="field-error" id="f-budget-error">The Budget cannot be negative.</p>"#,
    );
    let page = post(&marketing, "/campaigns", &campaign("Black Friday", "1,000")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = app.count("SELECT id AS n FROM campaigns WHERE name = 'Black Friday'");
    marketing
        .get(&format!("/campaigns/{id}"))
        .await
        .assert_contains("Created campaign Black Friday.");
    let page = post(&marketing, "/campaigns", &campaign("black friday", "")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Another campaign of the company is called black friday.");

    create(
        &marketing,
        &offer(
            &app,
            "BF shirts",
            &[
                ("campaign_id", &id.to_string()),
                ("valid_from", "2026-11-27"),
            ],
        ),
    )
    .await;
    app.sql(&format!(
        "UPDATE campaigns SET discount_given = 250 WHERE id = {id}"
    ));
    let page = marketing.get(&format!("/campaigns/{id}")).await;
    page.assert_contains(r#"<progress id="campaign-budget" max="100" value="25">"#);
    page.assert_contains("Discount given: $250.00 of $1,000.00");
    page.assert_contains(">BF shirts</a>");
    page.assert_lacks("Over budget");

    app.sql(&format!(
        "UPDATE campaigns SET discount_given = 1200 WHERE id = {id}"
    ));
    let page = marketing.get(&format!("/campaigns/{id}")).await;
    page.assert_contains(r#"value="100""#);
    page.assert_contains("Over budget by $200.00");
    let list = marketing.get("/campaigns").await;
    list.assert_contains("$200.00 over budget");
    let offers = marketing.get(&format!("/offers?campaign={id}")).await;
    offers.assert_contains(">BF shirts</a>");

    // Never deleted: Active off, audited.
    let mut off = campaign("Black Friday", "1000");
    off.retain(|(k, _)| k != "active");
    let page = post(&marketing, &format!("/campaigns/{id}"), &off).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    marketing
        .get(&format!("/campaigns/{id}"))
        .await
        .assert_contains("badge-inactive");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE entity = 'campaign'"),
        2
    );
    let home = marketing.get("/").await;
    home.assert_contains("offers active today");
}

#[actix_web::test]
async fn a_supervisor_may_not_and_a_reader_may_only_read() {
    let app = TestApp::spawn().await;
    catalogue(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let id = create(&marketing, &offer(&app, "Winter", &[])).await;
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    for path in [
        "/offers".to_owned(),
        "/offers/new".to_owned(),
        format!("/offers/{id}"),
        format!("/offers/{id}/edit"),
        "/campaigns".to_owned(),
        "/campaigns/new".to_owned(),
    ] {
        assert_eq!(
            supervisor.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let page = post(&supervisor, "/offers", &offer(&app, "Mine", &[])).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = supervisor
        .post_form(&format!("/offers/{id}/disable"), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    marketing
        .get("/")
        .await
        .assert_contains(r#"href="/offers""#);
    supervisor.get("/").await.assert_lacks(r#"href="/offers""#);
}

#[actix_web::test]
async fn without_javascript_update_fields_shows_the_fields_of_the_new_choices() {
    let app = TestApp::spawn().await;
    catalogue(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get("/offers/new").await;
    for label in [
        r#"<label for="f-title">Title"#,
        r#"<label for="f-company_id">Company"#,
        r#"<label for="f-apply_on">Apply On"#,
        r#"<label for="f-offer_type">Offer Type"#,
        r#"<label for="f-apply_on_item">Item Code"#,
        r#"<label for="f-discount_percentage">Discount Percentage"#,
        r#"<label for="f-rate">Rate"#,
        r#"<label for="f-pos_profile_id">POS Profile"#,
        r#"<label for="f-warehouse">Warehouse"#,
        r#"<label for="f-customer_group_id">Customer Group"#,
        r#"<label for="f-min_qty">Min Qty"#,
        r#"<label for="f-valid_upto">Valid Upto"#,
        r#"<label for="f-campaign_id">Campaign"#,
        r#"<label for="f-priority">Priority"#,
        r#"<label for="f-disabled">Disable"#,
        "Coupon Based",
        r#"name="refresh""#,
    ] {
        page.assert_contains(label);
    }
    page.assert_lacks(r#"id="f-given_qty""#);
    let page = post(
        &marketing,
        "/offers",
        &offer(
            &app,
            "Free socks",
            &[
                ("apply_on", "brand"),
                ("offer_type", "give_product"),
                ("refresh", "1"),
            ],
        ),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"<label for="f-apply_on_brand">Brand"#);
    page.assert_contains(r#"<label for="f-given_qty">Given Qty"#);
    page.assert_lacks(r#"id="f-discount_percentage""#);
    page.assert_lacks(r#"id="f-apply_on_item""#);
    assert_eq!(app.count("SELECT count(*) AS n FROM offers"), 0);
}

/// Saves a screenshot `offers-WIDTH-STEP.png` under target/screenshots and asserts that the
/// page is no wider than the window.
pub(crate) async fn look(browser: &fantoccini::Client, width: u32, step: &str) {
    crate::browser::save_screenshot(browser, &format!("offers-{width}-{step}")).await;
    crate::browser::assert_fits(browser, &format!("{step} at {width} px")).await;
}

#[actix_web::test]
async fn the_editor_swaps_fields_when_apply_on_and_offer_type_change_in_a_browser() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    catalogue(&app);
    let user = app.user(Role::Marketing);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    browser
        .goto(&format!("{}/offers/new", app.base))
        .await
        .unwrap();
    assert_eq!(
        text_of(&browser, Locator::Css("label[for=f-apply_on_item]")).await,
        "Item Code *"
    );
    let choose = |select: &'static str, value: &'static str| {
        let browser = browser.clone();
        async move {
            browser
                .find(Locator::Css(&format!("#{select} option[value={value}]")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
    };
    choose("f-apply_on", "item_group").await;
    assert_eq!(
        text_of(&browser, Locator::Css("label[for=f-apply_on_group]")).await,
        "Item Group *"
    );
    assert!(
        browser
            .find(Locator::Css("#f-apply_on_item"))
            .await
            .is_err()
    );
    choose("f-offer_type", "give_product").await;
    assert_eq!(
        text_of(&browser, Locator::Css("label[for=f-given_qty]")).await,
        "Given Qty"
    );
    assert!(
        browser
            .find(Locator::Css("#f-discount_percentage"))
            .await
            .is_err()
    );
    choose("f-offer_type", "loyalty_point").await;
    assert_eq!(
        text_of(&browser, Locator::Css("label[for=f-loyalty_points]")).await,
        "Loyalty Points"
    );

    // Every page of the area at a laptop's and a phone's width: nothing scrolls sideways.
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let company = company(&app).to_string();
    let form: Form = [
        ("company_id", company.as_str()),
        ("name", "Black Friday"),
        ("start_date", "2026-11-27"),
        ("active", "on"),
        ("budget", "1000"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(
        post(&marketing, "/campaigns", &form).await.status,
        StatusCode::SEE_OTHER
    );
    let campaign = app.count("SELECT id AS n FROM campaigns");
    app.sql("UPDATE campaigns SET discount_given = 1150");
    let id = create(
        &marketing,
        &offer(
            &app,
            "Shirt X 10%",
            &[
                ("campaign_id", &campaign.to_string()),
                ("valid_from", "2026-11-27"),
            ],
        ),
    )
    .await;
    create(
        &marketing,
        &offer(
            &app,
            "All shirts with a rather long title to wrap",
            &[("apply_on", "item_group"), ("apply_on_group", "Shirts")],
        ),
    )
    .await;
    for width in [1366, 390] {
        browser.set_window_size(width, 900).await.unwrap();
        for (step, path) in [
            ("list", "/offers".to_owned()),
            ("new", "/offers/new".to_owned()),
            ("offer", format!("/offers/{id}")),
            ("edit", format!("/offers/{id}/edit")),
            ("version", format!("/offers/{id}/versions/1")),
            ("campaigns", "/campaigns".to_owned()),
            ("campaign", format!("/campaigns/{campaign}")),
            ("campaign-form", format!("/campaigns/{campaign}/edit")),
            ("home", "/".to_owned()),
        ] {
            crate::browser::open_page(&browser, &format!("{}{path}", app.base)).await;
            look(&browser, width, step).await;
        }
    }
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}

#[actix_web::test]
async fn an_offer_in_a_campaign_takes_its_dates_and_status_and_cheapest_item_needs_no_given_item() {
    let app = TestApp::spawn().await;
    catalogue(&app);
    let company = company(&app);
    app.sql(&format!(
        "INSERT INTO campaigns (company_id, name, start_date, end_date) \
         VALUES ({company}, 'Spring sale', '2027-03-01', '2027-05-31')"
    ));
    let spring = app.count("SELECT id AS n FROM campaigns");
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // The campaign's page starts a new offer in it, with its dates.
    let page = marketing.get(&format!("/campaigns/{spring}")).await;
    page.assert_contains(&format!(
        r#"href="/offers/new?campaign={spring}">New offer in this campaign</a>"#
    ));
    let form = marketing
        .get(&format!("/offers/new?campaign={spring}"))
        .await;
    form.assert_contains(r#"value="2027-03-01""#);
    form.assert_contains(r#"value="2027-05-31""#);
    form.assert_contains(&format!(
        r#"<option value="{spring}" selected>Spring sale</option>"#
    ));

    // Dates outside the campaign's are told by their fields.
    let spring_id = spring.to_string();
    for (changes, field, message) in [
        (
            vec![("valid_from", "2027-02-28"), ("valid_upto", "2027-05-31")],
            "valid_from",
            "The campaign Spring sale starts on 1 Mar 2027: the offer cannot start before it.",
        ),
        (
            vec![("valid_from", "2027-03-01"), ("valid_upto", "2027-06-01")],
            "valid_upto",
            "The campaign Spring sale ends on 31 May 2027: the offer cannot run past it.",
        ),
        (
            vec![("valid_from", "2027-03-01"), ("valid_upto", "")],
            "valid_upto",
            "The campaign Spring sale ends on 31 May 2027: give the offer a Valid Upto by then.",
        ),
    ] {
        let mut changes = changes;
        changes.push(("campaign_id", spring_id.as_str()));
        let page = post(&marketing, "/offers", &offer(&app, "Spring tees", &changes)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{changes:?}");
        let at = page
            .body
            .find(&format!(r#"id="f-{field}-error">"#))
            .unwrap_or_else(|| panic!("{changes:?}: no error at {field}"));
        assert!(page.body[at..].contains(message), "{changes:?}");
    }
    create(
        &marketing,
        &offer(
            &app,
            "Spring tees",
            &[
                ("valid_from", "2027-03-01"),
                ("valid_upto", "2027-05-31"),
                ("campaign_id", spring_id.as_str()),
            ],
        ),
    )
    .await;

    // One status rule: the campaign starts in March, so it and its offers read Scheduled, even
    // an offer whose own days began long ago.
    let always = create(&marketing, &offer(&app, "Always 10%", &[])).await;
    app.sql(&format!(
        "UPDATE offer_versions SET campaign_id = {spring} WHERE offer_id = {always}"
    ));
    let badge = |status: &str| format!(r#"<span class="badge badge-warning">{status}</span>"#);
    let page = marketing.get(&format!("/campaigns/{spring}")).await;
    page.assert_contains(&format!("<h1>Spring sale {}</h1>", badge("Scheduled")));
    page.assert_lacks("badge-active");
    let page = marketing.get(&format!("/offers/{always}")).await;
    page.assert_contains(&format!("Always 10% {}", badge("Scheduled")));
    let scheduled = marketing.get("/offers?status=scheduled").await;
    scheduled.assert_contains(">Always 10%</a><br>");
    scheduled.assert_contains(">Spring tees</a><br>");
    marketing
        .get("/offers?status=active")
        .await
        .assert_lacks(">Always 10%</a><br>");
    // A campaign switched off switches its offers off.
    app.sql(&format!(
        "UPDATE campaigns SET active = false WHERE id = {spring}"
    ));
    let page = marketing.get(&format!("/offers/{always}")).await;
    page.assert_contains(r#"Always 10% <span class="badge badge-inactive">Disabled</span>"#);
    marketing
        .get("/offers?status=disabled")
        .await
        .assert_contains(">Always 10%</a><br>");

    // Cheapest Item makes the cheapest bought units free: no Given Item to choose.
    create(
        &marketing,
        &offer(
            &app,
            "Cheapest shirt free",
            &[
                ("offer_type", "give_product"),
                ("min_qty", "3"),
                ("given_qty", "1"),
                ("replace", "cheapest_item"),
            ],
        ),
    )
    .await;
}
