//! The loyalty reports marketing reads — liability per program, points expiring in 30/60/90
//! days, members per tier, each with its CSV — a customer's points ledger with its running
//! balance, and the opening balances import.

use chrono::{Duration, NaiveDate, Utc};
use patron::customers::model::{self, CustomerFields, NewCustomer};
use patron::trees::model::groups;
use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::{Page, TestApp, TestClient};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// `today` + `days` as an SQL date literal.
fn day(days: i64) -> String {
    format!("'{}'::date", today() + Duration::days(days))
}

/// A customer named `first`: (id, code).
fn customer(app: &TestApp, first: &str) -> (i64, String) {
    let mut conn = app.conn();
    let fields = CustomerFields {
        first_name: first.into(),
        last_name: "Member".into(),
        customer_group_id: groups::root_group_id(&mut conn).unwrap(),
        territory_id: groups::root_territory_id(&mut conn).unwrap(),
        ..CustomerFields::default()
    };
    let made = model::insert(
        &mut conn,
        &NewCustomer {
            uuid: uuid::Uuid::new_v4(),
            origin_store_id: None,
            fields,
        },
    )
    .unwrap();
    (made.id, made.code)
}

/// A company with `currency`.
fn company(app: &TestApp, name: &str, currency: &str) -> i64 {
    app.count(&format!(
        "WITH c AS (INSERT INTO companies (name, currency_code) VALUES ('{name}', '{currency}') \
         RETURNING id) SELECT id AS n FROM c"
    ))
}

/// A program of `company` with `factor` and tiers (name, Min Spent).
fn program(app: &TestApp, name: &str, company: i64, factor: &str, tiers: &[(&str, &str)]) -> i64 {
    let id = app.count(&format!(
        "WITH p AS (INSERT INTO loyalty_programs (name, company_id, multiple_tier, conversion_factor, \
         expiry_days, valid_from) VALUES ('{name}', {company}, true, {factor}, 365, '2020-01-01') \
         RETURNING id) SELECT id AS n FROM p"
    ));
    for (tier, min) in tiers {
        app.sql(&format!(
            "INSERT INTO loyalty_tiers (program_id, name, min_spent, collection_factor) \
             VALUES ({id}, '{tier}', {min}, 1)"
        ));
    }
    id
}

/// Ana, a member of "Rewards" (Acme US, USD): (company, program, customer).
fn ana_in_rewards(app: &TestApp) -> (i64, i64, i64) {
    let usd = company(app, "Acme US", "USD");
    let p = program(app, "Rewards", usd, "0.01", &[("Silver", "0")]);
    let (c, _) = customer(app, "Ana");
    enrol(app, c, p);
    (usd, p, c)
}

fn enrol(app: &TestApp, customer: i64, program: i64) {
    app.sql(&format!(
        "INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_by) \
         SELECT {customer}, company_id, id, 'test' FROM loyalty_programs WHERE id = {program}"
    ));
}

/// One ledger entry: what the tests say, the rest filled in. `expiry` and `against` are SQL
/// (a date literal or NULL, an id or NULL). Returns its id.
struct Entry<'a> {
    customer: i64,
    program: i64,
    kind: &'a str,
    points: i64,
    purchase: &'a str,
    posted: i64,
    expiry: String,
    against: String,
}

impl Entry<'_> {
    fn credit(customer: i64, program: i64, points: i64, expiry: String) -> Entry<'static> {
        Entry {
            customer,
            program,
            kind: "earn",
            points,
            purchase: "0",
            posted: -1,
            expiry,
            against: "NULL".into(),
        }
    }
}

fn entry(app: &TestApp, e: &Entry<'_>) -> i64 {
    app.count(&format!(
        "WITH e AS (INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, \
         points, purchase_amount, posting_date, expiry_date, against_entry_id, created_by) \
         SELECT {}, id, company_id, '{}', {}, {}, {}, {}, {}, 'till DOWNTOWN' \
         FROM loyalty_programs WHERE id = {} RETURNING id) SELECT id AS n FROM e",
        e.customer,
        e.kind,
        e.points,
        e.purchase,
        day(e.posted),
        e.expiry,
        e.against,
        e.program
    ))
}

