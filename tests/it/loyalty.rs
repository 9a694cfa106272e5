//! Loyalty points as tills and people meet them, with exact numbers: earning (truncated, at the
//! tier the spend reaches), redeeming (soonest expiry first, never more than the balance, one of
//! two racing tills), expiry on its day, cancels and returns, enrolment by hand and auto opt-in,
//! unenrolment with and without forfeit, manual adjustments.

use chrono::{Duration, Utc};
use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::offers;
use crate::common::shop::shop;
use crate::common::{ApiClient, TestApp};

/// A program of the shop's company: `tiers` as (name, min spent, collection factor).
fn program(app: &TestApp, name: &str, tiers: &[(&str, &str, &str)], expiry_days: i32) -> i64 {
    app.sql(&format!(
        "INSERT INTO loyalty_programs (name, company_id, multiple_tier, conversion_factor, expiry_days, valid_from) \
         SELECT '{name}', min(id), {}, 0.01, {expiry_days}, '2020-01-01' FROM companies",
        tiers.len() > 1
    ));
    let id = app.count(&format!(
        "SELECT id AS n FROM loyalty_programs WHERE name = '{name}'"
    ));
    for (tier, min_spent, factor) in tiers {
        app.sql(&format!(
            "INSERT INTO loyalty_tiers (program_id, name, min_spent, collection_factor) \
             VALUES ({id}, '{tier}', {min_spent}, {factor})"
        ));
    }
    id
}

/// Enrols the customer called `first_name` in program `id`.
fn enrol(app: &TestApp, first_name: &str, id: i64) {
    app.sql(&format!(
        "INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_by) \
         SELECT c.id, p.company_id, p.id, 'test' FROM customers c, loyalty_programs p \
         WHERE c.first_name = '{first_name}' AND p.id = {id}"
    ));
}

/// One point per dollar, points worth a cent, never expiring; Ana enrolled.
pub(crate) fn single_tier(app: &TestApp) -> i64 {
    let id = program(app, "Rewards", &[("Member", "0", "1")], 0);
    enrol(app, "Ana", id);
    id
}

/// `days` ago (negative: ahead), as the till sends it.
fn days_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339()
}

/// A sale to Ana of `qty` black tees at `rate`, posted `days` ago, redeeming `points` worth
/// `amount`; the rest is paid by card.
fn sale(n: u32, days: i64, qty: &str, rate: &str, points: i64, amount: &str) -> Value {
    let total: rust_decimal::Decimal = qty.parse::<rust_decimal::Decimal>().unwrap()
        * rate.parse::<rust_decimal::Decimal>().unwrap();
    let paid = total - amount.parse::<rust_decimal::Decimal>().unwrap();
    json!({
        "id": format!("7a000000-0000-4000-8000-{n:012}"), "number": format!("S-{n}"),
        "posted_at": days_ago(days), "customer_code": "CUST-00002",
        "lines": [{"item_code": "TEE-BLK-M", "qty": qty, "price_list_rate": rate, "discount_amount": "0"}],
        "loyalty_points_redeemed": points, "loyalty_amount": amount,
        "payments": [{"mode": "card", "amount": paid.to_string()}],
        "totals": {"net_total": total.to_string(), "discount_amount": "0", "grand_total": total.to_string()}
    })
}

fn uuid(n: u32) -> String {
    format!("7a000000-0000-4000-8000-{n:012}")
}

