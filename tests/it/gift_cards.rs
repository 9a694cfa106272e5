//! The gift card pages: issuing a card (a number made or typed, a customer from the picker), the
//! list's search and status filter, and what people do on a card's page — top up, adjust with a
//! reason, disable and enable — each in its ledger and the audit log.

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::gift_cards::{balance_and_ledger, issue};
use crate::common::shop::shop;

#[actix_web::test]
async fn marketing_issues_a_card_for_a_customer_and_finds_it_by_number_or_name() {
    let (app, _) = shop().await;
    let (marketing, user) = app.signed_in(Role::Marketing).await;

    let form = marketing.get("/gift-cards/new?customer=CUST-00002").await;
    assert_eq!(form.status, StatusCode::OK);
    for label in [
        r#"<label for="f-number">Card Number</label>"#,
        r#"<label for="f-initial_value">Initial Value"#,
        r#"<label for="f-customer">Customer</label>"#,
        r#"<label for="f-valid_upto">Valid Upto</label>"#,
        r#"hx-get="/customers/options""#,
        r#"value="CUST-00002""#,
    ] {
        form.assert_contains(label);
    }

    let issued = marketing
        .post_form(
            "/gift-cards",
            &[
                (
                    "company_id",
                    &crate::common::offers::company(&app, "NORTH").to_string(),
                ),
                ("number", ""),
                ("initial_value", "$50"),
                ("customer", "CUST-00002 · Ana Lima"),
                ("valid_upto", "2027-12-31"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.body);
    let href = issued.location().unwrap().to_owned();
    let number = app.text("SELECT number AS t FROM gift_cards");
    let grouped = patron_rules::gift_cards::grouped(&number);

    let card = marketing.get(&href).await;
    assert_eq!(card.status, StatusCode::OK);
    card.assert_contains(&format!("Issued gift card {grouped} with $50.00."));
    card.assert_contains(r#"<span class="value" id="card-balance">$50.00</span>"#);
    card.assert_contains(r#"id="card-status">Active</span>"#);
    card.assert_contains(">Ana Lima</a>");
    card.assert_contains(r#"<dd id="card-valid-upto">31 Dec 2027</dd>"#);
    card.assert_contains("<td>Issued</td>");
    card.assert_contains(&format!("by {} at HQ", user.email));
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'gift_card' AND action = 'create' \
             AND after->>'balance' = '50.0000'"
        ),
        1
    );

    issue(&app, "CARD2345ABCDEFGH", "10", None, Some("2026-11-30"));
    let list = marketing.get("/gift-cards").await;
    list.assert_contains(&grouped);
    list.assert_contains("CARD 2345 ABCD EFGH");
    for (query, shows, hides) in [
        (
            format!("q={}", &number[..6].to_lowercase()),
            grouped.as_str(),
            "CARD 2345",
        ),
        ("q=card 2345".to_owned(), "CARD 2345", grouped.as_str()),
        ("q=Lima".to_owned(), grouped.as_str(), "CARD 2345"),
        ("status=expired".to_owned(), "CARD 2345", grouped.as_str()),
        ("status=active".to_owned(), grouped.as_str(), "CARD 2345"),
    ] {
        let rows = marketing
            .get_fragment(&format!("/gift-cards?{query}"))
            .await;
        assert_eq!(rows.status, StatusCode::OK);
        rows.assert_lacks("<html");
        rows.assert_contains(shows);
        rows.assert_lacks(hides);
    }
    marketing
        .get("/gift-cards?q=nobody-at-all")
        .await
        .assert_contains("No gift cards match.");
}

#[actix_web::test]
async fn the_issue_form_says_what_is_wrong_next_to_each_field() {
    let (app, _) = shop().await;
    issue(&app, "CARD2345ABCDEFGH", "10", None, None);
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let company = crate::common::offers::company(&app, "NORTH").to_string();
    let refused = hq
        .post_form(
            "/gift-cards",
            &[
                ("company_id", &company),
                ("number", "card-2345-abcd-efgh"),
                ("initial_value", "0"),
                ("customer", "CUST-09999"),
                ("valid_upto", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains(r#"<p class="field-error" id="f-initial_value-error">The amount must be more than zero.</p>"#);
    refused.assert_contains(
        r#"<p class="field-error" id="f-valid_upto-error">Valid Upto cannot be in the past.</p>"#,
    );
    refused.assert_contains(r#"value="card-2345-abcd-efgh""#);

    let taken = hq
        .post_form(
            "/gift-cards",
            &[
                ("company_id", &company),
                ("number", "card-2345-abcd-efgh"),
                ("initial_value", "10"),
                ("customer", "CUST-09999"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    taken.assert_contains(
        r#"<p class="field-error" id="f-number-error">Another gift card has this number.</p>"#,
    );
    taken.assert_contains(
        r#"<p class="field-error" id="f-customer-error">No customer has the code CUST-09999.</p>"#,
    );

    let bad = hq
        .post_form(
            "/gift-cards",
            &[
                ("company_id", &company),
                ("number", "CARD0"),
                ("initial_value", "ten"),
            ],
        )
        .await;
    bad.assert_contains("(no 0, O, 1, I or L): 0 is not one of them.");
    bad.assert_contains("Enter the Initial Value as a number, like 25.00.");
    assert_eq!(app.count("SELECT count(*) AS n FROM gift_cards"), 1);
}

#[actix_web::test]
async fn top_ups_adjustments_and_disabling_each_leave_a_ledger_entry_and_an_audit_entry() {
    let (app, _) = shop().await;
    let id = issue(&app, "CARD2345ABCDEFGH", "20.00", None, None);
    let (marketing, user) = app.signed_in(Role::Marketing).await;
    let card = format!("/gift-cards/{id}");
    marketing.get(&card).await;

    let topped = marketing
        .post_form(
            &format!("{card}/top-up"),
            &[("amount", "15"), ("note", "Receipt 42")],
        )
        .await;
    assert_eq!(topped.status, StatusCode::SEE_OTHER);
    let page = marketing.get(&card).await;
    page.assert_contains("Topped up CARD 2345 ABCD EFGH by $15.00: the balance is $35.00.");
    page.assert_contains("<td>Top-up</td>");
    page.assert_contains("<td>Receipt 42</td>");

    let too_much = marketing
        .post_form(
            &format!("{card}/adjust"),
            &[("amount", "-40"), ("note", "")],
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    too_much.assert_contains(r#"<p class="field-error" id="adjust-amount-error">The balance is $35.00: an adjustment can take away at most that.</p>"#);
    too_much.assert_contains(r#"<p class="field-error" id="adjust-note-error">Say why: the reason is kept in the card&#39;s ledger.</p>"#);
    too_much.assert_contains(r#"<span class="value" id="card-balance">$35.00</span>"#);

    let adjusted = marketing
        .post_form(
            &format!("{card}/adjust"),
            &[("amount", "-5"), ("note", "Damaged card")],
        )
        .await;
    assert_eq!(adjusted.status, StatusCode::SEE_OTHER);

    let disabled = marketing.post_form(&format!("{card}/disable"), &[]).await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    let page = marketing.get(&card).await;
    page.assert_contains(r#"id="card-status">Disabled</span>"#);
    page.assert_contains("A disabled card takes no top-ups: enable it first.");
    let refused = marketing
        .post_form(&format!("{card}/top-up"), &[("amount", "5")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("A disabled card takes no top-ups: enable it first.");
    assert_eq!(
        marketing
            .post_form(&format!("{card}/enable"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    marketing
        .get(&card)
        .await
        .assert_contains(r#"id="card-status">Active</span>"#);

    assert_eq!(
        balance_and_ledger(&app, "CARD2345ABCDEFGH"),
        ("30.0000".into(), "30.0000".into())
    );
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg(action, ' ' ORDER BY id) AS t FROM audit_log \
             WHERE entity = 'gift_card' AND entity_id = '{id}' AND actor_id = {}",
            user.id
        )),
        "top_up adjust deactivate reactivate"
    );
    let audit = app.signed_in(Role::Admin).await.0.get("/audit").await;
    audit.assert_contains("Gift card CARD2345ABCDEFGH");
    audit.assert_contains("Adjusted");
}

#[actix_web::test]
async fn a_store_supervisor_may_not_open_gift_cards() {
    let (app, _) = shop().await;
    let id = issue(&app, "CARD2345ABCDEFGH", "20.00", None, None);
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    for path in [
        "/gift-cards",
        "/gift-cards/new",
        &format!("/gift-cards/{id}"),
    ] {
        assert_eq!(
            supervisor.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let top_up = supervisor
        .post_form(&format!("/gift-cards/{id}/top-up"), &[("amount", "5")])
        .await;
    assert_eq!(top_up.status, StatusCode::FORBIDDEN);
    assert_eq!(balance_and_ledger(&app, "CARD2345ABCDEFGH").0, "20.0000");
}

#[actix_web::test]
async fn in_a_browser_a_card_is_issued_paid_with_and_topped_up_and_no_page_is_wider_than_the_screen()
 {
    use fantoccini::Locator;

    use crate::browser::{Driver, click, open_browser, sign_in, text_of, type_into};
    use crate::stories::look;

    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, till) = shop().await;
    issue(
        &app,
        "EXPD2345ABCDEFGH",
        "15.00",
        Some("CUST-00002"),
        Some("2026-11-30"),
    );
    let user = app.user(Role::Marketing);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;

    for (n, (width, height)) in [(1280, 800), (390, 844)].into_iter().enumerate() {
        browser.set_window_size(width, height).await.unwrap();
        browser
            .goto(&format!("{}/gift-cards/new", app.base))
            .await
            .unwrap();
        type_into(&browser, "#f-initial_value", "50").await;
        type_into(&browser, "#f-customer", "CUST-00002").await;
        look(&browser, "gift-cards", width, "1-issue").await;
        click(&browser, Locator::Css("form button.btn-primary")).await;
        // The card's page, once it has come: its flash says what was issued.
        let issued = text_of(
            &browser,
            Locator::XPath(
                "//div[contains(@class, 'alert-success') and contains(., 'Issued gift card')]",
            ),
        )
        .await;
        assert!(issued.ends_with("with $50.00."), "{issued}");
        let number = app.text("SELECT number AS t FROM gift_cards ORDER BY id DESC LIMIT 1");
        let paid = till
            .post(
                "/api/v1/invoices",
                &crate::common::gift_cards::sale(
                    u32::try_from(n + 1).unwrap(),
                    "45.00",
                    serde_json::json!([
                        {"mode": "gift_card", "amount": "30.00", "card": number},
                        {"mode": "cash", "amount": "15.00"}
                    ]),
                ),
            )
            .await;
        assert_eq!(paid.status, StatusCode::CREATED, "{:?}", paid.json);

        browser.refresh().await.unwrap();
        type_into(&browser, "#top-up-amount", "5").await;
        click(
            &browser,
            Locator::XPath("//button[normalize-space()='Top up']"),
        )
        .await;
        let topped = text_of(
            &browser,
            Locator::XPath("//div[contains(@class, 'alert-success') and contains(., 'Topped up')]"),
        )
        .await;
        assert!(topped.ends_with("the balance is $25.00."), "{topped}");
        look(&browser, "gift-cards", width, "2-card").await;

        let ana = app.count("SELECT id AS n FROM customers WHERE code = 'CUST-00002'");
        for (step, path) in [
            ("3-list", "/gift-cards".to_owned()),
            ("4-customer", format!("/customers/{ana}")),
            ("5-report", "/reports/gift-cards".to_owned()),
            ("6-home", "/".to_owned()),
        ] {
            browser.goto(&format!("{}{path}", app.base)).await.unwrap();
            look(&browser, "gift-cards", width, step).await;
        }
    }
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}
