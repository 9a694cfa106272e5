//! The report rollups the invoice pipeline keeps: exact figures after sales, an offer, a coupon,
//! a delivery charge, a return, a cancel and sales of one customer made at once, and equal to
//! what `patron reports rebuild` makes again from the invoices. The customers' lifetime, month
//! and cohort figures are read after a fold, as every report reads them.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::shop::shop;
use crate::common::{ApiClient, TestApp, coupons, offers};

/// Folds the customers the sales so far noted, as a report does before it reads.
fn fold(app: &TestApp) {
    patron::db::fold::fold(&mut app.conn()).unwrap();
}

/// Every rollup as comparable lines (slots summed, rows that sum to nothing left out).
fn rollups(app: &TestApp) -> Vec<String> {
    fold(app);
    let mut lines = Vec::new();
    for (table, key, figures) in [
        (
            "rollup_customer_days",
            "day, customer_id, store_id",
            "sum(sales), sum(returns), sum(net_sales), sum(discount)",
        ),
        (
            "rollup_store_days",
            "day, store_id, sales_person_id",
            "sum(sales), sum(returns), sum(net_sales), sum(discount), sum(delivery)",
        ),
        (
            "rollup_delivery_days",
            "day, store_id, label",
            "sum(charges), sum(amount)",
        ),
        (
            "rollup_offer_days",
            "day, offer_id, store_id",
            "sum(sales), sum(discount), sum(free_qty), sum(revenue)",
        ),
        (
            "rollup_coupon_days",
            "day, coupon_id",
            "sum(uses), sum(discount), sum(revenue)",
        ),
    ] {
        let text = app.text(&format!(
            "SELECT coalesce(string_agg(line, E'\\n' ORDER BY line), '') AS t FROM ( \
               SELECT '{table}: ' || concat_ws(',', {key}, {figures}) AS line FROM {table} \
               GROUP BY {key} HAVING {figures_nonzero}) x",
            figures_nonzero = figures
                .split("), ")
                .map(|f| format!("{})::numeric <> 0", f.trim_end_matches(')')))
                .collect::<Vec<_>>()
                .join(" OR ")
        ));
        lines.extend(text.lines().map(str::to_owned));
    }
    // Lifetimes, months and goods bought of named customers.
    let lifetimes = app.text(
        "SELECT coalesce(string_agg(line, E'\\n' ORDER BY line), '') AS t FROM ( \
           SELECT 'customer_purchases: ' || concat_ws(',', company_id, customer_id, \
                  sales, returns, net_sales, discount, first_purchase, second_purchase, \
                  last_purchase, last_store_id, net_ceiling) AS line \
           FROM customer_purchases WHERE sales <> 0 OR returns <> 0 \
           UNION ALL \
           SELECT 'rollup_customer_months: ' || concat_ws(',', company_id, month, customer_id, \
                  sales, returns, net_sales, discount) \
           FROM rollup_customer_months WHERE sales <> 0 OR returns <> 0 \
           UNION ALL \
           SELECT 'rollup_cohort_months: ' || concat_ws(',', company_id, month, sum(buyers), \
                  sum(new_customers), sum(back_30), sum(back_90)) \
           FROM rollup_cohort_months GROUP BY company_id, month \
           HAVING sum(abs(buyers) + abs(new_customers)) <> 0 \
           UNION ALL \
           SELECT 'customer_goods: ' || concat_ws(',', company_id, customer_id, item_id, \
                  last_day) \
           FROM customer_goods \
           UNION ALL \
           SELECT 'customer_goods_groups: ' || concat_ws(',', company_id, customer_id, \
                  item_group_id, last_day) \
           FROM customer_goods_groups \
           UNION ALL \
           SELECT 'customer_goods_brands: ' || concat_ws(',', company_id, customer_id, brand_id, \
                  last_day) \
           FROM customer_goods_brands) x",
    );
    lines.extend(lifetimes.lines().map(str::to_owned));
    lines
}

fn uuid(n: u32) -> String {
    format!("0c000000-0000-4000-8000-{n:012}")
}

/// Sale `n` of `qty` black tees to `customer` (a code; none: the Walk-in), priced by the server.
async fn priced_sale(till: &ApiClient, n: u32, qty: u32, customer: Option<&str>) -> Value {
    let priced = till
        .post(
            "/api/v1/carts/evaluate",
            &json!({"lines": [{"item_code": "TEE-BLK-M", "qty": qty.to_string(), "price_list_rate": "19.99"}],
                    "customer_code": customer, "posted_at": "2026-11-20T14:03:00Z"}),
        )
        .await;
    assert_eq!(priced.status, StatusCode::OK, "{:?}", priced.json);
    json!({
        "id": uuid(n), "number": format!("R-{n}"), "posted_at": "2026-11-20T14:03:00Z",
        "customer_code": customer, "lines": priced.json["lines"], "totals": priced.json["totals"],
        "payments": [{"mode": "cash", "amount": priced.json["totals"]["grand_total"]}]
    })
}

