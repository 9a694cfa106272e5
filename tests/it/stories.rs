//! One story per role, walked end to end in a real headless Chromium at a laptop's width
//! (1366 px) and a phone's (390 px): no page may be wider than the screen, and each step leaves
//! a screenshot under `target/screenshots/` for anyone to look at.
//! - Store supervisor: finds a customer by part of a phone number and reads their history, then
//!   finds a customer of another store by phone, and is told when the store filter hid them.
//! - HQ manager: creates a customer, gets an error, fixes it.
//! - Marketing: creates a program with two tiers and enrols a customer.
//! - Marketing: reads Sales by Store with its chart, then its print view.

use std::path::PathBuf;

use chrono::Utc;
use fantoccini::{Client, Locator};
use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::browser::{Driver, click, open_browser, sign_in, text_of, type_into};
use crate::common::TestApp;
use crate::common::shop::{shop, two_tees_for_ana};

pub(crate) const WIDTHS: [u32; 2] = [1366, 390];

pub(crate) fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(|target| target.join("screenshots"))
        .unwrap_or_else(|| PathBuf::from("screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves a screenshot named `story-width-step.png` and asserts that the page is no wider than
/// the window (nothing scrolls sideways).
pub(crate) async fn look(browser: &Client, story: &str, width: u32, step: &str) {
    let png = browser.screenshot().await.unwrap();
    std::fs::write(
        screenshots().join(format!("{story}-{width}-{step}.png")),
        png,
    )
    .unwrap();
    let sizes = browser
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let (page, window) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
    assert!(
        page <= window,
        "{story} at {width} px, {step}: the page is {page} px wide in a {window} px window"
    );
}

async fn visible(browser: &Client, locator: Locator<'_>) -> bool {
    let element = browser.wait().for_element(locator).await.unwrap();
    element.is_displayed().await.unwrap()
}

/// Checks that the customer list's first row is `name`.
async fn first_found(browser: &Client, name: &str) {
    let found = text_of(browser, Locator::Css("#customer-results .row-link")).await;
    assert!(found.ends_with(name), "{found}");
}

/// Opens the customer list's first row and checks that it is `name`'s page.
async fn open_first_found(browser: &Client, name: &str) {
    click(browser, Locator::Css("#customer-results .row-link")).await;
    let heading = text_of(browser, Locator::Css(".customer-head h1")).await;
    assert!(heading.starts_with(name), "{heading}");
}

#[actix_web::test]
async fn a_supervisor_finds_customers_of_every_store_by_phone_and_reads_a_history() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, till) = shop().await;
    let north = app.store("NORTH");
    app.sql(&format!(
        "UPDATE customers SET mobile = '+1 555 201 7788', origin_store_id = {north} WHERE first_name = 'Ana'"
    ));
    // Customers shop in every store: Bea was created at another one.
    app.sql(&format!(
        "INSERT INTO customers (first_name, last_name, mobile, origin_store_id, customer_group_id, territory_id) \
         SELECT 'Bea', 'Souza', '+1 555 309 4411', {}, (SELECT min(id) FROM customer_groups), \
         (SELECT min(id) FROM territories)",
        app.store("SOUTH")
    ));
    let sale = two_tees_for_ana("5a1e0000-0000-4000-8000-000000000001", "S1-000777");
    let made = till.post("/api/v1/invoices", &sale).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    let user = app.user(Role::StoreSupervisor);
    app.sql(&format!(
        "UPDATE users SET store_id = {north} WHERE id = {}",
        user.id
    ));
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;

    for width in WIDTHS {
        browser.set_window_size(width, 900).await.unwrap();
        browser.goto(&format!("{}/", app.base)).await.unwrap();
        text_of(&browser, Locator::Css("#home-q")).await;
        look(&browser, "supervisor", width, "1-home").await;

        type_into(&browser, "#home-q", "7788\u{E007}").await;
        first_found(&browser, "Ana Lima").await;
        look(&browser, "supervisor", width, "2-found").await;

        open_first_found(&browser, "Ana Lima").await;
        assert!(
            visible(
                &browser,
                Locator::XPath("//div[@class='table-wrap']//td[normalize-space()='$39.98']")
            )
            .await,
            "the sale's Grand Total is on screen at {width} px"
        );
        look(&browser, "supervisor", width, "3-history").await;

        browser.goto(&format!("{}/", app.base)).await.unwrap();
        type_into(&browser, "#home-q", "309 4411\u{E007}").await;
        first_found(&browser, "Bea Souza").await;
        look(&browser, "supervisor", width, "4-another-store").await;
        open_first_found(&browser, "Bea Souza").await;
        look(&browser, "supervisor", width, "5-another-stores-customer").await;

        // Searched among their store's customers (where the home's figure leads), the empty
        // result names the store filter and clears it.
        browser
            .goto(&format!("{}/customers?store={north}&q=4411", app.base))
            .await
            .unwrap();
        let empty = text_of(&browser, Locator::Css("#customer-results td.empty")).await;
        assert!(
            empty.contains("with the store filter ‘Store NORTH’ on"),
            "{empty}"
        );
        look(&browser, "supervisor", width, "6-store-filter").await;
        click(&browser, Locator::LinkText("Clear the store filter")).await;
        first_found(&browser, "Bea Souza").await;
    }
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}