async fn submit(till: &ApiClient, body: &Value) {
    let made = till.post("/api/v1/invoices", body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
}

/// Ana's loyalty as the till API answers it.
async fn loyalty(app: &TestApp, till: &ApiClient) -> Value {
    let ana = app.text("SELECT uuid::text AS t FROM customers WHERE first_name = 'Ana'");
    let answer = till.get(&format!("/api/v1/customers/{ana}/loyalty")).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    answer.json
}

async fn balance(app: &TestApp, till: &ApiClient) -> i64 {
    loyalty(app, till).await["balance"].as_i64().unwrap()
}

#[actix_web::test]
async fn a_single_tier_program_earns_whole_points_and_offers_and_delivery_do_not_earn() {
    let (app, till) = shop().await;
    single_tier(&app);
    submit(&till, &sale(1, 0, "2", "19.99", 0, "0")).await;
    let answer = loyalty(&app, &till).await;
    assert_eq!(answer["enrolled"], true);
    assert_eq!(answer["program"]["name"], "Rewards");
    assert_eq!(answer["tier"], "Member");
    assert_eq!(answer["balance"], 39, "39.98 earns 39 points, not 40");
    assert_eq!(answer["value"], "0.39");

    // 19.99 tee + a free cap + 9.50 Express: only the tee earns.
    offers::free_with(&app, "CAP", "TEE-BLK-M", 1, "CAP-RED");
    let mut mixed = sale(2, 0, "1", "19.99", 0, "0");
    mixed["lines"] = json!([
        {"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": "19.99"},
        {"item_code": "CAP-RED", "qty": "1", "price_list_rate": "7.50", "discount_amount": "7.50", "is_offer": true, "offer": "CAP"}
    ]);
    mixed["delivery_charge"] = "Express".into();
    mixed["totals"] =
        json!({"net_total": "19.99", "discount_amount": "7.50", "grand_total": "29.49"});
    mixed["payments"] = json!([{"mode": "cash", "amount": "29.49"}]);
    submit(&till, &mixed).await;
    assert_eq!(balance(&app, &till).await, 39 + 19);

    // A customer in no program earns nothing and the API says so.
    let walk_in = app.text("SELECT uuid::text AS t FROM customers WHERE first_name = 'Walk-in'");
    let none = till
        .get(&format!("/api/v1/customers/{walk_in}/loyalty"))
        .await;
    assert_eq!(none.json["enrolled"], false);
    assert_eq!(none.json["balance"], 0);
}

#[actix_web::test]
async fn a_redemption_then_a_new_purchase_earns_on_what_was_paid() {
    let (app, till) = shop().await;
    single_tier(&app);
    submit(&till, &sale(1, 1, "2", "19.99", 0, "0")).await;
    assert_eq!(balance(&app, &till).await, 39);
    // 30 points = $0.30 off 39.98: 39.68 paid earns 39.
    submit(&till, &sale(2, 0, "2", "19.99", 30, "0.30")).await;
    assert_eq!(balance(&app, &till).await, 39 - 30 + 39);
    let stored = till.get(&format!("/api/v1/invoices/{}", uuid(2))).await;
    assert_eq!(stored.json["loyalty_points_redeemed"], 30);
    assert_eq!(stored.json["loyalty_points_earned"], 39);
}

#[actix_web::test]
async fn tiers_start_at_their_min_spent_inclusive_and_move_up_as_spend_grows() {
    let (app, till) = shop().await;
    let id = program(
        &app,
        "Tiers",
        &[("Silver", "0", "1"), ("Gold", "100", "0.5")],
        0,
    );
    enrol(&app, "Ana", id);
    // 99.99 stays Silver: 99 points.
    submit(&till, &sale(1, 2, "1", "99.99", 0, "0")).await;
    let answer = loyalty(&app, &till).await;
    assert_eq!(
        (answer["balance"].as_i64(), answer["tier"].as_str()),
        (Some(99), Some("Silver"))
    );
    // 0.01 more reaches exactly 100.00: Gold, two points per dollar (0.02 earns 0).
    submit(&till, &sale(2, 1, "1", "0.01", 0, "0")).await;
    assert_eq!(loyalty(&app, &till).await["tier"], "Gold");
    submit(&till, &sale(3, 0, "1", "7.50", 0, "0")).await;
    assert_eq!(balance(&app, &till).await, 99 + 15);
    assert_eq!(
        app.text("SELECT string_agg(tier || ':' || points, ',' ORDER BY id) AS t FROM loyalty_point_entries"),
        "Silver:99,Gold:0,Gold:15"
    );
}

#[actix_web::test]
async fn points_count_through_their_expiry_day_and_the_expire_task_explains_the_loss() {
    let (app, till) = shop().await;
    let id = program(&app, "Monthly", &[("Member", "0", "1")], 30);
    enrol(&app, "Ana", id);
    // Posted 30 days ago: last day today. Posted 31 days ago: gone since today.
    submit(&till, &sale(1, 30, "1", "10", 0, "0")).await;
    submit(&till, &sale(2, 31, "1", "5", 0, "0")).await;
    let answer = loyalty(&app, &till).await;
    assert_eq!(answer["balance"], 10);
    assert_eq!(answer["expiring_soon"], 10);
    // Redeeming on a day the points no longer count is refused.
    let late = till
        .post("/api/v1/invoices", &sale(3, 0, "1", "19.99", 11, "0.11"))
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        late.json["error"]["fields"]["loyalty_points_redeemed"],
        "Not enough loyalty points: the customer has 10."
    );

    for expected in ["Wrote 1 expire entries.", "Wrote 0 expire entries."] {
        let (ok, stdout, stderr) = crate::cli::patron(&app.db.url, &["loyalty", "expire"]);
        assert!(ok, "{stderr}");
        assert!(
            stdout.contains(expected),
            "only the lapsed credit, once: {stdout}"
        );
    }
    assert_eq!(
        balance(&app, &till).await,
        10,
        "the entry changes no balance"
    );
    assert_eq!(
        app.count("SELECT sum(points)::bigint AS n FROM loyalty_point_entries"),
        10,
        "the ledger's running total now shows the loss"
    );
}