async fn submit(till: &ApiClient, body: &Value) -> Value {
    let made = till.post("/api/v1/invoices", body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    made.json
}

/// Sales `numbers` of one tee each to `customer`, all sent at once.
async fn sell_at_once(till: &ApiClient, numbers: std::ops::Range<u32>, customer: Option<&str>) {
    let mut sales = Vec::new();
    for n in numbers {
        sales.push(priced_sale(till, n, 1, customer).await);
    }
    let made = join_all(sales.iter().map(|body| till.post("/api/v1/invoices", body))).await;
    assert!(made.iter().all(|m| m.status == StatusCode::CREATED));
}

#[actix_web::test]
async fn the_pipeline_keeps_rollups_that_a_rebuild_makes_again() {
    let (app, till) = shop().await;
    offers::percent_off(&app, "Tees 10%", "TEE-BLK-M", 10);
    // The coupon's offer beats the automatic one, so that the coupon brings its own discount.
    let mut flyer = offers::terms("Tees 20% coupon", "item_price");
    flyer.apply_on = "item_code".into();
    flyer.apply_on_id = Some(offers::item(&app, "TEE-BLK-M"));
    flyer.discount_percentage = 20.into();
    flyer.auto = false;
    let coupon_offer = offers::make(&app, flyer);
    coupons::make(&app, coupon_offer, "FLYER", 0);

    // Ana: 3 tees with the offer (59.97 less 6.00), Express delivery, sold by EMP-004.
    let mut ana = priced_sale(&till, 1, 3, Some("CUST-00002")).await;
    ana["delivery_charge"] = "Express".into();
    ana["sales_person"] = "EMP-004".into();
    ana["totals"]["grand_total"] = "63.47".into();
    ana["payments"][0]["amount"] = "63.47".into();
    submit(&till, &ana).await;
    // One of them comes back.
    let back = json!({
        "id": uuid(2), "number": "R-2", "posted_at": "2026-11-20T16:00:00Z",
        "customer_code": "CUST-00002", "return_against": uuid(1),
        "lines": [{"item_code": "TEE-BLK-M", "qty": "-1", "price_list_rate": "19.99", "discount_amount": "-2.00", "offer": "Tees 10%"}],
        "totals": {"net_total": "-17.99", "discount_amount": "-2.00", "grand_total": "-17.99"},
        "payments": [{"mode": "cash", "amount": "-17.99"}]
    });
    submit(&till, &back).await;
    // The Walk-in with the coupon; a sale that is then cancelled.
    let coupon = coupons::sale(&till, &uuid(3), 2, None, &["FLYER"]).await;
    submit(&till, &coupon).await;
    submit(&till, &priced_sale(&till, 4, 1, None).await).await;
    let cancelled = till
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(4)), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    // Bea buys on the 20th and the 21st; the 21st's sale is cancelled: her last purchase is
    // the 20th again.
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT 'Bea', 'Costa', min(g.id), min(t.id) FROM customer_groups g, territories t",
    );
    let bea = app.text("SELECT code AS t FROM customers WHERE first_name = 'Bea'");
    submit(&till, &priced_sale(&till, 5, 1, Some(&bea)).await).await;
    let mut later = priced_sale(&till, 6, 1, Some(&bea)).await;
    later["posted_at"] = "2026-11-21T15:00:00Z".into();
    submit(&till, &later).await;
    let lifetime = |first_name: &str| {
        fold(&app);
        app.text(&format!(
            "SELECT concat_ws(',', sum(p.sales), sum(p.returns), sum(p.net_sales), \
                    min(p.first_purchase), max(p.second_purchase), max(p.last_purchase)) AS t \
             FROM customer_purchases p JOIN customers c ON c.id = p.customer_id \
             WHERE c.first_name = '{first_name}'"
        ))
    };
    assert_eq!(
        lifetime("Bea"),
        "2,0,35.9800,2026-11-20,2026-11-21,2026-11-21"
    );
    // November's new customers (Ana, Bea), buyers, and those back within 30 days: Bea.
    let november = || {
        fold(&app);
        app.text(
            "SELECT concat_ws(',', sum(new_customers), sum(buyers), sum(back_30), sum(back_90)) \
             AS t FROM rollup_cohort_months WHERE month = '2026-11-01'",
        )
    };
    assert_eq!(november(), "2,2,1,1");
    let cancelled = till
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(6)), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    assert_eq!(lifetime("Bea"), "1,0,17.9900,2026-11-20,2026-11-20");
    // Her second purchase is gone: she no longer counts as back.
    assert_eq!(november(), "2,2,0,0");
    assert_eq!(
        app.text(
            "SELECT concat_ws(',', m.month, m.sales, m.net_sales) AS t FROM rollup_customer_months m \
             JOIN customers c ON c.id = m.customer_id WHERE c.first_name = 'Bea'"
        ),
        "2026-11-01,1,17.9900"
    );
    // Eight tills sell to the Walk-in at once while the fold runs again and again: a fold
    // moves what it takes whole, and what a sale is still writing waits for the next one.
    let mut conn = app.conn();
    let folds = tokio::task::spawn_blocking(move || {
        for _ in 0..20 {
            patron::db::fold::fold(&mut conn).unwrap();
        }
    });
    sell_at_once(&till, 10..18, None).await;
    folds.await.unwrap();
    // And eight sell to Cai, a new customer, at once: all eight on one lifetime row, and Cai
    // one new customer and one buyer of November however the tills raced to make that row.
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT 'Cai', 'Dias', min(g.id), min(t.id) FROM customer_groups g, territories t",
    );
    let cai = app.text("SELECT code AS t FROM customers WHERE first_name = 'Cai'");
    sell_at_once(&till, 20..28, Some(&cai)).await;
    assert_eq!(lifetime("Cai"), "8,0,143.9200,2026-11-20,2026-11-20");
    assert_eq!(november(), "3,3,0,0");

    let customer_day = |first_name: &str| {
        app.text(&format!(
            "SELECT concat_ws(',', sum(sales), sum(returns), sum(net_sales), sum(discount)) AS t \
             FROM rollup_customer_days r JOIN customers c ON c.id = r.customer_id \
             WHERE c.first_name = '{first_name}' AND r.day = '2026-11-20'"
        ))
    };
    // Ana: 53.97 sold, 17.99 back; 6.00 discount, 2.00 of it back.
    assert_eq!(customer_day("Ana"), "1,1,35.9800,4.0000");
    // The Walk-in: two tees at the coupon's 20% off (31.98), eight single ones at 10% off (17.99
    // each), and the cancelled sale nowhere.
    assert_eq!(customer_day("Walk-in"), "9,0,175.9000,24.0000");
    assert_eq!(
        app.text(
            "SELECT concat_ws(',', sum(charges), sum(amount)) AS t FROM rollup_delivery_days \
             WHERE label = 'Express'"
        ),
        "1,9.5000"
    );
    assert_eq!(
        app.text(
            "SELECT sum(sales)::text AS t FROM rollup_store_days r \
             JOIN sales_persons p ON p.id = r.sales_person_id WHERE p.employee_code = 'EMP-004'"
        ),
        "1"
    );
    // What the coupon brought in: one use, its offer's 20% of two tees, the sale's revenue.
    assert_eq!(
        app.text(
            "SELECT concat_ws(',', sum(uses), sum(discount), sum(revenue)) AS t \
             FROM rollup_coupon_days r JOIN coupons k ON k.id = r.coupon_id WHERE k.code = 'FLYER'"
        ),
        "1,8.0000,31.9800"
    );
    assert_eq!(
        app.text(
            "SELECT concat_ws(',', o.title, sum(r.sales), sum(r.discount), sum(r.revenue)) AS t \
             FROM rollup_offer_days r JOIN offers o ON o.id = r.offer_id \
             GROUP BY o.title ORDER BY o.title LIMIT 1"
        ),
        // Ana's sale (6.00 off), Bea's kept one and the sixteen single tees (2.00 off each);
        // the cancelled sales taken off again; Ana's return gives back 2.00 and 17.99 of
        // revenue, and is no sale.
        "Tees 10%,18,38.0000,341.8100"
    );
    // Ana's lifetime: one sale, one return, both on the 20th.
    assert_eq!(lifetime("Ana"), "1,1,35.9800,2026-11-20,2026-11-20");
    // Concurrent sales of one customer append their day rather than queue on one row, and the
    // fold leaves nothing behind: the Walk-in's sales are one row per store and day. The
    // store's default customer keeps no lifetime or month row at all (no list shows them), a
    // named customer keeps one.
    assert_eq!(app.count("SELECT count(*) AS n FROM unfolded_days"), 0);
    assert_eq!(
        app.text(
            "SELECT concat_ws(',', count(*) > 0, count(*) = count(DISTINCT (r.store_id, r.day))) AS t \
             FROM rollup_customer_days r JOIN customers c ON c.id = r.customer_id \
             WHERE c.first_name = 'Walk-in'"
        ),
        "t,t"
    );
    for (table, first_name, rows) in [
        ("customer_purchases", "Walk-in", 0),
        ("rollup_customer_months", "Walk-in", 0),
        ("customer_purchases", "Bea", 1),
    ] {
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM {table} r JOIN customers c ON c.id = r.customer_id \
                 WHERE c.first_name = '{first_name}'"
            )),
            rows,
            "{table} of {first_name}"
        );
    }

    let kept = rollups(&app);
    assert!(kept.len() >= 4, "{kept:?}");
    let rebuilt = patron::reports::rebuild::rebuild(&mut app.conn(), None, |_, _| {}).unwrap();
    assert_eq!(rebuilt.invoices, 1 + 1 + 1 + 1 + 8 + 8);
    assert_eq!(rollups(&app), kept);
}