#[actix_web::test]
async fn hq_creates_a_customer_gets_an_error_and_fixes_it() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let user = app.user(Role::HqManager);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;

    for width in WIDTHS {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .goto(&format!("{}/customers/new", app.base))
            .await
            .unwrap();
        type_into(&browser, "#f-first_name", &format!("Bruno{width}")).await;
        type_into(&browser, "#f-last_name", "Costa").await;
        type_into(&browser, "#f-email", "bruno.costa@").await;
        for select in ["#f-customer_group_id", "#f-territory_id"] {
            let field = browser.find(Locator::Css(select)).await.unwrap();
            if field
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
                .is_empty()
            {
                field.select_by_index(1).await.unwrap();
            }
        }
        look(&browser, "hq", width, "1-form").await;
        click(
            &browser,
            Locator::Css("form.customer-form button.btn-primary"),
        )
        .await;

        let error = text_of(&browser, Locator::Css("#f-email-error")).await;
        assert!(!error.is_empty());
        let email = browser.find(Locator::Css("#f-email")).await.unwrap();
        assert_eq!(
            email.attr("aria-invalid").await.unwrap().as_deref(),
            Some("true")
        );
        look(&browser, "hq", width, "2-error").await;

        email.clear().await.unwrap();
        email
            .send_keys(&format!("bruno.costa.{width}@example.com"))
            .await
            .unwrap();
        click(
            &browser,
            Locator::Css("form.customer-form button.btn-primary"),
        )
        .await;
        let heading = text_of(&browser, Locator::Css(".customer-head h1")).await;
        assert!(
            heading.starts_with(&format!("Bruno{width} Costa")),
            "{heading}"
        );
        look(&browser, "hq", width, "3-created").await;
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customers WHERE last_name = 'Costa'"),
        2
    );
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}

#[actix_web::test]
async fn marketing_creates_a_program_with_two_tiers_and_enrols_a_customer() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.store("NORTH"); // and with it the company the program is for
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT x.f, 'Lima', min(g.id), min(t.id) FROM customer_groups g, territories t, \
         (VALUES ('Ana'), ('Bea')) AS x(f) GROUP BY x.f",
    );
    let user = app.user(Role::Marketing);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;

    for (width, customer) in WIDTHS.into_iter().zip(["Ana", "Bea"]) {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .goto(&format!("{}/loyalty/programs/new", app.base))
            .await
            .unwrap();
        let program = format!("Club {width}");
        type_into(&browser, "#f-name", &program).await;
        browser
            .find(Locator::Css("#f-program_type"))
            .await
            .unwrap()
            .select_by_value("multiple")
            .await
            .unwrap();
        fill_tier(&browser, 0, "Silver", "0", "1").await;
        click(
            &browser,
            Locator::XPath("//button[normalize-space()='Add tier']"),
        )
        .await;
        browser
            .wait()
            .for_element(Locator::Css(
                "#tier-rows tr:nth-child(2) input[name=tier_name]",
            ))
            .await
            .unwrap();
        fill_tier(&browser, 1, "Gold", "500", "2").await;
        look(&browser, "marketing", width, "1-program-form").await;
        click(
            &browser,
            Locator::Css("form button.btn-primary[type=submit]"),
        )
        .await;
        text_of(
            &browser,
            Locator::XPath(&format!(
                "//div[contains(@class, 'alert-success') and contains(., '{program}')]"
            )),
        )
        .await;
        look(&browser, "marketing", width, "2-program-saved").await;

        let id = app.count(&format!(
            "SELECT id AS n FROM customers WHERE first_name = '{customer}'"
        ));
        browser
            .goto(&format!("{}/customers/{id}", app.base))
            .await
            .unwrap();
        let select = browser
            .wait()
            .for_element(Locator::Css("#loyalty-panel select"))
            .await
            .unwrap();
        select.select_by_label(&program).await.unwrap();
        click(
            &browser,
            Locator::XPath("//button[normalize-space()='Enrol']"),
        )
        .await;
        let badge = text_of(&browser, Locator::Css("#loyalty-panel .badge-active")).await;
        assert_eq!(badge, program);
        look(&browser, "marketing", width, "3-enrolled").await;
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_tiers"),
        4,
        "two programs of two tiers each"
    );
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}

