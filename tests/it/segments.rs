//! Segments on a small known data set: each filter keeps whom it says, RFM scores fall in
//! quintiles of the company's buyers, the count, the sample and the CSV come from one source, a
//! saved segment is written down (snapshot, size by day) and audited, and a store supervisor
//! sees none of it. In Chromium: the count follows the form as a marketer fills it in.

use fantoccini::Locator;
use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::browser::{
    Driver, assert_fits, open_browser, save_screenshot, sign_in, text_of, type_into,
};
use crate::common::shop::shop;
use crate::common::{ApiClient, TestApp, TestClient};

/// Customers of store NORTH's company with known purchases (days before today):
/// Ana bought 10 days ago (5 sales, $500.00 in the year), Ben 100 days ago (1 sale, $50.00),
/// Cy 400 days ago (nothing in the year), Dee never (born in March), Eve bought yesterday but
/// is deactivated (never in a segment). The shop's Walk-in customer is never in one either.
pub(crate) async fn known() -> (TestApp, i64) {
    let (app, company, _) = known_with_till().await;
    (app, company)
}

/// `known()` with store NORTH's till.
async fn known_with_till() -> (TestApp, i64, ApiClient) {
    let (app, till) = shop().await;
    let company = app.count("SELECT company_id AS n FROM stores WHERE code = 'NORTH'");
    let store = app.count("SELECT id AS n FROM stores WHERE code = 'NORTH'");
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id, mobile, birthday, active) \
         SELECT x.f, 'Known', (SELECT min(id) FROM customer_groups), (SELECT min(id) FROM territories), x.m, x.b, x.a \
         FROM (VALUES ('Ben', '555-0002', NULL::date, true), ('Cy', '555-0003', NULL, true), \
                      ('Dee', '555-0004', '1990-03-14'::date, true), ('Eve', '555-0005', NULL, false)) \
              AS x(f, m, b, a)",
    );
    for (name, days_ago, sales, spent) in [
        ("Ana", 10, 5, "500"),
        ("Ben", 100, 1, "50"),
        ("Cy", 400, 1, "80"),
        ("Eve", 1, 2, "900"),
    ] {
        app.sql(&format!(
            "INSERT INTO folded_customer_days (company_id, day, customer_id, store_id, slot, sales, \
                                               returns, net_sales, discount) \
             SELECT {company}, current_date - {days_ago}, id, {store}, 0, {sales}, 0, {spent}, 0 \
             FROM customers WHERE first_name = '{name}'"
        ));
        // As a sale notes its customer: the fold makes their lifetime row and facts.
        app.sql(&format!(
            "INSERT INTO customer_purchase_queue (company_id, customer_id, month) \
             SELECT {company}, id, date_trunc('month', current_date - {days_ago})::date \
             FROM customers WHERE first_name = '{name}'"
        ));
    }
    app.sql("SELECT fold_customer_purchases()");
    (app, company, till)
}

/// The count the form answers for `fields`, as the page shows it ("2 customers").
async fn counted(client: &TestClient, fields: &[(&str, &str)]) -> String {
    let page = client.post_form("/segments/count", fields).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let at = page
        .body
        .find("<strong>")
        .unwrap_or_else(|| panic!("{}", page.body))
        + 8;
    let end = at + page.body[at..].find("</strong>").unwrap();
    page.body[at..end].to_owned()
}

/// Asserts the count the form answers for each set of fields.
async fn assert_counts(client: &TestClient, cases: &[(Vec<(&str, &str)>, &str)]) {
    for (fields, expected) in cases {
        assert_eq!(counted(client, fields).await, *expected, "{fields:?}");
    }
}