#[actix_web::test]
async fn redemption_draws_on_the_soonest_expiring_points_first() {
    let (app, till) = shop().await;
    let id = single_tier(&app);
    for (points, expiry) in [
        (100, "NULL"),
        (50, "current_date + 10"),
        (30, "current_date + 5"),
    ] {
        app.sql(&format!(
            "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points, posting_date, expiry_date, reason, created_by) \
             SELECT c.id, {id}, (SELECT min(id) FROM companies), 'adjust', {points}, current_date, {expiry}, 'Opening balance', 'test' \
             FROM customers c WHERE first_name = 'Ana'"
        ));
    }
    submit(&till, &sale(1, 0, "1", "19.99", 60, "0.60")).await;
    assert_eq!(
        app.text(
            "SELECT string_agg(d.points || ' from ' || c.points, ', ' ORDER BY d.id) AS t \
             FROM loyalty_point_entries d JOIN loyalty_point_entries c ON c.id = d.against_entry_id \
             WHERE d.kind = 'redeem'"
        ),
        "-30 from 30, -30 from 50"
    );
    let answer = loyalty(&app, &till).await;
    assert_eq!(answer["balance"], 180 - 60 + 19);
    assert_eq!(
        answer["expiring_soon"], 20,
        "the 50 expiring in 10 days has 20 left"
    );
}

#[actix_web::test]
async fn redeeming_more_than_the_balance_or_the_sale_is_refused_and_nothing_is_stored() {
    let (app, till) = shop().await;
    single_tier(&app);
    submit(&till, &sale(1, 1, "2", "19.99", 0, "0")).await;

    let greedy = till
        .post("/api/v1/invoices", &sale(2, 0, "2", "19.99", 40, "0.40"))
        .await;
    assert_eq!(greedy.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        greedy.json["error"]["fields"]["loyalty_points_redeemed"],
        "Not enough loyalty points: the customer has 39."
    );

    let mismatch = till
        .post("/api/v1/invoices", &sale(3, 0, "2", "19.99", 30, "3.00"))
        .await;
    assert_eq!(
        mismatch.json["error"]["fields"]["loyalty_amount"],
        "30 points are worth $0.30, not $3.00."
    );

    // 39 points = $0.39 on a $0.25 sale.
    let above = till
        .post("/api/v1/invoices", &sale(4, 0, "1", "0.25", 39, "0.39"))
        .await;
    assert_eq!(above.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        above.json["error"]["fields"]["loyalty_amount"],
        "The points are worth $0.39, more than the sale's $0.25."
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 1);
    assert_eq!(balance(&app, &till).await, 39);
}

#[actix_web::test]
async fn two_tills_redeeming_the_same_points_at_once_one_wins() {
    let (app, till) = shop().await;
    single_tier(&app);
    submit(&till, &sale(1, 1, "5", "19.99", 0, "0")).await;
    assert_eq!(balance(&app, &till).await, 99);
    let other = app.terminal(&app.terminal_token("NORTH"));
    let (a, b) = (
        sale(2, 0, "1", "19.99", 80, "0.80"),
        sale(3, 0, "1", "19.99", 80, "0.80"),
    );
    let (first, second) = tokio::join!(
        till.post("/api/v1/invoices", &a),
        other.post("/api/v1/invoices", &b)
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY]
    );
    let refused = if first.status == StatusCode::CREATED {
        second
    } else {
        first
    };
    assert_eq!(
        refused.json["error"]["fields"]["loyalty_points_redeemed"],
        "Not enough loyalty points: the customer has 38.",
        "the winner's 80 taken and its 19 earned"
    );
    assert_eq!(balance(&app, &till).await, 99 - 80 + 19);
}

