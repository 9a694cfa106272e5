//! The sales reports on a small known data set, in a company on New York time: two stores, two
//! sales persons with their commission, a delivery charge, a sale at 23:30 local, a return, a
//! cancelled sale and a customer who stopped buying. Each report's figures, the supervisor's
//! view limited to their store (page and CSV), the CSV against the page, the print view; and
//! reports read from a real streaming replica of the test cluster.

use chrono::{NaiveDate, Utc};
use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::shop::shop;
use crate::common::{ApiClient, TestApp, TestClient};

fn uuid(n: u32) -> String {
    format!("0d000000-0000-4000-8000-{n:012}")
}

/// Sale `n` to `customer` at `posted_at` of `lines` (item code, qty, rate), in cash.
fn sale(n: u32, customer: &str, posted_at: &str, lines: &[(&str, i32, &str)]) -> Value {
    let total: rust_decimal::Decimal = lines
        .iter()
        .map(|(_, qty, rate)| {
            rust_decimal::Decimal::from(*qty) * rate.parse::<rust_decimal::Decimal>().unwrap()
        })
        .sum();
    json!({
        "id": uuid(n), "number": format!("T-{n}"), "posted_at": posted_at, "customer_code": customer,
        "lines": lines.iter().map(|(code, qty, rate)| json!({"item_code": code, "qty": qty.to_string(), "price_list_rate": rate})).collect::<Vec<_>>(),
        "payments": [{"mode": "cash", "amount": total.to_string()}],
        "totals": {"net_total": total.to_string(), "discount_amount": "0", "grand_total": total.to_string()}
    })
}

async fn submit(till: &ApiClient, body: &Value) {
    let made = till.post("/api/v1/invoices", body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
}

/// The shop's sales of 20 and 21 November 2026 (New York), and Bea's one sale in June.
async fn known_sales(app: &TestApp, north: &ApiClient) {
    app.sql("UPDATE companies SET time_zone = 'America/New_York'");
    app.sql("UPDATE sales_persons SET commission_rate = 5 WHERE employee_code = 'EMP-004'");
    app.sql("UPDATE sales_persons SET commission_rate = 10 WHERE employee_code = 'EMP-009'");
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id, mobile) \
         SELECT 'Bea', 'Old', min(g.id), min(t.id), '+1 555 0100' FROM customer_groups g, territories t",
    );
    let south_store = app.store("SOUTH");
    app.sql(&format!(
        "INSERT INTO pos_profile_sales_persons SELECT p.id, s.id FROM pos_profiles p, sales_persons s \
         WHERE p.store_id = {south_store} AND s.employee_code = 'EMP-009'"
    ));
    let south = app.terminal(&app.terminal_token("SOUTH"));

    // 20 Nov, 15:00: two tees for Ana by Diego, delivered (Express 9.50).
    let mut first = sale(
        1,
        "CUST-00002",
        "2026-11-20T20:00:00Z",
        &[("TEE-BLK-M", 2, "19.99")],
    );
    first["sales_person"] = "EMP-004".into();
    first["delivery_charge"] = "Express".into();
    first["totals"]["grand_total"] = "49.48".into();
    first["payments"][0]["amount"] = "49.48".into();
    submit(north, &first).await;
    // 20 Nov, 23:30 (04:30 UTC on the 21st): one tee.
    submit(
        north,
        &sale(
            2,
            "CUST-00002",
            "2026-11-21T04:30:00Z",
            &[("TEE-BLK-M", 1, "19.99")],
        ),
    )
    .await;
    // 21 Nov at SOUTH: a cap, sold by the other sales person.
    let mut cap = sale(
        3,
        "CUST-00002",
        "2026-11-21T15:00:00Z",
        &[("CAP-RED", 1, "7.50")],
    );
    cap["sales_person"] = "EMP-009".into();
    submit(&south, &cap).await;
    // 21 Nov: one tee of the first sale comes back.
    let mut back = sale(
        4,
        "CUST-00002",
        "2026-11-21T17:00:00Z",
        &[("TEE-BLK-M", -1, "19.99")],
    );
    back["return_against"] = uuid(1).into();
    submit(north, &back).await;
    // A Walk-in sale, cancelled: it counts nowhere.
    submit(
        north,
        &sale(5, "", "2026-11-21T18:00:00Z", &[("TEE-BLK-M", 5, "19.99")]),
    )
    .await;
    let cancelled = north
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(5)), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    // Bea bought once, in June.
    submit(
        north,
        &sale(
            6,
            "CUST-00003",
            "2026-06-01T16:00:00Z",
            &[("CAP-RED", 4, "7.50")],
        ),
    )
    .await;
}