/// The cells of the table row that starts with a cell holding `first` (tags stripped).
fn row_cells(page: &Page, first: &str) -> Vec<String> {
    let start = page
        .body
        .find(&format!("<td>{first}"))
        .unwrap_or_else(|| panic!("no row for {first}:\n{}", page.body));
    let row = &page.body[start..start + page.body[start..].find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|cell| {
            let inner = &cell[cell.find('>').unwrap() + 1..];
            let inner = &inner[..inner.find("</td>").unwrap_or(inner.len())];
            strip_tags(inner)
        })
        .collect()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A CSV download: its records, header first, after checking its type.
async fn csv(client: &TestClient, path: &str) -> Vec<Vec<String>> {
    let page = client.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{path}"
    );
    assert!(page.body.ends_with('\n'), "{path}");
    let records: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(page.body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    // One record a line: no field holds a line break here.
    assert_eq!(records.len(), page.body.lines().count(), "{path}");
    records
}

#[actix_web::test]
async fn liability_counts_unexpired_points_at_the_conversion_factor_rounded_in_the_currency() {
    let app = TestApp::spawn().await;
    let usd = company(&app, "Acme US", "USD");
    let kwd = company(&app, "Acme Kuwait", "KWD");
    let a = program(&app, "Rewards A", usd, "0.005", &[("Silver", "0")]);
    let b = program(&app, "Rewards B", kwd, "0.00125", &[("Standard", "0")]);
    let (c1, _) = customer(&app, "Ana");
    let (c2, _) = customer(&app, "Bo");
    let (c3, _) = customer(&app, "Cy");
    enrol(&app, c1, a);
    enrol(&app, c2, a);
    enrol(&app, c3, b);
    // Ana: 1000 forever, less 200 redeemed from them; 500 that count through today; 300 that
    // expired yesterday.
    let forever = entry(&app, &Entry::credit(c1, a, 1000, "NULL".into()));
    entry(
        &app,
        &Entry {
            kind: "redeem",
            points: -200,
            against: forever.to_string(),
            ..Entry::credit(c1, a, 0, "NULL".into())
        },
    );
    entry(&app, &Entry::credit(c1, a, 500, day(0)));
    entry(&app, &Entry::credit(c1, a, 300, day(-1)));
    // Bo: 235 until next week less 34 redeemed; 70 expired two days ago less 20 redeemed then.
    let soon = entry(&app, &Entry::credit(c2, a, 235, day(7)));
    entry(
        &app,
        &Entry {
            kind: "redeem",
            points: -34,
            against: soon.to_string(),
            ..Entry::credit(c2, a, 0, day(7))
        },
    );
    let gone = entry(&app, &Entry::credit(c2, a, 70, day(-2)));
    entry(
        &app,
        &Entry {
            kind: "redeem",
            points: -20,
            against: gone.to_string(),
            ..Entry::credit(c2, a, 0, day(-2))
        },
    );
    // Cy, in Kuwait: 1000 forever and a 234 bonus.
    entry(&app, &Entry::credit(c3, b, 1000, "NULL".into()));
    entry(
        &app,
        &Entry {
            kind: "bonus",
            ..Entry::credit(c3, b, 234, day(100))
        },
    );

    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get("/loyalty/reports").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains(r#"<a href="/loyalty/reports" aria-current="page">Loyalty Reports</a>"#);
    // 1000 - 200 + 500 + 235 - 34 = 1501 points at 0.005 = 7.505: $7.51 (half away from zero).
    assert_eq!(
        row_cells(&page, "Rewards A"),
        ["Rewards A", "Acme US", "2", "1,501", "0.005", "$7.51"]
    );
    // 1234 points at 0.00125 = 1.5425: KWD 1.543.
    assert_eq!(
        row_cells(&page, "Rewards B"),
        [
            "Rewards B",
            "Acme Kuwait",
            "1",
            "1,234",
            "0.00125",
            "KWD 1.543"
        ]
    );
    page.assert_contains("Total USD");
    page.assert_contains("<strong>$7.51</strong>");
    page.assert_contains("<strong>KWD 1.543</strong>");
    page.assert_contains(r#"href="/loyalty/import""#);

    let records = csv(&marketing, "/loyalty/reports/liability.csv").await;
    assert_eq!(
        records,
        [
            vec![
                "Program",
                "Company",
                "Currency",
                "Members",
                "Points Outstanding",
                "Conversion Factor",
                "Liability",
                "Active"
            ],
            vec![
                "Rewards B",
                "Acme Kuwait",
                "KWD",
                "1",
                "1234",
                "0.00125",
                "1.543",
                "Yes"
            ],
            vec![
                "Rewards A",
                "Acme US",
                "USD",
                "2",
                "1501",
                "0.005",
                "7.51",
                "Yes"
            ],
        ]
    );

    // Read from one program's range of the report index.
    app.assert_indexed(&[
        (
            &format!(
                "SELECT sum(points) FROM loyalty_point_entries WHERE program_id = {a} AND expiry_date >= {}",
                day(0)
            ),
            "loyalty_entries_program_expiry_idx",
        ),
        (
            &format!(
                "SELECT sum(points) FROM loyalty_point_entries WHERE program_id = {a} AND expiry_date IS NULL"
            ),
            "loyalty_entries_program_expiry_idx",
        ),
        (
            &format!(
                "SELECT sum(points) FROM loyalty_point_entries WHERE program_id = {a} AND expiry_date BETWEEN {} AND {}",
                day(0),
                day(90)
            ),
            "loyalty_entries_program_expiry_idx",
        ),
    ]);
}

#[actix_web::test]
async fn expiring_points_count_through_each_window_end_and_net_of_redemptions() {
    let app = TestApp::spawn().await;
    let (_, p, c) = ana_in_rewards(&app);
    for (points, expiry) in [
        (2_000_000, day(-1)),
        (1, day(0)),
        (100, day(31)),
        (1_000, day(60)),
        (10_000, day(61)),
        (100_000, day(90)),
        (1_000_000, day(91)),
        (3_000_000, "NULL".into()),
    ] {
        entry(&app, &Entry::credit(c, p, points, expiry));
    }
    // 10 expiring on day 30 exactly, 5 of them redeemed: 5 left to expire.
    let thirty = entry(&app, &Entry::credit(c, p, 10, day(30)));
    entry(
        &app,
        &Entry {
            kind: "redeem",
            points: -5,
            against: thirty.to_string(),
            ..Entry::credit(c, p, 0, day(30))
        },
    );

    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get("/loyalty/reports?tab=expiring").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains(r#"aria-current="page">Expiring points</a>"#);
    // 30 days: 1 + 10 - 5; 60: + 100 + 1,000; 90: + 10,000 + 100,000.
    assert_eq!(
        row_cells(&page, "Rewards"),
        [
            "Rewards",
            "Acme US",
            "6 ($0.06)",
            "1,106 ($11.06)",
            "111,106 ($1,111.06)"
        ]
    );
    page.assert_lacks(r#"href="/loyalty/import""#);

    let records = csv(&hq, "/loyalty/reports/expiring.csv").await;
    assert_eq!(records.len(), 2);
    assert_eq!(records[0][3], "Points Expiring In 30 Days");
    assert_eq!(
        records[1],
        [
            "Rewards", "Acme US", "USD", "6", "1106", "111106", "0.06", "11.06", "1111.06"
        ]
    );
}

#[actix_web::test]
async fn members_are_counted_in_the_tier_their_spend_in_the_program_reaches() {
    let app = TestApp::spawn().await;
    let usd = company(&app, "Acme US", "USD");
    let eur = company(&app, "Acme Europe", "EUR");
    let p = program(
        &app,
        "Tiered",
        usd,
        "0.01",
        &[("Silver", "0"), ("Gold", "1000"), ("Platinum", "5000")],
    );
    let other = program(&app, "Euro Club", eur, "0.01", &[("Standard", "0")]);
    let spend = |c: i64, program: i64, amount: &'static str| {
        entry(
            &app,
            &Entry {
                purchase: amount,
                ..Entry::credit(c, program, 1, "NULL".into())
            },
        );
    };
    let (new, _) = customer(&app, "New");
    enrol(&app, new, p);
    let (almost, _) = customer(&app, "Almost");
    enrol(&app, almost, p);
    spend(almost, p, "999.99");
    let (gold, _) = customer(&app, "Gold");
    enrol(&app, gold, p);
    spend(gold, p, "600");
    spend(gold, p, "400");
    // Spends 4,999 here and 10,000 in the other company's program: Gold here.
    let (both, _) = customer(&app, "Both");
    enrol(&app, both, p);
    enrol(&app, both, other);
    spend(both, p, "4999");
    spend(both, other, "10000");
    let (top, _) = customer(&app, "Top");
    enrol(&app, top, p);
    spend(top, p, "7000");
    // Not a member any more: not counted.
    let (gone, _) = customer(&app, "Gone");
    spend(gone, p, "9000");

    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let page = marketing.get("/loyalty/reports?tab=tiers").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains("<figcaption>Tiered <span class=\"muted\">· Acme US · 5 members</span>");
    assert_eq!(
        row_cells(&page, "Silver")[..4],
        ["Silver", "$0.00", "2", "40.0%"]
    );
    assert_eq!(row_cells(&page, "Gold")[..3], ["Gold", "$1,000.00", "2"]);
    assert_eq!(
        row_cells(&page, "Platinum")[..3],
        ["Platinum", "$5,000.00", "1"]
    );
    assert_eq!(
        row_cells(&page, "Standard")[..3],
        ["Standard", "€0.00", "1"]
    );
    // Bars are relative to the largest tier: Platinum's is half of Gold's.
    page.assert_contains(r#"<rect class="bar" x="0" y="1" width="120" height="12" rx="2"><title>Platinum: 1 (20.0%)</title>"#);

    let records = csv(&marketing, "/loyalty/reports/tiers.csv").await;
    assert_eq!(
        records,
        [
            vec!["Program", "Company", "Tier", "Min Spent", "Members"],
            vec!["Euro Club", "Acme Europe", "Standard", "0", "1"],
            vec!["Tiered", "Acme US", "Silver", "0", "2"],
            vec!["Tiered", "Acme US", "Gold", "1000", "2"],
            vec!["Tiered", "Acme US", "Platinum", "5000", "1"],
        ]
    );
}

/// An invoice of store `store` for `customer` numbered `number`: its uuid.
fn invoice(app: &TestApp, store: i64, customer: i64, number: &str) -> String {
    app.text(&format!(
        "WITH made AS (INSERT INTO invoices (uuid, number, store_id, company_id, customer_id, \
         posted_at, currency_code, net_total, discount_amount, grand_total, request_hash, response) \
         SELECT gen_random_uuid(), '{number}', s.id, s.company_id, {customer}, now(), 'USD', 0, 0, 0, \
         '\\x00', '{{}}' FROM stores s WHERE s.id = {store} RETURNING uuid) \
         SELECT uuid::text AS t FROM made"
    ))
}

fn balances_in(page: &Page) -> Vec<String> {
    page.body
        .split("<td class=\"num\"><strong>")
        .skip(1)
        .map(|part| part[..part.find('<').unwrap()].to_owned())
        .collect()
}

#[actix_web::test]
async fn the_ledger_lists_every_entry_oldest_first_with_its_running_balance() {
    let app = TestApp::spawn().await;
    let usd = company(&app, "Acme US", "USD");
    let p = program(&app, "Rewards", usd, "0.01", &[("Silver", "0")]);
    let (c, code) = customer(&app, "Ana");
    enrol(&app, c, p);
    let own = invoice(&app, app.store("TEST"), c, "S1-0001");
    let elsewhere = invoice(&app, app.store("OTHER"), c, "S2-0009");
    // Written in another order than they were posted.
    let earned = entry(
        &app,
        &Entry {
            purchase: "100.5",
            posted: -5,
            ..Entry::credit(c, p, 100, day(360))
        },
    );
    app.sql(&format!(
        "UPDATE loyalty_point_entries SET tier = 'Silver', invoice_id = (SELECT id FROM invoices WHERE number = 'S1-0001') WHERE id = {earned}"
    ));
    let bonus = entry(
        &app,
        &Entry {
            kind: "bonus",
            posted: -10,
            ..Entry::credit(c, p, 50, "NULL".into())
        },
    );
    app.sql(&format!(
        "UPDATE loyalty_point_entries SET reason = 'Welcome' WHERE id = {bonus}"
    ));
    let redeemed = entry(
        &app,
        &Entry {
            kind: "redeem",
            points: -30,
            posted: -5,
            against: earned.to_string(),
            ..Entry::credit(c, p, 0, day(360))
        },
    );
    app.sql(&format!(
        "UPDATE loyalty_point_entries SET invoice_id = (SELECT id FROM invoices WHERE number = 'S2-0009') WHERE id = {redeemed}"
    ));
    entry(
        &app,
        &Entry {
            kind: "adjust",
            posted: -1,
            ..Entry::credit(c, p, 25, "NULL".into())
        },
    );

    let (hq, _) = app.signed_in(Role::HqManager).await;
    let path = format!("/customers/{c}/loyalty/ledger");
    let page = hq.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains(&code);
    // Bonus (day -10), then the earn and the redemption of day -5 in id order, then the
    // adjustment.
    assert_eq!(balances_in(&page), ["50", "150", "120", "145"]);
    let kinds: Vec<usize> = [
        "<td>Bonus</td>",
        "<td>Earned</td>",
        "<td>Redeemed</td>",
        "<td>Adjustment</td>",
    ]
    .iter()
    .map(|k| page.body.find(k).unwrap())
    .collect();
    assert!(kinds.windows(2).all(|w| w[0] < w[1]), "{kinds:?}");
    page.assert_contains(&format!(r#"<a href="/invoices/{own}">S1-0001</a>"#));
    page.assert_contains(&format!(r#"<a href="/invoices/{elsewhere}">S2-0009</a>"#));
    page.assert_contains("$100.50");
    page.assert_contains("<td>Welcome</td>");
    page.assert_contains("145 points <span class=\"muted\">($1.45)</span>");

    // A store supervisor explains points too, but opens only their store's invoices.
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    let page = supervisor.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&format!(r#"<a href="/invoices/{own}">S1-0001</a>"#));
    page.assert_lacks(&format!("/invoices/{elsewhere}"));
    page.assert_contains("S2-0009");
    let customer_page = supervisor.get(&format!("/customers/{c}")).await;
    customer_page.assert_contains(&format!(r#"<a href="{path}">Loyalty</a>"#));

    let records = csv(&hq, &format!("{path}.csv")).await;
    assert_eq!(records.len(), 5);
    assert_eq!(
        records[0],
        [
            "Posting Date",
            "Program",
            "Kind",
            "Invoice",
            "Currency",
            "Purchase Amount",
            "Points",
            "Balance",
            "Tier",
            "Expiry Date",
            "Reason",
            "Created By"
        ]
    );
    assert_eq!(
        records[2],
        [
            (today() - Duration::days(5)).to_string(),
            "Rewards".into(),
            "Earned".into(),
            "S1-0001".into(),
            "USD".into(),
            "100.50".into(),
            "100".into(),
            "150".into(),
            "Silver".into(),
            (today() + Duration::days(360)).to_string(),
            String::new(),
            "till DOWNTOWN".into(),
        ]
    );
    let balances: Vec<&str> = records[1..].iter().map(|r| r[7].as_str()).collect();
    assert_eq!(balances, ["50", "150", "120", "145"]);

    app.assert_indexed(&[(
        &format!("SELECT points FROM loyalty_point_entries WHERE customer_id = {c}"),
        "loyalty_entries_customer_idx",
    )]);
}

#[actix_web::test]
async fn a_long_ledger_pages_by_200_and_the_balance_carries_over() {
    let app = TestApp::spawn().await;
    let (usd, p, c) = ana_in_rewards(&app);
    app.sql(&format!(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points, \
         posting_date, created_by) \
         SELECT {c}, {p}, {usd}, 'earn', g, {} + (g / 10), 'till' FROM generate_series(1, 205) g",
        day(-100)
    ));
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let path = format!("/customers/{c}/loyalty/ledger");
    let first = marketing.get(&path).await;
    let balances = balances_in(&first);
    assert_eq!(balances.len(), 200);
    // 1 + 2 + ... + 200, as the page groups thousands.
    assert_eq!(balances[199], "20,100");
    first.assert_contains("Showing 1–200");
    let next = first.pager_link("next").expect("a Next link");
    let second = marketing.get_fragment(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    second.assert_lacks("<html");
    assert_eq!(
        balances_in(&second),
        [201, 202, 203, 204, 205]
            .iter()
            .map(|n| patron::web::format::count(n * (n + 1) / 2))
            .collect::<Vec<_>>()
    );
    second.assert_lacks(">Next</a>");
    second.assert_contains("Showing 201–205");
    let back = marketing.get(&second.pager_link("prev").unwrap()).await;
    assert_eq!(
        balances_in(&back),
        balances,
        "Previous: the first 200 again, same balances"
    );
    assert_eq!(
        csv(&marketing, &format!("{path}.csv")).await.len(),
        206,
        "the CSV holds every entry"
    );
}

async fn upload(client: &TestClient, csv: &str) -> String {
    let form = client.get("/loyalty/import").await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Import opening balances");
    form.assert_contains(r#"<a href="/loyalty/reports">Loyalty reports</a>"#);
    form.assert_lacks("The same columns as the export");
    let page = client
        .upload("/loyalty/import", "opening.csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location().unwrap().to_owned()
}

#[actix_web::test]
async fn opening_balances_import_as_credits_and_bad_rows_are_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let usd = company(&app, "Acme US", "USD");
    let eur = company(&app, "Acme Europe", "EUR");
    let p = program(&app, "Rewards", usd, "0.01", &[("Silver", "0")]);
    let other = program(&app, "Euro Club", eur, "0.01", &[("Standard", "0")]);
    let (ana, ana_code) = customer(&app, "Ana");
    enrol(&app, ana, p);
    let (_, stranger) = customer(&app, "Bo");
    let (both, both_code) = customer(&app, "Cy");
    enrol(&app, both, p);
    enrol(&app, both, other);
    let next_year = today() + Duration::days(365);
    let yesterday = today() - Duration::days(1);
    let file = format!(
        "Customer Code,Points,Expiry Date\n\
         {ana_code},250,{next_year}\n\
         {},100,\n\
         CUST-99999,10,\n\
         {stranger},10,\n\
         {both_code},10,\n\
         {ana_code},0,\n\
         {ana_code},10,{yesterday}\n",
        ana_code.to_lowercase()
    );
    let (marketing, user) = app.signed_in(Role::Marketing).await;
    let path = upload(&marketing, &file).await;
    let preview = marketing.get(&path).await;
    preview.assert_contains("7 rows: <strong>2 ready to import</strong>");
    for (line, column, message) in [
        (
            4,
            "Customer Code",
            "No customer has the code CUST-99999.".to_owned(),
        ),
        (
            5,
            "Customer Code",
            format!("{stranger} is not enrolled in a loyalty program: enrol them first."),
        ),
        (
            6,
            "Customer Code",
            format!(
                "{both_code} is enrolled in the programs of 2 companies, so the file cannot say which one gets the points."
            ),
        ),
        (
            7,
            "Points",
            "“0”: points are a whole number above 0, like 250.".to_owned(),
        ),
        (
            8,
            "Expiry Date",
            format!("{yesterday} is in the past: points that expired never count."),
        ),
    ] {
        preview.assert_contains(&format!(
            "<tr><td class=\"num\">{line}</td><td>{column}</td><td>{message}</td></tr>"
        ));
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_point_entries"),
        0,
        "checking writes nothing"
    );

    let done = crate::import::run(&app, &marketing, &path, "valid_rows").await;
    done.assert_contains("Imported 2 opening balance(s)");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM loyalty_point_entries WHERE customer_id = {ana} \
             AND program_id = {p} AND company_id = {usd} AND kind = 'adjust' \
             AND reason = 'Opening balance' AND invoice_id IS NULL AND purchase_amount = 0 \
             AND against_entry_id IS NULL AND posting_date = {} AND created_by = '{}' \
             AND ((points = 250 AND expiry_date = '{next_year}') OR (points = 100 AND expiry_date IS NULL))",
            day(0),
            user.email
        )),
        2
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_point_entries"),
        2
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'loyalty_opening_import' \
             AND action = 'import' AND actor_id = {}",
            user.id
        )),
        1
    );
    let report = marketing.get("/loyalty/reports").await;
    assert_eq!(row_cells(&report, "Rewards")[3], "350");
    let ledger = marketing
        .get(&format!("/customers/{ana}/loyalty/ledger"))
        .await;
    ledger.assert_contains("<td>Opening balance</td>");
    ledger.assert_contains("<td>Adjustment</td>");

    // A file with every row bad and all-or-nothing writes nothing.
    let path = upload(&marketing, "Customer Code,Points\nCUST-99999,5\n").await;
    let refused = crate::import::run(&app, &marketing, &path, "all").await;
    refused.assert_contains("1 problem(s) found; nothing was imported.");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_point_entries"),
        2
    );
}

#[actix_web::test]
async fn store_supervisors_may_not_read_the_reports_nor_import() {
    let app = TestApp::spawn().await;
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    for path in [
        "/loyalty/reports",
        "/loyalty/reports?tab=tiers",
        "/loyalty/reports/liability.csv",
        "/loyalty/reports/expiring.csv",
        "/loyalty/reports/tiers.csv",
        "/loyalty/import",
    ] {
        let page = supervisor.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    supervisor
        .get("/")
        .await
        .assert_lacks(r#"href="/loyalty/reports""#);
    // HQ reads the reports but does not set up loyalty.
    let (hq, _) = app.signed_in(Role::HqManager).await;
    assert_eq!(
        hq.get("/loyalty/import").await.status,
        StatusCode::FORBIDDEN
    );
    let empty = hq.get("/loyalty/reports").await;
    empty.assert_contains("No loyalty programs yet.");
    empty.assert_lacks("Import opening balances");
}

#[actix_web::test]
async fn synthetic_ledgers_for_the_benchmark_hold_together() {
    let app = TestApp::spawn().await;
    let mut conn = app.conn();
    patron::seed::customers(&mut conn, 20, |_| {}).unwrap();
    let made = patron::loyalty::synthetic::add_entries(&mut conn, 60, |_| {}).unwrap();
    assert_eq!(made, 60);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_programs WHERE name = 'Patron Rewards'"),
        1
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM loyalty_members"), 12);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_point_entries WHERE kind = 'redeem'"),
        10
    );
    // Every redemption draws on a credit of its own customer, within it, with its expiry date.
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM loyalty_point_entries r \
             JOIN loyalty_point_entries c ON c.id = r.against_entry_id \
             WHERE r.customer_id <> c.customer_id OR -r.points > c.points \
                OR r.expiry_date IS DISTINCT FROM c.expiry_date OR r.posting_date < c.posting_date"
        ),
        0
    );
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get("/loyalty/reports").await;
    assert_eq!(row_cells(&page, "Patron Rewards")[2], "12");
}

#[actix_web::test]
async fn an_adjustment_reason_that_reads_as_a_formula_stays_text_in_the_ledger_csv() {
    let app = TestApp::spawn().await;
    let (usd, p, c) = ana_in_rewards(&app);
    app.sql(&format!(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points, \
         posting_date, created_by, reason) \
         VALUES ({c}, {p}, {usd}, 'adjust', 5, {}, 'hq', '=HYPERLINK(\"http://evil.example\")')",
        day(-1)
    ));
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let records = csv(&marketing, &format!("/customers/{c}/loyalty/ledger.csv")).await;
    assert_eq!(records[1][10], "'=HYPERLINK(\"http://evil.example\")");
}
