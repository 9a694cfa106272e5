//! Gift cards beyond their own pages: the customer page's Store credit, a merge taking the cards
//! along, the expiry run writing off what expired cards held, and the liability report's figures
//! and CSVs on a small known set of cards, today and at a past month end in the company's day.

use chrono::{Duration, Utc};
use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::gift_cards::{balance_and_ledger, issue, sale, uuid};
use crate::common::shop::shop;

#[actix_web::test]
async fn the_customer_page_shows_store_credit_and_only_keepers_see_the_numbers() {
    let (app, _) = shop().await;
    let ana = app.count("SELECT id AS n FROM customers WHERE code = 'CUST-00002'");
    let active = issue(&app, "CARD2345ABCDEFGH", "30.00", Some("CUST-00002"), None);
    issue(&app, "CARD6789ABCDEFGH", "12.50", Some("CUST-00002"), None);
    issue(
        &app,
        "EXPD2345ABCDEFGH",
        "10.00",
        Some("CUST-00002"),
        Some("2026-01-31"),
    );
    app.sql("UPDATE gift_cards SET disabled = true WHERE number = 'CARD6789ABCDEFGH'");

    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get(&format!("/customers/{ana}")).await;
    page.assert_contains("<h2 id=\"store-credit-title\">Store credit</h2>");
    // Only the active card can be spent.
    page.assert_contains(r#"<span class="value" id="store-credit">$30.00</span>"#);
    page.assert_contains(&format!(
        r#"<a class="card-number" href="/gift-cards/{active}">CARD 2345 ABCD EFGH</a>"#
    ));
    page.assert_contains(r#"<span class="badge badge-inactive">Disabled</span>"#);
    page.assert_contains(r#"<span class="badge badge-warning">Expired</span>"#);
    page.assert_contains(r#"href="/gift-cards/new?customer=CUST-00002""#);

    // A supervisor looks the customer up but cannot spend their cards: the last four only.
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    let page = supervisor.get(&format!("/customers/{ana}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"<span class="card-number">•••• EFGH</span>"#);
    page.assert_lacks("CARD 2345");
    page.assert_lacks("/gift-cards/");

    // Someone without cards: no panel for the supervisor, an Issue link for HQ.
    let walk_in = app.count("SELECT id AS n FROM customers WHERE code = 'CUST-00001'");
    supervisor
        .get(&format!("/customers/{walk_in}"))
        .await
        .assert_lacks("Store credit");
    hq.get(&format!("/customers/{walk_in}"))
        .await
        .assert_contains("No gift cards.");
}

#[actix_web::test]
async fn merging_customers_moves_their_cards() {
    let (app, _) = shop().await;
    let kept = app.count("SELECT id AS n FROM customers WHERE code = 'CUST-00002'");
    let merged = app.count("SELECT id AS n FROM customers WHERE code = 'CUST-00001'");
    issue(&app, "CARD2345ABCDEFGH", "30.00", Some("CUST-00001"), None);
    let (hq, _) = app.signed_in(Role::HqManager).await;
    hq.get("/customers/merge").await;
    let done = hq
        .post_form(
            "/customers/merge",
            &[("keep", &kept.to_string()), ("merge", &merged.to_string())],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        app.count("SELECT customer_id AS n FROM gift_cards"),
        kept,
        "the card follows its customer"
    );
    hq.get(&format!("/customers/{kept}"))
        .await
        .assert_contains(r#"<span class="value" id="store-credit">$30.00</span>"#);
}

/// `days` from today (UTC), as a date.
fn day(days: i64) -> chrono::NaiveDate {
    Utc::now().date_naive() + Duration::days(days)
}

#[actix_web::test]
async fn the_liability_report_adds_up_a_known_set_of_cards_and_exports_each_part() {
    let (app, till) = shop().await;
    let today = day(0);
    // A: Ana's, spent down to 70. B: nobody's, expiring in 20 days. C: Ana's, disabled, in 45.
    // D: expired 16 days ago, written off by the expiry run. E: expired 5 days ago, not yet.
    issue(&app, "AAAA2345ABCDEFGH", "100.00", Some("CUST-00002"), None);
    let b = day(20).to_string();
    issue(&app, "BBBB2345ABCDEFGH", "50.00", None, Some(&b));
    let c = day(45).to_string();
    issue(
        &app,
        "CCCC2345ABCDEFGH",
        "40.00",
        Some("CUST-00002"),
        Some(&c),
    );
    app.sql("UPDATE gift_cards SET disabled = true WHERE number = 'CCCC2345ABCDEFGH'");
    let d = day(-16).to_string();
    issue(
        &app,
        "DDDD2345ABCDEFGH",
        "25.00",
        Some("CUST-00001"),
        Some(&d),
    );
    let e = day(-5).to_string();
    issue(&app, "EEEE2345ABCDEFGH", "15.00", None, Some(&e));
    app.sql(
        "UPDATE gift_cards SET issued_at = '2026-10-15T12:00:00Z' \
         WHERE number IN ('DDDD2345ABCDEFGH', 'EEEE2345ABCDEFGH')",
    );
    let paid = till
        .post(
            "/api/v1/invoices",
            &sale(
                1,
                "30.00",
                json!([{"mode": "gift_card", "amount": "30", "card": "AAAA2345ABCDEFGH"}]),
            ),
        )
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{:?}", paid.json);

    // The expiry run takes only the card more than a week past its Valid Upto, once.
    let written = patron::gift_cards::expiry::run(&mut app.conn(), chrono::Utc::now()).unwrap();
    assert_eq!(written, 1);
    assert_eq!(
        patron::gift_cards::expiry::run(&mut app.conn(), chrono::Utc::now()).unwrap(),
        0
    );
    assert_eq!(
        balance_and_ledger(&app, "DDDD2345ABCDEFGH"),
        ("0.0000".into(), "0.0000".into())
    );
    assert_eq!(balance_and_ledger(&app, "EEEE2345ABCDEFGH").0, "15.0000");

    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get("/reports/gift-cards").await;
    assert_eq!(page.status, StatusCode::OK);
    // Owed: 70 + 50 + 40 on three cards; breakage: the 25 written off and the 15 still on E.
    page.assert_contains(
        r#"<td class="num">3</td><td class="num" id="outstanding-total">$160.00</td>"#,
    );
    page.assert_contains(
        r#"<td class="num">2</td><td class="num" id="breakage-total">$40.00</td>"#,
    );
    page.assert_contains("<td>Oct 2026</td><td class=\"num\">2</td><td class=\"num\">$40.00</td><td class=\"num\">$0.00</td>");
    let this_month = today.format("%b %Y").to_string();
    page.assert_contains(&format!(
        "<td>{this_month}</td><td class=\"num\">3</td><td class=\"num\">$190.00</td><td class=\"num\">$160.00</td>"
    ));
    page.assert_contains(
        r#"Ana Lima (CUST-00002)</a></td><td class="num">2</td><td class="num">$110.00</td>"#,
    );
    page.assert_contains(
        r#"<td>No customer</td><td class="num">1</td><td class="num">$50.00</td>"#,
    );
    page.assert_contains(r#"<td class="num">$50.00 on 1 card</td><td class="num">$90.00 on 2 cards</td><td class="num">$90.00 on 2 cards</td>"#);
    page.assert_contains("•••• EFGH");

    let months = marketing.get("/reports/gift-cards/months.csv").await;
    assert_eq!(months.status, StatusCode::OK);
    assert!(
        months.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let this_month_key = today.format("%Y-%m").to_string();
    let company = app.text("SELECT name AS t FROM companies");
    assert_eq!(
        months.body,
        format!(
            "Company,Currency,Month Issued,Cards,Issued Value,Outstanding\n\
             {company},USD,2026-10,2,40.00,0.00\n\
             {company},USD,{this_month_key},3,190.00,160.00\n"
        )
    );
    let customers = marketing.get("/reports/gift-cards/customers.csv").await;
    assert_eq!(
        customers.body,
        format!(
            "Company,Currency,Customer Code,Customer,Cards,Outstanding\n\
             {company},USD,CUST-00002,Ana Lima,2,110.00\n\
             {company},USD,,No customer,1,50.00\n"
        )
    );
    let expiring = marketing.get("/reports/gift-cards/expiring.csv").await;
    assert_eq!(
        expiring.body,
        format!(
            "Company,Currency,Card,Customer Code,Valid Upto,Days Left,Within,Balance\n\
             {company},USD,•••• EFGH,,{b},20,30 days,50.00\n\
             {company},USD,•••• EFGH,CUST-00002,{c},45,60 days,40.00\n"
        )
    );
    let breakage = marketing.get("/reports/gift-cards/breakage.csv").await;
    let month_of = |date: &str| date[..7].to_owned();
    let mut expected = vec![(month_of(&d), 25), (month_of(&e), 15)];
    if expected[0].0 == expected[1].0 {
        expected = vec![(expected[0].0.clone(), 40)];
        assert_eq!(
            breakage.body,
            format!(
                "Company,Currency,Month Expired,Cards,Breakage\n{company},USD,{},2,40.00\n",
                expected[0].0
            )
        );
    } else {
        assert_eq!(
            breakage.body,
            format!(
                "Company,Currency,Month Expired,Cards,Breakage\n\
                 {company},USD,{},1,15.00\n{company},USD,{},1,25.00\n",
                expected[1].0, expected[0].0
            )
        );
    }

    // A store supervisor reads no reports.
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    assert_eq!(
        supervisor.get("/reports/gift-cards").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn every_gift_card_list_filter_has_an_index() {
    let (app, _) = shop().await;
    app.assert_indexed(&[
        (
            "SELECT id FROM gift_cards WHERE number LIKE 'CARD23%' ORDER BY id DESC LIMIT 51",
            "gift_cards_number_key",
        ),
        (
            "SELECT id FROM gift_cards WHERE customer_id = ANY('{1,2}') ORDER BY id DESC LIMIT 51",
            "gift_cards_customer_idx",
        ),
        (
            "SELECT id FROM gift_cards WHERE disabled ORDER BY id DESC LIMIT 51",
            "gift_cards_disabled_idx",
        ),
        (
            "SELECT id FROM gift_cards WHERE NOT disabled AND valid_upto < '2026-12-01' LIMIT 51",
            "gift_cards_valid_upto_idx",
        ),
        (
            "SELECT id FROM gift_card_entries WHERE card_id = 1 ORDER BY id DESC LIMIT 101",
            "gift_card_entries_card_idx",
        ),
        (
            "SELECT id FROM gift_card_entries WHERE invoice_id = 1",
            "gift_card_entries_invoice_idx",
        ),
        (
            "SELECT id FROM gift_card_entries WHERE reverses_id = 1",
            "gift_card_entries_reverses_key",
        ),
        (
            "SELECT count(*) FROM till_lookup_misses WHERE token_id = 1 AND kind = 'coupon' \
             AND at > now()",
            "till_lookup_misses_token_idx",
        ),
    ]);
}

/// Moves the ledger entries of card `number` of kind `kind` (and amount `amount`, if given) to
/// the instant `at`, as if they had been written then.
fn entry_at(
    app: &crate::common::TestApp,
    number: &str,
    kind: &str,
    amount: Option<&str>,
    at: &str,
) {
    let amount = amount.map_or_else(String::new, |a| format!(" AND e.amount = {a}"));
    app.sql(&format!(
        "UPDATE gift_card_entries e SET created_at = '{at}' FROM gift_cards g \
         WHERE g.id = e.card_id AND g.number = '{number}' AND e.kind = '{kind}'{amount}"
    ));
}

/// Card `number` issued at the instant `at` (its row and its issue entry).
fn issued_at(app: &crate::common::TestApp, number: &str, at: &str) {
    app.sql(&format!(
        "UPDATE gift_cards SET issued_at = '{at}' WHERE number = '{number}'"
    ));
    entry_at(app, number, "issue", None, at);
}

#[actix_web::test]
async fn the_liability_at_a_past_month_end_is_what_the_ledger_held_then_in_the_company_s_day() {
    let (app, till) = shop().await;
    // New York: 03:30 UTC on 1 Dec is still 30 Nov there.
    app.sql("UPDATE companies SET time_zone = 'America/New_York'");
    // A: Ana's, issued in October, topped up at 23:00 on 31 Oct (New York; 1 Nov in UTC), then in
    // November topped up, spent, refunded onto, adjusted, and a sale paid with it cancelled.
    // B: nobody's, issued in November, Valid Upto 20 Nov: expires in the month, written off on
    // the 28th. C: Valid Upto 31 Oct: expired before the month, written off on 8 Nov. D: issued
    // at 22:30 on 30 Nov in New York. E: issued at 01:00 on 1 Dec there.
    issue(&app, "AAAA2345ABCDEFGH", "100.00", Some("CUST-00002"), None);
    issue(&app, "BBBB2345ABCDEFGH", "50.00", None, Some("2026-11-20"));
    issue(
        &app,
        "CCCC2345ABCDEFGH",
        "40.00",
        Some("CUST-00002"),
        Some("2026-10-31"),
    );
    issue(&app, "DDDD2345ABCDEFGH", "25.00", None, Some("2027-01-15"));
    issue(&app, "EEEE2345ABCDEFGH", "15.00", None, None);
    let a = app.count("SELECT id AS n FROM gift_cards WHERE number = 'AAAA2345ABCDEFGH'");
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    marketing.get(&format!("/gift-cards/{a}")).await;
    for (path, amount, note) in [
        ("top-up", "20", "Birthday"),
        ("top-up", "10", "Receipt 7"),
        ("adjust", "-2.50", "Damaged card"),
    ] {
        let done = marketing
            .post_form(
                &format!("/gift-cards/{a}/{path}"),
                &[("amount", amount), ("note", note)],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    }
    let card =
        |amount: &str| json!([{"mode": "gift_card", "amount": amount, "card": "AAAA2345ABCDEFGH"}]);
    for (n, total, payments) in [
        (1, "30.00", card("30.00")),
        (2, "5.00", card("5.00")),
        (3, "12.50", json!([{"mode": "cash", "amount": "12.50"}])),
    ] {
        let made = till
            .post("/api/v1/invoices", &sale(n, total, payments))
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    }
    let cancelled = till
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(2)), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    let give_back = json!({
        "id": uuid(4), "number": "R-4", "posted_at": "2026-11-21T10:00:00Z",
        "return_against": uuid(3),
        "lines": [{"item_code": "TEE-BLK-M", "qty": "-1", "price_list_rate": "12.50"}],
        "payments": card("-12.50"),
        "totals": {"net_total": "-12.50", "grand_total": "-12.50"}
    });
    let returned = till.post("/api/v1/invoices", &give_back).await;
    assert_eq!(returned.status, StatusCode::CREATED, "{:?}", returned.json);
    assert_eq!(
        patron::gift_cards::expiry::run(&mut app.conn(), Utc::now()).unwrap(),
        2
    );
    // When each of those happened.
    issued_at(&app, "AAAA2345ABCDEFGH", "2026-10-10T15:00:00Z");
    issued_at(&app, "CCCC2345ABCDEFGH", "2026-10-20T15:00:00Z");
    issued_at(&app, "BBBB2345ABCDEFGH", "2026-11-03T15:00:00Z");
    issued_at(&app, "DDDD2345ABCDEFGH", "2026-12-01T03:30:00Z");
    issued_at(&app, "EEEE2345ABCDEFGH", "2026-12-01T06:00:00Z");
    let a_moves = [
        ("top_up", "20", "2026-11-01T03:00:00Z"),
        ("top_up", "10", "2026-11-15T15:00:00Z"),
        ("redeem", "-30", "2026-11-10T15:00:00Z"),
        ("redeem", "-5", "2026-11-11T15:00:00Z"),
        ("reversal", "5", "2026-11-12T15:00:00Z"),
        ("refund", "12.50", "2026-11-13T15:00:00Z"),
        ("adjustment", "-2.50", "2026-11-16T15:00:00Z"),
    ];
    for (kind, amount, at) in a_moves {
        entry_at(&app, "AAAA2345ABCDEFGH", kind, Some(amount), at);
    }
    entry_at(
        &app,
        "BBBB2345ABCDEFGH",
        "expiry",
        None,
        "2026-11-28T15:00:00Z",
    );
    entry_at(
        &app,
        "CCCC2345ABCDEFGH",
        "expiry",
        None,
        "2026-11-08T15:00:00Z",
    );

    // At the close of 31 Oct: A with both top-ups of its October; C expired that night.
    let october = marketing.get("/reports/gift-cards?as_of=2026-10-31").await;
    assert_eq!(october.status, StatusCode::OK);
    october.assert_contains(
        r#"<td class="num">1</td><td class="num" id="outstanding-total">$120.00</td><td class="num">1</td><td class="num" id="breakage-total">$40.00</td>"#,
    );

    let page = marketing.get("/reports/gift-cards?as_of=2026-11-30").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"name="as_of" type="date" value="2026-11-30""#);
    page.assert_contains("As of the close of 30 Nov 2026, days in America/New_York.");
    // The last month end is a link away (which one depends on when the test runs).
    let last_end = patron_rules::gift_cards::liability::month_ends_before(
        patron_rules::Clock::from_name("America/New_York").today(),
        1,
    )[0];
    page.assert_contains(&format!(
        r#"<a href="/reports/gift-cards?as_of={last_end}""#
    ));
    page.assert_contains("Movements, 1 Nov 2026 – 30 Nov 2026");
    // 120 + 75 issued (B, and D at 22:30 on the 30th) + 10 − 30 (the 5 cancelled counts for
    // nothing) + 12.50 − 2.50 − 50 (B; C was breakage before the month) = 135.
    let statement: Vec<(&str, &str)> = vec![
        ("Opening balance", "$120.00"),
        ("Issued", "$75.00"),
        ("Topped up", "$10.00"),
        ("Spent", "-$30.00"),
        ("Refunded", "$12.50"),
        ("Adjusted", "-$2.50"),
        ("Expired", "-$50.00"),
        ("Closing balance", "$135.00"),
    ];
    for (label, amount) in &statement {
        page.assert_contains(&format!(
            r#"<th scope="row">{label}</th><td class="num">{amount}</td>"#
        ));
    }
    let cents = |shown: &str| -> i64 {
        let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
        let value: i64 = digits.parse().unwrap();
        if shown.starts_with('-') {
            -value
        } else {
            value
        }
    };
    let carried: i64 = statement[..7].iter().map(|(_, a)| cents(a)).sum();
    assert_eq!(
        carried,
        cents(statement[7].1),
        "opening + movements = closing"
    );
    // The closing balance is the outstanding one: A's 110 and D's 25; B's 50 and C's 40 broke.
    page.assert_contains(
        r#"<td class="num">2</td><td class="num" id="outstanding-total">$135.00</td><td class="num">2</td><td class="num" id="breakage-total">$90.00</td>"#,
    );
    page.assert_contains("<td>Oct 2026</td><td class=\"num\">2</td><td class=\"num\">$140.00</td><td class=\"num\">$110.00</td>");
    page.assert_contains("<td>Nov 2026</td><td class=\"num\">2</td><td class=\"num\">$75.00</td><td class=\"num\">$25.00</td>");
    page.assert_lacks("<td>Dec 2026</td>");
    page.assert_contains(
        r#"Ana Lima (CUST-00002)</a></td><td class="num">1</td><td class="num">$110.00</td>"#,
    );
    page.assert_contains(r#"<td class="num">$0.00 on 0 cards</td><td class="num">$25.00 on 1 card</td><td class="num">$25.00 on 1 card</td>"#);
    page.assert_contains(r#"href="/reports/gift-cards/movements.csv?as_of=2026-11-30""#);

    // Each file says the same as the page.
    let company = app.text("SELECT name AS t FROM companies");
    let csv = |section: &'static str| {
        let marketing = &marketing;
        async move {
            let got = marketing
                .get(&format!(
                    "/reports/gift-cards/{section}.csv?as_of=2026-11-30"
                ))
                .await;
            assert_eq!(got.status, StatusCode::OK, "{section}");
            got.body
        }
    };
    assert_eq!(
        csv("movements").await,
        format!(
            "Company,Currency,From,To,Opening Balance,Issued,Topped Up,Spent,Refunded,Adjusted,Expired,Closing Balance\n\
             {company},USD,2026-11-01,2026-11-30,120.00,75.00,10.00,-30.00,12.50,-2.50,-50.00,135.00\n"
        )
    );
    assert_eq!(
        csv("months").await,
        format!(
            "Company,Currency,Month Issued,Cards,Issued Value,Outstanding\n\
             {company},USD,2026-10,2,140.00,110.00\n\
             {company},USD,2026-11,2,75.00,25.00\n"
        )
    );
    assert_eq!(
        csv("customers").await,
        format!(
            "Company,Currency,Customer Code,Customer,Cards,Outstanding\n\
             {company},USD,CUST-00002,Ana Lima,1,110.00\n\
             {company},USD,,No customer,1,25.00\n"
        )
    );
    assert_eq!(
        csv("expiring").await,
        format!(
            "Company,Currency,Card,Customer Code,Valid Upto,Days Left,Within,Balance\n\
             {company},USD,•••• EFGH,,2027-01-15,46,60 days,25.00\n"
        )
    );
    assert_eq!(
        csv("breakage").await,
        format!(
            "Company,Currency,Month Expired,Cards,Breakage\n\
             {company},USD,2026-11,1,50.00\n\
             {company},USD,2026-10,1,40.00\n"
        )
    );

    // A day to come is refused by the field; the figures stay today's.
    let ahead = marketing.get("/reports/gift-cards?as_of=2099-01-01").await;
    assert_eq!(ahead.status, StatusCode::OK);
    ahead.assert_contains(
        r#"<p class="field-error" id="f-as_of-error">1 Jan 2099 has not come yet: choose today ("#,
    );
    ahead.assert_contains(r#"value="2099-01-01""#);
    ahead.assert_contains("(today: figures so far)");
    let file = marketing
        .get("/reports/gift-cards/movements.csv?as_of=2099-01-01")
        .await;
    assert_eq!(file.status, StatusCode::UNPROCESSABLE_ENTITY);
}