#[actix_web::test]
async fn each_filter_keeps_whom_it_says_and_rfm_scores_are_quintiles() {
    let (app, company) = known().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // Every active named customer: Ana, Ben, Cy, Dee (not Eve, not the Walk-in).
    assert_eq!(counted(&marketing, &[]).await, "4 customers");
    assert_counts(
        &marketing,
        &[
            (vec![("lapsed_days", "90")], "2 customers"),
            (vec![("recent_days", "30")], "1 customer"),
            (
                vec![("lapsed_days", "30"), ("recent_days", "365")],
                "1 customer",
            ),
            (vec![("sales_min", "2")], "1 customer"),
            (vec![("sales_max", "1")], "3 customers"),
            (
                vec![("spent_min", "50"), ("spent_max", "100")],
                "1 customer",
            ),
            (
                vec![("spent_min", "50"), ("spent_days", "30")],
                "1 customer",
            ),
            (vec![("birthday_month", "3")], "1 customer"),
            (vec![("referred", "yes")], "0 customers"),
            (vec![("referred", "no")], "4 customers"),
        ],
    )
    .await;

    // RFM: among the three buyers, the most recent and biggest scores 5, the oldest 1.
    let page = marketing.post_form("/segments/rfm", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let scores = app.text(&format!(
        "SELECT string_agg(c.first_name || ' ' || r.recency || r.frequency || r.monetary, ', ' \
                           ORDER BY c.first_name) AS t \
         FROM customer_rfm r JOIN customers c ON c.id = r.customer_id WHERE r.company_id = {company}"
    ));
    assert_eq!(scores, "Ana 555, Ben 333, Cy 111");
    assert_eq!(
        counted(&marketing, &[("recency_from", "1"), ("recency_to", "2")]).await,
        "1 customer"
    );
    assert_eq!(
        counted(&marketing, &[("frequency_from", "3")]).await,
        "2 customers"
    );
    marketing
        .get("/segments")
        .await
        .assert_contains("RFM scores of 3 customers, computed");

    // A filter that does not read is told by its field, and nothing is counted.
    let page = marketing
        .post_form("/segments/count", &[("lapsed_days", "ninety")])
        .await;
    page.assert_contains("Correct the fields marked below");
    let page = marketing
        .post_form(
            "/segments",
            &[("name", "Bad"), ("sales_min", "5"), ("sales_max", "2")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("The most sales must not be below the least.");
    assert_eq!(app.count("SELECT count(*) AS n FROM segments"), 0);
}

/// The sales the facts of `first_name` hold for the company's stored year.
fn year_sales(app: &TestApp, first_name: &str) -> i64 {
    app.count(&format!(
        "SELECT f.year_sales::bigint AS n FROM customer_facts f \
         JOIN customers c ON c.id = f.customer_id WHERE c.first_name = '{first_name}'"
    ))
}

/// A sale of one tee to customer `uuid` two days ago, priced by the server, submitted.
async fn sale_two_days_ago(till: &ApiClient, customer: &str) {
    sale(till, customer, "TEE-BLK-M", 2, 1).await;
}

/// The till's id of sale `n`.
fn invoice_id(n: u32) -> String {
    format!("5e600000-0000-4000-8000-{n:012}")
}

/// Sale `n` of one `item` (TEE-BLK-M at $19.99 or CAP-RED at $7.50) to customer `uuid`,
/// `days_ago` days ago, priced by the server, submitted.
async fn sale(till: &ApiClient, customer: &str, item: &str, days_ago: i64, n: u32) {
    let at = (chrono::Utc::now() - chrono::Duration::days(days_ago)).to_rfc3339();
    let rate = if item == "TEE-BLK-M" { "19.99" } else { "7.50" };
    let priced = till
        .post(
            "/api/v1/carts/evaluate",
            &serde_json::json!({"lines": [{"item_code": item, "qty": "1", "price_list_rate": rate}],
                                "customer_id": customer, "posted_at": at}),
        )
        .await;
    assert_eq!(priced.status.as_u16(), 200, "{:?}", priced.json);
    let body = serde_json::json!({
        "id": invoice_id(n), "number": format!("SEG-{n}"), "posted_at": at,
        "customer_id": customer, "lines": priced.json["lines"],
        "payments": [{"mode": "cash", "amount": priced.json["totals"]["grand_total"]}],
        "totals": priced.json["totals"]
    });
    let reply = till.post("/api/v1/invoices", &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json);
}

#[actix_web::test]
async fn bought_an_item_a_group_or_a_brand_counts_till_sales_not_cancelled_ones() {
    let (app, _, till) = known_with_till().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    // The tee is an Apparel > Tops item of brand Northwind; the cap sits in All Item Groups.
    app.sql(
        "INSERT INTO item_groups (name, parent_id) \
         SELECT 'Apparel', id FROM item_groups WHERE name = 'All Item Groups'",
    );
    app.sql(
        "INSERT INTO item_groups (name, parent_id) SELECT 'Tops', id FROM item_groups WHERE name = 'Apparel'",
    );
    app.sql("INSERT INTO brands (name) VALUES ('Northwind')");
    app.sql(
        "UPDATE items SET item_group_id = (SELECT id FROM item_groups WHERE name = 'Tops'), \
                          brand_id = (SELECT id FROM brands WHERE name = 'Northwind') \
         WHERE item_code = 'TEE-BLK-M'",
    );
    let uuid = |first_name| crate::common::coupons::uuid_of(&app, first_name);
    // Dee buys a tee two days ago, Ben one today, Cy a cap two days ago.
    sale(&till, &uuid("Dee"), "TEE-BLK-M", 2, 1).await;
    sale(&till, &uuid("Ben"), "TEE-BLK-M", 0, 2).await;
    sale(&till, &uuid("Cy"), "CAP-RED", 2, 3).await;
    let bought = |kind: &'static str, what: &'static str, days: &'static str| {
        vec![
            ("bought_kind", kind),
            ("bought", what),
            ("bought_days", days),
        ]
    };
    // Three days reach back to the day before yesterday, two days to yesterday only. A sale of
    // a Tops item counts for its parent Apparel, and for the root group.
    assert_counts(
        &marketing,
        &[
            (bought("item", "TEE-BLK-M", "3"), "2 customers"),
            (bought("item", "Black Tee M", "2"), "1 customer"),
            (bought("item", "CAP-RED", "3"), "1 customer"),
            (bought("item", "CAP-RED", "2"), "0 customers"),
            (bought("item_group", "Tops", "3"), "2 customers"),
            (bought("item_group", "Apparel", "3"), "2 customers"),
            (bought("item_group", "Apparel", "2"), "1 customer"),
            (bought("item_group", "All Item Groups", "3"), "3 customers"),
            (bought("brand", "Northwind", "3"), "2 customers"),
            (bought("brand", "Northwind", "2"), "1 customer"),
        ],
    )
    .await;

    // Ben's sale is cancelled: he bought nothing.
    let cancelled = till
        .post(
            &format!("/api/v1/invoices/{}/cancel", invoice_id(2)),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    // Dee brings her tee back today: she still bought one two days ago.
    let back = serde_json::json!({
        "id": invoice_id(4), "number": "SEG-R4", "posted_at": chrono::Utc::now().to_rfc3339(),
        "customer_id": uuid("Dee"), "return_against": invoice_id(1),
        "lines": [{"item_code": "TEE-BLK-M", "qty": "-1", "price_list_rate": "19.99"}],
        "payments": [{"mode": "cash", "amount": "-19.99"}],
        "totals": {"net_total": "-19.99", "grand_total": "-19.99"}
    });
    let returned = till.post("/api/v1/invoices", &back).await;
    assert_eq!(returned.status, StatusCode::CREATED, "{:?}", returned.json);
    assert_counts(
        &marketing,
        &[
            (bought("item", "TEE-BLK-M", "3"), "1 customer"),
            (bought("item", "TEE-BLK-M", "2"), "0 customers"),
            (bought("item_group", "Apparel", "3"), "1 customer"),
            (bought("brand", "Northwind", "2"), "0 customers"),
            (bought("item_group", "All Item Groups", "3"), "2 customers"),
        ],
    )
    .await;

    // Head office moves Tops under a new group Basics and gives the tee brand Harbor: the
    // counts follow at once.
    app.sql(
        "INSERT INTO item_groups (name, parent_id) \
         SELECT 'Basics', id FROM item_groups WHERE name = 'All Item Groups'",
    );
    app.sql(
        "UPDATE item_groups SET parent_id = (SELECT id FROM item_groups WHERE name = 'Basics') \
         WHERE name = 'Tops'",
    );
    app.sql("INSERT INTO brands (name) VALUES ('Harbor')");
    app.sql(
        "UPDATE items SET brand_id = (SELECT id FROM brands WHERE name = 'Harbor') \
         WHERE item_code = 'TEE-BLK-M'",
    );
    assert_counts(
        &marketing,
        &[
            (bought("item_group", "Basics", "3"), "1 customer"),
            (bought("item_group", "Tops", "3"), "1 customer"),
            (bought("item_group", "Apparel", "3"), "0 customers"),
            (bought("brand", "Northwind", "3"), "0 customers"),
            (bought("brand", "Harbor", "3"), "1 customer"),
        ],
    )
    .await;

    // What the fold and the catalogue's moves kept is what a rebuild makes from the invoices:
    // each customer's items, groups and brands with the days since they last bought them.
    let goods = || {
        app.text(
            "SELECT string_agg(x, ';' ORDER BY x) AS t FROM ( \
               SELECT concat_ws(',', c.first_name, i.item_code, current_date - g.last_day) AS x \
               FROM customer_goods g JOIN customers c ON c.id = g.customer_id \
               JOIN items i ON i.id = g.item_id \
               UNION ALL \
               SELECT concat_ws(',', c.first_name, i.name, current_date - g.last_day) \
               FROM customer_goods_groups g JOIN customers c ON c.id = g.customer_id \
               JOIN item_groups i ON i.id = g.item_group_id \
               UNION ALL \
               SELECT concat_ws(',', c.first_name, b.name, current_date - g.last_day) \
               FROM customer_goods_brands g JOIN customers c ON c.id = g.customer_id \
               JOIN brands b ON b.id = g.brand_id) y",
        )
    };
    let kept = "Cy,All Item Groups,2;Cy,CAP-RED,2;Dee,Harbor,2;Dee,TEE-BLK-M,2;Dee,Tops,2";
    assert_eq!(goods(), kept);
    app.sql("SELECT refold_customer_goods(NULL, NULL)");
    assert_eq!(goods(), kept);

    // Cy buys a cap today, then an offline till sends the cap it sold him five days ago: his
    // last cap stays today's. When today's is cancelled it is the one of two days ago again.
    let fold = || patron::db::fold::fold(&mut app.conn()).unwrap();
    sale(&till, &uuid("Cy"), "CAP-RED", 0, 5).await;
    fold();
    sale(&till, &uuid("Cy"), "CAP-RED", 5, 6).await;
    fold();
    let cy = "Cy,All Item Groups,0;Cy,CAP-RED,0";
    assert!(goods().starts_with(cy), "{}", goods());
    let cancelled = till
        .post(
            &format!("/api/v1/invoices/{}/cancel", invoice_id(5)),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    fold();
    assert_eq!(goods(), kept);
}

#[actix_web::test]
async fn counts_stay_exact_as_the_stored_year_moves_sales_come_in_and_customers_change() {
    let (app, company, till) = known_with_till().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // As if the nightly job last ran 40 days ago: Cy's sale of 400 days ago is in the stored
    // year, and the count must take it out again.
    app.sql("UPDATE customer_fact_years SET last_day = current_date - 40");
    app.sql("SELECT refold_customer_facts(NULL, NULL)");
    assert_eq!(year_sales(&app, "Cy"), 1);
    // Ana and Ben bought in the year; Ben spent $50.00, Cy and Dee nothing (Cy's $80.00 is
    // older); only Ana bought in the last 30 days (a short period reads its own days).
    let year = [
        (vec![("sales_min", "1")], "2 customers"),
        (vec![("spent_max", "60")], "3 customers"),
        (vec![("sales_min", "1"), ("sales_days", "30")], "1 customer"),
    ];
    assert_counts(&marketing, &year).await;

    // Computing RFM (as the nightly job does) moves the stored year to today: same counts.
    let page = marketing.post_form("/segments/rfm", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!(
            "SELECT (current_date - last_day)::bigint AS n FROM customer_fact_years WHERE company_id = {company}"
        )),
        0
    );
    assert_eq!(year_sales(&app, "Cy"), 0);
    assert_eq!(year_sales(&app, "Ana"), 5);
    assert_counts(&marketing, &year).await;

    // Dee buys at the till: counted the moment the form asks (the page folds first).
    let dee = crate::common::coupons::uuid_of(&app, "Dee");
    sale_two_days_ago(&till, &dee).await;
    assert_counts(
        &marketing,
        &[
            (vec![("sales_min", "1")], "3 customers"),
            (vec![("recent_days", "30")], "2 customers"),
            (vec![("lapsed_days", "90")], "2 customers"),
        ],
    )
    .await;

    // Head office deactivates Ana and gives Ben a March birthday: counted as they are now.
    let ana =
        app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana' AND last_name = 'Lima'");
    let (hq, _) = app.signed_in(Role::HqManager).await;
    hq.get(&format!("/customers/{ana}")).await;
    let page = hq
        .post_form(&format!("/customers/{ana}/deactivate"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(counted(&marketing, &[]).await, "3 customers");
    app.sql("UPDATE customers SET birthday = '1985-03-02' WHERE first_name = 'Ben'");
    assert_eq!(
        counted(&marketing, &[("birthday_month", "3")]).await,
        "2 customers"
    );

    // RFM again: Ana is no longer scored, the rest are ranked among themselves (Dee's tee came
    // to less than Ben's $50.00; Ben and Dee made one sale each in the year, Cy none).
    let page = marketing.post_form("/segments/rfm", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let scores = app.text(&format!(
        "SELECT string_agg(c.first_name || ' ' || r.recency || r.frequency || r.monetary, ', ' \
                           ORDER BY c.first_name) AS t \
         FROM customer_rfm r JOIN customers c ON c.id = r.customer_id WHERE r.company_id = {company}"
    ));
    assert_eq!(scores, "Ben 335, Cy 111, Dee 533");
}

/// The names the count's sample lists, in its order.
async fn sample(client: &TestClient, fields: &[(&str, &str)]) -> Vec<String> {
    let page = client.post_form("/segments/count", fields).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.body
        .split("<li><a href=\"/customers/")
        .skip(1)
        .map(|li| li[li.find('>').unwrap() + 1..li.find("</a>").unwrap()].to_owned())
        .collect()
}

#[actix_web::test]
async fn the_sample_is_the_newest_twenty_members_whether_the_segment_is_broad_or_thin() {
    // 30 more customers, the last ten in another group: a broad segment finds its sample among
    // the newest customers, a thin one (under a sample's worth) is counted and listed whole.
    let (app, _) = known().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    app.sql(
        "INSERT INTO customer_groups (name, parent_id) \
         SELECT 'Sampled', min(id) FROM customer_groups",
    );
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT 'New' || lpad(n::text, 2, '0'), 'Sampled', \
                CASE WHEN n > 20 THEN (SELECT id FROM customer_groups WHERE name = 'Sampled') \
                     ELSE (SELECT min(id) FROM customer_groups) END, \
                (SELECT min(id) FROM territories) \
         FROM generate_series(1, 30) n ORDER BY n",
    );
    let every = app.count(
        "SELECT count(*) AS n FROM customers c WHERE active AND NOT EXISTS \
         (SELECT 1 FROM pos_profiles p WHERE p.default_customer_id = c.id)",
    );
    assert_eq!(counted(&marketing, &[]).await, format!("{every} customers"));
    let newest: Vec<String> = (11..=30).rev().map(|n| format!("New{n} Sampled")).collect();
    assert_eq!(sample(&marketing, &[]).await, newest);

    let group = app
        .count("SELECT id AS n FROM customer_groups WHERE name = 'Sampled'")
        .to_string();
    let fields = [("customer_group_id", group.as_str())];
    assert_eq!(counted(&marketing, &fields).await, "10 customers");
    assert_eq!(sample(&marketing, &fields).await, newest[..10]);
}

#[actix_web::test]
async fn a_saved_segment_is_written_down_and_its_count_sample_and_csv_agree() {
    let (app, _) = known().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing
        .post_form(
            "/segments",
            &[
                ("name", "Lapsed"),
                ("description", ""),
                ("lapsed_days", "90"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = app.count("SELECT id AS n FROM segments WHERE name = 'Lapsed'");
    let page = marketing.get(&format!("/segments/{id}")).await;
    page.assert_contains("Saved segment Lapsed: 2 customers.");
    page.assert_contains("<li>Last purchase more than 90 days ago</li>");
    page.assert_contains("<strong>2 customers</strong>");
    page.assert_contains(">Ben Known</a>");
    page.assert_contains(">Cy Known</a>");
    page.assert_lacks(">Ana Known</a>");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM segment_members WHERE segment_id = {id}"
        )),
        2
    );
    assert_eq!(
        app.count(&format!(
            "SELECT size AS n FROM segment_sizes WHERE segment_id = {id} AND day = current_date"
        )),
        2
    );

    // The customer page names the segments the customer is in.
    let ben = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ben'");
    let card = marketing.get(&format!("/customers/{ben}")).await;
    card.assert_contains(&format!(
        r#"<a href="/segments/{id}">Lapsed</a> <span class="muted">as of "#
    ));

    // The CSV lists the same two, with what a mailing tool needs.
    let csv = marketing
        .get(&format!("/segments/{id}/customers.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "Customer Code,Name,Mobile,Email,Last Purchase,Net Spend"
    );
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert!(lines.iter().any(|l| l.contains("Ben Known,555-0002")));
    assert!(lines.iter().any(|l| l.contains("Cy Known,555-0003,,")));

    // Edited, saved again and written down again; each step is in the audit log.
    let page = marketing
        .post_form(
            &format!("/segments/{id}"),
            &[("name", "Lapsed"), ("lapsed_days", "300")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM segment_members WHERE segment_id = {id}"
        )),
        1
    );
    let actions = app.text(&format!(
        "SELECT string_agg(action, ',' ORDER BY id) AS t FROM audit_log \
         WHERE entity = 'segment' AND entity_id = '{id}'"
    ));
    assert_eq!(actions, "create,export,update");

    // A name is one per company.
    let again = marketing
        .post_form("/segments", &[("name", "lapsed")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_contains("Another segment is called lapsed.");
}

#[actix_web::test]
async fn a_store_supervisor_sees_no_segments_and_a_reader_only_reads() {
    let (app, _) = known().await;
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    for path in ["/segments", "/segments/new"] {
        assert_eq!(
            supervisor.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        supervisor.post_form("/segments/count", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let ben = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ben'");
    let page = supervisor.get(&format!("/customers/{ben}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_lacks("segments-panel");
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let list = hq.get("/segments").await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_lacks("New segment");
    assert_eq!(hq.get("/segments/new").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        hq.post_form("/segments/rfm", &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn the_count_follows_the_form_in_a_browser() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, _) = known().await;
    let user = app.user(Role::Marketing);
    let (browser, _profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    for width in [1366, 390] {
        browser.set_window_size(width, 900).await.unwrap();
        browser
            .goto(&format!("{}/segments/new", app.base))
            .await
            .unwrap();
        text_of(
            &browser,
            Locator::XPath("//div[@id='segment-count']//strong[.='4 customers']"),
        )
        .await;
        type_into(&browser, "#f-lapsed_days", "90").await;
        let told = text_of(
            &browser,
            Locator::XPath("//div[@id='segment-count'][.//strong[.='2 customers']]"),
        )
        .await;
        assert!(
            told.contains("Last purchase more than 90 days ago"),
            "{told}"
        );
        assert_fits(&browser, "the segment form").await;
        save_screenshot(&browser, &format!("segments-{width}-form")).await;
    }
    type_into(&browser, "#f-name", "Lapsed").await;
    browser
        .find(Locator::Css("button.btn-primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_of(
        &browser,
        Locator::XPath("//*[contains(., 'Saved segment Lapsed: 2 customers.')]"),
    )
    .await;
}