#[actix_web::test]
async fn a_cancel_reverses_points_once() {
    let (app, till) = shop().await;
    single_tier(&app);
    submit(&till, &sale(1, 1, "2", "19.99", 0, "0")).await;
    submit(&till, &sale(2, 0, "1", "19.99", 10, "0.10")).await;
    assert_eq!(balance(&app, &till).await, 39 - 10 + 19);
    // Cancelling the redeeming sale gives its 10 points back and takes its 19 away.
    for _ in 0..2 {
        let cancelled = till
            .post(&format!("/api/v1/invoices/{}/cancel", uuid(2)), &json!({}))
            .await;
        assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    }
    assert_eq!(balance(&app, &till).await, 39);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_point_entries WHERE kind = 'reversal'"),
        2,
        "one reversal of the redemption, one of the earning — and no more on the second cancel"
    );
}

#[actix_web::test]
async fn a_cancel_is_refused_while_its_points_are_spent_on_another_invoice() {
    let (app, till) = shop().await;
    single_tier(&app);
    submit(&till, &sale(1, 1, "2", "19.99", 0, "0")).await;
    submit(&till, &sale(2, 0, "1", "19.99", 30, "0.30")).await;
    let refused = till
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(1)), &json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.json["error"]["fields"]["id"],
        "The points this invoice earned were already redeemed on invoice S-2: cancel that one before this cancel."
    );
    assert_eq!(
        app.text(&format!(
            "SELECT status AS t FROM invoices WHERE uuid = '{}'",
            uuid(1)
        )),
        "submitted"
    );
    // Cancel the redemption first; then the first sale goes, and with it every point.
    for n in [2, 1] {
        let done = till
            .post(&format!("/api/v1/invoices/{}/cancel", uuid(n)), &json!({}))
            .await;
        assert_eq!(done.status, StatusCode::OK, "{:?}", done.json);
    }
    assert_eq!(balance(&app, &till).await, 0);
}

#[actix_web::test]
async fn a_return_cuts_the_points_to_what_the_kept_amount_earns() {
    let (app, till) = shop().await;
    single_tier(&app);
    submit(&till, &sale(1, 1, "5", "19.99", 0, "0")).await;
    assert_eq!(balance(&app, &till).await, 99);
    let give_back = json!({
        "id": uuid(2), "number": "R-1", "posted_at": days_ago(0), "return_against": uuid(1),
        "lines": [{"item_code": "TEE-BLK-M", "qty": "-2", "price_list_rate": "19.99"}],
        "payments": [{"mode": "card", "amount": "-39.98"}],
        "totals": {"net_total": "-39.98", "grand_total": "-39.98"}
    });
    submit(&till, &give_back).await;
    assert_eq!(balance(&app, &till).await, 59, "59.97 kept earns 59");
    // Cancelling the return gives the points back.
    let undone = till
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(2)), &json!({}))
        .await;
    assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.json);
    assert_eq!(balance(&app, &till).await, 99);
}