/// A supervisor of store NORTH, signed in.
async fn north_supervisor(app: &TestApp) -> TestClient {
    let (client, user) = app.signed_in(Role::StoreSupervisor).await;
    app.sql(&format!(
        "UPDATE users SET store_id = {} WHERE id = {}",
        app.store("NORTH"),
        user.id
    ));
    client
}

const NOVEMBER: &str = "from=2026-11-20&to=2026-11-21";

#[actix_web::test]
async fn sales_by_customer_counts_returns_and_the_late_sale_and_a_supervisor_sees_their_store() {
    let (app, north) = shop().await;
    known_sales(&app, &north).await;
    let (hq, _) = app.signed_in(Role::HqManager).await;

    let page = hq.get(&format!("/reports/customers?{NOVEMBER}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // 39.98 + 19.99 + 7.50 - 19.99; three sales, so an average basket of 15.83.
    page.assert_contains(r#"<a href="/customers/"#);
    page.assert_contains(
        r#"<td class="num">3</td><td class="num">1</td><td class="num">$47.48</td><td class="num">$0.00</td><td class="num">$15.83</td><td class="num">20 Nov 2026</td><td class="num">21 Nov 2026</td>"#,
    );
    page.assert_lacks("Walk-in");
    // Read from the database itself, the figures are simply current.
    page.assert_lacks("Figures as of");
    // The sale at 23:30 on the 20th belongs to the 20th.
    let twentieth = hq
        .get("/reports/customers?from=2026-11-20&to=2026-11-20")
        .await;
    twentieth.assert_contains(
        r#"<td class="num">2</td><td class="num">0</td><td class="num">$59.97</td>"#,
    );

    // The CSV has the same line, amounts as numbers, and the totals.
    let csv = hq.get(&format!("/reports/customers.csv?{NOVEMBER}")).await;
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines,
        [
            "Customer,Customer Code,Sales,Returns,Net Sales,Discounts,Average Basket,First Purchase,Last Purchase",
            "Ana Lima,CUST-00002,3,1,47.48,0.00,15.83,2026-11-20,2026-11-21",
            "Total,,3,1,47.48,0.00,15.83,2026-11-20,2026-11-21",
        ]
    );

    // A supervisor of NORTH sees NORTH's figures only, whatever store they ask for.
    let supervisor = north_supervisor(&app).await;
    let south = app.store("SOUTH");
    let theirs = supervisor
        .get(&format!("/reports/customers?{NOVEMBER}&store={south}"))
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    theirs.assert_contains(
        r#"<td class="num">2</td><td class="num">1</td><td class="num">$39.98</td>"#,
    );
    theirs.assert_lacks("Store SOUTH");
    let their_csv = supervisor
        .get(&format!("/reports/customers.csv?{NOVEMBER}&store={south}"))
        .await;
    assert!(
        their_csv
            .body
            .contains("Ana Lima,CUST-00002,2,1,39.98,0.00,19.99,2026-11-20,2026-11-20"),
        "{}",
        their_csv.body
    );
    // Marketing reads every report; a store supervisor not the company-wide ones.
    assert_eq!(
        supervisor.get("/reports/gift-cards").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn sales_by_store_shows_each_sales_persons_commission_and_a_chart() {
    let (app, north) = shop().await;
    known_sales(&app, &north).await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get(&format!("/reports/stores?{NOVEMBER}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // Diego: 39.98 at 5% is 2.00; Elsewhere: 7.50 at 10% is 0.75.
    page.assert_contains(
        r#">Diego</a></td><td class="num">1</td><td class="num">0</td><td class="num">$39.98</td><td class="num">$0.00</td><td class="num">$39.98</td><td class="num">$9.50</td><td class="num">5%</td><td class="num">$2.00</td>"#,
    );
    page.assert_contains(r#">Elsewhere</a></td><td class="num">1</td>"#);
    page.assert_contains(r#"<td class="num">10%</td><td class="num">$0.75</td>"#);
    // Totals: three sales, one return, 47.48 net, 9.50 delivery.
    page.assert_contains(
        r#"<tr class="totals"><td>Total</td><td></td><td class="num">3</td><td class="num">1</td><td class="num">$47.48</td>"#,
    );
    // The chart has a bar for each of the two days.
    page.assert_contains("Net sales per day");
    page.assert_contains("<title>20 Nov 2026: $59.97</title>");
    page.assert_contains("<title>21 Nov 2026: -$12.49</title>");

    // Delivery charges: NORTH's Express, once.
    let delivery = marketing
        .get(&format!("/reports/delivery?{NOVEMBER}"))
        .await;
    delivery.assert_contains(
        r#"<td>Store NORTH</td><td>Express</td><td class="num">1</td><td class="num">$9.50</td>"#,
    );

    // The print view: no navigation, the filters and when it was run at the top.
    let print = marketing
        .get(&format!("/reports/stores?{NOVEMBER}&print=1"))
        .await;
    print.assert_lacks(r#"class="sidebar""#);
    print.assert_lacks("Download CSV");
    print.assert_contains("20 Nov 2026 – 21 Nov 2026 · All stores");
    print.assert_contains("Run ");
}

#[actix_web::test]
async fn lapsed_customers_are_those_who_stopped_buying_with_their_mobile() {
    let (app, north) = shop().await;
    known_sales(&app, &north).await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    // A lapse that starts in August 2026 whatever today is: Bea (June) lapsed, Ana (November)
    // did not.
    let today = Utc::now().date_naive();
    let days = (today - NaiveDate::from_ymd_opt(2026, 8, 1).unwrap()).num_days();
    let page = hq.get(&format!("/reports/lapsed?days={days}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(">Bea Old</a>");
    page.assert_contains("+1 555 0100");
    page.assert_contains(r#"<td class="num">1 Jun 2026</td>"#);
    page.assert_contains(r#"<td class="num">$30.00</td>"#);
    page.assert_lacks("Ana Lima");
    let csv = hq.get(&format!("/reports/lapsed.csv?days={days}")).await;
    assert!(
        csv.body
            .contains(",CUST-00003,+1 555 0100,Store NORTH,2026-06-01,"),
        "{}",
        csv.body
    );
    let wrong = hq.get("/reports/lapsed?days=0").await;
    assert_eq!(wrong.status, StatusCode::OK);
    wrong.assert_contains("A number of days from 1 to 3,650.");
}

#[actix_web::test]
async fn the_reports_menu_lists_what_each_role_may_read() {
    let app = TestApp::spawn().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let menu = marketing.get("/reports").await;
    menu.assert_contains(r#"<a href="/reports/customers">Sales by Customer</a>"#);
    menu.assert_contains(r#"<a href="/reports/referrals">Referral Funnel</a>"#);
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    let theirs = supervisor.get("/reports").await;
    theirs.assert_contains("You see your store's figures.");
    theirs.assert_lacks("Referral Funnel");
    let bad = marketing.get("/reports/customers?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::OK);
    bad.assert_contains("Dates look like 2026-11-23.");
}

/// Resumes the replica's replay when the test ends, however it ends.
struct Resume(String);

impl Drop for Resume {
    fn drop(&mut self) {
        use diesel::{Connection, RunQueryDsl};
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.0) {
            let _ = diesel::sql_query("SELECT pg_wal_replay_resume()").execute(&mut conn);
        }
    }
}

/// Waits until the replica has received (not necessarily replayed) all the primary wrote (up to
/// the insert position: see `wait_for_replica`).
fn wait_until_received(primary: &str, replica: &str) {
    let target = TestApp::text_at(primary, "SELECT pg_current_wal_insert_lsn()::text AS t");
    let started = std::time::Instant::now();
    while TestApp::text_at(
        replica,
        &format!("SELECT (pg_last_wal_receive_lsn() >= '{target}'::pg_lsn)::text AS t"),
    ) != "true"
    {
        assert!(
            started.elapsed().as_secs() < 60,
            "the replica did not receive {target}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[actix_web::test]
async fn reports_read_a_streaming_replica_and_say_how_fresh_it_is() {
    use crate::common::replica::{replica_url, wait_for_replica};
    let mut replica = None;
    let (app, north) = crate::common::shop::shop_with(|config| {
        let primary = config.database_url.clone().unwrap();
        if let Some(url) = replica_url(&primary) {
            wait_for_replica(&primary, &url);
            config.reports_database_url = Some(url.clone());
            replica = Some(url);
        }
    })
    .await;
    let Some(replica) = replica else {
        return;
    };
    let primary = app.db.url.clone();
    submit(
        &north,
        &sale(
            1,
            "CUST-00002",
            "2026-11-20T20:00:00Z",
            &[("TEE-BLK-M", 2, "19.99")],
        ),
    )
    .await;
    wait_for_replica(&primary, &replica);
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let report = format!("/reports/customers?{NOVEMBER}");
    let caught_up = hq.get(&report).await;
    caught_up.assert_contains(
        r#"<td class="num">1</td><td class="num">0</td><td class="num">$39.98</td>"#,
    );
    // (Whether it also says "as of" depends on the other tests writing to the same cluster: the
    // replica holds WAL it has not applied yet whenever they do. Paused, below, it always does.)

    // Replay paused, a second sale reaches the replica but is not applied: the report still
    // reads the replica's figures, and says as of when they are true.
    let _resume = Resume(replica.clone());
    TestApp::text_at(
        &replica,
        "SELECT 'paused' AS t FROM (SELECT pg_wal_replay_pause()) p",
    );
    submit(
        &north,
        &sale(
            2,
            "CUST-00002",
            "2026-11-20T21:00:00Z",
            &[("TEE-BLK-M", 2, "19.99")],
        ),
    )
    .await;
    wait_until_received(&primary, &replica);
    let behind = hq.get(&report).await;
    behind.assert_contains(
        r#"<td class="num">1</td><td class="num">0</td><td class="num">$39.98</td>"#,
    );
    behind.assert_contains("Figures as of ");
    // The primary has both sales all along.
    assert_eq!(
        app.text("SELECT sum(net_sales)::text AS t FROM rollup_customer_days"),
        "79.9600"
    );

    TestApp::text_at(
        &replica,
        "SELECT 'resumed' AS t FROM (SELECT pg_wal_replay_resume()) p",
    );
    wait_for_replica(&primary, &replica);
    let fresh = hq.get(&report).await;
    fresh.assert_contains(
        r#"<td class="num">2</td><td class="num">0</td><td class="num">$79.96</td>"#,
    );
}

#[actix_web::test]
async fn offer_effectiveness_and_coupons_say_what_each_promotion_brought_in() {
    let (app, north) = shop().await;
    crate::common::offers::percent_off(&app, "Tees 10%", "TEE-BLK-M", 10);
    let coupon_offer = crate::common::coupons::offer(&app);
    app.sql(&format!(
        "UPDATE offer_versions SET discount_percentage = 20 WHERE offer_id = {coupon_offer}"
    ));
    app.sql("INSERT INTO offer_revisions SELECT company_id, gen_random_uuid() FROM offers LIMIT 1 ON CONFLICT (company_id) DO UPDATE SET token = excluded.token");
    crate::common::coupons::make(&app, coupon_offer, "FLYER", 0);
    // Two tees with the coupon (20%: 8.00 off), then one tee at the automatic 10% (2.00 off)
    // and a cap without any offer, all on 20 November.
    let with_coupon = crate::common::coupons::sale(
        &north,
        "0e000000-0000-4000-8000-000000000001",
        2,
        None,
        &["FLYER"],
    )
    .await;
    submit(&north, &with_coupon).await;
    let one =
        crate::common::coupons::sale(&north, "0e000000-0000-4000-8000-000000000002", 1, None, &[])
            .await;
    submit(&north, &one).await;
    submit(
        &north,
        &sale(3, "", "2026-11-20T15:00:00Z", &[("CAP-RED", 1, "7.50")]),
    )
    .await;

    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let offers = marketing
        .get("/reports/offers?from=2026-11-20&to=2026-11-20")
        .await;
    assert_eq!(offers.status, StatusCode::OK);
    // The automatic offer: one sale, 2.00 off, 17.99 revenue; the store's two other sales came
    // to 31.98 + 7.50, an average basket of 19.74.
    offers.assert_contains(
        r#">Tees 10%</a></td><td class="num">1</td><td class="num">$2.00</td><td class="num">0</td><td class="num">$17.99</td><td class="num">$17.99</td><td class="num">$19.74</td>"#,
    );
    offers.assert_contains(
        r#">Tees 10% coupon</a></td><td class="num">1</td><td class="num">$8.00</td>"#,
    );
    // Sorted by Discount Given, the coupon's offer (8.00) comes first, then by the header
    // link the other way; the CSV comes in the page's order.
    let place = |body: &str, title: &str| body.find(title).unwrap_or(usize::MAX);
    for (sort, coupon_first) in [("discount-desc", true), ("discount", false)] {
        let page = marketing
            .get(&format!(
                "/reports/offers?from=2026-11-20&to=2026-11-20&sort={sort}"
            ))
            .await;
        let first = place(&page.body, ">Tees 10% coupon</a>") < place(&page.body, ">Tees 10%</a>");
        assert_eq!(first, coupon_first, "{sort}");
        let csv = marketing
            .get(&format!(
                "/reports/offers.csv?from=2026-11-20&to=2026-11-20&sort={sort}"
            ))
            .await;
        let first = place(&csv.body, "Tees 10% coupon,") < place(&csv.body, "Tees 10%,");
        assert_eq!(first, coupon_first, "CSV {sort}");
    }
    // The campaign filter: the coupon and its offer belong to "Flyers"; the automatic offer
    // to no campaign.
    app.sql(
        "INSERT INTO campaigns (company_id, name, start_date) \
         SELECT company_id, 'Flyers', '2026-01-01' FROM offers LIMIT 1",
    );
    app.sql(&format!(
        "UPDATE offer_versions SET campaign_id = (SELECT id FROM campaigns) \
         WHERE offer_id = {coupon_offer}"
    ));
    app.sql("UPDATE coupons SET campaign_id = (SELECT id FROM campaigns) WHERE code = 'FLYER'");
    let flyers = app.count("SELECT id AS n FROM campaigns");
    let page = marketing
        .get(&format!(
            "/reports/offers?from=2026-11-20&to=2026-11-20&campaign={flyers}"
        ))
        .await;
    page.assert_contains(">Tees 10% coupon</a>");
    page.assert_lacks(">Tees 10%</a>");
    page.assert_contains("Campaign Flyers");
    let page = marketing
        .get(&format!(
            "/reports/coupons?from=2026-11-20&to=2026-11-21&campaign={flyers}"
        ))
        .await;
    page.assert_contains(">FLYER</a></td><td>Tees 10% coupon</td><td>Flyers</td>");
    let unknown = marketing
        .get("/reports/coupons?from=2026-11-20&to=2026-11-21&campaign=999999")
        .await;
    unknown.assert_contains("Choose one from the list.");
    let by_discount = marketing
        .get("/reports/offers?from=2026-11-20&to=2026-11-20&sort=discount-desc")
        .await;
    by_discount.assert_contains(r#"aria-sort="descending""#);
    by_discount.assert_contains("sort=discount\"");
    let coupons = marketing
        .get("/reports/coupons?from=2026-11-20&to=2026-11-21")
        .await;
    coupons.assert_contains(
        r#">FLYER</a></td><td>Tees 10% coupon</td><td>Flyers</td><td></td><td class="num">1</td><td class="num">0.5</td><td class="num">$8.00</td><td class="num">$31.98</td>"#,
    );
    let csv = marketing
        .get("/reports/coupons.csv?from=2026-11-20&to=2026-11-21")
        .await;
    assert!(
        csv.body
            .contains("FLYER,Tees 10% coupon,Flyers,,1,0.5,8.00,31.98"),
        "{}",
        csv.body
    );
    let supervisor = north_supervisor(&app).await;
    assert_eq!(
        supervisor.get("/reports/offers").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn new_and_returning_customers_are_counted_by_the_month_of_their_first_purchase() {
    let (app, north) = shop().await;
    known_sales(&app, &north).await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq
        .get("/reports/cohorts?from=2026-06-15&to=2026-11-30")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // Bea's first purchase was in June and she never came back; Ana's in November, back the
    // next day at the other store. The Walk-in is nobody's cohort.
    page.assert_contains(
        r#"<td>June 2026</td><td class="num">1</td><td class="num">0 (0%)</td><td class="num">0 (0%)</td><td class="num">0</td>"#,
    );
    page.assert_contains(
        r#"<td>August 2026</td><td class="num">0</td><td class="num">0 (0%)</td>"#,
    );
    page.assert_contains(
        r#"<td>November 2026</td><td class="num">1</td><td class="num">1 (100%)</td><td class="num">1 (100%)</td><td class="num">0</td>"#,
    );
    // The chart: June (Bea, never back) and November (Ana, back the next day), one bar each,
    // November's filled by who came back.
    page.assert_contains("New customers per month (darker: back within 90 days)");
    page.assert_contains("<title>Jun 2026: 1, 0 back</title>");
    page.assert_contains("<title>Nov 2026: 1, 1 back</title>");
    assert_eq!(page.body.matches("class=\"bar bar-part\"").count(), 1);
    let csv = hq
        .get("/reports/cohorts.csv?from=2026-06-15&to=2026-11-30")
        .await;
    assert!(csv.body.contains("\n2026-11,1,1,1,0\n"), "{}", csv.body);
    // At NORTH alone Ana did not come back: her second sale there fell on her first day.
    let north_store = app.store("NORTH");
    let north_only = hq
        .get(&format!(
            "/reports/cohorts?from=2026-06-15&to=2026-11-30&store={north_store}"
        ))
        .await;
    north_only.assert_contains(
        r#"<td>November 2026</td><td class="num">1</td><td class="num">0 (0%)</td><td class="num">0 (0%)</td><td class="num">0</td>"#,
    );
}

#[actix_web::test]
async fn every_report_says_so_when_there_is_nothing_to_count() {
    let (app, _) = shop().await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    for (path, empty) in [
        ("/reports/customers", "No sales in this period."),
        ("/reports/cohorts", "No sales in these months."),
        ("/reports/lapsed", "Nobody has lapsed"),
        ("/reports/stores", "No sales in this period."),
        ("/reports/delivery", "No delivery charges in this period."),
        ("/reports/offers", "No offer was used in this period."),
        ("/reports/coupons", "No coupon was used in this period."),
    ] {
        let page = hq.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        page.assert_contains(empty);
        let csv = hq.get(&format!("{path}.csv")).await;
        assert_eq!(csv.status, StatusCode::OK, "{path}.csv");
        assert!(csv.body.lines().count() >= 1, "{path}.csv: {}", csv.body);
    }
}