/// Types a tier into row `index` (0-based) of the program form's tier table.
async fn fill_tier(browser: &Client, index: usize, name: &str, min_spent: &str, factor: &str) {
    let row = index + 1;
    for (field, value) in [
        ("tier_name", name),
        ("tier_min_spent", min_spent),
        ("tier_factor", factor),
    ] {
        let input = browser
            .find(Locator::Css(&format!(
                "#tier-rows tr:nth-child({row}) input[name={field}]"
            )))
            .await
            .unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
}

#[actix_web::test]
async fn marketing_reads_sales_by_store_with_its_chart_and_prints_it() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, till) = shop().await;
    app.sql("UPDATE sales_persons SET commission_rate = 5 WHERE employee_code = 'EMP-004'");
    for (n, qty) in [(1, "2"), (2, "3")] {
        let total = if qty == "2" { "39.98" } else { "59.97" };
        let sale = json!({
            "id": format!("5a1e0000-0000-4000-8000-00000000010{n}"), "number": format!("S1-00090{n}"),
            "posted_at": Utc::now().to_rfc3339(), "customer_code": "CUST-00002", "sales_person": "EMP-004",
            "lines": [{"item_code": "TEE-BLK-M", "qty": qty, "price_list_rate": "19.99"}],
            "payments": [{"mode": "cash", "amount": total}],
            "totals": {"net_total": total, "discount_amount": "0", "grand_total": total}
        });
        let made = till.post("/api/v1/invoices", &sale).await;
        assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    }
    let user = app.user(Role::Marketing);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;

    for width in WIDTHS {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .goto(&format!("{}/reports", app.base))
            .await
            .unwrap();
        text_of(&browser, Locator::Css(".report-menu")).await;
        look(&browser, "reports", width, "1-menu").await;

        click(
            &browser,
            Locator::LinkText("Sales by Store and Sales Person"),
        )
        .await;
        let heading = text_of(&browser, Locator::Css("h1")).await;
        assert_eq!(heading, "Sales by Store and Sales Person");
        assert!(
            visible(&browser, Locator::Css(".report-chart svg")).await,
            "the day chart is on screen at {width} px"
        );
        // Diego sold 99.95: 5% commission is 5.00.
        assert!(
            visible(
                &browser,
                Locator::XPath("//table[@class='report-table']//td[normalize-space()='$5.00']")
            )
            .await,
            "the commission is on screen at {width} px"
        );
        look(&browser, "reports", width, "2-stores").await;

        let print = browser
            .find(Locator::LinkText("Print view"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        browser
            .goto(&format!("{}{}", app.base, print.replace("&amp;", "&")))
            .await
            .unwrap();
        let header = text_of(&browser, Locator::Css(".report-header")).await;
        assert!(header.contains("All stores"), "{header}");
        assert!(
            browser.find(Locator::Css(".sidebar")).await.is_err(),
            "the print view has no navigation"
        );
        look(&browser, "reports", width, "3-print").await;
    }
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}