/// Creates a customer at HQ and returns their id.
async fn create_customer(app: &TestApp, first_name: &str) -> i64 {
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let group = app.count("SELECT min(id) AS n FROM customer_groups");
    let territory = app.count("SELECT min(id) AS n FROM territories");
    let made = hq
        .post_form(
            "/customers",
            &[
                ("first_name", first_name),
                ("last_name", "Nova"),
                ("customer_group_id", &group.to_string()),
                ("territory_id", &territory.to_string()),
                ("credit_limit", "0"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    app.count(&format!(
        "SELECT id AS n FROM customers WHERE first_name = '{first_name}'"
    ))
}

#[actix_web::test]
async fn auto_opt_in_enrols_when_exactly_one_program_matches_and_asks_when_two_do() {
    let (app, _) = shop().await;
    let id = program(&app, "Auto", &[("Member", "0", "1")], 0);
    app.sql(&format!(
        "UPDATE loyalty_programs SET auto_opt_in = true WHERE id = {id}"
    ));
    let one = create_customer(&app, "Una").await;
    assert_eq!(
        app.count(&format!(
            "SELECT program_id AS n FROM loyalty_members WHERE customer_id = {one}"
        )),
        id
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_id = '{one}' AND action = 'loyalty_enrol'"
        )),
        1
    );

    let second = program(&app, "Auto Two", &[("Member", "0", "2")], 0);
    app.sql(&format!(
        "UPDATE loyalty_programs SET auto_opt_in = true WHERE id = {second}"
    ));
    let two = create_customer(&app, "Duo").await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM loyalty_members WHERE customer_id = {two}"
        )),
        0
    );
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get(&format!("/customers/{two}")).await;
    page.assert_contains("Not enrolled in any loyalty program");
    page.assert_contains(
        "Two or more programs with auto opt-in match this customer: pick one below.",
    );
    page.assert_contains("1 point = $0.01");
    // One action, not a button per program: pick the program, then Enrol.
    assert_eq!(page.body.matches(">Enrol</button>").count(), 1);
    page.assert_contains(r#"<select id="enrol-program" name="program">"#);
    page.assert_contains(r#"<option value="">— Choose a program —</option>"#);
    page.assert_contains(&format!(r#"<option value="{id}">Auto</option>"#));
    page.assert_contains(&format!(r#"<option value="{second}">Auto Two</option>"#));
    page.assert_contains("Compare the 2 programs");
    page.assert_lacks("Enroll");
    // Enrol without a choice: the panel says so at the select, and nothing is written.
    let token = hq.csrf().unwrap();
    let unchosen = hq
        .post_htmx(
            &format!("/customers/{two}/loyalty/enrol"),
            &[("program", "")],
            &token,
        )
        .await;
    assert_eq!(unchosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    unchosen.assert_lacks("<html");
    unchosen.assert_contains(r#"<select id="enrol-program" name="program" aria-invalid="true""#);
    unchosen.assert_contains("Choose the program to enrol in.");

    // Picking one by hand: the panel comes back enrolled.
    let enrolled = hq
        .post_form(
            &format!("/customers/{two}/loyalty/enrol"),
            &[("program", &second.to_string())],
        )
        .await;
    assert_eq!(enrolled.status, StatusCode::SEE_OTHER);
    let page = hq.get(&format!("/customers/{two}")).await;
    page.assert_contains(r#"<span class="badge badge-active">Auto Two</span>"#);
    page.assert_lacks("pick one below");
}

/// Ana, enrolled in a program that forfeits or not, with 39 points; returns her id.
async fn member_with_points(app: &TestApp, till: &ApiClient, forfeit: bool) -> i64 {
    let id = single_tier(app);
    app.sql(&format!(
        "UPDATE loyalty_programs SET forfeit_on_unenrol = {forfeit} WHERE id = {id}"
    ));
    submit(till, &sale(1, 0, "2", "19.99", 0, "0")).await;
    app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'")
}

#[actix_web::test]
async fn unenrolling_forfeits_points_only_when_the_program_says_so() {
    for forfeit in [true, false] {
        let (app, till) = shop().await;
        let ana = member_with_points(&app, &till, forfeit).await;
        let (hq, _) = app.signed_in(Role::HqManager).await;
        let page = hq.get(&format!("/customers/{ana}")).await;
        page.assert_contains(r#"<span class="value" id="points-balance">39</span>"#);
        let company = app.count("SELECT min(id) AS n FROM companies");
        let gone = hq
            .post_form(
                &format!("/customers/{ana}/loyalty/unenrol"),
                &[("company", &company.to_string())],
            )
            .await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER);
        assert_eq!(loyalty(&app, &till).await["enrolled"], false);
        let forfeited = app.count(
            "SELECT coalesce(sum(points), 0)::bigint AS n FROM loyalty_point_entries \
             WHERE kind = 'expire' AND reason = 'Forfeited on unenrolment'",
        );
        enrol(
            &app,
            "Ana",
            app.count("SELECT min(id) AS n FROM loyalty_programs"),
        );
        if forfeit {
            assert_eq!(forfeited, -39);
            assert_eq!(
                balance(&app, &till).await,
                0,
                "re-enrolling brings nothing back"
            );
        } else {
            assert_eq!(forfeited, 0);
            assert_eq!(balance(&app, &till).await, 39);
        }
    }
}

#[actix_web::test]
async fn a_manual_adjustment_needs_a_reason_is_audited_and_cannot_overdraw() {
    let (app, till) = shop().await;
    let ana = member_with_points(&app, &till, false).await;
    let company = app.count("SELECT min(id) AS n FROM companies").to_string();
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    marketing.get(&format!("/customers/{ana}")).await;
    let token = marketing.csrf().unwrap();
    let adjust = |points: &'static str, reason: &'static str| {
        let (marketing, token, company) = (&marketing, token.clone(), company.clone());
        async move {
            marketing
                .post_htmx(
                    &format!("/customers/{ana}/loyalty/adjust"),
                    &[
                        ("company", company.as_str()),
                        ("points", points),
                        ("reason", reason),
                    ],
                    &token,
                )
                .await
        }
    };
    let no_reason = adjust("500", " ").await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    no_reason.assert_contains("Say why, like Customer Appreciation: the ledger shows it.");

    let given = adjust("500", "Customer Appreciation").await;
    assert_eq!(given.status, StatusCode::OK, "{}", given.body);
    given.assert_contains(r#"<span class="value" id="points-balance">539</span>"#);
    assert_eq!(
        app.text("SELECT after->>'reason' AS t FROM audit_log WHERE action = 'loyalty_adjust'"),
        "Customer Appreciation"
    );

    let overdraw = adjust("-600", "Correction").await;
    assert_eq!(overdraw.status, StatusCode::UNPROCESSABLE_ENTITY);
    overdraw.assert_contains("Not enough loyalty points: the customer has 539.");
    let taken = adjust("-39", "Correction").await;
    assert_eq!(taken.status, StatusCode::OK);
    assert_eq!(balance(&app, &till).await, 500);

    // Store supervisors explain points; they do not hand them out.
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    let page = supervisor.get(&format!("/customers/{ana}")).await;
    page.assert_lacks("Adjust points");
}

#[actix_web::test]
async fn points_given_back_to_a_lapsed_credit_are_written_off_so_the_ledger_adds_up() {
    let (app, till) = shop().await;
    let id = single_tier(&app);
    // 100 points posted ten days ago whose last day was yesterday.
    app.sql(&format!(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points, posting_date, expiry_date, reason, created_by) \
         SELECT c.id, {id}, (SELECT min(id) FROM companies), 'adjust', 100, current_date - 10, current_date - 1, 'Opening balance', 'test' \
         FROM customers c WHERE first_name = 'Ana'"
    ));
    // Two days ago 30 of them paid for part of a sale (which earned 19, never expiring).
    submit(&till, &sale(1, 2, "1", "19.99", 30, "0.30")).await;
    let (ok, stdout, stderr) = crate::cli::patron(&app.db.url, &["loyalty", "expire"]);
    assert!(
        ok && stdout.contains("Wrote 1 expire entries."),
        "{stdout}{stderr}"
    );
    let cancelled = till
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(1)), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    assert_eq!(balance(&app, &till).await, 0);
    assert_eq!(
        app.count("SELECT sum(points)::bigint AS n FROM loyalty_point_entries"),
        0,
        "the 30 given back to the lapsed credit are written off beside the reversal"
    );
    // Cancelling again writes nothing more.
    till.post(&format!("/api/v1/invoices/{}/cancel", uuid(1)), &json!({}))
        .await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_point_entries WHERE kind = 'expire'"),
        2
    );
}

#[actix_web::test]
async fn merging_a_duplicate_moves_their_points_and_membership() {
    let (app, till) = shop().await;
    let id = single_tier(&app);
    submit(&till, &sale(1, 0, "2", "19.99", 0, "0")).await;
    // Ana's duplicate, made at the till while offline, is a member with 25 points of her own.
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT 'Ana2', 'Lima', customer_group_id, territory_id FROM customers WHERE first_name = 'Ana'",
    );
    enrol(&app, "Ana2", id);
    app.sql(&format!(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points, posting_date, reason, created_by) \
         SELECT c.id, {id}, (SELECT min(id) FROM companies), 'adjust', 25, current_date, 'Welcome', 'test' \
         FROM customers c WHERE first_name = 'Ana2'"
    ));
    let kept = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    let dup = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana2'");
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let done = hq
        .post_form(
            "/customers/merge",
            &[("keep", &kept.to_string()), ("merge", &dup.to_string())],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(balance(&app, &till).await, 39 + 25);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM loyalty_members WHERE customer_id = {dup}"
        )),
        0
    );
}
