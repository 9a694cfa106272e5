//! One business day, the company's: a sale, a validity check, an expiry and a report day fall on
//! the company's calendar day of the instant, never the UTC one. Each test puts the shop's
//! company far from UTC (Honolulu, UTC-10; Fakaofo, UTC+13, no summer time in either) and acts
//! at 23:30 and 00:30 local, where the UTC day is the other one. The daily jobs run once across
//! instances.

use chrono::{DateTime, Utc};
use diesel_migrations::MigrationHarness;
use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::shop::shop;
use crate::common::{ApiClient, TestApp, coupons, offers};

const HONOLULU: &str = "Pacific/Honolulu";
const FAKAOFO: &str = "Pacific/Fakaofo";

fn move_company(app: &TestApp, zone: &str) {
    app.sql(&format!("UPDATE companies SET time_zone = '{zone}'"));
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

/// A cart of one black tee at 19.99 for Ana, priced by the server at `posted_at`.
async fn evaluate(till: &ApiClient, posted_at: &str) -> Value {
    let priced = till
        .post(
            "/api/v1/carts/evaluate",
            &json!({"lines": [{"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": "19.99"}],
                    "customer_code": "CUST-00002", "posted_at": posted_at}),
        )
        .await;
    assert_eq!(priced.status, StatusCode::OK, "{:?}", priced.json);
    priced.json
}

#[actix_web::test]
async fn a_sale_at_half_past_eleven_on_an_offers_last_day_is_filed_under_that_day() {
    let (app, till) = shop().await;
    move_company(&app, HONOLULU);
    let mut last_day = offers::terms("Last day 10%", "item_price");
    last_day.apply_on = "item_code".into();
    last_day.apply_on_id = Some(offers::item(&app, "TEE-BLK-M"));
    last_day.discount_percentage = 10.into();
    last_day.valid_upto = chrono::NaiveDate::from_ymd_opt(2026, 11, 20);
    offers::make(&app, last_day);
    crate::loyalty::single_tier(&app);

    // 23:30 on 20 November in Honolulu is 09:30 on the 21st in UTC: still the offer's last day.
    let late = evaluate(&till, "2026-11-21T09:30:00Z").await;
    assert_eq!(late["lines"][0]["discount_amount"], "2.00", "{late:?}");
    // 00:30 on the 21st is past it.
    let next = evaluate(&till, "2026-11-21T10:30:00Z").await;
    assert_eq!(next["lines"][0]["discount_amount"], "0.00", "{next:?}");

    let sale = json!({
        "id": "7b000000-0000-4000-8000-000000000001", "number": "HNL-1",
        "posted_at": "2026-11-21T09:30:00Z", "customer_code": "CUST-00002",
        "lines": late["lines"], "totals": late["totals"],
        "payments": [{"mode": "cash", "amount": late["totals"]["grand_total"]}]
    });
    let made = till.post("/api/v1/invoices", &sale).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(made.json["totals"]["discount_amount"], "2.00");
    // The points it earned are filed under the same day.
    assert_eq!(
        app.text("SELECT posting_date::text AS t FROM loyalty_point_entries WHERE kind = 'earn'"),
        "2026-11-20"
    );

    // The invoice list's day is the company's: the sale is on the 20th, not the 21st.
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let on_20th = hq.get("/invoices?from=2026-11-20&to=2026-11-20").await;
    on_20th.assert_contains("HNL-1");
    let on_21st = hq.get("/invoices?from=2026-11-21&to=2026-11-21").await;
    on_21st.assert_lacks("HNL-1");
    let csv = hq
        .get("/invoices/export.csv?from=2026-11-20&to=2026-11-20")
        .await;
    let row = csv.body.lines().nth(1).unwrap_or_default().to_owned();
    assert!(
        row.starts_with("2026-11-20,2026-11-20 23:30:00 -10:00,HNL-1,"),
        "{row}"
    );
}

#[actix_web::test]
async fn a_coupon_valid_upto_today_is_valid_until_the_companys_midnight() {
    let (app, till) = shop().await;
    move_company(&app, FAKAOFO);
    let offer = coupons::offer(&app);
    coupons::make(&app, offer, "LASTDAY", 0);
    app.sql("UPDATE coupons SET valid_upto = '2026-11-20' WHERE code = 'LASTDAY'");
    let ask = |posted_at: &str| json!({"code": "LASTDAY", "posted_at": posted_at});

    // 23:30 on the 20th in Fakaofo (UTC+13) is 10:30 UTC on the 20th.
    let late = till
        .post("/api/v1/coupons/validate", &ask("2026-11-20T10:30:00Z"))
        .await;
    assert_eq!(late.status, StatusCode::OK, "{:?}", late.json);
    // 00:30 on the 21st there is still the 20th in UTC: the coupon has expired all the same.
    let past = till
        .post("/api/v1/coupons/validate", &ask("2026-11-20T11:30:00Z"))
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(past.json["error"]["code"], "expired", "{:?}", past.json);
    assert_eq!(
        past.json["error"]["message"],
        "Coupon LASTDAY expired on 2026-11-20."
    );
}

/// Ana's credit of `points` in program `program` with its last day `expiry` (SQL).
fn credit(app: &TestApp, program: i64, points: i64, expiry: &str) {
    app.sql(&format!(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points, \
                                            purchase_amount, posting_date, expiry_date, reason, created_by) \
         SELECT c.id, p.id, p.company_id, 'adjust', {points}, 0, {expiry} - 30, {expiry}, 'test', 'test' \
         FROM customers c, loyalty_programs p WHERE c.first_name = 'Ana' AND p.id = {program}"
    ));
}

