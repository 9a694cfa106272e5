//! The Loyalty Programs pages: a program with its Collection Rules set up through the form,
//! each tier rule refused with its message, unique names per company, edits that replace the
//! tiers (audited), deactivation, the list's members and points figures, and who may do it.

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::{TestApp, TestClient};

/// A form as posted: its fields in order, names repeating.
type Form = Vec<(String, String)>;

/// The form of a program called `name` for the first company, with these tiers as
/// (Tier Name, Min Spent, Collection Factor) rows and the spare row left empty.
fn program(
    app: &TestApp,
    name: &str,
    kind: &str,
    tiers: &[(&str, &str, &str)],
) -> Vec<(String, String)> {
    let company = patron::stores::model::first_company(&mut app.conn()).unwrap();
    let mut form: Vec<(String, String)> = [
        ("name", name),
        ("company_id", &company.to_string()),
        ("program_type", kind),
        ("conversion_factor", "0.01"),
        ("expiry_days", "365"),
        ("valid_from", "2024-01-01"),
        ("valid_upto", ""),
        ("customer_group_id", ""),
        ("territory_id", ""),
        ("auto_opt_in", "on"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (tier, min_spent, factor) in tiers.iter().chain(&[("", "", "")]) {
        form.push(("tier_name".into(), (*tier).into()));
        form.push(("tier_min_spent".into(), (*min_spent).into()));
        form.push(("tier_factor".into(), (*factor).into()));
    }
    form
}

/// `form` with `field` set to `value`.
fn with(mut form: Vec<(String, String)>, field: &str, value: &str) -> Vec<(String, String)> {
    for (k, v) in form.iter_mut() {
        if k == field {
            *v = value.to_owned();
        }
    }
    form
}

async fn post(client: &TestClient, path: &str, form: &[(String, String)]) -> crate::common::Page {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.post_form(path, &fields).await
}

const TIERS: [(&str, &str, &str); 3] = [
    ("Silver", "0", "1"),
    ("Gold", "1000", "1"),
    ("Platinum", "5000", "0.5"),
];

/// Creates a program through the page; returns its id.
async fn create(app: &TestApp, client: &TestClient, name: &str) -> i64 {
    let page = post(
        client,
        "/loyalty/programs",
        &program(app, name, "multiple", &TIERS),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    app.count(&format!(
        "SELECT id AS n FROM loyalty_programs WHERE name = '{name}'"
    ))
}

#[actix_web::test]
async fn marketing_sets_up_a_multiple_tier_program_and_sees_it_listed() {
    let app = TestApp::spawn().await;
    let (marketing, user) = app.signed_in(Role::Marketing).await;

    let empty = marketing.get("/loyalty/programs").await;
    assert_eq!(empty.status, StatusCode::OK);
    empty.assert_contains("No loyalty programs yet.");

    let page = marketing.get("/loyalty/programs/new").await;
    for label in [
        r#"<label for="f-name">Program Name"#,
        r#"<label for="f-company_id">Company"#,
        r#"<label for="f-program_type">Program Type"#,
        r#"<label for="f-conversion_factor">Conversion Factor"#,
        r#"<label for="f-expiry_days">Expiry Duration (days)"#,
        r#"<label for="f-valid_from">Valid From"#,
        r#"<label for="f-valid_upto">Valid Upto"#,
        r#"<label for="f-customer_group_id">Customer Group"#,
        r#"<label for="f-territory_id">Territory"#,
        r#"<label for="f-auto_opt_in">Auto Opt In"#,
        r#"<label for="f-forfeit_on_unenrol">Forfeit Points On Unenrol"#,
        r#"aria-label="Tier Name""#,
        r#"aria-label="Min Spent""#,
        r#"aria-label="Collection Factor""#,
        r#"<input id="f-valid_from" name="valid_from" type="date""#,
        r#"<option value="">Any</option>"#,
    ] {
        page.assert_contains(label);
    }

    let id = create(&app, &marketing, "Patron Rewards").await;
    let list = marketing.get("/loyalty/programs").await;
    list.assert_contains("Created loyalty program Patron Rewards.");
    list.assert_contains(&format!(
        r#"<a href="/loyalty/programs/{id}">Patron Rewards</a>"#
    ));
    list.assert_contains("Multiple Tier");
    list.assert_contains("1 point = $0.01");
    list.assert_contains("365 days");
    list.assert_contains(r#"<span class="badge badge-active">Active</span>"#);

    let tiers = app.text(&format!(
        "SELECT string_agg(name || ':' || min_spent::float8 || ':' || collection_factor::float8, ' ' \
         ORDER BY min_spent) AS t FROM loyalty_tiers WHERE program_id = {id}"
    ));
    assert_eq!(tiers, "Silver:0:1 Gold:1000:1 Platinum:5000:0.5");
    let audited = app.count(&format!(
        "SELECT count(*) AS n FROM audit_log WHERE entity = 'loyalty_program' AND entity_id = '{id}' \
         AND action = 'create' AND actor_id = {} AND jsonb_array_length(after->'tiers') = 3",
        user.id
    ));
    assert_eq!(audited, 1);

    // The edit page shows what was stored.
    let page = marketing.get(&format!("/loyalty/programs/{id}")).await;
    page.assert_contains(r#"value="Platinum""#);
    page.assert_contains(r#"value="0.5""#);
    page.assert_contains(r#"<option value="multiple" selected>Multiple Tier</option>"#);
    page.assert_contains(r#"name="auto_opt_in" type="checkbox" checked"#);
}

#[actix_web::test]
async fn each_setup_rule_is_refused_with_its_message_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let cases: [(Form, &str, &str); 6] = [
        (
            program(&app, "None", "multiple", &[]),
            "tiers",
            "Add at least one tier.",
        ),
        (
            program(
                &app,
                "From ten",
                "multiple",
                &[("Silver", "10", "1"), ("Gold", "100", "1")],
            ),
            "tier-0-min_spent",
            "The lowest tier&#39;s Min Spent must be 0, so that every purchase earns.",
        ),
        (
            program(
                &app,
                "Same",
                "multiple",
                &[("Silver", "0", "1"), ("Gold", "0.00", "1")],
            ),
            "tier-1-min_spent",
            "Another tier starts at 0: give each a different Min Spent.",
        ),
        (
            program(
                &app,
                "Free",
                "multiple",
                &[("Silver", "0", "1"), ("Gold", "100", "0")],
            ),
            "tier-1-factor",
            "The Collection Factor must be more than 0.",
        ),
        (
            with(
                program(&app, "Worthless", "multiple", &[("Silver", "0", "1")]),
                "conversion_factor",
                "0",
            ),
            "conversion_factor",
            "The Conversion Factor must be more than 0: it is what one point is worth.",
        ),
        (
            program(
                &app,
                "Single",
                "single",
                &[("Silver", "0", "1"), ("Gold", "100", "1")],
            ),
            "tiers",
            "A Single Tier program has one tier: remove the others or choose Multiple Tier.",
        ),
    ];
    for (form, field, message) in cases {
        let page = post(&marketing, "/loyalty/programs", &form).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        page.assert_contains("Some fields need attention.");
        page.assert_contains(&format!(r#"id="f-{field}-error""#));
        page.assert_contains(message);
        // What was typed is still there.
        let name = &form[0].1;
        page.assert_contains(&format!(r#"value="{name}""#));
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM loyalty_programs"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM loyalty_tiers"), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE entity = 'loyalty_program'"),
        0
    );
}

#[actix_web::test]
async fn the_new_form_holds_its_defaults_as_values_and_a_bad_tier_cell_is_marked() {
    let app = TestApp::spawn().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    // Defaults are values, never grey placeholders that look like them.
    let page = marketing.get("/loyalty/programs/new").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(
        r#"<input id="f-conversion_factor" name="conversion_factor" type="text" inputmode="decimal" value="0.01""#,
    );
    page.assert_contains(r#"name="tier_min_spent" inputmode="decimal" value="0""#);
    page.assert_contains(r#"name="tier_factor" inputmode="decimal" value="1""#);
    page.assert_contains("1 point for every 1.00 spent");
    assert!(
        !page.body.contains(r#"placeholder="0"#) && !page.body.contains(r#"placeholder="1"#),
        "no placeholder that reads like a number"
    );

    // A named tier without its Min Spent: the message sits at that cell, which is marked,
    // and the row keeps what was typed.
    let form = program(
        &app,
        "Patron Rewards",
        "multiple",
        &[("Bronze", "0", "1"), ("Silver", "", "0.5")],
    );
    let page = post(&marketing, "/loyalty/programs", &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        r#"name="tier_min_spent" inputmode="decimal" value="" autocomplete="off" aria-invalid="true" aria-describedby="f-tier-1-min_spent-error">"#,
    );
    page.assert_contains(
        r#"<p class="field-error" id="f-tier-1-min_spent-error">Enter the Min Spent.</p>"#,
    );
    page.assert_contains(r#"value="Silver""#);
    page.assert_contains(r#"value="0.5""#);
    page.assert_contains("1 point for every 0.50 spent");
    // Only that cell: the Conversion Factor and the other row are fine.
    assert_eq!(page.body.matches(r#"aria-invalid="true""#).count(), 1);
    page.assert_lacks("f-conversion_factor-error");
    assert_eq!(app.count("SELECT count(*) AS n FROM loyalty_programs"), 0);
}

#[actix_web::test]
async fn a_name_the_company_already_uses_is_refused_next_to_program_name() {
    let app = TestApp::spawn().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    create(&app, &marketing, "Patron Rewards").await;

    let page = post(
        &marketing,
        "/loyalty/programs",
        &program(&app, "patron rewards", "single", &[("Members", "0", "1")]),
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        r#"<p class="field-error" id="f-name-error">Main Company already has a program called patron rewards.</p>"#,
    );
    page.assert_contains(r#"value="Members""#);
    assert_eq!(app.count("SELECT count(*) AS n FROM loyalty_programs"), 1);

    // Two people saving the same new name at once: one program, and a message for the other.
    let form = program(&app, "Double", "single", &[("Members", "0", "1")]);
    let (a, b) = tokio::join!(
        post(&marketing, "/loyalty/programs", &form),
        post(&marketing, "/loyalty/programs", &form)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY]
    );
    let refused = if a.status == StatusCode::SEE_OTHER {
        b
    } else {
        a
    };
    refused.assert_contains("Main Company already has a program called Double.");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM loyalty_programs WHERE name = 'Double'"),
        1
    );
}

#[actix_web::test]
async fn an_edit_replaces_the_tiers_and_is_audited_with_before_and_after() {
    let app = TestApp::spawn().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let id = create(&app, &marketing, "Patron Rewards").await;

    let form = with(
        program(
            &app,
            "Patron Rewards",
            "multiple",
            &[("Member", "0", "2"), ("VIP", "2500", "1")],
        ),
        "expiry_days",
        "0",
    );
    let page = post(&marketing, &format!("/loyalty/programs/{id}"), &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let edit = marketing.get(page.location().unwrap()).await;
    edit.assert_contains("Saved loyalty program Patron Rewards.");
    edit.assert_contains(r#"value="VIP""#);
    edit.assert_lacks(r#"value="Platinum""#);

    let tiers = app.text(&format!(
        "SELECT string_agg(name, ' ' ORDER BY min_spent) AS t FROM loyalty_tiers WHERE program_id = {id}"
    ));
    assert_eq!(tiers, "Member VIP");
    let audit = app.text(&format!(
        "SELECT (before->'tiers'->2->>'name') || ' ' || (after->'tiers'->1->>'name') || ' ' || \
         (before->>'expiry_days') || ' ' || (after->>'expiry_days') AS t \
         FROM audit_log WHERE entity = 'loyalty_program' AND entity_id = '{id}' AND action = 'update'"
    ));
    assert_eq!(audit, "Platinum VIP 365 0");
    let list = marketing.get("/loyalty/programs").await;
    list.assert_contains("Never");
}

#[actix_web::test]
async fn a_deactivated_program_stays_listed_and_can_be_reactivated() {
    let app = TestApp::spawn().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let id = create(&app, &marketing, "Patron Rewards").await;

    let page = marketing.get(&format!("/loyalty/programs/{id}")).await;
    page.assert_contains(&format!(
        r#"action="/loyalty/programs/{id}/deactivate" data-confirm="Deactivate Patron Rewards?"#
    ));
    page.assert_lacks("Delete");

    let page = marketing
        .post_form(&format!("/loyalty/programs/{id}/deactivate"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let list = marketing.get("/loyalty/programs").await;
    list.assert_contains("Loyalty program Patron Rewards deactivated.");
    list.assert_contains("Patron Rewards</a>");
    list.assert_contains(r#"<span class="badge badge-inactive">Deactivated</span>"#);
    let audited = app.text(&format!(
        "SELECT (before->>'active') || ' ' || (after->>'active') AS t FROM audit_log \
         WHERE entity = 'loyalty_program' AND entity_id = '{id}' AND action = 'deactivate'"
    ));
    assert_eq!(audited, "true false");

    let page = marketing
        .post_form(&format!("/loyalty/programs/{id}/reactivate"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = marketing.get(&format!("/loyalty/programs/{id}")).await;
    page.assert_contains("Loyalty program Patron Rewards reactivated.");
    page.assert_contains(r#"<span class="badge badge-active">Active</span>"#);
}

#[actix_web::test]
async fn the_list_shows_each_programs_members_points_outstanding_and_their_value() {
    let app = TestApp::spawn().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let rewards = create(&app, &marketing, "Patron Rewards").await;
    let other = create(&app, &marketing, "Staff Points").await;
    app.sql(
        "INSERT INTO customers (first_name, customer_group_id, territory_id) \
         SELECT 'Member ' || n, (SELECT min(id) FROM customer_groups), (SELECT min(id) FROM territories) \
         FROM generate_series(1, 3) AS n",
    );
    app.sql(&format!(
        "INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_by) \
         SELECT c.id, p.company_id, CASE WHEN c.first_name = 'Member 3' THEN {other} ELSE {rewards} END, 'test' \
         FROM customers c, loyalty_programs p WHERE p.id = {rewards}"
    ));
    // Rewards: 1,500 that never expire, 1,000 until next month less 250 redeemed from them,
    // and 400 that expired yesterday (with 100 redeemed from those, expired alike).
    app.sql(&format!(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points, \
           posting_date, expiry_date, created_by) \
         SELECT c.id, {rewards}, c2.id, x.kind, x.points, current_date - 30, current_date + x.days, 'test' \
         FROM (SELECT min(id) AS id FROM customers) c, (SELECT min(id) AS id FROM companies) c2, \
              (VALUES ('earn', 1500, NULL::int), ('earn', 1000, 30), ('earn', 400, -1)) AS x(kind, points, days)"
    ));
    app.sql(&format!(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points, \
           posting_date, expiry_date, against_entry_id, created_by) \
         SELECT e.customer_id, e.program_id, e.company_id, 'redeem', x.points, current_date, e.expiry_date, e.id, 'test' \
         FROM loyalty_point_entries e JOIN (VALUES (1000, -250), (400, -100)) AS x(credit, points) \
           ON e.points = x.credit WHERE e.program_id = {rewards}"
    ));
    let list = marketing.get("/loyalty/programs").await;
    let row = |id: i64| {
        let start = list
            .body
            .find(&format!(r#"<a href="/loyalty/programs/{id}">"#))
            .unwrap();
        let end = start + list.body[start..].find("</tr>").unwrap();
        list.body[start..end].to_owned()
    };
    let rewards_row = row(rewards);
    // 1,500 + 1,000 - 250 = 2,250 points at $0.01.
    for figure in [
        r#"<td class="num">2</td>"#,
        r#"<td class="num">2,250</td>"#,
        r#"<td class="num">$22.50</td>"#,
    ] {
        assert!(rewards_row.contains(figure), "{figure} in {rewards_row}");
    }
    let other_row = row(other);
    for figure in [
        r#"<td class="num">1</td>"#,
        r#"<td class="num">0</td>"#,
        r#"<td class="num">$0.00</td>"#,
    ] {
        assert!(other_row.contains(figure), "{figure} in {other_row}");
    }
}

#[actix_web::test]
async fn add_tier_and_remove_work_with_htmx_and_without_javascript() {
    let app = TestApp::spawn().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;

    let row = marketing.get_fragment("/loyalty/programs/tier-row").await;
    assert_eq!(row.status, StatusCode::OK);
    row.assert_lacks("<html");
    row.assert_contains(r#"<tr class="new-row">"#);
    row.assert_contains(r#"name="tier_name" value="""#);
    row.assert_contains("data-remove-row");

    // Without JavaScript, Add tier posts the form: it comes back as typed, with a spare row.
    let mut form = program(&app, "Patron Rewards", "multiple", &TIERS[..2]);
    form.push(("add_tier".into(), "1".into()));
    let page = post(&marketing, "/loyalty/programs", &form).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"value="Gold""#);
    assert_eq!(page.body.matches(r#"aria-label="Tier Name""#).count(), 3);

    // Remove takes out the row it belongs to, still unsaved.
    form.pop();
    form.push(("remove_tier".into(), "0".into()));
    let page = post(&marketing, "/loyalty/programs", &form).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_lacks(r#"value="Silver""#);
    page.assert_contains(r#"value="Gold""#);
    assert_eq!(app.count("SELECT count(*) AS n FROM loyalty_programs"), 0);
}

#[actix_web::test]
async fn store_supervisors_may_not_set_up_loyalty_programs() {
    let app = TestApp::spawn().await;
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    for path in ["/loyalty/programs", "/loyalty/programs/new"] {
        let page = supervisor.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    let page = post(
        &supervisor,
        "/loyalty/programs",
        &program(&app, "Sneaky", "single", &[("Members", "0", "1")]),
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) AS n FROM loyalty_programs"), 0);
    supervisor
        .get("/")
        .await
        .assert_lacks(r#"href="/loyalty/programs""#);
}

#[actix_web::test]
async fn a_program_customers_are_enrolled_in_stays_with_its_company() {
    let app = TestApp::spawn().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let id = create(&app, &marketing, "Patron Rewards").await;
    let other = app.count(
        "INSERT INTO companies (name, currency_code) VALUES ('Second Co', 'EUR') RETURNING id AS n",
    );
    let moved = with(
        program(&app, "Patron Rewards", "multiple", &TIERS),
        "company_id",
        &other.to_string(),
    );
    app.sql(
        "INSERT INTO customers (first_name, customer_group_id, territory_id) \
         SELECT 'Member', min(g.id), min(t.id) FROM customer_groups g, territories t",
    );
    app.sql(&format!(
        "INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_by) \
         SELECT c.id, p.company_id, p.id, 'test' FROM customers c, loyalty_programs p WHERE p.id = {id}"
    ));
    let page = post(&marketing, &format!("/loyalty/programs/{id}"), &moved).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"id="f-company_id-error">Customers are enrolled in this program"#);
    let company = app.count(&format!(
        "SELECT company_id AS n FROM loyalty_programs WHERE id = {id}"
    ));
    assert_ne!(company, other);
}
