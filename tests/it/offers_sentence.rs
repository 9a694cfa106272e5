//! An offer read as a sentence: above its terms on the offer page, under its title in the list
//! (with what it gives and on what), and above the form, redrawn as the form is filled in. The
//! offer page names items with their code and writes days as days; a coupon based offer's page
//! starts a coupon or a batch of codes for it. In Chromium: typing in the form changes the
//! sentence, at a laptop's and a phone's width.

use fantoccini::Locator;
use patron_rules::users::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;

use crate::browser::{Driver, open_browser, sign_in, text_of, type_into};
use crate::common::TestApp;
use crate::offers_pages::post;

/// Items TEE-1 "Classic Tee" and SOCK-1 "Sport Socks" in item group Tops; returns the company.
fn catalogue(app: &TestApp) -> i64 {
    let company = patron::stores::model::first_company(&mut app.conn()).unwrap();
    let mut conn = app.conn();
    let root = patron::catalog::model::root_item_group_id(&mut conn).unwrap();
    let tops = patron::catalog::model::insert_item_group(
        &mut conn,
        &patron::catalog::model::ItemGroupFields {
            name: "Tops".into(),
            parent_id: Some(root),
        },
    )
    .unwrap()
    .id;
    for (code, name) in [("TEE-1", "Classic Tee"), ("SOCK-1", "Sport Socks")] {
        patron::catalog::model::insert(
            &mut conn,
            &patron::catalog::model::ItemFields {
                item_code: code.into(),
                name: name.into(),
                item_group_id: tops,
                brand_id: None,
                standard_rate: Decimal::from(20),
                unit: "Nos".into(),
            },
        )
        .unwrap();
    }
    company
}

