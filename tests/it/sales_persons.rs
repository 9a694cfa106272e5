//! The Sales Persons pages: create, the list and its live search, unique employee codes, the
//! commission rate's range, deactivate and reactivate, each change audited.

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::{TestApp, TestClient};

fn form<'a>(code: &'a str, name: &'a str, rate: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("employee_code", code),
        ("name", name),
        ("commission_rate", rate),
    ]
}

/// Creates a sales person through the page; returns their id.
async fn create(app: &TestApp, hq: &TestClient, code: &str, name: &str, rate: &str) -> i64 {
    let page = hq
        .post_form("/sales-persons", &form(code, name, rate))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    app.count(&format!(
        "SELECT id AS n FROM sales_persons WHERE employee_code = '{code}'"
    ))
}

#[actix_web::test]
async fn an_hq_manager_creates_a_sales_person_who_is_then_listed() {
    let app = TestApp::spawn().await;
    let (hq, hq_user) = app.signed_in(Role::HqManager).await;

    let empty = hq.get("/sales-persons").await;
    assert_eq!(empty.status, StatusCode::OK);
    empty.assert_contains("No sales persons yet.");
    empty.assert_contains(r#"href="/sales-persons/new""#);

    let page = hq.get("/sales-persons/new").await;
    page.assert_contains(r#"<label for="f-employee_code">Employee Code"#);
    page.assert_contains(r#"<label for="f-name">Sales Person Name"#);
    page.assert_contains(r#"<label for="f-commission_rate">Commission Rate (%)"#);

    let page = hq
        .post_form("/sales-persons", &form(" emp-004 ", "Ada Lovelace", "2.5"))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let list = hq.get(page.location().unwrap()).await;
    list.assert_contains("Created Ada Lovelace (EMP-004).");
    list.assert_contains("EMP-004");
    list.assert_contains(r#"<td class="num">2.50%</td>"#);
    list.assert_contains(r#"<span class="badge badge-active">Active</span>"#);

    let audited = app.count(&format!(
        "SELECT count(*) AS n FROM audit_log WHERE entity = 'sales_person' AND action = 'create' \
         AND actor_id = {} AND after->>'employee_code' = 'EMP-004'",
        hq_user.id
    ));
    assert_eq!(audited, 1);
}

#[actix_web::test]
async fn a_duplicate_employee_code_is_refused_next_to_the_field() {
    let app = TestApp::spawn().await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    create(&app, &hq, "EMP-004", "Ada Lovelace", "2").await;

    let page = hq
        .post_form("/sales-persons", &form("emp-004", "Grace Hopper", "3"))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(r#"<p class="field-error" id="f-employee_code-error">EMP-004 already belongs to Ada Lovelace.</p>"#);
    page.assert_contains(r#"value="Grace Hopper""#);
    assert_eq!(app.count("SELECT count(*) AS n FROM sales_persons"), 1);

    // Editing someone else onto the code is refused the same way; keeping one's own is fine.
    let grace = create(&app, &hq, "EMP-005", "Grace Hopper", "3").await;
    let page = hq
        .post_form(
            &format!("/sales-persons/{grace}"),
            &form("EMP-004", "Grace Hopper", "3"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("EMP-004 already belongs to Ada Lovelace.");
    let page = hq
        .post_form(
            &format!("/sales-persons/{grace}"),
            &form("EMP-005", "Grace B. Hopper", "3.75"),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let edit = hq.get(page.location().unwrap()).await;
    edit.assert_contains("Saved Grace B. Hopper (EMP-005).");
    edit.assert_contains(r#"value="3.75""#);
}

#[actix_web::test]
async fn two_people_saving_the_same_code_at_once_get_one_row_and_one_field_error() {
    let app = TestApp::spawn().await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    hq.get("/sales-persons/new").await;
    let fields = form("EMP-007", "Same Code", "1");
    let (a, b) = tokio::join!(
        hq.post_form("/sales-persons", &fields),
        hq.post_form("/sales-persons", &fields)
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
    refused.assert_contains("EMP-007 already belongs to Same Code.");
    assert_eq!(app.count("SELECT count(*) AS n FROM sales_persons"), 1);
}

#[actix_web::test]
async fn bad_input_is_shown_next_to_each_field_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq
        .post_form("/sales-persons", &form("EMP 1!", "", "100.5"))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Some fields need attention.");
    page.assert_contains(r#"id="f-employee_code-error">Use only letters, digits and dashes."#);
    page.assert_contains(r#"id="f-name-error">Enter the Sales Person Name."#);
    page.assert_contains(
        r#"id="f-commission_rate-error">The Commission Rate must be between 0 and 100."#,
    );
    page.assert_contains(r#"value="100.5""#);
    let page = hq
        .post_form("/sales-persons", &form("EMP-1", "Neg", "-1"))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("The Commission Rate cannot be negative.");
    assert_eq!(app.count("SELECT count(*) AS n FROM sales_persons"), 0);
}

#[actix_web::test]
async fn the_live_search_answers_a_fragment_and_works_without_javascript() {
    let app = TestApp::spawn().await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    create(&app, &hq, "EMP-001", "Ada Lovelace", "2").await;
    create(&app, &hq, "EMP-002", "Grace Hopper", "3").await;

    let fragment = hq.get_fragment("/sales-persons?q=hopp").await;
    assert_eq!(fragment.status, StatusCode::OK);
    assert_eq!(fragment.headers["vary"], "HX-Request");
    fragment.assert_lacks("<html");
    fragment.assert_contains("Grace Hopper");
    fragment.assert_lacks("Ada Lovelace");

    let by_code = hq.get_fragment("/sales-persons?q=emp-001").await;
    by_code.assert_contains("Ada Lovelace");
    by_code.assert_lacks("Grace Hopper");

    let page = hq.get("/sales-persons?q=hopp").await;
    page.assert_contains("<html");
    page.assert_contains(r#"hx-trigger="input changed delay:300ms"#);
    page.assert_contains(r#"name="q" type="search" value="hopp""#);
    page.assert_contains("Grace Hopper");
    page.assert_lacks("Ada Lovelace");

    let none = hq.get_fragment("/sales-persons?q=nobody").await;
    none.assert_contains("No sales person matches “nobody”.");
}

#[actix_web::test]
async fn a_sales_person_is_deactivated_after_a_confirmation_and_reactivated() {
    let app = TestApp::spawn().await;
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let id = create(&app, &hq, "EMP-001", "Ada Lovelace", "2").await;

    let edit = hq.get(&format!("/sales-persons/{id}")).await;
    edit.assert_contains(&format!(
        r#"action="/sales-persons/{id}/deactivate" data-confirm="Deactivate Ada Lovelace?"#
    ));
    let page = hq
        .post_form(&format!("/sales-persons/{id}/deactivate"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let edit = hq.get(page.location().unwrap()).await;
    edit.assert_contains("Ada Lovelace deactivated.");
    edit.assert_contains(&format!(r#"action="/sales-persons/{id}/reactivate""#));
    hq.get("/sales-persons")
        .await
        .assert_contains(r#"<span class="badge badge-inactive">Deactivated</span>"#);

    let page = hq
        .post_form(&format!("/sales-persons/{id}/reactivate"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    hq.get(page.location().unwrap())
        .await
        .assert_contains("Ada Lovelace reactivated.");
    let actions = app.text(&format!(
        "SELECT string_agg(action, ',' ORDER BY id) AS t FROM audit_log \
         WHERE entity = 'sales_person' AND entity_id = '{id}'"
    ));
    assert_eq!(actions, "create,deactivate,reactivate");

    let missing = hq.get("/sales-persons/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let no_such_action = hq
        .post_form(&format!("/sales-persons/{id}/delete"), &[])
        .await;
    assert_eq!(no_such_action.status, StatusCode::NOT_FOUND);
}