#[actix_web::test]
async fn merging_two_customers_moves_their_rollups_as_a_rebuild_would() {
    let (app, till) = shop().await;
    for first_name in ["Bea", "Cai"] {
        app.sql(&format!(
            "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
             SELECT '{first_name}', 'Costa', min(g.id), min(t.id) \
             FROM customer_groups g, territories t"
        ));
    }
    let code = |first_name: &str| {
        app.text(&format!(
            "SELECT code AS t FROM customers WHERE first_name = '{first_name}'"
        ))
    };
    let (bea, cai) = (code("Bea"), code("Cai"));
    // Bea buys on the 20th; Cai, her duplicate record, on the 20th and in December.
    submit(&till, &priced_sale(&till, 1, 1, Some(&bea)).await).await;
    submit(&till, &priced_sale(&till, 2, 2, Some(&cai)).await).await;
    let mut december = priced_sale(&till, 3, 1, Some(&cai)).await;
    december["posted_at"] = "2026-12-02T15:00:00Z".into();
    submit(&till, &december).await;

    let (hq, _) = app.signed_in(patron_rules::users::Role::HqManager).await;
    let id = |first_name: &str| {
        app.count(&format!(
            "SELECT id AS n FROM customers WHERE first_name = '{first_name}'"
        ))
        .to_string()
    };
    let done = hq
        .post_form(
            "/customers/merge",
            &[("keep", &id("Bea")), ("merge", &id("Cai"))],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    // Bea now has all three sales, bought on the 20th and again on 2 December (within 30
    // days: back), and Cai nothing left in any rollup.
    assert_eq!(
        app.text(
            "SELECT concat_ws(',', p.sales, p.net_sales, p.first_purchase, p.second_purchase, \
                    p.last_purchase) AS t \
             FROM customer_purchases p JOIN customers c ON c.id = p.customer_id \
             WHERE c.first_name = 'Bea'"
        ),
        "3,79.9600,2026-11-20,2026-12-02,2026-12-02"
    );
    for table in [
        "rollup_customer_days",
        "rollup_customer_months",
        "customer_purchases",
        "customer_goods",
        "customer_goods_groups",
    ] {
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM {table} r JOIN customers c ON c.id = r.customer_id \
                 WHERE c.first_name = 'Cai'"
            )),
            0,
            "{table}"
        );
    }
    assert_eq!(
        app.text(
            "SELECT concat_ws(',', sum(new_customers), sum(back_30)) AS t \
             FROM rollup_cohort_months WHERE month = '2026-11-01'"
        ),
        "1,1"
    );
    // Bea bought a tee last on 2 December (Cai's sale, now hers): a segment of tee buyers
    // counts her.
    assert_eq!(
        app.text(
            "SELECT string_agg(concat_ws(',', i.item_code, g.last_day), ';') AS t \
             FROM customer_goods g JOIN customers c ON c.id = g.customer_id \
             JOIN items i ON i.id = g.item_id WHERE c.first_name = 'Bea'"
        ),
        "TEE-BLK-M,2026-12-02"
    );
    let kept = rollups(&app);
    patron::reports::rebuild::rebuild(&mut app.conn(), None, |_, _| {}).unwrap();
    assert_eq!(rollups(&app), kept);
}