/// The form of a new offer titled `title` with `fields` over a blank one.
fn form(company: i64, title: &str, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let company = company.to_string();
    let mut form: Vec<(String, String)> = [
        ("title", title),
        ("description", ""),
        ("company_id", company.as_str()),
        ("apply_on", "item_code"),
        ("offer_type", "item_price"),
        ("discount_type", "percentage"),
        ("valid_from", "2027-03-01"),
        ("valid_upto", "2027-05-31"),
        ("applies", "auto"),
        ("replace", "none"),
        ("priority", "10"),
        ("pos_profile_id", ""),
        ("warehouse", ""),
        ("customer_group_id", ""),
        ("campaign_id", ""),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (field, value) in fields {
        form.retain(|(k, _)| k != field);
        form.push(((*field).to_owned(), (*value).to_owned()));
    }
    form
}

/// The text of the page's sentence paragraph.
fn sentence_of(body: &str) -> String {
    let start = body
        .find(r#"class="sentence""#)
        .unwrap_or_else(|| panic!("no sentence in {body}"));
    let from = start + body[start..].find('>').unwrap() + 1;
    let to = from + body[from..].find("</p>").unwrap();
    body[from..to]
        .replace(r#"<span class="muted">This offer:</span> "#, "")
        .replace("&#39;", "'")
        .trim()
        .to_owned()
}

#[actix_web::test]
async fn an_offer_reads_as_a_sentence_on_its_page_in_the_list_and_beside_the_form() {
    let app = TestApp::spawn().await;
    let company = catalogue(&app);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let cheapest = "Buy 3 or more from Tops, get the cheapest 1 free, for every 3 bought · \
                    1 Mar – 31 May 2027 · all stores · automatic";
    let fields = [
        ("apply_on", "item_group"),
        ("apply_on_group", "Tops"),
        ("offer_type", "give_product"),
        ("min_qty", "3"),
        ("given_qty", "1"),
        ("recurring", "on"),
        ("replace", "cheapest_item"),
    ];

    // Beside the form, as it is filled in: the same sentence before it is saved.
    let preview = post(
        &marketing,
        "/offers/sentence",
        &form(company, "3 for 2", &fields),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(sentence_of(&preview.body), cheapest);
    let half = post(
        &marketing,
        "/offers/sentence",
        &form(
            company,
            "",
            &[("discount_percentage", "15"), ("valid_upto", "")],
        ),
    )
    .await;
    assert_eq!(
        sentence_of(&half.body),
        "15% off … · from 1 Mar 2027 · all stores · automatic"
    );

    let made = post(&marketing, "/offers", &form(company, "3 for 2", &fields)).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id = made
        .location()
        .unwrap()
        .trim_start_matches("/offers/")
        .to_owned();
    let page = marketing.get(&format!("/offers/{id}")).await;
    assert_eq!(sentence_of(&page.body), cheapest);
    page.assert_contains("<dt>Valid</dt><dd>1 Mar 2027 to 31 May 2027</dd>");
    page.assert_contains("<dt>Customer Group</dt><dd>Any customer</dd>");

    // An item reads with its name; a coupon based one says so, and the edit form opens with
    // the sentence of what is stored.
    let socks = post(
        &marketing,
        "/offers",
        &form(
            company,
            "Socks at 4.99",
            &[
                ("apply_on_item", "SOCK-1"),
                ("rate", "4.99"),
                ("applies", "coupon"),
            ],
        ),
    )
    .await;
    assert_eq!(socks.status, StatusCode::SEE_OTHER, "{}", socks.body);
    let socks = socks
        .location()
        .unwrap()
        .trim_start_matches("/offers/")
        .to_owned();
    let page = marketing.get(&format!("/offers/{socks}")).await;
    let told =
        "Sport Socks (SOCK-1) at $4.99 each · 1 Mar – 31 May 2027 · all stores · with a coupon";
    assert_eq!(sentence_of(&page.body), told);
    page.assert_contains("<dt>Apply On</dt><dd>Item Code Sport Socks (SOCK-1)</dd>");
    let edit = marketing.get(&format!("/offers/{socks}/edit")).await;
    assert_eq!(sentence_of(&edit.body), told);

    // The list: what each gives and on what, the deal under the title.
    let list = marketing.get("/offers").await;
    list.assert_contains(r#"<td class="nowrap">1 free</td>"#);
    list.assert_contains("<td>item group Tops</td>");
    list.assert_contains(r#"<td class="nowrap">$4.99 each</td>"#);
    list.assert_contains("<td>Sport Socks (SOCK-1)</td>");
    list.assert_contains(
        "Buy 3 or more from Tops, get the cheapest 1 free, for every 3 bought · Auto · version 1",
    );

    // The coupon based offer starts a coupon and a batch of codes with itself chosen.
    page.assert_contains(&format!(
        r#"href="/coupons/new?offer={socks}">New coupon</a>"#
    ));
    page.assert_contains(&format!(
        r#"href="/coupons/batches/new?offer={socks}">Generate codes</a>"#
    ));
    for path in ["/coupons/new", "/coupons/batches/new"] {
        let new = marketing.get(&format!("{path}?offer={socks}")).await;
        assert_eq!(new.status, StatusCode::OK, "{path}");
        new.assert_contains(&format!(r#"<option value="{socks}" selected>"#));
    }
}

#[actix_web::test]
async fn a_store_supervisor_cannot_ask_for_a_sentence() {
    let app = TestApp::spawn().await;
    let company = catalogue(&app);
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    let page = post(&supervisor, "/offers/sentence", &form(company, "x", &[])).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn typing_in_the_offer_form_changes_its_sentence_in_a_browser() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    catalogue(&app);
    let user = app.user(Role::Marketing);
    let (browser, _profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    for width in [1366, 390] {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .goto(&format!("{}/offers/new", app.base))
            .await
            .unwrap();
        type_into(&browser, "#f-discount_percentage", "25").await;
        let told = text_of(
            &browser,
            Locator::XPath("//p[@id='offer-sentence'][contains(., '25% off')]"),
        )
        .await;
        assert!(told.contains("all stores · automatic"), "{width}: {told}");
        type_into(&browser, "#f-min_qty", "2").await;
        text_of(
            &browser,
            Locator::XPath("//p[@id='offer-sentence'][contains(., 'when buying 2 or more')]"),
        )
        .await;
        let fits: bool = browser
            .execute(
                "const p = document.getElementById('offer-sentence'); \
                 return document.documentElement.scrollWidth <= window.innerWidth \
                     && p.scrollWidth <= p.clientWidth;",
                vec![],
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap();
        assert!(fits, "the sentence overflows at {width} px");
    }
}
