//! A segment's actions as a marketer runs them: one Gift Card coupon per customer of the segment
//! (twice gives no one a second, a newcomer gets theirs on the next run, the batch's CSV is a
//! mailing list), enrolment in a loyalty program (members of a program stay in theirs, twice
//! is harmless), refusals told by the field with nothing written, who may act, and in Chromium
//! at 1366 and 390 px: from the segment's page to the batch's result.

use fantoccini::Locator;
use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::browser::{Driver, click, open_browser, sign_in, text_of};
use crate::common::coupons;
use crate::common::{TestApp, TestClient};
use crate::segments::known;

/// Saves segment `name` of the customers whose last purchase is over 90 days ago (Ben and Cy
/// of the known set); returns its id.
async fn lapsed(app: &TestApp, marketing: &TestClient, name: &str) -> i64 {
    let page = marketing
        .post_form("/segments", &[("name", name), ("lapsed_days", "90")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    app.count(&format!(
        "SELECT id AS n FROM segments WHERE name = '{name}'"
    ))
}

/// Posts the coupon form of segment `id` for `offer` and waits for the batch, if one was made.
async fn issue(app: &TestApp, marketing: &TestClient, id: i64, offer: i64) -> crate::common::Page {
    let offer = offer.to_string();
    let posted = marketing
        .post_form(
            &format!("/segments/{id}/coupons"),
            &[
                ("offer_id", &offer),
                ("campaign_id", ""),
                ("valid_from", ""),
                ("valid_upto", ""),
                ("prefix", "lapsed-"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let to = posted.location().unwrap().to_owned();
    if let Some(batch) = to.strip_prefix("/coupons/batches/") {
        // The run holds this lock until it has finished.
        app.sql(&format!("SELECT pg_advisory_lock(7304, {batch}::int)"));
        app.sql(&format!("SELECT pg_advisory_unlock(7304, {batch}::int)"));
    }
    marketing.get(&to).await
}

/// Coupons of segment `id`, and the most any one customer holds.
fn coupons_of(app: &TestApp, id: i64) -> (i64, i64) {
    (
        app.count(&format!(
            "SELECT count(*) AS n FROM coupons WHERE segment_id = {id} AND coupon_type = 'gift_card'"
        )),
        app.count(&format!(
            "SELECT coalesce(max(n), 0) AS n FROM (SELECT count(*) AS n FROM coupons \
             WHERE segment_id = {id} GROUP BY customer_id) x"
        )),
    )
}

#[actix_web::test]
async fn coupons_twice_give_each_member_one_and_a_newcomer_gets_one_on_the_next_run() {
    let (app, _) = known().await;
    let offer = coupons::offer(&app);
    app.sql("UPDATE customers SET email = 'ben@example.com' WHERE first_name = 'Ben'");
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let id = lapsed(&app, &marketing, "Lapsed").await;

    let form = marketing.get(&format!("/segments/{id}/coupons")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("<strong>2 customers</strong>");

    let batch = issue(&app, &marketing, id, offer).await;
    batch.assert_contains("Issued 2 Gift Card coupons, one per customer.");
    batch.assert_contains(">Lapsed</a>");
    assert_eq!(coupons_of(&app, id), (2, 1));

    // The batch's CSV is a mailing list: each code with its customer.
    let number = app.count("SELECT max(id) AS n FROM coupon_batches");
    let csv = marketing
        .get(&format!("/coupons/batches/{number}/codes.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "Code,Customer Code,Customer Name,Mobile,Email,POS Offer,Valid From,Valid Upto"
    );
    assert_eq!(lines.len(), 3, "{}", csv.body);
    let ben = lines.iter().find(|l| l.contains("Ben Known")).unwrap();
    let code = app.text(
        "SELECT c.code AS t FROM coupons c JOIN customers cu ON cu.id = c.customer_id \
         WHERE cu.first_name = 'Ben'",
    );
    let customer = app.text("SELECT code AS t FROM customers WHERE first_name = 'Ben'");
    assert!(
        ben.starts_with(&format!(
            "{code},{customer},Ben Known,555-0002,ben@example.com,Tees 10% coupon,"
        )),
        "{ben}"
    );
    assert!(code.starts_with("LAPSED-") && code.len() == 18, "{code}");

    // Again: no one gets a second coupon, and no batch is made.
    let again = issue(&app, &marketing, id, offer).await;
    again.assert_contains(
        "Each of the 2 customers in the segment holds a coupon of this offer from it already: none issued.",
    );
    assert_eq!(coupons_of(&app, id), (2, 1));
    assert_eq!(app.count("SELECT count(*) AS n FROM coupon_batches"), 1);

    // Ana lapses too (her sale was 200 days ago after all, noted for the fold as a till's
    // would be): the next run gives her (and only her) a coupon.
    app.sql("SELECT fold_days()");
    app.sql(
        "UPDATE folded_customer_days SET day = current_date - 200 \
         WHERE customer_id = (SELECT id FROM customers WHERE first_name = 'Ana')",
    );
    app.sql(
        "INSERT INTO customer_purchase_queue (company_id, customer_id, month) \
         SELECT company_id, customer_id, date_trunc('month', day)::date FROM rollup_customer_days \
         WHERE customer_id = (SELECT id FROM customers WHERE first_name = 'Ana')",
    );
    let third = issue(&app, &marketing, id, offer).await;
    third.assert_contains("Issued 1 Gift Card coupons, one per customer.");
    assert_eq!(coupons_of(&app, id), (3, 1));
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg(action, ',' ORDER BY id) AS t FROM audit_log \
             WHERE entity = 'segment' AND entity_id = '{id}'"
        )),
        "create,issue_coupons,issue_coupons,issue_coupons"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE entity = 'coupon_batch'"),
        3
    );
}

#[actix_web::test]
async fn refusals_are_told_by_the_field_and_write_nothing() {
    let (app, _) = known().await;
    let offer = coupons::offer(&app).to_string();
    let auto = crate::common::offers::make(
        &app,
        crate::common::offers::terms("Everyday 5%", "item_price"),
    )
    .to_string();
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let id = lapsed(&app, &marketing, "Lapsed").await;
    let path = format!("/segments/{id}/coupons");
    for (fields, field, message) in [
        (
            vec![("offer_id", auto.as_str())],
            "f-offer_id-error",
            "Everyday 5% is not Coupon Based: a coupon cannot activate it.",
        ),
        (
            vec![("offer_id", "")],
            "f-offer_id-error",
            "Choose the POS Offer.",
        ),
        (
            vec![
                ("offer_id", offer.as_str()),
                ("valid_from", "2030-02-01"),
                ("valid_upto", "2030-01-31"),
            ],
            "f-valid_upto-error",
            "Valid Upto cannot be before Valid From.",
        ),
        (
            vec![
                ("offer_id", offer.as_str()),
                ("prefix", "TOO LONG A PREFIX"),
            ],
            "f-prefix-error",
            "A prefix has at most 12 letters, digits or dashes (like SPRING-).",
        ),
    ] {
        let page = marketing.post_form(&path, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        page.assert_contains(&format!("id=\"{field}\">{message}</p>"));
    }
    let page = marketing
        .post_form(&format!("/segments/{id}/enrol"), &[("program", "")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("id=\"f-program-error\">Choose the Loyalty Program.</p>");

    assert_eq!(app.count("SELECT count(*) AS n FROM coupon_batches"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM coupons"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM loyalty_members"), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE action IN ('issue_coupons', 'enrol')"),
        0
    );
}

/// A running program of the shop's company called `name`; returns its id.
fn program(app: &TestApp, name: &str) -> i64 {
    app.count(&format!(
        "INSERT INTO loyalty_programs (name, company_id, multiple_tier, conversion_factor, \
                                       expiry_days, valid_from) \
         SELECT '{name}', company_id, false, 0.01, 0, '2020-01-01' FROM stores \
         WHERE code = 'NORTH' RETURNING id AS n"
    ))
}

#[actix_web::test]
async fn enrolment_leaves_members_in_their_program_and_twice_is_harmless() {
    let (app, _) = known().await;
    let rewards = program(&app, "Rewards");
    let club = program(&app, "Lapsed Club");
    app.sql(&format!(
        "INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_by) \
         SELECT c.id, p.company_id, p.id, 'test' FROM customers c, loyalty_programs p \
         WHERE c.first_name = 'Ben' AND p.id = {rewards}"
    ));
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let id = lapsed(&app, &marketing, "Lapsed").await;

    let form = marketing.get(&format!("/segments/{id}/enrol")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("<strong>2 customers</strong>");
    let club_id = club.to_string();
    for expected in [
        "Enrolled 1 customer in Lapsed Club; left 1 customer who is in a program already.",
        "Enrolled 0 customers in Lapsed Club; left 2 customers who are in a program already.",
    ] {
        let posted = marketing
            .post_form(&format!("/segments/{id}/enrol"), &[("program", &club_id)])
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
        let page = marketing.get(posted.location().unwrap()).await;
        page.assert_contains(expected);
    }
    let program_of = |name: &str| {
        app.count(&format!(
            "SELECT m.program_id AS n FROM loyalty_members m JOIN customers c ON c.id = m.customer_id \
             WHERE c.first_name = '{name}'"
        ))
    };
    assert_eq!(program_of("Ben"), rewards);
    assert_eq!(program_of("Cy"), club);
    assert_eq!(app.count("SELECT count(*) AS n FROM loyalty_members"), 2);
    // Cy's own history shows the enrolment, once; the segment's shows both runs with counts.
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log a JOIN customers c ON a.entity_id = c.id::text \
             WHERE a.entity = 'customer' AND a.action = 'loyalty_enrol' AND c.first_name = 'Cy'"
        ),
        1
    );
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg((after->>'enrolled') || '/' || (after->>'already_members'), ',' ORDER BY id) AS t \
             FROM audit_log WHERE entity = 'segment' AND entity_id = '{id}' AND action = 'enrol'"
        )),
        "1/1,0/2"
    );
}

#[actix_web::test]
async fn a_marketing_user_may_act_and_an_hq_manager_may_not() {
    let (app, _) = known().await;
    let offer = coupons::offer(&app).to_string();
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let id = lapsed(&app, &marketing, "Lapsed").await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let reading = hq.get(&format!("/segments/{id}")).await;
    assert_eq!(reading.status, StatusCode::OK);
    reading.assert_lacks("Issue coupons");
    for action in ["coupons", "enrol"] {
        let path = format!("/segments/{id}/{action}");
        assert_eq!(hq.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
        let posted = hq
            .post_form(&path, &[("offer_id", &offer), ("program", "1")])
            .await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(marketing.get(&path).await.status, StatusCode::OK, "{path}");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM coupon_batches"), 0);
    marketing
        .get(&format!("/segments/{id}"))
        .await
        .assert_contains("Issue coupons");
}

#[actix_web::test]
async fn from_a_segments_page_marketing_issues_its_coupons_and_sees_the_result() {
    use crate::stories::look;
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, _) = known().await;
    coupons::offer(&app);
    let (marketing, user) = app.signed_in(Role::Marketing).await;
    let (browser, _profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    for width in [1366_u32, 390] {
        let id = lapsed(&app, &marketing, &format!("Lapsed {width}")).await;
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .goto(&format!("{}/segments/{id}", app.base))
            .await
            .unwrap();
        click(&browser, Locator::LinkText("Issue coupons")).await;
        text_of(
            &browser,
            Locator::XPath("//p[@id='coupons-reach']/strong[.='2 customers']"),
        )
        .await;
        browser
            .find(Locator::Css("#f-offer_id"))
            .await
            .unwrap()
            .select_by_label("Tees 10% coupon")
            .await
            .unwrap();
        look(&browser, "segment-coupons", width, "1-form").await;
        click(&browser, Locator::Css("button.btn-primary")).await;
        // The batch's page follows the run until it is done.
        let result = text_of(&browser, Locator::Css("#batch-result")).await;
        assert_eq!(result, "Issued 2 Gift Card coupons, one per customer.");
        look(&browser, "segment-coupons", width, "2-issued").await;
        let link = text_of(&browser, Locator::Css("dd a[href^='/segments/']")).await;
        assert_eq!(link, format!("Lapsed {width}"));
    }
    browser.close().await.unwrap();
}