#[actix_web::test]
async fn points_expiring_today_count_until_the_companys_midnight_and_expire_after_it() {
    let (app, till) = shop().await;
    move_company(&app, FAKAOFO);
    let program = crate::loyalty::single_tier(&app);
    let today = format!("business_day(now(), '{FAKAOFO}')");
    credit(&app, program, 70, &today);
    credit(&app, program, 5, &format!("{today} - 1"));

    // Today's credit counts; yesterday's does not, whichever day it is in UTC.
    let ana = app.text("SELECT uuid::text AS t FROM customers WHERE first_name = 'Ana'");
    let loyalty = till.get(&format!("/api/v1/customers/{ana}/loyalty")).await;
    assert_eq!(loyalty.json["balance"], 70, "{:?}", loyalty.json);

    // The expiry run at 23:30 local on a credit's last day leaves it; at 00:30 it expires it.
    app.sql("DELETE FROM loyalty_point_entries");
    credit(&app, program, 40, "'2026-11-20'::date");
    let run = |now: &str| patron::loyalty::expiry::run(&mut app.conn(), at(now)).unwrap();
    assert_eq!(run("2026-11-20T10:30:00Z"), 0, "23:30 on the 20th");
    assert_eq!(run("2026-11-20T11:30:00Z"), 1, "00:30 on the 21st");
    assert_eq!(
        app.text(
            "SELECT concat_ws(',', points, posting_date, expiry_date) AS t \
             FROM loyalty_point_entries WHERE kind = 'expire'"
        ),
        "-40,2026-11-21,2026-11-20"
    );
}

#[actix_web::test]
async fn stored_days_move_to_the_companys_day_and_back() {
    let (app, till) = shop().await;
    move_company(&app, HONOLULU);
    crate::loyalty::single_tier(&app);
    let late = evaluate(&till, "2026-11-21T09:30:00Z").await;
    let sale = json!({
        "id": "7b000000-0000-4000-8000-000000000002", "number": "HNL-2",
        "posted_at": "2026-11-21T09:30:00Z", "customer_code": "CUST-00002",
        "lines": late["lines"], "totals": late["totals"],
        "payments": [{"mode": "cash", "amount": late["totals"]["grand_total"]}]
    });
    let made = till.post("/api/v1/invoices", &sale).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    let earned = "SELECT posting_date::text AS t FROM loyalty_point_entries WHERE kind = 'earn'";
    assert_eq!(app.text(earned), "2026-11-20");

    // Undone (with the rollup migrations that came after it), the migration files the entry
    // under the UTC day, as before it; redone, under the company's day again.
    let mut conn = app.conn();
    while conn
        .revert_last_migration(patron::db::MIGRATIONS)
        .unwrap()
        .to_string()
        != "20261207000000"
    {}
    assert_eq!(app.text(earned), "2026-11-21");
    conn.run_pending_migrations(patron::db::MIGRATIONS).unwrap();
    assert_eq!(app.text(earned), "2026-11-20");
}

#[test]
fn a_daily_job_runs_once_across_instances() {
    let db = crate::common::TestDb::create();
    let (mut one, mut other) = (db.conn(), db.conn());
    fn count_one(_: &mut diesel::PgConnection, _: DateTime<Utc>) -> diesel::QueryResult<usize> {
        Ok(1)
    }
    use diesel::Connection;
    use patron::db::daily::{Outcome, run_once};
    // While one instance runs the job (its transaction holds the lock), the other skips it.
    one.transaction::<_, diesel::result::Error, _>(|one| {
        assert_eq!(
            run_once(one, "test-job", count_one, Utc::now())?,
            Outcome::Ran(1)
        );
        assert_eq!(
            run_once(&mut other, "test-job", count_one, Utc::now())?,
            Outcome::Skipped
        );
        // Another job is not held up.
        assert_eq!(
            run_once(&mut other, "other-job", count_one, Utc::now())?,
            Outcome::Ran(1)
        );
        Ok(())
    })
    .unwrap();
    // Once the first is done, the next hour's run is anyone's.
    assert_eq!(
        run_once(&mut other, "test-job", count_one, Utc::now()).unwrap(),
        Outcome::Ran(1)
    );
}
